# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.ipvlan contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Every kind of change the collection makes, in one table.

The engine never looks kinds up here (an op holds its kind, so a module
ships only the kinds its planners use); this table is what the tests walk
to prove each kind is declared whole (run, inverse, expect) and verified,
and what a newcomer reads first. A new kind is one class in one file of
ops/ (see ops/base.py) plus its line here.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.linuxnet.ipvlan.plugins.module_utils.ops.address import (
    AddrAdd,
    AddrDel,
    AddrReplace,
)
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.ops.alias import LinkAlias
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.ops.dhcp import (
    DhcpStart,
    DhcpStop,
)
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.ops.ipv6 import (
    Ipv6AddrGenMode,
    Ipv6Sysctl,
)
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.ops.link import (
    LinkAdd,
    LinkDel,
    LinkSet,
)
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.ops.namespace import (
    NetnsAdd,
    NetnsDel,
)
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.ops.route import (
    RouteAdd,
    RouteDel,
    RouteReplace,
)
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.ops.tap import TapSet
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.ops.vlan import VlanAdd

KINDS = (
    NetnsAdd, NetnsDel,
    LinkAdd, LinkSet, LinkDel,
    AddrAdd, AddrReplace, AddrDel,
    RouteAdd, RouteReplace, RouteDel,
    VlanAdd, LinkAlias, Ipv6Sysctl, Ipv6AddrGenMode, TapSet,
    DhcpStart, DhcpStop,
)
