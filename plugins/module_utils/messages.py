# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.ipvlan contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Netlink requests built as pyroute2 message objects, and dumps parsed into
plain data.

The driver sends what these functions build; unit tests encode the same
objects to bytes without a socket or root. Building the messages here, rather
than through pyroute2's keyword request filters, keeps the wire format the
same on pyroute2 0.7 and 0.9.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import socket

from ansible_collections.linuxnet.ipvlan.plugins.module_utils import pyroute2_ext as ext

# include/uapi/linux/netlink.h, rtnetlink.h, if.h, if_arp.h
NLM_F_REQUEST = 0x01
NLM_F_ACK = 0x04
NLM_F_ROOT = 0x100
NLM_F_MATCH = 0x200
NLM_F_DUMP = NLM_F_ROOT | NLM_F_MATCH
NLM_F_REPLACE = 0x100
NLM_F_EXCL = 0x200
NLM_F_CREATE = 0x400
REQ_ACK = NLM_F_REQUEST | NLM_F_ACK
REQ_CREATE = REQ_ACK | NLM_F_CREATE | NLM_F_EXCL
REQ_REPLACE = REQ_ACK | NLM_F_CREATE | NLM_F_REPLACE
REQ_DUMP = NLM_F_REQUEST | NLM_F_DUMP

RTM_NEWLINK, RTM_DELLINK, RTM_GETLINK = 16, 17, 18
RTM_NEWADDR, RTM_DELADDR, RTM_GETADDR = 20, 21, 22
RTM_NEWROUTE, RTM_DELROUTE, RTM_GETROUTE = 24, 25, 26
RTM_GETNSID = 90

IFF_UP = 0x1
ARPHRD_ETHER = 1
ARPHRD_LOOPBACK = 772
RT_TABLE_MAIN = 254
RT_TABLE_LOCAL = 255
RTPROT_BOOT = 3
RTN_UNICAST = 1
RTM_F_CLONED = 0x200

SCOPES = {"global": 0, "universe": 0, "site": 200, "link": 253, "host": 254, "nowhere": 255}
SCOPE_NAMES = {0: "global", 200: "site", 253: "link", 254: "host", 255: "nowhere"}

IPVLAN_KINDS = ("ipvlan", "ipvtap")


def _msg_classes():
    from pyroute2.netlink.rtnl.ifaddrmsg import ifaddrmsg
    from pyroute2.netlink.rtnl.nsidmsg import nsidmsg
    from pyroute2.netlink.rtnl.rtmsg import rtmsg
    return ext.ifinfmsg, ifaddrmsg, rtmsg, nsidmsg


def family_of(address):
    return socket.AF_INET6 if ":" in str(address) else socket.AF_INET


# ---------------------------------------------------------------- requests


def link_new(ifname, kind, parent_index, mode, flags, mtu=None, netns_fd=None, up=False):
    """RTM_NEWLINK creating an ipvlan/ipvtap slave. Mode and flags are always
    sent: a missing mode makes the kernel switch the whole port to l3."""
    ifinfmsg = _msg_classes()[0]
    msg = ifinfmsg()
    msg["family"] = socket.AF_UNSPEC
    msg["index"] = 0
    msg["flags"] = IFF_UP if up else 0
    msg["change"] = IFF_UP if up else 0
    attrs = [("IFLA_IFNAME", ifname), ("IFLA_LINK", parent_index)]
    if mtu is not None:
        attrs.append(("IFLA_MTU", mtu))
    if netns_fd is not None:
        attrs.append(("IFLA_NET_NS_FD", netns_fd))
    attrs.append(("IFLA_LINKINFO", _linkinfo(kind, mode, flags)))
    msg["attrs"] = attrs
    return msg


