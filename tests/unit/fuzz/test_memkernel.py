"""The in-memory kernel's emulated behaviours (fuzzlib/memkernel.py), as
fuzzlib/scenarios.py's scenarios show them: the errno of each step. The
lab suite (tests/integration/test_fuzz_lab.py) runs the same scenarios on
the lab's kernel and on the memkernel and compares both, so these answers
are the kernel's as far as that test has confirmed them."""

import errno

import pytest

from ansible_collections.linuxnet.ipvlan.tests.fuzzlib import memkernel, scenarios

OK = 0
EXPECTED = {
    "port_mode_switch": [OK] * 7,
    "down_flushes": [OK] * 9,
    "down_flushes_ipv6_added_down": [OK] * 5,
    "route_identity": [OK] * 7 + [errno.EEXIST, errno.EEXIST, OK, OK, OK, errno.EEXIST, OK,
                                  errno.EEXIST, OK, OK, errno.ESRCH],
    "addrinuse": [OK] * 8 + [errno.EADDRINUSE] * 4 + [OK],
    "route_via_down_link": [OK] * 4 + [errno.ENETDOWN, errno.ENETUNREACH, errno.EHOSTUNREACH,
                                       errno.ENETDOWN, OK, errno.ENETUNREACH,
                                       errno.EHOSTUNREACH, OK],
    "last_ipv4_address": [OK] * 6 + [errno.EADDRNOTAVAIL],
    "move_and_names": [OK] * 5 + [errno.EEXIST, errno.EBUSY, OK, OK, errno.EEXIST, OK, OK,
                                  errno.EINVAL, OK],
}


def run(name):
    kernel = memkernel.Kernel()
    target = scenarios.MemTarget(kernel)
    with memkernel.use(kernel):
        steps = scenarios.SCENARIOS[name]
        codes = [code for _step, code in scenarios.run(target, steps)]
        return codes, scenarios.state(target, [s[1] for s in steps if s[0] == "netns"])


@pytest.mark.parametrize("name", sorted(scenarios.SCENARIOS))
def test_scenario_errnos(name):
    codes, _state = run(name)
    assert [errno.errorcode.get(c, c) for c in codes] == \
        [errno.errorcode.get(c, c) for c in EXPECTED[name]]


def test_port_mode_follows_the_newest_slave():
    _codes, state = run("port_mode_switch")
    host = state["(host)"]["links"]
    assert host["A"] == {"up": True, "noarp": True, "mode": "l3s", "flags": "bridge"}
    assert host["B"] == host["A"]
    assert state["N0"]["links"]["C"] == host["A"]


def test_down_flushes_ipv6_and_routes():
    _codes, state = run("down_flushes")
    host = state["(host)"]
    assert host["addresses"] == [("A", "10.9.0.5/24")]
    assert host["routes"] == [("10.9.0.0/24", None, "A", 0, 254, 2)]  # connected, back on up


def test_last_ipv4_address_takes_routes_and_secondaries():
    _codes, state = run("last_ipv4_address")
    assert state["(host)"]["addresses"] == [] and state["(host)"]["routes"] == []


def test_deleting_a_namespace_deletes_its_slaves():
    kernel = memkernel.build([(None, ["link", "add", "m0", "type", "veth", "peer", "name",
                                      "m0p"]),
                              (None, ["netns", "add", "n0"]),
                              (None, ["link", "add", "link", "m0", "name", "a", "netns", "n0",
                                      "type", "ipvlan", "mode", "l2", "bridge"]),
                              (None, ["link", "add", "link", "m0", "name", "b", "type",
                                      "ipvlan", "mode", "l2", "bridge"])])
    kernel.netns_del("n0")
    assert [x.name for x in kernel.host.by_name("m0").port.slaves] == ["b"]
    kernel.delete_link(kernel.host.by_name("m0"))
    assert kernel.host.by_name("b") is None and kernel.host.by_name("m0p") is None
