"""ipvlan_link on a real ipvlan kernel (the lab). Every assertion about links
reads the kernel with `ip -d -j`, not the module's result."""

import os

import pytest

from harness import ip, ipvlan_data, kernel_snapshot, link_info, run_module, settled_snapshot
from harness import unique_name

pytestmark = pytest.mark.ipvlan


def ensure(check=False, **args):
    return run_module("ipvlan_link", args, check=check)


def test_check_mode_then_create_then_idempotent(make_veth, make_netns):
    master = make_veth()
    netns = make_netns()
    name = unique_name("iv")
    args = dict(name=name, parent=master, mode="l2", netns=netns)

    before = kernel_snapshot([None, netns])
    result = ensure(check=True, **args)
    assert result["changed"] is True
    assert result["commands"] == ["(host): add ipvlan %s link %s mode l2 bridge netns %s up"
                                  % (name, master, netns)]
    assert kernel_snapshot([None, netns]) == before

    result = ensure(**args)
    assert result["changed"] is True, result
    assert ipvlan_data(name, netns) == ("ipvlan", "l2", "bridge")
    info = link_info(name, netns)
    assert "UP" in info["flags"]
    assert link_info(name) is None  # not left in the host namespace
    assert result["link"]["ifindex"] == info["ifindex"]

    again = ensure(**args)
    assert again["changed"] is False and again["commands"] == []
    assert ensure(check=True, **args)["changed"] is False


def test_each_mode_and_flag_reaches_the_kernel(make_veth):
    master = make_veth()
    for mode in ("l2", "l3", "l3s"):
        for flags in ("bridge", "private", "vepa"):
            # a fresh port each time: the port goes with its last slave
            name = unique_name("iv")
            result = ensure(name=name, parent=master, mode=mode, flags=flags)
            assert result["changed"] is True, result
            assert ipvlan_data(name) == ("ipvlan", mode, flags)
            assert ensure(name=name, parent=master, mode=mode, flags=flags)["changed"] is False
            assert ensure(name=name, state="absent")["changed"] is True
            assert link_info(name) is None


def test_ipvtap_has_its_tap_device(make_veth, make_netns):
    master = make_veth()
    netns = make_netns()
    name = unique_name("it")
    result = ensure(name=name, parent=master, kind="ipvtap", mode="l2", flags="private", netns=netns)
    assert result["changed"] is True, result
    assert ipvlan_data(name, netns) == ("ipvtap", "l2", "private")
    ifindex = link_info(name, netns)["ifindex"]
    assert result["link"]["tap"] == {"path": "/dev/tap%d" % ifindex, "owner": "root",
                                     "group": "root", "mode": "0600"}
    assert os.path.exists("/dev/tap%d" % ifindex)
    assert ensure(name=name, parent=master, kind="ipvtap", mode="l2", flags="private",
                  netns=netns)["changed"] is False


def test_move_from_master_namespace_and_mtu_drift(make_veth, make_netns):
    master = make_veth()
    ns_a, ns_b = make_netns(), make_netns()
    name = unique_name("iv")
    # the HOWTO's flow: created next to its master, then declared elsewhere
    assert ensure(name=name, parent=master, mode="l2")["changed"]
    ip("addr", "add", "192.0.2.10/24", "dev", name)

    result = ensure(name=name, parent=master, mode="l2", netns=ns_b, mtu=1400)
    assert result["changed"] is True
    assert result["commands"] == ["(host): move link %s to netns %s" % (name, ns_b),
                                  "%s: set link %s mtu 1400 up" % (ns_b, name)]
    assert link_info(name) is None
    info = link_info(name, ns_b)
    assert info["mtu"] == 1400 and "UP" in info["flags"]

    ip("link", "set", name, "mtu", "1300", netns=ns_b)
    result = ensure(name=name, parent=master, mode="l2", netns=ns_b, mtu=1400)
    assert result["commands"] == ["%s: set link %s mtu 1400" % (ns_b, name)]
    assert link_info(name, ns_b)["mtu"] == 1400
    assert ensure(name=name, parent=master, mode="l2", netns=ns_b, mtu=1400)["changed"] is False

    # identity is (netns, name): the same name in another namespace is
    # another link (containers all call theirs eth0), not a move
    result = ensure(name=name, parent=master, mode="l2", netns=ns_a)
    assert result["commands"] == ["(host): add ipvlan %s link %s mode l2 bridge netns %s up"
                                  % (name, master, ns_a)]
    assert link_info(name, ns_a) is not None and link_info(name, ns_b) is not None


