"""The inverse of each operation, worked out from the state before it
(rollback.Model), and what verification expects after a plan. Plain data:
no kernel (tests/integration/test_rollback.py checks the kernel)."""

import ipaddress

import pytest

from ansible_collections.linuxnet.ipvlan.tests.unit.plugins.module_utils.fakes import (
    make_op,  # noqa: E402
    FakeDriver,
    FakeSession,
    link,
)

from ansible_collections.linuxnet.ipvlan.plugins.module_utils.ops import snapshot as rb  # noqa: E402
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.ops import transaction  # noqa: E402
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.ops import snapshot
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.ops import base

IF = ipaddress.ip_interface


def route(dst, gateway=None, oif=3, src=None, proto=3, metric=0):
    return {"family": 4, "table": 254, "dst": dst, "metric": metric, "gateway": gateway,
            "oif": oif, "src": src, "scope": "global" if gateway else "link", "type": 1,
            "proto": proto, "multipath": False}


def model():
    slave = link("s1", "ns0", ifindex=3, kind="ipvlan", mode="l2", flags="bridge", mtu=1500)
    slave["noarp"] = False
    space = rb.space_of([link("lo", "ns0", ifindex=1, type_=772), slave],
                        [{"ifindex": 3, "address": "10.0.0.1/24"},
                         {"ifindex": 3, "address": "fe80::1/64"}],
                        [route("0.0.0.0/0", "10.0.0.254"), route("10.0.0.0/24", proto=2)])
    space["links"]["s1"]["master"] = (None, "eth0")
    return snapshot.Snapshot(["ns0"], {"ns0": space})


def lines(ops):
    return [op.line() for op in ops]


def test_inverse_of_a_created_namespace_and_link_deletes_them():
    m = model()
    assert lines(m.inverse(None, make_op(None, "netns_add", "add netns x", name="x"))) == \
        ["(host): delete netns x"]
    add = make_op(None, "link_add", "add", name="s2", kind="ipvlan", parent="eth0", parent_netns=None,
                  target_netns="ns0", mode="l2", flags="bridge", mtu=None, up=True)
    alone = FakeDriver([FakeSession(None, [link("eth0", ifindex=2)]), FakeSession("ns0")])
    assert lines(m.inverse(alone, add)) == ["ns0: delete ipvlan s2"]
    # in its port's mode: the siblings are not touched
    driver = port_world()
    same = make_op(None, "link_add", "add", name="s2", kind="ipvlan", parent="eth0", parent_netns=None,
                   target_netns="ns0", mode="l3", flags="bridge", mtu=None, up=True)
    assert lines(snapshot.Snapshot.read(driver, [same]).inverse(driver, same)) == ["ns0: delete ipvlan s2"]


@pytest.mark.parametrize("mode,noarp", [("l2", ["(host): set link fx0 arp on (NOARP as before "
                                                "the run)"]), ("l3", [])])
def test_a_slave_added_in_another_mode_switched_the_port_which_is_switched_back(mode, noarp):
    # ipvlan_link force: true adds s2 as l2 vepa to an l3 bridge port: the
    # kernel switches fx0 and s1 too; deleting s2 leaves them switched
    driver = port_world()
    add = make_op(None, "link_add", "add", name="s2", kind="ipvlan", parent="eth0", parent_netns=None,
                  target_netns="ns0", mode=mode, flags="vepa", mtu=None, up=True)
    ops = snapshot.Snapshot.read(driver, [add]).inverse(driver, add)
    assert lines(ops) == ["ns0: delete ipvlan s2",
                          "(host): set link fx0 mode l3 bridge (the port's mode before the run)"
                          ] + noarp
    assert ops[1].args == {"name": "fx0", "kind": "ipvlan", "mode": "l3", "flags": "bridge"}


def test_a_deleted_namespace_cannot_be_restored():
    with pytest.raises(base.NotRestorable):
        model().inverse(None, make_op(None, "netns_del", "delete netns ns0", name="ns0"))


def test_inverse_of_a_deleted_slave_recreates_it_with_its_addresses_and_routes():
    ops = model().inverse(None, make_op("ns0", "link_del", "delete ipvlan s1", name="s1"))
    assert lines(ops) == [
        "(host): add ipvlan s1 link eth0 mode l2 bridge mtu 1500 netns ns0 up",
        "ns0: replace address 10.0.0.1/24 dev s1",
        "ns0: replace route default via 10.0.0.254 dev s1",
    ]
    assert ops[2].args["route"]["proto"] == 3


def test_inverse_of_a_move_moves_back_brings_up_and_restores_l3():
    ops = model().inverse(None, make_op("ns0", "link_set", "move", name="s1", to_netns="ns1"))
    assert lines(ops)[:2] == ["ns1: move link s1 to netns ns0", "ns0: set link s1 up"]
    assert "ns0: replace address 10.0.0.1/24 dev s1" in lines(ops)


