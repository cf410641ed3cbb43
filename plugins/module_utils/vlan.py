# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.ipvlan contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""802.1Q/802.1ad VLAN devices as ipvlan masters (a port's `vlan` option).

Docker's ipvlan driver creates `eth0.10` when a network's parent is named so,
and removes it later only if it created it. Here a port's master may be
declared as VLAN `id` of lower device `link`: missing, it is created (up,
in the master's namespace); present, it must be exactly that VLAN.

Ownership: the VLAN is created down, then given the interface alias
(IFLA_IFALIAS) OWNED_ALIAS and brought up in one more RTM_NEWLINK (the
kernel ignores IFLA_IFALIAS in a request that creates a link: seen on this
project's kernels with `ip link add ... alias`). If marking fails, the VLAN
is deleted again, so none is left up and unmarked. The alias lives in the
kernel with the device: it survives re-runs, other controllers and a move between
namespaces, and it goes when the device goes. A state file (under /run, say)
would be lost or go stale independently of the device: a VLAN removed and
made again by hand under the same name would look like the collection's. A
VLAN made by hand has no such alias (or another one), so it is never removed.
Whoever changes the alias takes the device over.

The messages are pyroute2's ifinfmsg with its stock `vlan` link-kind plugin
(IFLA_VLAN_ID uint16, IFLA_VLAN_PROTOCOL be16 in 0.7.2 and 0.9.x), encoded
to the body bytes the driver sends.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import errno
import socket

from ansible_collections.linuxnet.ipvlan.plugins.module_utils import link_attrs as la
from ansible_collections.linuxnet.ipvlan.plugins.module_utils import messages as m
from ansible_collections.linuxnet.ipvlan.plugins.module_utils import plan as plan_mod
from ansible_collections.linuxnet.ipvlan.plugins.module_utils import pyroute2_ext as ext
from ansible_collections.linuxnet.ipvlan.plugins.module_utils import validation as v
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.driver import label
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.errors import (
    KernelError,
    ValidationError,
)

# include/uapi/linux/if_ether.h
PROTOCOLS = {"802.1q": 0x8100, "802.1ad": 0x88A8}
PROTOCOL_NAMES = dict((value, key) for key, value in PROTOCOLS.items())
OWNED_ALIAS = "linuxnet.ipvlan: VLAN master created by ipvlan_topology"

OPTIONS = dict(
    link=dict(type="str", required=True),
    id=dict(type="int", required=True),
    protocol=dict(type="str", default="802.1q", choices=list(PROTOCOLS)),
)


def normalize(spec, where):
    """A port's `vlan` checked: {"link", "id", "protocol"} or None."""
    if spec is None:
        return None
    lower = v.ifname(spec.get("link"), where + ".link")
    vid = spec.get("id")
    if not isinstance(vid, int) or isinstance(vid, bool) or not 1 <= vid <= 4094:
        raise ValidationError(where + ".id", "%r is outside 1..4094 (0 and 4095 are reserved "
                                             "by 802.1Q)" % (vid,))
    protocol = v.choice(spec.get("protocol") or "802.1q", tuple(PROTOCOLS), where + ".protocol")
    return {"link": lower, "id": vid, "protocol": protocol}


def owned(link):
    """True when the collection created this VLAN device."""
    return link is not None and link.get("kind") == "vlan" and link.get("alias") == OWNED_ALIAS


def describe(master, links):
    """A VLAN master's `vlan` as gathered ({"link", "id", "protocol"}), or
    None for any other master. `links`: the dump of the master's namespace
    (its lower device is named from it; None when it is in another one)."""
    if master.get("kind") != "vlan":
        return None
    lower = None
    if master.get("parent_nsid") is None:
        for link in links:
            if link["ifindex"] == master.get("parent_index"):
                lower = link["name"]
                break
    protocol = master.get("vlan_protocol")
    return {"link": lower, "id": master.get("vlan_id"),
            "protocol": PROTOCOL_NAMES.get(protocol, protocol)}


# ------------------------------------------------------------ preflight


def check(session, port, mtu):
    """The master of a port with `vlan`, before any change: an existing one
    must be that VLAN of that link; for a missing one the lower device must
    exist in the master's namespace and be Ethernet. True when the VLAN is
    to be created. Raises ValidationError naming `<port>.vlan...`."""
    want, where = port["vlan"], port["where"] + ".vlan"
    master = session.link(port["master"])
    if master is not None:
        have = describe(master, session.links())
        if have is None:
            raise ValidationError(where, "'%s' in namespace %s exists and is a %s device, not "
                                         "VLAN %d of '%s'; it is left untouched"
                                  % (port["master"], label(port["master_netns"]),
                                     master.get("kind") or "physical", want["id"], want["link"]))
        diffs = ["%s is %s, not %s" % (key, _text(have[key]), _text(want[key]))
                 for key in ("link", "id", "protocol") if have[key] != want[key]]
        if diffs:
            raise ValidationError(where, "'%s' in namespace %s exists as another VLAN (%s); it is "
                                         "left untouched. Remove it or declare what it is"
                                  % (port["master"], label(port["master_netns"]),
                                     "; ".join(diffs)))
        return False
    lower = session.link(want["link"])
    if lower is None:
        raise ValidationError(where + ".link", "device '%s' not found in namespace %s, where "
                                               "VLAN '%s' is to be created"
                              % (want["link"], label(port["master_netns"]), port["master"]))
    if lower["type"] != m.ARPHRD_ETHER or lower.get("kind") in m.IPVLAN_KINDS:
        raise ValidationError(where + ".link", "'%s' is not an Ethernet device (link type %s, "
                                               "kind %s); a VLAN needs one"
                              % (want["link"], lower["type"], lower.get("kind") or "none"))
    if mtu is not None and lower.get("mtu") and mtu > lower["mtu"]:
        raise ValidationError(port["where"] + ".links", "mtu %d is larger than %d, the MTU VLAN "
                                                        "'%s' gets from '%s'"
                              % (mtu, lower["mtu"], port["master"], want["link"]))
    return True


def _text(value):
    return "(another namespace)" if value is None else str(value)


# ------------------------------------------------------------- messages


def _ifinfmsg(index, up):
    ext.register()
    msg = ext.ifinfmsg()
    msg["family"] = socket.AF_UNSPEC
    msg["index"] = index
    msg["flags"] = m.IFF_UP if up else 0
    msg["change"] = m.IFF_UP if up else 0
    return msg


def link_new(ifname, lower_index, vid, protocol):
    """RTM_NEWLINK creating VLAN `vid` of `lower_index`, down."""
    msg = _ifinfmsg(0, False)
    msg["attrs"] = [
        ("IFLA_IFNAME", ifname),
        ("IFLA_LINK", lower_index),
        ("IFLA_LINKINFO", {"attrs": [
            ("IFLA_INFO_KIND", "vlan"),
            ("IFLA_INFO_DATA", {"attrs": [
                ("IFLA_VLAN_ID", vid),
                ("IFLA_VLAN_PROTOCOL", PROTOCOLS[protocol]),
            ]}),
        ]}),
    ]
    return msg


def mark(index):
    """RTM_NEWLINK giving the new VLAN the collection's alias, and up."""
    msg = la.alias_msg(index, OWNED_ALIAS)
    msg["flags"] = msg["change"] = m.IFF_UP
    return msg


# ------------------------------------------------------------- handlers
# plan.py runs this (registered below) for "vlan_add" (args name, link, id,
# protocol); a VLAN is removed with the plain "link_del".


_NO_8021Q = "this kernel has no 802.1Q VLAN support (CONFIG_VLAN_8021Q; 'modprobe 8021q')"
_HINTS = {
    errno.EEXIST: "a device with that name already exists in that namespace",
    errno.EOPNOTSUPP: _NO_8021Q,
    errno.EPROTONOSUPPORT: _NO_8021Q,
}


def apply_add(driver, op):
    a = op.args
    session = driver.session(op.netns)
    msg = link_new(a["name"], session.index_of(a["link"]), a["id"], a["protocol"])
    session.request(msg, m.RTM_NEWLINK, m.REQ_CREATE, op.text, _HINTS)
    session.forget_name(a["name"])
    session.invalidate()
    index = session.index_of(a["name"])
    try:
        session.request(mark(index), m.RTM_NEWLINK, m.REQ_ACK, op.text + " (mark, up)")
    except KernelError:
        session.request(m.link_del(index), m.RTM_DELLINK, m.REQ_ACK, op.text + " (undo)")
        session.forget_name(a["name"])
        raise


plan_mod.register_handlers({"vlan_add": apply_add})
