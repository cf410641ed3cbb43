"""Every kind of change is read back after the plan: for each kind in
ops/catalog.py, an op of that kind is applied for real, the kernel is then
changed underneath (just before the plan's last op, through the test seam
transaction.BEFORE_OP), and the run must fail naming the difference, and
roll back. The kernel is compared with `ip -j` (harness.kernel_snapshot)
before and after. Kinds that need an ipvlan or ipvtap slave, or a VLAN,
run in the lab VM (the ipvlan mark); the others run on any kernel."""

import ipaddress
import os
import subprocess
import sys

import pytest

from harness import ip, ip_json, kernel_snapshot, settled_snapshot, unique_name

from ansible_collections.linuxnet.ipvlan.plugins.module_utils.kernel.driver import Driver
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model.errors import PlanFailed
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.ops import catalog
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.ops import transaction
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.ops.base import Plan
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.ops.catalog import (  # every kind
    AddrAdd, AddrDel, AddrReplace, Ipv6AddrGenMode, Ipv6Sysctl, LinkAdd, LinkAlias, LinkDel,
    LinkSet, NetnsAdd, NetnsDel, RouteAdd, RouteDel, RouteReplace, TapSet, VlanAdd,
    DhcpStart, DhcpStop,
)
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model import dhcp as dhcp_rules

IF = ipaddress.ip_interface


def route(dst, gateway, dev):
    net = ipaddress.ip_network(dst)
    return {"dst": net, "gateway": ipaddress.ip_address(gateway), "dev": dev,
            "metric": 0, "table": 254, "src": None, "scope": None}


def index_of(name, netns):
    return ip_json("link", "show", name, netns=netns)[0]["ifindex"]


class Case(object):
    """setup(c): ip commands (c.ns, c.dev: a veth end in c.ns); op(c): the
    op under test; tamper(c): the shell command that changes its result;
    differs: what the failure must say (formatted with c)."""

    def __init__(self, kind, op, tamper, differs, setup=None, lab=False, restores=True,
                 teardown=None):
        self.kind, self.op, self.tamper, self.differs = kind, op, tamper, differs
        self.setup, self.lab, self.restores = setup, lab, restores
        self.teardown = teardown


def _addr(c):
    ip("addr", "add", "192.0.2.10/24", "dev", c.dev, netns=c.ns)


def _slave(kind="ipvlan"):
    def setup(c):
        ip("link", "add", "link", c.dev, "name", c.s, "type", kind, "mode", "l2", netns=c.ns)
        ip("link", "set", c.s, "up", netns=c.ns)
        c.index = index_of(c.s, c.ns)
    return setup


DHCP = {"client_id": "00:76:65:72:69:66:79", "hostname": None, "default_route": False,
        "timeout": 15}


def _dhcp_server(c):
    """A DHCP server for link c.s of c.ns: dnsmasq on the other end of a
    veth pair, in namespace c.x (deleted after the test)."""
    c.peer = "p" + c.s[1:]
    ip("netns", "add", c.x)
    ip("link", "add", c.s, "type", "veth", "peer", "name", c.peer, netns=c.ns)
    for dev in (c.s, c.peer):
        ip("link", "set", dev, "addrgenmode", "none", netns=c.ns)
    ip("link", "set", c.peer, "netns", c.x, netns=c.ns)
    ip("addr", "add", "192.0.2.1/24", "dev", c.peer, netns=c.x)
    ip("link", "set", c.peer, "up", netns=c.x)
    ip("link", "set", c.s, "up", netns=c.ns)
    c.server = subprocess.Popen(
        ["ip", "netns", "exec", c.x, "dnsmasq", "--keep-in-foreground", "--port=0",
         "--interface=" + c.peer, "--bind-interfaces", "--user=root", "--leasefile-ro",
         "--dhcp-range=192.0.2.10,192.0.2.50,255.255.255.0,120s"])
    c.files = dhcp_rules.paths(c.ns, c.s)


def _dhcp_client(c):
    _dhcp_server(c)
    with Driver() as driver:
        transaction.execute(driver, Plan([DhcpStart.op(c.ns, c.s, DHCP)]))


