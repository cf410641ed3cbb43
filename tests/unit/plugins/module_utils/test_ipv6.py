"""Per-link `ipv6` settings: validation, planning (new links created down,
configured, then up; moved links configured again), reading them from
link dumps (link_attrs), and the handlers' requests."""

import os

import pytest
from ansible_collections.linuxnet.ipvlan.tests.unit.plugins.module_utils.fakes import make_op

from ansible_collections.linuxnet.ipvlan.plugins.module_utils.kernel import link_attrs as la
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.kernel import messages as m
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.ops import base as p
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.kernel import pyroute2_ext as ext
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.planners import topology as t
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.kernel.driver import encode
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model.errors import PlanFailed, ValidationError
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.ops import ipv6 as ops_ipv6
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.ops import transaction

OFF = {"enabled": False}


def cfg(settings, addresses=("10.0.0.10/24",), routes=()):
    return [{"master": "eth0", "mode": "l2", "links": [
        {"name": "ipvl0", "netns": "ns0", "addresses": list(addresses), "routes": list(routes),
         "ipv6": settings}]}]


def commands(config, have=None, state="merged"):
    return t.plan_topology(t.normalize(config), have or t.empty_host(), state).commands()


def test_new_link_is_created_down_configured_then_up():
    assert commands(cfg({"enabled": True, "accept_ra": 0, "addr_gen_mode": "none"}))[:6] == [
        "(host): add netns ns0",
        "(host): add ipvlan ipvl0 link eth0 mode l2 bridge netns ns0",
        "ns0: set sysctl net.ipv6.conf.ipvl0 disable_ipv6 0, accept_ra 0",
        "ns0: set link ipvl0 addrgenmode none",
        "ns0: set link ipvl0 up",
        "ns0: set link lo up",
    ]
    plan = t.plan_topology(t.normalize(cfg(OFF)), t.empty_host(), "merged")
    assert plan[1].args["up"] is False
    assert plan[2].action == "ipv6_sysctl" and plan[2].args["values"] == {"disable_ipv6": 1}


def test_without_ipv6_the_link_is_created_up_as_before():
    assert commands(cfg(None))[1] == "(host): add ipvlan ipvl0 link eth0 mode l2 bridge netns ns0 up"
    assert commands(cfg({"enabled": None}))[1].endswith(" up")


def have_link(settings, netns="ns0", alias=None):
    have = t.empty_host()
    have["namespaces"] = {"ns0"}
    item = {"name": "ipvl0", "netns": netns, "kind": "ipvlan", "up": True, "mtu": 1500,
            "alias": alias, "ipv6": settings}
    have["members"][(None, "eth0")] = [item]
    have["mode"][(None, "eth0")] = ("l2", "bridge")
    have["links"][netns] = {"ipvl0": item}
    have["addresses"][(netns, "ipvl0")] = ["10.0.0.10/24"]
    have["routes"][netns] = []
    have["lo"]["ns0"] = have["lo_up"]["ns0"] = True
    return have


ON = {"enabled": True, "accept_ra": 1, "addr_gen_mode": "eui64"}


def test_matching_settings_plan_nothing_and_differences_only_what_differs():
    assert commands(cfg(OFF), have_link(dict(ON, enabled=False))) == []
    assert commands(cfg(ON), have_link(ON)) == []
    assert commands(cfg({"enabled": False, "addr_gen_mode": "eui64"}), have_link(ON)) == [
        "ns0: set sysctl net.ipv6.conf.ipvl0 disable_ipv6 1"]
    assert commands(cfg({"addr_gen_mode": "random"}), have_link(ON)) == [
        "ns0: set link ipvl0 addrgenmode random"]


def test_a_moved_link_gets_its_settings_again_after_the_move():
    have = have_link(dict(ON, enabled=False), netns=None)
    have["addresses"][("ns0", "ipvl0")] = []
    assert commands(cfg(OFF), have)[:3] == [
        "(host): move link ipvl0 to netns ns0",
        "ns0: set sysctl net.ipv6.conf.ipvl0 disable_ipv6 1",
        "ns0: set link ipvl0 up",
    ]


def test_device_without_ipv6_state():
    assert commands(cfg(OFF), have_link(None)) == []  # already has no IPv6 at all
    with pytest.raises(ValidationError) as exc:
        commands(cfg({"accept_ra": 2}), have_link(None))
    assert exc.value.field == "config[0].links[0].ipv6"


@pytest.mark.parametrize("config,field", [
    (cfg(OFF, addresses=["10.0.0.10/24", "2001:db8::10/64"]), "config[0].links[0].addresses"),
    (cfg(OFF, routes=[{"dst": "::/0", "gateway": "2001:db8::1"}]), "config[0].links[0].routes[0]"),
    (cfg({"accept_ra": 3}), "config[0].links[0].ipv6.accept_ra"),
    (cfg({"addr_gen_mode": "eui48"}), "config[0].links[0].ipv6.addr_gen_mode"),
    (cfg({"enabled": "no"}), "config[0].links[0].ipv6.enabled"),
    (cfg({"autoconf": 0}), "config[0].links[0].ipv6.autoconf"),
])
def test_bad_settings_name_the_field(config, field):
    with pytest.raises(ValidationError) as exc:
        t.normalize(config)
    assert exc.value.field == field


