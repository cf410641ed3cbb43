"""The devices around a port, on the lab kernel: VLAN masters that
ipvlan_topology creates (and removes only when it created them), and the
owner, group and mode of an ipvtap's /dev/tapN. Checked with `ip -j -d`,
os.stat and real traffic, not with the modules' return values."""

import grp
import os
import pwd
import stat
import subprocess

import pytest

from harness import ip, ip_json, kernel_snapshot, link_info, run_module, unique_name

from ansible_collections.linuxnet.ipvlan.plugins.module_utils.kernel import devices
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model.names import VLAN_OWNED_ALIAS

# Marked ipvlan (the lab VM): the tests that need ipvlan, ipvtap or 802.1Q
# VLANs, which this machine's kernel lacks. The checks before any change need
# none of them and run natively too.

TEST_USER = "ipvtapqemu"
TEST_ID = 64123


def topology(config, state="merged", check=False):
    return run_module("ipvlan_topology", {"config": config, "state": state}, check=check)


@pytest.fixture
def lower():
    """A veth end with a short name (its VLANs are called NAME.ID, at most
    15 bytes); removing it removes its VLANs and their slaves."""
    made = []

    def factory():
        name, peer = unique_name("v")[:10], unique_name("w")[:10]
        ip("link", "add", name, "type", "veth", "peer", "name", peer)
        for dev in (name, peer):
            ip("link", "set", dev, "addrgenmode", "none")
            ip("link", "set", dev, "up")
        made.append(name)
        return name

    yield factory
    for name in made:
        ip("link", "del", name, check=False)


def vlan_of(name, netns=None):
    """(kind, id, protocol, lower device, alias, up) as iproute2 shows them."""
    info = link_info(name, netns)
    if info is None:
        return None
    data = info["linkinfo"].get("info_data", {})
    return (info["linkinfo"]["info_kind"], data.get("id"), data.get("protocol"), info.get("link"),
            info.get("ifalias"), "UP" in info["flags"])


def ping(netns, address):
    proc = subprocess.run(["ip", "netns", "exec", netns, "ping", "-c", "1", "-W", "2", address],
                          capture_output=True, text=True, check=False)
    return proc.returncode == 0


@pytest.mark.ipvlan
def test_vlan_master_is_created_carries_traffic_and_goes_with_deleted(lower, track_netns):
    dev = lower()
    master = dev + ".10"
    ns0, ns1 = unique_name("tv"), unique_name("tv")
    track_netns(ns0)
    track_netns(ns1)
    config = [{"master": master, "mode": "l2", "vlan": {"link": dev, "id": 10},
               "links": [{"name": "vl0", "netns": ns0, "addresses": ["10.10.0.10/24"]},
                         {"name": "vl1", "netns": ns1, "addresses": ["10.10.0.11/24"]}]}]
    before = kernel_snapshot([None])
    check = topology(config, check=True)
    assert check["changed"] is True
    assert "(host): add vlan %s link %s id 10 protocol 802.1q up" % (master, dev) in check["commands"]
    assert kernel_snapshot([None]) == before

    result = topology(config)
    assert result["changed"] is True and result["commands"] == check["commands"], result
    assert vlan_of(master) == ("vlan", 10, "802.1Q", dev, VLAN_OWNED_ALIAS, True)
    for netns, name in ((ns0, "vl0"), (ns1, "vl1")):
        info = link_info(name, netns)
        assert info["linkinfo"]["info_kind"] == "ipvlan"
        assert info["linkinfo"]["info_data"]["mode"] == "l2"
    assert ping(ns0, "10.10.0.11") and ping(ns1, "10.10.0.10")

    again = topology(config)
    assert again["changed"] is False and again["commands"] == []

    gathered = run_module("ipvlan_topology", {"state": "gathered"})["gathered"]
    port = [p for p in gathered if p["master"] == master][0]
    assert port["vlan"] == {"link": dev, "id": 10, "protocol": "802.1q"}
    assert topology([port])["changed"] is False  # gathered state fed back

    deleted = topology([{"master": master}], state="deleted")
    assert deleted["changed"] is True, deleted
    assert deleted["commands"][-1] == ("(host): delete vlan %s (created by linuxnet.ipvlan, no "
                                       "slaves left)" % master)
    assert link_info("vl0", ns0) is None and link_info("vl1", ns1) is None
    assert link_info(master) is None
    assert link_info(dev) is not None
    assert topology([{"master": master}], state="deleted")["changed"] is False


