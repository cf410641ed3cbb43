"""ipvlan_topology planning without a kernel: normalize() and the pure
plan_topology() against hand-made current state."""

import pytest

from ansible_collections.linuxnet.ipvlan.plugins.module_utils.planners import topology as t
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model.errors import ValidationError
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.resources import ipvlan_topology
from ansible_collections.linuxnet.ipvlan.tests.unit.plugins.module_utils.fakes import (
    FakeDriver,
    FakeSession,
    link,
)

HOWTO = [{"master": "eth0", "mode": "l2", "links": [
    {"name": "ipvl0", "netns": "ns0", "addresses": ["10.0.0.10/24"],
     "routes": [{"dst": "default", "gateway": "10.0.0.1"}]},
    {"name": "ipvl1", "netns": "ns1", "addresses": ["10.0.0.11/24"],
     "routes": [{"dst": "default", "gateway": "10.0.0.1"}]},
]}]


def member(name, netns, mode="l2", flags="bridge", kind="ipvlan", up=True, mtu=1500):
    return {"name": name, "netns": netns, "kind": kind, "up": up, "mtu": mtu}


def have_howto(**changes):
    """The state after the HOWTO was applied."""
    have = t.empty_host()
    have["namespaces"] = {"ns0", "ns1"}
    have["members"][(None, "eth0")] = [member("ipvl0", "ns0"), member("ipvl1", "ns1")]
    have["mode"][(None, "eth0")] = ("l2", "bridge")
    for ns, name, addr in (("ns0", "ipvl0", "10.0.0.10/24"), ("ns1", "ipvl1", "10.0.0.11/24")):
        have["links"][ns] = {name: dict(member(name, ns), kind="ipvlan"),
                             "lo": {"name": "lo", "kind": None}}
        have["addresses"][(ns, name)] = [addr]
        have["routes"][ns] = [{"family": 4, "table": 254, "dst": "0.0.0.0/0", "metric": 0,
                               "gateway": "10.0.0.1", "dev": name, "type": 1, "proto": 3,
                               "scope": "global", "src": None, "multipath": False}]
        have["lo"][ns] = True
        have["lo_up"][ns] = True
    have.update(changes)
    return have


def plan(config, have, state="merged"):
    return t.plan_topology(t.normalize(config), have, state).commands()


def test_rendered_howto_is_the_howto_in_order():
    assert plan(HOWTO, t.empty_host()) == [
        "(host): add netns ns0",
        "(host): add netns ns1",
        "(host): add ipvlan ipvl0 link eth0 mode l2 bridge netns ns0 up",
        "(host): add ipvlan ipvl1 link eth0 mode l2 bridge netns ns1 up",
        "ns0: set link lo up",
        "ns1: set link lo up",
        "ns0: add address 10.0.0.10/24 dev ipvl0",
        "ns0: add route default via 10.0.0.1 dev ipvl0",
        "ns1: add address 10.0.0.11/24 dev ipvl1",
        "ns1: add route default via 10.0.0.1 dev ipvl1",
    ]


@pytest.mark.parametrize("state", ["merged", "replaced", "overridden"])
def test_converged_howto_plans_nothing(state):
    assert plan(HOWTO, have_howto(), state) == []


def test_merged_keeps_extra_address_replaced_removes_it():
    have = have_howto()
    have["addresses"][("ns0", "ipvl0")].append("10.0.0.99/24")
    assert plan(HOWTO, have, "merged") == []
    assert plan(HOWTO, have, "replaced") == ["ns0: delete address 10.0.0.99/24 dev ipvl0"]


def test_replaced_removes_undeclared_slave_of_declared_port_only():
    have = have_howto()
    have["members"][(None, "eth0")].append(member("extra", "ns0"))
    have["members"][(None, "eth9")] = [member("other", None)]
    have["mode"][(None, "eth9")] = ("l3", "bridge")
    assert plan(HOWTO, have, "replaced") == ["ns0: delete ipvlan extra (not declared)"]
    assert plan(HOWTO, have, "overridden") == ["ns0: delete ipvlan extra (not declared)",
                                               "(host): delete ipvlan other (not declared)"]


