"""ipvlan_info on a real kernel, checked against `ip -d -j` in each namespace.

One lab (built once per module: Python in the lab VM is slow) holds two
ports whose masters live in different namespaces:
  - HM (veth in the host), l2 bridge: an ipvlan in the host, an ipvlan in
    namespace A with addresses and routes, an ipvtap in namespace B;
  - BM (veth in namespace B), l3s private: an ipvlan in B, an ipvlan moved
    to A, an ipvtap moved to the host.
Tests without `ipvlan` in their marks need only namespaces and veth, and
also run natively (LAB_MODE=native in a private network namespace).
"""

import grp
import ipaddress
import os
import pwd
import stat
import subprocess
import uuid

import pytest

from harness import addresses, ip, ip_json, kernel_snapshot, link_info, run_module

LINK_LOCAL = ipaddress.ip_network("fe80::/10")


def _names():
    sfx = uuid.uuid4().hex[:6]
    return dict((key, "ii%s%s" % (key.lower(), sfx)) for key in (
        "A", "B", "HM", "HP", "BM", "BP", "H1", "A1", "BT", "B2", "A2", "HT"))


def _no_link_local(dev, netns):
    """No automatic IPv6 link-local address (and routes) arriving seconds
    after the device comes up and disturbing before/after snapshots."""
    ip("link", "set", dev, "addrgenmode", "none", netns=netns)


@pytest.fixture(scope="module")
def lab():
    n = _names()
    host_pid = str(os.getpid())
    try:
        ip("netns", "add", n["A"])
        ip("netns", "add", n["B"])
        ip("link", "add", n["HM"], "type", "veth", "peer", "name", n["HP"])
        ip("link", "add", n["BM"], "type", "veth", "peer", "name", n["BP"], netns=n["B"])
        for dev, netns in ((n["HM"], None), (n["HP"], None), (n["BM"], n["B"]), (n["BP"], n["B"])):
            _no_link_local(dev, netns)
            ip("link", "set", dev, "up", netns=netns)
        ip("link", "set", "lo", "up", netns=n["A"])
        # port HM, l2 bridge (every slave names the port's mode: a slave
        # added without one would switch the whole port to l3)
        l2 = ("mode", "l2", "bridge")
        ip("link", "add", "link", n["HM"], "name", n["H1"], "type", "ipvlan", *l2)
        ip("link", "add", "link", n["HM"], "name", n["A1"], "type", "ipvlan", *l2)
        ip("link", "add", "link", n["HM"], "name", n["BT"], "type", "ipvtap", *l2)
        ip("link", "set", n["A1"], "netns", n["A"])
        ip("link", "set", n["BT"], "netns", n["B"])
        _no_link_local(n["H1"], None)
        ip("link", "set", n["H1"], "up")
        ip("addr", "add", "192.0.2.51/24", "dev", n["H1"])
        a = n["A"]
        _no_link_local(n["A1"], a)  # after the move, which resets it
        ip("link", "set", n["A1"], "up", netns=a)
        ip("addr", "add", "fe80::10/64", "dev", n["A1"], netns=a)  # not reported
        ip("addr", "add", "10.201.0.10/24", "dev", n["A1"], netns=a)
        ip("addr", "add", "2001:db8:201::10/64", "dev", n["A1"], "nodad", netns=a)
        ip("route", "add", "default", "via", "10.201.0.1", "dev", n["A1"], netns=a)
        ip("route", "add", "10.203.0.0/16", "via", "10.201.0.1", "dev", n["A1"],
           "table", "100", "metric", "7", netns=a)
        ip("route", "add", "10.204.0.0/24", "dev", n["A1"], netns=a)
        ip("-6", "route", "add", "2001:db8:999::/48", "via", "2001:db8:201::1",
           "dev", n["A1"], netns=a)
        # port BM in namespace B, l3s private
        b = n["B"]
        l3s = ("mode", "l3s", "private")
        ip("link", "add", "link", n["BM"], "name", n["B2"], "type", "ipvlan", *l3s, netns=b)
        ip("link", "add", "link", n["BM"], "name", n["A2"], "type", "ipvlan", *l3s, netns=b)
        ip("link", "add", "link", n["BM"], "name", n["HT"], "type", "ipvtap", *l3s, netns=b)
        ip("link", "set", n["A2"], "netns", a, netns=b)
        ip("link", "set", n["HT"], "netns", host_pid, netns=b)
        ip("addr", "add", "10.202.0.20/24", "dev", n["B2"], netns=b)
        yield n
    finally:
        for dev in (n["HM"], n["H1"], n["HT"]):
            ip("link", "del", dev, check=False)
        for netns in (n["A"], n["B"]):
            ip("netns", "del", netns, check=False)


