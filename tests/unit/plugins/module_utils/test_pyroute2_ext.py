"""The ipvlan/ipvtap extension encodes mode and flags on the wire and decodes
them from dumps; checked on bytes, without a socket or root."""

import struct

import pytest

from ansible_collections.linuxnet.ipvlan.plugins.module_utils import messages as m
from ansible_collections.linuxnet.ipvlan.plugins.module_utils import pyroute2_ext as ext

IFLA_LINKINFO = 18
IFLA_INFO_KIND = 1
IFLA_INFO_DATA = 2


def _nlas(data):
    """Walk netlink attributes: [(type, payload)]."""
    out = []
    while len(data) >= 4:
        length, kind = struct.unpack("HH", data[:4])
        out.append((kind & 0x3FFF, data[4:length]))
        data = data[(length + 3) & ~3:]
    return out


def _info_data(msg):
    """The raw IFLA_INFO_DATA attributes of an encoded ifinfmsg."""
    msg.encode()
    raw = bytes(msg.data)
    body = raw[16 + 16:]  # nlmsghdr + ifinfomsg
    linkinfo = dict(_nlas(body))[IFLA_LINKINFO]
    info = dict(_nlas(linkinfo))
    return info[IFLA_INFO_KIND].rstrip(b"\0").decode(), dict(_nlas(info[IFLA_INFO_DATA]))


@pytest.fixture(autouse=True)
def registered():
    ext.register()


@pytest.mark.parametrize("kind", ["ipvlan", "ipvtap"])
@pytest.mark.parametrize("mode", ["l2", "l3", "l3s"])
@pytest.mark.parametrize("flags", ["bridge", "private", "vepa"])
def test_new_link_carries_mode_and_flags(kind, mode, flags):
    kind_on_wire, data = _info_data(m.link_new("ipvl0", kind, 3, mode, flags))
    assert kind_on_wire == kind
    assert struct.unpack("H", data[1][:2])[0] == ext.IPVLAN_MODES[mode]
    # flags are always sent, also 0 for bridge: a missing attribute would
    # not reset a port that is private or vepa
    assert struct.unpack("H", data[2][:2])[0] == ext.IPVLAN_FLAGS[flags]


def test_constants_match_the_kernel_uapi():
    assert ext.IPVLAN_MODES == {"l2": 0, "l3": 1, "l3s": 2}
    assert ext.IPVLAN_FLAGS == {"bridge": 0, "private": 1, "vepa": 2}


@pytest.mark.parametrize("kind", ["ipvlan", "ipvtap"])
def test_dump_decodes_mode_and_flags(kind):
    msg = m.link_new("ipvl0", kind, 3, "l3s", "vepa", mtu=1400, up=True)
    msg.encode()
    decoded = ext.ifinfmsg(bytes(msg.data))
    decoded.decode()
    link = m.parse_link(decoded, "ns0")
    assert (link["kind"], link["mode"], link["flags"]) == (kind, "l3s", "vepa")
    assert link["mtu"] == 1400 and link["up"] is True and link["netns"] == "ns0"


def test_register_is_idempotent_and_overrides_stock_plugin():
    data_map = ext.ifinfmsg.ifinfo.data_map
    ext.register()
    ext.register()
    assert data_map["ipvlan"] is ext.ipvlan_data
    assert data_map["ipvtap"] is ext.ipvlan_data


def test_change_without_mode_sends_no_linkinfo():
    msg = m.link_set(7, mtu=1400, up=True)
    msg.encode()
    body = bytes(msg.data)[32:]
    kinds = [pair[0] for pair in _nlas(body)]
    assert IFLA_LINKINFO not in kinds
    assert msg["index"] == 7 and msg["flags"] & m.IFF_UP and msg["change"] & m.IFF_UP


def test_version_parsing():
    assert ext.version() >= ext.MIN_VERSION
    assert ext.version_problem() is None
