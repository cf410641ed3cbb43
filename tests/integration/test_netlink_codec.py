"""pyroute2 is the codec: during real module runs on a real kernel (veth,
addresses, routes, namespaces; no ipvlan needed), every netlink request the
modules send is a message that pyroute2 encoded, and every reply they read
is decoded by pyroute2's class for it. The counts come from wrapping
pyroute2's own encode() and decode() of ifinfmsg, ifaddrmsg, rtmsg and
nsidmsg, and every datagram written to a netlink socket is checked against
what those encode() calls produced."""

import os
import socket
import struct

import pytest

from harness import ip, ip_json, run_module, unique_name

from ansible_collections.linuxnet.ipvlan.plugins.module_utils.kernel import driver as d
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.kernel import pyroute2_ext as ext
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model import abi

CLASSES = ("ifinfmsg", "ifaddrmsg", "rtmsg", "nsidmsg")


class Recorder(object):
    """Counts pyroute2's encode()/decode() of the message classes and keeps
    what encode() made; wraps each driver socket to see what is sent."""

    def __init__(self, monkeypatch):
        self.encoded = dict((name, 0) for name in CLASSES)
        self.decoded = dict((name, 0) for name in CLASSES)
        self.made = set()  # the bytes encode() produced, sequence number zeroed,
        #                    kept across reset(): dump requests are encoded once
        self.sent = []
        for name in CLASSES:
            cls = getattr(ext, name)
            monkeypatch.setattr(cls, "encode", self._encode(name, cls.encode))
            monkeypatch.setattr(cls, "decode", self._decode(name, cls.decode))
        # dump requests are encoded once per process: anew under the recorder
        monkeypatch.setattr(d, "_ENCODED", {})
        original_init = d.Socket.__init__
        recorder = self

        def init(sock_self, sock=None):
            original_init(sock_self, sock)
            sock_self.sock = Spy(sock_self.sock, recorder.sent)

        monkeypatch.setattr(d.Socket, "__init__", init)

    def _encode(self, name, original):
        def encode(msg):
            result = original(msg)
            # nested attributes are encoded by other classes; a message has
            # a header of its own
            if "header" in msg and msg.get("header") is not None:
                self.encoded[name] += 1
                self.made.add(zero_seq(msg.data))
            return result
        return encode

    def _decode(self, name, original):
        def decode(msg):
            self.decoded[name] += 1
            return original(msg)
        return decode

    def reset(self):
        for counts in (self.encoded, self.decoded):
            for name in counts:
                counts[name] = 0
        del self.sent[:]


class Spy(object):
    """A socket that records what is sent through it."""

    def __init__(self, sock, sent):
        self._sock = sock
        self._sent = sent

    def send(self, data):
        self._sent.append(bytes(data))
        return self._sock.send(data)

    def __getattr__(self, name):
        return getattr(self._sock, name)


def zero_seq(data):
    data = bytearray(data)
    struct.pack_into("=I", data, 8, 0)
    return bytes(data)


@pytest.fixture
def recorder(monkeypatch):
    return Recorder(monkeypatch)


def assert_all_sent_by_pyroute2(recorder):
    assert recorder.sent
    for data in recorder.sent:
        assert zero_seq(data) in recorder.made, data


