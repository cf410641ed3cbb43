"""The driver's own netlink transport (driver.Socket) and the struct-based
parsers of dump messages (messages.parse_*_bytes): the parsers give exactly
what parse_link/parse_addr/parse_route give from pyroute2's decoding of the
same bytes, and the socket reads a request's replies to its ack, error or
end of dump. Needs no root: a fake socket, and read-only dumps of this
process's own namespace."""

import errno
import socket
import struct

import pytest

from ansible_collections.linuxnet.ipvlan.plugins.module_utils import driver as d
from ansible_collections.linuxnet.ipvlan.plugins.module_utils import messages as m
from ansible_collections.linuxnet.ipvlan.plugins.module_utils import pyroute2_ext as ext


@pytest.fixture(autouse=True)
def registered():
    ext.register()


def encoded(cls, msg_type, fields, attrs, flags=0):
    msg = cls()
    for key, value in fields.items():
        msg[key] = value
    msg["attrs"] = attrs
    msg["header"]["type"] = msg_type
    msg["header"]["flags"] = flags
    msg["header"]["sequence_number"] = 1
    msg["header"]["pid"] = 0
    msg.encode()
    return bytes(msg.data)


def pyroute2_view(data):
    """parse_* of pyroute2's decoding of `data`."""
    kind = struct.unpack_from("=H", data, 4)[0]
    ifinfmsg, ifaddrmsg, rtmsg = m._msg_classes()[:3]
    cls, parse = {m.RTM_NEWLINK: (ifinfmsg, m.parse_link), m.RTM_NEWADDR: (ifaddrmsg, m.parse_addr),
                  m.RTM_NEWROUTE: (rtmsg, m.parse_route)}[kind]
    msg = cls(data)
    msg.decode()
    return parse(msg, "ns0")


def bytes_view(data):
    kind = struct.unpack_from("=H", data, 4)[0]
    parse = {m.RTM_NEWLINK: m.parse_link_bytes, m.RTM_NEWADDR: m.parse_addr_bytes,
             m.RTM_NEWROUTE: m.parse_route_bytes}[kind]
    return parse(data, "ns0")


def link_msg(attrs, index=5, flags=1, ifi_type=1):
    return encoded(m._msg_classes()[0], m.RTM_NEWLINK,
                   {"family": 0, "index": index, "flags": flags, "change": 0, "ifi_type": ifi_type},
                   attrs)


def ipvlan_info(kind="ipvlan", mode=0, flags=2):
    return ("IFLA_LINKINFO", {"attrs": [("IFLA_INFO_KIND", kind), ("IFLA_INFO_DATA", {"attrs": [
        ("IFLA_IPVLAN_MODE", mode), ("IFLA_IPVLAN_FLAGS", flags)]})]})


LINKS = [
    # an ipvlan slave whose master is in another namespace
    [("IFLA_IFNAME", "ipvl0"), ("IFLA_MTU", 1500), ("IFLA_ADDRESS", "52:54:00:12:34:56"),
     ("IFLA_LINK", 2), ("IFLA_LINK_NETNSID", 0), ipvlan_info()],
    # an ipvtap in l3s private, IFLA_LINK left out (equal to its own index)
    [("IFLA_IFNAME", "tap0"), ("IFLA_LINK_NETNSID", 3), ipvlan_info("ipvtap", 2, 1)],
    # an ipvlan without IFLA_INFO_DATA
    [("IFLA_IFNAME", "ipvl1"), ("IFLA_LINK", 2),
     ("IFLA_LINKINFO", {"attrs": [("IFLA_INFO_KIND", "ipvlan")]})],
    # a bridge port (IFLA_MASTER) of another kind
    [("IFLA_IFNAME", "eth1"), ("IFLA_MASTER", 9), ("IFLA_MTU", 9000),
     ("IFLA_LINKINFO", {"attrs": [("IFLA_INFO_KIND", "veth")]})],
    # no IFLA_LINKINFO at all, no address
    [("IFLA_IFNAME", "lo"), ("IFLA_MTU", 65536)],
]


