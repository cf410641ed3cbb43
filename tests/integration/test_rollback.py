"""A failed run leaves the host as it was, on a real kernel without ipvlan
(veth devices, namespaces, addresses, routes): rollback, verification, the
host lock, preflight, stale and doubled /run/netns entries. The kernel is
read with `ip -j` (harness.kernel_snapshot), not the modules' results.

Faults come from real kernel conditions where one exists (IPv6 disabled on
a device: EACCES), else from a fault the tests inject (harness.fault_hook, through
transaction.BEFORE_OP): "K" fails the K-th operation, "K:CMD" runs CMD just
before it."""

import fcntl
import os
import subprocess
import sys

import pytest

from harness import (configured_addresses, finish, ip, ip_json, kernel_snapshot, run_module,
                     run_module_process)
from harness import FAULT_ENV, settled_snapshot, unique_name

FAULT = FAULT_ENV


@pytest.fixture
def netdev(make_netns, make_veth):
    """(netns, dev): a veth end, up, in a new namespace without DAD."""
    netns = make_netns()
    ip("netns", "exec", netns, "sysctl", "-qw", "net.ipv6.conf.all.accept_dad=0",
       "net.ipv6.conf.default.accept_dad=0")
    dev = make_veth(netns=netns)
    settled_snapshot([netns])
    return netns, dev


def routes(netns):
    return sorted((r["dst"], r.get("gateway"), r.get("dev"))
                  for r in ip_json("route", "show", netns=netns) if r.get("protocol") != "kernel")


# ------------------------------------------------------------- rollback


def test_failure_part_way_is_rolled_back_by_default(netdev):
    netns, dev = netdev
    ip("netns", "exec", netns, "sysctl", "-qw", "net.ipv6.conf.%s.disable_ipv6=1" % dev)
    before = kernel_snapshot([netns])
    args = dict(dev=dev, netns=netns, addresses=["192.0.2.10/24", "192.0.2.11/24",
                                                 "2001:db8:12::1/64"])
    result = run_module("ip_address", args)
    assert result["failed"] is True and "EACCES" in result["msg"], result
    assert result["failed_operation"] == "%s: add address 2001:db8:12::1/64 dev %s" % (netns, dev)
    assert result["rolled_back"] == ["%s: add address 192.0.2.11/24 dev %s" % (netns, dev),
                                     "%s: add address 192.0.2.10/24 dev %s" % (netns, dev)]
    assert result["not_restored"] == [] and result["changed"] is False
    assert kernel_snapshot([netns]) == before

    kept = run_module("ip_address", dict(args, rollback=False))
    assert kept["failed"] is True and kept["changed"] is True and "rolled_back" not in kept
    assert configured_addresses(dev, netns) == ["192.0.2.10/24", "192.0.2.11/24"]


def prefix_change_setup(netns, dev):
    ip("addr", "add", "10.1.0.1/24", "dev", dev, netns=netns)
    ip("addr", "add", "10.2.0.1/24", "dev", dev, netns=netns)
    ip("route", "add", "default", "via", "10.1.0.254", netns=netns)
    ip("route", "add", "192.0.2.0/24", "dev", dev, netns=netns)
    return dict(dev=dev, netns=netns, addresses=["10.1.0.1/23", "10.3.0.1/24"], exclusive=True)


def test_a_failure_at_each_operation_restores_the_snapshot_exactly(netdev, fault):
    netns, dev = netdev
    args = prefix_change_setup(netns, dev)
    before = kernel_snapshot([netns])
    plan = run_module("ip_address", args, check=True)["commands"]
    assert len(plan) == 6, plan  # 2 deletes, 2 adds, the 2 routes the kernel drops put back
    for k in range(1, len(plan) + 1):
        fault(str(k))
        result = run_module("ip_address", args)
        assert result["failed"] is True and result["failed_operation"] == plan[k - 1], (k, result)
        assert len(result["rolled_back"]) == k - 1 and result["not_restored"] == [], result
        assert result["changed"] is False
        assert kernel_snapshot([netns]) == before, "fault at operation %d of %d" % (k, len(plan))


def test_a_primary_prefix_change_keeps_the_routes_through_the_device(netdev):
    netns, dev = netdev
    args = prefix_change_setup(netns, dev)
    result = run_module("ip_address", args)
    assert result["changed"] is True, result
    assert configured_addresses(dev, netns) == ["10.1.0.1/23", "10.3.0.1/24"]
    assert routes(netns) == [("192.0.2.0/24", None, dev), ("default", "10.1.0.254", dev)]
    assert run_module("ip_address", args)["changed"] is False