@pytest.mark.ipvlan
def test_8021ad_master_and_replaced_without_links(lower, track_netns):
    dev = lower()
    master = dev + ".20"
    ns0 = unique_name("tv")
    track_netns(ns0)
    port = {"master": master, "mode": "l3", "vlan": {"link": dev, "id": 20, "protocol": "802.1ad"},
            "links": [{"name": "qq0", "netns": ns0, "addresses": ["10.20.0.10/24"]}]}
    assert topology([port])["changed"] is True
    assert vlan_of(master) == ("vlan", 20, "802.1ad", dev, VLAN_OWNED_ALIAS, True)
    assert topology([port])["changed"] is False
    # replaced with no links left: the slaves go, then the VLAN made for them
    result = topology([dict(port, links=[])], state="replaced")
    assert result["changed"] is True, result
    assert link_info("qq0", ns0) is None and link_info(master) is None


@pytest.mark.ipvlan
def test_vlan_made_by_hand_survives_deleted_and_overridden(lower, track_netns):
    dev = lower()
    hand, ours = dev + ".20", dev + ".30"
    ip("link", "add", "link", dev, "name", hand, "type", "vlan", "id", "20")
    ip("link", "set", hand, "addrgenmode", "none")
    ip("link", "set", hand, "up")
    ns0 = unique_name("tv")
    track_netns(ns0)
    by_hand = {"master": hand, "mode": "l2", "vlan": {"link": dev, "id": 20},
               "links": [{"name": "hv0", "netns": ns0, "addresses": ["10.20.0.10/24"]}]}
    made = {"master": ours, "mode": "l2", "vlan": {"link": dev, "id": 30},
            "links": [{"name": "ov0", "netns": ns0, "addresses": ["10.30.0.10/24"]}]}
    result = topology([by_hand, made])
    assert result["changed"] is True, result
    assert not any("add vlan %s " % hand in line for line in result["commands"])
    assert vlan_of(hand)[4] is None  # not marked: not the collection's

    deleted = topology([by_hand], state="deleted")
    assert deleted["changed"] is True, deleted
    assert link_info("hv0", ns0) is None
    assert vlan_of(hand)[:4] == ("vlan", 20, "802.1Q", dev)

    assert topology([by_hand])["changed"] is True
    # overridden with only the hand-made port, without its slaves: every
    # other slave goes, and the VLAN the collection made for them; the
    # hand-made VLAN stays
    over = topology([dict(by_hand, links=[])], state="overridden")
    assert over["changed"] is True, over
    assert link_info("hv0", ns0) is None and link_info("ov0", ns0) is None
    assert link_info(ours) is None
    assert vlan_of(hand)[:4] == ("vlan", 20, "802.1Q", dev)


@pytest.mark.ipvlan
def test_existing_vlan_with_another_id_is_refused_with_the_kernel_untouched(lower):
    dev = lower()
    other = dev + ".10"
    ip("link", "add", "link", dev, "name", other, "type", "vlan", "id", "11")
    before = kernel_snapshot([None])
    config = [{"master": other, "vlan": {"link": dev, "id": 10}, "links": [{"name": unique_name("x")}]}]
    for check in (True, False):
        result = topology(config, check=check)
        assert result.get("failed") is True
        assert result["msg"].startswith("config[0].vlan:"), result["msg"]
        assert "id is 11, not 10" in result["msg"]
    assert kernel_snapshot([None]) == before


