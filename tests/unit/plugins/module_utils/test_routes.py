"""Planning of ip_route without root: identity, replace instead of a second
route, normalisation, and every bad field refused by name."""

import ipaddress
import socket

import pytest

from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model import abi
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model import routes as model_routes
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.kernel import messages as m

from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model.errors import NamespaceNotFound, ValidationError
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.ops.route import RouteDel
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.planners import routes
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.resources import ip_route


# --------------------------------------------------- wire format (no ansible)


def test_route_proto_defaults_to_boot_and_can_be_zero_for_deletes():
    pytest.importorskip("pyroute2")
    spec = {"dst": ipaddress.ip_network("10.1.0.0/24"), "gateway": "10.0.0.1", "table": 254}
    assert m.route(spec)["proto"] == abi.RTPROT_BOOT
    spec.update(proto=0, scope="nowhere")
    msg = m.route(spec, oif=3)
    assert msg["proto"] == 0 and msg["scope"] == 255
    msg.encode()
    data = bytes(msg.data)
    assert data[16] == socket.AF_INET and data[17] == 24  # rtm_family, rtm_dst_len
    assert data[21] == 0 and data[22] == 255  # rtm_protocol, rtm_scope


# ----------------------------------------------------------- normalisation


def spec(**kw):
    p = dict(dst="default", gateway="10.0.0.1", dev=None, netns=None, metric=None, table="main",
             src=None, scope=None, state="present")
    p.update(kw)
    return routes.normalize(p)


def test_default_follows_the_gateway_family_and_metric_is_normalised():
    s = spec()
    assert s["dst"] == ipaddress.ip_network("0.0.0.0/0") and s["metric"] == 0 and s["table"] == 254
    s = spec(gateway="2001:db8::1")
    assert s["dst"] == ipaddress.ip_network("::/0") and s["metric"] == 1024
    assert spec(gateway="2001:db8::1", metric=0)["metric"] == 1024  # as the kernel does
    assert spec(gateway=None, dev="eth0", src="2001:db8::5")["dst"].version == 6
    assert spec(gateway=None, dev="eth0")["dst"].version == 4


@pytest.mark.parametrize("table,number", [("main", 254), ("local", 255), ("default", 253),
                                          ("100", 100), (100, 100), ("4294967295", 4294967295)])
def test_tables(table, number):
    assert spec(table=table)["table"] == number


@pytest.mark.parametrize("kw,field,reason", [
    (dict(dst="10.0.0.1/24"), "dst", "network address: 10.0.0.0/24"),
    (dict(dst="10.0.0.0/33"), "dst", "10.0.0.0/33"),
    (dict(dst="defualt"), "dst", "neither 'default'"),
    (dict(gateway="10.0.0.300"), "gateway", "not an IPv4 or IPv6"),
    (dict(gateway="0.0.0.0"), "gateway", "unspecified"),
    (dict(dst="10.1.0.0/24", gateway="2001:db8::1"), "gateway", "IPv6 but dst"),
    (dict(src="2001:db8::1"), "src", "IPv6 but dst"),
    (dict(gateway="fe80::1"), "dev", "link-local gateway"),
    (dict(gateway=None), "gateway", "gateway, a dev"),
    (dict(dev="bad/name"), "dev", "'/'"),
    (dict(netns="../x"), "netns", "contains '/'"),
    (dict(metric=-1), "metric", "outside"),
    (dict(metric=2 ** 32), "metric", "outside"),
    (dict(table="0"), "table", "0 is not a table"),
    (dict(table="mian"), "table", "not a table number"),
    (dict(scope="link"), "scope", "gateway must have scope"),
    (dict(gateway="2001:db8::1", scope="global"), "scope", "IPv4 routes only"),
    (dict(scope="galactic"), "scope", "not one of"),
])
def test_bad_fields_are_named(kw, field, reason):
    with pytest.raises(ValidationError) as exc:
        spec(**kw)
    assert exc.value.field == field and reason in str(exc.value)


def test_absent_needs_neither_gateway_nor_dev():
    assert spec(gateway=None, state="absent")["dst"].prefixlen == 0


# ----------------------------------------------------------------- planning


