"""VLAN masters without a kernel: the RTM_NEWLINK that creates one (encoded
by pyroute2's stock vlan plugin, checked on the wire with struct, decoded
back by pyroute2), the checks before any change, and the plans that create
and remove only VLANs the collection made."""

import struct

import pytest

from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model import abi
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.kernel import messages as m
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.kernel import pyroute2_ext as ext
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.planners import topology as t
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.facts import gather
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.kernel import vlan as vlan_wire
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model.names import VLAN_OWNED_ALIAS
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.planners import vlan
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.kernel.driver import encode
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model.errors import ValidationError

from ansible_collections.linuxnet.ipvlan.tests.unit.plugins.module_utils.fakes import FakeSession, link

ATTR = struct.Struct("=HH")


def wire_body(msg):
    """What the driver's socket sends for `msg`, after the nlmsghdr."""
    return bytes(encode(msg, m.RTM_NEWLINK, m.REQ_ACK))[16:]


def nlas(data, offset=0):
    """{type: payload} of a run of netlink attributes."""
    found = {}
    while offset + 4 <= len(data):
        length, kind = ATTR.unpack_from(data, offset)
        found[kind & 0x3FFF] = data[offset + 4:offset + length]
        offset += (length + 3) & ~3
    return found


@pytest.mark.parametrize("protocol, wire", [("802.1q", b"\x81\x00"), ("802.1ad", b"\x88\xa8")])
def test_link_new_encodes_id_and_protocol_and_mark_the_alias(protocol, wire):
    body = wire_body(vlan_wire.link_new("eth0.10", 3, 10, protocol))
    family, _type, index, flags, change = struct.unpack_from("=BxHiII", body)
    assert (family, index, flags, change) == (0, 0, 0, 0)  # down until marked
    top = nlas(body, 16)
    assert sorted(top) == [3, 5, 18]
    assert top[3] == b"eth0.10\0"  # IFLA_IFNAME
    assert struct.unpack("=I", top[5]) == (3,)  # IFLA_LINK
    info = nlas(top[18])  # IFLA_LINKINFO
    assert info[1] == b"vlan\0"
    data = nlas(info[2])
    assert struct.unpack("=H", data[1]) == (10,)  # IFLA_VLAN_ID, host order
    assert data[5] == wire  # IFLA_VLAN_PROTOCOL, network order
    marked = wire_body(vlan_wire.mark(7))
    assert struct.unpack_from("=BxHiII", marked) == (0, 0, 7, abi.IFF_UP, abi.IFF_UP)
    assert nlas(marked, 16) == {20: VLAN_OWNED_ALIAS.encode() + b"\0"}  # IFLA_IFALIAS


def dumped(protocol=0x8100, alias=VLAN_OWNED_ALIAS):
    """An RTM_NEWLINK of a VLAN as the kernel dumps it, encoded by pyroute2."""
    ext.register()
    msg = ext.ifinfmsg()
    for key, value in {"family": 0, "index": 7, "flags": 1, "change": 0, "ifi_type": 1}.items():
        msg[key] = value
    msg["attrs"] = [("IFLA_IFNAME", "eth0.10"), ("IFLA_LINK", 3), ("IFLA_IFALIAS", alias),
                    ("IFLA_LINKINFO", {"attrs": [("IFLA_INFO_KIND", "vlan"), ("IFLA_INFO_DATA", {
                        "attrs": [("IFLA_VLAN_ID", 10), ("IFLA_VLAN_PROTOCOL", protocol)]})]})]
    msg["header"]["type"] = m.RTM_NEWLINK
    msg.encode()
    return bytes(msg.data)


def parsed(data):
    msg = ext.ifinfmsg(data)
    msg.decode()
    return m.parse_link(msg, None)


@pytest.mark.parametrize("protocol", [0x8100, 0x88A8])
def test_dump_gives_id_protocol_and_mark(protocol):
    mine = parsed(dumped(protocol))
    assert (mine["vlan_id"], mine["vlan_protocol"], mine["alias"]) == (10, protocol,
                                                                       VLAN_OWNED_ALIAS)
    assert gather.vlan_owned(mine)
    assert not gather.vlan_owned(parsed(dumped(alias="uplink to rack 4")))


def test_describe_names_the_lower_device():
    lower = link("eth0", ifindex=3)
    master = dict(link("eth0.10", ifindex=7, kind="vlan", parent_index=3), vlan_id=10,
                  vlan_protocol=0x88A8)
    assert gather.vlan_of(master, [lower, master]) == {"link": "eth0", "id": 10,
                                                       "protocol": "802.1ad"}
    assert gather.vlan_of(lower, [lower]) is None


@pytest.mark.parametrize("spec, field", [
    ({"link": "eth0", "id": 0}, "config[0].vlan.id"),
    ({"link": "eth0", "id": 4095}, "config[0].vlan.id"),
    ({"link": "eth0", "id": 10, "protocol": "802.1x"}, "config[0].vlan.protocol"),
    ({"link": "a" * 16, "id": 10}, "config[0].vlan.link"),
])
def test_bad_vlan_names_the_field(spec, field):
    with pytest.raises(ValidationError) as exc:
        t.normalize([{"master": "eth0.10", "vlan": spec}])
    assert exc.value.field == field


def port(**vlan_spec):
    spec = dict({"link": "eth0", "id": 10}, **vlan_spec)
    return t.normalize([{"master": "eth0.10", "vlan": spec, "links": [{"name": "v0"}]}])[0]


def session(*links):
    return FakeSession(None, [link("eth0", ifindex=3)] + list(links))


