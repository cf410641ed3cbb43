"""host_access, upstream_routes and per-link ipv6 in ipvlan_topology:
normalisation, planning against hand-made current state (the shape
topology.read() builds), gathering through ports.build_ports, and the
engine with the in-memory fake driver."""

import pytest

from ansible_collections.linuxnet.ipvlan.plugins.module_utils.planners import host_access as ha
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.facts import gather as ports
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.planners import topology as t
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.planners import upstream
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model.errors import ValidationError
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.resources import ipvlan_topology

from ansible_collections.linuxnet.ipvlan.tests.unit.plugins.module_utils.fakes import FakeDriver, FakeSession, link


def port(mode="l2", host_access=None, **extra):
    cfg = {"master": "eth0", "mode": mode, "links": [
        {"name": "ipvl0", "netns": "ns0", "addresses": ["10.0.0.10/24", "2001:db8::10/64"]},
        {"name": "ipvl1", "netns": "ns1", "addresses": ["10.0.0.11/24"]},
    ]}
    if host_access is not None:
        cfg["host_access"] = host_access
    cfg.update(extra)
    return cfg


HA = {"name": "hacc0", "addresses": ["10.0.0.200/32"]}


def commands(config, have=None, state="merged"):
    return t.plan_topology(t.normalize(config), have or t.empty_host(), state).commands()


# ------------------------------------------------------------------ host access


def test_host_access_is_a_marked_slave_with_routes_to_each_slave():
    assert commands([port(host_access=HA)]) == [
        "(host): add netns ns0",
        "(host): add netns ns1",
        "(host): add ipvlan ipvl0 link eth0 mode l2 bridge netns ns0 up",
        "(host): add ipvlan ipvl1 link eth0 mode l2 bridge netns ns1 up",
        "(host): add ipvlan hacc0 link eth0 mode l2 bridge up",
        "(host): set link hacc0 alias linuxnet-ipvlan:host_access",
        "ns0: set link lo up",
        "ns1: set link lo up",
        "ns0: add address 10.0.0.10/24 dev ipvl0",
        "ns0: add address 2001:db8::10/64 dev ipvl0",
        "ns1: add address 10.0.0.11/24 dev ipvl1",
        "(host): add address 10.0.0.200/32 dev hacc0",
        # no IPv6 host-side address, so no /128 route (the answer could not come back)
        "(host): add route 10.0.0.10/32 dev hacc0",
        "(host): add route 10.0.0.11/32 dev hacc0",
    ]


def test_host_access_routes_follow_its_families():
    out = commands([port(host_access={"name": "hacc0",
                                      "addresses": ["10.0.0.200", "2001:db8::200/128"]})])
    assert "(host): add address 2001:db8::200/128 dev hacc0" in out
    assert "(host): add route 2001:db8::10/128 dev hacc0" in out


def test_host_access_follows_the_port_mode_and_flags():
    out = commands([port(mode="l3s", flags="private", host_access=HA)])
    assert "(host): add ipvlan hacc0 link eth0 mode l3s private up" in out


def test_host_access_in_the_masters_namespace():
    cfg = port(host_access=HA, master_netns="outer")
    out = commands([cfg])
    assert "outer: add ipvlan hacc0 link eth0 mode l2 bridge up" in out
    assert "outer: add route 10.0.0.11/32 dev hacc0" in out


@pytest.mark.parametrize("access,field,words", [
    ({"name": "hacc0", "addresses": ["10.0.0.200/24"]}, "config[0].host_access.addresses",
     "not a host address"),
    ({"name": "hacc0", "addresses": ["10.0.0.10/32"]}, "config[0].host_access.addresses",
     "EADDRINUSE"),
    ({"name": "hacc0", "addresses": []}, "config[0].host_access.addresses", "at least one"),
    ({"name": "h" * 16, "addresses": ["10.0.0.200"]}, "config[0].host_access.name", "15"),
    ({"name": "x", "addresses": ["10.0.0.200"]}, "config[0].host_access.name", "twice"),
])
def test_host_access_is_validated_like_a_slave(access, field, words):
    cfg = port(host_access=access)
    cfg["links"].append({"name": "x"})  # in the master's namespace, like the host access
    with pytest.raises(ValidationError) as exc:
        t.normalize([cfg])
    assert exc.value.field == field
    assert words in exc.value.reason


def test_two_entries_for_a_master_must_agree_on_host_access():
    other = {"master": "eth0", "mode": "l2", "host_access": {"name": "hacc1",
                                                             "addresses": ["10.0.0.201"]}}
    with pytest.raises(ValidationError) as exc:
        t.normalize([port(host_access=HA), other])
    assert exc.value.field == "config[1].host_access"
    t.normalize([port(host_access=HA), dict(other, host_access=HA)])


