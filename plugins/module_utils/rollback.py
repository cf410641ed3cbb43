# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.ipvlan contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Undoing a plan that failed part-way.

Before the first operation the namespaces the plan touches are read once
(most of it was read for planning and comes from the sessions' dumps): their
links (kind, mode, flags, MTU, admin state, namespace), addresses and
configured routes, and which named namespaces exist. That snapshot is a
model kept up to date as each operation succeeds; just before an operation
runs, its inverse is worked out from the model (the state it is about to
change), so undoing the applied operations newest first brings each object
back to the state it had before the run.

What cannot be undone is said, not hidden: a deleted namespace (its devices
are gone with it), a deleted link whose master cannot be named. Devices the
kernel removes by itself (a master deleted by someone else takes its slaves)
show up as undo operations that fail, each with the kernel's reason.

A slave's IFF_NOARP ('ip link' shows NOARP) is the kernel's to set, from
the port's mode, at two moments only (drivers/net/ipvlan/ipvlan_main.c):
ipvlan_set_port_mode() sets it on every slave of the port when the mode
becomes l3/l3s and clears it when it becomes l2, and ipvlan_open() does the
same for one slave coming up. A slave created down gets neither (its
creation changes the mode before the slave joins the port's list), so a
down slave of an l3 port lacks NOARP until it first comes up. Undoing a
mode change or an up/down therefore sets NOARP from the old mode, which need
not be what the slave had: each such inverse sets it back as it was read
(arp_restore()), and compare() checks it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress

from ansible_collections.linuxnet.ipvlan.plugins.module_utils import messages as m
from ansible_collections.linuxnet.ipvlan.plugins.module_utils import ports
from ansible_collections.linuxnet.ipvlan.plugins.module_utils import tap
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.driver import label
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.errors import IpvlanError
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.plan import Op

LOOPBACK_V4 = ipaddress.ip_interface("127.0.0.1/8")
L3_MODES = ("l3", "l3s")  # the modes in which the kernel sets IFF_NOARP on slaves


class NotRestorable(IpvlanError):
    """An applied operation that has no inverse."""


def touched_namespaces(plan):
    """Every namespace an operation of `plan` works in or moves to (None:
    the host), in first-use order."""
    out = []
    for op in plan:
        for netns in (op.netns, op.args.get("target_netns", op.netns),
                      op.args.get("to_netns", op.netns), op.args.get("parent_netns", op.netns)):
            if netns not in out:
                out.append(netns)
        if op.action in ("netns_add", "netns_del") and op.args["name"] not in out:
            out.append(op.args["name"])
    return out


is_configured_route = ports.is_configured_route


def route_key(route):
    """The identity the kernel replaces a route by."""
    return (route["family"], route["table"],
            ipaddress.ip_network(route["dst"], strict=False), route["metric"])


def _kept_address(iface):
    """Addresses a snapshot covers: not IPv6 link-local (the kernel's own)."""
    return not (iface.version == 6 and iface.ip.is_link_local)


class Model(object):
    """What the touched namespaces hold, as plain data, kept up to date while
    the plan runs. `spaces[netns]` = {"links": {name: link}, "addresses":
    {dev: [ip_interface]}, "routes": [route dicts with 'dev']}."""

    def __init__(self, namespaces, spaces):
        self.namespaces = set(namespaces)
        self.spaces = spaces
        self._ports = {}  # (master netns, master): its slaves before the run's first add

    @classmethod
    def read(cls, driver, plan):
        spaces = {}
        existing = set(driver.namespaces())
        for netns in touched_namespaces(plan):
            if netns is not None and netns not in existing:
                continue
            try:
                session = driver.session(netns)
                links, addrs, routes = session.links(), session.addresses(), session.routes_read()
            except IpvlanError:
                continue  # not there (yet): an op will create it, or fail first
            spaces[netns] = space_of(links, addrs, routes)
        return cls(existing, spaces)

    def space(self, netns):
        return self.spaces.setdefault(netns, {"links": {}, "addresses": {}, "routes": []})

    def link(self, netns, name):
        return self.spaces.get(netns, {}).get("links", {}).get(name)

    # -- effects of successful operations
    def applied(self, op):
        a = op.args
        if op.action == "netns_add":
            self.namespaces.add(a["name"])
            self.spaces[a["name"]] = {"links": {"lo": {"name": "lo", "kind": None, "up": False,
                                                       "type": m.ARPHRD_LOOPBACK}},
                                      "addresses": {}, "routes": []}
        elif op.action == "netns_del":
            self.namespaces.discard(a["name"])
            self.spaces.pop(a["name"], None)
        elif op.action == "link_add":
            self.space(a["target_netns"])["links"][a["name"]] = {
                "name": a["name"], "kind": a["kind"], "mode": a["mode"], "flags": a["flags"],
                "mtu": a.get("mtu"), "up": bool(a.get("up")), "type": m.ARPHRD_ETHER,
                "master": (a["parent_netns"], a["parent"])}
        elif op.action == "link_del":
            self._drop_link(op.netns, a["name"])
        elif op.action == "link_set":
            link = self.link(op.netns, a["name"])
            if link is None:
                return
            if a.get("to_netns", op.netns) != op.netns:
                self._drop_link(op.netns, a["name"])
                self.space(a["to_netns"])["links"][a["name"]] = dict(link, up=False,
                                                                     netns=a["to_netns"])
                return
            for key in ("mode", "flags", "mtu", "up"):
                if a.get(key) is not None:
                    link[key] = a[key]
        elif op.action in ("addr_add", "addr_replace"):
            have = self.space(op.netns)["addresses"].setdefault(a["dev"], [])
            if a["address"] not in have:
                have.append(a["address"])
        elif op.action == "addr_del":
            have = self.space(op.netns)["addresses"].get(a["dev"], [])
            if a["address"] in have:
                have.remove(a["address"])
        elif op.action in ("route_add", "route_replace", "route_del"):
            routes = self.space(op.netns)["routes"]
            key = spec_key(a["route"])
            routes[:] = [r for r in routes if route_key(r) != key]
            if op.action != "route_del":
                routes.append(route_of_spec(a["route"]))

    def _drop_link(self, netns, name):
        space = self.spaces.get(netns)
        if space is None:
            return
        space["links"].pop(name, None)
        space["addresses"].pop(name, None)
        space["routes"][:] = [r for r in space["routes"] if r.get("dev") != name]

    # -- inverses, worked out just before an operation runs
    def inverse(self, driver, op):
        """The ops that undo `op`, from the state before it. [] when there
        is nothing to undo; NotRestorable when it cannot be undone."""
        a = op.args
        if op.action == "netns_add":
            return [Op(None, "netns_del", "delete netns %s" % a["name"], name=a["name"])]
        if op.action == "netns_del":
            raise NotRestorable("namespace %s was deleted with everything in it; a deleted "
                                "namespace cannot be brought back" % a["name"])
        if op.action == "link_add":
            return [Op(a["target_netns"], "link_del", "delete %s %s" % (a["kind"], a["name"]),
                       name=a["name"])] + self._port_back(driver, a)
        if op.action == "link_del":
            return self._recreate(driver, op.netns, a["name"], a)
        if op.action == "link_set":
            return self._unset(driver, op)
        if op.action in ("addr_add", "addr_replace"):
            if a["address"] in self.space(op.netns)["addresses"].get(a["dev"], []):
                return []
            return [Op(op.netns, "addr_del", "delete address %s dev %s" % (a["address"], a["dev"]),
                       dev=a["dev"], address=a["address"])]
        if op.action == "addr_del":
            ops = [Op(op.netns, "addr_add", "add address %s dev %s" % (a["address"], a["dev"]),
                      dev=a["dev"], address=a["address"])]
            # the kernel drops the IPv4 secondaries of a primary, and the
            # routes through a device left without addresses or using it
            # as source: put back what the model says was there
            return ops + self._l3_of(op.netns, a["dev"], skip=a["address"])
        if op.action in ("route_add", "route_replace"):
            old = [r for r in self.space(op.netns)["routes"]
                   if route_key(r) == spec_key(a["route"])]
            if old:
                return [route_op(op.netns, "route_replace", "replace", old[0])]
            return [route_op(op.netns, "route_del", "delete", route_of_spec(a["route"]))]
        if op.action == "route_del":
            old = [r for r in self.space(op.netns)["routes"]
                   if route_key(r) == spec_key(a["route"])]
            return [route_op(op.netns, "route_replace", "add", r) for r in old]
        if op.action == "vlan_add":
            return [Op(op.netns, "link_del", "delete vlan %s" % a["name"], name=a["name"])]
        if op.action in ("link_alias", "ipv6_sysctl", "ipv6_addr_gen_mode"):
            return self._unset_attribute(op)
        if op.action == "tap_set":
            return self._untap(driver, op)
        raise NotRestorable("no inverse is known for '%s'" % op.action)

    def _unset_attribute(self, op):
        """The alias or IPv6 settings of a link as they were before the run
        (a link this run made needs none: its deletion undoes them)."""
        a = op.args
        link = self.link(op.netns, a["name"])
        if link is None:
            return []
        if op.action == "link_alias":
            old = link.get("alias") or ""
            return [Op(op.netns, "link_alias", "set link %s alias %s" % (a["name"], old or "''"),
                       name=a["name"], alias=old)]
        was = link.get("ipv6")
        if not was:
            return []
        if op.action == "ipv6_addr_gen_mode":
            if was.get("addr_gen_mode") is None:
                return []
            return [Op(op.netns, "ipv6_addr_gen_mode", "set link %s addrgenmode %s"
                       % (a["name"], was["addr_gen_mode"]), name=a["name"],
                       mode=was["addr_gen_mode"])]
        values = {}
        if "disable_ipv6" in a["values"]:
            values["disable_ipv6"] = 0 if was.get("enabled") else 1
        if "accept_ra" in a["values"] and was.get("accept_ra") is not None:
            values["accept_ra"] = was["accept_ra"]
        if not values:
            return []
        return [Op(op.netns, "ipv6_sysctl", "set sysctl net.ipv6.conf.%s %s"
                   % (a["name"], ", ".join("%s %d" % kv for kv in sorted(values.items()))),
                   name=a["name"], values=values)]

    def _untap(self, driver, op):
        """An ipvtap's /dev/tapN as it is just before tap_set runs."""
        a = op.args
        index = driver.session(op.netns).index_of(a["name"], required=False)
        node = None if index is None else tap.read(index, a["name"])
        if node is None:
            return []
        return [Op(op.netns, "tap_set", "set tap of %s owner %d group %d mode %04o"
                   % (a["name"], node["uid"], node["gid"], node["mode"]), name=a["name"],
                   uid=node["uid"], gid=node["gid"], mode=node["mode"])]

    def _recreate(self, driver, netns, name, args):
        link = self.link(netns, name)
        if link is None:
            return []  # there was nothing to delete
        if link.get("kind") not in m.IPVLAN_KINDS:
            raise NotRestorable("%s in %s is a %s; only ipvlan/ipvtap links are recreated"
                                % (name, label(netns), link.get("kind") or "device"))
        master = link.get("master")
        if master is None and args.get("parent") is not None:
            master = (args.get("parent_netns"), args["parent"])
        if master is None:
            found = ports.master_of(driver, dict(link, netns=netns))
            master = None if found is None else (found[0], found[1]["name"])
        if master is None:
            raise NotRestorable("the master of %s (%s) cannot be named, so it cannot be "
                                "created again" % (name, label(netns)))
        text = "add %s %s link %s mode %s %s" % (link["kind"], name, master[1], link["mode"],
                                                 link["flags"])
        if link.get("mtu"):
            text += " mtu %d" % link["mtu"]
        if netns != master[0]:
            text += " netns %s" % label(netns)
        ops = [Op(master[0], "link_add", text + (" up" if link.get("up") else ""), name=name,
                  kind=link["kind"], parent=master[1], parent_netns=master[0], target_netns=netns,
                  mode=link["mode"], flags=link["flags"], mtu=link.get("mtu"),
                  up=bool(link.get("up")))]
        # a slave created down gets no NOARP from the kernel, one created up
        # gets it from the mode (ipvlan_open)
        ops.extend(self.arp_restore(driver, netns, link, kernel_sets=bool(link.get("up")) and
                                    link["mode"] in L3_MODES))
        return ops + self._l3_of(netns, name)

    def _unset(self, driver, op):
        a = op.args
        link = self.link(op.netns, a["name"])
        if link is None:
            return []  # made by this run: its deletion undoes this too
        to_netns = a.get("to_netns", op.netns)
        if to_netns != op.netns:
            ops = [Op(to_netns, "link_set", "move link %s to netns %s" % (a["name"], label(op.netns)),
                      name=a["name"], to_netns=op.netns)]
            if link.get("up"):
                ops.append(Op(op.netns, "link_set", "set link %s up" % a["name"], name=a["name"],
                              up=True))
                ops.extend(self.arp_restore(driver, op.netns, link))
            return ops + self._l3_of(op.netns, a["name"])
        changes, words = {}, []
        old_port = (link.get("mode"), link.get("flags"))
        if a.get("mode") is not None and old_port != (a["mode"], a["flags"]):
            changes.update(kind=link["kind"], mode=link["mode"], flags=link["flags"])
            words.append("mode %s %s" % (link["mode"], link["flags"]))
        if a.get("mtu") is not None and link.get("mtu") != a["mtu"] and link.get("mtu"):
            changes["mtu"] = link["mtu"]
            words.append("mtu %d" % link["mtu"])
        if a.get("up") is not None and bool(link.get("up")) != a["up"]:
            changes["up"] = bool(link.get("up"))
            words.append("up" if link.get("up") else "down")
        if not changes:
            return []
        ops = [Op(op.netns, "link_set", "set link %s %s" % (a["name"], " ".join(words)),
                  name=a["name"], **changes)]
        port = a.get("mode") is not None and a["mode"] != link.get("mode")
        if port or "up" in changes:
            ops.extend(self.arp_restore(driver, op.netns, link, port=port))
        if link.get("type") == m.ARPHRD_LOOPBACK and changes.get("up") is False:
            # lo coming up got 127.0.0.1/8 from the kernel; going down keeps it
            have = self.space(op.netns)["addresses"].get(a["name"], [])
            if LOOPBACK_V4 not in have:
                ops.append(Op(op.netns, "addr_del", "delete address 127.0.0.1/8 dev lo",
                              dev="lo", address=LOOPBACK_V4, missing_ok=True))
        return ops

    def _port_back(self, driver, a):
        """After deleting a slave this run created: a slave created with
        another mode or flags than its port's switches the whole port
        (ipvlan_link_new() calls ipvlan_set_port_mode() and sets the port's
        flags; ipvlan_link --force does this), and deleting it leaves the
        port switched. So one of the siblings it had is set back to the
        port's mode and flags, which switches the port back, and each
        slave gets its NOARP back (arp_restore)."""
        if a["kind"] not in m.IPVLAN_KINDS:
            return []
        key = (a["parent_netns"], a["parent"])
        if key not in self._ports:
            # once per master and run, before its first add: the port as it
            # was (its siblings of this run are deleted by their own
            # inverses); once per add would scan every namespace N times
            master = driver.session(a["parent_netns"]).link(a["parent"])
            self._ports[key] = [] if master is None else ports.port_members(
                driver, a["parent_netns"], master["ifindex"])
        siblings = self._ports[key]
        if not siblings:
            return []
        first = siblings[0]
        if (first["mode"], first["flags"]) == (a["mode"], a["flags"]):
            return []
        ops = [Op(first["netns"], "link_set", "set link %s mode %s %s (the port's mode before "
                  "the run)" % (first["name"], first["mode"], first["flags"]),
                  name=first["name"], kind=first["kind"], mode=first["mode"],
                  flags=first["flags"])]
        if first["mode"] == a["mode"]:
            return ops  # flags only: the kernel leaves NOARP alone
        was = self.link(first["netns"], first["name"]) or first
        return ops + self.arp_restore(driver, first["netns"], was, port=True)

    def arp_restore(self, driver, netns, link, port=False, kernel_sets=None):
        """Ops that give IFF_NOARP back as it was read, after an inverse
        that brings `link` (in `netns`) back to its mode, or up or down:
        the kernel then sets it from the mode (or to `kernel_sets`), on
        `link` alone, or, with `port` (the mode of the port changes), on
        every slave of the port, in every namespace (see the module's
        docstring). Nothing for a link that is not an ipvlan/ipvtap slave."""
        if link.get("kind") not in m.IPVLAN_KINDS:
            return []
        if kernel_sets is None:
            kernel_sets = link.get("mode") in L3_MODES
        members = [dict(link, netns=netns)]
        if port:
            live = driver.session(netns).link(link["name"])
            found = None if live is None else ports.parent_of(driver, dict(live, netns=netns))
            members = [] if found is None else ports.port_members(driver, found[0], found[1])
        ops = []
        for member in members:
            where = member["netns"]
            if where in self.spaces:  # read before the run; not there: made by it
                member = self.link(where, member["name"])
                if member is None:
                    continue
            was = member.get("noarp")
            if was is None or was == kernel_sets:
                continue
            ops.append(Op(where, "link_set", "set link %s arp %s (NOARP as before the run)"
                          % (member["name"], "off" if was else "on"), name=member["name"],
                          noarp=was))
        return ops

    def _l3_of(self, netns, dev, skip=None):
        space = self.space(netns)
        ops = []
        for iface in space["addresses"].get(dev, []):
            if iface != skip and _kept_address(iface):
                ops.append(Op(netns, "addr_replace", "add address %s dev %s" % (iface, dev),
                              dev=dev, address=iface))
        keep = set() if skip is None else {skip.ip}
        for route in space["routes"]:
            if not is_configured_route(route):
                continue
            if route.get("dev") == dev or (route.get("src") and
                                           ipaddress.ip_address(route["src"]) in keep):
                ops.append(route_op(netns, "route_replace", "add", route))
        return ops


def space_of(links, addresses, routes):
    names = dict((x["ifindex"], x["name"]) for x in links)
    by_dev = {}
    for item in addresses:
        iface = ipaddress.ip_interface(item["address"])
        if _kept_address(iface):
            by_dev.setdefault(names.get(item["ifindex"]), []).append(iface)
    return {"links": dict((x["name"], dict(x)) for x in links), "addresses": by_dev,
            "routes": [dict(r, dev=names.get(r.get("oif"))) for r in routes]}


def spec_key(spec):
    return (spec["dst"].version, spec["table"], spec["dst"], spec["metric"])


def route_of_spec(spec):
    """A route dict (as dumps give them) for a route spec that was sent."""
    scope = spec.get("scope")
    if scope is None:
        scope = "global" if spec.get("gateway") else "link"
    return {"family": spec["dst"].version, "table": spec["table"], "dst": str(spec["dst"]),
            "metric": spec["metric"], "gateway": str(spec["gateway"]) if spec.get("gateway")
            else None, "dev": spec.get("dev"), "src": str(spec["src"]) if spec.get("src") else None,
            "scope": scope, "type": m.RTN_UNICAST, "proto": spec.get("proto", m.RTPROT_BOOT),
            "multipath": False}


def route_op(netns, action, verb, route, why=None):
    """An op that adds, replaces or deletes exactly the route `route` (a
    route dict with 'dev') as it was read, protocol included."""
    dst = ipaddress.ip_network(route["dst"], strict=False)
    spec = {"dst": dst, "gateway": ipaddress.ip_address(route["gateway"])
            if route.get("gateway") else None, "dev": route.get("dev"), "metric": route["metric"],
            "table": route["table"], "src": ipaddress.ip_address(route["src"])
            if route.get("src") else None, "scope": route.get("scope") or None,
            "proto": route.get("proto", m.RTPROT_BOOT)}
    if action == "route_del":
        spec.update(scope="nowhere", proto=0)
    words = ["default" if dst.prefixlen == 0 and dst.version == 4 else str(dst)]
    if spec["gateway"]:
        words.append("via %s" % spec["gateway"])
    if spec["dev"]:
        words.append("dev %s" % spec["dev"])
    if spec["src"]:
        words.append("src %s" % spec["src"])
    if route["metric"]:
        words.append("metric %d" % route["metric"])
    if route["table"] != m.RT_TABLE_MAIN:
        words.append("table %d" % route["table"])
    text = "%s route %s" % (verb, " ".join(words))
    if why:
        text += " (%s)" % why
    return Op(netns, action, text, route=spec)


# ----------------------------------------------------------------- comparing


def compare(before, after, namespaces):
    """Differences between two Models over `namespaces`, as readable lines."""
    out = []
    for netns in namespaces:
        was, now = before.spaces.get(netns), after.spaces.get(netns)
        if netns is not None:
            if (netns in before.namespaces) != (netns in after.namespaces):
                out.append("namespace %s %s" % (netns, "is missing" if netns in before.namespaces
                                                else "is still there"))
                continue
        if was is None or now is None:
            continue
        out.extend(_compare_space(label(netns), was, now))
    return out


LINK_KEYS = ("kind", "mode", "flags", "mtu", "up", "noarp")


def _compare_space(where, was, now):
    out = []
    for name in sorted(set(was["links"]) | set(now["links"])):
        a, b = was["links"].get(name), now["links"].get(name)
        if a is None:
            out.append("%s: link %s is still there" % (where, name))
        elif b is None:
            out.append("%s: link %s is missing" % (where, name))
        else:
            for key in LINK_KEYS:
                if a.get(key) != b.get(key):
                    out.append("%s: link %s %s is %s, was %s" % (where, name, key, b.get(key),
                                                                 a.get(key)))
    for dev in sorted(set(was["addresses"]) | set(now["addresses"]), key=str):
        a = set(was["addresses"].get(dev, []))
        b = set(now["addresses"].get(dev, []))
        for iface in sorted(a - b, key=str):
            out.append("%s: address %s dev %s is missing" % (where, iface, dev))
        for iface in sorted(b - a, key=str):
            out.append("%s: address %s dev %s is still there" % (where, iface, dev))
    a = set(_route_id(r) for r in was["routes"] if is_configured_route(r))
    b = set(_route_id(r) for r in now["routes"] if is_configured_route(r))
    for route in sorted(a - b, key=str):
        out.append("%s: route %s is missing" % (where, _route_words(route)))
    for route in sorted(b - a, key=str):
        out.append("%s: route %s is still there" % (where, _route_words(route)))
    return out


def _route_id(route):
    return (route["dst"], route.get("gateway"), route.get("dev"), route["metric"],
            route["table"], route.get("src"))


def _route_words(ident):
    dst, gateway, dev, metric, table, src = ident
    words = [dst]
    for word, value in (("via", gateway), ("dev", dev), ("src", src)):
        if value:
            words.append("%s %s" % (word, value))
    if metric:
        words.append("metric %d" % metric)
    if table != m.RT_TABLE_MAIN:
        words.append("table %d" % table)
    return " ".join(words)
