# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.ipvlan contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The character device of an ipvtap link, /dev/tapN, read and written.

The kernel makes /dev/tapN for every ipvtap, N being the link's ifindex in
its own namespace (drivers/net/ipvlan/ipvtap.c: device_create(..., "tap%d",
dev->ifindex)), owned by root with mode 0600, so qemu running as another
user cannot open it. devtmpfs is one for the whole machine: the node appears
in /dev whatever the link's namespace, synchronously with RTM_NEWLINK, and
the index comes from the netlink dump of that namespace, so no view of /sys
(which entering a namespace does not remount) is needed. Moving the link to
another namespace re-registers it: it may get another index, so another
path, and a new node with root's 0600.

A node is taken for a link's only when it is a character device whose
major is ipvtap's (/proc/devices) and, where /sys/dev/char says whose it is
(its links are not namespaced), this link's: two ipvtaps with one index in
two namespaces want the same /dev/tapN, and only the first gets it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import grp
import os
import pwd
import stat

DEV = "/dev"
PROC_DEVICES = "/proc/devices"
SYS_DEV_CHAR = "/sys/dev/char"


def path(ifindex):
    return "%s/tap%d" % (DEV, ifindex)


def read(ifindex, name):
    """The node of ipvtap `name` with this index: {"uid", "gid", "mode"},
    or None when there is none, or when it is another ipvtap's."""
    try:
        info = os.stat(path(ifindex))
    except OSError:
        return None
    if not stat.S_ISCHR(info.st_mode) or holder(info.st_rdev) not in (None, name):
        return None
    return {"uid": info.st_uid, "gid": info.st_gid, "mode": stat.S_IMODE(info.st_mode)}


def holder(rdev):
    """The name of the network device whose character device is `rdev`,
    from /sys/dev/char (not namespaced: its links name the device in any
    namespace), or None when sysfs does not say."""
    try:
        target = os.readlink("%s/%d:%d" % (SYS_DEV_CHAR, os.major(rdev), os.minor(rdev)))
    except OSError:
        return None
    # .../devices/virtual/net/<name>/tap<N> (a class directory such as
    # ipvtap/ may sit between): the component after the last "net"
    parts = target.rstrip("/").split("/")[:-1]
    for i in range(len(parts) - 2, -1, -1):
        if parts[i] == "net":
            return parts[i + 1]
    return None


def ipvtap_major():
    """The character major of ipvtap devices (/proc/devices), or None."""
    try:
        with open(PROC_DEVICES) as handle:
            for line in handle:
                parts = line.split()
                if len(parts) == 2 and parts[1] == "ipvtap":
                    return int(parts[0])
    except (OSError, ValueError):
        pass
    return None


def describe(ifindex, current):
    """A link's `tap` as returned: {path, owner, group, mode}; owner and
    group are names where this host has one, else numbers as text."""
    out = {"path": path(ifindex), "owner": None, "group": None, "mode": None}
    if current is not None:
        out.update(owner=_name(current["uid"], pwd.getpwuid, "pw_name"),
                   group=_name(current["gid"], grp.getgrgid, "gr_name"),
                   mode="%04o" % current["mode"])
    return out


def _name(number, lookup, field):
    try:
        return getattr(lookup(number), field)
    except KeyError:
        return str(number)