def test_module_runs_encode_and_decode_through_pyroute2(recorder, make_netns, track_netns):
    netns = make_netns()
    dev, peer = unique_name("c"), unique_name("p")
    ip("link", "add", dev, "type", "veth", "peer", "name", peer, netns=netns)
    ip("link", "set", dev, "up", netns=netns)

    # an address: a link dump, an address dump, RTM_NEWADDR
    result = run_module("ip_address", {"dev": dev, "addresses": ["192.0.2.10/24"],
                                       "netns": netns})
    assert result["changed"] is True, result
    assert recorder.encoded["ifaddrmsg"] >= 1 and recorder.decoded["ifinfmsg"] >= 2, (
        recorder.encoded, recorder.decoded)
    assert recorder.decoded["ifaddrmsg"] >= 1
    assert_all_sent_by_pyroute2(recorder)

    # a route: the dump of its table, RTM_NEWROUTE
    recorder.reset()
    result = run_module("ip_route", {"dst": "198.51.100.0/24", "gateway": "192.0.2.1",
                                     "dev": dev, "netns": netns})
    assert result["changed"] is True, result
    assert recorder.encoded["rtmsg"] >= 2 and recorder.decoded["rtmsg"] >= 1
    assert_all_sent_by_pyroute2(recorder)
    assert [r["dst"] for r in ip_json("route", "show", "198.51.100.0/24", netns=netns)] == [
        "198.51.100.0/24"]

    # a namespace made by the module, then everything read back
    created = unique_name("n")
    track_netns(created)
    recorder.reset()
    assert run_module("netns", {"name": created})["changed"] is True
    assert_all_sent_by_pyroute2(recorder)
    recorder.reset()
    result = run_module("ipvlan_info", {})
    assert netns in result["namespaces"] and created in result["namespaces"], result
    # ipvlan_info asks for ipvlan and ipvtap links by kind (two requests
    # pyroute2 encoded for this process); a kernel without those drivers
    # answers unfiltered, which means none exist, and nothing is decoded
    assert recorder.encoded["ifinfmsg"] >= 2
    if not os.path.exists("/sys/module/ipvlan"):
        assert recorder.decoded["ifinfmsg"] == 0, recorder.decoded
    assert_all_sent_by_pyroute2(recorder)

    # what each link dump brought was decoded by pyroute2, message by message
    links = ip_json("link", "show", netns=netns)
    recorder.reset()
    with d.Driver() as driver:
        assert len(driver.session(netns).links()) == len(links)
    assert recorder.decoded["ifinfmsg"] == len(links)


def test_nsid_requests_and_replies(recorder, make_netns):
    """RTM_GETNSID (used to find a master in another namespace) is an
    nsidmsg both ways."""
    netns = make_netns()
    with d.Driver() as driver:
        session = driver.session(netns)
        session.nsid(driver.fd(None), None)
    assert recorder.encoded["nsidmsg"] == 1 and recorder.decoded["nsidmsg"] == 1
    assert_all_sent_by_pyroute2(recorder)


def test_the_socket_is_strict():
    sock = d.Socket()
    try:
        assert sock.strict and sock.sock.family == socket.AF_NETLINK
    finally:
        sock.close()


def test_links_of_kind_are_filtered_by_the_kernel(recorder, make_netns):
    """A link dump by kind brings the links of that kind only, marked
    NLM_F_DUMP_FILTERED, and only they are decoded; a kind whose driver is
    not loaded is not filtered by the kernel, and nothing is decoded.
    Checked against `ip -j -d link show type KIND`."""
    netns = make_netns()
    ip("link", "add", "kv0", "type", "veth", "peer", "name", "kv1", netns=netns)
    with d.Driver() as driver:
        session = driver.session(netns)
        recorder.reset()
        found = session.links_of_kind(["veth"])
        assert sorted(x["name"] for x in found) == sorted(
            x["ifname"] for x in ip_json("link", "show", "type", "veth", netns=netns))
        assert sorted(x["name"] for x in found) == ["kv0", "kv1"]
        assert recorder.decoded["ifinfmsg"] == 2
        assert all(d.dump_filtered(entry[0]) for entry in session._dumps[("link", "veth")])
        if not os.path.exists("/sys/module/ipvlan"):
            recorder.reset()
            assert session.links_of_kind(abi.IPVLAN_KINDS) == []
            assert recorder.decoded["ifinfmsg"] == 0
        lo = session.loopback()
        assert lo["ifindex"] == 1 and lo["type"] == abi.ARPHRD_LOOPBACK