def vlan_link(name="eth0.10", vid=10, protocol=0x8100, parent=3, alias=None, **kw):
    return dict(link(name, ifindex=7, kind="vlan", parent_index=parent, **kw), vlan_id=vid,
                vlan_protocol=protocol, alias=alias)


def test_check_missing_master_is_created_on_an_ethernet_lower():
    assert vlan.check(session(), port(), None) is True
    with pytest.raises(ValidationError) as exc:
        vlan.check(FakeSession(None, [link("lo", ifindex=1, type_=772)]), port(link="lo"), None)
    assert exc.value.field == "config[0].vlan.link" and "not an Ethernet" in exc.value.reason
    with pytest.raises(ValidationError) as exc:
        vlan.check(session(), port(link="eth9"), None)
    assert exc.value.field == "config[0].vlan.link" and "not found" in exc.value.reason
    with pytest.raises(ValidationError) as exc:
        vlan.check(session(), port(), 9000)
    assert "larger than 1500" in exc.value.reason


@pytest.mark.parametrize("existing, words", [
    (vlan_link(vid=11), "id is 11, not 10"),
    (vlan_link(protocol=0x88A8), "protocol is 802.1ad, not 802.1q"),
    (vlan_link(parent=9), "link is (another namespace), not eth0"),
    (link("eth0.10", ifindex=7, kind="veth"), "is a veth device, not VLAN 10"),
])
def test_check_existing_master_must_be_that_vlan(existing, words):
    with pytest.raises(ValidationError) as exc:
        vlan.check(session(existing), port(), None)
    assert exc.value.field == "config[0].vlan" and words in exc.value.reason


def test_check_existing_matching_vlan_is_used_as_it_is():
    assert vlan.check(session(vlan_link()), port(), None) is False


CONFIG = [{"master": "eth0.10", "mode": "l2", "vlan": {"link": "eth0", "id": 10},
           "links": [{"name": "v0", "netns": "ns0"}]}]


def have_with(master, slaves=True):
    have = t.empty_host()
    have["namespaces"] = {"ns0"}
    have["links"][None] = {"eth0": link("eth0", ifindex=3), "eth0.10": master}
    have["links"]["ns0"] = {"v0": link("v0", "ns0", 2, kind="ipvlan", mode="l2", flags="bridge")}
    have["lo"]["ns0"] = have["lo_up"]["ns0"] = True
    if slaves:
        have["members"][(None, "eth0.10")] = [{"name": "v0", "netns": "ns0", "kind": "ipvlan",
                                               "up": True, "mtu": 1500}]
        have["mode"][(None, "eth0.10")] = ("l2", "bridge")
    return have


def commands(config, have, state):
    return t.plan_topology(t.normalize(config), have, state).commands()


def test_missing_vlan_is_created_before_its_slaves():
    assert commands(CONFIG, t.empty_host(), "merged")[:3] == [
        "(host): add netns ns0",
        "(host): add vlan eth0.10 link eth0 id 10 protocol 802.1q up",
        "(host): add ipvlan v0 link eth0.10 mode l2 bridge netns ns0 up",
    ]
    without_links = [dict(CONFIG[0], links=[])]
    assert commands(without_links, t.empty_host(), "merged") == []


@pytest.mark.parametrize("alias, removed", [(VLAN_OWNED_ALIAS, True), (None, False),
                                            ("made by hand", False)])
def test_deleted_removes_the_vlan_only_when_the_collection_made_it(alias, removed):
    have = have_with(vlan_link(alias=alias))
    expected = ["ns0: delete ipvlan v0 (deleted)"]
    if removed:
        expected.append("(host): delete vlan eth0.10 (created by linuxnet.ipvlan, no slaves left)")
    assert commands([{"master": "eth0.10"}], have, "deleted") == expected


def test_vlan_stays_while_it_has_slaves():
    have = have_with(vlan_link(alias=VLAN_OWNED_ALIAS))
    have["members"][(None, "eth0.10")].append({"name": "v1", "netns": None, "kind": "ipvlan",
                                               "up": True, "mtu": 1500})
    config = [{"master": "eth0.10", "links": [{"name": "v0", "netns": "ns0"}]}]
    assert commands(config, have, "deleted") == ["ns0: delete ipvlan v0 (deleted)"]
    have["links"][None]["v1"] = link("v1", None, 8, kind="ipvlan", mode="l2", flags="bridge")
    both = [dict(CONFIG[0], links=CONFIG[0]["links"] + [{"name": "v1"}])]
    for state in ("merged", "replaced", "overridden"):
        assert commands(both, have, state) == []


def test_overridden_removes_undeclared_owned_vlans_replaced_only_declared_ones():
    have = have_with(vlan_link(alias=VLAN_OWNED_ALIAS))
    other = [{"master": "eth0", "links": []}]
    assert commands(other, have, "overridden")[-1] == (
        "(host): delete vlan eth0.10 (created by linuxnet.ipvlan, no slaves left)")
    assert not any(" vlan " in line for line in commands(other, have, "replaced"))
    emptied = [dict(CONFIG[0], links=[])]
    assert commands(emptied, have, "replaced") == [
        "ns0: delete ipvlan v0 (not declared)",
        "(host): delete vlan eth0.10 (created by linuxnet.ipvlan, no slaves left)"]
    # an owned VLAN left without slaves (a run that failed part-way)
    have = have_with(vlan_link(alias=VLAN_OWNED_ALIAS), slaves=False)
    assert commands(other, have, "overridden")[-1].startswith("(host): delete vlan eth0.10")


def test_converged_vlan_port_plans_nothing():
    have = have_with(vlan_link(alias=VLAN_OWNED_ALIAS))
    for state in ("merged", "replaced", "overridden"):
        assert commands(CONFIG, have, state) == []
