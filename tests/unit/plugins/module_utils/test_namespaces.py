"""Planning of the netns module without root: exact names, check mode that
reports a change only when one would happen, and what removal takes along."""

import pytest

from ansible_collections.linuxnet.ipvlan.tests.unit.plugins.module_utils.fakes import FakeDriver, FakeSession, link  # noqa: E402

from ansible_collections.linuxnet.ipvlan.plugins.module_utils.planners import namespaces  # noqa: E402
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model.errors import ValidationError  # noqa: E402
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.resources import netns


def test_missing_namespace_is_added():
    plan = namespaces.plan_namespace("red", "present", ["blue"])
    assert plan.commands() == ["(host): add netns red"]
    assert plan[0].action == "netns_add" and plan[0].args == {"name": "red"}


def test_names_match_exactly_not_by_substring():
    assert namespaces.plan_namespace("red", "present", ["red-test", "xred", "re"]).commands() \
        == ["(host): add netns red"]
    assert namespaces.plan_namespace("red", "absent", ["red-test"]).commands() == []
    assert namespaces.plan_namespace("red-test", "present", ["red-test"]).commands() == []


def test_absent_names_the_interfaces_that_go_with_it():
    plan = namespaces.plan_namespace("ns0", "absent", ["ns0"],
                                     [{"name": "ipvl0", "kind": "ipvlan"}, {"name": "eth9", "kind": None}])
    assert plan.commands() == ["(host): delete netns ns0 (its interfaces go with it: "
                               "ipvl0 (ipvlan), eth9 (device))"]
    assert plan[0].action == "netns_del" and plan[0].args == {"name": "ns0"}


@pytest.mark.parametrize("name", ["", ".", "..", "a/b", "../etc", "x" * 256, "a\x00b"])
def test_bad_names_fail_naming_the_field(name):
    with pytest.raises(ValidationError) as exc:
        namespaces.plan_namespace(name, "present", [])
    assert exc.value.field == "name"


def test_longest_name_is_accepted():
    assert len(namespaces.plan_namespace("n" * 255, "present", [])) == 1


def host():
    return FakeSession(None, [link("lo", ifindex=1, type_=772), link("eth0", ifindex=2)])


def ns(name, *links):
    return FakeSession(name, [link("lo", name, ifindex=1, type_=772)] + list(links))


def test_engine_check_mode_present_and_absent():
    driver = FakeDriver([host(), ns("ns0", link("ipvl0", "ns0", ifindex=5, kind="ipvlan"))])
    res = netns.engine(driver, {"name": "ns0", "state": "present"}, True)
    assert res["changed"] is False and res["commands"] == []
    assert res["namespace"] == {"name": "ns0", "path": "/run/netns/ns0", "exists": True}

    res = netns.engine(driver, {"name": "ns1", "state": "present"}, True)
    assert res["changed"] is True and res["diff"]["before"]["exists"] is False

    res = netns.engine(driver, {"name": "ns0", "state": "absent"}, True)
    assert res["changed"] is True
    assert res["removed_interfaces"] == [{"name": "ipvl0", "kind": "ipvlan"}]
    assert res["namespace"]["exists"] is False

    res = netns.engine(driver, {"name": "gone", "state": "absent"}, True)
    assert res["changed"] is False and res["removed_interfaces"] == []


def test_engine_validates_before_reading():
    driver = FakeDriver([])  # any read would raise NamespaceNotFound
    with pytest.raises(ValidationError) as exc:
        netns.engine(driver, {"name": "../x", "state": "present"}, False)
    assert exc.value.field == "name"


def test_argument_spec():
    spec = netns.ARGUMENT_SPEC
    assert spec["name"]["required"] is True
    assert spec["state"] == {"type": "str", "default": "present", "choices": ["present", "absent"]}
