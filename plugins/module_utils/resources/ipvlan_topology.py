# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.ipvlan contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ipvlan_topology module's engine (and the boot command's): whole
host/namespace topologies.

The pipeline: validate the wanted config (planners/topology.normalize) ->
read the current state once (read(): facts/gather, one session per
namespace) -> check what the kernel would refuse -> one ordered plan
(planners/topology.plan_topology) -> apply unless check mode
(ops/transaction: verified, rolled back on failure) -> re-read only if
something changed.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.linuxnet.ipvlan.plugins.module_utils.facts import leases
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.facts.gather import (
    gather,
    loopback_ready,
)
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.kernel import devices
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.kernel import nsfs
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model import abi
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model.errors import ValidationError
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model.routes import name_routes
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.ops import preflight
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.ops.transaction import execute
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.planners import dhcp
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.planners import host_access as ha
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.planners import links as lk
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.planners import routes as rt
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.planners import upstream
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.planners import vlan
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.planners import topology as planner
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.planners.topology import (
    check_namespaces,
    check_port_addresses,
    check_routes,
    empty_host,
    normalize,
    plan_topology,
)

ARGUMENT_SPEC = planner.ARGUMENT_SPEC
REQUIRED_IF = planner.REQUIRED_IF


def read(driver, want=None):
    """The current state: gathered ports plus the per-namespace dumps the
    plan needs. Every namespace is read once.

    Of the routes, the unicast ones (the only ones planned, kept or
    removed), except in a namespace where a route of `want` (normalize()d)
    has no unicast route of its identity: such a route is to be added, and
    a blackhole, unreachable, prohibit or throw route of that identity
    would make the kernel refuse the add (EEXIST), so there every route is
    read and the planner replaces it, as ip_route does."""
    clients = leases.clients()  # read once: folded into `gathered`, hidden from the planner
    gathered = gather(driver, whole=True, clients=clients)
    declared = {}
    for port in want or []:
        for link in port["links"]:
            declared.setdefault(link["netns"], []).extend(link["routes"])
    have = {"namespaces": set(gathered["namespaces"]), "links": {}, "addresses": {},
            "routes": {}, "lo": {}, "lo_up": {}, "members": {}, "mode": {},
            "taps": {}, "gathered": gathered,
            "stale": set(netns for netns in declared if netns is not None and
                         netns not in gathered["namespaces"] and nsfs.exists(netns))}
    for netns in [None] + sorted(have["namespaces"]):
        session = driver.session(netns)
        by_name = dict((x["name"], x) for x in session.links())
        have["links"][netns] = by_name
        for item in session.links():
            if item["kind"] == "ipvtap":
                have["taps"][(netns, item["name"])] = devices.read(item["ifindex"], item["name"])
        names = dict((x["ifindex"], x["name"]) for x in session.links())
        for item in session.addresses():
            key = (netns, names.get(item["ifindex"]))
            have["addresses"].setdefault(key, []).append(item["address"])
        routes = name_routes(session.routes(unicast=True), session.links())
        if any(not rt.find_route(spec, routes) for spec in declared.get(netns, [])):
            routes = name_routes(session.routes(), session.links())
        have["routes"][netns] = routes
        have["lo"][netns] = loopback_ready({"links": session.links(),
                                            "addresses": session.addresses()})
        have["lo_up"][netns] = any(x["up"] for x in session.links()
                                   if x["type"] == abi.ARPHRD_LOOPBACK)
    for port in gathered["ports"]:
        key = (port["master_netns"], port["master"])
        have["members"][key] = port["links"] + ha.members(port, have["links"])
        have["mode"][key] = (port["mode"], port["flags"])
    have["unresolved"] = gathered.get("unresolved", [])
    have["dhcp"] = clients  # what a lease holds is its client's: never planned
    leases.hide(have, clients)
    return have


def check_masters(driver, want):
    """Every declared master exists and can carry ipvlan slaves."""
    for port in want:
        session = driver.session(port["master_netns"], port["where"] + ".master_netns")
        mtus = [x["mtu"] for x in port["links"] if x["mtu"] is not None]
        if port["vlan"] is not None and vlan.check(session, port, max(mtus) if mtus else None):
            continue  # to be created: vlan.check has checked its lower device
        try:
            lk.check_master(session, session.link(port["master"]), port["master"],
                            port["master_netns"], max(mtus) if mtus else None)
        except ValidationError as exc:
            raise ValidationError(port["where"] + "." + exc.field.replace("parent", "master"),
                                  exc.reason)


def _field_of(want, option, value):
    """The first declared field with `option` (kind, mode) set to `value`."""
    for port in want:
        if option == "mode" and port["mode"] == value:
            return port["where"] + ".mode"
        for link in port["links"]:
            if option == "kind" and link["kind"] == value:
                return link["where"] + ".kind"
    return option


def check_client(want):
    """The DHCP client (busybox's udhcpc) is there when a link declares dhcp."""
    first = next((link for port in want for link in port["links"]
                  if link.get("dhcp") is not None), None)
    if first is not None and leases.busybox() is None:
        raise ValidationError(first["where"] + ".dhcp", "busybox is missing: its udhcpc "
                              "is the DHCP client. Install the busybox package (the "
                              "topology role does)")


def engine(driver, p, check_mode, warn=None):
    state = p["state"]
    if state == "gathered":
        gathered = gather(driver)
        keys = [(x["master_netns"], x["master"]) for x in gathered["ports"]]
        return {"changed": False, "gathered": gathered["ports"],
                "upstream_routes": upstream.routes(gathered["ports"],
                                                   upstream.master_addresses(driver, keys), warn)}
    want = normalize(p.get("config"))
    if state == "rendered":
        return {"changed": False, "rendered": plan_topology(want, empty_host(), "merged").commands(),
                "upstream_routes": upstream.routes(upstream.predict(want, [], "replaced"))}
    if state != "deleted":
        check_masters(driver, want)
    masters = upstream.master_addresses(driver, [(x["master_netns"], x["master"]) for x in want])
    if state != "deleted":
        ha.check_master_addresses(want, masters)
    have = read(driver, want)
    if state != "deleted":
        check_namespaces(want, have)
    plan = plan_topology(want, have, state)
    if state != "deleted":
        check_routes(want, have, state in ("replaced", "overridden"), plan)
        check_port_addresses(want, have, plan)
        dhcp.check(want, have)
        check_client(want)
    preflight.check_plan(driver, plan, lambda option, value: _field_of(want, option, value))
    result = {"changed": bool(plan), "commands": plan.commands(),
              "before": have["gathered"]["ports"]}
    if plan and not check_mode:
        # execute() verified the result, and so read every namespace it
        # touched again after invalidating all (a port's mode change shows
        # in every namespace)
        execute(driver, plan, rollback=p.get("rollback", True) is not False)
        result["after"] = gather(driver)["ports"]
        result["diff"] = {"before": result["before"], "after": result["after"]}
    elif plan:
        result["diff"] = {"prepared": "\n".join(plan.commands())}
    result["upstream_routes"] = upstream.of_converge(want, state, result, masters, warn)
    return result
