"""ports: gathering ipvlan ports from plain dumps, without a kernel or root.

A fake driver serves canned dumps in the shape messages.parse_* produce and
answers RTM_GETNSID from a table, so both the assembly (build_ports) and the
cross-namespace resolution in gather() run here."""

import pytest
from ansible_collections.linuxnet.ipvlan.tests.unit.plugins.module_utils.fakes import addr_fields, route_fields

from ansible_collections.linuxnet.ipvlan.plugins.module_utils.facts import gather as ports
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.kernel import devices
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model.errors import (
    IpvlanError,
    KernelError,
    NamespaceNotFound,
    ValidationError,
)
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.resources import ipvlan_info
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model import routes

LOOPBACK, ETHER = 772, 1
# a slave carries its master's MAC address
ETH0, ETH1, VETH9 = "52:54:00:00:00:02", "52:54:00:00:00:03", "02:00:00:00:09:04"


def link(netns, name, ifindex, kind=None, parent=None, nsid=None, mode=None, flags=None,
         up=True, mtu=1500, ltype=ETHER, mac=ETH0):
    item = {"netns": netns, "name": name, "ifindex": ifindex, "kind": kind, "type": ltype,
            "up": up, "mtu": mtu, "mac": mac, "master_index": None, "parent_index": parent,
            "parent_nsid": nsid}
    if kind in ("ipvlan", "ipvtap"):
        item["mode"], item["flags"] = mode, flags
    return item


def lo(netns, up=True):
    return link(netns, "lo", 1, up=up, mtu=65536, ltype=LOOPBACK, mac="00:00:00:00:00:00")


def addr(netns, ifindex, text, scope="global"):
    return {"netns": netns, "ifindex": ifindex, "family": 6 if ":" in text else 4,
            "address": text, "scope": scope}


def route(netns, oif, dst, gateway=None, metric=0, table=254, proto=3, rtype=1,
          scope="global", src=None, multipath=False):
    return {"netns": netns, "family": 6 if ":" in dst else 4, "table": table, "dst": dst,
            "metric": metric, "gateway": gateway, "oif": oif, "src": src, "scope": scope,
            "type": rtype, "proto": proto, "multipath": multipath}


class FakeSession(object):
    def __init__(self, netns, world):
        self.netns = netns
        self.world = world

    def _part(self, kind):
        self.world.reads.append((self.netns, kind))
        return self.world.dumps[self.netns][kind]

    def links(self):
        return self._part("links")

    def links_of_kind(self, kinds):
        self.world.reads.append((self.netns, "links of kind"))
        return [x for x in self.world.dumps[self.netns]["links"] if x["kind"] in kinds]

    def loopback(self):
        return next((x for x in self.world.dumps[self.netns]["links"]
                     if x["type"] == LOOPBACK), None)

    def addresses(self, keep=None):
        return [a for a in self._part("addresses") if keep is None or keep(addr_fields(a))]

    def routes(self, table=None, keep=None, unicast=False):
        return [r for r in self._part("routes") if (table is None or r["table"] == table)
                and (not unicast or r["type"] == 1)
                and (keep is None or keep(route_fields(r)))]

    def nsid(self, fd, key):
        if fd == "stale":
            raise KernelError("get nsid", 22, "%s is not a namespace" % key)
        return self.world.nsids.get(self.netns, {}).get(fd)


class FakeDriver(object):
    """`dumps`: {netns: {"links", "addresses", "routes"}}; `nsids`:
    {netns: {other netns: id}}; `stale`: names under /run/netns that are not
    namespaces; `hidden`: namespaces that exist but have no name."""

    def __init__(self, dumps, nsids=None, stale=(), hidden=()):
        self.dumps = dumps
        self.nsids = nsids or {}
        self.stale = set(stale)
        self.hidden = set(hidden)
        self.reads = []
        self.opened = []

    def namespaces(self):
        names = [n for n in self.dumps if n is not None and n not in self.hidden]
        return sorted(names + list(self.stale))

    def fd(self, netns, field="netns"):
        if netns in self.stale:
            return "stale"
        if netns is not None and (netns not in self.dumps or netns in self.hidden):
            raise NamespaceNotFound(netns, field)
        return netns

    def session(self, netns, field="netns"):
        if self.fd(netns, field) == "stale":
            raise IpvlanError("/run/netns/%s is not a network namespace (setns: EINVAL)" % netns)
        self.opened.append(netns)
        return FakeSession(netns, self)


