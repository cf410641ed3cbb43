# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.ipvlan contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Whole host/namespace topologies: ports (a master and its slaves), each
slave with its namespace, loopback, addresses and routes.

normalize() checks the wanted config; the checks below compare it with the
state read before the run (resources/ipvlan_topology.read), so that what
the kernel would refuse is refused before anything changes, in check mode
too; plan_topology() makes one ordered plan (namespaces, removals, port
mode, links, loopback, addresses, routes). The per-object planning is the
single-object modules' own (links.plan_link, addresses.plan_addresses,
routes.plan_route). Everything here is pure: `rendered` is the plan
against an empty host.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress

from ansible_collections.linuxnet.ipvlan.plugins.module_utils.facts.gather import vlan_owned
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model import dhcp as dhcp_rules
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model import routes as route_rules
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model import validation as v
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model.errors import (
    ValidationError,
    not_a_namespace,
)
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model.names import (
    LOOPBACK_V4,
    kernels_own,
    label,
)
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.ops.address import (
    AddrAdd,
    AddrDel,
    AddrReplace,
)
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.ops.base import Plan
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.ops.link import (
    LinkAdd,
    LinkDel,
    LinkSet,
)
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.ops.namespace import NetnsAdd
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.ops.route import RouteDel
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.ops.snapshot import Snapshot
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.planners import addresses as addr
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.planners import dhcp
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.planners import host_access as ha
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.planners import ipv6
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.planners import links as lk
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.planners import routes as rt
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.planners import tap
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.planners import vlan

STATES = ("merged", "replaced", "overridden", "deleted", "gathered", "rendered")

# a link's routes: ip_route's options, less what the link implies
ROUTE_OPTIONS = dict((k, v) for k, v in rt.ARGUMENT_SPEC.items()
                     if k not in ("dev", "netns", "state", "rollback"))
LINK_OPTIONS = dict(
    name=dict(type="str", required=True),
    kind=dict(type="str", default="ipvlan", choices=list(v.KINDS)),
    netns=dict(type="str"),
    mtu=dict(type="int"),
    up=dict(type="bool", default=True),
    loopback=dict(type="bool"),
    addresses=dict(type="list", elements="str", default=[]),
    routes=dict(type="list", elements="dict", default=[], options=ROUTE_OPTIONS),
    ipv6=dict(type="dict", options=ipv6.OPTIONS),
    tap=dict(type="dict", options=tap.OPTIONS),
    dhcp=dict(type="dict", options=dhcp_rules.OPTIONS),
    # read-only values that ipvlan_info and gathered return; accepted and
    # ignored so that gathered state can be fed back as config
    ifindex=dict(type="int"),
    mac=dict(type="str"),
)
PORT_OPTIONS = dict(
    master=dict(type="str", required=True),
    master_netns=dict(type="str"),
    mode=dict(type="str", default="l3", choices=list(v.MODES)),
    flags=dict(type="str", default="bridge", choices=list(v.FLAGS)),
    vlan=dict(type="dict", options=vlan.OPTIONS),
    links=dict(type="list", elements="dict", default=[], options=LINK_OPTIONS),
    host_access=dict(type="dict", options=ha.OPTIONS),
)
ARGUMENT_SPEC = dict(
    config=dict(type="list", elements="dict", options=PORT_OPTIONS),
    state=dict(type="str", default="merged", choices=list(STATES)),
    rollback=dict(type="bool", default=True),
)
REQUIRED_IF = [("state", name, ["config"]) for name in
               ("merged", "replaced", "overridden", "deleted", "rendered")]


# ---------------------------------------------------------------- validation