def test_port_mode_change_is_one_operation_for_the_port():
    cfg = [dict(HOWTO[0], mode="l3")]
    assert plan(cfg, have_howto()) == [
        "ns0: set port of eth0 mode l3 bridge (via ipvl0; every slave of the port follows)"]


def test_gateway_change_replaces_route():
    cfg = [{"master": "eth0", "mode": "l2", "links": [
        dict(HOWTO[0]["links"][0], routes=[{"dst": "default", "gateway": "10.0.0.2"}]),
        HOWTO[0]["links"][1]]}]
    assert plan(cfg, have_howto()) == ["ns0: replace route default via 10.0.0.2 dev ipvl0"]


def test_deleted_removes_declared_or_all_links():
    assert plan([{"master": "eth0", "links": [{"name": "ipvl1", "netns": "ns1"}]}],
                have_howto(), "deleted") == ["ns1: delete ipvlan ipvl1 (deleted)"]
    assert plan([{"master": "eth0"}], have_howto(), "deleted") == [
        "ns0: delete ipvlan ipvl0 (deleted)", "ns1: delete ipvlan ipvl1 (deleted)"]


def test_same_name_in_many_namespaces_are_different_links():
    cfg = [{"master": "eth0", "mode": "l2", "links": [
        {"name": "eth0", "netns": "c%d" % i} for i in range(3)]}]
    commands = plan(cfg, t.empty_host())
    assert [c for c in commands if "add ipvlan" in c] == [
        "(host): add ipvlan eth0 link eth0 mode l2 bridge netns c%d up" % i for i in range(3)]


def test_link_created_in_master_namespace_is_moved():
    have = have_howto()
    have["members"][(None, "eth0")][0] = member("ipvl0", None)
    have["links"][None] = {"ipvl0": dict(member("ipvl0", None), kind="ipvlan")}
    del have["links"]["ns0"]["ipvl0"]
    have["addresses"][("ns0", "ipvl0")] = []
    have["routes"]["ns0"] = []
    assert plan(HOWTO, have) == ["(host): move link ipvl0 to netns ns0",
                                 "ns0: set link ipvl0 up",
                                 "ns0: add address 10.0.0.10/24 dev ipvl0",
                                 "ns0: add route default via 10.0.0.1 dev ipvl0"]


def test_foreign_device_name_is_refused():
    have = have_howto()
    have["links"]["ns0"]["ipvl0"] = {"name": "ipvl0", "kind": "veth"}
    with pytest.raises(ValidationError) as exc:
        plan(HOWTO, have)
    assert exc.value.field == "config[0].links[0].name"


@pytest.mark.parametrize("config,field", [
    ([{"master": "eth0", "links": [{"name": "a", "addresses": ["10.0.0.1/24"]},
                                   {"name": "b", "addresses": ["10.0.0.1/32"]}]}],
     "config[0].links[1].addresses"),
    ([{"master": "eth0", "mode": "l2"}, {"master": "eth0", "mode": "l3"}], "config[1]"),
    ([{"master": "eth0", "links": [{"name": "a", "netns": "x"}, {"name": "a", "netns": "x"}]}],
     "config[0].links[1].name"),
    ([{"master": "e" * 16}], "config[0].master"),
    ([{"master": "eth0", "links": [{"name": "a", "netns": "../x"}]}], "config[0].links[0].netns"),
    ([{"master": "eth0", "links": [{"name": "a", "addresses": ["10.0.0.300/24"]}]}],
     "config[0].links[0].addresses"),
    ([{"master": "eth0", "links": [{"name": "a", "routes": [{"dst": "10.1.2.3/16"}]}]}],
     "config[0].links[0].routes[0].dst"),
])
def test_bad_config_names_the_entry(config, field):
    with pytest.raises(ValidationError) as exc:
        t.normalize(config)
    assert exc.value.field == field


# ------------------------------------------------------------------ reading