def test_host_access_address_must_not_be_the_masters():
    want = t.normalize([port(host_access={"name": "hacc0", "addresses": ["192.0.2.1"]})])
    with pytest.raises(ValidationError) as exc:
        ha.check_master_addresses(want, {(None, "eth0"): ["192.0.2.1/24"]})
    assert exc.value.field == "config[0].host_access.addresses"
    assert "master's own address" in exc.value.reason


def raw(name, netns, ifindex, alias=None, **kw):
    item = link(name, netns=netns, ifindex=ifindex, kind="ipvlan", mode="l2", flags="bridge",
                parent_index=2, **kw)
    item["alias"] = alias
    return item


def converged():
    """topology.read()'s view after the host access was applied."""
    have = t.empty_host()
    have["namespaces"] = {"ns0", "ns1"}
    hacc = raw("hacc0", None, 9, alias=ha.MARK)
    have["links"][None] = {"hacc0": hacc}
    have["members"][(None, "eth0")] = [
        {"name": "ipvl0", "netns": "ns0", "kind": "ipvlan", "up": True, "mtu": 1500},
        {"name": "ipvl1", "netns": "ns1", "kind": "ipvlan", "up": True, "mtu": 1500}] + \
        ha.members({"master_netns": None, "host_access": {"name": "hacc0"}}, have["links"])
    have["mode"][(None, "eth0")] = ("l2", "bridge")
    have["addresses"][(None, "hacc0")] = ["10.0.0.200/32"]
    have["routes"][None] = [
        {"family": 4, "table": 254, "dst": dst, "metric": 0, "gateway": None, "dev": "hacc0",
         "type": 1, "proto": 3, "scope": "link", "src": None, "multipath": False}
        for dst in ("10.0.0.10/32", "10.0.0.11/32")]
    for ns, name, addrs in (("ns0", "ipvl0", ["10.0.0.10/24", "2001:db8::10/64"]),
                            ("ns1", "ipvl1", ["10.0.0.11/24"])):
        have["links"][ns] = {name: raw(name, ns, 2)}
        have["addresses"][(ns, name)] = addrs
        have["routes"][ns] = []
        have["lo"][ns] = have["lo_up"][ns] = True
    return have


@pytest.mark.parametrize("state", ["merged", "replaced", "overridden"])
def test_converged_host_access_plans_nothing(state):
    assert commands([port(host_access=HA)], converged(), state) == []


def test_replaced_removes_a_stale_route_and_overridden_an_undeclared_host_access():
    have = converged()
    have["routes"][None].append(dict(have["routes"][None][0], dst="10.0.0.99/32"))
    assert commands([port(host_access=HA)], have, "merged") == []
    assert commands([port(host_access=HA)], have, "replaced") == [
        "(host): delete route 10.0.0.99/32 dev hacc0"]
    assert commands([port()], converged(), "replaced") == [
        "(host): delete ipvlan hacc0 (not declared)"]


def test_deleted_removes_the_host_access_with_the_port_or_alone():
    assert commands([{"master": "eth0"}], converged(), "deleted") == [
        "ns0: delete ipvlan ipvl0 (deleted)", "ns1: delete ipvlan ipvl1 (deleted)",
        "(host): delete ipvlan hacc0 (deleted)"]
    assert commands([{"master": "eth0", "host_access": HA}], converged(), "deleted") == [
        "(host): delete ipvlan hacc0 (deleted)"]


def test_an_unmarked_slave_declared_as_host_access_gets_the_mark_and_back():
    have = converged()
    have["links"][None]["hacc0"]["alias"] = None
    assert commands([port(host_access=HA)], have) == [
        "(host): set link hacc0 alias linuxnet-ipvlan:host_access"]
    cfg = port()
    cfg["links"].append({"name": "hacc0", "addresses": ["10.0.0.200/32"],
                         "routes": [{"dst": "10.0.0.10/32"}, {"dst": "10.0.0.11/32"}]})
    assert commands([cfg], converged()) == [
        "(host): set link hacc0 alias '' (no host access any more)"]


def dumps_with_host_access():
    host = {"links": [link("eth0", ifindex=2), raw("hacc0", None, 9, alias=ha.MARK),
                      raw("other0", None, 10, alias="mine")],
            "addresses": [{"netns": None, "ifindex": 9, "family": 4, "address": "10.0.0.200/32",
                           "scope": "global"}],
            "routes": [{"netns": None, "family": 4, "table": 254, "dst": "10.0.0.10/32",
                        "metric": 0, "gateway": None, "oif": 9, "src": None, "scope": "link",
                        "type": 1, "proto": 3, "multipath": False}]}
    ns0 = {"links": [raw("ipvl0", "ns0", 2, alias=ha.MARK)], "addresses": [], "routes": []}
    masters = {(None, 9): (None, host["links"][0]), (None, 10): (None, host["links"][0]),
               ("ns0", 2): (None, host["links"][0])}
    return {None: host, "ns0": ns0}, masters