def _linkinfo(kind, mode, flags):
    return {"attrs": [
        ("IFLA_INFO_KIND", kind),
        ("IFLA_INFO_DATA", {"attrs": [
            ("IFLA_IPVLAN_MODE", ext.IPVLAN_MODES[mode]),
            ("IFLA_IPVLAN_FLAGS", ext.IPVLAN_FLAGS[flags]),
        ]}),
    ]}


def link_set(index, kind=None, mode=None, flags=None, mtu=None, up=None, ifname=None,
             netns_fd=None):
    """RTM_NEWLINK changing an existing link. Only what is given is sent."""
    ifinfmsg = _msg_classes()[0]
    msg = ifinfmsg()
    msg["family"] = socket.AF_UNSPEC
    msg["index"] = index
    msg["flags"] = IFF_UP if up else 0
    msg["change"] = IFF_UP if up is not None else 0
    attrs = []
    if ifname is not None:
        attrs.append(("IFLA_IFNAME", ifname))
    if mtu is not None:
        attrs.append(("IFLA_MTU", mtu))
    if netns_fd is not None:
        attrs.append(("IFLA_NET_NS_FD", netns_fd))
    if mode is not None:
        attrs.append(("IFLA_LINKINFO", _linkinfo(kind, mode, flags)))
    msg["attrs"] = attrs
    return msg


def link_del(index):
    ifinfmsg = _msg_classes()[0]
    msg = ifinfmsg()
    msg["family"] = socket.AF_UNSPEC
    msg["index"] = index
    msg["attrs"] = []
    return msg


def link_get(ifname):
    ifinfmsg = _msg_classes()[0]
    msg = ifinfmsg()
    msg["family"] = socket.AF_UNSPEC
    msg["index"] = 0
    msg["attrs"] = [("IFLA_IFNAME", ifname)]
    return msg


def addr(index, interface):
    """RTM_NEWADDR/RTM_DELADDR for an ipaddress.IPv4/6Interface, as
    'ip addr add ADDR/PREFIX dev DEV' sends it (no broadcast)."""
    ifaddrmsg = _msg_classes()[1]
    msg = ifaddrmsg()
    msg["family"] = socket.AF_INET6 if interface.version == 6 else socket.AF_INET
    msg["prefixlen"] = interface.network.prefixlen
    msg["flags"] = 0
    msg["scope"] = 0
    msg["index"] = index
    text = str(interface.ip)
    msg["attrs"] = [("IFA_LOCAL", text), ("IFA_ADDRESS", text)]
    return msg


def route(spec, oif=None):
    """RTM_NEWROUTE/RTM_DELROUTE from a route spec (see routes.py):
    dst (ip_network), gateway, metric, table, src, scope, and optionally
    proto (default RTPROT_BOOT, as 'ip route add'; 0 matches any protocol
    in a delete, as 'ip route del' sends it)."""
    rtmsg = _msg_classes()[2]
    dst = spec["dst"]
    msg = rtmsg()
    msg["family"] = socket.AF_INET6 if dst.version == 6 else socket.AF_INET
    msg["dst_len"] = dst.prefixlen
    msg["src_len"] = 0
    msg["tos"] = 0
    table = spec.get("table", RT_TABLE_MAIN)
    msg["table"] = table if table < 256 else 0
    msg["proto"] = spec.get("proto", RTPROT_BOOT)
    scope = spec.get("scope")
    if scope is None:
        scope = "global" if spec.get("gateway") else "link"
    msg["scope"] = SCOPES[scope]
    msg["type"] = RTN_UNICAST
    attrs = [("RTA_TABLE", table)]
    if dst.prefixlen:
        attrs.append(("RTA_DST", str(dst.network_address)))
    if spec.get("gateway"):
        attrs.append(("RTA_GATEWAY", str(spec["gateway"])))
    if oif is not None:
        attrs.append(("RTA_OIF", oif))
    if spec.get("metric"):
        attrs.append(("RTA_PRIORITY", spec["metric"]))
    if spec.get("src"):
        attrs.append(("RTA_PREFSRC", str(spec["src"])))
    msg["attrs"] = attrs
    return msg