def _dhcp_teardown(c):
    with Driver() as driver:
        DhcpStop.run(driver, DhcpStop.op(c.ns, c.s))
    c.server.terminate()
    c.server.wait()


# a client started again behind the run's back (the tamper of dhcp_stop)
# (the directory holding ansible_collections/ goes with it: make matrix
# does not export PYTHONPATH)
_ROOT = dhcp_rules.__file__
for _level in range(7):  # .../ansible_collections/linuxnet/ipvlan/plugins/module_utils/model/
    _ROOT = os.path.dirname(_ROOT)
_RESTART = ("PYTHONPATH=%s %s -c 'from ansible_collections.linuxnet.ipvlan.plugins.module_utils.ops "
            "import dhcp; dhcp._start(\"{ns}\", \"{s}\", %s, dhcp.dhcp.paths(\"{ns}\", "
            "\"{s}\"))'; sleep 2"
            % (_ROOT, sys.executable, repr(DHCP).replace("'", '"').replace("{", "{{")
               .replace("}", "}}")))

CASES = [
    Case(NetnsAdd, lambda c: NetnsAdd.op(c.x), "ip netns del {x}", "namespace {x} is missing"),
    Case(NetnsDel, lambda c: NetnsDel.op(c.x), "ip netns add {x}", "namespace {x} is still there",
         setup=lambda c: ip("netns", "add", c.x), restores=False),
    Case(LinkAdd, lambda c: LinkAdd.op("ipvlan", c.s, c.dev, c.ns, c.ns, "l2", "bridge"),
         "ip -n {ns} link set {s} up", "link {s} up is True, wanted False", lab=True),
    Case(LinkSet, lambda c: LinkSet.op(c.ns, c.dev, mtu=1400),
         "ip -n {ns} link set {dev} mtu 1300", "link {dev} mtu is 1300, wanted 1400"),
    Case(LinkDel, lambda c: LinkDel.op(c.ns, c.s, "ipvlan", master=(c.ns, c.dev)),
         "ip -n {ns} link add link {dev} name {s} type ipvlan mode l2",
         "link {s} is still there", setup=_slave(), lab=True, restores=False),
    Case(AddrAdd, lambda c: AddrAdd.op(c.ns, c.dev, IF("192.0.2.10/24")),
         "ip -n {ns} addr del 192.0.2.10/24 dev {dev}",
         "address 192.0.2.10/24 dev {dev} is missing"),
    Case(AddrReplace, lambda c: AddrReplace.op(c.ns, c.dev, IF("192.0.2.10/24")),
         "ip -n {ns} addr del 192.0.2.10/24 dev {dev}",
         "address 192.0.2.10/24 dev {dev} is missing"),
    Case(AddrDel, lambda c: AddrDel.op(c.ns, c.dev, IF("192.0.2.10/24")),
         "ip -n {ns} addr add 192.0.2.10/24 dev {dev}",
         "address 192.0.2.10/24 dev {dev} is still there", setup=_addr),
    Case(RouteAdd, lambda c: RouteAdd.op(c.ns, route("198.51.100.0/24", "192.0.2.1", c.dev)),
         "ip -n {ns} route del 198.51.100.0/24", "route 198.51.100.0/24 table 254 metric 0 is "
         "missing", setup=_addr),
    Case(RouteReplace, lambda c: RouteReplace.op(c.ns, route("0.0.0.0/0", "192.0.2.2", c.dev)),
         "ip -n {ns} route replace default via 192.0.2.3 dev {dev}",
         "has gateway 192.0.2.3, wanted 192.0.2.2",
         setup=lambda c: (_addr(c), ip("route", "add", "default", "via", "192.0.2.1", "dev",
                                       c.dev, netns=c.ns))),
    Case(RouteDel, lambda c: RouteDel.op(c.ns, route("198.51.100.0/24", "192.0.2.1", c.dev)),
         "ip -n {ns} route add 198.51.100.0/24 via 192.0.2.1 dev {dev}",
         "route 198.51.100.0/24 table 254 metric 0 is still there",
         setup=lambda c: (_addr(c), ip("route", "add", "198.51.100.0/24", "via", "192.0.2.1",
                                       "dev", c.dev, netns=c.ns))),
    Case(VlanAdd, lambda c: VlanAdd.op(c.ns, c.s, c.dev, 10, "802.1q"),
         "ip -n {ns} link set {s} alias other", "link {s} alias is other", lab=True),
    Case(LinkAlias, lambda c: LinkAlias.op(c.ns, c.dev, "x"),
         "ip -n {ns} link set {dev} alias y", "link {dev} alias is y, wanted x"),
    Case(Ipv6Sysctl, lambda c: Ipv6Sysctl.op(c.ns, c.s, {"accept_ra": 0}),
         "ip netns exec {ns} sysctl -qw net.ipv6.conf.{s}.accept_ra=2",
         "link {s} ipv6.accept_ra is 2, wanted 0", setup=_slave(), lab=True),
    Case(Ipv6AddrGenMode, lambda c: Ipv6AddrGenMode.op(c.ns, c.s, "none"),
         "ip -n {ns} link set {s} addrgenmode random",
         "link {s} ipv6.addr_gen_mode is random, wanted none", setup=_slave(), lab=True),
    Case(TapSet, lambda c: TapSet.op(c.ns, c.s, mode=0o660), "chmod 0640 /dev/tap{index}",
         "tap of {s} mode is 0640, wanted 0660", setup=_slave("ipvtap"), lab=True),
    Case(DhcpStart, lambda c: DhcpStart.op(c.ns, c.s, DHCP),
         "kill $(cat {files[supervisor]}); sleep 1", "dhcp client of {s} is not running",
         setup=_dhcp_server, teardown=_dhcp_teardown),
    Case(DhcpStop, lambda c: DhcpStop.op(c.ns, c.s, settings=DHCP), _RESTART,
         "dhcp client of {s} is still running", setup=_dhcp_client, teardown=_dhcp_teardown,
         restores=False),
]


