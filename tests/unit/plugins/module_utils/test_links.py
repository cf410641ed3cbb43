"""Planning of ipvlan_link without a kernel: what would be done, and what is
refused before anything is done."""

import pytest

from ansible_collections.linuxnet.ipvlan.tests.unit.plugins.module_utils.fakes import FakeDriver, FakeSession, link

from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model.errors import (
    ConflictError,
    NamespaceNotFound,
    ValidationError,
)
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.resources import ipvlan_link
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.facts import masters

HOST_ID_IN_NS = 7  # the host namespace's nsid as seen from inside ns0/ns1


def params(**kw):
    p = dict(name="ipvl0", state="present", kind="ipvlan", parent="eth0", parent_netns=None,
             netns=None, mode="l3", flags="bridge", mtu=None, up=True, force=False)
    p.update(kw)
    return p


def host(*extra):
    return FakeSession(None, [link("lo", ifindex=1, type_=772), link("eth0", ifindex=2)] + list(extra))


def ns(name, *links_):
    return FakeSession(name, [link("lo", name, ifindex=1, type_=772)] + list(links_),
                       nsids={None: HOST_ID_IN_NS})


def slave(name, netns, mode="l2", flags="bridge", kind="ipvlan", ifindex=5, up=True, mtu=1500):
    return link(name, netns, ifindex=ifindex, kind=kind, mode=mode, flags=flags, parent_index=2,
                parent_nsid=None if netns is None else HOST_ID_IN_NS, up=up, mtu=mtu)


def lines(plan):
    return plan.commands()


def test_new_link_in_namespace_is_one_create_with_up():
    driver = FakeDriver([host(), ns("ns0")])
    plan, before, predicted, note = ipvlan_link.plan_present(driver, params(netns="ns0", mode="l2"))[:4]
    assert lines(plan) == ["(host): add ipvlan ipvl0 link eth0 mode l2 bridge netns ns0 up"]
    assert before is None and note is None
    assert predicted["netns"] == "ns0" and predicted["mode"] == "l2"


def test_matching_link_plans_nothing():
    driver = FakeDriver([host(), ns("ns0", slave("ipvl0", "ns0"))])
    plan, before, unused_predicted, unused_note = ipvlan_link.plan_present(driver, params(netns="ns0", mode="l2"))[:4]
    assert lines(plan) == [] and before["name"] == "ipvl0"


def test_drift_is_corrected_in_place():
    driver = FakeDriver([host(), ns("ns0", slave("ipvl0", "ns0", up=False, mtu=1500))])
    plan, unused_before, predicted, unused_note = ipvlan_link.plan_present(driver, params(netns="ns0", mode="l2", mtu=1400))[:4]
    assert lines(plan) == ["ns0: set link ipvl0 mtu 1400 up"]
    assert predicted["mtu"] == 1400 and predicted["up"] is True


def test_mode_change_alone_on_port_uses_changelink():
    driver = FakeDriver([host(), ns("ns0", slave("ipvl0", "ns0", mode="l2"))])
    plan, unused_before, unused_predicted, note = ipvlan_link.plan_present(driver, params(netns="ns0", mode="l3s", flags="vepa"))[:4]
    assert lines(plan) == ["ns0: set link ipvl0 mode l3s vepa"]
    assert plan[0].args["kind"] == "ipvlan" and note is None


def test_port_conflict_names_siblings_and_changes_nothing():
    driver = FakeDriver([host(), ns("ns0"), ns("ns1", slave("ipvl1", "ns1", mode="l2", flags="private"))])
    with pytest.raises(ConflictError) as exc:
        ipvlan_link.plan_present(driver, params(netns="ns0", mode="l3"))
    text = str(exc.value)
    assert "ipvl1 (ns1)" in text and "l2 private" in text and "force" in text


def test_port_conflict_forced_reports_siblings():
    driver = FakeDriver([host(), ns("ns0"), ns("ns1", slave("ipvl1", "ns1", mode="l2"))])
    plan, unused_before, unused_predicted, note = ipvlan_link.plan_present(driver, params(netns="ns0", mode="l3", force=True))[:4]
    assert len(plan) == 1 and plan[0].action == "link_add"
    assert note == {"master": "eth0", "master_netns": None, "from": "l2 bridge",
                    "to": "l3 bridge", "siblings": ["ipvl1 (ns1)"]}


def test_sibling_with_same_mode_is_no_conflict():
    driver = FakeDriver([host(slave("ipvl1", None, mode="l2", ifindex=9)), ns("ns0")])
    plan, unused_before, unused_predicted, note = ipvlan_link.plan_present(driver, params(netns="ns0", mode="l2"))[:4]
    assert len(plan) == 1 and note is None