@pytest.mark.parametrize("attrs", LINKS)
@pytest.mark.parametrize("flags", [0, 1])
def test_link_bytes_match_pyroute2(attrs, flags):
    data = link_msg(attrs, flags=flags)
    assert bytes_view(data) == pyroute2_view(data)


def test_link_bytes_ipvlan_fields():
    link = m.parse_link_bytes(link_msg(LINKS[1], index=7), "ns1")
    assert (link["kind"], link["mode"], link["flags"]) == ("ipvtap", "l3s", "private")
    assert (link["parent_index"], link["parent_nsid"], link["name"]) == (7, 3, "tap0")


ADDRS = [
    (2, 24, 0, [("IFA_ADDRESS", "10.0.0.10"), ("IFA_LOCAL", "10.0.0.10"),
                ("IFA_LABEL", "ipvl0")]),
    (2, 32, 0, [("IFA_ADDRESS", "10.9.9.9"), ("IFA_LOCAL", "10.0.0.1")]),  # peer
    (10, 64, 253, [("IFA_ADDRESS", "fe80::5054:ff:fe12:3456")]),
    (10, 128, 0, [("IFA_ADDRESS", "2001:db8::10")]),
]


@pytest.mark.parametrize("family,prefixlen,scope,attrs", ADDRS)
def test_addr_bytes_match_pyroute2(family, prefixlen, scope, attrs):
    data = encoded(m._msg_classes()[1], m.RTM_NEWADDR,
                   {"family": family, "prefixlen": prefixlen, "flags": 0, "scope": scope,
                    "index": 4}, attrs)
    assert bytes_view(data) == pyroute2_view(data)


ROUTES = [
    # IPv4 default via a gateway, main table
    (2, 0, 254, 3, 0, 1, 0, [("RTA_TABLE", 254), ("RTA_GATEWAY", "10.0.0.1"), ("RTA_OIF", 4)]),
    # table 1000 (only in RTA_TABLE), a metric and a source
    (2, 24, 0, 4, 253, 1, 0, [("RTA_TABLE", 1000), ("RTA_DST", "10.1.0.0"), ("RTA_OIF", 4),
                              ("RTA_PRIORITY", 100), ("RTA_PREFSRC", "10.1.0.10")]),
    # local table, no RTA_TABLE
    (2, 32, 255, 2, 254, 2, 0, [("RTA_DST", "127.0.0.1"), ("RTA_OIF", 1)]),
    # IPv6 with a gateway
    (10, 64, 254, 3, 0, 1, 0, [("RTA_TABLE", 254), ("RTA_DST", "2001:db8:1::"),
                               ("RTA_GATEWAY", "fe80::1"), ("RTA_PRIORITY", 1024),
                               ("RTA_OIF", 4)]),
    # a cached clone: skipped
    (10, 128, 254, 2, 0, 1, m.RTM_F_CLONED, [("RTA_DST", "2001:db8::1")]),
]


@pytest.mark.parametrize("family,dst_len,table,proto,scope,kind,flags,attrs", ROUTES)
def test_route_bytes_match_pyroute2(family, dst_len, table, proto, scope, kind, flags, attrs):
    data = encoded(m._msg_classes()[2], m.RTM_NEWROUTE,
                   {"family": family, "dst_len": dst_len, "src_len": 0, "tos": 0, "table": table,
                    "proto": proto, "scope": scope, "type": kind, "flags": flags}, attrs)
    assert bytes_view(data) == pyroute2_view(data)


def test_route_bytes_multipath():
    data = encoded(m._msg_classes()[2], m.RTM_NEWROUTE,
                   {"family": 2, "dst_len": 0, "src_len": 0, "tos": 0, "table": 254,
                    "proto": 3, "scope": 0, "type": 1, "flags": 0},
                   [("RTA_TABLE", 254), ("RTA_MULTIPATH", [{"oif": 4, "hops": 0},
                                                           {"oif": 5, "hops": 0}])])
    assert m.parse_route_bytes(data, None)["multipath"] is True
    assert bytes_view(data) == pyroute2_view(data)