def test_every_kind_has_a_case():
    assert sorted(c.kind.name for c in CASES) == sorted(k.name for k in catalog.KINDS)


class Context(object):
    pass


@pytest.mark.parametrize("case", [
    pytest.param(c, id=c.kind.name, marks=[pytest.mark.ipvlan] if c.lab else [])
    for c in CASES])
def test_a_difference_after_apply_fails_the_run_and_rolls_it_back(case, make_netns, make_veth,
                                                                  monkeypatch):
    c = Context()
    c.ns = make_netns()
    # no DAD: a slave's IPv6 link-local address is final (and its local
    # route there) as it comes up; with DAD the local route appears only
    # when DAD ends, which the snapshots' settling cannot see (they leave
    # out the tentative flag) and could take for a change of the run's
    ip("netns", "exec", c.ns, "sysctl", "-qw", "net.ipv6.conf.all.accept_dad=0",
       "net.ipv6.conf.default.accept_dad=0")
    c.dev = make_veth(netns=c.ns)
    c.s, c.x, c.index = unique_name("k"), unique_name("tx"), None
    marker = unique_name("tm")  # the plan's last op: a namespace, made after the change
    try:
        if case.setup is not None:
            case.setup(c)
        watched = [c.ns]
        before = settled_snapshot(watched)
        op = case.op(c)
        command = case.tamper.format(**vars(c))
        monkeypatch.setattr(transaction, "BEFORE_OP", lambda k, _op: k == 2 and subprocess.check_call(
            ["/bin/sh", "-c", command]))
        with Driver() as driver:
            with pytest.raises(PlanFailed) as exc:
                transaction.execute(driver, Plan([op, NetnsAdd.op(marker)]))
        failure = exc.value
        assert isinstance(failure.cause, transaction.VerifyFailed), failure
        assert case.differs.format(**vars(c)) in str(failure.cause), failure
        assert failure.failed is None and failure.rollback
        assert failure.done == [op.line(), NetnsAdd.op(marker).line()]
        # the rollback ran: the marker namespace went again, and the op under
        # test was undone or said why it could not be
        assert NetnsAdd.op(marker).line() in failure.rolled_back
        assert op.line() in failure.rolled_back + [x["what"] for x in failure.not_restored]
        if case.restores:
            assert kernel_snapshot(watched) == before
            assert failure.restored, failure.not_restored
    finally:
        if case.teardown is not None:
            case.teardown(c)
        for name in (c.x, marker):
            ip("netns", "del", name, check=False)