def dump(links, addresses=(), routes=()):
    return {"links": list(links), "addresses": list(addresses), "routes": list(routes)}


@pytest.fixture
def world():
    """Two masters in the host (eth0: l2 bridge, eth1: l3s private) and one in
    ns1 (veth9, l3 vepa); slaves in the host, ns0 and ns1; one ipvtap."""
    host = dump(
        [lo(None), link(None, "eth0", 2), link(None, "eth1", 3, mac=ETH1),
         link(None, "hvl0", 7, "ipvlan", parent=2, mode="l2", flags="bridge"),
         link(None, "htap0", 8, "ipvtap", parent=3, mode="l3s", flags="private", mac=ETH1),
         link(None, "fromns1", 9, "ipvlan", parent=4, nsid=1, mode="l3", flags="vepa",
              mac=VETH9)],
        [addr(None, 1, "127.0.0.1/8", "host"), addr(None, 2, "192.0.2.1/24"),
         addr(None, 7, "192.0.2.7/24"), addr(None, 7, "fe80::5054:ff:feaa:bb01/64", "link")],
        [route(None, 2, "0.0.0.0/0", gateway="192.0.2.254"),
         route(None, 7, "192.0.2.0/24", proto=2, scope="link", src="192.0.2.7")],
    )
    ns0 = dump(
        [lo("ns0"),
         link("ns0", "ipvl0", 2, "ipvlan", parent=2, nsid=0, mode="l2", flags="bridge"),
         link("ns0", "ipvl1", 3, "ipvlan", parent=3, nsid=0, mode="l3s", flags="private",
              up=False, mac=ETH1),
         # ipvtap has no get_link_net: dumped without IFLA_LINK_NETNSID
         link("ns0", "ipvtap9", 4, "ipvtap", parent=4, mode="l3", flags="vepa", mtu=1400,
              mac=VETH9)],
        [addr("ns0", 1, "127.0.0.1/8", "host"), addr("ns0", 1, "::1/128", "host"),
         addr("ns0", 2, "10.0.0.10/24"), addr("ns0", 2, "2001:db8::10/64"),
         addr("ns0", 2, "fe80::5054:ff:feaa:bb01/64", "link")],
        [route("ns0", 2, "0.0.0.0/0", gateway="10.0.0.1"),
         route("ns0", 2, "10.0.0.0/24", proto=2, scope="link", src="10.0.0.10"),
         route("ns0", 2, "10.9.0.0/16", gateway="10.0.0.1", metric=7, table=100),
         route("ns0", 2, "10.0.0.10/32", table=255, proto=2, rtype=2, scope="host"),
         route("ns0", 2, "2001:db8::/64", metric=256, proto=2),
         route("ns0", 2, "fe80::/64", metric=256, proto=2),
         route("ns0", 2, "2001:db8:9::/48", gateway="2001:db8::1", metric=1024),
         route("ns0", 2, "::/0", gateway="fe80::1", metric=1024, proto=9),
         route("ns0", 2, "ff00::/8", metric=256, table=255, proto=2, rtype=5),
         route("ns0", 2, "10.8.0.0/16", scope="link"),
         route("ns0", 2, "10.7.0.0/16", rtype=6, scope="link"),
         route("ns0", 3, "10.1.0.0/16", gateway="10.0.0.1")],
    )
    ns1 = dump(
        [lo("ns1", up=False), link("ns1", "veth9", 4, mac=VETH9),
         link("ns1", "ns1vl", 5, "ipvlan", parent=4, mode="l3", flags="vepa", mac=VETH9)],
    )
    nsids = {None: {"ns1": 1, "ns0": 2}, "ns0": {None: 0, "ns1": 1}, "ns1": {None: 0}}
    return FakeDriver({None: host, "ns0": ns0, "ns1": ns1}, nsids)


def by_master(result):
    return dict(((p["master_netns"], p["master"]), p) for p in result["ports"])


