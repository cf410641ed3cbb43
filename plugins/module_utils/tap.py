# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.ipvlan contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The character device of an ipvtap link (a link's `tap` option).

The kernel makes /dev/tapN for every ipvtap, N being the link's ifindex in
its own namespace (drivers/net/ipvlan/ipvtap.c: device_create(..., "tap%d",
dev->ifindex)), owned by root with mode 0600, so qemu running as another
user cannot open it. devtmpfs is one for the whole machine: the node appears
in /dev whatever the link's namespace, synchronously with RTM_NEWLINK, and
the index comes from the netlink dump of that namespace, so no view of /sys
(which entering a namespace does not remount) is needed. Moving the link to
another namespace re-registers it: it may get another index, so another
path, and a new node with root's 0600; the plan applies `tap` again after
every creation or move.

Before changing a node it is checked to be a character device whose major
is ipvtap's (/proc/devices) and, where /sys/dev/char says whose it is (its
links are not namespaced), this link's: two ipvtaps with one index in two
namespaces want the same /dev/tapN, and only the first gets it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import errno
import grp
import os
import pwd
import stat

from ansible_collections.linuxnet.ipvlan.plugins.module_utils import plan as plan_mod
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.errors import (
    ValidationError,
    kernel_error,
)

OPTIONS = dict(
    owner=dict(type="str"),
    group=dict(type="str"),
    mode=dict(type="raw"),
    # read-only, returned by ipvlan_info and gathered; accepted and ignored
    path=dict(type="str"),
)
DEV = "/dev"
PROC_DEVICES = "/proc/devices"
SYS_DEV_CHAR = "/sys/dev/char"
# what the kernel gives a new node
NEW_NODE = {"uid": 0, "gid": 0, "mode": 0o600}


def path(ifindex):
    return "%s/tap%d" % (DEV, ifindex)


def normalize(spec, kind, where):
    """A link's `tap` checked, owner and group resolved on this host:
    None, or {"uid", "gid", "mode"} with None for what is not managed, and
    "words", how each is named in a plan."""
    if spec is None:
        return None
    if kind != "ipvtap":
        raise ValidationError(where, "applies to ipvtap links (an ipvlan link has no "
                                     "character device); set kind: ipvtap or remove tap")
    uid = _resolve(spec.get("owner"), pwd.getpwnam, "user", where + ".owner")
    gid = _resolve(spec.get("group"), grp.getgrnam, "group", where + ".group")
    mode = _mode(spec.get("mode"), where + ".mode")
    if uid is None and gid is None and mode is None:
        return None
    words = {"owner": "owner %s" % spec.get("owner"), "group": "group %s" % spec.get("group"),
             "mode": "mode %04o" % (mode or 0)}
    return {"uid": uid, "gid": gid, "mode": mode, "words": words}


def _resolve(value, lookup, what, where):
    if value is None:
        return None
    text = str(value)
    if text.isdigit():
        return int(text)
    try:
        entry = lookup(text)
    except KeyError:
        raise ValidationError(where, "no %s '%s' on this host" % (what, text))
    return entry.pw_uid if what == "user" else entry.gr_gid


def _mode(value, where):
    """An octal mode: '0660', '660' or '0o660' (strings), or an int (YAML's
    0660 is already octal)."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise ValidationError(where, "must be an octal mode such as '0660'")
    if isinstance(value, int):
        mode = value
    else:
        text = str(value).strip()
        text = text[2:] if text.lower().startswith("0o") else text
        try:
            mode = int(text, 8)
        except ValueError:
            raise ValidationError(where, "'%s' is not an octal mode such as '0660'" % value)
    if not 0 <= mode <= 0o7777:
        raise ValidationError(where, "%o is outside 0000..7777" % mode)
    return mode


# ------------------------------------------------------------------ reading


def read(ifindex, name):
    """The node of ipvtap `name` with this index: {"uid", "gid", "mode"},
    or None when there is none, or when it is another ipvtap's."""
    try:
        info = os.stat(path(ifindex))
    except OSError:
        return None
    if not stat.S_ISCHR(info.st_mode) or _holder(info.st_rdev) not in (None, name):
        return None
    return {"uid": info.st_uid, "gid": info.st_gid, "mode": stat.S_IMODE(info.st_mode)}


def _holder(rdev):
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


def predict(want, current):
    """What the node will be after `want` is applied to `current`."""
    base = dict(NEW_NODE if current is None else current)
    for key in ("uid", "gid", "mode"):
        if want is not None and want[key] is not None:
            base[key] = want[key]
    return base


def changes(want, current):
    """What applying `want` to `current` (a node, or None for the node the
    kernel is about to make) changes: None, or (args of "tap_set", text)
    naming only what differs."""
    if want is None:
        return None
    node = NEW_NODE if current is None else current
    args, words = {"uid": None, "gid": None, "mode": None}, []
    for key, word in (("uid", "owner"), ("gid", "group"), ("mode", "mode")):
        if want[key] is not None and want[key] != node[key]:
            args[key] = want[key]
            words.append(want["words"][word])
    if not words:
        return None
    return args, " ".join(words)


# ----------------------------------------------------------------- handler
# plan.py runs this (registered below) for "tap_set" (args name, uid, gid, mode):
# the link's index is looked up when it runs, after a creation or move.


def _ipvtap_major():
    try:
        with open(PROC_DEVICES) as handle:
            for line in handle:
                parts = line.split()
                if len(parts) == 2 and parts[1] == "ipvtap":
                    return int(parts[0])
    except (OSError, ValueError):
        pass
    return None


def apply_set(driver, op):
    a = op.args
    index = driver.session(op.netns).index_of(a["name"])
    node = path(index)
    try:
        info = os.stat(node)
    except OSError as exc:
        raise kernel_error(op.line(), exc.errno or errno.ENOENT,
                           {errno.ENOENT: "the kernel made no %s: /dev is not devtmpfs, or "
                                          "another ipvtap in another namespace holds index %d"
                                          % (node, index)})
    major = _ipvtap_major()
    if not stat.S_ISCHR(info.st_mode) or (major is not None and os.major(info.st_rdev) != major):
        raise kernel_error(op.line(), errno.ENODEV,
                           {errno.ENODEV: "%s is not an ipvtap character device; it is left "
                                          "untouched" % node})
    holder = _holder(info.st_rdev)
    if holder not in (None, a["name"]):
        raise kernel_error(op.line(), errno.EBUSY,
                           {errno.EBUSY: "%s is the device of ipvtap '%s' in another namespace "
                                         "with the same index %d; the kernel made none for '%s'. "
                                         "It is left untouched" % (node, holder, index, a["name"])})
    try:
        if a["uid"] is not None or a["gid"] is not None:
            os.chown(node, -1 if a["uid"] is None else a["uid"],
                     -1 if a["gid"] is None else a["gid"])
        if a["mode"] is not None:
            os.chmod(node, a["mode"])
    except OSError as exc:
        raise kernel_error(op.line(), exc.errno or errno.EPERM)


plan_mod.register_handlers({"tap_set": apply_set})