def test_dump_requests_are_what_ip_sends():
    assert m.dump_request("link") == b"\0" * 16
    assert m.dump_request("addr") == b"\0" * 8
    assert m.dump_request("route") == b"\0" * 12


# ------------------------------------------------------------------ Socket


def header(length, kind, flags, seq):
    return struct.pack("=IHHII", length, kind, flags, seq, 0)


def ack(seq, code=0):
    return header(36, d.NLMSG_ERROR, 0, seq) + struct.pack("=i", -code) + b"\0" * 16


def done(seq):
    return header(20, d.NLMSG_DONE, d.NLM_F_MULTI, seq) + struct.pack("=i", 0)


def part(data, seq, flags=d.NLM_F_MULTI):
    """`data` (an encoded message) with another sequence number and flags."""
    length, kind = struct.unpack_from("=IH", data)
    return header(length, kind, flags, seq) + data[16:]


class FakeSock(object):
    """Answers each send() with the next list of recv() chunks."""

    def __init__(self, *answers):
        self.answers = list(answers)
        self.sent = []
        self.pending = []

    def send(self, data):
        self.sent.append(bytes(data))
        self.pending = list(self.answers.pop(0))
        return len(data)

    def recv_into(self, buffer, size, flags):
        assert flags == socket.MSG_PEEK | socket.MSG_TRUNC
        return len(self.pending[0])

    def recv(self, size):
        assert size == len(self.pending[0])
        return self.pending.pop(0)

    def close(self):
        pass


LO = link_msg(LINKS[4], index=1)
IPVL = link_msg(LINKS[0], index=5)


def test_socket_ack_and_error():
    sock = d.Socket(FakeSock([ack(1)], [ack(2, errno.EEXIST)]))
    assert sock.nlm_request(m.link_set_bytes(5, up=True), m.RTM_NEWLINK, m.REQ_ACK) == []
    with pytest.raises(ext.NetlinkError) as failed:
        sock.nlm_request(m.link_set_bytes(5, up=True), m.RTM_NEWLINK, m.REQ_ACK)
    assert failed.value.code == errno.EEXIST
    sent = sock.sock.sent[0]
    assert struct.unpack_from("=IHHI", sent) == (len(sent), m.RTM_NEWLINK, m.REQ_ACK, 1)


def test_socket_dump_across_chunks_skipping_stale_answers():
    fake = FakeSock([ack(7) + part(LO, 1), part(IPVL, 1) + done(1)])
    sock = d.Socket(fake)
    replies = sock.nlm_request(m.dump_request("link"), m.RTM_GETLINK, m.REQ_DUMP)
    assert [m.parse_link_bytes(x, None)["name"] for x in replies] == ["lo", "ipvl0"]
    assert fake.sent[0] == header(32, m.RTM_GETLINK, m.REQ_DUMP, 1) + b"\0" * 16


def test_socket_dump_error_and_interrupted_dump():
    sock = d.Socket(FakeSock([part(LO, 1, d.NLM_F_MULTI | d.NLM_F_DUMP_INTR), done(1)],
                             [part(LO, 2), done(2)],
                             [ack(3, errno.EPERM)]))
    replies = sock.nlm_request(m.dump_request("link"), m.RTM_GETLINK, m.REQ_DUMP)
    assert len(replies) == 1 and sock.seq == 2
    with pytest.raises(ext.NetlinkError) as failed:
        sock.nlm_request(m.dump_request("addr"), m.RTM_GETADDR, m.REQ_DUMP)
    assert failed.value.code == errno.EPERM


def test_socket_reads_a_datagram_larger_than_any_fixed_buffer():
    """A device with many SR-IOV VFs makes one link message of 100 KiB and
    more: the datagram's size is asked for first (FakeSock checks recv gets
    exactly that size)."""
    big = part(LO, 1) * 3000
    assert len(big) > 1 << 16
    sock = d.Socket(FakeSock([big, done(1)]))
    replies = sock.nlm_request(m.dump_request("link"), m.RTM_GETLINK, m.REQ_DUMP)
    assert len(replies) == 3000