def normalize(config):
    """The wanted ports, every field checked, entries for one master merged.
    Raises ValidationError naming the offending entry. Pure."""
    merged = {}
    order = []
    for i, port in enumerate(config or []):
        where = "config[%d]" % i
        master = v.ifname(port.get("master"), where + ".master")
        mns = v.optional_netns(port.get("master_netns"), where + ".master_netns")
        mode = v.choice(port.get("mode") or "l3", v.MODES, where + ".mode")
        flags = v.choice(port.get("flags") or "bridge", v.FLAGS, where + ".flags")
        want_vlan = vlan.normalize(port.get("vlan"), where + ".vlan")
        key = (mns, master)
        if key in merged:
            first = merged[key]
            if want_vlan is not None and first["vlan"] not in (None, want_vlan):
                raise ValidationError(where + ".vlan", "master '%s' is declared again as "
                                                       "another VLAN than at %s"
                                      % (master, first["where"]))
            first["vlan"] = first["vlan"] or want_vlan
            if (first["mode"], first["flags"]) != (mode, flags):
                raise ValidationError(where, "master '%s' is declared again with mode %s %s; "
                                             "%s declares it %s %s, and mode and flags belong "
                                             "to the whole port" % (master, mode, flags,
                                                                    first["where"], first["mode"],
                                                                    first["flags"]))
        else:
            merged[key] = {"master": master, "master_netns": mns, "mode": mode, "flags": flags,
                           "vlan": want_vlan, "links": [], "where": where,
                           "explicit_links": False}
            order.append(key)
        for j, link in enumerate(port.get("links") or []):
            merged[key]["links"].append(_link(link, mns, "%s.links[%d]" % (where, j), mode))
            merged[key]["explicit_links"] = True
        access = ha.normalize(port.get("host_access"), mns, where + ".host_access")
        if access is not None:
            ha.merge(merged[key], access, where + ".host_access")
    want = [merged[k] for k in order]
    for port in want:
        ha.attach(port)  # the host access is one more link of the port
    _cross_check(want)
    return want


def _link(link, mns, where, mode=None):
    name = v.ifname(link.get("name"), where + ".name")
    netns = v.optional_netns(link.get("netns"), where + ".netns")
    target = mns if netns is None else netns
    v.mtu(link.get("mtu"), where + ".mtu")
    cidrs = v.interface_addresses(list(link.get("addresses") or []), where + ".addresses")
    specs = []
    for k, route in enumerate(link.get("routes") or []):
        params = dict(route, dev=name, netns=target, state="present")
        if params.get("table") is None:  # not set by AnsibleModule (direct callers)
            params["table"] = "main"
        try:
            specs.append(rt.normalize(params))
        except ValidationError as exc:
            raise ValidationError("%s.routes[%d].%s" % (where, k, exc.field), exc.reason)
    loopback = link.get("loopback")
    if loopback is None:
        loopback = target is not None
    if loopback and target is None:
        raise ValidationError(where + ".loopback", "applies to links in a named namespace; "
                                                   "this one stays in the host's")
    kind = link.get("kind") or "ipvlan"
    result = {"name": name, "kind": kind, "netns": target,
              "mtu": link.get("mtu"), "up": link.get("up", True) is not False,
              "loopback": loopback, "addresses": cidrs, "routes": specs, "where": where,
              "tap": tap.normalize(link.get("tap"), kind, where + ".tap")}
    result["ipv6"] = ipv6.normalize(link.get("ipv6"), result, where + ".ipv6")
    result["dhcp"] = dhcp_rules.normalize(link.get("dhcp"), result, mode, where + ".dhcp")
    if specs and not result["up"]:
        raise ValidationError(where + ".routes", "link %s is declared up: false, and the kernel "
                                                 "removes the routes through a link that goes "
                                                 "down and refuses new ones (ENETDOWN); declare "
                                                 "it up, or its routes elsewhere" % name)
    return result


def _cross_check(want):
    names = {}
    route_of = {}  # (netns,) + route identity -> where it is declared
    for port in want:
        for link in port["links"]:
            for k, spec in enumerate(link["routes"]):
                where = "%s.routes[%d]" % (link["where"], k)
                key = (link["netns"],) + route_rules.identity(spec)
                if key in route_of:
                    raise ValidationError(where, "route %s is also declared at %s; namespace %s "
                                                 "holds one route per destination, table and "
                                                 "metric, so both cannot hold. Give one a "
                                                 "metric of its own, or declare it once"
                                          % (route_rules.text(spec), route_of[key],
                                             label(link["netns"])))
                route_of[key] = where
        seen_ips = {}
        for link in port["links"]:
            key = (link["netns"], link["name"])
            if key in names:
                raise ValidationError(link["where"] + ".name",
                                      "'%s' is declared twice in namespace %s (also at %s)"
                                      % (link["name"], label(link["netns"]), names[key]))
            names[key] = link["where"]
            for cidr in link["addresses"]:
                other = seen_ips.get(cidr.ip)
                if other is not None:
                    raise ValidationError(link["where"] + ".addresses",
                                          "%s is also declared at %s; the kernel refuses one "
                                          "address on two slaves of master '%s' (EADDRINUSE)"
                                          % (cidr.ip, other, port["master"]))
                seen_ips[cidr.ip] = link["where"]