HOST_ID = 0  # the host's nsid as the slaves' namespaces see it


def port_world(fx0_noarp=False, s1=None):
    """The host's eth0 (index 2) is the master of fx0 (host, l3, down) and
    s1 (ns0, l3, up: the kernel gave it NOARP when it came up)."""
    fx0 = link("fx0", None, ifindex=4, kind="ipvlan", mode="l3", flags="bridge",
               parent_index=2, up=False)
    fx0["noarp"] = fx0_noarp
    if s1 is None:
        s1 = link("s1", "ns0", ifindex=3, kind="ipvlan", mode="l3", flags="bridge",
                  parent_index=2, parent_nsid=HOST_ID)
        s1["noarp"] = True
    host = FakeSession(None, [link("lo", ifindex=1, type_=772), link("eth0", ifindex=2), fx0])
    ns0 = FakeSession("ns0", [link("lo", "ns0", ifindex=1, type_=772), s1],
                      nsids={None: HOST_ID})
    return FakeDriver([host, ns0])


def test_inverse_of_a_change_in_place_sets_the_old_values():
    op = make_op("ns0", "link_set", "set", name="s1", kind="ipvlan", mode="l3", flags="vepa",
                 mtu=1400, up=False)
    # taking s1 down drops the route through it: its undo puts it back
    assert lines(model().inverse(port_world(), op)) == [
        "ns0: set link s1 mode l2 bridge mtu 1500 up",
        "ns0: replace route default via 10.0.0.254 dev s1"]


@pytest.mark.parametrize("noarp,restored", [(False, ["(host): set link fx0 arp on (NOARP as "
                                                     "before the run)"]), (True, [])])
def test_undoing_a_port_mode_change_gives_each_slave_its_noarp_back(noarp, restored):
    # ipvlan_set_port_mode() sets IFF_NOARP on every slave of a port going
    # l3; fx0, created down, never had it (lab, 6.1): put it back as read,
    # in whichever namespace the slave is, touched by the plan or not
    driver = port_world(fx0_noarp=noarp)
    op = make_op("ns0", "link_set", "set port", name="s1", kind="ipvlan", mode="l2", flags="bridge")
    ops = snapshot.Snapshot.read(driver, [op]).inverse(driver, op)
    assert lines(ops) == ["ns0: set link s1 mode l3 bridge"] + restored
    assert [x.args["noarp"] for x in ops[1:]] == [False] * len(restored)


def test_undoing_a_flags_only_change_leaves_noarp_alone():
    driver = port_world()  # the kernel changes NOARP with the mode, not with the flags
    op = make_op("ns0", "link_set", "set port", name="s1", kind="ipvlan", mode="l3", flags="vepa")
    assert lines(snapshot.Snapshot.read(driver, [op]).inverse(driver, op)) == [
        "ns0: set link s1 mode l3 bridge"]


def test_undoing_up_gives_the_slave_its_noarp_back():
    # ipvlan_open() sets NOARP from the mode; a slave created down lacks it
    s1 = link("s1", "ns0", ifindex=3, kind="ipvlan", mode="l3", flags="bridge",
              parent_index=2, parent_nsid=HOST_ID, up=False)
    s1["noarp"] = False
    driver = port_world(s1=s1)
    op = make_op("ns0", "link_set", "set link s1 up", name="s1", up=True)
    assert lines(snapshot.Snapshot.read(driver, [op]).inverse(driver, op)) == [
        "ns0: set link s1 down", "ns0: set link s1 arp on (NOARP as before the run)"]


def test_a_slave_moved_back_and_up_gets_the_noarp_it_had():
    s1 = link("s1", "ns0", ifindex=3, kind="ipvlan", mode="l3", flags="bridge",
              parent_index=2, parent_nsid=HOST_ID)
    s1["noarp"] = False  # 'ip link set s1 arp on' after it came up
    driver = port_world(s1=s1)
    op = make_op("ns0", "link_set", "move", name="s1", to_netns="ns1")
    assert lines(snapshot.Snapshot.read(driver, [op]).inverse(driver, op))[:3] == [
        "ns1: move link s1 to netns ns0", "ns0: set link s1 up",
        "ns0: set link s1 arp on (NOARP as before the run)"]


def test_a_slave_recreated_down_gets_the_noarp_it_had():
    driver = port_world(fx0_noarp=True)  # went down after being up in l3: NOARP kept
    op = make_op(None, "link_del", "delete ipvlan fx0", name="fx0")
    assert lines(snapshot.Snapshot.read(driver, [op]).inverse(driver, op)) == [
        "(host): add ipvlan fx0 link eth0 mode l3 bridge mtu 1500",
        "(host): set link fx0 arp off (NOARP as before the run)"]


