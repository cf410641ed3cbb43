# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.ipvlan contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""802.1Q/802.1ad VLAN devices as ipvlan masters: the requests that create
one and mark it as the collection's (model.names.VLAN_OWNED_ALIAS).

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

import socket

from ansible_collections.linuxnet.ipvlan.plugins.module_utils.kernel import link_attrs as la
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.kernel import pyroute2_ext as ext
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model import abi
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model.names import VLAN_OWNED_ALIAS

# ------------------------------------------------------------- messages


def _ifinfmsg(index, up):
    ext.register()
    msg = ext.ifinfmsg()
    msg["family"] = socket.AF_UNSPEC
    msg["index"] = index
    msg["flags"] = abi.IFF_UP if up else 0
    msg["change"] = abi.IFF_UP if up else 0
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
                ("IFLA_VLAN_PROTOCOL", abi.VLAN_PROTOCOLS[protocol]),
            ]}),
        ]}),
    ]
    return msg


def mark(index):
    """RTM_NEWLINK giving the new VLAN the collection's alias, and up."""
    msg = la.alias_msg(index, VLAN_OWNED_ALIAS)
    msg["flags"] = msg["change"] = abi.IFF_UP
    return msg
