"""ip_route on a real kernel, IPv4 and IPv6, on veth devices (no ipvlan
needed) in a private namespace. Routes are read with `ip -j route` after
every step, not from the module's result."""


import pytest

from harness import ip, ip_json, kernel_snapshot, settled_snapshot, run_module, unique_name


def settled(netns_list):
    """Wait until new links stop changing by themselves (see harness)."""
    settled_snapshot(netns_list)


def veth(netns, *cidrs):
    """A veth pair inside `netns`, both ends up; one end gets `cidrs`."""
    dev, peer = unique_name("d"), unique_name("p")
    ip("link", "add", dev, "type", "veth", "peer", "name", peer, netns=netns)
    for name in (dev, peer):
        ip("link", "set", name, "addrgenmode", "none", netns=netns)
        ip("link", "set", name, "up", netns=netns)
    for cidr in cidrs:
        ip("addr", "add", cidr, "dev", dev, netns=netns)
    settled([netns])
    return dev


@pytest.fixture
def lab(make_netns):
    """(netns, dev): a namespace without IPv6 DAD and a veth end with
    10.0.0.10/24 and 2001:db8::10/64."""
    netns = make_netns()
    ip("netns", "exec", netns, "sysctl", "-qw", "net.ipv6.conf.all.accept_dad=0",
       "net.ipv6.conf.default.accept_dad=0")
    return netns, veth(netns, "10.0.0.10/24", "2001:db8::10/64")


def routes(netns, family, *selector):
    """`ip -j -4|-6 route show SELECTOR` in netns."""
    return ip_json("-%d" % family, "route", "show", *selector, netns=netns)


def defaults(netns, family):
    return [(r.get("gateway"), r.get("dev"), r.get("metric", 0))
            for r in routes(netns, family, "default")]


def ensure(check=False, **args):
    return run_module("ip_route", args, check=check)


@pytest.mark.parametrize("family,gw1,gw2,metric", [
    (4, "10.0.0.1", "10.0.0.2", 0),
    (6, "2001:db8::1", "2001:db8::2", 1024),
])
def test_default_route_lifecycle_and_gateway_replace(lab, family, gw1, gw2, metric):
    netns, dev = lab
    args = dict(dst="default", gateway=gw1, dev=dev, netns=netns)
    dst_text = "default" if family == 4 else "::/0"

    before = kernel_snapshot([netns])
    result = ensure(check=True, **args)
    assert result["changed"] is True
    assert result["commands"] == ["%s: add route %s via %s dev %s" % (netns, dst_text, gw1, dev)]
    assert kernel_snapshot([netns]) == before

    result = ensure(**args)
    assert result["changed"] is True, result
    assert defaults(netns, family) == [(gw1, dev, metric)]
    for check in (False, True):
        again = ensure(check=check, **args)
        assert again["changed"] is False and again["commands"] == [], again

    # another gateway: the route is replaced, never a second default
    args["gateway"] = gw2
    before = kernel_snapshot([netns])
    result = ensure(check=True, **args)
    assert result["changed"] is True and kernel_snapshot([netns]) == before
    assert result["commands"] == ["%s: replace route %s via %s dev %s" % (netns, dst_text, gw2, dev)]
    result = ensure(**args)
    assert result["changed"] is True, result
    assert defaults(netns, family) == [(gw2, dev, metric)]
    assert result["route"]["gateway"] == gw2 and result["diff"]["before"]["gateway"] == gw1
    assert ensure(**args)["changed"] is False

    before = kernel_snapshot([netns])
    assert ensure(check=True, state="absent", **args)["changed"] is True
    assert kernel_snapshot([netns]) == before
    result = ensure(state="absent", **args)
    assert result["changed"] is True, result
    assert defaults(netns, family) == []
    assert ensure(state="absent", **args)["changed"] is False


def test_dev_change_replaces_the_route(lab):
    netns, dev = lab
    other = veth(netns, "10.1.0.10/24")
    args = dict(dst="192.0.2.0/24", dev=dev, netns=netns)
    assert ensure(**args)["changed"] is True
    assert [r["dev"] for r in routes(netns, 4, "192.0.2.0/24")] == [dev]
    args["dev"] = other
    result = ensure(**args)
    assert result["commands"] == ["%s: replace route 192.0.2.0/24 dev %s" % (netns, other)]
    assert [(r["dev"], r.get("scope")) for r in routes(netns, 4, "192.0.2.0/24")] == [(other, "link")]
    assert ensure(**args)["changed"] is False


@pytest.mark.parametrize("dst,gateway", [("198.51.100.0/24", "10.0.0.1"),
                                         ("2001:db8:99::/64", "2001:db8::1")])
