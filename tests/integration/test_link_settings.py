"""The kinds of change (ops/) behind `ipv6` and `host_access` on a real kernel, on
veth devices (no ipvlan needed: these also run natively): the sysctls land
in the device's own namespace and nowhere else (/proc/sys/net follows the
namespace of the thread that opens the file), addr_gen_mode and the alias
go over netlink, and the link dump reads the alias back (the IPv6 settings
of a slave: test_host_access, in the lab)."""

import subprocess

import pytest

from harness import ip, link_info, unique_name

from ansible_collections.linuxnet.ipvlan.plugins.module_utils.kernel.driver import Driver
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model.errors import PlanFailed
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model.names import HOST_ACCESS_MARK
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.ops import ipv6
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.ops.alias import LinkAlias
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.ops.base import Plan
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.ops.transaction import execute


def apply(driver, plan):
    """The plan applied as it is, neither verified nor rolled back."""
    return execute(driver, plan, rollback=False, verify=False)


def sysctl(netns, name, key):
    cmd = (["ip", "netns", "exec", netns] if netns else []) + [
        "cat", "%s/%s/%s" % (ipv6.SYSCTL_DIR, name, key)]
    return int(subprocess.run(cmd, capture_output=True, text=True, check=True).stdout)


@pytest.fixture
def same_name_twice(make_netns):
    """A veth called NAME in a new namespace and another called NAME in the
    host's, both left with the kernel's IPv6 defaults."""
    netns = make_netns("ls")
    name = unique_name("ls")
    ip("link", "add", name, "type", "veth", "peer", "name", unique_name("lp"), netns=netns)
    ip("link", "add", name, "type", "veth", "peer", "name", unique_name("lp"))
    yield netns, name
    ip("link", "del", name, check=False)


def test_settings_land_in_the_links_namespace_only(same_name_twice):
    netns, name = same_name_twice
    plan = Plan([
        ipv6.Ipv6Sysctl.op(netns, name, {"disable_ipv6": 1, "accept_ra": 2}),
        ipv6.Ipv6AddrGenMode.op(netns, name, "none"),
        LinkAlias.op(netns, name, HOST_ACCESS_MARK),
    ])
    with Driver() as driver:
        before = driver.session(netns).link(name)
        assert (sysctl(netns, name, "disable_ipv6"), sysctl(netns, name, "accept_ra")) == (0, 1)
        assert before["alias"] is None
        # a veth: the dump's IPv6 settings are decoded for ipvlan slaves only
        assert before["ipv6"] is None
        apply(driver, plan)
        after = driver.session(netns).link(name)  # read again: the handlers invalidated
    assert after["alias"] == "linuxnet-ipvlan:host_access"
    assert (sysctl(netns, name, "disable_ipv6"), sysctl(netns, name, "accept_ra")) == (1, 2)
    assert link_info(name, netns)["inet6_addr_gen_mode"] == "none"
    # the device of that name in the host's namespace is untouched
    assert (sysctl(None, name, "disable_ipv6"), sysctl(None, name, "accept_ra")) == (0, 1)
    assert link_info(name)["inet6_addr_gen_mode"] == "eui64"
    assert "ifalias" not in link_info(name)


def test_alias_can_be_removed_and_a_missing_device_is_named(same_name_twice):
    netns, name = same_name_twice
    with Driver() as driver:
        apply(driver, Plan([LinkAlias.op(netns, name, "x")]))
        apply(driver, Plan([LinkAlias.op(netns, name, "")]))
        assert driver.session(netns).link(name)["alias"] is None
        with pytest.raises(PlanFailed) as exc:
            apply(driver, Plan([ipv6.Ipv6Sysctl.op(netns, "gone0", {"accept_ra": 0})]))
    assert "ENOENT" in str(exc.value) and "gone0" in str(exc.value)
