# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.ipvlan contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Netlink requests and replies, through pyroute2's message classes.

Every request is a pyroute2 message (ifinfmsg, with the ipvlan/ipvtap
extension of pyroute2_ext; ifaddrmsg; rtmsg; nsidmsg) that pyroute2
encodes (the driver's socket fills in the nlmsghdr and calls encode()), and
every reply is decoded by the same class (decode()) before parse_* turns it
into the plain data the engine works on.

Decoding is most of what reading a namespace costs (docs/performance.md),
so the dump requests ask the kernel for less (link dumps without IPv6
and VF statistics, and of one kind when that is all that is needed; route
dumps of one table or one type: filters that need NETLINK_GET_STRICT_CHK,
which the driver sets), parse_* read the attributes they need in one pass over the message,
and route_header() lets the driver skip a route by its rtmsg fields
(table, type, protocol, flags) before pyroute2 decodes its attributes. The
same messages encode and decode alike on pyroute2 0.7 and 0.9.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import socket

from ansible_collections.linuxnet.ipvlan.plugins.module_utils.kernel import link_attrs
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.kernel import pyroute2_ext as ext
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model import routes as rt
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model.abi import (
    IFF_NOARP,
    IFF_UP,
    IPVLAN_KINDS,
    RT_SCOPE_HOST,
    RT_SCOPE_UNIVERSE,
    RT_TABLE_COMPAT,
    RT_TABLE_MAIN,
    RTM_F_CLONED,
    RTN_UNICAST,
    RTPROT_BOOT,
    SCOPE_NAMES,
    SCOPES,
)

# include/uapi/linux/netlink.h, rtnetlink.h, if.h, if_arp.h
NLM_F_REQUEST = 0x01
NLM_F_ACK = 0x04
NLM_F_ROOT = 0x100
NLM_F_MATCH = 0x200
NLM_F_DUMP = NLM_F_ROOT | NLM_F_MATCH
NLM_F_DUMP_FILTERED = 0x20  # in a dump's answers: the kernel applied the request's filter
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
RTM_NEWNSID, RTM_GETNSID = 88, 90

RTEXT_FILTER_SKIP_STATS = 1 << 3  # link dumps without IPv6 and VF statistics


# ---------------------------------------------------------------- requests


def link_new(ifname, kind, parent_index, mode, flags, mtu=None, netns_fd=None, up=False):
    """RTM_NEWLINK creating an ipvlan/ipvtap slave. Mode and flags are always
    sent: a missing mode makes the kernel switch the whole port to l3."""
    msg = ext.ifinfmsg()
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
             netns_fd=None, noarp=None):
    """RTM_NEWLINK changing an existing link. Only what is given is sent;
    `noarp` sets or clears IFF_NOARP ('ip link set DEV arp off|on')."""
    msg = ext.ifinfmsg()
    msg["family"] = socket.AF_UNSPEC
    msg["index"] = index
    msg["flags"] = (IFF_UP if up else 0) | (IFF_NOARP if noarp else 0)
    msg["change"] = (IFF_UP if up is not None else 0) | (IFF_NOARP if noarp is not None else 0)
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
    msg = ext.ifinfmsg()
    msg["family"] = socket.AF_UNSPEC
    msg["index"] = index
    msg["attrs"] = []
    return msg


def link_get(ifname=None, index=0):
    """RTM_GETLINK of one link, by name or by ifindex, without the
    per-family and VF statistics (as link_dump)."""
    msg = ext.ifinfmsg()
    msg["family"] = socket.AF_UNSPEC
    msg["index"] = index
    attrs = [("IFLA_EXT_MASK", RTEXT_FILTER_SKIP_STATS)]
    if ifname is not None:
        attrs.append(("IFLA_IFNAME", ifname))
    msg["attrs"] = attrs
    return msg


def link_probe(kind):
    """RTM_NEWLINK of `kind` with no name, master or data: the kernel
    refuses it with EINVAL when the driver is there (or loadable) and
    EOPNOTSUPP when not, and creates nothing (preflight.probe_kinds)."""
    msg = ext.ifinfmsg()
    msg["family"] = socket.AF_UNSPEC
    msg["index"] = 0
    msg["attrs"] = [("IFLA_LINKINFO", {"attrs": [("IFLA_INFO_KIND", kind)]})]
    return msg


def addr_scope(interface):
    """The scope 'ip addr add' gives an address it is not told one for:
    host for IPv4 loopback addresses (127.0.0.0/8), global otherwise
    (iproute2's default_scope())."""
    if interface.version == 4 and interface.ip.is_loopback:
        return RT_SCOPE_HOST
    return RT_SCOPE_UNIVERSE


