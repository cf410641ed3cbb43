# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.ipvlan contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Netlink requests and the parsing of replies into plain data.

Each request exists twice: as a pyroute2 message object (link_new, addr,
route, ...), the reference that unit tests encode to bytes without a socket
or root, and as the bytes of its body built with struct (link_new_bytes,
addr_bytes, route_bytes, ...), byte for byte the same (tests/unit compares
them), which is what the driver sends. Replies are parsed from bytes with
struct (parse_*_bytes), to the same plain data that parse_link/parse_addr/
parse_route give from pyroute2's decoding. pyroute2's encoder and decoder
cost more than the rest of a module run on large topologies (see
docs/performance.md). Building the messages here, rather than through
pyroute2's keyword request filters, keeps the wire format the same on
pyroute2 0.7 and 0.9.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import socket
import struct

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
RTM_NEWNSID, RTM_GETNSID = 88, 90

IFF_UP = 0x1
ARPHRD_ETHER = 1
ARPHRD_LOOPBACK = 772
RT_TABLE_MAIN = 254
RT_TABLE_LOCAL = 255
RT_SCOPE_UNIVERSE = 0
RT_SCOPE_HOST = 254
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
    ifaddrmsg = _msg_classes()[1]
    msg = ifaddrmsg()
    msg["family"] = socket.AF_INET6 if interface.version == 6 else socket.AF_INET
    msg["prefixlen"] = interface.network.prefixlen
    msg["flags"] = 0
    msg["scope"] = addr_scope(interface)
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


def dump_request(kind):
    """The body of a dump request for 'link', 'addr' or 'route' (every
    family), as bytes: the zeroed ifinfomsg, ifaddrmsg or rtmsg that
    'ip link/addr/route show' sends, without building a pyroute2 message."""
    return b"\0" * {"link": 16, "addr": 8, "route": 12}[kind]


# ------------------------------------------------ the same, built with struct
# What the driver sends: the bodies (after nlmsghdr) of the messages above,
# byte for byte what pyroute2 encodes for them (tests/unit test_netlink_io
# compares the two), built without pyroute2's encoder, which costs more than
# the rest of a request (measured in the lab VM: see docs/performance.md).

_NLA_HDR = struct.Struct("=HH")


def _nla(kind, payload):
    length = 4 + len(payload)
    return _NLA_HDR.pack(length, kind) + payload + b"\0" * (-length % 4)


def _nla_u32(kind, value):
    return _nla(kind, struct.pack("=I", value))


def _nla_text(kind, text):
    return _nla(kind, text.encode("utf-8") + b"\0")


def _nla_ip(kind, family, address):
    return _nla(kind, socket.inet_pton(family, str(address)))


def _linkinfo_bytes(kind, mode, flags):
    data = (_nla(1, struct.pack("=H", ext.IPVLAN_MODES[mode]))
            + _nla(2, struct.pack("=H", ext.IPVLAN_FLAGS[flags])))
    return _nla(18, _nla_text(1, kind) + _nla(2, data))  # IFLA_LINKINFO: KIND, DATA


def _ifinfo(index, flags, change):
    return struct.pack("=BxHiII", socket.AF_UNSPEC, 0, index, flags, change)


def link_new_bytes(ifname, kind, parent_index, mode, flags, mtu=None, netns_fd=None, up=False):
    """link_new() as bytes."""
    body = _ifinfo(0, IFF_UP if up else 0, IFF_UP if up else 0)
    body += _nla_text(3, ifname) + _nla_u32(5, parent_index)  # IFLA_IFNAME, IFLA_LINK
    if mtu is not None:
        body += _nla_u32(4, mtu)  # IFLA_MTU
    if netns_fd is not None:
        body += _nla_u32(28, netns_fd)  # IFLA_NET_NS_FD
    return body + _linkinfo_bytes(kind, mode, flags)


def link_set_bytes(index, kind=None, mode=None, flags=None, mtu=None, up=None, ifname=None,
                   netns_fd=None):
    """link_set() as bytes."""
    body = _ifinfo(index, IFF_UP if up else 0, IFF_UP if up is not None else 0)
    if ifname is not None:
        body += _nla_text(3, ifname)
    if mtu is not None:
        body += _nla_u32(4, mtu)
    if netns_fd is not None:
        body += _nla_u32(28, netns_fd)
    if mode is not None:
        body += _linkinfo_bytes(kind, mode, flags)
    return body


def link_del_bytes(index):
    return _ifinfo(index, 0, 0)


def link_get_bytes(ifname):
    return _ifinfo(0, 0, 0) + _nla_text(3, ifname)


def addr_bytes(index, interface):
    """addr() as bytes."""
    family = socket.AF_INET6 if interface.version == 6 else socket.AF_INET
    body = struct.pack("=BBBBI", family, interface.network.prefixlen, 0, addr_scope(interface),
                       index)
    return body + _nla_ip(2, family, interface.ip) + _nla_ip(1, family, interface.ip)