class _Session(FakeSession):
    """A fake session that records the route dumps asked of it."""

    def __init__(self, *args, **kwargs):
        FakeSession.__init__(self, *args, **kwargs)
        self.asked = set()

    def routes(self, table=None, keep=None, unicast=False):
        self.asked.add("unicast" if unicast else "every")
        return FakeSession.routes(self, table, keep, unicast)

    def routes_read(self):
        return self.routes(unicast="every" not in self.asked)


def _route(dst, gateway=None, oif=5, table=254, rtype=1, proto=3):
    return {"family": 4, "table": table, "dst": dst, "metric": 0, "gateway": gateway,
            "oif": oif, "src": None, "scope": "global" if gateway else "link", "type": rtype,
            "proto": proto, "multipath": False}


def _howto_world(extra_ns0_routes=()):
    host = _Session(None, [link("lo", ifindex=1, type_=772), link("eth0", ifindex=2)])
    spaces = [host]
    for ns, name, address in (("ns0", "ipvl0", "10.0.0.10/24"), ("ns1", "ipvl1", "10.0.0.11/24")):
        routes = [_route("0.0.0.0/0", "10.0.0.1"), _route("10.0.0.0/24", proto=2),
                  _route("10.0.0.10/32", table=255, rtype=2)]  # a local-table route
        if ns == "ns0":
            routes += list(extra_ns0_routes)
        spaces.append(_Session(ns, [link("lo", ns, ifindex=1, type_=772),
                                    link(name, ns, ifindex=5, kind="ipvlan", mode="l2",
                                         flags="bridge", parent_index=2, parent_nsid=0)],
                               [{"netns": ns, "ifindex": 1, "family": 4, "address": "127.0.0.1/8",
                                 "scope": "host"},
                                {"netns": ns, "ifindex": 5, "family": 4, "address": address,
                                 "scope": "global"}],
                               routes, nsids={None: 0}))
    return FakeDriver(spaces), spaces


def test_a_converged_topology_is_planned_from_unicast_routes_only():
    """Every declared route has a unicast route of its identity: no
    namespace is asked for its other routes (the local table's)."""
    driver, spaces = _howto_world()
    result = ipvlan_topology.engine(driver, {"state": "merged", "config": HOWTO}, True)
    assert result["changed"] is False and result["commands"] == []
    assert [sorted(s.asked) for s in spaces] == [["unicast"]] * 3


def test_a_declared_route_meeting_a_blackhole_of_its_identity_replaces_it():
    """A route to add may meet a non-unicast route of the same identity,
    which the kernel would not let an add stand beside (EEXIST): there every
    route is read, and the route is replaced, as ip_route does."""
    blackhole = _route("10.9.0.0/16", oif=None, rtype=6)  # RTN_BLACKHOLE
    driver, spaces = _howto_world([blackhole])
    config = [dict(HOWTO[0], links=[
        dict(HOWTO[0]["links"][0], routes=HOWTO[0]["links"][0]["routes"] + [
            {"dst": "10.9.0.0/16", "gateway": "10.0.0.1"}]),
        HOWTO[0]["links"][1]])]
    result = ipvlan_topology.engine(driver, {"state": "merged", "config": config}, True)
    assert result["commands"] == ["ns0: replace route 10.9.0.0/16 via 10.0.0.1 dev ipvl0"]
    assert [sorted(s.asked) for s in spaces] == [["unicast"], ["every", "unicast"], ["unicast"]]


# -- what the fuzz of issue 23 found (the lab's test_fuzz_findings.py runs
# -- each on the kernel)

def test_taking_a_link_down_says_what_goes_and_puts_declared_ipv6_back():
    have = have_howto()
    have["addresses"][("ns0", "ipvl0")] = ["10.0.0.10/24", "fd00::5/64", "fd00::7/64"]
    config = [{"master": "eth0", "mode": "l2", "links": [
        {"name": "ipvl0", "netns": "ns0", "up": False, "addresses": ["fd00::5/64"]}]}]
    assert plan(config, have) == [
        "ns0: set link ipvl0 down (the kernel drops with it address fd00::5/64, address "
        "fd00::7/64, route default via 10.0.0.1 dev ipvl0)",
        "ns0: replace address fd00::5/64 dev ipvl0 (the kernel drops it with the link going "
        "down)"]
    assert [c for c in plan(config, have, "replaced") if c.startswith("ns0")][1:] == [
        "ns0: replace address fd00::5/64 dev ipvl0 (the kernel drops it with the link going "
        "down)",
        "ns0: delete address fd00::7/64 dev ipvl0",
        "ns0: delete address 10.0.0.10/24 dev ipvl0"]


