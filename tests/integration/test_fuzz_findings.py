"""What the fuzz of issue 23 found, each reduced to a starting state made
with `ip` and the module's arguments, on the lab kernel: check mode says
what the real run does (failures included), the real run reaches the
declared state (read back with `ip -j`), and a rerun changes nothing."""

import os

import pytest

from harness import (configured_addresses, converge, ip, ip_json, ipvlan_data,
                     kernel_snapshot, link_info, run_module, unique_name)

pytestmark = pytest.mark.ipvlan


def routes(netns):
    """(dst, gateway, dev) of the configured routes (not the kernel's own)."""
    found = ip_json("route", "show", netns=netns) + ip_json("-6", "route", "show", netns=netns)
    return sorted((r["dst"], r.get("gateway"), r.get("dev")) for r in found
                  if r.get("protocol") != "kernel" and not r["dst"].startswith("fe80:"))


def is_up(name, netns):
    return "UP" in link_info(name, netns)["flags"]


def same_in_check_mode(config, state="merged"):
    """Check mode's result, after checking that it changed nothing; then the
    real run's, which must have the same commands (or fail alike)."""
    before = kernel_snapshot([None])
    check = converge(config, state, check=True)
    assert kernel_snapshot([None]) == before
    real = converge(config, state)
    assert bool(check.get("failed")) == bool(real.get("failed")), (check, real)
    if not real.get("failed"):
        assert check["commands"] == real["commands"], (check, real)
    return real


def slave(master, name, netns, mode="l3", flags="bridge"):
    ip("link", "add", "link", master, "name", name, "type", "ipvlan", "mode", mode, flags)
    if netns is not None:
        ip("link", "set", name, "netns", netns)
        ip("link", "set", "lo", "up", netns=netns)  # as the links' loopback: true has it
    ip("link", "set", name, "up", netns=netns)


# -- 1: a link declared up: false --------------------------------------------

def test_replaced_down_link_gets_its_declared_ipv6_address(make_veth, make_netns):
    master, na = make_veth(), make_netns()
    slave(master, "x0", na)
    ip("addr", "add", "fd00::5/64", "dev", "x0", netns=na)
    config = [{"master": master, "links": [{"name": "x0", "netns": na, "up": False,
                                            "addresses": ["fd00::6/64"]}]}]
    result = same_in_check_mode(config, "replaced")
    assert not result.get("failed"), result
    assert not is_up("x0", na)
    assert configured_addresses("x0", na) == ["fd00::6/64"]
    assert converge(config, "replaced")["changed"] is False


def test_merged_down_link_says_what_the_kernel_drops(make_veth, make_netns):
    master, na = make_veth(), make_netns()
    slave(master, "x0", na)
    for cidr in ("10.9.0.5/24", "fd00::5/64"):
        ip("addr", "add", cidr, "dev", "x0", netns=na)
    ip("route", "add", "172.30.0.0/24", "via", "10.9.0.1", netns=na)
    config = [{"master": master, "links": [{"name": "x0", "netns": na, "up": False}]}]
    check = converge(config, check=True)
    assert check["commands"] == [
        "%s: set link x0 down (the kernel drops with it address fd00::5/64, route "
        "172.30.0.0/24 via 10.9.0.1 dev x0)" % na], check
    result = converge(config)
    assert result["commands"] == check["commands"]
    assert not is_up("x0", na)
    assert configured_addresses("x0", na) == ["10.9.0.5/24"]
    assert routes(na) == []
    assert converge(config)["changed"] is False


def test_ipvlan_link_down_says_what_the_kernel_drops_and_rolls_it_back(make_veth, make_netns,
                                                                       monkeypatch):
    from ansible_collections.linuxnet.ipvlan.plugins.module_utils.ops import transaction
    master, na = make_veth(), make_netns()
    slave(master, "x1", na)
    ip("addr", "add", "10.9.0.5/24", "dev", "x1", netns=na)
    ip("addr", "add", "fd00::5/64", "dev", "x1", netns=na)
    ip("route", "add", "172.30.0.0/24", "via", "10.9.0.1", netns=na)
    args = {"name": "x1", "parent": master, "netns": na, "mode": "l3", "up": False,
            "mtu": 1400}
    check = run_module("ipvlan_link", args, check=True)
    assert check["commands"] == [
        "%s: set link x1 mtu 1400 down (the kernel drops with it address fd00::5/64, route "
        "172.30.0.0/24 via 10.9.0.1 dev x1)" % na], check
    checked = transaction.check
    # the verification fails: the run is undone, and what the kernel
    # dropped with the link is put back
    monkeypatch.setattr(transaction, "check",
                        lambda driver, plan: checked(driver, plan) + ["injected"])
    result = run_module("ipvlan_link", args)
    assert result.get("failed") and result["not_restored"] == [], result
    assert configured_addresses("x1", na) == ["10.9.0.5/24", "fd00::5/64"]
    assert routes(na) == [("172.30.0.0/24", "10.9.0.1", "x1")]
    assert is_up("x1", na)
    monkeypatch.setattr(transaction, "check", checked)
    result = run_module("ipvlan_link", args)
    assert result["commands"] == check["commands"] and not is_up("x1", na)
    assert configured_addresses("x1", na) == ["10.9.0.5/24"] and routes(na) == []
    assert run_module("ipvlan_link", args)["changed"] is False


