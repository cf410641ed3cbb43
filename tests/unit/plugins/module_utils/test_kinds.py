"""Every kind of change is declared whole, in its one class (ops/): how it
runs, its inverse, what it leaves for verification, where it works. The
kernel side (a difference after apply fails the run and rolls it back) is
tests/integration/test_verify_kinds.py."""

import ipaddress

import pytest

from ansible_collections.linuxnet.ipvlan.plugins.module_utils.ops import catalog
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.ops import transaction
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.ops.base import Kind
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.ops.snapshot import Snapshot
from ansible_collections.linuxnet.ipvlan.tests.unit.plugins.module_utils.fakes import link

IF = ipaddress.ip_interface
ROUTE = {"dst": ipaddress.ip_network("0.0.0.0/0"), "gateway": ipaddress.ip_address("10.0.0.1"),
         "dev": "s1", "metric": 0, "table": 254, "src": None, "scope": None}

DHCP = {"client_id": "00:61:62", "hostname": None, "default_route": True, "timeout": 30}

# one op of every kind, as its constructor writes it
SAMPLES = {
    "netns_add": lambda k: k.op("ns1"),
    "netns_del": lambda k: k.op("ns0"),
    "link_add": lambda k: k.op("ipvlan", "s2", "eth0", None, "ns0", "l3", "bridge", up=True),
    "link_set": lambda k: k.op("ns0", "s1", mtu=1400, up=False),
    "link_del": lambda k: k.op("ns0", "s1", "ipvlan", master=(None, "eth0")),
    "addr_add": lambda k: k.op("ns0", "s1", IF("10.0.0.2/24")),
    "addr_replace": lambda k: k.op("ns0", "s1", IF("10.0.0.3/24")),
    "addr_del": lambda k: k.op("ns0", "s1", IF("10.0.0.1/24")),
    "route_add": lambda k: k.op("ns0", dict(ROUTE, dst=ipaddress.ip_network("192.0.2.0/24"))),
    "route_replace": lambda k: k.op("ns0", ROUTE),
    "route_del": lambda k: k.op("ns0", dict(ROUTE, gateway=ipaddress.ip_address("10.0.0.254"))),
    "vlan_add": lambda k: k.op(None, "eth0.10", "eth0", 10, "802.1q"),
    "link_alias": lambda k: k.op("ns0", "s1", "x"),
    "ipv6_sysctl": lambda k: k.op("ns0", "s1", {"disable_ipv6": 1, "accept_ra": 0}),
    "ipv6_addr_gen_mode": lambda k: k.op("ns0", "s1", "none"),
    "tap_set": lambda k: k.op("ns0", "s1", uid=0, gid=0, mode=0o660),
    "dhcp_start": lambda k: k.op("ns0", "s1", DHCP),
    "dhcp_stop": lambda k: k.op("ns0", "s1", settings=DHCP),
}


def test_the_catalog_has_every_kind_once_and_each_has_a_sample():
    names = [kind.name for kind in catalog.KINDS]
    assert len(names) == len(set(names))
    assert sorted(SAMPLES) == sorted(names)


@pytest.mark.parametrize("kind", catalog.KINDS, ids=lambda kind: kind.name)
def test_each_kind_declares_how_it_runs_and_what_is_verified(kind):
    for method in ("run", "expect"):
        assert getattr(kind, method).__func__ is not getattr(Kind, method).__func__, method
    op = SAMPLES[kind.name](kind)
    assert op.kind is kind and op.action == kind.name and op.text
    # every op leaves something to read back (its object, present or absent)
    assert transaction.expected_of([op]).items, kind.name
    assert all(netns is None or isinstance(netns, str) for netns in kind.namespaces(op))


def snapshot():
    slave = link("s1", "ns0", ifindex=3, kind="ipvlan", mode="l2", flags="bridge")
    slave.update(noarp=False, alias=None, master=(None, "eth0"),
                 ipv6={"enabled": True, "accept_ra": 1, "addr_gen_mode": "eui64"})
    space = {"links": {"s1": slave}, "addresses": {"s1": [IF("10.0.0.1/24")]},
             "routes": [{"family": 4, "table": 254, "dst": "0.0.0.0/0", "metric": 0,
                         "gateway": "10.0.0.254", "dev": "s1", "src": None, "scope": "global",
                         "type": 1, "proto": 3, "multipath": False}]}
    return Snapshot(["ns0"], {"ns0": space})


class NoTap(object):
    """A driver in which the ipvtap has no index (tap_set's inverse reads it)."""

    def session(self, netns):
        return self

    def index_of(self, name, required=True):
        return None


@pytest.mark.parametrize("kind", [k for k in catalog.KINDS if k.name != "netns_del"],
                         ids=lambda kind: kind.name)
def test_each_kind_has_an_inverse_or_says_why_not(kind):
    """Worked out from the state before it: a list of ops of declared kinds
    (netns_del alone cannot be undone: tests/unit/.../test_rollback.py)."""
    snap = snapshot()
    snap.ports[(None, "eth0")] = []  # the port before the run: no sibling to set back
    inverse = snap.inverse(NoTap(), SAMPLES[kind.name](kind))
    assert isinstance(inverse, list)
    assert all(x.kind in catalog.KINDS for x in inverse)
