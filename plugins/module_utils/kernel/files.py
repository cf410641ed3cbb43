# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.ipvlan contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The files the collection keeps on the node (the persisted topology and
its units, the DHCP clients' settings and scripts): read, written
atomically, removed."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import errno
import os
import tempfile


def read_text(path):
    """The file's text, or None when there is no such file."""
    try:
        with open(path, "rb") as handle:
            return handle.read().decode("utf-8", "replace")
    except (IOError, OSError) as exc:
        if exc.errno in (errno.ENOENT, errno.ENOTDIR, errno.EISDIR):
            return None
        raise


def own(path, mode):
    """root:root (when run as root) and `mode`."""
    if os.geteuid() == 0:
        os.lchown(path, 0, 0)
    os.chmod(path, mode)


def write_atomic(path, text, mode):
    """Write atomically: a temporary file in the same directory (made if
    missing), synced, owned and renamed over `path`."""
    folder = os.path.dirname(path)
    if not os.path.isdir(folder):
        os.makedirs(folder, 0o755)
    fd, tmp = tempfile.mkstemp(prefix=".linuxnet-ipvlan.", dir=folder)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(text.encode("utf-8"))
            handle.flush()
            os.fsync(handle.fileno())
        own(tmp, mode)
        os.rename(tmp, path)
    except BaseException:
        if os.path.lexists(tmp):
            os.unlink(tmp)
        raise


def remove(path):
    """Remove the file; one already gone is fine."""
    try:
        os.unlink(path)
    except OSError as exc:
        if exc.errno != errno.ENOENT:
            raise