def test_vlan_declarations_are_checked_before_any_change(lower):
    """Needs no 8021q: every check refuses before anything is created."""
    dev = lower()
    before = kernel_snapshot([None])
    port = {"master": dev + ".99", "vlan": {"link": dev, "id": 99},
            "links": [{"name": unique_name("x")}]}
    result = topology([dict(port, master=dev, vlan={"link": "lo", "id": 5})])
    assert result.get("failed") is True and "is a veth device, not VLAN 5" in result["msg"]
    for vid in (0, 4095):
        result = topology([dict(port, vlan={"link": dev, "id": vid})])
        assert result["msg"].startswith("config[0].vlan.id:"), result["msg"]
    result = topology([dict(port, vlan={"link": "nosuchdev0", "id": 99})])
    assert result["msg"].startswith("config[0].vlan.link:"), result["msg"]
    result = topology([dict(port, master="lo.7", vlan={"link": "lo", "id": 7})])
    assert result["msg"].startswith("config[0].vlan.link:") and "not an Ethernet" in result["msg"]
    result = topology([dict(port, master=dev + "9999999.99")])
    assert result["msg"].startswith("config[0].master:"), result["msg"]
    result = topology([dict(port, links=[{"name": "t0", "tap": {"mode": "0660"}}])])
    assert result["msg"].startswith("config[0].links[0].tap:"), result["msg"]
    result = topology([dict(port, links=[{"name": "t0", "kind": "ipvtap",
                                          "tap": {"owner": "no-such-user-x"}}])])
    assert result["msg"].startswith("config[0].links[0].tap.owner:"), result["msg"]
    assert kernel_snapshot([None]) == before


@pytest.fixture
def test_user():
    """A user and its group, added to the VM's throwaway /etc (useradd fails
    there: it cannot replace /etc/shadow on the overlay)."""
    if os.environ.get("LAB_MODE") != "vm":
        pytest.skip("adds a user to /etc: only where /etc is thrown away (the lab VM)")
    try:
        return pwd.getpwnam(TEST_USER)
    except KeyError:
        pass
    number = TEST_ID
    while True:
        try:
            pwd.getpwuid(number)
        except KeyError:
            try:
                grp.getgrgid(number)
            except KeyError:
                break
        number += 1
    with open("/etc/group", "a") as handle:
        handle.write("%s:x:%d:\n" % (TEST_USER, number))
    with open("/etc/passwd", "a") as handle:
        handle.write("%s:x:%d:%d::/nonexistent:/usr/sbin/nologin\n" % (TEST_USER, number, number))
    return pwd.getpwnam(TEST_USER)


def opens(path, user):
    """Whether `user` (a pwd entry) can open `path` for reading and writing."""
    code = "import os, sys; os.close(os.open(sys.argv[1], os.O_RDWR))"
    proc = subprocess.run(["/usr/bin/python3", "-c", code, path], user=user.pw_uid,
                          group=user.pw_gid, extra_groups=[], capture_output=True, text=True,
                          check=False)
    return proc.returncode == 0, proc.stderr


def tap_path(name, netns):
    return "/dev/tap%d" % ip_json("link", "show", "dev", name, netns=netns)[0]["ifindex"]


def node(path):
    info = os.stat(path)
    assert stat.S_ISCHR(info.st_mode)
    return info.st_uid, info.st_gid, stat.S_IMODE(info.st_mode)