def have(dst, gateway=None, dev="ipvl0", metric=0, table=254, family=4, type_=abi.RTN_UNICAST,
         proto=abi.RTPROT_BOOT, scope="global", src=None, multipath=False, oif=5):
    return {"netns": "ns0", "family": family, "table": table, "dst": dst, "metric": metric,
            "gateway": gateway, "oif": oif, "dev": dev, "src": src, "scope": scope,
            "type": type_, "proto": proto, "multipath": multipath}


KERNEL_V4 = have("10.0.0.0/24", scope="link", proto=2, src="10.0.0.10")
KERNEL_V6 = have("2001:db8::/64", family=6, metric=256, proto=2)


def test_missing_route_is_added():
    plan = routes.plan_route("ns0", spec(dev="ipvl0"), [KERNEL_V4, KERNEL_V6], "present")
    assert plan.commands() == ["ns0: add route default via 10.0.0.1 dev ipvl0"]
    assert plan[0].action == "route_add"
    assert plan[0].args["route"]["dst"] == ipaddress.ip_network("0.0.0.0/0")


def test_gateway_change_replaces_instead_of_adding_a_second_default():
    current = have("0.0.0.0/0", gateway="10.0.0.254")
    plan = routes.plan_route("ns0", spec(dev="ipvl0"), [current, KERNEL_V4], "present")
    assert plan.commands() == ["ns0: replace route default via 10.0.0.1 dev ipvl0"]
    assert plan[0].action == "route_replace"


def test_dev_change_replaces_and_undeclared_dev_is_not_compared():
    current = have("0.0.0.0/0", gateway="10.0.0.1", dev="eth1")
    assert routes.plan_route(None, spec(dev="ipvl0"), [current], "present")[0].action \
        == "route_replace"
    assert len(routes.plan_route(None, spec(), [current], "present")) == 0


def test_declared_without_gateway_replaces_a_gateway_route():
    current = have("10.1.0.0/24", gateway="10.0.0.1", dev="ipvl0")
    plan = routes.plan_route(None, spec(dst="10.1.0.0/24", gateway=None, dev="ipvl0"),
                             [current], "present")
    assert plan.commands() == ["(host): replace route 10.1.0.0/24 dev ipvl0"]


def test_same_route_is_unchanged_and_kernel_route_matches():
    current = have("0.0.0.0/0", gateway="10.0.0.1")
    assert len(routes.plan_route("ns0", spec(dev="ipvl0"), [current], "present")) == 0
    connected = spec(dst="10.0.0.0/24", gateway=None, dev="ipvl0")
    assert len(routes.plan_route("ns0", connected, [KERNEL_V4], "present")) == 0


def test_other_metric_or_table_is_another_route():
    current = have("0.0.0.0/0", gateway="10.0.0.254")
    assert routes.plan_route(None, spec(metric=100), [current], "present").commands() == [
        "(host): add route default via 10.0.0.1 metric 100"]
    assert routes.plan_route(None, spec(table="100"), [current], "present").commands() == [
        "(host): add route default via 10.0.0.1 table 100"]


def test_ipv6_identity_uses_the_normalised_metric():
    current = have("::/0", gateway="2001:db8::1", family=6, metric=1024)
    assert len(routes.plan_route(None, spec(gateway="2001:db8::1"), [current], "present")) == 0
    plan = routes.plan_route(None, spec(gateway="2001:db8::2"), [current], "present")
    assert plan.commands() == ["(host): replace route ::/0 via 2001:db8::2"]


def test_other_type_or_multipath_at_the_key_is_replaced():
    blackhole = have("10.9.0.0/16", type_=6, dev=None, oif=None)
    plan = routes.plan_route(None, spec(dst="10.9.0.0/16"), [blackhole], "present")
    assert plan[0].action == "route_replace"
    ecmp = have("0.0.0.0/0", dev=None, oif=None, multipath=True)
    assert routes.plan_route(None, spec(), [ecmp], "present")[0].action == "route_replace"


def test_src_and_scope_are_compared_only_when_declared():
    current = have("10.1.0.0/24", dev="ipvl0", scope="link", src="10.0.0.10")
    base = dict(dst="10.1.0.0/24", gateway=None, dev="ipvl0")
    assert len(routes.plan_route(None, spec(**base), [current], "present")) == 0
    assert len(routes.plan_route(None, spec(src="10.0.0.10", scope="link", **base), [current],
                                 "present")) == 0
    assert routes.plan_route(None, spec(src="10.0.0.11", **base), [current],
                             "present").commands() == [
        "(host): replace route 10.1.0.0/24 dev ipvl0 src 10.0.0.11"]
    assert len(routes.plan_route(None, spec(scope="host", **base), [current], "present")) == 1