def test_inverse_of_lo_up_takes_the_kernels_address_too():
    m = model()
    m.space("ns0")["links"]["lo"]["up"] = False
    ops = m.inverse(None, make_op("ns0", "link_set", "set link lo up", name="lo", up=True))
    assert lines(ops) == ["ns0: set link lo down", "ns0: delete address 127.0.0.1/8 dev lo"]
    assert ops[1].args["missing_ok"] is True


def test_inverse_of_address_ops():
    m = model()
    add = make_op("ns0", "addr_add", "add", dev="s1", address=IF("10.0.0.2/24"))
    assert lines(m.inverse(None, add)) == ["ns0: delete address 10.0.0.2/24 dev s1"]
    again = make_op("ns0", "addr_replace", "replace", dev="s1", address=IF("10.0.0.1/24"))
    assert m.inverse(None, again) == []
    delete = make_op("ns0", "addr_del", "delete", dev="s1", address=IF("10.0.0.1/24"))
    assert lines(m.inverse(None, delete)) == ["ns0: replace address 10.0.0.1/24 dev s1",
                                              "ns0: replace route default via 10.0.0.254 dev s1"]


def spec(dst, gateway=None, metric=0):
    return {"dst": ipaddress.ip_network(dst), "gateway": gateway and ipaddress.ip_address(gateway),
            "dev": "s1", "metric": metric, "table": 254, "src": None, "scope": None}


def test_inverse_of_route_ops():
    m = model()
    new = make_op("ns0", "route_add", "add", route=spec("192.0.2.0/24", "10.0.0.254"))
    assert lines(m.inverse(None, new)) == ["ns0: delete route 192.0.2.0/24 via 10.0.0.254 dev s1"]
    replace = make_op("ns0", "route_replace", "replace", route=spec("0.0.0.0/0", "10.0.0.9"))
    assert lines(m.inverse(None, replace)) == ["ns0: replace route default via 10.0.0.254 dev s1"]
    delete = make_op("ns0", "route_del", "delete", route=spec("0.0.0.0/0", "10.0.0.254"))
    assert lines(m.inverse(None, delete)) == ["ns0: replace route default via 10.0.0.254 dev s1"]


def test_inverse_of_alias_and_ipv6_settings_restores_the_old_values():
    m = model()
    settings = {"enabled": True, "accept_ra": 1, "addr_gen_mode": "eui64"}
    m.link("ns0", "s1").update(alias=None, ipv6=settings)
    mark = make_op("ns0", "link_alias", "set link s1 alias x", name="s1", alias="x")
    assert lines(m.inverse(None, mark)) == ["ns0: set link s1 alias ''"]
    off = make_op("ns0", "ipv6_sysctl", "set", name="s1", values={"disable_ipv6": 1, "accept_ra": 0})
    assert [(op.line(), op.args["values"]) for op in m.inverse(None, off)] == [
        ("ns0: set sysctl net.ipv6.conf.s1 disable_ipv6 0, accept_ra 1",
         {"disable_ipv6": 0, "accept_ra": 1})]
    gen = make_op("ns0", "ipv6_addr_gen_mode", "set", name="s1", mode="none")
    assert lines(m.inverse(None, gen)) == ["ns0: set link s1 addrgenmode eui64"]
    # a link made by this run: deleting it undoes its settings
    made = make_op("ns0", "ipv6_sysctl", "set", name="new0", values={"disable_ipv6": 1})
    assert m.inverse(None, made) == []


def test_inverse_of_a_vlan_created_deletes_it():
    add = make_op(None, "vlan_add", "add vlan eth0.10", name="eth0.10", link="eth0", id=10,
                  protocol="802.1q")
    assert lines(model().inverse(None, add)) == ["(host): delete vlan eth0.10"]


def test_the_model_follows_applied_ops():
    m = model()
    m.applied(make_op("ns0", "link_set", "move", name="s1", to_netns="ns1"))
    assert m.link("ns0", "s1") is None and m.link("ns1", "s1")["up"] is False
    # a move drops the link's addresses and routes
    assert m.spaces["ns0"]["routes"] == [] and "s1" not in m.spaces["ns0"]["addresses"]


def test_compare_names_what_differs():
    before, after = model(), model()
    after.spaces["ns0"]["links"]["s1"]["mtu"] = 1400
    after.spaces["ns0"]["links"]["s1"]["noarp"] = True
    after.spaces["ns0"]["addresses"]["s1"].append(IF("10.0.0.7/24"))
    after.spaces["ns0"]["routes"] = []
    assert rb.compare(before, after, ["ns0"]) == [
        "ns0: link s1 mtu is 1400, was 1500",
        "ns0: link s1 noarp is True, was False",
        "ns0: address 10.0.0.7/24 dev s1 is still there",
        "ns0: route default via 10.0.0.254 dev s1 is missing",
    ]