# ------------------------------------------------------------------ oracle


def _nsid_names(netns):
    """{nsid: name} as `netns` numbers the named namespaces."""
    return dict((item["id"], item["name"]) for item in ip_json("netns", "list", netns=netns)
                if "id" in item)


def _routes(name, netns):
    """(dst, gateway) of the configured unicast routes via `name`, per ip."""
    found = set()
    for family in ("-4", "-6"):
        for item in ip_json(family, "route", "show", "table", "all", netns=netns):
            if item.get("dev") != name or item.get("table") == "local":
                continue
            if item.get("protocol") in ("kernel", "ra") or item.get("type", "unicast") != "unicast":
                continue
            dst = item["dst"]
            if dst != "default":
                dst = str(ipaddress.ip_network(dst, strict=False))
            found.add((dst, item.get("gateway")))
    return found


def _addresses(name, netns):
    items = ip_json("addr", "show", "dev", name, netns=netns)[0].get("addr_info", [])
    return ["%s/%s" % (a["local"], a["prefixlen"]) for a in items
            if ipaddress.ip_address(a["local"]) not in LINK_LOCAL]


def _loopback(netns):
    if netns is None:
        return None
    lo = ip_json("addr", "show", "dev", "lo", netns=netns)[0]
    return "UP" in lo["flags"] and any(a["local"] == "127.0.0.1" for a in lo.get("addr_info", []))


def _is_slave(item):
    return item.get("linkinfo", {}).get("info_kind") in ("ipvlan", "ipvtap")


def _master_of(netns, item, dumps):
    """(netns, name) of a slave's master from ip's view of it."""
    if "link_netnsid" in item:
        master_ns = _nsid_names(netns).get(item["link_netnsid"])  # None: the host
        [name] = [d["ifname"] for d in dumps[master_ns] if d["ifindex"] == item["link_index"]]
        return master_ns, name
    # Without a netnsid ip names the device with that index in the slave's own
    # namespace. ipvtap has no get_link_net, so for an ipvtap outside its
    # master's namespace that name is wrong: the master is the device with
    # that index and the slave's MAC (a slave carries its master's MAC).
    own = [d for d in dumps[netns] if d["ifname"] == item["link"]]
    index = own[0]["ifindex"] if own else int(item["link"][2:])  # "ifN": none here
    hits = [(ns, d["ifname"]) for ns in sorted(dumps, key=str) for d in dumps[ns]
            if d["ifindex"] == index and d["address"] == item["address"] and not _is_slave(d)]
    if (netns, item["link"]) in hits:
        return netns, item["link"]
    assert len(hits) == 1, (item["ifname"], hits)
    return hits[0]


def oracle(namespaces, masters_of_interest):
    """Ports of the given masters, built from `ip -d -j` in each namespace,
    in the module's shape (routes as (dst, gateway) sets)."""
    everywhere = [None] + [item["name"] for item in ip_json("netns", "list")]
    dumps = dict((netns, ip_json("link", "show", netns=netns)) for netns in everywhere)
    ports = {}
    for netns in namespaces:
        for item in dumps[netns]:
            if not _is_slave(item):
                continue
            master = _master_of(netns, item, dumps)
            if master not in masters_of_interest:
                continue
            info = item["linkinfo"]
            data = info.get("info_data", {})
            # iproute2 prints the flag as a boolean key ("bridge": true, ...)
            [flags] = [f for f in ("bridge", "private", "vepa") if data.get(f)]
            port = ports.setdefault(master, {"master": master[1], "master_netns": master[0],
                                             "mode": data.get("mode"), "flags": flags,
                                             "vlan": None, "links": []})
            assert (port["mode"], port["flags"]) == (data.get("mode"), flags), item["ifname"]
            kind = info["info_kind"]
            port["links"].append({
                "name": item["ifname"], "kind": kind, "netns": netns,
                "ifindex": item["ifindex"], "up": "UP" in item["flags"], "mtu": item["mtu"],
                "mac": item["address"], "loopback": _loopback(netns),
                "addresses": _addresses(item["ifname"], netns),
                "routes": _routes(item["ifname"], netns),
                "tap": _tap_node(item["ifindex"]) if kind == "ipvtap" else None,
                "ipv6": _ipv6(item, netns),
            })
    for port in ports.values():
        port["links"].sort(key=lambda x: (x["netns"] is not None, x["netns"] or "", x["name"]))
    return ports


def _tap_node(ifindex):
    """An ipvtap's `tap` from its /dev/tapN, read with os.stat."""
    path = "/dev/tap%d" % ifindex
    info = os.stat(path)
    return {"path": path, "owner": pwd.getpwuid(info.st_uid).pw_name,
            "group": grp.getgrgid(info.st_gid).gr_name, "mode": "%04o" % stat.S_IMODE(info.st_mode)}