def test_socket_get_with_and_without_ack_decodes_with_pyroute2():
    sock = d.Socket(FakeSock([part(IPVL, 1, 0), ack(1)], [part(LO, 2, 0)]))
    [data] = sock.nlm_request(m.link_get_bytes("ipvl0"), m.RTM_GETLINK, m.REQ_ACK)
    msg = m._msg_classes()[0](data)
    msg.decode()
    assert msg.get_attr("IFLA_IFNAME") == "ipvl0"
    # without NLM_F_ACK (RTM_GETNSID is sent so) the one answer ends it
    [raw] = sock.nlm_request(m.link_get_bytes("lo"), m.RTM_GETLINK, m.NLM_F_REQUEST)
    assert m.parse_link_bytes(raw, None)["name"] == "lo"


# -------------------------------------------- a real socket, read-only


def test_real_dumps_parse_alike():
    """This process's own namespace, dumped through driver.Socket: every
    link, address and route parses to what pyroute2's decoding gives."""
    sock = d.Socket()
    try:
        seen = 0
        for kind, msg_type in (("link", m.RTM_GETLINK), ("addr", m.RTM_GETADDR),
                               ("route", m.RTM_GETROUTE)):
            for data in sock.nlm_request(m.dump_request(kind), msg_type, m.REQ_DUMP):
                assert bytes_view(data) == pyroute2_view(data), data
                seen += 1
        assert seen >= 3  # at least lo, 127.0.0.1 and a local route
    finally:
        sock.close()


def test_real_session_reads_links_and_misses_cleanly():
    session = d.Session(None, d.Socket())
    try:
        lo = session.link("lo")
        assert lo is not None and lo["type"] == m.ARPHRD_LOOPBACK
        assert session.fetch_link("lo")["ifindex"] == lo["ifindex"]
        assert session.fetch_link("nosuchdev0") is None
        assert session.index_of("nosuchdev0", required=False) is None
    finally:
        session.close()


def test_real_route_dump_is_whole_and_repeatable():
    """Every message of a dump of this namespace's routes is whole, and a
    second dump on the same socket gives as many (nothing left over from the
    first)."""
    sock = d.Socket()
    try:
        first = sock.nlm_request(m.dump_request("route"), m.RTM_GETROUTE, m.REQ_DUMP)
        again = sock.nlm_request(m.dump_request("route"), m.RTM_GETROUTE, m.REQ_DUMP)
        assert len(first) == len(again) > 0
        assert all(struct.unpack_from("=I", x)[0] == len(x) for x in first)
    finally:
        sock.close()


def test_fd_limit_is_raised_to_the_hard_limit():
    import resource
    before = resource.getrlimit(resource.RLIMIT_NOFILE)[1]
    d.raise_fd_limit()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    assert hard == before
    assert soft == hard or soft == 1 << 20


def test_socket_family():
    sock = d.Socket()
    try:
        assert sock.sock.family == socket.AF_NETLINK
    finally:
        sock.close()


# ------------------------------------- requests built with struct, byte for byte


def pyroute2_body(msg):
    msg["header"]["type"] = 0
    msg["header"]["flags"] = 0
    msg["header"]["sequence_number"] = 0
    msg["header"]["pid"] = 0
    msg.encode()
    return bytes(msg.data)[16:]


@pytest.mark.parametrize("kind", ["ipvlan", "ipvtap"])
@pytest.mark.parametrize("mode,flags", [("l2", "bridge"), ("l3", "private"), ("l3s", "vepa")])
@pytest.mark.parametrize("extra", [{}, {"mtu": 1400}, {"netns_fd": 7, "up": True},
                                   {"mtu": 9000, "netns_fd": 12, "up": False}])
def test_link_new_bytes(kind, mode, flags, extra):
    args = ("ipvl0" if kind == "ipvlan" else "tap15charsname", kind, 3, mode, flags)
    assert m.link_new_bytes(*args, **extra) == pyroute2_body(m.link_new(*args, **extra))


