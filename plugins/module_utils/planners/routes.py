# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.ipvlan contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""One route, in the module's namespace or a named one.

A route is identified by (family, table, dst, metric), the key the kernel
replaces by. A declared route whose key exists with another nexthop is
replaced (NLM_F_REPLACE), never added beside it, so one declaration never
leaves two default routes. The metric is normalised for identity: unset is
0 for IPv4 and 1024 for IPv6 (the kernel turns an IPv6 metric 0 into 1024).

The nexthop is what gateway and dev declare: a route declared without a
gateway must have none; dev, src and scope are compared only when declared.

A route spec (see normalize()) is a dict: dst (ip_network), gateway
(ip_address or None), dev, metric (int), table (int), src (ip_address or
None), scope (name or None). Route dicts are messages.parse_route() output
with a 'dev' name added (model/routes.name_routes).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress

from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model import abi
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model import routes as rt
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model import validation as v
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model.errors import ValidationError
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.ops.base import Plan
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.ops.route import (
    RouteAdd,
    RouteDel,
    RouteReplace,
)

SCOPES = ("global", "site", "link", "host")

ARGUMENT_SPEC = dict(
    dst=dict(type="str", required=True),
    gateway=dict(type="str"),
    dev=dict(type="str"),
    netns=dict(type="str"),
    metric=dict(type="int"),
    table=dict(type="raw", default="main"),
    src=dict(type="str"),
    scope=dict(type="str", choices=list(SCOPES)),
    state=dict(type="str", default="present", choices=["present", "absent"]),
    rollback=dict(type="bool", default=True),
)
REQUIRED_IF = [("state", "present", ("gateway", "dev"), True)]


# ---------------------------------------------------------------- validation


def normalize(p):
    """A route spec from module-style parameters, every field checked.
    Raises ValidationError naming the field. Pure."""
    state = v.choice(p.get("state", "present"), ("present", "absent"), "state")
    dev = v.ifname(p["dev"], "dev") if p.get("dev") is not None else None
    gateway = _host(p.get("gateway"), "gateway")
    src = _host(p.get("src"), "src")
    hint = gateway.version if gateway else (src.version if src else None)
    if p.get("dst") is None:
        raise ValidationError("dst", "a destination is required ('default' or a network)")
    dst = v.route_destination(p["dst"], hint, "dst")
    for field, address in (("gateway", gateway), ("src", src)):
        if address is not None and address.version != dst.version:
            raise ValidationError(field, "'%s' is IPv%d but dst %s is IPv%d"
                                  % (address, address.version, dst, dst.version))
    if gateway is not None and gateway.version == 6 and gateway.is_link_local and dev is None:
        raise ValidationError("dev", "a link-local gateway (%s) needs dev: it is only "
                                     "meaningful on one link" % gateway)
    if state == "present" and gateway is None and dev is None:
        raise ValidationError("gateway", "a route needs a gateway, a dev, or both")
    scope = p.get("scope")
    if scope is not None:
        v.choice(scope, SCOPES, "scope")
        if dst.version == 6:
            raise ValidationError("scope", "applies to IPv4 routes only; the kernel "
                                           "ignores it for IPv6")
        if gateway is not None and scope in ("link", "host"):
            raise ValidationError("scope", "a route via a gateway must have scope global "
                                           "or site; '%s' is for routes without one" % scope)
    metric = v.route_metric(p.get("metric"), "metric")
    if metric is None or (dst.version == 6 and metric == 0):
        metric = rt.DEFAULT_METRIC[dst.version]
    return {
        "netns": v.optional_netns(p.get("netns"), "netns"),
        "dst": dst,
        "gateway": gateway,
        "dev": dev,
        "metric": metric,
        "table": v.route_table(p.get("table", "main"), "table"),
        "src": src,
        "scope": scope,
    }


def _host(value, field):
    if value is None:
        return None
    return v.host_address(v.ip(value, field), field)


# ------------------------------------------------------------------ planning


def find_route(spec, routes):
    """The routes with the spec's identity (model/routes.identity)."""
    key = rt.identity(spec)
    return [r for r in routes if rt.identity(r) == key]


def differences(spec, route):
    """What of the declared route differs from `route` (a route dict)."""
    out = []
    if route.get("type") != abi.RTN_UNICAST or route.get("multipath"):
        out.append("type")
    if _address(route.get("gateway")) != spec["gateway"]:
        out.append("gateway")
    if spec["dev"] is not None and route.get("dev") != spec["dev"]:
        out.append("dev")
    if spec["src"] is not None and _address(route.get("src")) != spec["src"]:
        out.append("src")
    if spec["scope"] is not None and route.get("scope") != spec["scope"]:
        out.append("scope")
    return out


def matches(spec, route):
    """Whether `route` is the declared one, for state=absent: what is
    declared besides the identity (gateway, dev, src) must agree."""
    if route.get("type") != abi.RTN_UNICAST:
        return False
    for key in ("gateway", "src"):
        if spec[key] is not None and _address(route.get(key)) != spec[key]:
            return False
    return spec["dev"] is None or route.get("dev") == spec["dev"]


def _address(text):
    return ipaddress.ip_address(text) if text else None


def plan_route(netns, want_spec, have_routes, state):
    """Ops that make the route `want_spec` (see normalize()) present or
    absent among `have_routes` (route dicts of that namespace, with 'dev'
    names: model/routes.name_routes). Pure: reads nothing."""
    v.choice(state, ("present", "absent"), "state")
    spec = want_spec
    current = find_route(spec, have_routes)
    plan = Plan()
    if state == "absent":
        for route in current:
            if matches(spec, route):
                plan.append(RouteDel.op(netns, route))
        return plan
    if not current:
        plan.append(RouteAdd.op(netns, _send(spec)))
    elif len(current) > 1 or differences(spec, current[0]):
        plan.append(RouteReplace.op(netns, _send(spec)))
    return plan


def _send(spec):
    """The spec as the route_add/route_replace handlers take it."""
    return dict((k, spec[k]) for k in ("dst", "gateway", "dev", "metric", "table", "src", "scope"))


# ------------------------------------------------------------------- results


def gateway_problem(gateway, networks):
    """Why `gateway` cannot be a next hop on a device with `networks`
    (ip_network objects of its addresses), or None."""
    for network in networks:
        if network.version != gateway.version or network.prefixlen >= network.max_prefixlen - 1:
            continue
        if gateway in network and gateway == network.broadcast_address and gateway.version == 4:
            return "%s is the broadcast address of %s; a gateway must be a host address" \
                % (gateway, network)
    return None


# -------------------------------------------------------------------- engine
