# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.ipvlan contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A port's `vlan` option: its master declared as VLAN `id` of lower
device `link`. Missing, it is created (up, in the master's namespace);
present, it must be exactly that VLAN.

Docker's ipvlan driver creates `eth0.10` when a network's parent is named so,
and removes it later only if it created it. Here the VLANs the collection
created carry its mark, the interface alias model.names.VLAN_OWNED_ALIAS
(ops/vlan.py sets it): the alias lives in the kernel with the device, so it
survives re-runs, other controllers and a move between namespaces, and it
goes when the device goes. A state file (under /run, say) would be lost or
go stale independently of the device: a VLAN removed and made again by hand
under the same name would look like the collection's. A VLAN made by hand
has no such alias (or another one), so it is never removed. Whoever changes
the alias takes the device over. Only VLANs so marked are ever removed
(planners/topology.py), and only when no slave is left on them.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.linuxnet.ipvlan.plugins.module_utils.facts.gather import vlan_of
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model import abi
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model import validation as v
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model.errors import ValidationError
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model.names import label
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.ops.vlan import VlanAdd

OPTIONS = dict(
    link=dict(type="str", required=True),
    id=dict(type="int", required=True),
    protocol=dict(type="str", default="802.1q", choices=list(abi.VLAN_PROTOCOLS)),
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
    protocol = v.choice(spec.get("protocol") or "802.1q", tuple(abi.VLAN_PROTOCOLS),
                        where + ".protocol")
    return {"link": lower, "id": vid, "protocol": protocol}


# ------------------------------------------------------------ preflight


def check(session, port, mtu):
    """The master of a port with `vlan`, before any change: an existing one
    must be that VLAN of that link; for a missing one the lower device must
    exist in the master's namespace and be Ethernet. True when the VLAN is
    to be created. Raises ValidationError naming `<port>.vlan...`."""
    want, where = port["vlan"], port["where"] + ".vlan"
    master = session.link(port["master"])
    if master is not None:
        have = vlan_of(master, session.links())
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
    if lower["type"] != abi.ARPHRD_ETHER or lower.get("kind") in abi.IPVLAN_KINDS:
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


# ------------------------------------------------------------- planning


def plan(port):
    """The op that creates the VLAN master of `port` (check() said it is
    to be created)."""
    want = port["vlan"]
    return VlanAdd.op(port["master_netns"], port["master"], want["link"], want["id"],
                      want["protocol"])
