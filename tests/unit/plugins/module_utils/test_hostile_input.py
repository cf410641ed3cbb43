"""The defects found when bad input and check-mode scenarios were tried
(issue 12), each pinned by a test that failed before its fix. No kernel:
plain data in, errors or plans out."""

import ipaddress

import pytest

from ansible_collections.linuxnet.ipvlan.tests.unit.plugins.module_utils.fakes import FakeDriver, FakeSession, link

from ansible_collections.linuxnet.ipvlan.plugins.module_utils.facts import gather as ports
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.facts import masters
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.kernel import nsfs
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model import argspec
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model import validation as v
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model.errors import ValidationError
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.planners import namespaces
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.planners import routes as rt
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.planners import topology as t
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.resources import ip_route
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.resources import ipvlan_link

HOST_ID = 7


# ----------------------------------------------------------- IPv6 zones


@pytest.mark.parametrize("value", ["2001:db8:2::5%1/64", "fe80::1%d0", "fe80::1%d0/64"])
def test_addresses_with_a_zone_are_refused(value):
    with pytest.raises(ValidationError) as exc:
        v.interface_addresses([value], "addresses")
    assert exc.value.field == "addresses" and "zone" in str(exc.value)


@pytest.mark.parametrize("field", ["gateway", "src"])
def test_route_addresses_with_a_zone_are_refused(field):
    params = {"dst": "::/0", "dev": "d0", "table": "main", field: "fe80::1%d0"}
    if field == "src":
        params["gateway"] = "2001:db8::1"
    with pytest.raises(ValidationError) as exc:
        rt.normalize(params)
    assert exc.value.field == field and "zone" in str(exc.value)


def test_route_destination_with_a_zone_is_refused():
    with pytest.raises(ValidationError) as exc:
        rt.normalize({"dst": "fe80::%d0/64", "dev": "d0", "table": "main"})
    assert exc.value.field == "dst"


# ------------------------------------------------- non-ASCII digits in tables


@pytest.mark.parametrize("table", ["\u00b2", "\u0661\u0660\u0660", "\uff11\uff10"])
def test_tables_in_non_ascii_digits_are_a_field_error(table):
    with pytest.raises(ValidationError) as exc:
        v.route_table(table)
    assert exc.value.field == "table"


def test_ascii_tables_still_work():
    assert v.route_table("100") == 100 and v.route_table(100) == 100
    assert v.route_table("main") == 254


def test_prefix_in_non_ascii_digits_is_a_field_error():
    with pytest.raises(ValidationError) as exc:
        v.interface_address("10.0.0.1/\u0662\u0664")
    assert exc.value.field == "addresses"


# ------------------------------------------- shapes Ansible would convert


LINK = {"name": {"type": "str"}, "addresses": {"type": "list", "elements": "str"}}
PORT = {"master": {"type": "str"}, "links": {"type": "list", "elements": "dict", "options": LINK}}
SPEC = {"name": {"type": "str"}, "config": {"type": "list", "elements": "dict", "options": PORT}}


@pytest.mark.parametrize("raw,field", [
    ({"name": ["x", "y"]}, "name: expected a string, got a list"),
    ({"name": {"a": 1}}, "name: expected a string, got a dictionary"),
    ({"config": [{"master": "eth0", "links": "s1"}]}, "config[0].links: expected a list of "
                                                      "dictionaries, got the string 's1'"),
    ({"config": [{"links": [{"name": ["x"]}]}]}, "config[0].links[0].name: expected a string"),
    ({"config": [{"links": [{"addresses": [["10.0.0.1/24"]]}]}]},
     "config[0].links[0].addresses[0]: expected a string"),
    ({"config": ["eth0"]}, "config[0]: expected a dictionary"),
])
def test_raw_shapes_are_checked_before_ansible_converts_them(raw, field):
    assert argspec.shape(raw, SPEC).startswith(field)


def test_raw_shapes_that_fit_pass():
    assert argspec.shape({"name": "x", "config": [{"master": "eth0", "links": [
        {"name": "s1", "addresses": ["10.0.0.1/24"]}]}]}, SPEC) is None
    assert argspec.shape({"name": 5}, SPEC) is None  # Ansible's own conversion is fine


# ------------------------------------------------------ gateway, src, dev


def test_gateway_equal_to_the_broadcast_address_says_so():
    problem = rt.gateway_problem(ipaddress.ip_address("10.0.0.255"),
                                 [ipaddress.ip_network("10.0.0.0/24")])
    assert "broadcast address of 10.0.0.0/24" in problem
    assert rt.gateway_problem(ipaddress.ip_address("10.0.0.254"),
                              [ipaddress.ip_network("10.0.0.0/24")]) is None