@pytest.mark.ipvlan
def test_ipvtap_node_gets_owner_group_mode_and_opens_as_that_user(make_veth, track_netns,
                                                                  test_user):
    master = make_veth()
    ns0, ns1 = unique_name("tt"), unique_name("tt")
    track_netns(ns0)
    track_netns(ns1)
    want = {"owner": TEST_USER, "group": TEST_USER, "mode": "0660"}
    link = {"name": "tap0", "kind": "ipvtap", "netns": ns0, "tap": want}
    config = [{"master": master, "mode": "l2", "links": [link]}]
    check = topology(config, check=True)
    assert "%s: set tap of tap0 owner %s group %s mode 0660" % (ns0, TEST_USER, TEST_USER) \
        in check["commands"], check
    result = topology(config)
    assert result["changed"] is True and result["commands"] == check["commands"], result
    path = tap_path("tap0", ns0)
    assert node(path) == (test_user.pw_uid, test_user.pw_gid, 0o660)
    assert opens(path, test_user) == (True, "")
    nobody = pwd.getpwnam("nobody")
    assert opens(path, nobody)[0] is False  # the mode is what lets the user in

    again = topology(config)
    assert again["changed"] is False and again["commands"] == []
    gathered = run_module("ipvlan_topology", {"state": "gathered"})["gathered"]
    port = [p for p in gathered if p["master"] == master][0]
    assert port["links"][0]["tap"] == {"path": path, "owner": TEST_USER, "group": TEST_USER,
                                       "mode": "0660"}
    assert topology([port])["changed"] is False  # gathered state fed back

    # a change by hand is put right
    os.chmod(path, 0o600)
    fixed = topology(config)
    assert fixed["commands"] == ["%s: set tap of tap0 mode 0660" % ns0]
    assert node(path)[2] == 0o660

    # made in the master's namespace, then moved to one where its index is
    # taken: a new index, a new node made by the kernel (root, 0600), the
    # declared tap applied again
    staged = dict(link, name="tap1", netns=None)
    assert topology([{"master": master, "mode": "l2", "links": [staged]}])["changed"] is True
    host_path = tap_path("tap1", None)
    assert node(host_path) == (test_user.pw_uid, test_user.pw_gid, 0o660)
    ip("netns", "add", ns1)
    ip("link", "add", "xa", "index", host_path[len("/dev/tap"):], "type", "veth", "peer", "name",
       "ya", netns=ns1)
    moved = topology([{"master": master, "mode": "l2", "links": [dict(staged, netns=ns1)]}])
    assert moved["changed"] is True, moved
    assert moved["commands"][0] == "(host): move link tap1 to netns %s" % ns1
    assert moved["commands"][-1].startswith("%s: set tap of tap1 owner" % ns1)
    new_path = tap_path("tap1", ns1)
    assert new_path != host_path
    assert node(new_path) == (test_user.pw_uid, test_user.pw_gid, 0o660)
    assert opens(new_path, test_user) == (True, "")
    assert topology([{"master": master, "mode": "l2", "links": [dict(staged, netns=ns1)]}])[
        "changed"] is False
    # /sys/dev/char names whose node it is, whatever namespace the ipvtap is in
    assert devices.holder(os.stat(new_path).st_rdev) == "tap1"
    assert devices.holder(os.stat(path).st_rdev) == "tap0"


@pytest.mark.ipvlan
def test_ipvlan_link_applies_and_reports_tap(make_veth):
    master = make_veth()
    name = unique_name("k")
    args = {"name": name, "kind": "ipvtap", "parent": master, "mode": "l2",
            "tap": {"group": "0", "mode": "0666"}}
    check = run_module("ipvlan_link", args, check=True)
    assert check["changed"] is True and check["link"]["tap"]["mode"] == "0666"
    assert link_info(name) is None
    result = run_module("ipvlan_link", args)
    assert result["changed"] is True, result
    path = tap_path(name, None)
    assert node(path) == (0, 0, 0o666)
    assert result["link"]["tap"] == {"path": path, "owner": "root", "group": "root",
                                     "mode": "0666"}
    again = run_module("ipvlan_link", args)
    assert again["changed"] is False, again
    bad = run_module("ipvlan_link", dict(args, kind="ipvlan", name=unique_name("k")))
    assert bad.get("failed") is True and bad["msg"].startswith("tap:"), bad
    run_module("ipvlan_link", {"name": name, "state": "absent"})
