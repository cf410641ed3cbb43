"""The netlink layer below the engine: requests built by pyroute2's message
classes (messages.*), replies decoded by them into plain data
(messages.parse_*), and the driver's transport (driver.Socket, which frames
messages by their nlmsghdr) and sessions (driver.Session: one read of each
dump, messages skipped by their fixed fields before a decode). Needs no
root: a fake socket, and read-only dumps of this process's own namespace.
Runs with every pyroute2 `make pyroute2-matrix` puts on the path."""

import errno
import ipaddress
import socket
import struct

import pytest

from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model import abi
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.kernel import driver as d
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.kernel import messages as m
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.kernel import pyroute2_ext as ext
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.planners import routes as rt
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model.errors import KernelError


@pytest.fixture(autouse=True)
def registered():
    ext.register()


def encoded(cls, msg_type, fields, attrs, flags=0, seq=1):
    """A reply as the kernel would send it, encoded by pyroute2."""
    msg = cls()
    for key, value in fields.items():
        msg[key] = value
    msg["attrs"] = attrs
    return bytes(d.encode(msg, msg_type, flags, seq))


def nlas(data):
    """The netlink attributes in `data`: [(type, payload)], a walker of the
    test's own (the reference the messages are checked against)."""
    out = []
    while len(data) >= 4:
        length, kind = struct.unpack_from("=HH", data)
        out.append((kind & 0x3FFF, bytes(data[4:length])))
        data = data[(length + 3) & ~3:]
    return out


def wire(msg, size):
    """(the fixed part after nlmsghdr, {attribute type: payload}) of the
    request `msg` as pyroute2 encodes it; `size` is its fixed part's."""
    data = d.encode(msg, 0, 0)
    assert struct.unpack_from("=I", data)[0] == len(data)
    return bytes(data[16:16 + size]), dict(nlas(data[16 + size:]))


