# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.ipvlan contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The state a plan starts from, for undoing it.

Before the first operation the namespaces the plan touches are read once
(most of it was read for planning and comes from the sessions' dumps): their
links (kind, mode, flags, MTU, admin state, NOARP, alias, IPv6 settings,
namespace), addresses and configured routes, and which named namespaces
exist. That snapshot is kept up to date as each operation succeeds (its
kind's applied()); just before an operation runs, its inverse is worked out
from it (its kind's inverse()), so undoing the applied operations newest
first brings each object back to the state it had before the run.

What cannot be undone is said, not hidden: a deleted namespace (its devices
are gone with it), a deleted link whose master cannot be named. Devices the
kernel removes by itself (a master deleted by someone else takes its slaves)
show up as undo operations that fail, each with the kernel's reason.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress

from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model import abi
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model import routes as rt
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model.errors import IpvlanError
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model.names import kernels_own, label
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.ops.address import AddrReplace
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.ops.route import RouteReplace

LINK_KEYS = ("kind", "mode", "flags", "mtu", "up", "noarp")


def touched_namespaces(plan):
    """Every namespace an operation of `plan` works in or moves to (None:
    the host), in first-use order."""
    out = []
    for op in plan:
        for netns in op.kind.namespaces(op):
            if netns not in out:
                out.append(netns)
    return out


class Snapshot(object):
    """What the touched namespaces hold, as plain data. `spaces[netns]` =
    {"links": {name: link}, "addresses": {dev: [ip_interface]}, "routes":
    [route dicts with 'dev']}; `namespaces`: the named ones that exist;
    `ports`: {(master netns, master): its slaves before the run's first
    add} (ops/link.py fills it)."""

    def __init__(self, namespaces, spaces):
        self.namespaces = set(namespaces)
        self.spaces = spaces
        self.ports = {}

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

    @classmethod
    def of_device(cls, netns, dev, addresses):
        """A snapshot of one device's addresses only (for predictions)."""
        return cls([], {netns: {"links": {}, "addresses": {dev: list(addresses)},
                                "routes": []}})

    def space(self, netns):
        return self.spaces.setdefault(netns, {"links": {}, "addresses": {}, "routes": []})

    def link(self, netns, name):
        return self.spaces.get(netns, {}).get("links", {}).get(name)

    def addresses(self, netns, dev):
        return self.space(netns)["addresses"].get(dev, [])

    def routes(self, netns):
        return self.space(netns)["routes"]

    def namespace_added(self, name):
        self.namespaces.add(name)
        self.spaces[name] = {"links": {"lo": {"name": "lo", "kind": None, "up": False,
                                              "type": abi.ARPHRD_LOOPBACK}},
                             "addresses": {}, "routes": []}

    def namespace_removed(self, name):
        self.namespaces.discard(name)
        self.spaces.pop(name, None)

    def drop_link(self, netns, name):
        space = self.spaces.get(netns)
        if space is None:
            return
        space["links"].pop(name, None)
        space["addresses"].pop(name, None)
        space["routes"][:] = [r for r in space["routes"] if r.get("dev") != name]

    def link_down(self, netns, name):
        """Link `name` went down: the kernel dropped its IPv6 addresses
        (keep_addr_on_down off, the default) and the routes through it."""
        space = self.space(netns)
        have = space["addresses"].get(name)
        if have:
            have[:] = [x for x in have if x.version != 6]
        space["routes"][:] = [r for r in space["routes"] if r.get("dev") != name]

    def applied(self, op):
        op.kind.applied(self, op)

    def inverse(self, driver, op):
        """The ops that undo `op`, from the state before it. [] when there
        is nothing to undo; NotRestorable when it cannot be undone."""
        return op.kind.inverse(self, driver, op)

    def restore_l3(self, netns, dev, skip=None, down=False):
        """Ops that put back the addresses of `dev` and the routes through
        it (or using `skip`'s address as source) as the snapshot has them:
        after the kernel dropped them with a link or an address, or, with
        `down`, with the link going down (its IPv6 addresses: link_down())."""
        ops = []
        for iface in self.addresses(netns, dev):
            if iface != skip and not (down and iface.version != 6):
                ops.append(AddrReplace.op(netns, dev, iface))
        keep = set() if skip is None else {skip.ip}
        for route in self.routes(netns):
            if not rt.is_configured(route):
                continue
            if route.get("dev") == dev or (route.get("src") and
                                           ipaddress.ip_address(route["src"]) in keep):
                ops.append(RouteReplace.op(netns, route))
        return ops

    def restore_ipv4_routes(self, netns, dev):
        """Ops that put back the IPv4 routes through `dev` as the snapshot
        has them: after the kernel dropped them with the device's last IPv4
        address (fib_disable_ip)."""
        return [RouteReplace.op(netns, r) for r in self.routes(netns)
                if r.get("dev") == dev and r.get("family") == 4 and rt.is_configured(r)]


def space_of(links, addresses, routes):
    names = dict((x["ifindex"], x["name"]) for x in links)
    by_dev = {}
    for item in addresses:
        iface = ipaddress.ip_interface(item["address"])
        if not kernels_own(iface):
            by_dev.setdefault(names.get(item["ifindex"]), []).append(iface)
    return {"links": dict((x["name"], dict(x)) for x in links), "addresses": by_dev,
            "routes": rt.name_routes(routes, links)}


# ----------------------------------------------------------------- comparing


def compare(before, after, namespaces):
    """Differences between two Snapshots over `namespaces`, as readable lines."""
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
    a = dict((rt.whole(r), r) for r in was["routes"] if rt.is_configured(r))
    b = dict((rt.whole(r), r) for r in now["routes"] if rt.is_configured(r))
    for key in sorted(set(a) - set(b), key=str):
        out.append("%s: route %s is missing" % (where, rt.text(a[key])))
    for key in sorted(set(b) - set(a), key=str):
        out.append("%s: route %s is still there" % (where, rt.text(b[key])))
    return out