def route_bytes(spec, oif=None):
    """route() as bytes."""
    dst = spec["dst"]
    family = socket.AF_INET6 if dst.version == 6 else socket.AF_INET
    table = spec.get("table", RT_TABLE_MAIN)
    scope = spec.get("scope")
    if scope is None:
        scope = "global" if spec.get("gateway") else "link"
    body = struct.pack("=BBBBBBBBI", family, dst.prefixlen, 0, 0, table if table < 256 else 0,
                       spec.get("proto", RTPROT_BOOT), SCOPES[scope], RTN_UNICAST, 0)
    body += _nla_u32(15, table)  # RTA_TABLE
    if dst.prefixlen:
        body += _nla_ip(1, family, dst.network_address)  # RTA_DST
    if spec.get("gateway"):
        body += _nla_ip(5, family, spec["gateway"])  # RTA_GATEWAY
    if oif is not None:
        body += _nla_u32(4, oif)  # RTA_OIF
    if spec.get("metric"):
        body += _nla_u32(6, spec["metric"])  # RTA_PRIORITY
    if spec.get("src"):
        body += _nla_ip(7, family, spec["src"])  # RTA_PREFSRC
    return body


def nsid_get_bytes(fd):
    return struct.pack("=Bxxx", socket.AF_UNSPEC) + _nla_u32(3, fd)  # NETNSA_FD


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
        "alias": msg.get_attr("IFLA_IFALIAS"),
    }
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


# --------------------------------------------------- parsing without pyroute2
# The same plain data as parse_link/parse_addr/parse_route, read from the
# bytes of one netlink message (nlmsghdr included) with struct: what reading
# a namespace costs is mostly decoding its dumps, and pyroute2 builds a tree
# of objects for every attribute of every message (measured in the lab VM:
# see docs/performance.md). Attribute types are those of
# include/uapi/linux/if_link.h, if_addr.h and rtnetlink.h.

_NLA = struct.Struct("=HH")
_U16 = struct.Struct("=H")
_BE16 = struct.Struct(">H")
_U32 = struct.Struct("=I")
_I32 = struct.Struct("=i")
_IFINFO = struct.Struct("=BxHiII")  # family, type, index, flags, change
_IFADDR = struct.Struct("=BBBBI")  # family, prefixlen, flags, scope, index
_RTMSG = struct.Struct("=BBBBBBBBI")  # family, dst_len, src_len, tos, table,
#                                       protocol, scope, type, flags
_NLMSGHDR = 16
NLA_TYPE_MASK = 0x3FFF  # without NLA_F_NESTED and NLA_F_NET_BYTEORDER

IFLA_ADDRESS, IFLA_IFNAME, IFLA_MTU, IFLA_LINK, IFLA_MASTER = 1, 3, 4, 5, 10
IFLA_LINKINFO, IFLA_LINK_NETNSID, IFLA_IFALIAS = 18, 37, 20
IFLA_INFO_KIND, IFLA_INFO_DATA = 1, 2
IFLA_VLAN_ID, IFLA_VLAN_PROTOCOL = 1, 5  # u16, be16
IFLA_IPVLAN_MODE, IFLA_IPVLAN_FLAGS = 1, 2
IFA_ADDRESS, IFA_LOCAL = 1, 2
RTA_DST, RTA_OIF, RTA_GATEWAY, RTA_PRIORITY, RTA_PREFSRC = 1, 4, 5, 6, 7
RTA_MULTIPATH, RTA_TABLE = 9, 15


def _nlas(data, offset, end):
    """{attribute type: (start, end) of its payload}; the first of a type
    wins, as with pyroute2's get_attr."""
    found = {}
    while offset + 4 <= end:
        length, kind = _NLA.unpack_from(data, offset)
        if length < 4 or offset + length > end:
            break
        found.setdefault(kind & NLA_TYPE_MASK, (offset + 4, offset + length))
        offset += (length + 3) & ~3
    return found


def _end(data):
    return min(len(data), _U32.unpack_from(data, 0)[0])


def _u32(data, span):
    return None if span is None or span[1] - span[0] < 4 else _U32.unpack_from(data, span[0])[0]


def _text(data, span):
    if span is None:
        return None
    raw = data[span[0]:span[1]].split(b"\0", 1)[0]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        return raw


def _ip(data, span, family):
    if span is None:
        return None
    raw = data[span[0]:span[1]]
    if family not in (socket.AF_INET, socket.AF_INET6):
        family = socket.AF_INET6 if len(raw) > 8 else socket.AF_INET
    return socket.inet_ntop(family, raw)