def link_msg(attrs, index=5, flags=1, ifi_type=1):
    return encoded(ext.ifinfmsg, m.RTM_NEWLINK,
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


# ---------------------------------------------------------------- decoding


def test_links_decode_to_plain_data():
    ipvl, tap, bare, port, lo = [m.parse_link(m.decode(ext.ifinfmsg, link_msg(attrs, index=7)),
                                              "ns1") for attrs in LINKS]
    assert ipvl == {"netns": "ns1", "name": "ipvl0", "ifindex": 7, "kind": "ipvlan", "type": 1,
                    "up": True, "mtu": 1500, "mac": "52:54:00:12:34:56", "master_index": None,
                    "parent_index": 2, "parent_nsid": 0, "mode": "l2", "flags": "vepa",
                    "alias": None, "ipv6": None, "noarp": False}
    assert (tap["kind"], tap["mode"], tap["flags"]) == ("ipvtap", "l3s", "private")
    # IFLA_LINK left out: it equals the slave's own index
    assert (tap["parent_index"], tap["parent_nsid"]) == (7, 3)
    assert (bare["mode"], bare["flags"]) == (None, "bridge")
    assert (port["kind"], port["master_index"], port["mtu"]) == ("veth", 9, 9000)
    assert "mode" not in port
    assert (lo["kind"], lo["mac"], lo["mtu"]) == (None, None, 65536)


def test_a_links_noarp_flag_is_decoded():
    # IFF_NOARP (0x80) beside IFF_UP: what the kernel sets on the slaves of an l3 port
    down, up = [m.parse_link(m.decode(ext.ifinfmsg, link_msg(LINKS[0], flags=flags)), None)
                for flags in (0x80, 0x81)]
    assert (down["up"], down["noarp"], up["up"], up["noarp"]) == (False, True, True, True)


ADDRS = [
    (2, 24, 0, [("IFA_ADDRESS", "10.0.0.10"), ("IFA_LOCAL", "10.0.0.10"),
                ("IFA_LABEL", "ipvl0")]),
    (2, 32, 0, [("IFA_ADDRESS", "10.9.9.9"), ("IFA_LOCAL", "10.0.0.1")]),  # peer
    (10, 64, 253, [("IFA_ADDRESS", "fe80::5054:ff:fe12:3456")]),
    (10, 128, 0, [("IFA_ADDRESS", "2001:db8::10")]),
]


def test_addresses_decode_to_plain_data():
    found = []
    for family, prefixlen, scope, attrs in ADDRS:
        data = encoded(ext.ifaddrmsg, m.RTM_NEWADDR, {"family": family, "prefixlen": prefixlen,
                                                      "flags": 0, "scope": scope, "index": 4},
                       attrs)
        found.append(m.parse_addr(m.decode(ext.ifaddrmsg, data), None))
    assert [(a["family"], a["address"], a["scope"], a["ifindex"]) for a in found] == [
        (4, "10.0.0.10/24", "global", 4), (4, "10.0.0.1/32", "global", 4),
        (6, "fe80::5054:ff:fe12:3456/64", "link", 4), (6, "2001:db8::10/128", "global", 4)]


ROUTES = [
    # IPv4 default via a gateway, main table
    (2, 0, 254, 3, 0, 1, 0, [("RTA_TABLE", 254), ("RTA_GATEWAY", "10.0.0.1"), ("RTA_OIF", 4)]),
    # table 1000 (rtm_table says RT_TABLE_COMPAT), a metric and a source
    (2, 24, 252, 4, 253, 1, 0, [("RTA_TABLE", 1000), ("RTA_DST", "10.1.0.0"), ("RTA_OIF", 4),
                                ("RTA_PRIORITY", 100), ("RTA_PREFSRC", "10.1.0.10")]),
    # local table, no RTA_TABLE
    (2, 32, 255, 2, 254, 2, 0, [("RTA_DST", "127.0.0.1"), ("RTA_OIF", 1)]),
    # IPv6 with a gateway
    (10, 64, 254, 3, 0, 1, 0, [("RTA_TABLE", 254), ("RTA_DST", "2001:db8:1::"),
                               ("RTA_GATEWAY", "fe80::1"), ("RTA_PRIORITY", 1024),
                               ("RTA_OIF", 4)]),
    # a cached clone: skipped
    (10, 128, 254, 2, 0, 1, abi.RTM_F_CLONED, [("RTA_DST", "2001:db8::1")]),
]


def route_msg(family, dst_len, table, proto, scope, kind, flags, attrs):
    return encoded(ext.rtmsg, m.RTM_NEWROUTE,
                   {"family": family, "dst_len": dst_len, "src_len": 0, "tos": 0, "table": table,
                    "proto": proto, "scope": scope, "type": kind, "flags": flags}, attrs)


def test_routes_decode_to_plain_data():
    found = [m.parse_route(m.decode(ext.rtmsg, route_msg(*r)), "ns0") for r in ROUTES]
    default, table1000, local, six, clone = found
    assert default == {"netns": "ns0", "family": 4, "table": 254, "dst": "0.0.0.0/0",
                       "metric": 0, "gateway": "10.0.0.1", "oif": 4, "src": None,
                       "scope": "global", "type": 1, "proto": 3, "multipath": False}
    assert (table1000["table"], table1000["dst"], table1000["metric"], table1000["src"]) == (
        1000, "10.1.0.0/24", 100, "10.1.0.10")
    assert (local["table"], local["scope"], local["type"]) == (255, "host", 2)
    assert (six["family"], six["dst"], six["gateway"]) == (6, "2001:db8:1::/64", "fe80::1")
    assert clone is None


def test_route_multipath():
    data = route_msg(2, 0, 254, 3, 0, 1, 0, [
        ("RTA_TABLE", 254), ("RTA_MULTIPATH", [{"oif": 4, "hops": 0}, {"oif": 5, "hops": 0}])])
    assert m.parse_route(m.decode(ext.rtmsg, data), None)["multipath"] is True


@pytest.mark.parametrize("route", ROUTES)
def test_fixed_fields_are_read_as_pyroute2_decodes_them(route):
    data = route_msg(*route)
    msg = m.decode(ext.rtmsg, data)
    assert m.header(ext.rtmsg, data) == dict((f[0], msg[f[0]]) for f in ext.rtmsg.fields)
    data = encoded(ext.ifaddrmsg, m.RTM_NEWADDR, {"family": 10, "prefixlen": 64, "flags": 0x80,
                                                  "scope": 253, "index": 77}, [])
    assert m.header(ext.ifaddrmsg, data) == {"family": 10, "prefixlen": 64, "flags": 0x80,
                                             "scope": 253, "index": 77}


@pytest.mark.parametrize("value", [0, 5, 0xFFFFFFFF])
def test_parse_nsid(value):
    data = encoded(ext.nsidmsg, m.RTM_NEWNSID, {}, [("NETNSA_NSID", value)])
    assert m.parse_nsid(m.decode(ext.nsidmsg, data)) == struct.unpack(
        "=i", struct.pack("=I", value))[0]
    assert m.parse_nsid(m.decode(ext.nsidmsg, encoded(ext.nsidmsg, m.RTM_NEWNSID, {}, []))) \
        is None


# ---------------------------------------------------------------- requests


def u32(value):
    return struct.pack("=I", value)


def text(value):
    return value.encode() + b"\0"


@pytest.mark.parametrize("kind", ["ipvlan", "ipvtap"])
@pytest.mark.parametrize("mode,flags", [("l2", "bridge"), ("l3", "private"), ("l3s", "vepa")])
@pytest.mark.parametrize("extra", [{}, {"mtu": 1400}, {"netns_fd": 7, "up": True}])
def test_link_new_on_the_wire(kind, mode, flags, extra):
    msg = m.link_new("ipvl0", kind, 3, mode, flags, **extra)
    assert isinstance(msg, ext.ifinfmsg)
    up = 1 if extra.get("up") else 0
    fixed, attrs = wire(msg, 16)
    assert fixed == struct.pack("=BxHiII", 0, 0, 0, up, up)
    assert attrs[3] == text("ipvl0") and attrs[5] == u32(3)  # IFLA_IFNAME, IFLA_LINK
    assert attrs.get(4) == (u32(extra["mtu"]) if "mtu" in extra else None)  # IFLA_MTU
    assert attrs.get(28) == (u32(7) if "netns_fd" in extra else None)  # IFLA_NET_NS_FD
    info = dict(nlas(attrs[18]))  # IFLA_LINKINFO
    assert info[1] == text(kind)
    assert dict(nlas(info[2])) == {1: struct.pack("=H", ext.IPVLAN_MODES[mode]),
                                   2: struct.pack("=H", ext.IPVLAN_FLAGS[flags])}


@pytest.mark.parametrize("kwargs,flags,change,types", [
    ({"up": True}, 1, 1, []), ({"up": False}, 0, 1, []), ({"mtu": 1400}, 0, 0, [4]),
    ({"ifname": "final0", "up": True}, 1, 1, [3]), ({"netns_fd": 9}, 0, 0, [28]),
    ({"kind": "ipvtap", "mode": "l3s", "flags": "private"}, 0, 0, [18]),
    ({"noarp": True}, 0x80, 0x80, []), ({"noarp": False}, 0, 0x80, []),
    ({"noarp": False, "up": True}, 1, 0x81, []),
])
def test_link_set_sends_only_what_is_given(kwargs, flags, change, types):
    fixed, attrs = wire(m.link_set(7, **kwargs), 16)
    assert fixed == struct.pack("=BxHiII", 0, 0, 7, flags, change)
    assert sorted(attrs) == types


def test_link_get_del_and_nsid_get():
    assert wire(m.link_get("lo"), 16) == (b"\0" * 16, {3: text("lo"), 29: u32(8)})
    assert wire(m.link_get(index=1), 16) == (struct.pack("=BxHiII", 0, 0, 1, 0, 0), {29: u32(8)})
    assert wire(m.link_del(42), 16) == (struct.pack("=BxHiII", 0, 0, 42, 0, 0), {})
    assert wire(m.nsid_get(7), 4) == (b"\0" * 4, {3: u32(7)})  # NETNSA_FD


@pytest.mark.parametrize("text_,scope", [("127.0.0.1/8", 254), ("127.1.2.3/32", 254),
                                         ("10.0.0.10/24", 0), ("::1/128", 0),
                                         ("2001:db8::10/64", 0)])
def test_addr_as_iproute2_sends_it(text_, scope):
    """'ip addr add' gives IPv4 loopback addresses scope host, others global,
    and sends the address as IFA_LOCAL and IFA_ADDRESS."""
    interface = ipaddress.ip_interface(text_)
    family = socket.AF_INET6 if interface.version == 6 else socket.AF_INET
    fixed, attrs = wire(m.addr(5, interface), 8)
    assert fixed == struct.pack("=BBBBI", family, interface.network.prefixlen, 0, scope, 5)
    packed = socket.inet_pton(family, str(interface.ip))
    assert attrs == {1: packed, 2: packed}


@pytest.mark.parametrize("params", [
    {"dst": "default", "gateway": "10.0.0.1"},
    {"dst": "10.1.0.0/16", "dev": "ipvl0", "metric": 100, "table": 1000},
    {"dst": "10.2.0.0/24", "gateway": "10.0.0.1", "src": "10.0.0.10", "scope": "site"},
    {"dst": "192.0.2.0/24", "dev": "ipvl0", "scope": "link", "table": "local"},
    {"dst": "default", "gateway": "fe80::1", "dev": "ipvl0"},
    {"dst": "2001:db8:1::/64", "gateway": "2001:db8::1", "metric": 5, "src": "2001:db8::10"},
])
@pytest.mark.parametrize("oif", [None, 4])
def test_route_on_the_wire(params, oif):
    spec = rt.normalize(dict(params, netns=None, state="present",
                             dev=params.get("dev", "ipvl0")))
    family = socket.AF_INET6 if spec["dst"].version == 6 else socket.AF_INET
    for proto in (3, 0):  # added as 'ip route add' does; deleted matching any
        fixed, attrs = wire(m.route(dict(spec, proto=proto), oif), 12)
        scope = abi.SCOPES[spec["scope"] or ("global" if spec["gateway"] else "link")]
        table = spec["table"] if spec["table"] < 256 else 0
        assert fixed == struct.pack("=BBBBBBBBI", family, spec["dst"].prefixlen, 0, 0, table,
                                    proto, scope, abi.RTN_UNICAST, 0)
        assert attrs[15] == u32(spec["table"])  # RTA_TABLE
        assert attrs.get(4) == (None if oif is None else u32(oif))  # RTA_OIF
        if spec["gateway"]:
            assert attrs[5] == socket.inet_pton(family, str(spec["gateway"]))
        assert attrs.get(6) == (u32(spec["metric"]) if spec["metric"] else None)


def test_dump_requests_ask_for_less():
    # links without statistics (IFLA_EXT_MASK = RTEXT_FILTER_SKIP_STATS)
    assert wire(m.link_dump(), 16) == (b"\0" * 16, {29: u32(8)})
    assert wire(m.addr_dump(), 8) == (b"\0" * 8, {})
    assert wire(m.route_dump(), 12) == (b"\0" * 12, {})
    # one table: in rtm_table (if it fits) and RTA_TABLE, as iproute2 asks
    assert wire(m.route_dump(254), 12) == (struct.pack("=4xB7x", 254), {15: u32(254)})
    assert wire(m.route_dump(1000), 12) == (b"\0" * 12, {15: u32(1000)})


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
    assert sock.nlm_request(m.link_set(5, up=True), m.RTM_NEWLINK, m.REQ_ACK) == []
    with pytest.raises(ext.NetlinkError) as failed:
        sock.nlm_request(m.link_set(5, up=True), m.RTM_NEWLINK, m.REQ_ACK)
    assert failed.value.code == errno.EEXIST
    sent = sock.sock.sent[0]
    assert struct.unpack_from("=IHHI", sent) == (len(sent), m.RTM_NEWLINK, m.REQ_ACK, 1)
    assert sent == d.encode(m.link_set(5, up=True), m.RTM_NEWLINK, m.REQ_ACK, 1)


def test_socket_dump_across_chunks_skipping_stale_answers():
    fake = FakeSock([ack(7) + part(LO, 1), part(IPVL, 1) + done(1)])
    sock = d.Socket(fake)
    request = d.encoded_request("link", m.link_dump, m.RTM_GETLINK, m.REQ_DUMP)
    replies = sock.nlm_request(request, m.RTM_GETLINK, m.REQ_DUMP)
    assert [m.parse_link(m.decode(ext.ifinfmsg, x), None)["name"] for x in replies] == [
        "lo", "ipvl0"]
    assert fake.sent[0] == header(40, m.RTM_GETLINK, m.REQ_DUMP, 1) + b"\0" * 16 + \
        struct.pack("=HHI", 8, 29, 8)
    assert request == d.encode(m.link_dump(), m.RTM_GETLINK, m.REQ_DUMP)  # not renumbered


def test_socket_dump_error_and_interrupted_dump():
    sock = d.Socket(FakeSock([part(LO, 1, d.NLM_F_MULTI | d.NLM_F_DUMP_INTR), done(1)],
                             [part(LO, 2), done(2)],
                             [ack(3, errno.EPERM)]))
    replies = sock.nlm_request(m.link_dump(), m.RTM_GETLINK, m.REQ_DUMP)
    assert len(replies) == 1 and sock.seq == 2
    # asked again with the next sequence number, the same request otherwise
    first, again = sock.sock.sent
    assert struct.unpack_from("=I", again, 8)[0] == 2 and again[12:] == first[12:]
    with pytest.raises(ext.NetlinkError) as failed:
        sock.nlm_request(m.addr_dump(), m.RTM_GETADDR, m.REQ_DUMP)
    assert failed.value.code == errno.EPERM


def test_socket_reads_a_datagram_larger_than_any_fixed_buffer():
    """A device with many SR-IOV VFs makes one link message of 100 KiB and
    more: the datagram's size is asked for first (FakeSock checks recv gets
    exactly that size)."""
    big = part(LO, 1) * 3000
    assert len(big) > 1 << 16
    sock = d.Socket(FakeSock([big, done(1)]))
    replies = sock.nlm_request(m.link_dump(), m.RTM_GETLINK, m.REQ_DUMP)
    assert len(replies) == 3000


def test_socket_get_with_and_without_ack():
    sock = d.Socket(FakeSock([part(IPVL, 1, 0), ack(1)], [part(LO, 2, 0)]))
    [data] = sock.nlm_request(m.link_get("ipvl0"), m.RTM_GETLINK, m.REQ_ACK)
    assert m.decode(ext.ifinfmsg, data).get_attr("IFLA_IFNAME") == "ipvl0"
    # without NLM_F_ACK (RTM_GETNSID is sent so) the one answer ends it
    [raw] = sock.nlm_request(m.link_get("lo"), m.RTM_GETLINK, m.NLM_F_REQUEST)
    assert m.parse_link(m.decode(ext.ifinfmsg, raw), None)["name"] == "lo"


# ----------------------------------------------------------------- Session


class Counted(object):
    """Counts the messages of each pyroute2 class decoded while active."""

    def __init__(self, monkeypatch):
        self.counts = {}
        original = m.decode

        def counting(cls, data):
            self.counts[cls.__name__] = self.counts.get(cls.__name__, 0) + 1
            return original(cls, data)

        monkeypatch.setattr(m, "decode", counting)


def route_dump_answer(seq):
    return [b"".join(part(route_msg(*r), seq) for r in ROUTES) + done(seq)]


def test_session_skips_routes_by_their_fields_and_reads_once(monkeypatch):
    counted = Counted(monkeypatch)
    fake = FakeSock(route_dump_answer(1))
    session = d.Session("ns0", d.Socket(fake))

    def unicast(fields):
        return fields["type"] == abi.RTN_UNICAST

    found = session.routes(keep=unicast)
    # the local route and the clone were not decoded
    assert [r["dst"] for r in found] == ["0.0.0.0/0", "10.1.0.0/24", "2001:db8:1::/64"]
    assert counted.counts == {"rtmsg": 3}
    # the other tables and the whole dump: from the same read, each message
    # decoded once
    assert [r["dst"] for r in session.routes(1000)] == ["10.1.0.0/24"]
    assert [r["table"] for r in session.routes(255)] == [255]
    assert len(session.routes()) == 4 and counted.counts == {"rtmsg": 4}
    assert len(fake.sent) == 1
    session.invalidate()
    fake.answers.append(route_dump_answer(2)[0:1])
    assert len(session.routes()) == 4 and len(fake.sent) == 2


def test_session_dumps_one_table_when_only_one_is_asked_for():
    fake = FakeSock(route_dump_answer(1))
    session = d.Session(None, d.Socket(fake))
    # an old kernel (no strict checking) sends every table: filtered here
    assert [r["dst"] for r in session.routes(254)] == ["0.0.0.0/0", "2001:db8:1::/64"]
    assert fake.sent[0][16:] == wire(m.route_dump(254), 12)[0] + struct.pack("=HHI", 8, 15, 254)


def test_session_unicast_routes_asked_for_and_picked_on_an_old_kernel(monkeypatch):
    counted = Counted(monkeypatch)
    fake = FakeSock(route_dump_answer(1), route_dump_answer(2))
    session = d.Session(None, d.Socket(fake))
    # an old kernel sends every type: the local route is left out here,
    # undecoded
    assert [r["dst"] for r in session.routes(unicast=True)] == [
        "0.0.0.0/0", "10.1.0.0/24", "2001:db8:1::/64"]
    assert counted.counts == {"rtmsg": 3}
    assert fake.sent[0][16:] == wire(m.route_dump(None, abi.RTN_UNICAST), 12)[0]
    assert wire(m.route_dump(None, abi.RTN_UNICAST), 12) == (struct.pack("=7xB4x", 1), {})
    # the whole dump, asked for after, is read; then it serves both
    assert len(session.routes()) == 4 and len(fake.sent) == 2
    assert len(session.routes(unicast=True)) == 3 and len(fake.sent) == 2


def test_session_addresses_skipped_by_index(monkeypatch):
    counted = Counted(monkeypatch)
    answer = b"".join(part(encoded(ext.ifaddrmsg, m.RTM_NEWADDR, {
        "family": 2, "prefixlen": 24, "flags": 0, "scope": 0, "index": index},
        [("IFA_LOCAL", "10.0.0.%d" % index)]), 1) for index in (1, 2, 3)) + done(1)
    session = d.Session(None, d.Socket(FakeSock([answer])))
    assert [a["address"] for a in session.addresses(keep=lambda f: f["index"] == 2)] == [
        "10.0.0.2/24"]
    assert counted.counts == {"ifaddrmsg": 1}
    assert len(session.addresses()) == 3


def kind_dump_request(kind):
    return d.encode(m.link_dump(kind), m.RTM_GETLINK, m.REQ_DUMP)[16:]


def test_dump_by_kind_asks_for_that_kind():
    assert wire(m.link_dump("ipvtap"), 16) == (b"\0" * 16, {
        29: u32(8), 18: struct.pack("=HH", 11, 1) + b"ipvtap\0\0"})


@pytest.mark.parametrize("strict", [True, False])
def test_links_of_kind_decodes_only_what_the_kernel_filtered(monkeypatch, strict):
    counted = Counted(monkeypatch)
    filtered = d.NLM_F_MULTI | m.NLM_F_DUMP_FILTERED
    fake = FakeSock([part(IPVL, 1, filtered) + done(1)], [done(2)])
    sock = d.Socket(fake)
    sock.strict = strict
    session = d.Session("ns0", sock)
    assert [x["name"] for x in session.links_of_kind(abi.IPVLAN_KINDS)] == ["ipvl0"]
    assert [x[16:] for x in fake.sent] == [kind_dump_request("ipvlan"),
                                           kind_dump_request("ipvtap")]
    assert counted.counts == {"ifinfmsg": 1}


@pytest.mark.parametrize("strict, names, decoded", [
    (True, [], {}), (False, ["ipvl0"], {"ifinfmsg": 2})])
def test_links_of_kind_unknown_to_the_kernel(monkeypatch, strict, names, decoded):
    """A kernel without the driver does not filter (rtnl_dump_ifinfo finds
    no rtnl_link_ops for the kind) and leaves NLM_F_DUMP_FILTERED out: on a
    strict socket that means there is no link of that kind, and nothing is
    decoded; on an old kernel's socket the kinds are picked here."""
    counted = Counted(monkeypatch)
    sock = d.Socket(FakeSock([part(LO, 1) + part(IPVL, 1) + done(1)]))
    sock.strict = strict
    found = d.Session(None, sock).links_of_kind(["ipvlan"])
    assert [x["name"] for x in found] == names and counted.counts == decoded


def test_links_of_kind_and_loopback_from_the_whole_dump_once_read():
    fake = FakeSock([part(LO, 1) + part(IPVL, 1) + done(1)])
    session = d.Session(None, d.Socket(fake))
    session.links()
    assert [x["name"] for x in session.links_of_kind(abi.IPVLAN_KINDS)] == ["ipvl0"]
    assert session.loopback()["name"] == "lo"
    assert len(fake.sent) == 1


def test_loopback_is_asked_for_by_its_index():
    fake = FakeSock([part(LO, 1, 0), ack(1)])
    assert d.Session(None, d.Socket(fake)).loopback()["name"] == "lo"
    assert fake.sent[0][16:] == d.encode(m.link_get(index=1), m.RTM_GETLINK, m.REQ_ACK)[16:]
    assert struct.unpack_from("=i", fake.sent[0], 20)[0] == 1  # ifi_index


# -------------------------------------------- a real socket, read-only


def test_real_dumps_decode():
    """This process's own namespace, dumped through driver.Socket with the
    modules' requests: every message decodes."""
    session = d.Session(None, d.Socket())
    try:
        links = session.links()
        assert any(x["type"] == abi.ARPHRD_LOOPBACK for x in links)
        assert session.addresses() and session.routes()
    finally:
        session.close()


def test_real_route_dump_of_one_table_is_filtered_by_the_kernel():
    """With NETLINK_GET_STRICT_CHK (Linux >= 4.20) a dump of the local table
    brings that table only; and a second dump on the same socket gives as
    many (nothing left over from the first)."""
    sock = d.Socket()
    try:
        assert sock.strict
        local = sock.nlm_request(m.route_dump(255), m.RTM_GETROUTE, m.REQ_DUMP)
        again = sock.nlm_request(m.route_dump(255), m.RTM_GETROUTE, m.REQ_DUMP)
        assert len(local) == len(again) > 0
        assert set(m.header(ext.rtmsg, x)["table"] for x in local) == {255}
        assert all(struct.unpack_from("=I", x)[0] == len(x) for x in local)
    finally:
        sock.close()


def test_real_route_dump_of_one_type_is_filtered_by_the_kernel():
    """A dump of unicast routes leaves out the local table's local and
    broadcast routes (ip_valid_fib_dump_req: rtm_type)."""
    sock = d.Socket()
    try:
        unicast = sock.nlm_request(m.route_dump(None, abi.RTN_UNICAST), m.RTM_GETROUTE,
                                   m.REQ_DUMP)
        every = sock.nlm_request(m.route_dump(), m.RTM_GETROUTE, m.REQ_DUMP)
        types = [m.header(ext.rtmsg, x)["type"] for x in every]
        assert abi.RTN_UNICAST != 2 and 2 in types  # RTN_LOCAL: 127.0.0.1 at least
        assert [m.header(ext.rtmsg, x)["type"] for x in unicast] == [
            t for t in types if t == abi.RTN_UNICAST]
    finally:
        sock.close()


def test_real_session_reads_links_and_misses_cleanly():
    session = d.Session(None, d.Socket())
    try:
        lo = session.link("lo")
        assert lo is not None and lo["type"] == abi.ARPHRD_LOOPBACK
        assert session.fetch_link("lo")["ifindex"] == lo["ifindex"]
        assert session.fetch_link("nosuchdev0") is None
        assert session.index_of("nosuchdev0", required=False) is None
    finally:
        session.close()


def test_an_index_is_read_from_the_fixed_fields_alone(monkeypatch):
    """index_of without a link dump asks for the one link and reads its
    ifindex from the ifinfmsg fields: no attribute is decoded."""
    decoded = []
    real = m.decode
    monkeypatch.setattr(m, "decode", lambda cls, data: decoded.append(cls) or real(cls, data))
    session = d.Session(None, d.Socket())
    try:
        assert session.index_of("lo") == session.fetch_index("lo") == abi.LOOPBACK_IFINDEX
        assert session.fetch_index("nosuchdev0") is None
        assert decoded == []
        with pytest.raises(KernelError) as exc:
            session.index_of("nosuchdev0")
        assert exc.value.code == errno.ENODEV
    finally:
        session.close()


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


def test_the_rollback_model_reads_routes_as_the_plan_did():
    """routes_read(): the unicast dump where only that was read (no other
    dump is asked for), else the whole one."""
    session = d.Session(None, d.Socket())
    try:
        assert any(r["type"] != abi.RTN_UNICAST for r in session.routes_read())  # lo's local routes
        session.invalidate()
        unicast = session.routes(unicast=True)
        assert session.routes_read() == unicast and list(session._dumps) == [("route", None, True)]
        session.routes()
        assert len(session.routes_read()) > len(unicast)
    finally:
        session.close()


def test_a_message_s_fixed_fields_are_read_once_per_dump(monkeypatch):
    """Several callers choosing from one dump by its messages' fixed fields
    (gathering, the topology's read, the rollback model) parse each
    message's header once."""
    parsed = []
    real = m.header
    monkeypatch.setattr(m, "header", lambda cls, data: parsed.append(cls) or real(cls, data))
    session = d.Session(None, d.Socket())
    try:
        first = session.routes()
        assert len(parsed) == len(session._dumps[("route", None, False)]) > 0
        assert session.routes() == first
        session.routes(unicast=True)  # from the same dump (none may be unicast)
        assert len(parsed) == len(session._dumps[("route", None, False)])
    finally:
        session.close()