def nsid_get(fd):
    nsidmsg = _msg_classes()[3]
    msg = nsidmsg()
    msg["attrs"] = [("NETNSA_FD", fd)]
    return msg


def empty(kind):
    """A dump request: 'link', 'addr' or 'route'."""
    classes = _msg_classes()
    msg = {"link": classes[0], "addr": classes[1], "route": classes[2]}[kind]()
    msg["family"] = socket.AF_UNSPEC
    return msg


# ------------------------------------------------------------------ parsing


def _attr(msg, name, default=None):
    value = msg.get_attr(name)
    return default if value is None else value


def parse_link(msg, netns):
    """An ifinfmsg as plain data."""
    info = msg.get_attr("IFLA_LINKINFO")
    kind = info.get_attr("IFLA_INFO_KIND") if info is not None else None
    link = {
        "netns": netns,
        "name": msg.get_attr("IFLA_IFNAME"),
        "ifindex": msg["index"],
        "kind": kind,
        "type": msg["ifi_type"],
        "up": bool(msg["flags"] & IFF_UP),
        "mtu": msg.get_attr("IFLA_MTU"),
        "mac": msg.get_attr("IFLA_ADDRESS"),
        "master_index": msg.get_attr("IFLA_MASTER"),
        "parent_index": msg.get_attr("IFLA_LINK"),
        "parent_nsid": msg.get_attr("IFLA_LINK_NETNSID"),
    }
    if kind in IPVLAN_KINDS:
        if link["parent_index"] is None and link["parent_nsid"] is not None:
            # The kernel omits IFLA_LINK when it equals the link's own
            # ifindex, which happens when the master, in another namespace,
            # has the same index (seen on 6.1 with an ipvtap in a new netns).
            link["parent_index"] = link["ifindex"]
        data = info.get_attr("IFLA_INFO_DATA")
        mode = flags = None
        if data is not None and hasattr(data, "get_attr"):
            mode = data.get_attr("IFLA_IPVLAN_MODE")
            flags = data.get_attr("IFLA_IPVLAN_FLAGS")
        link["mode"] = ext.IPVLAN_MODE_NAMES.get(mode, mode)
        link["flags"] = ext.IPVLAN_FLAG_NAMES.get(flags or 0, flags)
    return link


def parse_addr(msg, netns):
    family = 6 if msg["family"] == socket.AF_INET6 else 4
    address = msg.get_attr("IFA_LOCAL") or msg.get_attr("IFA_ADDRESS")
    return {
        "netns": netns,
        "ifindex": msg["index"],
        "family": family,
        "address": "%s/%d" % (address, msg["prefixlen"]),
        "scope": SCOPE_NAMES.get(msg["scope"], msg["scope"]),
    }


def parse_route(msg, netns):
    """A route as plain data; None for cache clones and multipath routes
    (which this collection does not manage)."""
    if msg["flags"] & RTM_F_CLONED:
        return None
    family = 6 if msg["family"] == socket.AF_INET6 else 4
    dst = msg.get_attr("RTA_DST") or ("::" if family == 6 else "0.0.0.0")
    table = msg.get_attr("RTA_TABLE") or msg["table"]
    return {
        "netns": netns,
        "family": family,
        "table": table,
        "dst": "%s/%d" % (dst, msg["dst_len"]),
        "metric": _attr(msg, "RTA_PRIORITY", 0),
        "gateway": msg.get_attr("RTA_GATEWAY"),
        "oif": msg.get_attr("RTA_OIF"),
        "src": msg.get_attr("RTA_PREFSRC"),
        "scope": SCOPE_NAMES.get(msg["scope"], msg["scope"]),
        "type": msg["type"],
        "proto": msg["proto"],
        "multipath": msg.get_attr("RTA_MULTIPATH") is not None,
    }