def addr(index, interface):
    """RTM_NEWADDR/RTM_DELADDR for an ipaddress.IPv4/6Interface, as
    'ip addr add ADDR/PREFIX dev DEV' sends it (no broadcast)."""
    msg = ext.ifaddrmsg()
    msg["family"] = socket.AF_INET6 if interface.version == 6 else socket.AF_INET
    msg["prefixlen"] = interface.network.prefixlen
    msg["flags"] = 0
    msg["scope"] = addr_scope(interface)
    msg["index"] = index
    text = str(interface.ip)
    msg["attrs"] = [("IFA_LOCAL", text), ("IFA_ADDRESS", text)]
    return msg


def route(spec, oif=None):
    """RTM_NEWROUTE/RTM_DELROUTE from a route spec (model/routes.py):
    dst (ip_network), gateway, metric, table, src, scope, and optionally
    proto (default RTPROT_BOOT, as 'ip route add'; 0 matches any protocol
    in a delete, as 'ip route del' sends it)."""
    dst = spec["dst"]
    msg = ext.rtmsg()
    msg["family"] = socket.AF_INET6 if dst.version == 6 else socket.AF_INET
    msg["dst_len"] = dst.prefixlen
    msg["src_len"] = 0
    msg["tos"] = 0
    table = spec.get("table", RT_TABLE_MAIN)
    msg["table"] = table if table < 256 else 0
    msg["proto"] = spec.get("proto", RTPROT_BOOT)
    msg["scope"] = SCOPES[spec.get("scope") or rt.default_scope(dst.version, spec.get("gateway"))]
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
    msg = ext.nsidmsg()
    msg["attrs"] = [("NETNSA_FD", fd)]
    return msg


def link_dump(kind=None):
    """RTM_GETLINK with NLM_F_DUMP: every link, without the per-family
    (IPv6) and VF statistics, which nothing here reads (a quarter of a
    veth's message). With `kind`, the links of that kind only: the kernel
    filters by IFLA_LINKINFO/IFLA_INFO_KIND and marks its answer
    NLM_F_DUMP_FILTERED, if it knows the kind (see driver.Session.links_of_kind)."""
    msg = ext.ifinfmsg()
    msg["family"] = socket.AF_UNSPEC
    attrs = [("IFLA_EXT_MASK", RTEXT_FILTER_SKIP_STATS)]
    if kind is not None:
        attrs.append(("IFLA_LINKINFO", {"attrs": [("IFLA_INFO_KIND", kind)]}))
    msg["attrs"] = attrs
    return msg


def addr_dump():
    """RTM_GETADDR with NLM_F_DUMP: the addresses of every family."""
    msg = ext.ifaddrmsg()
    msg["family"] = socket.AF_UNSPEC
    return msg


def route_dump(table=None, rtype=None):
    """RTM_GETROUTE with NLM_F_DUMP, of every family, of one table and of
    one route type (RTN_*) when given (on a strict-checking socket the
    kernel leaves the others out: ip_valid_fib_dump_req)."""
    msg = ext.rtmsg()
    msg["family"] = socket.AF_UNSPEC
    attrs = []
    if table is not None:
        msg["table"] = table if table < 256 else 0
        attrs.append(("RTA_TABLE", table))
    if rtype is not None:
        msg["type"] = rtype
    msg["attrs"] = attrs
    return msg


# A message's fixed fields (struct rtmsg, ifaddrmsg), decoded by pyroute2
# without its attributes, so that what nobody asked for is skipped before
# pyroute2 decodes the rest: the same class with no attribute map, whose
# decode() reads nlmsghdr and the fields and stops.
_FIELDS_ONLY = {}


def header(cls, data):
    """The fields of the pyroute2 class `cls` (rtmsg, ifaddrmsg, ifinfmsg)
    of one message in `data` (nlmsghdr included), as a dict: for rtmsg
    family, dst_len, src_len, tos, table (RT_TABLE_COMPAT for ids above
    255), proto, scope, type, flags; for ifaddrmsg family, prefixlen, flags,
    scope, index; for ifinfmsg family, ifi_type, index, flags, change."""
    only = _FIELDS_ONLY.get(cls)
    if only is None:
        only = _FIELDS_ONLY[cls] = type(cls.__name__ + "_fields", (cls,), {"nla_map": ()})
    msg = only(data)
    msg.decode()
    return dict((field[0], msg[field[0]]) for field in cls.fields)


# ------------------------------------------------------------------ parsing

