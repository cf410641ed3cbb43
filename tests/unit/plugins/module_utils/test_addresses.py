"""Planning of ip_address without root: plain lists of CIDRs in, ops out."""

import ipaddress

import pytest

from ansible_collections.linuxnet.ipvlan.tests.unit.plugins.module_utils.fakes import FakeDriver, FakeSession, link  # noqa: E402

from ansible_collections.linuxnet.ipvlan.plugins.module_utils.planners import addresses  # noqa: E402
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model.errors import (  # noqa: E402
    NamespaceNotFound,
    ValidationError,
)
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.resources import ip_address

plan_addresses = addresses.plan_addresses
LL = "fe80::5054:ff:fe12:3456/64"


def cmds(plan):
    return plan.commands()


def test_missing_addresses_are_added_in_order():
    plan = plan_addresses("ns0", "ipvl0", [LL], ["10.0.0.10/24", "2001:db8::10/64"], "present")
    assert cmds(plan) == ["ns0: add address 10.0.0.10/24 dev ipvl0",
                          "ns0: add address 2001:db8::10/64 dev ipvl0"]
    assert plan[0].action == "addr_add"
    assert plan[0].args == {"dev": "ipvl0", "address": ipaddress.ip_interface("10.0.0.10/24")}


def test_present_addresses_plan_nothing_whatever_the_spelling():
    have = ["10.0.0.10/24", "2001:db8::10/64", LL]
    assert cmds(plan_addresses(None, "eth0", have, ["10.0.0.10/24", "2001:DB8:0::10/64"],
                               "present")) == []


def test_no_prefix_means_host_prefix_as_iproute2():
    assert cmds(plan_addresses(None, "eth0", [], ["10.0.0.1", "2001:db8::1"], "present")) == [
        "(host): add address 10.0.0.1/32 dev eth0", "(host): add address 2001:db8::1/128 dev eth0"]


def test_other_prefix_of_the_same_ip_is_replaced():
    plan = plan_addresses("ns0", "d0", ["10.0.0.1/16", "2001:db8::1/48"],
                          ["10.0.0.1/24", "2001:db8::1/64"], "present")
    assert cmds(plan) == ["ns0: delete address 2001:db8::1/48 dev d0",
                          "ns0: delete address 10.0.0.1/16 dev d0",
                          "ns0: add address 10.0.0.1/24 dev d0",
                          "ns0: add address 2001:db8::1/64 dev d0"]


def test_non_exclusive_leaves_other_addresses():
    assert cmds(plan_addresses(None, "d0", ["192.0.2.1/24"], ["10.0.0.1/24"], "present")) == [
        "(host): add address 10.0.0.1/24 dev d0"]


def test_exclusive_removes_others_but_keeps_ipv6_link_local():
    have = ["192.0.2.1/24", "10.0.0.1/24", "2001:db8::9/64", LL]
    plan = plan_addresses("ns0", "d0", have, ["10.0.0.1/24"], "present", exclusive=True)
    assert cmds(plan) == ["ns0: delete address 2001:db8::9/64 dev d0",
                          "ns0: delete address 192.0.2.1/24 dev d0"]


def test_exclusive_with_nothing_wanted_flushes():
    plan = plan_addresses(None, "d0", ["10.0.0.1/24", LL], [], "present", exclusive=True)
    assert cmds(plan) == ["(host): delete address 10.0.0.1/24 dev d0"]


def test_secondaries_are_deleted_first_and_kept_ones_restored():
    # dump order: primary 10.0.0.1, then secondaries .2 and .3 of the same subnet
    have = ["10.0.0.1/24", "10.0.0.2/24", "10.0.0.3/24"]
    plan = plan_addresses("ns0", "d0", have, ["10.0.0.3/24"], "present", exclusive=True)
    assert cmds(plan) == [
        "ns0: delete address 10.0.0.2/24 dev d0",
        "ns0: delete address 10.0.0.1/24 dev d0",
        "ns0: replace address 10.0.0.3/24 dev d0 (keep it: the kernel drops secondaries "
        "with their primary)"]
    assert plan[2].action == "addr_replace"


