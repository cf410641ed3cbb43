"""Integration tests run as root on a real kernel, isolated by tests/lab/run
(a VM with Debian's kernel, or a private network namespace with its own
/run/netns). Outside the lab they are skipped: they create and delete
interfaces and namespaces.

Every test uses names no other test uses (unique_name) and the fixtures
remove what they made, whatever happens."""

import os
import subprocess

import pytest

from harness import fault_hook, ip, unique_name

IN_LAB = bool(os.environ.get("LAB_MODE"))


def _kernel_has_ipvlan():
    probe = "ip link add lbprobe0 type dummy && ip link add link lbprobe0 name lbprobe1 type ipvlan"
    proc = subprocess.run(["unshare", "--net", "sh", "-c", probe], capture_output=True, check=False)
    return proc.returncode == 0


def pytest_collection_modifyitems(config, items):
    if not IN_LAB:
        skip = pytest.mark.skip(reason="integration tests run through tests/lab/run (make integration)")
        for item in items:
            item.add_marker(skip)
        return
    if not _kernel_has_ipvlan():
        skip = pytest.mark.skip(reason="this kernel has no ipvlan; run in the lab VM")
        for item in items:
            if "ipvlan" in item.keywords:
                item.add_marker(skip)


@pytest.fixture
def make_netns():
    """make_netns() -> a new named namespace, removed after the test."""
    made = []

    def factory(prefix="t"):
        name = unique_name(prefix)
        ip("netns", "add", name)
        made.append(name)
        return name

    yield factory
    for name in made:
        ip("netns", "del", name, check=False)


@pytest.fixture
def track_netns():
    """Register namespace names a test expects a module to create, so they
    are removed after it."""
    made = []
    yield made.append
    for name in made:
        ip("netns", "del", name, check=False)


@pytest.fixture
def make_veth():
    """make_veth(netns=None) -> name of one end of a new veth pair (an
    Ethernet device that can be an ipvlan master), up; removed after."""
    made = []

    def factory(netns=None, up=True):
        name = unique_name("m")
        peer = unique_name("p")
        ip("link", "add", name, "type", "veth", "peer", "name", peer, netns=netns)
        # no automatic IPv6 link-local addresses and routes appearing later
        # (DAD) and disturbing before/after comparisons
        for dev in (name, peer):
            ip("link", "set", dev, "addrgenmode", "none", netns=netns)
        if up:
            ip("link", "set", name, "up", netns=netns)
            ip("link", "set", peer, "up", netns=netns)
        made.append((name, netns))
        return name

    yield factory
    for name, netns in made:
        ip("link", "del", name, netns=netns, check=False)


@pytest.fixture
def fault(monkeypatch):
    """fault(value) gives the modules run in-process in this test the fault
    harness.fault_hook(value) describes: "K" fails the K-th operation of a
    plan, "K:CMD" runs CMD just before it ('' none)."""
    from ansible_collections.linuxnet.ipvlan.plugins.module_utils.ops import transaction

    def set_fault(value):
        monkeypatch.setattr(transaction, "BEFORE_OP", fault_hook(value))
    yield set_fault


@pytest.fixture
def howto(make_veth, track_netns):
    """(master, ns0, ns1, config): the kernel HOWTO's topology on a new
    veth master, in two new namespaces (removed after the test)."""
    master = make_veth()
    ns0, ns1 = unique_name("tn"), unique_name("tn")
    track_netns(ns0)
    track_netns(ns1)
    config = [{"master": master, "mode": "l2", "links": [
        {"name": "ipvl0", "netns": ns0, "addresses": ["10.0.0.10/24"],
         "routes": [{"dst": "default", "gateway": "10.0.0.1"}]},
        {"name": "ipvl1", "netns": ns1, "addresses": ["10.0.0.11/24"],
         "routes": [{"dst": "default", "gateway": "10.0.0.1"}]},
    ]}]
    return master, ns0, ns1, config
