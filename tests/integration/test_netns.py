"""netns on a real kernel. No ipvlan needed: runs natively in a private
network and mount namespace, and in the lab VM. Every assertion about
namespaces reads the kernel's and iproute2's view (`ip netns list`,
`ip -n NAME -j link`), not the module's result."""

import os
import time

import pytest

from harness import ip, ip_json, kernel_snapshot, run_module, unique_name


def names():
    """Namespace names as `ip netns list` prints them (first word per line)."""
    return sorted(line.split()[0] for line in ip("netns", "list").splitlines() if line.strip())


def test_check_mode_then_create_then_idempotent_then_remove(track_netns):
    name = unique_name("ns")
    track_netns(name)

    before = kernel_snapshot()
    result = run_module("netns", dict(name=name), check=True)
    assert result["changed"] is True and result["commands"] == ["(host): add netns %s" % name]
    assert kernel_snapshot() == before and name not in names()

    result = run_module("netns", dict(name=name))
    assert result["changed"] is True, result
    assert name in names()
    assert [x["ifname"] for x in ip_json("link", "show", netns=name)] == ["lo"]  # a fresh namespace
    assert result["namespace"] == {"name": name, "path": "/run/netns/" + name, "exists": True}
    assert result["diff"] == {"before": {"name": name, "exists": False},
                              "after": {"name": name, "exists": True}}

    for check in (False, True):
        again = run_module("netns", dict(name=name), check=check)
        assert again["changed"] is False and again["commands"] == [], again

    before = kernel_snapshot()
    result = run_module("netns", dict(name=name, state="absent"), check=True)
    assert result["changed"] is True and result["removed_interfaces"] == []
    assert kernel_snapshot() == before

    result = run_module("netns", dict(name=name, state="absent"))
    assert result["changed"] is True, result
    assert name not in names() and not os.path.exists("/run/netns/" + name)

    for check in (False, True):
        again = run_module("netns", dict(name=name, state="absent"), check=check)
        assert again["changed"] is False and again["namespace"]["exists"] is False


def test_exact_names_red_test_does_not_make_red_exist(track_netns):
    red = unique_name("red")[:10]
    red_test = red + "-test"
    track_netns(red_test)
    track_netns(red)
    ip("netns", "add", red_test)

    assert run_module("netns", dict(name=red), check=True)["changed"] is True
    assert run_module("netns", dict(name=red, state="absent"))["changed"] is False
    assert red_test in names()

    assert run_module("netns", dict(name=red))["changed"] is True
    assert red in names() and red_test in names()

    assert run_module("netns", dict(name=red, state="absent"))["changed"] is True
    assert red not in names() and red_test in names()


def test_removing_a_namespace_lists_the_interfaces_that_went_with_it(make_netns):
    netns = make_netns()
    inner, outer = unique_name("vi"), unique_name("vo")
    bridge = unique_name("br")
    ip("link", "add", inner, "netns", netns, "type", "veth", "peer", "name", outer)
    ip("link", "add", bridge, "type", "bridge", netns=netns)

    result = run_module("netns", dict(name=netns, state="absent"), check=True)
    assert result["changed"] is True
    gone = sorted((x["name"], x["kind"]) for x in result["removed_interfaces"])
    assert gone == sorted([(inner, "veth"), (bridge, "bridge")])
    assert netns in names()

    result = run_module("netns", dict(name=netns, state="absent"))
    assert result["changed"] is True, result
    assert sorted((x["name"], x["kind"]) for x in result["removed_interfaces"]) == gone
    assert inner in result["commands"][0] and bridge in result["commands"][0]
    assert netns not in names()
    # the veth went as a pair: its peer here goes too, once the kernel's
    # asynchronous namespace cleanup has run (nothing of ours holds it)
    deadline = time.time() + 30
    while outer in [x["ifname"] for x in ip_json("link", "show")]:
        assert time.time() < deadline, "the namespace was not destroyed: something holds it"
        time.sleep(0.1)


@pytest.mark.parametrize("bad", ["", ".", "..", "a/b", "../escape", "x" * 256])
def test_bad_names_fail_naming_the_field_and_change_nothing(bad):
    before = kernel_snapshot()
    listing = sorted(os.listdir("/run")), sorted(os.listdir("/run/netns"))
    result = run_module("netns", dict(name=bad))
    assert result.get("failed") is True, result
    assert result["msg"].startswith("name: "), result["msg"]
    assert kernel_snapshot() == before
    assert (sorted(os.listdir("/run")), sorted(os.listdir("/run/netns"))) == listing


def test_longest_name(track_netns):
    name = unique_name("l") + "n" * 240  # 255 bytes
    track_netns(name)
    assert run_module("netns", dict(name=name))["changed"] is True
    assert name in names()
    assert run_module("netns", dict(name=name, state="absent"))["changed"] is True