def test_absent_of_a_primary_refuses_to_drop_undeclared_secondaries():
    # the kernel deletes 10.0.0.2/24 with its primary; it used to be added
    # back without its label, broadcast and lifetimes, and nothing said so
    have = ["10.0.0.1/24", "10.0.0.2/24", "172.16.0.1/16"]
    with pytest.raises(ValidationError) as exc:
        plan_addresses(None, "d0", have, ["10.0.0.1"], "absent")
    assert exc.value.field == "addresses" and "10.0.0.2/24" in str(exc.value)
    plan = plan_addresses(None, "d0", have, ["10.0.0.1", "10.0.0.2"], "absent")
    assert [op.action for op in plan] == ["addr_del", "addr_del"]


def test_prefix_change_of_a_declared_primary_keeps_declared_secondaries():
    have = ["10.0.0.1/24", "10.0.0.2/24"]
    plan = plan_addresses(None, "d0", have, ["10.0.0.1/25", "10.0.0.2/24"], "present")
    assert [op.action for op in plan] == ["addr_del", "addr_add", "addr_replace"]
    assert plan[2].args["address"] == ipaddress.ip_interface("10.0.0.2/24")


def _route(dst, gateway=None, dev="d0", src=None, proto=3):
    return {"family": 4, "table": 254, "dst": dst, "metric": 0, "gateway": gateway, "dev": dev,
            "src": src, "scope": "global" if gateway else "link", "type": 1, "proto": proto,
            "multipath": False}


def test_prefix_change_of_the_only_address_puts_the_dropped_routes_back():
    routes = [_route("0.0.0.0/0", "10.0.0.254"), _route("192.0.2.0/24", src="10.0.0.1", dev="d1"),
              _route("10.0.0.0/24", proto=2)]  # the connected route is the kernel's
    plan = plan_addresses(None, "d0", ["10.0.0.1/24"], ["10.0.0.1/23"], "present", routes=routes)
    assert cmds(plan) == [
        "(host): delete address 10.0.0.1/24 dev d0",
        "(host): add address 10.0.0.1/23 dev d0",
        "(host): replace route default via 10.0.0.254 dev d0 (keep it: the kernel drops it with "
        "10.0.0.1/24)",
        "(host): replace route 192.0.2.0/24 dev d1 src 10.0.0.1 (keep it: the kernel drops it with "
        "10.0.0.1/24)",
    ]
    assert plan[2].args["route"]["proto"] == 3


def test_a_route_that_could_not_be_put_back_is_refused_by_name():
    routes = [_route("0.0.0.0/0", "10.0.0.254")]
    with pytest.raises(ValidationError) as exc:
        plan_addresses(None, "d0", ["10.0.0.1/24"], ["10.0.0.1/25"], "present", routes=routes)
    assert "default via 10.0.0.254 dev d0" in str(exc.value)
    with pytest.raises(ValidationError):
        plan_addresses(None, "d0", ["10.0.0.1/24"], ["10.0.0.1"], "absent", routes=routes)
    # another address keeps the device's routes: nothing is dropped
    plan = plan_addresses(None, "d0", ["10.0.0.1/24", "10.9.0.1/16"], ["10.0.0.1"], "absent",
                          routes=routes)
    assert cmds(plan) == ["(host): delete address 10.0.0.1/24 dev d0"]


def test_deleting_a_later_address_restores_nothing_before_it():
    plan = plan_addresses(None, "d0", ["10.0.0.1/24", "10.0.0.2/24"], ["10.0.0.2/24"], "absent")
    assert cmds(plan) == ["(host): delete address 10.0.0.2/24 dev d0"]


def test_absent_of_missing_addresses_is_nothing():
    assert cmds(plan_addresses(None, "d0", [LL], ["10.0.0.1/24", "2001:db8::1"], "absent")) == []