# ---------------------------------------------------------------- link_attrs


def link_message(attrs, kind="ipvlan"):
    ext.register()
    msg = ext.ifinfmsg()
    msg["family"], msg["index"], msg["flags"], msg["change"], msg["ifi_type"] = 0, 5, 1, 0, 1
    msg["attrs"] = [("IFLA_IFNAME", "ipvl0"),
                    ("IFLA_LINKINFO", {"attrs": [("IFLA_INFO_KIND", kind)]})] + attrs
    msg["header"]["type"] = m.RTM_NEWLINK
    msg.encode()
    return bytes(msg.data)


def devconf(**values):
    fields = ext.ifinfmsg.af_spec_inet.inet6.ipv6_devconf.field_names
    return dict((name, values.get(name, 0)) for name in fields)


AF_SPEC = ("IFLA_AF_SPEC", {"attrs": [
    ("AF_INET", {"forwarding": 0}),
    ("AF_INET6", {"attrs": [("IFLA_INET6_FLAGS", 0),
                            ("IFLA_INET6_CONF", devconf(disable_ipv6=1, accept_ra=2)),
                            ("IFLA_INET6_ADDR_GEN_MODE", 1)]})]})


@pytest.mark.parametrize("attrs,expected", [
    ([], {"alias": None, "ipv6": None}),
    ([("IFLA_IFALIAS", "linuxnet-ipvlan:host_access")],
     {"alias": "linuxnet-ipvlan:host_access", "ipv6": None}),
    ([AF_SPEC], {"alias": None, "ipv6": {"enabled": False, "accept_ra": 2,
                                         "addr_gen_mode": "none"}}),
])
def test_link_dumps_give_alias_and_ipv6(attrs, expected):
    msg = ext.ifinfmsg(link_message(attrs))
    msg.decode()
    link = m.parse_link(msg, "ns0")
    assert dict((k, link[k]) for k in ("alias", "ipv6")) == expected


def test_ipv6_settings_are_decoded_for_slaves_only():
    msg = ext.ifinfmsg(link_message([AF_SPEC], kind="veth"))
    msg.decode()
    assert m.parse_link(msg, None)["ipv6"] is None


def decoded(request):
    """A request as the driver's socket puts it on the wire, decoded again."""
    msg = ext.ifinfmsg(bytes(encode(request, m.RTM_NEWLINK, m.REQ_ACK)))
    msg.decode()
    return msg


def test_requests_carry_only_what_they_set():
    msg = decoded(la.addr_gen_mode_msg(7, "stable_privacy"))
    assert (msg["index"], msg["change"]) == (7, 0)
    inet6 = msg.get_attr("IFLA_AF_SPEC").get_attr("AF_INET6")
    assert inet6.get_attr("IFLA_INET6_ADDR_GEN_MODE") == 2
    msg = decoded(la.alias_msg(7, "linuxnet-ipvlan:host_access"))
    assert msg.get_attr("IFLA_IFALIAS") == "linuxnet-ipvlan:host_access"
    assert [a[0] for a in msg["attrs"]] == ["IFLA_IFALIAS"]


def test_ops_hold_their_kind():
    op = make_op(None, "ipv6_sysctl", "set", name="ipvl0", values={"accept_ra": 0})
    assert op.kind is ops_ipv6.Ipv6Sysctl and op.action == "ipv6_sysctl"


class Session(object):
    def __init__(self):
        self.invalidated = 0

    def invalidate(self):
        self.invalidated += 1


class Driver(object):
    def __init__(self):
        self.s = Session()

    def session(self, netns):
        return self.s


def test_sysctl_handler_writes_each_value(tmp_path, monkeypatch):
    conf = tmp_path / "ipvl0"
    conf.mkdir()
    for name in ("disable_ipv6", "accept_ra"):
        (conf / name).write_text("0\n")
    monkeypatch.setattr(ops_ipv6, "SYSCTL_DIR", str(tmp_path))
    driver = Driver()
    op = make_op(None, "ipv6_sysctl", "set", name="ipvl0",
                 values={"disable_ipv6": 1, "accept_ra": 2})
    transaction.execute(driver, p.Plan([op]), rollback=False, verify=False)
    assert (conf / "disable_ipv6").read_text() == "1\n"
    assert (conf / "accept_ra").read_text() == "2\n"
    assert driver.s.invalidated == 1


def test_sysctl_handler_names_a_missing_device(tmp_path, monkeypatch):
    monkeypatch.setattr(ops_ipv6, "SYSCTL_DIR", str(tmp_path))
    op = make_op(None, "ipv6_sysctl", "set sysctl", name="gone0", values={"accept_ra": 0})
    with pytest.raises(PlanFailed) as exc:
        transaction.execute(Driver(), p.Plan([op]), rollback=False, verify=False)
    assert "ENOENT" in str(exc.value) and "gone0" in str(exc.value)
    assert os.listdir(str(tmp_path)) == []