def test_ports_are_grouped_by_master_across_namespaces(world):
    result = ports.gather(world)
    assert [(p["master_netns"], p["master"]) for p in result["ports"]] == [
        (None, "eth0"), (None, "eth1"), ("ns1", "veth9")]
    found = by_master(result)
    assert [(x["netns"], x["name"]) for x in found[(None, "eth0")]["links"]] == [
        (None, "hvl0"), ("ns0", "ipvl0")]
    assert [(x["netns"], x["name"]) for x in found[(None, "eth1")]["links"]] == [
        (None, "htap0"), ("ns0", "ipvl1")]
    assert [(x["netns"], x["name"]) for x in found[("ns1", "veth9")]["links"]] == [
        (None, "fromns1"), ("ns0", "ipvtap9"), ("ns1", "ns1vl")]
    assert (found[(None, "eth0")]["mode"], found[(None, "eth0")]["flags"]) == ("l2", "bridge")
    assert (found[(None, "eth1")]["mode"], found[(None, "eth1")]["flags"]) == ("l3s", "private")
    assert (found[("ns1", "veth9")]["mode"], found[("ns1", "veth9")]["flags"]) == ("l3", "vepa")
    assert result["namespaces"] == ["ns0", "ns1"]
    assert result["unresolved"] == []


def test_port_keys_are_the_topology_config_keys(world):
    port = by_master(ports.gather(world))[(None, "eth0")]
    assert sorted(port) == ["flags", "links", "master", "master_netns", "mode", "vlan"]
    assert port["vlan"] is None
    assert port["links"][1] == {
        "name": "ipvl0", "kind": "ipvlan", "netns": "ns0", "ifindex": 2, "up": True,
        "mtu": 1500, "mac": ETH0, "loopback": True,
        "addresses": ["10.0.0.10/24", "2001:db8::10/64"],
        "routes": [{"dst": "default", "gateway": "10.0.0.1"},
                   {"dst": "10.9.0.0/16", "gateway": "10.0.0.1", "metric": 7, "table": 100},
                   {"dst": "2001:db8:9::/48", "gateway": "2001:db8::1"},
                   {"dst": "10.8.0.0/16"}],
        "tap": None,
    }


def test_host_link_has_no_loopback_and_no_link_local(world):
    host_link = by_master(ports.gather(world))[(None, "eth0")]["links"][0]
    assert host_link["loopback"] is None
    assert host_link["addresses"] == ["192.0.2.7/24"]
    assert host_link["routes"] == []  # only a connected (proto kernel) route


def test_loopback_down_or_without_address_is_false(world):
    links = by_master(ports.gather(world))[("ns1", "veth9")]["links"]
    assert [x["loopback"] for x in links] == [None, True, False]
    world.dumps["ns0"]["addresses"] = [a for a in world.dumps["ns0"]["addresses"]
                                       if a["ifindex"] != 1]
    links = by_master(ports.gather(world))[("ns1", "veth9")]["links"]
    assert links[1]["loopback"] is False


def test_ipvtap_reports_its_tap_device(world, monkeypatch):
    nodes = {4: {"uid": 0, "gid": 0, "mode": 0o660}}
    monkeypatch.setattr(devices, "read", lambda index, name: nodes.get(index))
    found = by_master(ports.gather(world))
    link = found[("ns1", "veth9")]["links"][1]
    assert (link["kind"], link["mtu"]) == ("ipvtap", 1400)
    assert link["tap"] == {"path": "/dev/tap4", "owner": "root", "group": "root", "mode": "0660"}
    # no node (yet): the path, nothing else
    assert found[(None, "eth1")]["links"][0]["tap"] == {
        "path": "/dev/tap8", "owner": None, "group": None, "mode": None}


def test_each_namespace_is_read_once(world):
    ports.gather(world)
    # the slaves by kind, their addresses and routes, in each; every link
    # where masters are looked for: the host and ns1 hold them, and ns0's
    # ipvtap (dumped without IFLA_LINK_NETNSID) may have its master in ns0
    assert sorted(set(world.reads), key=str) == sorted(
        [(ns, kind) for ns in (None, "ns0", "ns1")
         for kind in ("links of kind", "links", "addresses", "routes")], key=str)
    assert len([r for r in world.reads if r[1] != "links"]) == 9


def test_whole_link_dumps_serve_the_slaves_when_the_caller_reads_them_anyway(world):
    ports.gather(world, whole=True)
    # every link is read before the slaves are asked for, so the session
    # serves them from that dump (driver.Session.links_of_kind)
    for ns in (None, "ns0", "ns1"):
        assert world.reads.index((ns, "links")) < world.reads.index((ns, "links of kind"))


def test_a_namespace_without_slaves_has_only_its_links_read():
    world = FakeDriver({None: {"links": [lo(None), link(None, "eth0", 2)],
                               "addresses": [addr(None, 2, "10.0.0.1/24")],
                               "routes": [route(None, 2, "0.0.0.0/0", "10.0.0.254")]}})
    assert ports.gather(world)["ports"] == []
    assert world.reads == [(None, "links of kind")]