def test_absent_deletes_by_identity_with_protocol_zero():
    current = have("10.0.0.0/24", dev="ipvl0", scope="link", proto=2)
    plan = routes.plan_route("ns0", spec(dst="10.0.0.0/24", gateway=None, state="absent"),
                             [current], "absent")
    assert plan.commands() == ["ns0: delete route 10.0.0.0/24 dev ipvl0"]
    sent = RouteDel.sent(plan[0].args["route"])
    assert sent["proto"] == 0 and sent["scope"] == "nowhere" and sent["dev"] == "ipvl0"


def test_absent_leaves_a_route_whose_declared_gateway_differs():
    current = have("0.0.0.0/0", gateway="10.0.0.254")
    assert len(routes.plan_route(None, spec(state="absent"), [current], "absent")) == 0
    assert len(routes.plan_route(None, spec(gateway=None, state="absent"), [current],
                                 "absent")) == 1
    assert len(routes.plan_route(None, spec(state="absent"), [], "absent")) == 0


def test_name_routes_adds_device_names():
    links = [{"ifindex": 5, "name": "ipvl0"}]
    named = model_routes.name_routes([have("0.0.0.0/0", dev=None, oif=5),
                                      have("::/0", dev=None, oif=None, family=6)], links)
    assert [r["dev"] for r in named] == ["ipvl0", None]


# ------------------------------------------------------------------ engine


def fake(routes_=(), addrs=()):
    from ansible_collections.linuxnet.ipvlan.tests.unit.plugins.module_utils.fakes import FakeDriver, FakeSession, link
    session = FakeSession("ns0", [link("lo", "ns0", ifindex=1, type_=772),
                                  link("ipvl0", "ns0", ifindex=5, kind="ipvlan")],
                          addresses=addrs, routes=routes_)
    return FakeDriver([session])


def params(**kw):
    p = dict(dst="default", gateway="10.0.0.1", dev="ipvl0", netns="ns0", metric=None,
             table="main", src=None, scope=None, state="present")
    p.update(kw)
    return p


def test_engine_check_mode_predicts_the_route():
    res = ip_route.engine(fake(), params(), True)
    assert res["changed"] is True and res["commands"] == ["ns0: add route default via 10.0.0.1 dev ipvl0"]
    assert res["route"] == {"dst": "0.0.0.0/0", "family": 4, "gateway": "10.0.0.1", "dev": "ipvl0",
                            "metric": 0, "table": 254, "src": None, "scope": "global"}
    assert res["diff"]["before"] == {}


def test_engine_unchanged_returns_the_route_read():
    res = ip_route.engine(fake([have("0.0.0.0/0", gateway="10.0.0.1", oif=5)]), params(), True)
    assert res["changed"] is False and res["route"]["gateway"] == "10.0.0.1"


def test_engine_refuses_missing_dev_namespace_and_foreign_src_before_changing():
    with pytest.raises(ValidationError) as exc:
        ip_route.engine(fake(), params(dev="nope0"), False)
    assert exc.value.field == "dev"
    with pytest.raises(NamespaceNotFound):
        ip_route.engine(fake(), params(netns="nons"), False)
    with pytest.raises(ValidationError) as exc:
        ip_route.engine(fake(addrs=[{"ifindex": 5, "address": "10.0.0.10/24"}]),
                        params(src="10.0.0.11"), False)
    assert exc.value.field == "src"


def test_engine_absent_with_missing_dev_or_namespace_is_unchanged():
    assert ip_route.engine(fake(), params(dev="nope0", state="absent"), False)["changed"] is False
    assert ip_route.engine(fake(), params(netns="nons", state="absent"), False)["changed"] is False


def test_argument_spec_requires_gateway_or_dev_when_present():
    assert routes.REQUIRED_IF == [("state", "present", ("gateway", "dev"), True)]
    assert routes.ARGUMENT_SPEC["table"]["default"] == "main"
    assert routes.ARGUMENT_SPEC["dst"]["required"] is True
