"""ip_address on a real kernel, IPv4 and IPv6, on veth devices (no ipvlan
needed) in a private namespace; only the EADDRINUSE case needs ipvlan. The
kernel is read with `ip -j` after every step, not the module's result."""


import pytest

from harness import (addresses, configured_addresses, ip, ip_json, kernel_snapshot, run_module,
                     settled_snapshot, unique_name)


def settled(netns_list):
    """Wait until new links stop changing by themselves (see harness)."""
    settled_snapshot(netns_list)


def quiet_netns(make_netns):
    """A namespace where IPv6 addresses skip DAD (no flag changes over time)."""
    netns = make_netns()
    ip("netns", "exec", netns, "sysctl", "-qw", "net.ipv6.conf.all.accept_dad=0",
       "net.ipv6.conf.default.accept_dad=0")
    return netns


@pytest.fixture
def netdev(make_netns, make_veth):
    """(netns, dev): a veth end, up, in a new namespace."""
    netns = quiet_netns(make_netns)
    dev = make_veth(netns=netns)
    settled([netns])
    return netns, dev


def ensure(check=False, **args):
    return run_module("ip_address", args, check=check)


def test_ipv4_and_ipv6_check_apply_idempotent_absent(netdev):
    netns, dev = netdev
    want = ["192.0.2.10/24", "2001:db8:10::10/64"]
    args = dict(dev=dev, netns=netns, addresses=want)

    before = kernel_snapshot([netns])
    result = ensure(check=True, **args)
    assert result["changed"] is True
    assert result["commands"] == ["%s: add address %s dev %s" % (netns, a, dev) for a in want]
    assert kernel_snapshot([netns]) == before

    result = ensure(**args)
    assert result["changed"] is True, result
    assert configured_addresses(dev, netns) == sorted(want)

    for check in (False, True):
        again = ensure(check=check, **args)
        assert again["changed"] is False and again["commands"] == [], again
    assert sorted(a for a in again["addresses"] if not a.startswith("fe80:")) == sorted(want)

    before = kernel_snapshot([netns])
    result = ensure(check=True, state="absent", **args)
    assert result["changed"] is True and len(result["commands"]) == 2
    assert kernel_snapshot([netns]) == before

    result = ensure(state="absent", **args)
    assert result["changed"] is True, result
    assert configured_addresses(dev, netns) == []
    assert ensure(state="absent", **args)["changed"] is False


def test_in_the_module_namespace_without_netns(make_veth):
    dev = make_veth()
    settled([None])
    args = dict(dev=dev, addresses=["198.51.100.7/25", "2001:db8:7::7/64"])
    result = ensure(**args)
    assert result["changed"] is True and result["netns"] is None, result
    assert result["commands"][0] == "(host): add address 198.51.100.7/25 dev %s" % dev
    assert configured_addresses(dev, None) == ["198.51.100.7/25", "2001:db8:7::7/64"]
    assert ensure(**args)["changed"] is False


def test_address_without_prefix_gets_host_prefix(netdev):
    netns, dev = netdev
    args = dict(dev=dev, netns=netns, addresses=["192.0.2.33", "2001:db8::33"])
    assert ensure(**args)["changed"] is True
    assert configured_addresses(dev, netns) == ["192.0.2.33/32", "2001:db8::33/128"]
    assert ensure(**args)["changed"] is False


def test_loopback_addresses_get_scope_host_as_with_ip(make_netns):
    """127.x gets scope host, as `ip addr add` gives it; others global."""
    netns = quiet_netns(make_netns)
    ip("link", "set", "dev", "lo", "up", netns=netns)
    args = dict(dev="lo", netns=netns, addresses=["127.0.0.1/8", "127.0.0.53/8", "192.0.2.53/32"])
    assert ensure(**args)["changed"] is True
    scopes = dict(("%s/%s" % (a["local"], a["prefixlen"]), a["scope"])
                  for a in ip_json("addr", "show", "dev", "lo", netns=netns)[0]["addr_info"]
                  if a["family"] == "inet")
    assert scopes == {"127.0.0.1/8": "host", "127.0.0.53/8": "host", "192.0.2.53/32": "global"}
    assert ensure(**args)["changed"] is False


def test_prefix_change_replaces_the_entry(netdev):
    netns, dev = netdev
    ip("addr", "add", "10.20.0.5/16", "dev", dev, netns=netns)
    ip("addr", "add", "2001:db8:20::5/48", "dev", dev, netns=netns)
    args = dict(dev=dev, netns=netns, addresses=["10.20.0.5/24", "2001:db8:20::5/64"])
    result = ensure(**args)
    assert result["changed"] is True, result
    assert configured_addresses(dev, netns) == ["10.20.0.5/24", "2001:db8:20::5/64"]
    assert ensure(**args)["changed"] is False