def test_kind_change_recreates():
    driver = FakeDriver([host(), ns("ns0", slave("ipvl0", "ns0", mode="l2"))])
    plan, unused_before, unused_predicted, unused_note = ipvlan_link.plan_present(driver, params(netns="ns0", mode="l2", kind="ipvtap"))[:4]
    assert lines(plan) == ["ns0: delete ipvlan ipvl0 (recreate: kind changed)",
                           "(host): add ipvtap ipvl0 link eth0 mode l2 bridge netns ns0 up"]


def test_link_in_master_namespace_is_moved_then_brought_up():
    driver = FakeDriver([host(slave("ipvl0", None, mode="l2")), ns("ns0")])
    plan, unused_before, unused_predicted, unused_note = ipvlan_link.plan_present(driver, params(netns="ns0", mode="l2"))[:4]
    assert lines(plan) == ["(host): move link ipvl0 to netns ns0", "ns0: set link ipvl0 up"]


def test_foreign_device_with_that_name_is_left_alone():
    veth = link("ipvl0", None, ifindex=4, kind="veth")
    driver = FakeDriver([host(veth)])
    with pytest.raises(ValidationError) as exc:
        ipvlan_link.plan_present(driver, params())
    assert exc.value.field == "name" and "veth" in str(exc.value)
    with pytest.raises(ValidationError):
        ipvlan_link.plan_absent(driver, params(state="absent"))


@pytest.mark.parametrize("master,field,reason", [
    (link("eth0", ifindex=2, type_=772), "parent", "loopback"),
    (link("eth0", ifindex=2, type_=65534), "parent", "Ethernet"),
    (link("eth0", ifindex=2, master_index=3), "parent", "br0"),
    (link("eth0", ifindex=2, kind="ipvlan", mode="l2", flags="bridge", parent_index=9), "parent", "slave"),
])
def test_bad_masters_are_refused_before_any_change(master, field, reason):
    driver = FakeDriver([FakeSession(None, [master, link("br0", ifindex=3, kind="bridge")])])
    with pytest.raises(ValidationError) as exc:
        ipvlan_link.plan_present(driver, params())
    assert exc.value.field == field and reason in str(exc.value)


def test_master_with_macvlan_is_refused():
    mv = link("mv0", ifindex=8, kind="macvlan", parent_index=2)
    driver = FakeDriver([host(mv)])
    with pytest.raises(ValidationError) as exc:
        ipvlan_link.plan_present(driver, params())
    assert "macvlan" in str(exc.value)


def test_missing_master_and_namespace():
    driver = FakeDriver([host()])
    with pytest.raises(ValidationError) as exc:
        ipvlan_link.plan_present(driver, params(parent="eth9"))
    assert exc.value.field == "parent"
    with pytest.raises(NamespaceNotFound) as exc:
        ipvlan_link.plan_present(driver, params(netns="nope"))
    assert "nope" in str(exc.value)


def test_mtu_above_master_is_refused():
    with pytest.raises(ValidationError) as exc:
        ipvlan_link.plan_present(FakeDriver([host()]), params(mtu=9000))
    assert exc.value.field == "mtu"


def test_absent_twice_and_in_missing_namespace():
    driver = FakeDriver([host(), ns("ns0", slave("ipvl0", "ns0"))])
    plan, before = ipvlan_link.plan_absent(driver, params(state="absent", netns="ns0"))
    assert lines(plan) == ["ns0: delete ipvlan ipvl0"] and before["name"] == "ipvl0"
    plan, before = ipvlan_link.plan_absent(driver, params(state="absent", netns="gone"))
    assert lines(plan) == [] and before is None


def test_ipvtap_master_found_without_nsid_or_link_attribute():
    # ipvtap dumps carry no IFLA_LINK_NETNSID, and no IFLA_LINK when the
    # master's index equals the slave's own: seen on the lab's 6.1 kernel
    tap = link("tap0", "ns0", ifindex=2, kind="ipvtap", mode="l2", flags="private",
               parent_index=None, parent_nsid=None)
    other = link("eth0", "ns1", ifindex=2)
    other["mac"] = "52:54:00:99:99:99"  # same index elsewhere, another MAC
    driver = FakeDriver([host(), ns("ns0", tap), FakeSession("ns1", [other])])
    assert masters.parent_of(driver, tap) == (None, 2)
    wanted = params(name="tap0", netns="ns0", mode="l2", flags="private", kind="ipvtap")
    plan = ipvlan_link.plan_present(driver, wanted)[0]
    assert lines(plan) == []