def test_filter_reports_only_slaves_in_the_listed_namespaces(world):
    result = ports.gather(world, ["ns0"])
    assert result["namespaces"] == ["ns0"]
    assert [(p["master_netns"], p["master"], [x["name"] for x in p["links"]])
            for p in result["ports"]] == [
        (None, "eth0", ["ipvl0"]), (None, "eth1", ["ipvl1"]), ("ns1", "veth9", ["ipvtap9"])]
    # masters outside the filter are named from their link list alone
    assert set(world.reads) == {("ns0", "links of kind"), ("ns0", "addresses"),
                                ("ns0", "routes"), (None, "links"), ("ns1", "links"),
                                ("ns0", "links")}  # ns0's ipvtap: own namespace first


def test_filter_empty_string_and_none_mean_the_host(world):
    for host in ("", None):
        result = ports.gather(world, [host, "ns1", "ns1"])
        assert result["namespaces"] == ["ns1"]
        names = sorted(x["name"] for p in result["ports"] for x in p["links"])
        assert names == ["fromns1", "htap0", "hvl0", "ns1vl"]


def test_missing_namespace_is_named_before_anything_is_read(world):
    with pytest.raises(NamespaceNotFound) as info:
        ports.gather(world, ["ns0", "nope"])
    assert "'nope'" in str(info.value) and "netns" in str(info.value)
    assert world.reads == []


def test_bad_namespace_name_is_a_validation_error(world):
    with pytest.raises(ValidationError) as info:
        ports.gather(world, ["../etc"])
    assert info.value.field == "netns"


def test_stale_entry_is_skipped_with_a_warning_when_not_listed(world):
    world.stale.add("aaa-stale")  # sorts first: also the first master candidate
    warnings = []
    result = ports.gather(world, warn=warnings.append)
    assert result["namespaces"] == ["ns0", "ns1"]
    assert len(result["ports"]) == 3 and result["unresolved"] == []
    assert len(warnings) == 1 and "aaa-stale" in warnings[0]


def test_stale_entry_is_an_error_when_listed(world):
    world.stale.add("aaa-stale")
    with pytest.raises(IpvlanError):
        ports.gather(world, ["aaa-stale"])
    result = ports.gather(world, ["ns0"])  # and no obstacle to resolving masters
    assert len(result["ports"]) == 3


def test_master_in_an_unnamed_namespace_is_unresolved(world):
    world.hidden.add("ns1")
    result = ports.gather(world)
    assert result["namespaces"] == ["ns0"]
    assert [p["master"] for p in result["ports"]] == ["eth0", "eth1"]
    assert [(x["netns"], x["name"], x["master_ifindex"], x["master_link_netnsid"],
             x["mode"], x["flags"]) for x in result["unresolved"]] == [
        (None, "fromns1", 4, 1, "l3", "vepa"), ("ns0", "ipvtap9", 4, None, "l3", "vepa")]
    assert result["unresolved"][1]["tap"]["path"] == "/dev/tap4"


def test_ipvtap_without_netnsid_is_matched_by_index_and_mac(world):
    """ipvtap9 in ns0 points at index 4 without saying where: ns0's index 4
    is itself, the host has none, ns1's veth9 has index 4 and its MAC."""
    found = by_master(ports.gather(world))
    assert ("ns0", "ipvtap9") in [(x["netns"], x["name"]) for x in found[("ns1", "veth9")]["links"]]
    # the same index with another MAC in the slave's own namespace is not it
    world.dumps["ns0"]["links"][3]["ifindex"] = 6
    world.dumps["ns0"]["links"].append(link("ns0", "other", 4, mac="02:00:00:00:00:66"))
    found = by_master(ports.gather(world))
    assert [x["name"] for x in found[("ns1", "veth9")]["links"]] == ["fromns1", "ipvtap9", "ns1vl"]
    assert found[("ns1", "veth9")]["links"][1]["tap"]["path"] == "/dev/tap6"


def test_ipvtap_with_its_masters_index_has_no_parent_index(world):
    """The kernel leaves IFLA_LINK out when it equals the link's own index."""
    world.dumps["ns0"]["links"][3].update(ifindex=4, parent_index=None)
    found = by_master(ports.gather(world))
    assert ("ns0", "ipvtap9") in [(x["netns"], x["name"]) for x in found[("ns1", "veth9")]["links"]]


