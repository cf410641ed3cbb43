"""The DHCP clients in a topology's plan (planners/dhcp.py), and what a
lease holds kept out of planning and reported apart (facts/leases.py),
against hand-made current state."""

import pytest

from ansible_collections.linuxnet.ipvlan.plugins.module_utils.facts import leases
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model import dhcp as rules
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model.errors import ValidationError
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.planners import dhcp
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.planners import topology as t
from ansible_collections.linuxnet.ipvlan.tests.unit.plugins.module_utils.test_topology import (
    have_howto,
)

MAC = "52:54:00:12:34:56"
LEASE = {"address": "10.0.0.50", "prefix": 24, "router": "10.0.0.1", "server": "10.0.0.1",
         "lease_time": 120, "obtained": 1000, "expires": 1120}


def config(mode="l2", **dhcp_of_ipvl0):
    return [{"master": "eth0", "mode": mode, "links": [
        {"name": "ipvl0", "netns": "ns0", "dhcp": dhcp_of_ipvl0 or {}},
        {"name": "ipvl1", "netns": "ns1", "addresses": ["10.0.0.11/24"],
         "routes": [{"dst": "default", "gateway": "10.0.0.1"}]}]}]


def client_id(netns, name):
    return rules.client_id_text(rules.default_client_id(netns, name, MAC))


def have(running=True, **settings):
    """The HOWTO converged, ipvl0's address from a lease of its client."""
    state = have_howto()
    state["links"][None] = {"eth0": {"name": "eth0", "mac": MAC}}
    state["addresses"][("ns0", "ipvl0")] = []
    state["routes"]["ns0"] = []
    record = {"client_id": client_id("ns0", "ipvl0"), "hostname": None, "default_route": True,
              "timeout": 30, "unit": None}
    record.update(settings)
    state["dhcp"] = {("ns0", "ipvl0"): {"settings": record, "pid": 42, "running": running,
                                        "lease": dict(LEASE)}}
    return state


def plan(cfg, current, state="merged"):
    want = t.normalize(cfg)
    return t.plan_topology(want, current, state).commands()


def test_rendered_starts_each_client_last_one_after_the_other():
    cfg = config()
    cfg[0]["links"][1]["dhcp"] = {"hostname": "web1"}
    lines = plan(cfg, t.empty_host())
    starts = [x for x in lines if "dhcp" in x]
    assert lines[-2:] == starts
    assert starts == [
        "ns0: start dhcp client on ipvl0 client-id %s" % rules.client_id_text(
            rules.default_client_id("ns0", "ipvl0", None)),
        "ns1: start dhcp client on ipvl1 client-id %s" % rules.client_id_text(
            rules.default_client_id("ns1", "ipvl1", None))]


def test_the_client_identifier_takes_the_masters_mac():
    current = have(running=False)
    lines = plan(config(), current)
    assert lines == ["ns0: start dhcp client on ipvl0 client-id %s" % client_id("ns0", "ipvl0")]


@pytest.mark.parametrize("state", ["merged", "replaced", "overridden"])
def test_a_running_client_with_its_settings_plans_nothing_and_its_lease_is_not_undeclared(state):
    assert plan(config(), have(), state) == []


def test_other_settings_restart_the_client():
    assert plan(config(hostname="web0"), have()) == [
        "ns0: stop dhcp client on ipvl0, release its lease (started again with other settings)",
        "ns0: start dhcp client on ipvl0 client-id %s (with new settings)"
        % client_id("ns0", "ipvl0")]


def test_a_client_that_died_is_started_again():
    assert plan(config(), have(running=False)) == [
        "ns0: start dhcp client on ipvl0 client-id %s" % client_id("ns0", "ipvl0")]


def test_replaced_stops_the_client_of_a_link_that_no_longer_declares_dhcp_merged_does_not():
    cfg = config()
    del cfg[0]["links"][0]["dhcp"]
    assert plan(cfg, have(), "merged") == []
    assert plan(cfg, have(), "replaced") == [
        "ns0: stop dhcp client on ipvl0, release its lease (dhcp not declared)"]


def test_deleted_stops_the_client_before_its_link_goes():
    lines = plan([{"master": "eth0", "links": []}], have(), "deleted")
    assert lines[0] == "ns0: stop dhcp client on ipvl0, release its lease (before its link goes)"
    assert lines[1].startswith("ns0: delete ipvlan ipvl0")


