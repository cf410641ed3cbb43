"""Fault tests on the lab kernel (ipvlan): a run that fails part-way leaves
the host as it was, checked with `ip -j` (harness.kernel_snapshot).

Faults are real kernel conditions where one exists (an address already on
another slave of the master: EADDRINUSE; the master deleted by another
process; the namespace deleted under its link), else a fault the
tests inject (harness.fault_hook, through transaction.BEFORE_OP): "K" fails
the K-th operation, "K:CMD" runs CMD just before it."""

import os
import subprocess

import pytest

from harness import (configured_addresses, converge, finish, ip, ip_json, kernel_snapshot,
                     run_module, run_module_process)
from harness import FAULT_ENV, settled_snapshot, snapshot_diff, unique_name

pytestmark = pytest.mark.ipvlan

FAULT = FAULT_ENV


def netns_list():
    return sorted(ip("netns", "list").split())


def test_a_failure_at_each_operation_restores_the_snapshot_exactly(howto, fault):
    master, ns0, ns1, config = howto
    before = settled_snapshot([None])  # a new master's IPv6 routes come a moment later
    plan = converge(config, check=True)["commands"]
    assert len(plan) == 10, plan
    for k in range(1, len(plan) + 1):
        fault(str(k))
        result = converge(config)
        assert result["failed"] is True and result["failed_operation"] == plan[k - 1], result
        assert len(result["rolled_back"]) == k - 1 and result["not_restored"] == [], result
        assert result["changed"] is False
        after = kernel_snapshot([None])
        assert after == before, "fault at operation %d of %d:\n%s" % (k, len(plan),
                                                                      snapshot_diff(before, after))
    fault("")
    assert converge(config)["changed"] is True
    assert converge(config)["changed"] is False


@pytest.mark.parametrize("up", [True, False], ids=["sibling-up", "sibling-down"])
def test_eaddrinuse_rolls_back_the_port_mode_and_what_was_created(make_veth, make_netns,
                                                                  track_netns, fault, up):
    # sibling-down: fx0, created down in l3, has no NOARP (ipvlan_link_new()
    # switches the port before fx0 joins it, and only ipvlan_open() would set
    # it); restoring l3 sets NOARP on every slave, so rollback clears it again
    master = make_veth()
    ip("link", "add", "link", master, "name", "fx0", "type", "ipvlan", "mode", "l3")
    ip("link", "set", "fx0", "addrgenmode", "none")
    if up:
        ip("link", "set", "fx0", "up")
    # the kernel's doing, which rollback must not leave changed: ipvlan_open()
    # gave fx0 NOARP (l3) if it came up; created down, it has none
    assert ("NOARP" in ip_json("link", "show", "dev", "fx0")[0]["flags"]) == up
    # a third slave, in a namespace the run does not touch, is given
    # 10.0.5.10 just before fx1's add, so the kernel refuses that add
    # (EADDRINUSE); an address a slave already holds is refused before any
    # change (test_fuzz_findings.py)
    other = make_netns("fo")
    ip("link", "add", "link", master, "name", "fx2", "type", "ipvlan", "mode", "l3")
    ip("link", "set", "fx2", "netns", other)
    netns = unique_name("fe")
    track_netns(netns)
    before = settled_snapshot([None])  # a new master's IPv6 routes come a moment later
    # mode l2 switches the port (fx0 too)
    config = [{"master": master, "mode": "l2", "links": [
        {"name": "fx1", "netns": netns, "addresses": ["10.0.5.10/24"]}]}]
    plan = converge(config, check=True)["commands"]
    assert plan[1].startswith("(host): set port of %s mode l2 bridge (via fx0" % master), plan
    k = plan.index("%s: add address 10.0.5.10/24 dev fx1" % netns) + 1
    fault("%d:ip -n %s addr add 10.0.5.10/24 dev fx2" % (k, other))
    result = converge(config)
    assert result["failed"] is True and "EADDRINUSE" in result["msg"], result
    assert result["changed"] is False and result["not_restored"] == [], result
    assert any("mode l2 bridge" in line for line in result["rolled_back"])
    after = kernel_snapshot([None])
    assert after == before, snapshot_diff(before, after)
    assert netns not in netns_list()
    ip("link", "del", "fx0", check=False)