def test_metric_and_table_make_the_identity(lab, dst, gateway):
    netns, dev = lab
    family = 6 if ":" in dst else 4
    base = dict(dst=dst, gateway=gateway, netns=netns, table=100)
    assert ensure(metric=50, **base)["changed"] is True
    assert ensure(metric=60, **base)["changed"] is True  # another metric: another route
    found = sorted(r["metric"] for r in routes(netns, family, "table", "100", dst))
    assert found == [50, 60]
    assert routes(netns, family, dst) == []  # not in main
    assert ensure(metric=50, **base)["changed"] is False
    assert ensure(metric=50, state="absent", **base)["changed"] is True
    assert [r["metric"] for r in routes(netns, family, "table", "100", dst)] == [60]


def test_ipv6_metric_zero_is_the_kernel_default(lab):
    netns, dev = lab
    args = dict(dst="2001:db8:5::/64", dev=dev, netns=netns)
    assert ensure(**args)["changed"] is True
    assert [r["metric"] for r in routes(netns, 6, "2001:db8:5::/64")] == [1024]
    assert ensure(metric=0, **args)["changed"] is False
    assert ensure(metric=1024, **args)["changed"] is False


def test_src_and_scope(lab):
    netns, dev = lab
    args = dict(dst="203.0.113.0/24", dev=dev, src="10.0.0.10", scope="link", netns=netns)
    assert ensure(**args)["changed"] is True
    found = routes(netns, 4, "203.0.113.0/24")
    assert [(r.get("prefsrc"), r.get("scope")) for r in found] == [("10.0.0.10", "link")]
    assert ensure(**args)["changed"] is False


def test_kernel_made_route_can_be_removed(lab):
    netns, dev = lab
    assert [r.get("protocol") for r in routes(netns, 4, "10.0.0.0/24")] == ["kernel"]
    result = ensure(dst="10.0.0.0/24", dev=dev, netns=netns, state="absent")
    assert result["changed"] is True, result
    assert routes(netns, 4, "10.0.0.0/24") == []


def test_absent_with_another_gateway_leaves_the_route(lab):
    netns, dev = lab
    ip("route", "add", "default", "via", "10.0.0.1", netns=netns)
    result = ensure(dst="default", gateway="10.0.0.2", netns=netns, state="absent")
    assert result["changed"] is False
    assert defaults(netns, 4) == [("10.0.0.1", dev, 0)]


@pytest.mark.parametrize("gateway,errname", [("10.9.9.1", "ENETUNREACH"),
                                             ("2001:db8:9::1", "EHOSTUNREACH")])
def test_unreachable_gateway_is_a_clear_message(lab, gateway, errname):
    netns, dev = lab
    before = kernel_snapshot([netns])
    result = ensure(dst="default", gateway=gateway, dev=dev, netns=netns)
    assert result.get("failed") is True, result
    assert errname in result["msg"] and gateway in result["msg"]
    assert "not on any subnet connected to the device" in result["msg"]
    assert "nothing was changed" in result["msg"]
    assert kernel_snapshot([netns]) == before


@pytest.mark.parametrize("args,field", [
    (dict(dst="10.5.0.1/24", dev="@dev"), "dst"),
    (dict(dst="10.5.0.0/33", dev="@dev"), "dst"),
    (dict(dst="10.5.0.0/24", gateway="10.0.0.300"), "gateway"),
    (dict(dst="10.5.0.0/24", gateway="2001:db8::1"), "gateway"),
    (dict(dst="default", gateway="fe80::1"), "dev"),
    (dict(dst="10.5.0.0/24", dev="nosuchdev0"), "dev"),
    (dict(dst="10.5.0.0/24", dev="@dev", netns="nosuchns0"), "netns"),
    (dict(dst="10.5.0.0/24", dev="@dev", table="mian"), "table"),
    (dict(dst="10.5.0.0/24", dev="@dev", metric=-1), "metric"),
    (dict(dst="10.5.0.0/24", dev="@dev", src="10.0.0.99"), "src"),
    (dict(dst="10.5.0.0/24", gateway="10.0.0.1", scope="link"), "scope"),
])
def test_bad_input_fails_with_the_field_before_any_change(lab, args, field):
    netns, dev = lab
    full = dict(netns=netns)
    full.update(args)
    if full.get("dev") == "@dev":
        full["dev"] = dev
    before = kernel_snapshot([None, netns])
    result = ensure(**full)
    assert result.get("failed") is True, result
    assert result["msg"].startswith(field + ": "), result["msg"]
    assert kernel_snapshot([None, netns]) == before


def test_gateway_or_dev_is_required(lab):
    netns = lab[0]
    result = ensure(dst="10.5.0.0/24", netns=netns)
    assert result.get("failed") is True and "gateway, dev" in result["msg"], result


def test_absent_on_missing_namespace_or_device_is_unchanged(lab):
    netns = lab[0]
    for args in (dict(netns="nosuchns0"), dict(netns=netns, dev="nosuchdev0")):
        result = ensure(dst="default", state="absent", **args)
        assert result["changed"] is False and "failed" not in result, result