def test_a_link_recreated_elsewhere_is_stopped_before_and_started_after():
    cfg = config()
    cfg[0]["links"][0]["netns"] = "ns9"
    lines = plan(cfg, have(), "replaced")
    stop = lines.index("ns0: stop dhcp client on ipvl0, release its lease (before its link goes)")
    start = lines.index("ns9: start dhcp client on ipvl0 client-id %s" % client_id("ns9", "ipvl0"))
    assert stop < start
    assert lines[stop + 1].startswith("ns0: delete ipvlan ipvl0")
    assert any("netns ns9" in x for x in lines[stop + 1:start])


def test_a_stop_can_be_undone_with_the_settings_it_stopped():
    current = have()
    want = t.normalize(config(hostname="web0"))
    stop = t.plan_topology(want, current, "merged")[0]
    assert stop.args["settings"]["client_id"] == client_id("ns0", "ipvl0")


def test_l3_is_refused_before_planning_naming_the_field():
    with pytest.raises(ValidationError) as info:
        t.normalize(config(mode="l3"))
    assert info.value.field == "config[0].links[0].dhcp"


def test_a_running_client_of_an_undeclared_slave_counts_for_uniqueness():
    current = have()
    current["members"][(None, "eth0")][0]["name"] = "ipvl0"
    cfg = [{"master": "eth0", "mode": "l2", "links": [
        {"name": "new0", "netns": "ns5",
         "dhcp": {"client_id": client_id("ns0", "ipvl0")}}]}]
    want = t.normalize(cfg)
    with pytest.raises(ValidationError) as info:
        dhcp.check(want, current)
    assert info.value.field == "config[0].links[0].dhcp.client_id"
    assert "ipvl0 in namespace ns0" in info.value.reason


def test_hide_takes_the_lease_and_its_routes_out_of_the_planners_view():
    current = have_howto()
    current["addresses"][("ns0", "ipvl0")] = ["10.0.0.10/24", "10.0.0.50/24"]
    current["routes"]["ns0"].append(dict(current["routes"]["ns0"][0], proto=16, metric=5))
    records = {("ns0", "ipvl0"): {"settings": {}, "running": True, "lease": dict(LEASE)}}
    leases.hide(current, records)
    assert current["addresses"][("ns0", "ipvl0")] == ["10.0.0.10/24"]
    assert [r["proto"] for r in current["routes"]["ns0"]] == [3]


def test_fold_reports_the_client_and_its_lease_apart_from_the_addresses():
    ports = [{"master": "eth0", "links": [
        {"name": "ipvl0", "netns": "ns0", "addresses": ["10.0.0.50/24", "10.0.0.10/24"],
         "routes": [{"dst": "default", "gateway": "10.0.0.1"}]},
        {"name": "ipvl1", "netns": "ns1", "addresses": ["10.0.0.11/24"], "routes": []}]}]
    records = {("ns0", "ipvl0"): {"settings": {"client_id": "00:61", "hostname": None,
                                               "default_route": True, "timeout": 30},
                                  "running": True, "lease": dict(LEASE)}}
    leases.fold(ports, records)
    first, second = ports[0]["links"]
    assert first["addresses"] == ["10.0.0.10/24"] and first["routes"] == []
    assert first["dhcp"] == {"client_id": "00:61", "hostname": None, "default_route": True,
                             "timeout": 30, "running": True,
                             "lease": {"address": "10.0.0.50/24", "router": "10.0.0.1",
                                       "server": "10.0.0.1", "lease_time": 120,
                                       "obtained": 1000, "expires": 1120}}
    assert "dhcp" not in second
    # and it feeds back as config: the read-only keys are accepted
    assert rules.normalize(first["dhcp"], {"name": "ipvl0"}, "l2", "d")["client_id"] == b"\x00\x61"


def test_ipvlan_links_plans_stop_a_client_before_its_link_goes():
    """stop_before_removals, which ipvlan_link's plans go through too."""
    from ansible_collections.linuxnet.ipvlan.plugins.module_utils.ops.base import Plan
    from ansible_collections.linuxnet.ipvlan.plugins.module_utils.ops.link import LinkDel
    records = have()["dhcp"]
    ops, stopped, _fresh = dhcp.stop_before_removals(
        Plan([LinkDel.op("ns0", "ipvl0", "ipvlan"), LinkDel.op("ns1", "ipvl1", "ipvlan")]),
        records)
    assert [op.line() for op in ops] == [
        "ns0: stop dhcp client on ipvl0, release its lease (before its link goes)",
        "ns0: delete ipvlan ipvl0", "ns1: delete ipvlan ipvl1"]
    assert stopped == {("ns0", "ipvl0")}