def test_predict_follows_the_plan():
    have = ["10.0.0.1/24", "10.0.0.2/24", LL]
    plan = plan_addresses(None, "d0", have, ["10.0.0.2/24", "2001:db8::1/64"], "present",
                          exclusive=True)
    assert addresses.predict(None, "d0", have, plan) == ["10.0.0.2/24", LL, "2001:db8::1/64"]


@pytest.mark.parametrize("value,reason", [
    ("10.0.0.256/24", "not an IPv4 or IPv6"),
    ("10.0.0.1/33", "10.0.0.1/33"),
    ("10.0.0.1/x", "prefix length must be a number"),
    ("2001:db8::1/129", "2001:db8::1/129"),
    ("eth0", "not an IPv4 or IPv6"),
    ("0.0.0.0/0", "unspecified"),
    ("ff02::1", "multicast"),
])
def test_bad_addresses_name_the_field(value, reason):
    with pytest.raises(ValidationError) as exc:
        plan_addresses(None, "d0", [], [value], "present")
    assert exc.value.field == "addresses" and reason in str(exc.value)


def test_one_ip_with_two_prefixes_is_refused():
    with pytest.raises(ValidationError) as exc:
        plan_addresses(None, "d0", [], ["10.0.0.1/24", "10.0.0.1/16"], "present")
    assert "given twice" in str(exc.value)


def test_repeated_address_is_planned_once():
    assert len(plan_addresses(None, "d0", [], ["10.0.0.1/24", "10.0.0.1/24"], "present")) == 1


# ------------------------------------------------------------------ engine


def params(**kw):
    p = dict(dev="ipvl0", netns="ns0", addresses=["10.0.0.10/24"], state="present",
             exclusive=False)
    p.update(kw)
    return p


def addr(cidr, ifindex=5, netns="ns0"):
    family = 6 if ":" in cidr else 4
    return {"netns": netns, "ifindex": ifindex, "family": family, "address": cidr,
            "scope": "global"}


def driver(*addrs):
    session = FakeSession("ns0", [link("lo", "ns0", ifindex=1, type_=772),
                                  link("ipvl0", "ns0", ifindex=5, kind="ipvlan"),
                                  link("other", "ns0", ifindex=6)], addresses=addrs)
    return FakeDriver([session])


def test_engine_check_mode_reports_and_predicts():
    res = ip_address.engine(driver(addr(LL), addr("10.0.0.99/24", ifindex=6)), params(), True)
    assert res["changed"] is True
    assert res["commands"] == ["ns0: add address 10.0.0.10/24 dev ipvl0"]
    assert res["addresses"] == [LL, "10.0.0.10/24"]  # only ipvl0's, not 'other''s
    assert res["diff"]["before"]["addresses"] == [LL]


def test_engine_unchanged():
    res = ip_address.engine(driver(addr("10.0.0.10/24")), params(), True)
    assert res["changed"] is False and res["commands"] == []


def test_engine_missing_device_fails_with_present_and_is_ok_with_absent():
    with pytest.raises(ValidationError) as exc:
        ip_address.engine(driver(), params(dev="nope0"), False)
    assert exc.value.field == "dev" and "ns0" in str(exc.value)
    res = ip_address.engine(driver(), params(dev="nope0", state="absent"), False)
    assert res["changed"] is False and res["addresses"] == []


def test_engine_missing_namespace_fails_with_present_and_is_ok_with_absent():
    with pytest.raises(NamespaceNotFound) as exc:
        ip_address.engine(driver(), params(netns="nons"), False)
    assert str(exc.value).startswith("netns:")
    res = ip_address.engine(driver(), params(netns="nons", state="absent"), False)
    assert res["changed"] is False


@pytest.mark.parametrize("field,value", [
    ("dev", "a/b"), ("dev", "x" * 16), ("netns", ".."), ("addresses", ["10.0.0.1/40"]),
])
def test_engine_validates_every_field_before_reading(field, value):
    with pytest.raises(ValidationError) as exc:
        ip_address.engine(FakeDriver([]), params(**{field: value}), False)
    assert exc.value.field == field