def empty_host():
    """What `rendered` plans against: no namespaces, no slaves."""
    return {"namespaces": set(), "links": {}, "addresses": {}, "routes": {}, "lo": {},
            "lo_up": {}, "members": {}, "mode": {}, "taps": {}, "unresolved": [], "stale": set()}


# ------------------------------------------------------------------ planning


def plan_topology(want, have, state):
    """The ordered plan that brings `have` to `want` under `state`. Pure."""
    if state == "deleted":
        plan = _plan_deleted(want, have)
        _plan_vlan_removals(plan, want, have, state)
        return dhcp.plan_clients(plan, want, have, state)
    plan = Plan()
    declared = set((link["netns"], link["name"]) for port in want for link in port["links"])
    _plan_namespaces(plan, want, have)
    removed = _plan_removals(plan, want, have, state, declared)
    _plan_vlan_masters(plan, want, have)
    fresh, downed = set(), set()
    for port in want:
        _plan_port(plan, port, have, removed, fresh, downed, declared)
    _plan_loopback(plan, want, have)
    exclusive = state in ("replaced", "overridden")
    for port in want:
        for link in port["links"]:
            key = (link["netns"], link["name"])
            _plan_tap(plan, link, have, key in fresh)
            _plan_l3(plan, link, have, key in fresh, key in downed, exclusive)
    _plan_vlan_removals(plan, want, have, state)
    dhcp.resolve(want, have)
    return dhcp.plan_clients(plan, want, have, state)


def _plan_vlan_masters(plan, want, have):
    """Create the missing VLAN masters of ports that declare `vlan` and
    links (check_masters has checked the lower devices)."""
    for port in want:
        if port["vlan"] is None or not port["links"]:
            continue
        if port["master"] not in have["links"].get(port["master_netns"], {}):
            plan.append(vlan.plan(port))


def _plan_vlan_removals(plan, want, have, state):
    """Remove the VLAN masters the collection created (vlan.owned) that
    have no slaves once `plan` has run: of the declared ports with deleted
    and replaced, of any port with overridden. Never with merged, never a
    VLAN made otherwise."""
    if state not in ("deleted", "replaced", "overridden"):
        return
    declared = dict(((p["master_netns"], p["master"]), p) for p in want)
    gone = set((op.netns, op.args["name"]) for op in plan if op.kind is LinkDel)
    keys = list(declared)
    if state == "overridden":
        keys += sorted(((netns, name) for netns in have["links"] for name in have["links"][netns]
                        if (netns, name) not in declared),
                       key=lambda k: (k[0] is not None, k[0] or "", k[1]))
    for key in keys:
        if not vlan_owned(have["links"].get(key[0], {}).get(key[1])):
            continue
        if state != "deleted" and key in declared and declared[key]["links"]:
            continue
        if any((x["netns"], x["name"]) not in gone for x in have["members"].get(key, [])):
            continue
        plan.append(LinkDel.op(key[0], key[1], "vlan", "created by linuxnet.ipvlan, no "
                               "slaves left"))


def _plan_tap(plan, link, have, fresh):
    """Owner, group and mode of an ipvtap's /dev/tapN. A link just created
    or moved gets a new node (root, 0600), at a path known only when the
    plan runs."""
    op = tap.plan(link["netns"], link["name"], link["tap"],
                  None if fresh else have["taps"].get((link["netns"], link["name"])))
    if op is not None:
        plan.append(op)


def _plan_namespaces(plan, want, have):
    seen = set()
    for port in want:
        for link in port["links"]:
            netns = link["netns"]
            if netns is not None and netns not in have["namespaces"] and netns not in seen:
                seen.add(netns)
                plan.append(NetnsAdd.op(netns))


