"""What differs between the kernels the collection supports (Debian's 5.10
to 7.3), each checked on a real kernel with iproute2's view of it.

`make integration` runs this file with the rest of the kernel suite on 6.1,
and again alone on 7.3 (the newest), where the kernel behaves differently:
- since 6.10 an ipvlan slave's carrier and operstate follow its master
  going down (ipvlan handles the master's NETDEV_DOWN); before, the slave
  kept its carrier. The modules manage the administrative state (IFF_UP),
  so either is no drift;
- since the 6.15 cycle rtnetlink looks IFLA_LINK up in the link's own
  namespace (IFLA_LINK_NETNSID) and creates the device directly in the
  target namespace: a slave whose master lives in another namespace is made
  the same way on every kernel.
"""

import os
import re

import pytest

from harness import ip, ip_json, link_info, run_module, unique_name

pytestmark = pytest.mark.ipvlan


def kernel_series():
    """(major, minor) of the running kernel: "5.10.0-46-amd64" -> (5, 10)."""
    found = re.match(r"(\d+)\.(\d+)", os.uname().release)
    return int(found.group(1)), int(found.group(2))


def info_links(result):
    """{(netns, name): link} of an ipvlan_info result."""
    return dict(((link.get("netns"), link["name"]), link)
                for port in result["ports"] for link in port["links"])


def test_a_slave_whose_master_goes_down_is_no_drift(howto):
    master, ns0, ns1, config = howto
    first = run_module("ipvlan_topology", {"config": config})
    assert not first.get("failed"), first
    ip("link", "set", master, "down")
    seen = link_info("ipvl0", ns0)
    # the administrative state is what was declared on every kernel ...
    assert "UP" in seen["flags"], seen
    # ... the carrier follows the master since 6.10 only
    follows = kernel_series() >= (6, 10)
    assert ("LOWER_UP" not in seen["flags"]) is follows, (os.uname().release, seen)
    for check in (True, False):
        again = run_module("ipvlan_topology", {"config": config}, check=check)
        assert not again.get("failed") and again["changed"] is False, again
    links = info_links(run_module("ipvlan_info", {}))
    assert links[(ns0, "ipvl0")]["up"] is True and links[(ns1, "ipvl1")]["up"] is True
    assert links[(ns0, "ipvl0")]["addresses"] == ["10.0.0.10/24"]
    # nothing was taken down or flushed by the runs
    assert link_info("ipvl0", ns0)["flags"] == seen["flags"]


def test_a_slave_of_a_master_in_another_namespace(make_netns, make_veth, track_netns):
    home = make_netns("km")
    master = make_veth(netns=home)
    there = unique_name("ks")
    track_netns(there)
    config = [{"master": master, "master_netns": home, "mode": "l2", "flags": "private",
               "links": [{"name": "kv0", "netns": there, "addresses": ["10.77.0.2/24"]}]}]
    result = run_module("ipvlan_topology", {"config": config})
    assert not result.get("failed") and result["changed"] is True, result
    [seen] = ip_json("link", "show", "dev", "kv0", netns=there)
    assert seen["linkinfo"]["info_kind"] == "ipvlan" and seen["linkinfo"]["info_data"]["mode"] == "l2"
    # the kernel names the master's namespace by its id, the master by its
    # index there (or leaves IFLA_LINK out when the two indexes are equal)
    assert "link_netnsid" in seen, seen
    master_index = ip_json("link", "show", "dev", master, netns=home)[0]["ifindex"]
    assert seen.get("link_index", seen["ifindex"]) == master_index or seen.get("link") == master, seen
    assert seen["address"] == ip_json("link", "show", "dev", master, netns=home)[0]["address"]
    assert ip_json("addr", "show", "dev", "kv0", netns=there)[0]["addr_info"][0]["local"] == "10.77.0.2"
    # no stray link in the host namespace or the master's
    assert ip("link", "show", "dev", "kv0", check=False) == ""
    assert not [x for x in ip_json("link", "show", netns=home) if x["ifname"] == "kv0"]
    again = run_module("ipvlan_topology", {"config": config})
    assert not again.get("failed") and again["changed"] is False, again
