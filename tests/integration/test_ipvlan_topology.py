"""ipvlan_topology on the lab kernel: the HOWTO topology in one call,
checked with `ip -j` in each namespace and with real traffic."""

import subprocess

import pytest

from harness import (addresses, configured_addresses, converge, ip, ip_json, ipvlan_data,
                     kernel_snapshot, link_info, run_module, settled_snapshot)

pytestmark = pytest.mark.ipvlan


def default_routes(netns):
    return [(r.get("gateway"), r.get("dev")) for r in ip_json("route", "show", "default",
                                                              netns=netns)]


def test_howto_converges_idempotently_and_carries_traffic(howto):
    master, ns0, ns1, config = howto
    before = kernel_snapshot([None])
    check = converge(config, check=True)
    assert check["changed"] is True and len(check["commands"]) == 10
    assert kernel_snapshot([None]) == before
    assert ns0 not in ip("netns", "list")

    result = converge(config)
    assert result["changed"] is True, result
    assert result["commands"] == check["commands"]
    for netns, name, address in ((ns0, "ipvl0", "10.0.0.10/24"), (ns1, "ipvl1", "10.0.0.11/24")):
        assert ipvlan_data(name, netns) == ("ipvlan", "l2", "bridge")
        assert "UP" in link_info(name, netns)["flags"]
        assert configured_addresses(name, netns) == [address]
        assert default_routes(netns) == [("10.0.0.1", name)]
        assert "UP" in link_info("lo", netns)["flags"]
        assert "127.0.0.1/8" in addresses("lo", netns)
    ping = subprocess.run(["ip", "netns", "exec", ns0, "ping", "-c", "1", "-W", "2", "10.0.0.11"],
                          capture_output=True, text=True, check=False)
    assert ping.returncode == 0, ping.stdout + ping.stderr

    again = converge(config)
    assert again["changed"] is False and again["commands"] == []

    gathered = run_module("ipvlan_topology", {"state": "gathered"})["gathered"]
    port = [p for p in gathered if p["master"] == master][0]
    assert (port["mode"], port["flags"]) == ("l2", "bridge")
    # gathered state fed back as config changes nothing
    assert converge([port])["changed"] is False


def test_replaced_and_deleted(howto):
    master, ns0, ns1, config = howto
    assert converge(config)["changed"]
    ip("addr", "add", "10.0.0.99/24", "dev", "ipvl0", netns=ns0)
    ip("link", "add", "link", master, "name", "extra0", "type", "ipvlan", "mode", "l2")

    assert converge(config)["changed"] is False  # merged leaves the rest
    result = converge(config, state="replaced")
    assert sorted(result["commands"]) == sorted([
        "(host): delete ipvlan extra0 (not declared)",
        "%s: delete address 10.0.0.99/24 dev ipvl0" % ns0])
    assert link_info("extra0") is None
    assert configured_addresses("ipvl0", ns0) == ["10.0.0.10/24"]

    result = converge([{"master": master}], state="deleted")
    assert result["changed"] is True
    assert link_info("ipvl0", ns0) is None and link_info("ipvl1", ns1) is None
    assert link_info(master) is not None  # the master stays
    assert converge([{"master": master}], state="deleted")["changed"] is False


def test_bad_entry_fails_before_any_change(howto):
    master, ns0, ns1, config = howto
    config[0]["links"][1]["addresses"] = ["10.0.0.10/24"]  # the same as ipvl0's
    before = kernel_snapshot([None])
    result = converge(config)
    assert result.get("failed") is True
    assert result["msg"].startswith("config[0].links[1].addresses:"), result["msg"]
    assert kernel_snapshot([None]) == before


def test_a_declared_route_replaces_a_blackhole_of_its_identity(howto):
    """The topology is read from unicast routes, except where a declared
    route has none of its identity: there a blackhole of that destination,
    table and metric is seen, and check mode and the run both replace it
    (an add would be refused with EEXIST). The kernel then has the unicast
    route, and the namespace's other IPv4 routes are as they were (IPv6's
    link-local ones may still be settling)."""
    master, ns0, ns1, config = howto
    assert converge(config)["changed"]
    ip("route", "add", "blackhole", "10.9.0.0/16", netns=ns0)
    others = [r for r in ip_json("-4", "route", "show", "table", "all", netns=ns0)
              if r.get("dst") != "10.9.0.0/16"]
    config[0]["links"][0]["routes"].append({"dst": "10.9.0.0/16", "gateway": "10.0.0.1"})
    want = ["%s: replace route 10.9.0.0/16 via 10.0.0.1 dev ipvl0" % ns0]

    # the links came up just now: their IPv6 link-local addresses and
    # routes may still be appearing by themselves
    before = settled_snapshot([ns0, ns1])
    check = converge(config, check=True)
    assert (check["changed"], check["commands"]) == (True, want), check
    assert kernel_snapshot([ns0, ns1]) == before

    result = converge(config)
    assert (result["changed"], result["commands"]) == (True, want), result
    routes = ip_json("route", "show", "10.9.0.0/16", netns=ns0)
    assert [(r.get("type", "unicast"), r.get("gateway"), r.get("dev")) for r in routes] == [
        ("unicast", "10.0.0.1", "ipvl0")], routes
    assert [r for r in ip_json("-4", "route", "show", "table", "all", netns=ns0)
            if r.get("dst") != "10.9.0.0/16"] == others
    assert converge(config)["changed"] is False