def _plan_removals(plan, want, have, state, declared):
    """Slaves that replaced/overridden remove; returns their (netns, name)."""
    removed = set()
    if state not in ("replaced", "overridden"):
        return removed
    keys = set((p["master_netns"], p["master"]) for p in want)
    for key in sorted(have["members"], key=lambda k: (k[0] is not None, k[0] or "", k[1])):
        if key not in keys and state != "overridden":
            continue
        for member in have["members"][key]:
            if (member["netns"], member["name"]) not in declared:
                _delete(plan, member, removed, "not declared", key)
    if state == "overridden":
        for member in have["unresolved"]:
            if (member["netns"], member["name"]) not in declared:
                _delete(plan, member, removed, "not declared, master unknown")
    return removed


def _delete(plan, member, removed, why, master=None):
    """A removal of an undeclared or deleted slave (recreations are
    links.plan_link's); `master` (netns, name), when known, lets a rollback
    create the slave again without resolving its master."""
    plan.append(LinkDel.op(member["netns"], member["name"], member["kind"], why, master=master))
    removed.add((member["netns"], member["name"]))


def _plan_port(plan, port, have, removed, fresh, downed, declared):
    key = (port["master_netns"], port["master"])
    mode, flags = port["mode"], port["flags"]
    members = [x for x in have["members"].get(key, [])
               if (x["netns"], x["name"]) not in removed]
    by_key = dict(((x["netns"], x["name"]), x) for x in members)
    # the port's mode is set through a slave it still has: not one that
    # the plan so far deletes (to create it again on another master, say)
    # or moves
    gone = set((op.netns, op.args["name"]) for op in plan
               if op.kind is LinkDel or (op.kind is LinkSet and "to_netns" in op.args))
    handles = [x for x in members if (x["netns"], x["name"]) not in gone]
    moved = set()
    if handles and have["mode"].get(key) != (mode, flags):
        first = handles[0]
        plan.append(LinkSet.port_op(first["netns"], first["name"], first["kind"],
                                    port["master"], mode, flags))
    for link in port["links"]:
        target = link["netns"]
        existing = None
        if (target, link["name"]) not in removed:
            existing = have["links"].get(target, {}).get(link["name"])
        home_key = (port["master_netns"], link["name"])
        home = None
        if existing is None and target != home_key[0] and home_key not in declared \
                and home_key not in moved:
            home = by_key.get(home_key)
            if home is not None:
                moved.add(home_key)  # one link moves once: to the first that names it
        want = {"name": link["name"], "kind": link["kind"], "netns": target,
                "master": port["master"], "master_netns": port["master_netns"],
                "mode": mode, "flags": flags, "mtu": link["mtu"], "up": link["up"]}
        dropped = None
        if existing is not None and existing.get("up") and not link["up"]:
            dropped = lk.dropped_going_down(link["name"],
                                            have["addresses"].get((target, link["name"]), []),
                                            have["routes"].get(target, []))
        kept, is_fresh = lk.plan_link(
            plan, want, None if existing is None else dict(existing, netns=target),
            (target, link["name"]) in by_key, home, link["where"] + ".name",
            settings=_ipv6_settings(target, link), dropped=dropped)
        if is_fresh:
            fresh.add((target, link["name"]))
        elif kept is not None and kept.get("up") and not link["up"]:
            downed.add((target, link["name"]))
        ha.plan_mark(plan, link, kept)


def _ipv6_settings(netns, link):
    """plan_link's `settings` for a link's declared IPv6 settings: the ops
    that give them to the link as it is (None: new or just moved, when the
    kernel has reset them), or None when the link declares none."""
    if link.get("ipv6") is None:
        return None
    return lambda current: ipv6.plan_link(netns, link["name"], link["ipv6"],
                                          ipv6.current_of(current), link["where"] + ".ipv6")


def _plan_loopback(plan, want, have):
    done = set()
    for port in want:
        for link in port["links"]:
            netns = link["netns"]
            if not link["loopback"] or netns in done:
                continue
            done.add(netns)
            if have["lo"].get(netns):
                continue
            if not have["lo_up"].get(netns):
                # the kernel gives lo 127.0.0.1/8 and ::1 when it comes up
                plan.append(LinkSet.op(netns, "lo", up=True))
            else:
                plan.append(AddrAdd.op(netns, "lo", LOOPBACK_V4))