def test_a_prefix_change_that_would_lose_a_route_is_refused_in_check_mode_too(netdev):
    netns, dev = netdev
    ip("addr", "add", "10.1.0.1/24", "dev", dev, netns=netns)
    ip("route", "add", "default", "via", "10.1.0.254", netns=netns)
    before = kernel_snapshot([netns])
    for check in (True, False):
        result = run_module("ip_address", dict(dev=dev, netns=netns, addresses=["10.1.0.1/25"]),
                            check=check)
        assert result["failed"] is True and "default via 10.1.0.254" in result["msg"], result
        assert result["msg"].startswith("addresses:")
    assert kernel_snapshot([netns]) == before


def test_a_change_underneath_fails_verification_and_is_rolled_back(netdev, fault):
    netns, dev = netdev
    before = kernel_snapshot([netns])
    # someone else removes the first address just before the second is added
    fault("2:ip -n %s addr del 192.0.2.20/24 dev %s" % (netns, dev))
    result = run_module("ip_address", dict(dev=dev, netns=netns,
                                           addresses=["192.0.2.20/24", "192.0.2.21/24"]))
    assert result["failed"] is True, result
    assert "address 192.0.2.20/24 dev %s is missing" % dev in result["msg"]
    assert result["failed_operation"] is None and result["changed"] is False
    assert kernel_snapshot([netns]) == before


def test_killed_mid_apply_then_a_rerun_converges(netdev):
    netns, dev = netdev
    args = dict(dev=dev, netns=netns, addresses=["192.0.2.30/24", "192.0.2.31/24"])
    proc = run_module_process("ip_address", args, env={FAULT: "2:kill -KILL $PPID"})
    code, result, _err = finish(proc)
    assert code == -9 and result is None
    assert configured_addresses(dev, netns) == ["192.0.2.30/24"]  # half applied
    again = run_module("ip_address", args)
    assert again["changed"] is True and again["commands"] == [
        "%s: add address 192.0.2.31/24 dev %s" % (netns, dev)]
    assert configured_addresses(dev, netns) == ["192.0.2.30/24", "192.0.2.31/24"]
    assert run_module("ip_address", args)["changed"] is False


def test_a_namespace_created_by_someone_else_meanwhile_is_no_failure(track_netns, fault):
    name = unique_name("tr")
    track_netns(name)
    fault("1:ip netns add %s" % name)
    result = run_module("netns", dict(name=name))
    assert result.get("failed") is not True, result
    assert name in ip("netns", "list").split()


# ---------------------------------------------------------- preflight


def kernel_has_ipvlan():
    probe = "ip link add lbprobe0 type dummy 2>/dev/null || ip link add lbprobe0 type veth; " \
            "ip link add link lbprobe0 name lbprobe1 type ipvlan"
    return subprocess.run(["unshare", "--net", "sh", "-c", probe], capture_output=True,
                          check=False).returncode == 0


def test_preflight_finds_a_missing_ipvlan_driver(make_veth, track_netns):
    """The first thing a new user met: on a kernel without ipvlan the
    topology created its namespace and then failed, and check mode had said
    all was fine."""
    if kernel_has_ipvlan():
        pytest.skip("this kernel has ipvlan")
    master = make_veth()
    name = unique_name("tp")
    track_netns(name)
    config = [{"master": master, "links": [{"name": "ipvl0", "netns": name,
                                           "addresses": ["10.0.0.10/24"]}]}]
    before = settled_snapshot([None])  # a new veth's IPv6 routes come a moment later
    for check in (True, False):
        result = run_module("ipvlan_topology", dict(config=config), check=check)
        assert result["failed"] is True, result
        assert result["msg"].startswith("config[0].links[0].kind: this kernel has no ipvlan")
        assert result.get("changed") is not True
    assert settled_snapshot([None]) == before and name not in ip("netns", "list").split()


# ---------------------------------------------------------------- lock

HOLD = """
import fcntl, os, sys, time
os.makedirs("/run/lock", exist_ok=True)
fd = os.open("/run/lock/linuxnet-ipvlan.lock", os.O_RDWR | os.O_CREAT, 0o644)
fcntl.flock(fd, fcntl.LOCK_EX)
print("held", flush=True)
time.sleep(float(sys.argv[1]))
"""