def _addr(ifindex, text, netns=None):
    return {"netns": netns, "ifindex": ifindex, "family": 6 if ":" in text else 4,
            "address": text, "scope": "global"}


def test_ip_route_preflight_refuses_a_broadcast_gateway():
    session = FakeSession(None, [link("d0", ifindex=3)], [_addr(3, "10.0.0.1/24")])
    spec = rt.normalize({"dst": "default", "gateway": "10.0.0.255", "dev": "d0",
                         "table": "main"})
    with pytest.raises(ValidationError) as exc:
        ip_route.preflight(session, spec)
    assert exc.value.field == "gateway" and "broadcast" in str(exc.value)


def test_check_mode_predicts_the_device_of_a_route_without_dev():
    links_ = [link("lo", ifindex=1, type_=772), link("d0", ifindex=3)]
    addrs = [_addr(3, "10.0.0.1/24")]
    spec = rt.normalize({"dst": "192.0.2.0/24", "gateway": "10.0.0.254", "table": "main"})
    dev = ip_route.device_for(spec["gateway"], addrs, links_)
    assert dev == "d0" and ip_route.predicted(spec, dev)["dev"] == "d0"


def topo(config):
    return t.normalize(config)


def test_topology_checks_route_src_before_any_change():
    route = {"dst": "192.0.2.0/24", "gateway": "10.0.0.1", "src": "10.0.0.99"}
    want = topo([{"master": "eth0", "links": [
        {"name": "s1", "netns": "ns0", "addresses": ["10.0.0.10/24"], "routes": [route]}]}])
    with pytest.raises(ValidationError) as exc:
        t.check_routes(want, t.empty_host(), False)
    assert exc.value.field == "config[0].links[0].routes[0].src"


def test_topology_accepts_a_src_another_link_of_the_namespace_has():
    want = topo([{"master": "eth0", "links": [
        {"name": "s1", "netns": "ns0", "addresses": ["10.0.0.10/24"],
         "routes": [{"dst": "192.0.2.0/24", "gateway": "10.0.0.1", "src": "10.9.0.1"}]},
        {"name": "s2", "netns": "ns0", "addresses": ["10.9.0.1/24"]}]}])
    t.check_routes(want, t.empty_host(), False)


@pytest.mark.parametrize("gateway,reason", [("10.0.0.255", "broadcast"),
                                            ("10.9.9.1", "no subnet of link s1")])
def test_topology_checks_the_gateway_against_the_links_subnets(gateway, reason):
    route = {"dst": "default", "gateway": gateway}
    want = topo([{"master": "eth0", "links": [
        {"name": "s1", "netns": "ns0", "addresses": ["10.0.0.10/24"], "routes": [route]}]}])
    with pytest.raises(ValidationError) as exc:
        t.check_routes(want, t.empty_host(), False)
    assert exc.value.field == "config[0].links[0].routes[0].gateway"
    assert reason in str(exc.value)


def test_topology_gateway_reachable_through_a_device_route_is_fine():
    want = topo([{"master": "eth0", "links": [{"name": "s1", "netns": "ns0", "routes": [
        {"dst": "10.9.9.1/32"}, {"dst": "default", "gateway": "10.9.9.1"}]}]}])
    t.check_routes(want, t.empty_host(), False)


def test_topology_gateway_on_an_existing_address_counts_in_merged_only():
    want = topo([{"master": "eth0", "links": [{"name": "s1", "netns": "ns0", "routes": [
        {"dst": "default", "gateway": "10.0.0.1"}]}]}])
    have = t.empty_host()
    have["addresses"][("ns0", "s1")] = ["10.0.0.10/24"]
    t.check_routes(want, have, False)
    with pytest.raises(ValidationError):
        t.check_routes(want, have, True)


# --------------------------------------------------------- /run/netns


def test_netns_present_over_a_stale_entry_is_refused_naming_the_field():
    with pytest.raises(ValidationError) as exc:
        namespaces.plan_namespace("ns0", "present", [], stale=True)
    assert exc.value.field == "name" and "not a network namespace" in str(exc.value)


def test_topology_refuses_a_namespace_blocked_by_a_stale_entry(monkeypatch):
    want = topo([{"master": "eth0", "links": [{"name": "s1", "netns": "ns0"}]}])
    with pytest.raises(ValidationError) as exc:
        t.check_namespaces(want, dict(t.empty_host(), stale={"ns0"}))
    assert exc.value.field == "config[0].links[0].netns"