def _plan_l3(plan, link, have, fresh, downed, exclusive):
    """The link's addresses and routes. `fresh`: it arrives in its
    namespace in this plan (nothing on it yet); `downed`: the plan takes it
    down, and the kernel drops its IPv6 addresses (unless keep_addr_on_down)
    and the routes through it (declared routes on a link declared down are
    refused by normalize()). With `exclusive`, the undeclared routes through
    it are deleted before its addresses change, so that no address delete
    has to keep them."""
    netns, name = link["netns"], link["name"]
    have_cidrs = [] if fresh else have["addresses"].get((netns, name), [])
    routes = [r for r in have["routes"].get(netns, [])
              if not ((fresh or downed) and r.get("dev") == name)]
    if exclusive:
        undeclared = [r for r in routes if r.get("dev") == name and route_rules.is_configured(r)
                      and not any(rt.find_route(spec, [r]) for spec in link["routes"])]
        for route in undeclared:
            plan.append(RouteDel.op(netns, route))
        routes = [r for r in routes if not any(r is x for x in undeclared)]
    if downed:
        # kept or not, the IPv6 ones are the kernel's to drop: the declared
        # ones are put back, the others deleted if the kernel kept them
        flushed = [x for x in have_cidrs if ipaddress.ip_interface(x).version == 6]
        have_cidrs = [x for x in have_cidrs if x not in flushed]
        wanted = set(link["addresses"])
        for item in flushed:
            iface = ipaddress.ip_interface(item)
            if iface in wanted:
                plan.append(AddrReplace.op(netns, name, iface,
                                           "the kernel drops it with the link going down"))
            elif exclusive and not kernels_own(iface):
                plan.append(AddrDel.op(netns, name, iface, missing_ok=True))
        have_cidrs += [x for x in flushed if ipaddress.ip_interface(x) in wanted]
    if link["addresses"] or exclusive:
        plan.extend(addr.plan_addresses(netns, name, have_cidrs, link["addresses"], "present",
                                        exclusive=exclusive, routes=routes,
                                        field=link["where"] + ".addresses"))
    if link["routes"]:
        # an address added now brings its prefix route, which a declared
        # route of that identity then finds (to keep, or replace: an add
        # would meet EEXIST)
        have = set(map(str, have_cidrs))
        for item in link["addresses"]:
            route = route_rules.connected(item, name) if str(item) not in have else None
            if route is not None and not rt.find_route(route, routes):
                routes = routes + [route]
    for spec in link["routes"]:
        plan.extend(rt.plan_route(netns, spec, routes, "present"))


def _plan_deleted(want, have):
    plan = Plan()
    removed = set()
    for port in want:
        key = (port["master_netns"], port["master"])
        wanted = set((x["netns"], x["name"]) for x in port["links"])
        for member in have["members"].get(key, []):
            if not port["explicit_links"] or (member["netns"], member["name"]) in wanted:
                _delete(plan, member, removed, "deleted", key)
    return plan


# ------------------------------------------------------------------ checks


def check_namespaces(want, have):
    """A namespace the topology would create must not be blocked by a
    /run/netns entry that is no namespace (the create would fail)."""
    for port in want:
        for link in port["links"]:
            netns = link["netns"]
            if netns is not None and netns not in have["namespaces"] and netns in have.get("stale", ()):
                raise ValidationError(link["where"] + ".netns", not_a_namespace(netns))


def replayed(have, plan):
    """The state `have` (topology.read()'s) as an ops/snapshot Snapshot,
    and after each op of `plan` as its kind declares it (applied()): yields
    (op, the snapshot just before it), then (None, the snapshot after the
    whole plan). One snapshot, changed in place. Pure."""
    spaces = {}
    read = set([None]) | set(have["namespaces"]) | set(have["links"]) | set(have["routes"]) | \
        set(key[0] for key in have["addresses"])
    for netns in read:
        addresses = {}
        for (where, dev), items in have["addresses"].items():
            if where == netns and dev is not None:
                addresses[dev] = [x for x in map(ipaddress.ip_interface, items)
                                  if not kernels_own(x)]
        links = have["links"].get(netns, {})
        spaces[netns] = {"links": dict((k, dict(v)) for k, v in links.items()),
                         "addresses": addresses, "routes": list(have["routes"].get(netns, []))}
    snapshot = Snapshot(have["namespaces"], spaces)
    for op in plan:
        yield op, snapshot
        snapshot.applied(op)
    yield None, snapshot


