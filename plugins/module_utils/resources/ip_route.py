# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.ipvlan contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ip_route module's engine: one route (planners/routes.py plans it)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress

from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model import routes as model_routes
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model.errors import (
    NamespaceNotFound,
    ValidationError,
)
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model.names import label
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.ops.transaction import converge
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.planners import routes as planner
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.planners.routes import (
    find_route,
    gateway_problem,
    matches,
    normalize,
    plan_route,
)

ARGUMENT_SPEC = planner.ARGUMENT_SPEC
REQUIRED_IF = planner.REQUIRED_IF


def describe(route):
    """A route dict as returned to the user."""
    if not route:
        return {}
    return {
        "dst": str(ipaddress.ip_network(route["dst"], strict=False)),
        "family": route["family"],
        "gateway": route.get("gateway"),
        "dev": route.get("dev"),
        "metric": route["metric"],
        "table": route["table"],
        "src": route.get("src"),
        "scope": route.get("scope"),
    }


def device_for(gateway, addresses, links):
    """The device whose connected subnet holds `gateway` (what the kernel
    picks for a route declared without dev), or None."""
    names = dict((x["ifindex"], x["name"]) for x in links)
    for item in addresses:
        iface = ipaddress.ip_interface(item["address"])
        if iface.version == gateway.version and gateway in iface.network:
            return names.get(item["ifindex"])
    return None


def predicted(spec, dev=None):
    """The route as the kernel will hold it once `spec` is sent (check mode)."""
    return describe(model_routes.as_read(dict(spec, dev=spec["dev"] or dev)))


def preflight(session, spec):
    """What the kernel would refuse, found before anything changes: a src
    that is no address of the namespace, a gateway that is the broadcast
    or network address of a subnet of its device."""
    netns = session.netns
    if spec["src"] is not None:
        local = [ipaddress.ip_interface(a["address"]).ip for a in session.addresses()]
        if spec["src"] not in local:
            raise ValidationError("src", "%s is not an address in namespace %s; the kernel "
                                         "takes only a local address as preferred source"
                                  % (spec["src"], label(netns)))
    if spec["gateway"] is not None:
        link = session.link(spec["dev"]) if spec["dev"] is not None else None
        networks = [ipaddress.ip_interface(a["address"]).network for a in session.addresses()
                    if link is None or a["ifindex"] == link["ifindex"]]
        problem = gateway_problem(spec["gateway"], networks)
        if problem:
            raise ValidationError("gateway", problem)


def engine(driver, p, check_mode):
    spec = normalize(p)
    netns, state = spec["netns"], p.get("state", "present")
    result = {"changed": False, "commands": [], "route": {}}
    try:
        session = driver.session(netns, "netns")
        links = session.links()
    except NamespaceNotFound:
        if state == "absent":
            result["diff"] = {"before": {}, "after": {}}
            return result  # the namespace is gone, and its routes with it
        raise
    if spec["dev"] is not None and session.link(spec["dev"]) is None:
        if state == "absent":
            result["diff"] = {"before": {}, "after": {}}
            return result  # no route can use a missing device
        raise ValidationError("dev", "device '%s' not found in namespace %s"
                              % (spec["dev"], label(netns)))
    if state == "present":
        preflight(session, spec)

    have = model_routes.name_routes(session.routes(spec["table"]), links)
    before = [r for r in find_route(spec, have) if state == "present" or matches(spec, r)]
    plan = plan_route(netns, spec, have, state)
    commands = converge(driver, plan, check_mode, p.get("rollback", True) is not False)
    if state == "absent":
        after = {}
    elif plan and not check_mode:
        found = find_route(spec, model_routes.name_routes(session.routes(spec["table"]), links))
        after = describe(found[0]) if found else {}
    elif plan:
        dev = None
        if spec["gateway"] is not None and spec["dev"] is None:
            dev = device_for(spec["gateway"], session.addresses(), links)
        after = predicted(spec, dev)
    else:
        after = describe(before[0])
    result.update(changed=bool(plan), commands=commands, route=after,
                  diff={"before": describe(before[0]) if before else {}, "after": after})
    return result