def test_netns_absent_removes_a_stale_entry():
    plan = namespaces.plan_namespace("ns0", "absent", [], stale=True)
    assert plan.commands() == ["(host): delete netns ns0 (a stale entry, not a namespace)"]


def test_a_namespace_under_two_names_is_scanned_once(monkeypatch):
    ids = {None: (4, 1), "a": (4, 2), "b": (4, 2), "c": (4, 3), "hostalias": (4, 1)}
    monkeypatch.setattr(nsfs, "identity", ids.get)
    monkeypatch.setattr(nsfs, "stale_names", lambda: [])
    driver = FakeDriver([FakeSession(None), FakeSession("a"), FakeSession("b"),
                         FakeSession("c"), FakeSession("hostalias")])
    warnings = []
    assert ports.scan_namespaces(driver, warn=warnings.append) == [None, "a", "c"]
    assert len(warnings) == 2 and "'b' is the same namespace as 'a'" in warnings[0]


# ------------------------------------------------- one master resolver


def test_ipvlan_link_and_topology_resolve_an_ambiguous_master_alike():
    # an ipvtap dumped without IFLA_LINK_NETNSID whose master index and MAC
    # match devices in two namespaces: neither is guessed (masters.parent_of
    # used to take the first, ports the none)
    tap = link("tap0", "ns0", ifindex=9, kind="ipvtap", mode="l2", flags="bridge",
               parent_index=2, parent_nsid=None)
    driver = FakeDriver([FakeSession(None, [link("lo", ifindex=1, type_=772)]),
                         FakeSession("ns0", [tap]),
                         FakeSession("ns1", [link("eth0", "ns1", ifindex=2)]),
                         FakeSession("ns2", [link("eth1", "ns2", ifindex=2)])])
    assert masters.parent_of(driver, tap) is None
    assert masters.master_of(driver, tap) is None


# --------------------------------------------- a link declared in another namespace


def _host():
    return FakeSession(None, [link("lo", ifindex=1, type_=772), link("eth0", ifindex=2)])


def _slave(name, netns):
    return link(name, netns, ifindex=5, kind="ipvlan", mode="l3", flags="bridge",
                parent_index=2, parent_nsid=HOST_ID)


def _params(**kw):
    p = dict(name="s1", state="present", kind="ipvlan", parent="eth0", parent_netns=None,
             netns="nsB", mode="l3", flags="bridge", mtu=None, up=True, force=False)
    p.update(kw)
    return p


def test_a_slave_left_in_another_namespace_is_named_in_a_warning():
    driver = FakeDriver([_host(), FakeSession("nsA", [_slave("s1", "nsA")], nsids={None: HOST_ID}),
                         FakeSession("nsB", [], nsids={None: HOST_ID})])
    plan, _before, _predicted, _note, warnings = ipvlan_link.plan_present(driver, _params())
    assert plan.commands() == ["(host): add ipvlan s1 link eth0 mode l3 bridge netns nsB up"]
    assert len(warnings) == 1
    assert "s1 of master 'eth0' stays in namespace nsA" in warnings[0]
    assert "from_netns: nsA" in warnings[0]


def test_from_netns_moves_the_slave_between_namespaces():
    driver = FakeDriver([_host(), FakeSession("nsA", [_slave("s1", "nsA")], nsids={None: HOST_ID}),
                         FakeSession("nsB", [], nsids={None: HOST_ID})])
    plan, before, predicted, _note, warnings = ipvlan_link.plan_present(driver, _params(from_netns="nsA"))
    assert plan.commands() == ["nsA: move link s1 to netns nsB", "nsB: set link s1 up"]
    assert before["netns"] == "nsA" and predicted["netns"] == "nsB" and warnings == []


def test_from_netns_is_idempotent_once_moved():
    driver = FakeDriver([_host(), FakeSession("nsA", [], nsids={None: HOST_ID}),
                         FakeSession("nsB", [_slave("s1", "nsB")], nsids={None: HOST_ID})])
    plan = ipvlan_link.plan_present(driver, _params(from_netns="nsA"))[0]
    assert plan.commands() == []


def test_from_netns_refuses_a_device_that_is_no_slave_of_the_master():
    driver = FakeDriver([_host(), FakeSession("nsA", [link("s1", "nsA", ifindex=5, kind="veth")]),
                         FakeSession("nsB", [], nsids={None: HOST_ID})])
    with pytest.raises(ValidationError) as exc:
        ipvlan_link.plan_present(driver, _params(from_netns="nsA"))
    assert exc.value.field == "from_netns"
