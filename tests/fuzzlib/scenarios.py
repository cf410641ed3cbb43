"""Small scenarios of what the kernel does on its own, run through the
engine's own Session (kernel/driver.py) and messages (kernel/messages.py)
against a target: the in-memory kernel (tests/unit/fuzz) or the lab's
kernel (tests/integration/test_fuzz_lab.py), so that the two can be
compared step by step (the errno each request gets) and by the state they
end in (read back through the same Session code).

A scenario is a list of steps, each a tuple:
  ("veth", master)                         a veth pair, both ends up (set-up)
  ("netns", name)                          a named namespace (set-up)
  ("add", netns, name, master, mode, flags, up, target_netns)
  ("set", netns, name, {link_set kwargs})  up, mode (+kind, flags), noarp, mtu, ifname
  ("move", netns, name, to_netns)
  ("del", netns, name)
  ("addr", netns, dev, cidr) / ("deladdr", netns, dev, cidr)
  ("route", netns, flags, spec) / ("delroute", netns, spec)  spec: dst, gateway,
      dev, metric, table (module-style strings)
  ("probe", kind)
Names are placeholders (M0, A, ...) that the runner maps to names of its
own (the lab shares its VM with other tests)."""

import errno
import ipaddress

from ansible_collections.linuxnet.ipvlan.plugins.module_utils.kernel import messages as m
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model import routes as rt
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model.errors import (
    IpvlanError,
    KernelError,
)

ADD, REPLACE = "add", "replace"