def test_gathered_reports_the_marked_slave_as_host_access():
    dumps, masters = dumps_with_host_access()
    result = ports.build_ports(dumps, masters)["ports"]
    assert len(result) == 1
    assert result[0]["host_access"] == {"name": "hacc0", "addresses": ["10.0.0.200/32"]}
    # the mark counts only in the master's namespace; another alias is just a link
    assert [x["name"] for x in result[0]["links"]] == ["other0", "ipvl0"]


def test_gathered_host_access_feeds_back_as_config():
    dumps, masters = dumps_with_host_access()
    gathered = ports.build_ports(dumps, masters)["ports"][0]
    want = t.normalize([gathered])
    access = [x for x in want[0]["links"] if x.get("host_access")]
    assert [x["name"] for x in access] == ["hacc0"]


# -------------------------------------------------------------- upstream routes


def test_upstream_routes_for_l3_ports_only():
    l2 = {"master": "eth9", "mode": "l2", "links": [{"name": "a", "addresses": ["10.9.0.1/24"]}]}
    want = t.normalize([l2, dict(port(mode="l3", host_access=HA), master="eth1")])
    routes = upstream.routes(upstream.predict(want, [], "replaced"),
                             {(None, "eth1"): ["192.0.2.1/24", "fe80::1/64", "2001:db8:f::1/64"]})
    assert routes == [
        {"master": "eth1", "master_netns": None, "dst": "10.0.0.0/24", "via": "192.0.2.1",
         "command": "ip route add 10.0.0.0/24 via 192.0.2.1"},
        {"master": "eth1", "master_netns": None, "dst": "2001:db8::/64", "via": "2001:db8:f::1",
         "command": "ip route add 2001:db8::/64 via 2001:db8:f::1"},
    ]  # the host access's 10.0.0.200 is inside a routed subnet already


def test_upstream_routes_overlapping_the_masters_subnet_are_host_routes_and_warned():
    warnings = []
    want = t.normalize([port(mode="l3s", host_access={"name": "hacc0",
                                                      "addresses": ["10.9.0.1"]})])
    routes = upstream.routes(upstream.predict(want, [], "replaced"),
                             {(None, "eth0"): ["10.0.0.1/16"]}, warnings.append)
    assert [(r["dst"], r["via"]) for r in routes] == [
        ("10.0.0.10/32", "10.0.0.1"), ("2001:db8::/64", None), ("10.0.0.11/32", "10.0.0.1"),
        ("10.9.0.1/32", "10.0.0.1")]
    assert routes[1]["command"] == "ip route add 2001:db8::/64 via <address of eth0>"
    assert len(warnings) == 3  # ipvl0, ipvl1 overlap; no IPv6 address on eth0
    assert "overlaps the master's own 10.0.0.1/16" in warnings[0]
    assert "eth0 has no IPv6 address" in warnings[1]


def test_rendered_returns_upstream_routes_without_reading_the_kernel():
    result = ipvlan_topology.engine(None, {"state": "rendered", "config": [port(mode="l3")]}, False)
    assert [r["command"] for r in result["upstream_routes"]] == [
        "ip route add 10.0.0.0/24 via <address of eth0>",
        "ip route add 2001:db8::/64 via <address of eth0>"]


def test_check_mode_predicts_upstream_routes_per_state():
    before = [{"master": "eth0", "master_netns": None, "mode": "l3", "links": [
        {"name": "old0", "netns": "ns9", "addresses": ["10.5.0.1/24"]}]}]
    want = t.normalize([port(mode="l3")])
    dsts = [r["dst"] for r in upstream.routes(upstream.predict(want, before, "merged"))]
    assert dsts == ["10.0.0.0/24", "2001:db8::/64", "10.5.0.0/24"]
    dsts = [r["dst"] for r in upstream.routes(upstream.predict(want, before, "replaced"))]
    assert dsts == ["10.0.0.0/24", "2001:db8::/64"]
    gone = t.normalize([{"master": "eth0"}])
    assert upstream.routes(upstream.predict(gone, before, "deleted")) == []


class Fake(FakeDriver):
    def invalidate(self):
        pass


def test_engine_converge_returns_upstream_routes_and_warns():
    host = FakeSession(None, links=[link("lo", ifindex=1, type_=772), link("eth0", ifindex=2)],
                       addresses=[{"netns": None, "ifindex": 2, "family": 4,
                                   "address": "10.0.0.1/24", "scope": "global"}])
    warnings = []
    result = ipvlan_topology.engine(Fake([host]), {"state": "merged", "config": [port(mode="l3")]}, True,
                                    warn=warnings.append)
    assert result["changed"] is True
    assert [r["dst"] for r in result["upstream_routes"]] == [
        "10.0.0.10/32", "2001:db8::/64", "10.0.0.11/32"]
    assert any("overlaps" in w for w in warnings)
