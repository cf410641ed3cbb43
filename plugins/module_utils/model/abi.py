# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.ipvlan contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Numbers and names of the kernel's interface (include/uapi/linux/if.h,
if_arp.h, rtnetlink.h; drivers/net/ipvlan) that the pure layers plan and
compare with. Plain values: nothing here talks to the kernel or imports
pyroute2 (kernel/messages.py, the codec, takes them from here)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

IFF_UP = 0x1
IFF_NOARP = 0x80
LOOPBACK_IFINDEX = 1  # every namespace's loopback (drivers/net/loopback.c: BUG_ON otherwise)
ARPHRD_ETHER = 1
ARPHRD_LOOPBACK = 772

RT_TABLE_COMPAT = 252  # rtm_table of a route whose table id is above 255
RT_TABLE_MAIN = 254
RT_TABLE_LOCAL = 255
RT_SCOPE_UNIVERSE = 0
RT_SCOPE_HOST = 254
RTPROT_KERNEL = 2  # routes the kernel makes: connected subnets, IPv6 link-local and prefix routes
RTPROT_BOOT = 3  # what 'ip route add' (and this collection) gives a route
RTPROT_RA = 9  # IPv6 router advertisements
RTPROT_DHCP = 16  # what DHCP clients give a lease's routes (ops/dhcp.py's event script too)
AUTOMATIC_PROTOCOLS = (RTPROT_KERNEL, RTPROT_RA)
RTN_UNICAST = 1
RTM_F_CLONED = 0x200

SCOPES = {"global": 0, "universe": 0, "site": 200, "link": 253, "host": 254, "nowhere": 255}
SCOPE_NAMES = {0: "global", 200: "site", 253: "link", 254: "host", 255: "nowhere"}

IPVLAN_KINDS = ("ipvlan", "ipvtap")
MODES = ("l2", "l3", "l3s")
FLAGS = ("bridge", "private", "vepa")
# the modes in which the kernel sets IFF_NOARP on a port's slaves
# (ipvlan_set_port_mode(), ipvlan_open())
L3_MODES = ("l3", "l3s")
MTU_MIN, MTU_MAX = 68, 65535  # ETH_MIN_MTU, IP_MAX_MTU
IFNAMSIZ = 16  # with the terminating NUL
# include/uapi/linux/if_link.h: enum in6_addr_gen_mode
ADDR_GEN_MODES = {"eui64": 0, "none": 1, "stable_privacy": 2, "random": 3}
ADDR_GEN_MODE_NAMES = dict((v, k) for k, v in ADDR_GEN_MODES.items())
# drivers/net/ipvlan/ipvtap.c: what the kernel gives a new /dev/tapN
NEW_TAP_NODE = {"uid": 0, "gid": 0, "mode": 0o600}
# include/uapi/linux/if_ether.h: the VLAN protocols
VLAN_PROTOCOLS = {"802.1q": 0x8100, "802.1ad": 0x88A8}
VLAN_PROTOCOL_NAMES = dict((value, key) for key, value in VLAN_PROTOCOLS.items())
