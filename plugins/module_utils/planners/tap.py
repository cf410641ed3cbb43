# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.ipvlan contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""An ipvtap's `tap` option: owner, group and mode of its /dev/tapN
(kernel/devices.py says how the kernel makes the node; ops/tap.py sets
them). A new or moved link gets a new node, root's with mode 0600, at a path
known only when the plan runs, so `tap` is applied again after every
creation or move.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import grp
import pwd

from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model.abi import NEW_TAP_NODE
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model.errors import ValidationError
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.ops.tap import TapSet

OPTIONS = dict(
    owner=dict(type="str"),
    group=dict(type="str"),
    mode=dict(type="raw"),
    # read-only, returned by ipvlan_info and gathered; accepted and ignored
    path=dict(type="str"),
)


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


def predict(want, current):
    """What the node will be after `want` is applied to `current`."""
    base = dict(NEW_TAP_NODE if current is None else current)
    for key in ("uid", "gid", "mode"):
        if want is not None and want[key] is not None:
            base[key] = want[key]
    return base


def plan(netns, name, want, current):
    """The op that gives the node `current` (None: the node the kernel is
    about to make) what `want` declares, naming only what differs; None
    when nothing does."""
    if want is None:
        return None
    node = NEW_TAP_NODE if current is None else current
    values = {}
    for key in ("uid", "gid", "mode"):
        if want[key] is not None and want[key] != node[key]:
            values[key] = want[key]
    if not values:
        return None
    return TapSet.op(netns, name, words=want["words"], **values)