def _ipv6(item, netns):
    """The device's IPv6 settings: sysctls read in its namespace, the
    address generation mode as iproute2 decodes it."""
    def conf(key):
        cmd = (["ip", "netns", "exec", netns] if netns else []) + [
            "cat", "/proc/sys/net/ipv6/conf/%s/%s" % (item["ifname"], key)]
        return int(subprocess.run(cmd, capture_output=True, text=True, check=True).stdout)
    return {"enabled": conf("disable_ipv6") == 0, "accept_ra": conf("accept_ra"),
            "addr_gen_mode": item.get("inet6_addr_gen_mode")}


def comparable(port):
    """A module port with routes as (dst, gateway) sets, as the oracle has them."""
    port = dict(port, links=[dict(link) for link in port["links"]])
    for link in port["links"]:
        link["routes"] = set((r["dst"], r.get("gateway")) for r in link["routes"])
    return port


def ours(result, lab):
    return dict(((p["master_netns"], p["master"]), p) for p in result["ports"]
                if p["master"] in (lab["HM"], lab["BM"]))


# ------------------------------------------------------------------- tests


@pytest.mark.ipvlan
def test_ports_match_the_kernel(lab):
    before = kernel_snapshot((None, lab["A"], lab["B"]))
    result = run_module("ipvlan_info")
    assert not result.get("failed"), result.get("msg")
    assert result["changed"] is False
    assert {lab["A"], lab["B"]} <= set(result["namespaces"])
    got = ours(result, lab)
    masters = [(None, lab["HM"]), (lab["B"], lab["BM"])]
    assert sorted(got, key=str) == sorted(masters, key=str)
    want = oracle([None, lab["A"], lab["B"]], masters)
    for key in masters:
        assert comparable(got[key]) == want[key]
    assert kernel_snapshot((None, lab["A"], lab["B"])) == before


@pytest.mark.ipvlan
def test_the_lab_as_built(lab):
    """What the set-up made, spelled out: catches an oracle that agrees with
    the module for the wrong reason."""
    got = ours(run_module("ipvlan_info"), lab)
    hm, bm = got[(None, lab["HM"])], got[(lab["B"], lab["BM"])]
    assert (hm["mode"], hm["flags"], bm["mode"], bm["flags"]) == ("l2", "bridge", "l3s", "private")
    assert [(x["netns"], x["name"], x["kind"]) for x in hm["links"]] == [
        (None, lab["H1"], "ipvlan"), (lab["A"], lab["A1"], "ipvlan"), (lab["B"], lab["BT"], "ipvtap")]
    assert [(x["netns"], x["name"], x["kind"]) for x in bm["links"]] == [
        (None, lab["HT"], "ipvtap"), (lab["A"], lab["A2"], "ipvlan"), (lab["B"], lab["B2"], "ipvlan")]
    a1 = hm["links"][1]
    assert a1["up"] is True and a1["loopback"] is True
    assert a1["addresses"] == ["10.201.0.10/24", "2001:db8:201::10/64"]
    assert "fe80::10/64" in addresses(lab["A1"], lab["A"])  # there, but link-local
    assert sorted(a1["routes"], key=str) == sorted([
        {"dst": "default", "gateway": "10.201.0.1"},
        {"dst": "10.203.0.0/16", "gateway": "10.201.0.1", "metric": 7, "table": 100},
        {"dst": "10.204.0.0/24"},
        {"dst": "2001:db8:999::/48", "gateway": "2001:db8:201::1"},
    ], key=str)
    assert hm["links"][0]["loopback"] is None and hm["links"][0]["addresses"] == ["192.0.2.51/24"]
    assert hm["links"][2]["loopback"] is False and hm["links"][2]["up"] is False
    ht = bm["links"][0]
    assert ht["tap"]["path"] == "/dev/tap%d" % ht["ifindex"]
    assert (ht["tap"]["owner"], ht["tap"]["mode"]) == ("root", "0600")
    sysfs = "/sys/class/net/%s" % lab["HT"]
    if os.path.isdir(sysfs):  # sysfs shows the namespace it was mounted in
        assert "tap%d" % ht["ifindex"] in os.listdir(sysfs)


@pytest.mark.ipvlan
def test_ipvtap_elsewhere_is_dumped_without_netnsid(lab):
    """Why ports.py matches an ipvtap's master by index and MAC: the kernel
    dumps an ipvtap outside its master's namespace without IFLA_LINK_NETNSID
    (ipvtap has no get_link_net), so `ip` names whatever device has BM's
    index in the host. The module still puts HT under BM (test above)."""
    seen = link_info(lab["HT"])
    if "link_netnsid" in seen:
        pytest.skip("this kernel reports an ipvtap's link-netnsid; the MAC match is not needed")
    assert seen.get("link") != lab["BM"], seen