def test_routes_on_a_link_declared_down_are_refused(make_veth, make_netns):
    master, na = make_veth(), make_netns()
    slave(master, "a0", na)
    ip("addr", "add", "10.9.0.5/24", "dev", "a0", netns=na)
    ip("route", "add", "default", "dev", "a0", netns=na)
    config = [{"master": master, "links": [{"name": "a0", "netns": na, "up": False,
                                            "routes": [{"dst": "default"}]}]}]
    before = kernel_snapshot([na])
    for check in (True, False):
        result = converge(config, check=check)
        assert result.get("failed") and "links[0].routes" in result["msg"], result
        assert "ENETDOWN" in result["msg"]
    assert kernel_snapshot([na]) == before


def test_rollback_of_a_down_puts_back_what_the_kernel_dropped(make_veth, make_netns, fault):
    master, na = make_veth(), make_netns()
    slave(master, "x0", na)
    for cidr in ("10.9.0.5/24", "fd00::5/64"):
        ip("addr", "add", cidr, "dev", "x0", netns=na)
    ip("route", "add", "172.30.0.0/24", "via", "10.9.0.1", netns=na)
    before = kernel_snapshot([na])
    config = [{"master": master, "links": [{"name": "x0", "netns": na, "up": False,
                                            "addresses": ["10.9.0.6/24"]}]}]
    fault("2")  # after the link went down, its address add fails
    result = converge(config)
    assert result.get("failed") and result["not_restored"] == [], result
    after = kernel_snapshot([na])
    assert configured_addresses("x0", na) == ["10.9.0.5/24", "fd00::5/64"]
    assert routes(na) == [("172.30.0.0/24", "10.9.0.1", "x0")]
    assert [x["flags"] for x in after[na]["links"]] == [x["flags"] for x in before[na]["links"]]


# -- 2: a port's mode is not set through a link the plan moves elsewhere -----

@pytest.mark.parametrize("order", [(0, 1), (1, 0)])
def test_port_mode_through_a_slave_that_changes_master(make_veth, make_netns, order):
    m0, m1, nc = make_veth(), make_veth(), make_netns()
    slave(m1, "s01", nc)
    ports = [{"master": m0, "mode": "l3", "links": [{"name": "s01", "netns": nc}]},
             {"master": m1, "mode": "l2", "links": [{"name": "c0", "netns": nc}]}]
    config = [ports[i] for i in order]
    result = same_in_check_mode(config)
    assert not result.get("failed"), result
    index = dict((m, link_info(m)["ifindex"]) for m in (m0, m1))
    assert link_info("s01", nc)["link_index"] == index[m0]
    assert ipvlan_data("s01", nc)[1] == "l3"
    assert link_info("c0", nc)["link_index"] == index[m1]
    assert ipvlan_data("c0", nc)[1] == "l2"
    assert converge(config)["changed"] is False


# -- 3: one route identity declared on two links of a namespace --------------

def test_one_route_on_two_links_is_refused_naming_both(make_veth, track_netns):
    master, na = make_veth(), unique_name("tn")
    track_netns(na)
    route = {"dst": "default", "gateway": "10.9.0.1"}
    config = [{"master": master, "links": [
        {"name": "a0", "netns": na, "addresses": ["10.9.0.5/24"], "routes": [route]},
        {"name": "a1", "netns": na, "addresses": ["10.9.0.6/24"], "routes": [route]}]}]
    for check in (True, False):
        result = converge(config, check=check)
        assert result.get("failed"), result
        assert "links[1].routes[0]" in result["msg"] and "links[0].routes[0]" in result["msg"]
    assert na not in ip("netns", "list")


