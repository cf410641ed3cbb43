"""host_access, upstream_routes and per-link ipv6 of ipvlan_topology on the
lab kernel, checked with `ip -j` and real traffic (ping):

- without host_access a slave cannot reach its master's own address, in l2
  and l3 (the pitfall); with it the host reaches every slave and every
  slave reaches the host-side address, in l2, l3 and l3s;
- the host access is reported back by gathered as `host_access`, and fed
  back it changes nothing;
- upstream_routes of an l3s port are its slave subnets via the master's
  address; a default route without gateway on an l3 slave carries traffic;
- a link with ipv6 {enabled: false} has no IPv6 address at all, also
  seconds after it came up, while a sibling without the option gets its
  link-local address.
"""

import subprocess
import time

import pytest

from harness import (converge, ip, ip_json, ipvlan_data, kernel_snapshot, link_info, run_module)
from harness import unique_name

from ansible_collections.linuxnet.ipvlan.plugins.module_utils.kernel.driver import Driver
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.resources import ipvlan_topology

pytestmark = pytest.mark.ipvlan


def engine(config, state="merged"):
    """The module's engine on the kernel, with the warnings it gives (the
    warnings of in-process module runs accumulate in the process)."""
    warnings = []
    with Driver() as driver:
        result = ipvlan_topology.engine(driver, {"config": config, "state": state}, False,
                                        warn=warnings.append)
    return result, warnings


def ping(address, netns=None):
    cmd = (["ip", "netns", "exec", netns] if netns else []) + ["ping", "-c", "1", "-W", "2",
                                                               address]
    return subprocess.run(cmd, capture_output=True, text=True, check=False).returncode == 0


def v4(name, netns=None):
    return sorted("%s/%s" % (a["local"], a["prefixlen"])
                  for item in ip_json("-4", "addr", "show", "dev", name, netns=netns)
                  for a in item.get("addr_info", []))


def v6(name, netns=None):
    return [a["local"] for item in ip_json("-6", "addr", "show", "dev", name, netns=netns)
            for a in item.get("addr_info", [])]


def routes_on(name, netns=None):
    found = ip_json("route", "show", "dev", name, netns=netns)
    return sorted((r["dst"], r.get("scope")) for r in found)


def port_of(gathered, master):
    return [p for p in gathered if p["master"] == master][0]


@pytest.fixture
def two_slaves(make_veth, track_netns):
    """(master, ns0, ns1): a veth master holding 10.61.0.1/24, the host's
    own address on that link, and two namespaces for slaves."""
    master = make_veth()
    ip("addr", "add", "10.61.0.1/24", "dev", master)
    ns0, ns1 = unique_name("ha"), unique_name("ha")
    track_netns(ns0)
    track_netns(ns1)
    return master, ns0, ns1


def slaves(ns0, ns1, **extra):
    return [dict({"name": "hsl0", "netns": ns0, "addresses": ["10.61.0.10/24"]}, **extra),
            dict({"name": "hsl1", "netns": ns1, "addresses": ["10.61.0.11/24"]}, **extra)]


@pytest.mark.parametrize("mode", ["l2", "l3"])
def test_host_access_lets_host_and_slaves_reach_each_other(two_slaves, mode):
    master, ns0, ns1 = two_slaves
    plain = [{"master": master, "mode": mode, "links": slaves(ns0, ns1)}]
    assert converge(plain)["changed"] is True
    # the pitfall: the master's own address is out of the slaves' reach
    assert not ping("10.61.0.1", ns0)
    assert not ping("10.61.0.10")

    name = unique_name("hx")
    config = [dict(plain[0], host_access={"name": name, "addresses": ["10.61.0.200/32"]})]
    before = kernel_snapshot([None, ns0, ns1])
    check = converge(config, check=True)
    assert check["changed"] is True and check["commands"], check
    assert kernel_snapshot([None, ns0, ns1]) == before

    result = converge(config)
    assert result["changed"] is True, result
    assert result["commands"] == check["commands"]
    assert ipvlan_data(name) == ("ipvlan", mode, "bridge")
    info = link_info(name)
    assert "UP" in info["flags"] and info.get("ifalias") == "linuxnet-ipvlan:host_access"
    assert v4(name) == ["10.61.0.200/32"]
    assert routes_on(name) == [("10.61.0.10", "link"), ("10.61.0.11", "link")]

    for address in ("10.61.0.10", "10.61.0.11"):
        assert ping(address), "host -> %s (%s)" % (address, mode)
    for netns in (ns0, ns1):
        assert ping("10.61.0.200", netns), "%s -> host access (%s)" % (netns, mode)

    assert converge(config)["changed"] is False
    gathered = run_module("ipvlan_topology", {"state": "gathered"})["gathered"]
    port = port_of(gathered, master)
    assert port["host_access"] == {"name": name, "addresses": ["10.61.0.200/32"]}
    assert sorted(x["name"] for x in port["links"]) == ["hsl0", "hsl1"]
    assert converge([port])["changed"] is False  # gathered fed back: no change

    # replaced without it removes it, like any undeclared slave
    result = converge(plain, state="replaced")
    assert result["commands"] == ["(host): delete ipvlan %s (not declared)" % name], result
    assert link_info(name) is None


