# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.ipvlan contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""How namespaces and the kernel's own addresses are named and told apart,
in one place for every message, plan line and result."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress

HOST = "(host)"  # how the module's own namespace is written
# Interface aliases (IFLA_IFALIAS) that mark what the collection made, so
# that it is known again in any later run (see planners/vlan.py and
# planners/host_access.py): a VLAN master it created, a port's host access.
VLAN_OWNED_ALIAS = "linuxnet.ipvlan: VLAN master created by ipvlan_topology"
HOST_ACCESS_MARK = "linuxnet-ipvlan:host_access"
LOOPBACK_V4 = ipaddress.ip_interface("127.0.0.1/8")  # what 'ip link set lo up' gives lo


def label(netns):
    """How a namespace is named in messages and plans (None: the host's)."""
    return HOST if netns is None else netns


def kernels_own(iface):
    """An address the kernel makes and removes by itself: IPv6 link-local.
    Never planned, removed, snapshotted or reported."""
    iface = iface if hasattr(iface, "ip") else ipaddress.ip_interface(iface)
    return iface.version == 6 and iface.ip.is_link_local