# -- 4: namespace names beginning with a dot ---------------------------------

def test_namespace_beginning_with_a_dot(make_veth, track_netns):
    master, na = make_veth(), "." + unique_name("d")[:14]
    track_netns(na)
    config = [{"master": master, "links": [{"name": "d0", "netns": na,
                                            "addresses": ["10.9.2.5/24"]}]}]
    result = same_in_check_mode(config)
    assert not result.get("failed"), result
    assert na in ip("netns", "list")
    assert configured_addresses("d0", na) == ["10.9.2.5/24"]
    assert converge(config)["changed"] is False
    gathered = run_module("ipvlan_info", {})
    assert any(x["netns"] == na for p in gathered["ports"] for x in p["links"]), gathered


# -- 6: replaced drops an address with the undeclared route through it ------

@pytest.mark.parametrize("declared", [[], ["10.9.1.10/24"]])
def test_replaced_drops_address_and_route_through_it(make_veth, make_netns, declared):
    master, na = make_veth(), make_netns()
    slave(master, "a0", na)
    ip("addr", "add", "10.9.0.10/24", "dev", "a0", netns=na)
    ip("route", "add", "default", "via", "10.9.0.1", netns=na)
    config = [{"master": master, "links": [{"name": "a0", "netns": na,
                                            "addresses": declared}]}]
    result = same_in_check_mode(config, "replaced")
    assert not result.get("failed"), result
    assert configured_addresses("a0", na) == declared
    assert routes(na) == []
    assert converge(config, "replaced")["changed"] is False


# -- 7: one link name in the host and in a namespace that exists -------------

def test_same_name_in_host_and_existing_namespace(make_veth, make_netns):
    m0, m1, nc = make_veth(), make_veth(), make_netns()
    name = unique_name("x")[:8]
    config = [{"master": m0, "links": [{"name": name}]},
              {"master": m1, "links": [{"name": name, "netns": nc}]}]
    try:
        result = same_in_check_mode(config)
        assert not result.get("failed"), result
        assert link_info(name)["link"] == m0  # the master's name: same namespace
        assert link_info(name, nc)["link_index"] == link_info(m1)["ifindex"]
        for netns in (None, nc):
            assert not [x for x in ip_json("link", "show", netns=netns)
                        if x["ifname"].startswith("ipvt")]
        assert converge(config)["changed"] is False
    finally:
        ip("link", "del", name, check=False)


# -- 8: what the state read before the run shows, refused in check mode too --

def test_address_held_by_another_slave_of_the_master(make_veth, make_netns):
    master, na, nb = make_veth(), make_netns(), make_netns()
    slave(master, "h0", nb)
    ip("addr", "add", "10.9.0.7/24", "dev", "h0", netns=nb)
    config = [{"master": master, "links": [{"name": "y0", "netns": na,
                                            "addresses": ["10.9.0.7/24"]}]}]
    before = kernel_snapshot([na, nb])
    for check in (True, False):
        result = converge(config, check=check)
        assert result.get("failed"), result
        assert "links[0].addresses" in result["msg"] and "EADDRINUSE" in result["msg"]
        assert "h0" in result["msg"]
    assert kernel_snapshot([na, nb]) == before


def test_route_of_a_prefix_an_added_address_brings(make_veth, make_netns):
    # the address's prefix route has the declared route's identity: an add
    # would meet EEXIST
    master, na = make_veth(), make_netns()
    config = [{"master": master, "links": [{"name": "p0", "netns": na,
                                            "addresses": ["10.9.3.5/24"],
                                            "routes": [{"dst": "10.9.3.0/24"}]}]}]
    result = same_in_check_mode(config)
    assert not result.get("failed"), result
    assert converge(config)["changed"] is False


def test_stale_entry_in_run_netns(make_veth):
    """Also in test_netns.py natively; here with ipvlan_topology."""
    master, stale = make_veth(), unique_name("st")
    path = os.path.join("/run/netns", stale)
    os.makedirs("/run/netns", exist_ok=True)
    open(path, "w").close()
    try:
        config = [{"master": master, "links": [{"name": "z0", "netns": stale}]}]
        result = converge(config, check=True)
        assert result.get("failed") and "not a network namespace" in result["msg"], result
        assert converge(config, "deleted")["changed"] is False
        assert os.path.exists(path)
    finally:
        os.unlink(path)