def check_port_addresses(want, have, plan):
    """No address is added to a slave while another slave of the same
    master holds it, in any namespace: the kernel refuses that (EADDRINUSE,
    ipvlan_addr_busy()). Who holds what is the plan replayed (replayed():
    a slave deleted or moved loses its addresses, one taken down its IPv6
    ones). Raises ValidationError naming the declared link's addresses."""
    master_of = {}  # (netns, link) -> (master netns, master)
    for key, members in have["members"].items():
        for member in members:
            master_of[(member["netns"], member["name"])] = key
    fields = dict(((link["netns"], link["name"]), link["where"] + ".addresses")
                  for port in want for link in port["links"])
    for op, before in replayed(have, plan):
        if op is None:
            break
        a = op.args
        if op.kind is LinkDel:
            master_of.pop((op.netns, a["name"]), None)
        elif op.kind is LinkAdd:
            master_of[(a["target_netns"], a["name"])] = (a["parent_netns"], a["parent"])
        elif op.kind is LinkSet and "to_netns" in a:
            master_of[(a["to_netns"], a["name"])] = master_of.pop((op.netns, a["name"]), None)
        elif op.kind in (AddrAdd, AddrReplace):
            where = (op.netns, a["dev"])
            key = master_of.get(where)
            for holder, master in master_of.items():
                if key is None or master != key or holder == where:
                    continue
                if any(x.ip == a["address"].ip for x in before.addresses(*holder)):
                    raise ValidationError(fields.get(where, "addresses"),
                                          "%s is held by %s in namespace %s, another slave of "
                                          "master '%s'; the kernel refuses one address on two "
                                          "slaves of a master (EADDRINUSE). Remove it there "
                                          "first" % (a["address"].ip, holder[1],
                                                     label(holder[0]), key[1]))


def check_routes(want, have, exclusive, plan=()):
    """Each declared route's src is an address its namespace will have, and
    its gateway lies in a subnet its link will have (or in the dst of one of
    the link's routes without gateway), and is no broadcast address.
    `have` is topology.read()'s; `exclusive`: replaced/overridden (a link
    keeps only its declared addresses); `plan`: the plan, whose link ops may
    drop current addresses (replayed(): a link deleted, created or moved
    keeps none, one taken down no IPv6 address)."""
    after = None
    for _op, after in replayed(have, [op for op in plan if op.kind in (LinkAdd, LinkDel,
                                                                       LinkSet)]):
        pass

    def kept(netns, dev):
        return list(after.addresses(netns, dev)) if netns in after.spaces else []

    declared = {}
    for port in want:
        for link in port["links"]:
            declared.setdefault(link["netns"], {})[link["name"]] = link
    for port in want:
        for link in port["links"]:
            netns = link["netns"]
            own = list(link["addresses"])
            if not exclusive:
                own += kept(netns, link["name"])
            local = set(x.ip for x in own)
            for other in declared.get(netns, {}).values():
                local.update(x.ip for x in other["addresses"])
            for dev in (after.spaces.get(netns) or {}).get("addresses", {}):
                if not (exclusive and dev in declared.get(netns, {})):
                    local.update(x.ip for x in kept(netns, dev))
            links_dst = [r["dst"] for r in link["routes"] if r["gateway"] is None]
            for k, spec in enumerate(link["routes"]):
                where = "%s.routes[%d]" % (link["where"], k)
                if spec["src"] is not None and spec["src"] not in local:
                    raise ValidationError(where + ".src", "%s is not an address namespace %s "
                                                          "will have; the kernel takes only a "
                                                          "local address as preferred source"
                                          % (spec["src"], label(netns)))
                gateway = spec["gateway"]
                if gateway is None or (gateway.version == 6 and gateway.is_link_local):
                    continue
                networks = [x.network for x in own if x.version == gateway.version]
                problem = rt.gateway_problem(gateway, networks)
                if problem:
                    raise ValidationError(where + ".gateway", problem)
                if not any(gateway in n for n in networks + links_dst
                           if n.version == gateway.version):
                    raise ValidationError(
                        where + ".gateway", "%s is in no subnet of link %s (%s); the kernel "
                                            "refuses a gateway it cannot reach on the link "
                                            "(ENETUNREACH). Add an address in its subnet, or "
                                            "a route to it without gateway"
                        % (gateway, link["name"], ", ".join(str(x) for x in own) or
                           "it has no address"))