def test_the_master_deleted_mid_run_fails_cleanly(howto, fault):
    master, ns0, ns1, config = howto
    plan = converge(config, check=True)["commands"]
    k = plan.index("%s: add address 10.0.0.10/24 dev ipvl0" % ns0) + 1
    fault("%d:ip link del %s" % (k, master))
    result = converge(config)
    assert result["failed"] is True and "Traceback" not in result["msg"], result
    assert result["failed_operation"] == plan[k - 1]
    # the master was not this run's to bring back: said, not hidden
    assert any(master in item["what"] for item in result["not_restored"]), result
    assert ns0 not in netns_list() and ns1 not in netns_list()


def test_the_namespace_deleted_under_its_link_fails_verification(howto, fault):
    master, ns0, ns1, config = howto
    before = settled_snapshot([None])  # a new master's IPv6 routes come a moment later
    plan = converge(config, check=True)["commands"]
    k = plan.index("%s: add address 10.0.0.10/24 dev ipvl0" % ns0) + 1
    fault("%d:ip netns del %s" % (k, ns0))
    result = converge(config)
    assert result["failed"] is True and "namespace %s is missing" % ns0 in result["msg"], result
    assert result["changed"] is False, result
    assert kernel_snapshot([None]) == before and ns0 not in netns_list()


def test_killed_mid_apply_then_a_rerun_converges(howto):
    master, ns0, ns1, config = howto
    plan = converge(config, check=True)["commands"]
    k = plan.index("%s: add address 10.0.0.10/24 dev ipvl0" % ns0) + 1
    proc = run_module_process("ipvlan_topology", {"config": config},
                              env={FAULT: "%d:kill -KILL $PPID" % k})
    code, result, _err = finish(proc)
    assert code == -9 and result is None
    again = converge(config)
    assert again["changed"] is True, again
    assert converge(config)["changed"] is False
    assert configured_addresses("ipvl0", ns0) == ["10.0.0.10/24"]
    assert configured_addresses("ipvl1", ns1) == ["10.0.0.11/24"]


def state_of(master):
    """The port as (link, netns, addresses) triples, read with ip -j."""
    out = []
    for netns in [None] + netns_list():
        for link in ip_json("link", "show", netns=netns):
            info = link.get("linkinfo", {})
            if info.get("info_kind") == "ipvlan":
                out.append((link["ifname"], netns, tuple(configured_addresses(link["ifname"], netns))))
    return sorted(out, key=str)


def test_two_concurrent_runs_end_in_one_declared_state(make_veth, track_netns):
    master = make_veth()
    nsa, nsb = unique_name("fc"), unique_name("fc")
    track_netns(nsa)
    track_netns(nsb)
    a = [{"master": master, "mode": "l2", "links": [
        {"name": "cc0", "netns": nsa, "addresses": ["10.0.7.10/24"]}]}]
    b = [{"master": master, "mode": "l2", "links": [
        {"name": "cc0", "netns": nsa, "addresses": ["10.0.7.20/24"]},
        {"name": "cc1", "netns": nsb, "addresses": ["10.0.7.21/24"]}]}]
    procs = [run_module_process("ipvlan_topology", {"config": c, "state": "replaced"})
             for c in (a, b)]
    for proc in procs:
        code, result, err = finish(proc)
        assert code == 0 and result is not None and not result.get("failed"), (result, err)
        assert "Traceback" not in err
    final = state_of(master)
    state_a = [("cc0", nsa, ("10.0.7.10/24",))]
    state_b = [("cc0", nsa, ("10.0.7.20/24",)), ("cc1", nsb, ("10.0.7.21/24",))]
    assert final in (sorted(state_a, key=str), sorted(state_b, key=str)), final


# ------------------------------------------------- defects of ipvlan_link


def test_ipvlan_link_works_beside_a_stale_run_netns_entry(make_veth, make_netns):
    master = make_veth()
    netns = make_netns("fs")
    stale = unique_name("fst")
    open("/run/netns/" + stale, "w").close()
    try:
        for check in (True, False):
            result = run_module("ipvlan_link", {"name": "fsl0", "parent": master,
                                                "netns": netns, "mode": "l2"}, check=check)
            assert not result.get("failed"), result
        assert ip_json("link", "show", "fsl0", netns=netns)
    finally:
        os.unlink("/run/netns/" + stale)