def test_a_run_waits_for_the_one_holding_the_lock(netdev):
    netns, dev = netdev
    holder = subprocess.Popen([sys.executable, "-c", HOLD, "1.5"], stdout=subprocess.PIPE,
                              text=True)
    assert holder.stdout.readline().strip() == "held"
    result = run_module("ip_address", dict(dev=dev, netns=netns, addresses=["192.0.2.40/24"]))
    assert holder.poll() is not None, "the module ran while the lock was held"
    assert result["changed"] is True
    holder.wait()


def test_a_check_mode_run_does_not_wait_for_another_check(netdev):
    netns, dev = netdev
    fd = os.open("/run/lock/linuxnet-ipvlan.lock", os.O_RDWR | os.O_CREAT, 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_SH)
        result = run_module("ip_address", dict(dev=dev, netns=netns, addresses=["192.0.2.41/24"]),
                            check=True)
        assert result["changed"] is True
    finally:
        os.close(fd)


# ------------------------------------------------------ /run/netns entries


@pytest.fixture
def stale():
    name = unique_name("st")
    path = "/run/netns/" + name
    os.makedirs("/run/netns", exist_ok=True)
    with open(path, "w"):
        pass
    yield name
    if os.path.lexists(path):
        os.unlink(path)


def test_a_stale_entry_is_named_and_refused_for_present(stale):
    for check in (True, False):
        result = run_module("netns", dict(name=stale), check=check)
        assert result["failed"] is True and result["msg"].startswith("name: /run/netns/")
        assert "not a network namespace" in result["msg"]


def test_a_stale_entry_is_removed_by_absent(stale):
    result = run_module("netns", dict(name=stale, state="absent"))
    assert result["changed"] is True, result
    assert not os.path.lexists("/run/netns/" + stale)


def test_a_stale_entry_as_netns_names_the_field(stale):
    result = run_module("ip_address", dict(dev="lo", netns=stale, addresses=["192.0.2.1/32"]))
    assert result["failed"] is True and result["msg"].startswith("netns: /run/netns/"), result


@pytest.mark.parametrize("module,args", [
    ("ip_address", dict(dev="lo", addresses=["192.0.2.1/32"], state="absent")),
    ("ip_route", dict(dst="192.0.2.0/24", dev="lo", state="absent")),
    ("ipvlan_link", dict(name="stl0", parent="lo", state="absent")),
])
def test_absent_in_a_stale_entry_is_already_true(stale, module, args):
    # no namespace is there, so nothing can be in it; the entry is left
    # alone (linuxnet.ipvlan.netns state=absent removes it)
    for check in (True, False):
        result = run_module(module, dict(args, netns=stale), check=check)
        assert not result.get("failed") and result["changed"] is False, result
    assert os.path.lexists("/run/netns/" + stale)


def test_present_in_a_stale_entry_is_refused_naming_the_field(stale):
    result = run_module("ip_route", dict(dst="192.0.2.0/24", dev="lo", netns=stale))
    assert result["failed"] is True and result["msg"].startswith("netns: /run/netns/"), result
    assert "not a network namespace" in result["msg"]


def test_a_namespace_under_two_names_is_reported_once(make_netns):
    first = make_netns()
    second = unique_name("tw")
    path = "/run/netns/" + second
    with open(path, "w"):
        pass
    subprocess.run(["mount", "--bind", "/run/netns/" + first, path], check=True)
    try:
        names = sorted([first, second])
        result = run_module("ipvlan_info", {})
        assert names[0] in result["namespaces"] and names[1] not in result["namespaces"]
        # ansible-core 2.19 returns warnings as structured events
        assert "is the same namespace as" in str(result.get("warnings"))
    finally:
        subprocess.run(["umount", path], check=False)
        os.unlink(path)


def test_a_stale_entry_as_a_topology_namespace_fails_before_any_change(stale, make_veth):
    master = make_veth()
    config = [{"master": master, "links": [{"name": "ipvl0", "netns": stale}]}]
    before = settled_snapshot([None])
    for check in (True, False):
        result = run_module("ipvlan_topology", dict(config=config), check=check)
        assert result["failed"] is True, result
        assert result["msg"].startswith("config[0].links[0].netns: /run/netns/%s" % stale)
    assert settled_snapshot([None]) == before