def test_ipvtap_without_netnsid_and_two_matches_is_unresolved(world):
    world.dumps[None]["links"].append(link(None, "twin", 4, mac=VETH9))
    result = ports.gather(world)
    assert [x["name"] for x in result["unresolved"]] == ["ipvtap9"]


def test_ipvtap_in_its_masters_namespace(world):
    found = by_master(ports.gather(world))
    assert [x["name"] for x in found[(None, "eth1")]["links"]] == ["htap0", "ipvl1"]


def test_master_gone_is_unresolved(world):
    world.dumps[None]["links"] = [x for x in world.dumps[None]["links"] if x["name"] != "eth1"]
    result = ports.gather(world)
    assert sorted(x["name"] for x in result["unresolved"]) == ["htap0", "ipvl1"]


def test_no_ipvlan_links_no_ports():
    driver = FakeDriver({None: dump([lo(None), link(None, "eth0", 2)]),
                         "empty": dump([lo("empty", up=False)])})
    assert ports.gather(driver) == {"ports": [], "namespaces": ["empty"], "unresolved": []}


def test_engine_reports_unchanged(world):
    for check in (False, True):
        result = ipvlan_info.engine(world, {"netns": None}, check)
        assert result["changed"] is False
        assert len(result["ports"]) == 3


@pytest.mark.parametrize("item, expected", [
    (route(None, 1, "0.0.0.0/0", gateway="10.0.0.1"), {"dst": "default", "gateway": "10.0.0.1"}),
    (route(None, 1, "0.0.0.0/0", scope="link"), {"dst": "default"}),
    (route(None, 1, "::/0", gateway="fe80::1", metric=1024), {"dst": "default", "gateway": "fe80::1"}),
    (route(None, 1, "::/0", metric=1024), {"dst": "::/0"}),
    (route(None, 1, "10.1.0.0/16", scope="link", metric=5, src="10.0.0.10"),
     {"dst": "10.1.0.0/16", "metric": 5, "src": "10.0.0.10"}),
    (route(None, 1, "10.1.0.1/32", scope="host"), {"dst": "10.1.0.1/32", "scope": "host"}),
    (route(None, 1, "10.1.0.0/16", gateway="10.0.0.1", scope="link", table=100),
     {"dst": "10.1.0.0/16", "gateway": "10.0.0.1", "table": 100, "scope": "link"}),
    (route(None, 1, "2001:db8:0:0::/64", metric=100),
     {"dst": "2001:db8::/64", "metric": 100}),
])
def test_route_entry_keeps_only_what_differs_from_defaults(item, expected):
    assert routes.as_config(item) == expected


@pytest.mark.parametrize("item, keep", [
    (route(None, 1, "10.0.0.0/24", proto=2, scope="link"), False),  # connected
    (route(None, 1, "::/0", gateway="fe80::1", proto=9), False),  # router advertisement
    (route(None, 1, "10.0.0.10/32", table=255, rtype=2, scope="host"), False),  # local
    (route(None, 1, "10.0.0.0/8", rtype=6), False),  # prohibit
    (route(None, 1, "10.0.0.0/8", multipath=True), False),
    (route(None, 1, "10.0.0.0/8", proto=4), True),  # static
    (route(None, 1, "10.0.0.0/8", proto=16, table=100), True),  # dhcp, other table
])
def test_which_routes_count_as_configured(item, keep):
    assert routes.is_configured(item) is keep


def test_address_text_normalises_and_drops_link_local():
    assert ports.address_text(addr(None, 1, "2001:DB8:0::10/64")) == "2001:db8::10/64"
    assert ports.address_text(addr(None, 1, "fe80::1/64", "link")) is None
    assert ports.address_text(addr(None, 1, "febf::1/64")) is None  # still fe80::/10
    assert ports.address_text(addr(None, 1, "fec0::1/64")) == "fec0::1/64"


def test_output_is_stable_whatever_the_dump_order(world):
    first = ports.gather(world)
    for netns in world.dumps:
        for part in world.dumps[netns].values():
            part.reverse()
    world.reads = []
    again = ports.gather(FakeDriver(world.dumps, world.nsids))
    assert [(p["master"], [x["name"] for x in p["links"]]) for p in again["ports"]] == \
        [(p["master"], [x["name"] for x in p["links"]]) for p in first["ports"]]