def test_declared_in_another_namespace_warns_and_from_netns_moves(make_veth, make_netns):
    master = make_veth()
    nsa, nsb = make_netns("fa"), make_netns("fb")
    args = {"name": "fm0", "parent": master, "netns": nsa, "mode": "l2"}
    assert run_module("ipvlan_link", args)["changed"] is True
    ip("addr", "add", "10.0.8.10/24", "dev", "fm0", netns=nsa)

    check = run_module("ipvlan_link", dict(args, netns=nsb), check=True)
    assert "stays in namespace %s" % nsa in str(check.get("warnings")), check
    # a warning through module.warn(): ansible-core 2.19 deprecates `warnings`
    # passed in the result and would say so with every run that warns
    assert not check.get("deprecations"), check

    moved = run_module("ipvlan_link", dict(args, netns=nsb, from_netns=nsa))
    assert moved["changed"] is True and moved["commands"] == [
        "%s: move link fm0 to netns %s" % (nsa, nsb), "%s: set link fm0 up" % nsb], moved
    assert not ip_json("link", "show", netns=nsa) or \
        all(x["ifname"] != "fm0" for x in ip_json("link", "show", netns=nsa))
    assert "UP" in ip_json("link", "show", "fm0", netns=nsb)[0]["flags"]
    assert run_module("ipvlan_link", dict(args, netns=nsb, from_netns=nsa))["changed"] is False


def test_a_namespace_under_two_names_is_reported_and_acted_on_once(make_veth, make_netns):
    master = make_veth()
    first = make_netns("fd")
    second = unique_name("fd")
    assert run_module("ipvlan_link", {"name": "fd0", "parent": master, "netns": first,
                                      "mode": "l2"})["changed"] is True
    path = "/run/netns/" + second
    open(path, "w").close()
    subprocess.run(["mount", "--bind", "/run/netns/" + first, path], check=True)
    try:
        info = run_module("ipvlan_info", {})
        port = [p for p in info["ports"] if p["master"] == master][0]
        assert len(port["links"]) == 1, port
        gathered = run_module("ipvlan_topology", {"state": "gathered"})["gathered"]
        assert len([p for p in gathered if p["master"] == master][0]["links"]) == 1
        result = converge([{"master": master, "mode": "l2"}], state="deleted")
        assert len(result["commands"]) == 1 and not result.get("failed"), result
    finally:
        subprocess.run(["umount", path], check=False)
        os.unlink(path)


@pytest.mark.parametrize("up", [True, False], ids=["sibling-up", "sibling-down"])
def test_a_forced_add_in_another_mode_is_undone_with_the_ports_mode(make_veth, fault, up):
    """ipvlan_link force: true adds a slave in another mode than its port's:
    the kernel switches the whole port (ipvlan_link_new()), and deleting the
    new slave would leave it switched. A failure after the add puts the
    sibling's mode, flags and NOARP back."""
    master = make_veth()
    ip("link", "add", "link", master, "name", "fm0", "type", "ipvlan", "mode", "l3")
    ip("link", "set", "fm0", "addrgenmode", "none")
    if up:
        ip("link", "set", "fm0", "up")
    before = settled_snapshot([None])
    args = {"name": "fm1", "kind": "ipvtap", "parent": master, "mode": "l2", "flags": "vepa",
            "force": True, "up": False, "tap": {"mode": "0640"}}
    plan = run_module("ipvlan_link", args, check=True)["commands"]
    assert len(plan) == 2 and "tap" in plan[1], plan
    fault("2")
    result = run_module("ipvlan_link", args)
    assert result["failed"] is True and result["not_restored"] == [], result
    assert result["changed"] is False, result
    assert result["rolled_back"] == plan[:1], result
    after = kernel_snapshot([None])
    assert after == before, snapshot_diff(before, after)
    assert ip_json("link", "show", "dev", "fm0")[0]["linkinfo"]["info_data"]["mode"] == "l3"
    ip("link", "del", "fm0", check=False)
