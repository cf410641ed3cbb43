# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.ipvlan contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Named network namespaces as 'ip netns' keeps them: bind mounts under
/run/netns. Done in-process with setns(2)/unshare(2), no fork and no child
process, and never creating a namespace while reading.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import contextlib
import ctypes
import errno
import os

from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model.errors import (
    IpvlanError,
    NamespaceNotFound,
    not_a_namespace,
)

NETNS_RUN_DIR = "/run/netns"
CLONE_NEWNET = 0x40000000
MS_BIND = 4096
MS_REC = 16384
MS_SHARED = 1 << 20
MNT_DETACH = 2

_libc = None


def _c():
    global _libc
    if _libc is None:
        # The running program's own symbols include libc's; this avoids
        # ctypes.util.find_library, which spawns processes.
        _libc = ctypes.CDLL(None, use_errno=True)
    return _libc


def _check(result, what, path=None):
    if result != 0:
        code = ctypes.get_errno()
        raise OSError(code, "%s: %s" % (what, os.strerror(code)), path)


def path_of(name):
    return os.path.join(NETNS_RUN_DIR, name)


class NotANamespace(NamespaceNotFound):
    """/run/netns/NAME is there but is no namespace (a stale entry). It
    holds no namespace, so it is a NamespaceNotFound: what is to be absent
    in it is absent already, what is to be present in it is refused with
    this message, which says how to remove the entry."""

    def __init__(self, name, field="netns"):
        super(NotANamespace, self).__init__(name, field, not_a_namespace(name))


def _entries():
    try:
        names = os.listdir(NETNS_RUN_DIR)
    except OSError as exc:
        if exc.errno == errno.ENOENT:
            return []
        raise
    # every name but . and .. (os.listdir leaves those out): 'ip netns'
    # lists names beginning with a dot, and validation accepts them
    return sorted(names)


def _nsfs_dev():
    """The device number of nsfs: every namespace inode lives on it."""
    return os.stat("/proc/self/ns/net").st_dev


def list_names():
    """The named namespaces, sorted; [] when /run/netns does not exist.
    Entries that are not namespaces (see stale_names()) are left out."""
    dev = _nsfs_dev()
    return [n for n in _entries() if _dev_of(path_of(n)) == dev]


def stale_names():
    """Entries of /run/netns that are not namespaces."""
    dev = _nsfs_dev()
    return [n for n in _entries() if _dev_of(path_of(n)) != dev]


def _dev_of(path):
    try:
        return os.stat(path).st_dev
    except OSError:
        return None


def exists(name):
    """Whether /run/netns/NAME exists at all (a namespace or not)."""
    return os.path.lexists(path_of(name))


def is_namespace(name):
    """Whether /run/netns/NAME is a namespace (a bind mount of nsfs)."""
    return _dev_of(path_of(name)) == _nsfs_dev()


def identity(name):
    """(st_dev, st_ino) of a namespace (None: this process's own): two
    names for one namespace have the same identity. None if missing."""
    path = "/proc/thread-self/ns/net" if name is None else path_of(name)
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_dev, st.st_ino)


def open_fd(name, field="netns"):
    """An O_RDONLY fd of a namespace: None means this process's own.
    Raises NamespaceNotFound when the named one does not exist."""
    path = "/proc/thread-self/ns/net" if name is None else path_of(name)
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_CLOEXEC", 0))
    except OSError as exc:
        if exc.errno == errno.ENOENT and name is not None:
            raise NamespaceNotFound(name, field)
        raise
    if name is not None and os.fstat(fd).st_dev != _nsfs_dev():
        os.close(fd)
        raise NotANamespace(name, field)
    return fd


def setns(fd, name=None):
    if _c().setns(fd, CLONE_NEWNET) != 0:
        code = ctypes.get_errno()
        if code == errno.EINVAL:
            raise IpvlanError("%s is not a network namespace (setns: EINVAL)"
                              % path_of(name or "?"))
        raise OSError(code, "setns(%s): %s" % (name, os.strerror(code)))


@contextlib.contextmanager
def entered(fd, name=None):
    """Run the body inside the namespace `fd`; always come back.

    A socket created in the body stays bound to that namespace after the
    thread returns, which is how sessions avoid pyroute2's forked helper."""
    home = open_fd(None)
    try:
        setns(fd, name)
        try:
            yield
        finally:
            setns(home)
    finally:
        os.close(home)


def _ensure_run_dir():
    """Make /run/netns a shared mount, as iproute2 does, so the bind mounts
    are seen by every mount namespace that shares it."""
    try:
        os.makedirs(NETNS_RUN_DIR, 0o755)
    except OSError as exc:
        if exc.errno != errno.EEXIST:
            raise
    libc = _c()
    rundir = NETNS_RUN_DIR.encode()
    if libc.mount(b"none", rundir, None, MS_SHARED | MS_REC, None) == 0:
        return
    if ctypes.get_errno() != errno.EINVAL:
        _check(-1, "mount --make-shared", NETNS_RUN_DIR)
    # Not a mount point yet: bind it onto itself, then share it.
    _check(libc.mount(rundir, rundir, b"none", MS_BIND | MS_REC, None),
           "mount --bind", NETNS_RUN_DIR)
    _check(libc.mount(b"none", rundir, None, MS_SHARED | MS_REC, None),
           "mount --make-shared", NETNS_RUN_DIR)


def create(name):
    """Create the named namespace like 'ip netns add NAME'.

    The calling thread unshares into a new namespace, bind-mounts it on
    /run/netns/NAME, then returns to where it was. Raises OSError(EEXIST)
    when the name is taken."""
    _ensure_run_dir()
    path = path_of(name)
    fd = os.open(path, os.O_RDONLY | os.O_CREAT | os.O_EXCL, 0)
    os.close(fd)
    home = open_fd(None)
    try:
        libc = _c()
        try:
            _check(libc.unshare(CLONE_NEWNET), "unshare(CLONE_NEWNET)")
            try:
                _check(libc.mount(b"/proc/thread-self/ns/net", path.encode(), b"none",
                                  MS_BIND, None), "mount --bind", path)
            finally:
                setns(home)
        except Exception:
            try:
                os.unlink(path)
            except OSError:
                pass
            raise
    finally:
        os.close(home)


def remove(name):
    """Remove the named namespace like 'ip netns del NAME'. Its virtual
    devices are destroyed by the kernel once nothing else holds it."""
    path = path_of(name)
    libc = _c()
    if libc.umount2(path.encode(), MNT_DETACH) != 0:
        code = ctypes.get_errno()
        if code not in (errno.EINVAL, errno.ENOENT):
            _check(-1, "umount", path)
    os.unlink(path)
