# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.ipvlan contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One run at a time per host: a flock(2) on a file under /run/lock.

Every module that reads, plans and changes the kernel holds the lock
exclusively from before its first read to after its last write, so two runs
(two playbooks, two plays, an operator's ad hoc task) never interleave.
Check-mode runs take it shared: they change nothing, but must not read a
half-applied state. The holder writes its pid into the file so that a run
that times out can name it. The lock goes with the process (a SIGKILLed
holder releases it at once); the file stays, which is harmless.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import errno
import fcntl
import os
import time

from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model.errors import IpvlanError

LOCK_DIR = "/run/lock"
LOCK_NAME = "linuxnet-ipvlan.lock"
DEFAULT_TIMEOUT = 300  # seconds
POLL = 0.05


class LockTimeout(IpvlanError):
    pass


def lock_path():
    return os.path.join(LOCK_DIR, LOCK_NAME)


def _holder(fd):
    try:
        os.lseek(fd, 0, os.SEEK_SET)
        text = os.read(fd, 64).decode("ascii", "replace").strip()
    except OSError:
        return None
    if not text.isdigit():
        return None
    try:
        os.kill(int(text), 0)
    except OSError as exc:
        if exc.errno == errno.ESRCH:
            return None  # a holder that died without clearing the file
    return text


class HostLock(object):
    """`with HostLock(shared=False, timeout=120):` the body runs alone (or
    alongside other shared holders)."""

    def __init__(self, shared=False, timeout=DEFAULT_TIMEOUT, path=None):
        self.shared = shared
        self.timeout = timeout
        self.path = path or lock_path()
        self.fd = None

    def acquire(self):
        directory = os.path.dirname(self.path)
        if not os.path.isdir(directory):
            os.makedirs(directory, 0o755)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o644)
        mode = fcntl.LOCK_SH if self.shared else fcntl.LOCK_EX
        deadline = time.monotonic() + self.timeout
        while True:
            try:
                fcntl.flock(fd, mode | fcntl.LOCK_NB)
                break
            except OSError as exc:
                if exc.errno not in (errno.EWOULDBLOCK, errno.EAGAIN):
                    os.close(fd)
                    raise
            if time.monotonic() >= deadline:
                holder = _holder(fd)
                os.close(fd)
                raise LockTimeout(
                    "another linuxnet.ipvlan run holds %s%s and did not finish within %d s; "
                    "wait for it to end (or stop it) and run again"
                    % (self.path, " (pid %s)" % holder if holder else "", self.timeout))
            time.sleep(POLL)
        if not self.shared:
            os.ftruncate(fd, 0)
            os.lseek(fd, 0, os.SEEK_SET)
            os.write(fd, ("%d\n" % os.getpid()).encode("ascii"))
        self.fd = fd
        return self

    def release(self):
        if self.fd is not None:
            if not self.shared:
                os.ftruncate(self.fd, 0)
            fcntl.flock(self.fd, fcntl.LOCK_UN)
            os.close(self.fd)
            self.fd = None

    def __enter__(self):
        return self.acquire()

    def __exit__(self, *exc_info):
        self.release()