SCENARIOS = {
    # a new slave's mode and flags switch the whole port; NOARP follows the
    # mode on every slave when it changes, and on a slave coming up
    "port_mode_switch": [
        ("veth", "M0"),
        ("add", None, "A", "M0", "l2", "bridge", True, None),
        ("add", None, "B", "M0", "l3", "private", False, None),
        ("set", None, "B", {"up": True}),
        ("set", None, "A", {"kind": "ipvlan", "mode": "l2", "flags": "vepa"}),
        ("netns", "N0"),
        ("add", None, "C", "M0", "l3s", "bridge", True, "N0"),
    ],
    # taking a link down flushes its IPv6 addresses and every route through
    # it; up again brings the IPv4 connected route only
    "down_flushes": [
        ("veth", "M0"),
        ("add", None, "A", "M0", "l3", "bridge", True, None),
        ("addr", None, "A", "10.9.0.5/24"),
        ("addr", None, "A", "fd00:9::5/64"),
        ("route", None, ADD, {"dst": "172.30.0.0/24", "gateway": "10.9.0.1", "dev": "A"}),
        ("route", None, ADD, {"dst": "fd00:30::/64", "gateway": "fd00:9::1", "dev": "A"}),
        ("route", None, ADD, {"dst": "172.31.0.0/24", "dev": "A"}),
        ("set", None, "A", {"up": False}),
        ("set", None, "A", {"up": True}),
    ],
    # IPv6 addresses added while down are flushed by the next down (the
    # undo of a plan's 'set link up')
    "down_flushes_ipv6_added_down": [
        ("veth", "M0"),
        ("add", None, "A", "M0", "l3", "bridge", False, None),
        ("addr", None, "A", "fd00:9::5/64"),
        ("set", None, "A", {"up": True}),
        ("set", None, "A", {"up": False}),
    ],
    # one route per (family, table, dst, metric)
    "route_identity": [
        ("veth", "M0"),
        ("add", None, "A", "M0", "l3", "bridge", True, None),
        ("add", None, "B", "M0", "l3", "bridge", True, None),
        ("addr", None, "A", "10.9.0.5/24"),
        ("addr", None, "B", "10.9.1.5/24"),
        ("addr", None, "A", "fd00:9::5/64"),
        ("route", None, ADD, {"dst": "default", "gateway": "10.9.0.1", "dev": "A"}),
        ("route", None, ADD, {"dst": "default", "gateway": "10.9.1.1", "dev": "B"}),
        ("route", None, ADD, {"dst": "default", "gateway": "10.9.0.2", "dev": "A"}),
        ("route", None, REPLACE, {"dst": "default", "gateway": "10.9.1.1", "dev": "B"}),
        ("route", None, ADD, {"dst": "default", "gateway": "10.9.0.1", "dev": "A",
                              "metric": 100}),
        ("route", None, ADD, {"dst": "172.30.0.0/24", "gateway": "10.9.0.1", "dev": "A",
                              "table": 100}),
        ("route", None, ADD, {"dst": "172.30.0.0/24", "gateway": "10.9.0.1", "dev": "A",
                              "table": 100}),
        ("route", None, ADD, {"dst": "default", "gateway": "fd00:9::1", "dev": "A"}),
        ("route", None, ADD, {"dst": "default", "gateway": "fd00:9::2", "dev": "A"}),
        ("route", None, REPLACE, {"dst": "default", "gateway": "fd00:9::2", "dev": "A"}),
        ("delroute", None, {"dst": "default", "gateway": "10.9.0.1", "dev": "A",
                            "metric": 100}),
        ("delroute", None, {"dst": "default", "gateway": "10.9.0.1", "dev": "A",
                            "metric": 100}),
    ],
    # an address on two slaves of one master, in any namespace: EADDRINUSE
    "addrinuse": [
        ("veth", "M0"),
        ("veth", "M1"),
        ("netns", "N0"),
        ("add", None, "A", "M0", "l2", "bridge", True, None),
        ("add", None, "B", "M0", "l2", "bridge", True, "N0"),
        ("add", None, "C", "M1", "l2", "bridge", True, None),
        ("addr", None, "A", "10.9.0.5/24"),
        ("addr", None, "A", "fd00:9::5/64"),
        ("addr", "N0", "B", "10.9.0.5/24"),
        ("addr", "N0", "B", "10.9.0.5/16"),
        ("addr", "N0", "B", "fd00:9::5/64"),
        ("addr", None, "A", "10.9.0.5/16"),
        ("addr", None, "C", "10.9.0.5/24"),
    ],
    # routes through a down link: ENETDOWN, or an unreachable gateway
    "route_via_down_link": [
        ("veth", "M0"),
        ("add", None, "A", "M0", "l3", "bridge", False, None),
        ("addr", None, "A", "10.9.0.5/24"),
        ("addr", None, "A", "fd00:9::5/64"),
        ("route", None, ADD, {"dst": "172.31.0.0/24", "dev": "A"}),
        ("route", None, ADD, {"dst": "172.30.0.0/24", "gateway": "10.9.0.1", "dev": "A"}),
        ("route", None, ADD, {"dst": "fd00:30::/64", "gateway": "fd00:9::1", "dev": "A"}),
        ("route", None, ADD, {"dst": "fd00:31::/64", "dev": "A"}),
        ("set", None, "A", {"up": True}),
        ("route", None, ADD, {"dst": "172.30.0.0/24", "gateway": "10.9.9.1", "dev": "A"}),
        ("route", None, ADD, {"dst": "fd00:30::/64", "gateway": "fd00:99::1", "dev": "A"}),
        ("route", None, ADD, {"dst": "172.30.0.0/24", "gateway": "10.9.0.1", "dev": "A"}),
    ],
    # deleting a device's last IPv4 address drops every IPv4 route through it;
    # a primary takes its secondaries
    "last_ipv4_address": [
        ("veth", "M0"),
        ("add", None, "A", "M0", "l3", "bridge", True, None),
        ("route", None, ADD, {"dst": "172.31.0.0/24", "dev": "A"}),
        ("addr", None, "A", "10.9.0.5/24"),
        ("addr", None, "A", "10.9.0.6/24"),
        ("deladdr", None, "A", "10.9.0.5/24"),
        ("deladdr", None, "A", "10.9.0.5/24"),
    ],
    # moving takes a link down and drops its addresses; names must be free
    "move_and_names": [
        ("veth", "M0"),
        ("netns", "N0"),
        ("add", None, "A", "M0", "l2", "bridge", True, None),
        ("addr", None, "A", "10.9.0.5/24"),
        ("add", None, "B", "M0", "l2", "bridge", True, "N0"),
        ("add", None, "A", "M0", "l2", "bridge", False, "N0"),
        ("set", "N0", "B", {"ifname": "A"}),
        ("set", "N0", "B", {"up": False}),
        ("set", "N0", "B", {"ifname": "A"}),
        ("move", None, "A", "N0"),
        ("add", None, "B", "M0", "l2", "bridge", False, None),
        ("move", None, "B", "N0"),
        ("probe", "ipvlan"),
        ("del", None, "M0"),
    ],
}


PLACEHOLDERS = ("M0", "M1", "N0", "A", "B", "C")


class Target(object):
    """Where a scenario runs: names (placeholder -> real), a driver."""

    suffix = ""

    def name(self, placeholder):
        return ("fzd" + placeholder + self.suffix).lower()

    def reverse(self):
        """{real name: placeholder} of every name a scenario may use."""
        return dict((self.name(p), p) for p in PLACEHOLDERS)

    def driver(self):
        raise NotImplementedError

    def veth(self, master):
        raise NotImplementedError

    def netns(self, name):
        raise NotImplementedError


def _spec(target, step_spec, netns):
    spec = dict(step_spec)
    gw = ipaddress.ip_address(spec["gateway"]) if spec.get("gateway") else None
    if spec["dst"] == "default":
        dst = ipaddress.ip_network("::/0" if gw is not None and gw.version == 6 else "0.0.0.0/0")
    else:
        dst = ipaddress.ip_network(spec["dst"])
    metric = spec.get("metric")
    if metric is None:
        metric = rt.DEFAULT_METRIC[dst.version]
    return {"dst": dst, "gateway": gw, "dev": target.name(spec["dev"]) if spec.get("dev") else None,
            "metric": metric, "table": int(spec.get("table", 254)), "src": None, "scope": None}