@pytest.mark.parametrize("promote", ["0", "1"])
def test_exclusive_keeps_wanted_secondaries_and_link_local(netdev, promote):
    netns, dev = netdev
    ip("netns", "exec", netns, "sysctl", "-qw",
       "net.ipv4.conf.%s.promote_secondaries=%s" % (dev, promote))
    for cidr in ("192.0.2.1/24", "10.30.0.1/24", "10.30.0.2/24", "10.30.0.3/24",
                 "2001:db8:30::9/64", "fe80::30/64"):
        ip("addr", "add", cidr, "dev", dev, netns=netns)
    link_local = [a for a in addresses(dev, netns) if a.startswith("fe80:")]
    assert link_local == ["fe80::30/64"]  # make_veth's links have no automatic one
    args = dict(dev=dev, netns=netns, addresses=["10.30.0.3/24", "2001:db8:30::1/64"],
                exclusive=True)

    before = kernel_snapshot([netns])
    result = ensure(check=True, **args)
    assert result["changed"] is True and kernel_snapshot([netns]) == before

    result = ensure(**args)
    assert result["changed"] is True, result
    assert configured_addresses(dev, netns) == ["10.30.0.3/24", "2001:db8:30::1/64"]
    assert [a for a in addresses(dev, netns) if a.startswith("fe80:")] == link_local
    again = ensure(**args)
    assert again["changed"] is False, again


def test_exclusive_with_no_addresses_flushes(netdev):
    netns, dev = netdev
    ip("addr", "add", "10.40.0.1/24", "dev", dev, netns=netns)
    ip("addr", "add", "2001:db8:40::1/64", "dev", dev, netns=netns)
    ip("addr", "add", "fe80::40/64", "dev", dev, netns=netns)
    assert ensure(dev=dev, netns=netns, addresses=[], exclusive=True)["changed"] is True
    assert configured_addresses(dev, netns) == []
    assert addresses(dev, netns) == ["fe80::40/64"]  # link-local stays


@pytest.mark.parametrize("args,field", [
    (dict(addresses=["192.0.2.300/24"]), "addresses"),
    (dict(addresses=["192.0.2.1/33"]), "addresses"),
    (dict(addresses=["2001:db8::1/129"]), "addresses"),
    (dict(addresses=["192.0.2.1/24", "2001:db8::zz/64"]), "addresses"),  # first one good
    (dict(addresses=["192.0.2.1/24", "192.0.2.1/25"]), "addresses"),
    (dict(dev="nosuchdev0", addresses=["192.0.2.1/24"]), "dev"),
    (dict(dev="bad/name", addresses=["192.0.2.1/24"]), "dev"),
    (dict(netns="nosuchns0", addresses=["192.0.2.1/24"]), "netns"),
    (dict(netns="../etc", addresses=["192.0.2.1/24"]), "netns"),
])
def test_bad_input_fails_with_the_field_before_any_change(netdev, args, field):
    netns, dev = netdev
    full = dict(dev=dev, netns=netns)
    full.update(args)
    before = kernel_snapshot([None, netns])
    result = ensure(**full)
    assert result.get("failed") is True, result
    assert result["msg"].startswith(field + ": "), result["msg"]
    assert kernel_snapshot([None, netns]) == before


def test_absent_on_missing_device_or_namespace_is_unchanged(netdev):
    netns = netdev[0]
    for args in (dict(dev="nosuchdev0", netns=netns), dict(dev="eth0", netns="nosuchns0")):
        result = ensure(state="absent", addresses=["192.0.2.1/24"], **args)
        assert result["changed"] is False and result["addresses"] == [], result
        assert "failed" not in result


@pytest.mark.ipvlan
@pytest.mark.parametrize("cidr", ["10.77.0.5/24", "2001:db8:77::5/64"])
def test_eaddrinuse_on_a_sibling_ipvlan_slave_names_the_address(make_veth, make_netns, cidr):
    master = make_veth()
    ns_a, ns_b = quiet_netns(make_netns), quiet_netns(make_netns)
    slave_a, slave_b = unique_name("ia"), unique_name("ib")
    for slave, netns in ((slave_a, ns_a), (slave_b, ns_b)):
        ip("link", "add", "link", master, "name", slave, "type", "ipvlan", "mode", "l2")
        ip("link", "set", slave, "netns", netns)
        ip("link", "set", slave, "addrgenmode", "none", netns=netns)  # after the move
        ip("link", "set", slave, "up", netns=netns)
    ip("addr", "add", cidr, "dev", slave_a, netns=ns_a)
    settled([None, ns_a, ns_b])

    before = kernel_snapshot([None, ns_a, ns_b])
    result = ensure(dev=slave_b, netns=ns_b, addresses=[cidr])
    assert result.get("failed") is True, result
    assert "EADDRINUSE" in result["msg"] and cidr in result["msg"], result["msg"]
    assert "another ipvlan slave of the same master" in result["msg"]
    assert kernel_snapshot([None, ns_a, ns_b]) == before
    assert configured_addresses(slave_b, ns_b) == []