@pytest.mark.ipvlan
def test_check_mode_gives_the_same_and_changes_nothing(lab):
    before = kernel_snapshot((None, lab["A"], lab["B"]))
    normal = run_module("ipvlan_info")
    checked = run_module("ipvlan_info", check=True)
    assert checked["changed"] is False
    assert ours(checked, lab) == ours(normal, lab)
    assert kernel_snapshot((None, lab["A"], lab["B"])) == before


@pytest.mark.ipvlan
def test_netns_filter_reports_slaves_there_with_masters_anywhere(lab):
    result = run_module("ipvlan_info", {"netns": [lab["A"]]})
    assert result["namespaces"] == [lab["A"]]
    assert [(p["master_netns"], p["master"], [x["name"] for x in p["links"]])
            for p in result["ports"]] == [
        (None, lab["HM"], [lab["A1"]]), (lab["B"], lab["BM"], [lab["A2"]])]
    host = run_module("ipvlan_info", {"netns": [""]})
    assert host["namespaces"] == []
    got = ours(host, lab)
    assert [x["name"] for x in got[(None, lab["HM"])]["links"]] == [lab["H1"]]
    assert [x["name"] for x in got[(lab["B"], lab["BM"])]["links"]] == [lab["HT"]]


@pytest.mark.ipvlan
def test_master_in_an_unnamed_namespace_is_unresolved(make_netns, make_veth):
    """A namespace kept alive only by an open fd has no name: the slave is
    reported under `unresolved`, not as a port with a null master."""
    home = make_netns("iiu")
    hidden = make_netns("iih")
    master = make_veth(netns=hidden)
    slave = "iis" + uuid.uuid4().hex[:8]
    ip("link", "add", "link", master, "name", slave, "type", "ipvlan", "mode", "l3",
       "bridge", netns=hidden)
    ip("link", "set", slave, "netns", home, netns=hidden)
    fd = os.open("/run/netns/" + hidden, os.O_RDONLY)
    try:
        ip("netns", "del", hidden)
        result = run_module("ipvlan_info", {"netns": [home]})
        assert not result.get("failed"), result.get("msg")
        assert result["ports"] == []
        [item] = result["unresolved"]
        assert (item["name"], item["netns"], item["mode"], item["flags"]) == (
            slave, home, "l3", "bridge")
        assert item["master_link_netnsid"] == ip_json("link", "show", "dev", slave,
                                                      netns=home)[0]["link_netnsid"]
    finally:
        os.close(fd)


def test_missing_namespace_is_a_clear_error(make_netns):
    present = make_netns("iiq")
    missing = "iimissing" + uuid.uuid4().hex[:6]
    before = kernel_snapshot((None, present))
    result = run_module("ipvlan_info", {"netns": [present, missing]})
    assert result.get("failed") is True
    assert "'%s' does not exist" % missing in result["msg"]
    assert "Traceback" not in result["msg"] and "exception" not in result
    assert kernel_snapshot((None, present)) == before  # nor was it created


def test_invalid_namespace_name_is_a_clear_error():
    result = run_module("ipvlan_info", {"netns": ["../etc"]})
    assert result.get("failed") is True and result["msg"].startswith("netns:")


def test_namespace_without_ipvlan_has_no_ports(make_netns, make_veth):
    netns = make_netns("iie")
    make_veth(netns=netns)
    for check in (False, True):
        result = run_module("ipvlan_info", {"netns": [netns]}, check=check)
        assert result == dict(result, changed=False, ports=[], namespaces=[netns], unresolved=[])


def test_default_looks_in_every_named_namespace(make_netns):
    names = [make_netns("iin"), make_netns("iin")]
    result = run_module("ipvlan_info")
    assert not result.get("failed"), result.get("msg")
    assert set(names) <= set(result["namespaces"])
    assert result["namespaces"] == sorted(result["namespaces"])


def test_stale_run_netns_entry_is_skipped_with_a_warning(make_netns):
    real = make_netns("iir")
    stale = "iistale" + uuid.uuid4().hex[:6]
    path = "/run/netns/" + stale
    open(path, "w").close()  # as left behind when the bind mount is gone
    try:
        result = run_module("ipvlan_info")
        assert not result.get("failed"), result.get("msg")
        assert real in result["namespaces"] and stale not in result["namespaces"]
        # ansible-core 2.19 returns warnings as structured events
        assert stale in str(result.get("warnings"))
        listed = run_module("ipvlan_info", {"netns": [stale]})
        assert listed.get("failed") is True and stale in listed["msg"]
    finally:
        os.unlink(path)