def run(target, steps):
    """[(step, errno or 0)] of each step (set-up steps raise on failure)."""
    out = []
    for step in steps:
        driver = target.driver()  # nothing cached from the step before
        try:
            out.append((step, _step(target, driver, step)))
        finally:
            driver.close()
    return out


def _ns(target, netns):
    return None if netns is None else target.name(netns)


def _step(target, driver, step):
    what = step[0]
    if what == "veth":
        target.veth(target.name(step[1]))
        return 0
    if what == "netns":
        target.netns(target.name(step[1]))
        return 0
    try:
        if what == "probe":
            driver.session(None).request(m.link_probe(step[1]), m.RTM_NEWLINK, m.REQ_CREATE,
                                         "probe")
            return 0
        session = driver.session(_ns(target, step[1]))
        if what == "add":
            _w, _n, name, master, mode, flags, up, target_ns = step
            fd = driver.fd(_ns(target, target_ns)) if target_ns is not None else None
            msg = m.link_new(target.name(name), "ipvlan", session.index_of(target.name(master)),
                             mode, flags, netns_fd=fd, up=up)
            session.request(msg, m.RTM_NEWLINK, m.REQ_CREATE, "add")
        elif what == "set":
            kwargs = dict(step[3])
            if "ifname" in kwargs:
                kwargs["ifname"] = target.name(kwargs["ifname"])
            msg = m.link_set(session.index_of(target.name(step[2])), **kwargs)
            session.request(msg, m.RTM_NEWLINK, m.REQ_ACK, "set")
        elif what == "move":
            msg = m.link_set(session.index_of(target.name(step[2])),
                             netns_fd=driver.fd(_ns(target, step[3])))
            session.request(msg, m.RTM_NEWLINK, m.REQ_ACK, "move")
        elif what == "del":
            session.request(m.link_del(session.index_of(target.name(step[2]))), m.RTM_DELLINK,
                            m.REQ_ACK, "del")
        elif what in ("addr", "deladdr"):
            msg = m.addr(session.index_of(target.name(step[2])), ipaddress.ip_interface(step[3]))
            if what == "addr":
                session.request(msg, m.RTM_NEWADDR, m.REQ_CREATE, "addr")
            else:
                session.request(msg, m.RTM_DELADDR, m.REQ_ACK, "deladdr")
        elif what == "route":
            spec = _spec(target, step[3], step[1])
            oif = session.index_of(spec["dev"]) if spec["dev"] else None
            flags = m.REQ_CREATE if step[2] == ADD else m.REQ_REPLACE
            session.request(m.route(spec, oif), m.RTM_NEWROUTE, flags, "route")
        elif what == "delroute":
            spec = dict(_spec(target, step[2], step[1]), scope="nowhere", proto=0)
            oif = session.index_of(spec["dev"]) if spec["dev"] else None
            session.request(m.route(spec, oif), m.RTM_DELROUTE, m.REQ_ACK, "delroute")
        else:
            raise ValueError(step)
    except KernelError as exc:
        return exc.code
    except IpvlanError:
        return errno.ENODEV  # find device: not there
    return 0


def state(target, netns_list):
    """The links, addresses and routes of the scenario's own devices (those
    named by target.name), read through a fresh driver's Sessions: ipvlan
    links with up, NOARP, mode, flags; addresses but IPv6 link-local ones;
    unicast routes of every table but local, but link-local and multicast."""
    driver = target.driver()
    out = {}
    try:
        for netns in [None] + list(netns_list):
            session = driver.session(_ns(target, netns))
            links = session.links()
            names = dict((x["ifindex"], x["name"]) for x in links)
            mine = target.reverse()
            space = {"links": {}, "addresses": [], "routes": []}
            for link in links:
                if link["name"] in mine and link["kind"] == "ipvlan":
                    space["links"][mine[link["name"]]] = {
                        "up": link["up"], "noarp": link["noarp"], "mode": link["mode"],
                        "flags": link["flags"]}
            for item in session.addresses():
                dev = names.get(item["ifindex"])
                iface = ipaddress.ip_interface(item["address"])
                if dev in mine and not (iface.version == 6 and iface.ip.is_link_local):
                    space["addresses"].append((mine[dev], item["address"]))
            for route in session.routes(unicast=True):
                dev = names.get(route["oif"])
                dst = ipaddress.ip_network(route["dst"])
                if dev not in mine or route["table"] == 255 or (
                        dst.version == 6 and (dst.is_link_local or dst.is_multicast)):
                    continue
                space["routes"].append((route["dst"], route["gateway"], mine[dev],
                                        route["metric"], route["table"], route["proto"]))
            space["addresses"].sort()
            space["routes"].sort(key=str)
            out[netns or "(host)"] = space
    finally:
        driver.close()
    return out


class MemTarget(Target):
    """The in-memory kernel (its nsfs patched in: memkernel.patch_nsfs)."""

    def __init__(self, kernel):
        self.kernel = kernel

    def driver(self):
        from . import memkernel
        return memkernel.MemDriver(self.kernel)

    def veth(self, master):
        self.kernel.add_veth(master, master + "p")

    def netns(self, name):
        self.kernel.netns_add(name)