_LINK_ATTRS = frozenset(("IFLA_IFNAME", "IFLA_MTU", "IFLA_ADDRESS", "IFLA_MASTER", "IFLA_LINK",
                         "IFLA_LINK_NETNSID", "IFLA_LINKINFO") + link_attrs.ATTRS)
_ADDR_ATTRS = frozenset(("IFA_LOCAL", "IFA_ADDRESS"))
_ROUTE_ATTRS = frozenset(("RTA_DST", "RTA_TABLE", "RTA_PRIORITY", "RTA_GATEWAY", "RTA_OIF",
                          "RTA_PREFSRC", "RTA_MULTIPATH"))


def attrs(msg, wanted):
    """{name: value} of the first attribute of each name in `wanted`, read
    in one pass (get_attr() walks the whole list once per name); pyroute2
    decodes only the values taken."""
    found = {}
    for item in msg["attrs"]:
        name = item[0]
        if name in wanted and name not in found:
            found[name] = item[1]
    return found


def header_table(table):
    """The rtm_table the kernel writes in a route's fixed fields for table
    id `table`: the id itself up to 255, RT_TABLE_COMPAT above (the id is
    then only in RTA_TABLE)."""
    return table if table < 256 else RT_TABLE_COMPAT


def ip_version(family):
    """The IP version (4, 6) of an address family (AF_INET, AF_INET6), as
    the parsed dicts give it."""
    return 6 if family == socket.AF_INET6 else 4


def decode(cls, data):
    """The message of pyroute2 class `cls` in `data` (one netlink message,
    nlmsghdr included), decoded."""
    msg = cls(data)
    msg.decode()
    return msg


def parse_link(msg, netns):
    """An ifinfmsg as plain data."""
    a = attrs(msg, _LINK_ATTRS)
    info = a.get("IFLA_LINKINFO")
    kind = info.get_attr("IFLA_INFO_KIND") if info is not None else None
    link = {
        "netns": netns,
        "name": a.get("IFLA_IFNAME"),
        "ifindex": msg["index"],
        "kind": kind,
        "type": msg["ifi_type"],
        "up": bool(msg["flags"] & IFF_UP),
        "noarp": bool(msg["flags"] & IFF_NOARP),
        "mtu": a.get("IFLA_MTU"),
        "mac": a.get("IFLA_ADDRESS"),
        "master_index": a.get("IFLA_MASTER"),
        "parent_index": a.get("IFLA_LINK"),
        "parent_nsid": a.get("IFLA_LINK_NETNSID"),
    }
    link.update(link_attrs.from_attrs(a, kind in IPVLAN_KINDS))  # alias, ipv6
    if kind == "vlan":
        data = info.get_attr("IFLA_INFO_DATA")
        if data is not None and hasattr(data, "get_attr"):
            link["vlan_id"] = data.get_attr("IFLA_VLAN_ID")
            link["vlan_protocol"] = data.get_attr("IFLA_VLAN_PROTOCOL")
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
    """An ifaddrmsg as plain data."""
    a = attrs(msg, _ADDR_ATTRS)
    family = ip_version(msg["family"])
    address = a.get("IFA_LOCAL") or a.get("IFA_ADDRESS")
    return {
        "netns": netns,
        "ifindex": msg["index"],
        "family": family,
        "address": "%s/%d" % (address, msg["prefixlen"]),
        "scope": SCOPE_NAMES.get(msg["scope"], msg["scope"]),
    }


def parse_route(msg, netns):
    """A route as plain data; None for cache clones."""
    if msg["flags"] & RTM_F_CLONED:
        return None
    a = attrs(msg, _ROUTE_ATTRS)
    family = ip_version(msg["family"])
    dst = a.get("RTA_DST") or ("::" if family == 6 else "0.0.0.0")
    metric = a.get("RTA_PRIORITY")
    return {
        "netns": netns,
        "family": family,
        "table": a.get("RTA_TABLE") or msg["table"],
        "dst": "%s/%d" % (dst, msg["dst_len"]),
        "metric": 0 if metric is None else metric,
        "gateway": a.get("RTA_GATEWAY"),
        "oif": a.get("RTA_OIF"),
        "src": a.get("RTA_PREFSRC"),
        "scope": SCOPE_NAMES.get(msg["scope"], msg["scope"]),
        "type": msg["type"],
        "proto": msg["proto"],
        "multipath": "RTA_MULTIPATH" in a,
    }


def parse_nsid(msg):
    """NETNSA_NSID of an RTM_NEWNSID reply as a signed number (-1: none
    assigned; pyroute2 declares it unsigned), or None without one."""
    value = msg.get_attr("NETNSA_NSID")
    if value is None:
        return None
    return value - (1 << 32) if value >= 1 << 31 else value