def test_port_conflict_is_refused_then_forced(make_veth, make_netns):
    master = make_veth()
    ns_a, ns_b = make_netns(), make_netns()
    first, second = unique_name("iv"), unique_name("iv")
    assert ensure(name=first, parent=master, mode="l2", flags="private", netns=ns_a)["changed"]

    before = settled_snapshot([None, ns_a, ns_b])
    refused = ensure(name=second, parent=master, mode="l3", netns=ns_b)
    assert refused.get("failed") is True
    assert "%s (%s)" % (first, ns_a) in refused["msg"] and "l2 private" in refused["msg"]
    assert kernel_snapshot([None, ns_a, ns_b]) == before

    forced = ensure(name=second, parent=master, mode="l3", netns=ns_b, force=True)
    assert forced["changed"] is True, forced
    assert forced["port_changed"]["siblings"] == ["%s (%s)" % (first, ns_a)]
    # the port changed as a whole: the sibling reports the new mode too
    assert ipvlan_data(first, ns_a) == ("ipvlan", "l3", "bridge")
    assert ipvlan_data(second, ns_b) == ("ipvlan", "l3", "bridge")


def test_kind_change_recreates(make_veth):
    master = make_veth()
    name = unique_name("iv")
    assert ensure(name=name, parent=master, mode="l2")["changed"]
    result = ensure(name=name, parent=master, mode="l2", kind="ipvtap")
    assert result["commands"][0].endswith("(recreate: kind changed)")
    assert ipvlan_data(name) == ("ipvtap", "l2", "bridge")


def test_absent_twice(make_veth, make_netns):
    master = make_veth()
    netns = make_netns()
    name = unique_name("iv")
    assert ensure(name=name, parent=master, mode="l2", netns=netns)["changed"]
    check = ensure(check=True, name=name, netns=netns, state="absent")
    assert check["changed"] is True and link_info(name, netns) is not None
    assert ensure(name=name, netns=netns, state="absent")["changed"] is True
    assert link_info(name, netns) is None
    assert ensure(name=name, netns=netns, state="absent")["changed"] is False
    assert link_info(master) is not None  # the master is untouched


def test_bad_input_fails_cleanly(make_veth, make_netns):
    """Every bad input fails naming the field, with the kernel untouched.
    One test for all cases: in the lab VM each snapshot costs seconds."""
    master = make_veth()
    netns = make_netns()
    name = unique_name("iv")
    base = dict(name=name, parent=master, mode="l2", netns=netns)
    cases = [
        ("name", dict(base, name="x" * 16)),
        ("parent", dict(base, parent=unique_name("none"))),
        ("parent", dict(base, parent="lo")),
        ("netns", dict(base, netns=unique_name("gone"))),
        ("name", dict(name=master, parent=master, mode="l2")),
        ("mtu", dict(base, mtu=9000)),
        ("name", dict(name=master, state="absent")),
    ]
    before = kernel_snapshot([None, netns])
    for field, args in cases:
        result = ensure(**args)
        assert result.get("failed") is True, (args, result)
        assert result["msg"].startswith(field + ":"), (args, result["msg"])
        assert "Traceback" not in result["msg"]
    assert kernel_snapshot([None, netns]) == before

    bridge = unique_name("br")
    ip("link", "add", bridge, "type", "bridge")
    try:
        ip("link", "set", master, "master", bridge)
        before = kernel_snapshot([None, netns])
        result = ensure(**base)
        assert result.get("failed") is True and result["msg"].startswith("parent:"), result
        assert bridge in result["msg"]
        assert kernel_snapshot([None, netns]) == before
    finally:
        ip("link", "del", bridge, check=False)