@pytest.mark.parametrize("kwargs", [
    {"up": True}, {"up": False}, {"mtu": 1400}, {"ifname": "final0", "up": True},
    {"netns_fd": 9}, {"kind": "ipvtap", "mode": "l3s", "flags": "private"},
    {"kind": "ipvlan", "mode": "l2", "flags": "bridge", "mtu": 1500, "up": None},
])
def test_link_set_bytes(kwargs):
    assert m.link_set_bytes(7, **kwargs) == pyroute2_body(m.link_set(7, **kwargs))


@pytest.mark.parametrize("name", ["lo", "ipvl0", "abc", "fifteen-chars00"])
def test_link_get_and_del_bytes(name):
    assert m.link_get_bytes(name) == pyroute2_body(m.link_get(name))
    assert m.link_del_bytes(42) == pyroute2_body(m.link_del(42))


@pytest.mark.parametrize("text", ["10.0.0.10/24", "127.0.0.1/8", "192.0.2.1/32",
                                  "2001:db8::10/64", "fe80::1/64", "::1/128"])
def test_addr_bytes(text):
    import ipaddress
    interface = ipaddress.ip_interface(text)
    assert m.addr_bytes(5, interface) == pyroute2_body(m.addr(5, interface))


@pytest.mark.parametrize("text,scope", [("127.0.0.1/8", 254), ("127.1.2.3/32", 254),
                                        ("10.0.0.10/24", 0), ("::1/128", 0)])
def test_addr_scope_as_iproute2(text, scope):
    """'ip addr add' gives IPv4 loopback addresses scope host, others global."""
    import ipaddress
    body = m.addr_bytes(5, ipaddress.ip_interface(text))
    assert body[3] == scope


@pytest.mark.parametrize("params", [
    {"dst": "default", "gateway": "10.0.0.1"},
    {"dst": "10.1.0.0/16", "dev": "ipvl0", "metric": 100, "table": 1000},
    {"dst": "10.2.0.0/24", "gateway": "10.0.0.1", "src": "10.0.0.10", "scope": "site"},
    {"dst": "192.0.2.0/24", "dev": "ipvl0", "scope": "link", "table": "local"},
    {"dst": "default", "gateway": "fe80::1", "dev": "ipvl0"},
    {"dst": "2001:db8:1::/64", "gateway": "2001:db8::1", "metric": 5, "src": "2001:db8::10"},
])
@pytest.mark.parametrize("oif", [None, 4])
def test_route_bytes(params, oif):
    from ansible_collections.linuxnet.ipvlan.plugins.module_utils import routes as rt
    spec = rt.normalize(dict(params, netns=None, state="present",
                             dev=params.get("dev", "ipvl0")))
    assert m.route_bytes(spec, oif) == pyroute2_body(m.route(spec, oif))
    deleting = dict(spec, proto=0)
    assert m.route_bytes(deleting, oif) == pyroute2_body(m.route(deleting, oif))


def test_nsid_get_bytes():
    assert m.nsid_get_bytes(7) == pyroute2_body(m.nsid_get(7))


@pytest.mark.parametrize("value", [0, 5, 0xFFFFFFFF])
def test_parse_nsid_bytes(value):
    nsidmsg = m._msg_classes()[3]
    data = encoded(nsidmsg, m.RTM_NEWNSID, {}, [("NETNSA_NSID", value)])
    msg = nsidmsg(data)
    msg.decode()
    assert m.parse_nsid_bytes(data) == struct.unpack("=i", struct.pack("=I", value))[0]
    assert msg.get_attr("NETNSA_NSID") == value
    assert m.parse_nsid_bytes(encoded(nsidmsg, m.RTM_NEWNSID, {}, [])) is None


def test_real_nsid_of_own_namespace():
    """Asking a namespace for the id of itself: the kernel answers (an id or
    -1 when none is assigned), and the session keeps None for 'none'."""
    import os
    session = d.Session(None, d.Socket())
    fd = os.open("/proc/self/ns/net", os.O_RDONLY)
    try:
        value = session.nsid(fd, "self")
        assert value is None or value >= 0
    finally:
        os.close(fd)
        session.close()