def test_verification_expects_the_last_word_on_each_object():
    plan = [make_op(None, "netns_add", "add netns ns9", name="ns9"),
            make_op(None, "link_add", "add", name="s9", kind="ipvlan", parent="eth0",
                    parent_netns=None, target_netns="ns9", mode="l2", flags="bridge", mtu=None,
                    up=True),
            make_op("ns9", "addr_add", "add", dev="s9", address=IF("10.0.0.9/24")),
            make_op("ns9", "link_set", "set", name="s9", up=False)]
    want = transaction.expected_of(plan).items
    assert want[("netns", "ns9")] is True
    assert want[("link", "ns9", "s9")] == {"kind": "ipvlan", "mode": "l2", "flags": "bridge",
                                           "up": False}
    assert want[("addr", "ns9", "s9", IF("10.0.0.9/24").ip)] == 24


def test_verification_reads_unicast_routes_only():
    """Only unicast routes are planned: the check asks for those alone (the
    kernel leaves the local table's local and broadcast routes out), and a
    local route never passes for a planned one."""
    local = dict(route("10.0.0.1/32", oif=3), table=255, type=2)
    asked = []

    class Session(FakeSession):
        def routes(self, table=None, keep=None, unicast=False):
            asked.append(unicast)
            return FakeSession.routes(self, table, keep, unicast)

    session = Session("ns0", [link("s1", "ns0", ifindex=3)], [],
                      [local, route("0.0.0.0/0", "10.0.0.254")])
    view = transaction._View(session)
    assert sorted(str(key[2]) for key in view.routes) == ["0.0.0.0/0"] and asked == [True]


def test_verify_decodes_only_what_can_match_what_it_checks():
    """The after-check of one address and one route skips by their fixed
    fields the other device's and family's addresses and the routes of other
    prefix lengths or families (they are not decoded), and still finds what
    is there and what is missing."""
    offered = []

    class Session(FakeSession):
        def addresses(self, keep=None):
            return FakeSession.addresses(
                self, lambda f: offered.append(("addr", f["index"], f["family"])) or keep(f))

        def routes(self, table=None, keep=None, unicast=False):
            return FakeSession.routes(
                self, table, lambda f: offered.append(("route", f["dst_len"])) or keep(f),
                unicast)

    session = Session("ns0", [link("lo", "ns0", ifindex=1, type_=772),
                              link("s1", "ns0", ifindex=3)],
                      [{"ifindex": 3, "address": "10.0.0.1/24"},
                       {"ifindex": 3, "address": "fe80::1/64"},
                       {"ifindex": 1, "address": "127.0.0.1/8"}],
                      [route("0.0.0.0/0", "10.0.0.254"), route("10.0.0.0/24", proto=2),
                       dict(route("fe80::/64", proto=2), family=6)])
    keys = [("addr", "ns0", "s1", IF("10.0.0.1/24").ip),
            ("route", "ns0", 4, 254, ipaddress.ip_network("0.0.0.0/0"), 0),
            ("route", "ns0", 4, 254, ipaddress.ip_network("10.9.0.0/16"), 0)]
    view = transaction._View(session, keys)
    assert list(view.addresses) == [("s1", IF("10.0.0.1/24").ip)]
    assert [str(k[2]) for k in view.routes] == ["0.0.0.0/0"]
    assert len(offered) == 6  # every message is looked at, by its fields
    assert transaction._check_addr(view, keys[0], 24) == []
    assert transaction._check_route(view, keys[1], {"gateway": IF("10.0.0.254/32").ip,
                                                    "dev": "s1"}) == []
    assert transaction._check_route(view, keys[2], {"gateway": None, "dev": None}) == [
        "ns0: route 10.9.0.0/16 table 254 metric 0 is missing"]


def test_the_port_before_the_run_is_read_once_per_master(monkeypatch):
    """A topology adds N slaves to one master: the port's slaves are read
    for the first add only (per add, every namespace would be scanned N
    times)."""
    from ansible_collections.linuxnet.ipvlan.plugins.module_utils.facts import masters as ports
    calls = []
    real = ports.port_members
    monkeypatch.setattr(ports, "port_members", lambda *args: calls.append(args) or real(*args))
    driver = port_world()
    model = snapshot.Snapshot.read(driver, [])
    for name in ("s2", "s3", "s4"):
        add = make_op(None, "link_add", "add", name=name, kind="ipvlan", parent="eth0",
                      parent_netns=None, target_netns="ns0", mode="l3", flags="bridge", mtu=None,
                      up=True)
        assert lines(model.inverse(driver, add)) == ["ns0: delete ipvlan %s" % name]
    assert len(calls) == 1