def test_routes_on_a_link_declared_down_are_refused():
    config = [{"master": "eth0", "links": [
        {"name": "a0", "up": False, "addresses": ["10.0.0.5/24"],
         "routes": [{"dst": "default", "gateway": "10.0.0.1"}]}]}]
    with pytest.raises(ValidationError, match=r"links\[0\]\.routes.*ENETDOWN"):
        t.normalize(config)


def test_one_route_identity_on_two_links_of_a_namespace_is_refused():
    route = {"dst": "default", "gateway": "10.0.0.1"}
    config = [{"master": "eth0", "links": [
        {"name": "a0", "netns": "na", "addresses": ["10.0.0.5/24"], "routes": [route]},
        {"name": "a1", "netns": "na", "addresses": ["10.0.0.6/24"], "routes": [route]}]}]
    with pytest.raises(ValidationError) as err:
        t.normalize(config)
    assert err.value.field == "config[0].links[1].routes[0]"
    assert "config[0].links[0].routes[0]" in str(err.value)
    # in two namespaces, or with metrics of their own, they are two routes
    config[0]["links"][1]["netns"] = "nb"
    t.normalize(config)


def test_a_port_mode_is_not_set_through_a_slave_moving_to_another_master():
    have = t.empty_host()
    have["namespaces"] = {"nc"}
    have["links"]["nc"] = {"s01": dict(member("s01", "nc"), mode="l3", flags="bridge")}
    have["members"][(None, "m1")] = [member("s01", "nc")]
    have["mode"][(None, "m1")] = ("l3", "bridge")
    ports = [{"master": "m0", "mode": "l3", "links": [{"name": "s01", "netns": "nc"}]},
             {"master": "m1", "mode": "l2", "links": [{"name": "c0", "netns": "nc"}]}]
    commands = plan(ports, have)
    assert not [c for c in commands if "set port of m1" in c], commands
    # declared the other way round, the port is set while s01 is still on it
    commands = plan(ports[::-1], have)
    assert commands.index("nc: set port of m1 mode l2 bridge (via s01; every slave of the port "
                          "follows)") < commands.index("nc: delete ipvlan s01 (recreate: other "
                                                       "master)")


def test_an_address_another_slave_of_the_master_holds_is_refused():
    have = have_howto()
    want = t.normalize([{"master": "eth0", "mode": "l2", "links": [
        {"name": "ipvl2", "netns": "ns1", "addresses": ["10.0.0.10/24"]}]}])
    with pytest.raises(ValidationError) as err:
        t.check_port_addresses(want, have, t.plan_topology(want, have, "merged"))
    assert err.value.field == "config[0].links[0].addresses"
    assert "ipvl0" in str(err.value) and "EADDRINUSE" in str(err.value)
    # replaced frees it first when the holder is declared before without it
    want = t.normalize([{"master": "eth0", "mode": "l2", "links": [
        {"name": "ipvl0", "netns": "ns0", "addresses": ["10.0.0.20/24"]},
        {"name": "ipvl1", "netns": "ns1", "addresses": ["10.0.0.10/24"]}]}])
    t.check_port_addresses(want, have, t.plan_topology(want, have, "replaced"))


def test_a_route_of_the_prefix_an_added_address_brings_is_not_added_again():
    config = [{"master": "eth0", "links": [
        {"name": "p0", "netns": "na", "addresses": ["10.0.0.5/24"],
         "routes": [{"dst": "10.0.0.0/24"}, {"dst": "10.0.0.0/24", "metric": 5,
                                             "gateway": "10.0.0.1"}]}]}]
    commands = plan(config, t.empty_host())
    assert [c for c in commands if "route" in c] == [
        "na: add route 10.0.0.0/24 via 10.0.0.1 dev p0 metric 5"]