def parse_link_bytes(data, netns):
    """parse_link() of an RTM_NEWLINK message given as bytes."""
    ifi_type, index, flags = _IFINFO.unpack_from(data, _NLMSGHDR)[1:4]
    nlas = _nlas(data, _NLMSGHDR + _IFINFO.size, _end(data))
    info = nlas.get(IFLA_LINKINFO)
    info_nlas = _nlas(data, info[0], info[1]) if info is not None else {}
    kind = _text(data, info_nlas.get(IFLA_INFO_KIND))
    mac = nlas.get(IFLA_ADDRESS)
    nsid = nlas.get(IFLA_LINK_NETNSID)
    link = {
        "netns": netns,
        "name": _text(data, nlas.get(IFLA_IFNAME)),
        "ifindex": index,
        "kind": kind,
        "type": ifi_type,
        "up": bool(flags & IFF_UP),
        "mtu": _u32(data, nlas.get(IFLA_MTU)),
        # pyroute2's l2addr: six bytes, whatever the attribute's length
        "mac": None if mac is None else ":".join("%02x" % b for b in
                                                 bytearray(data[mac[0]:mac[0] + 6])),
        "master_index": _u32(data, nlas.get(IFLA_MASTER)),
        "parent_index": _u32(data, nlas.get(IFLA_LINK)),
        "parent_nsid": None if nsid is None else _I32.unpack_from(data, nsid[0])[0],
        "alias": _text(data, nlas.get(IFLA_IFALIAS)),
    }
    if kind == "vlan":
        span = info_nlas.get(IFLA_INFO_DATA)
        data_nlas = _nlas(data, span[0], span[1]) if span is not None else {}
        vid, proto = data_nlas.get(IFLA_VLAN_ID), data_nlas.get(IFLA_VLAN_PROTOCOL)
        if vid is not None or proto is not None:
            link["vlan_id"] = None if vid is None else _U16.unpack_from(data, vid[0])[0]
            link["vlan_protocol"] = None if proto is None else _BE16.unpack_from(data, proto[0])[0]
    if kind in IPVLAN_KINDS:
        if link["parent_index"] is None and link["parent_nsid"] is not None:
            link["parent_index"] = link["ifindex"]  # see parse_link
        mode = flags = None
        span = info_nlas.get(IFLA_INFO_DATA)
        if span is not None:
            data_nlas = _nlas(data, span[0], span[1])
            mode, flags = [None if data_nlas.get(k) is None or
                           data_nlas[k][1] - data_nlas[k][0] < 2
                           else _U16.unpack_from(data, data_nlas[k][0])[0]
                           for k in (IFLA_IPVLAN_MODE, IFLA_IPVLAN_FLAGS)]
        link["mode"] = ext.IPVLAN_MODE_NAMES.get(mode, mode)
        link["flags"] = ext.IPVLAN_FLAG_NAMES.get(flags or 0, flags)
    return link


def parse_addr_bytes(data, netns):
    """parse_addr() of an RTM_NEWADDR message given as bytes."""
    family, prefixlen, _flags, scope, index = _IFADDR.unpack_from(data, _NLMSGHDR)
    nlas = _nlas(data, _NLMSGHDR + _IFADDR.size, _end(data))
    # pyroute2's ipaddr: the family follows the attribute's length
    address = _ip(data, nlas.get(IFA_LOCAL), None) or _ip(data, nlas.get(IFA_ADDRESS), None)
    return {
        "netns": netns,
        "ifindex": index,
        "family": 6 if family == socket.AF_INET6 else 4,
        "address": "%s/%d" % (address, prefixlen),
        "scope": SCOPE_NAMES.get(scope, scope),
    }


def parse_route_bytes(data, netns):
    """parse_route() of an RTM_NEWROUTE message given as bytes."""
    (family, dst_len, _src_len, _tos, table, proto, scope, kind,
     flags) = _RTMSG.unpack_from(data, _NLMSGHDR)
    if flags & RTM_F_CLONED:
        return None
    nlas = _nlas(data, _NLMSGHDR + _RTMSG.size, _end(data))
    version = 6 if family == socket.AF_INET6 else 4
    dst = _ip(data, nlas.get(RTA_DST), family) or ("::" if version == 6 else "0.0.0.0")
    metric = _u32(data, nlas.get(RTA_PRIORITY))
    return {
        "netns": netns,
        "family": version,
        "table": _u32(data, nlas.get(RTA_TABLE)) or table,
        "dst": "%s/%d" % (dst, dst_len),
        "metric": 0 if metric is None else metric,
        "gateway": _ip(data, nlas.get(RTA_GATEWAY), family),
        "oif": _u32(data, nlas.get(RTA_OIF)),
        "src": _ip(data, nlas.get(RTA_PREFSRC), family),
        "scope": SCOPE_NAMES.get(scope, scope),
        "type": kind,
        "proto": proto,
        "multipath": RTA_MULTIPATH in nlas,
    }


def parse_nsid_bytes(data):
    """NETNSA_NSID of an RTM_NEWNSID reply as a signed number (-1: none
    assigned), or None without one."""
    span = _nlas(data, _NLMSGHDR + 4, _end(data)).get(1)  # after rtgenmsg
    return None if span is None else _I32.unpack_from(data, span[0])[0]