def test_l3s_upstream_routes_default_route_without_gateway_and_host_access(
        make_veth, track_netns):
    master = make_veth()
    ip("addr", "add", "192.0.2.61/24", "dev", master)
    ns0, ns1 = unique_name("hu"), unique_name("hu")
    track_netns(ns0)
    track_netns(ns1)
    name = unique_name("hy")
    config = [{"master": master, "mode": "l3s",
               "host_access": {"name": name, "addresses": ["192.0.2.200"]},
               "links": [
                   {"name": "hul0", "netns": ns0, "addresses": ["10.62.0.10/24"],
                    "routes": [{"dst": "default"}]},
                   {"name": "hul1", "netns": ns1, "addresses": ["10.62.0.11/24"],
                    "routes": [{"dst": "default"}]}]}]
    result, warnings = engine(config)
    assert result["changed"] is True, result
    expected = [{"master": master, "master_netns": None, "dst": "10.62.0.0/24",
                 "via": "192.0.2.61", "command": "ip route add 10.62.0.0/24 via 192.0.2.61"},
                {"master": master, "master_netns": None, "dst": "192.0.2.200/32",
                 "via": "192.0.2.61",
                 "command": "ip route add 192.0.2.200/32 via 192.0.2.61"}]
    assert result["upstream_routes"] == expected
    assert warnings == []

    # the default route has no gateway: on the slave's device, scope link
    defaults = ip_json("route", "show", "default", netns=ns0)
    assert [(r.get("dev"), r.get("gateway"), r.get("scope")) for r in defaults] == [
        ("hul0", None, "link")]
    assert ping("192.0.2.200", ns0) and ping("192.0.2.200", ns1)
    assert ping("10.62.0.10") and ping("10.62.0.11")
    assert ping("10.62.0.11", ns0)

    again = converge(config)
    assert again["changed"] is False and again["upstream_routes"] == expected
    gathered = run_module("ipvlan_topology", {"state": "gathered"})
    assert [r for r in gathered["upstream_routes"] if r["master"] == master] == expected
    rendered = run_module("ipvlan_topology", {"state": "rendered", "config": config})
    assert [r["command"] for r in rendered["upstream_routes"]] == [
        "ip route add 10.62.0.0/24 via <address of %s>" % master,
        "ip route add 192.0.2.200/32 via <address of %s>" % master]


def test_l3_subnet_overlapping_the_master_is_warned(make_veth, track_netns):
    master = make_veth()
    ip("addr", "add", "10.63.0.1/24", "dev", master)
    ns0 = unique_name("hw")
    track_netns(ns0)
    config = [{"master": master, "mode": "l3",
               "links": [{"name": "hwl0", "netns": ns0, "addresses": ["10.63.0.10/24"]}]}]
    result, warnings = engine(config)
    assert [(r["dst"], r["via"]) for r in result["upstream_routes"]] == [
        ("10.63.0.10/32", "10.63.0.1")]
    assert len(warnings) == 1 and "overlaps the master's own 10.63.0.1/24" in warnings[0]
    assert "hwl0" in warnings[0] and master in warnings[0]


def ipv6_conf(name, key, netns):
    proc = subprocess.run(["ip", "netns", "exec", netns, "cat",
                           "/proc/sys/net/ipv6/conf/%s/%s" % (name, key)],
                          capture_output=True, text=True, check=True)
    return int(proc.stdout)


def test_ipv6_disabled_link_never_gets_an_address(make_veth, track_netns):
    master = make_veth()
    ns = unique_name("h6")
    track_netns(ns)
    config = [{"master": master, "mode": "l2", "links": [
        {"name": "off0", "netns": ns, "addresses": ["10.64.0.10/24"],
         "ipv6": {"enabled": False}},
        {"name": "quiet0", "netns": ns, "ipv6": {"addr_gen_mode": "none", "accept_ra": 0}},
        {"name": "plain0", "netns": ns},  # unmanaged: the kernel's defaults
    ]}]
    check = converge(config, check=True)
    assert "%s: set sysctl net.ipv6.conf.off0 disable_ipv6 1" % ns in check["commands"]
    assert check["diff"]["prepared"]
    assert ns not in ip("netns", "list")

    result = converge(config)
    assert result["changed"] is True and result["commands"] == check["commands"], result
    assert ipv6_conf("off0", "disable_ipv6", ns) == 1
    assert ipv6_conf("quiet0", "accept_ra", ns) == 0
    assert link_info("quiet0", ns).get("inet6_addr_gen_mode") == "none"
    assert v4("off0", ns) == ["10.64.0.10/24"]
    assert v6("off0", ns) == []
    # seconds later: still nothing, while the unmanaged sibling got its link-local
    deadline = time.time() + 15
    while not v6("plain0", ns) and time.time() < deadline:
        time.sleep(0.5)
    time.sleep(3)
    assert [a for a in v6("plain0", ns) if a.startswith("fe80:")]
    assert v6("off0", ns) == [] and v6("quiet0", ns) == []
    assert "UP" in link_info("off0", ns)["flags"]

    assert converge(config)["changed"] is False
    gathered = run_module("ipvlan_topology", {"state": "gathered"})["gathered"]
    links = dict((x["name"], x) for x in port_of(gathered, master)["links"])
    assert links["off0"]["ipv6"]["enabled"] is False
    assert links["quiet0"]["ipv6"] == {"enabled": True, "accept_ra": 0, "addr_gen_mode": "none"}
    assert links["plain0"]["ipv6"]["enabled"] is True

    config[0]["links"][0]["ipv6"] = {"enabled": True}
    result = converge(config)
    assert result["commands"] == ["%s: set sysctl net.ipv6.conf.off0 disable_ipv6 0" % ns]
    assert ipv6_conf("off0", "disable_ipv6", ns) == 0
