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
with a 'dev' name added (see name_routes()).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress

from ansible_collections.linuxnet.ipvlan.plugins.module_utils import messages as m
from ansible_collections.linuxnet.ipvlan.plugins.module_utils import validation as v
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.driver import label
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.errors import (
    NamespaceNotFound,
    ValidationError,
)
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.plan import Op, Plan
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.transaction import converge

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

DEFAULT_METRIC = {4: 0, 6: 1024}


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
        metric = DEFAULT_METRIC[dst.version]
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


def name_routes(routes, links):
    """parse_route() dicts with 'dev' set to the name of their oif (None
    when unknown or multipath). Pure."""
    names = dict((x["ifindex"], x["name"]) for x in links)
    return [dict(r, dev=names.get(r.get("oif"))) for r in routes]


def find_route(spec, routes):
    """The routes with the spec's identity (family, table, dst, metric)."""
    family = spec["dst"].version
    return [r for r in routes
            if r["family"] == family and r["table"] == spec["table"]
            and r["metric"] == spec["metric"]
            and ipaddress.ip_network(r["dst"], strict=False) == spec["dst"]]


def differences(spec, route):
    """What of the declared route differs from `route` (a route dict)."""
    out = []
    if route.get("type") != m.RTN_UNICAST or route.get("multipath"):
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
    if route.get("type") != m.RTN_UNICAST:
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
    names: name_routes()). Pure: reads nothing."""
    v.choice(state, ("present", "absent"), "state")
    spec = want_spec
    current = find_route(spec, have_routes)
    plan = Plan()
    if state == "absent":
        for route in current:
            if matches(spec, route):
                plan.append(Op(netns, "route_del", "delete route %s" % route_text(route),
                               route=_delete_spec(route)))
        return plan
    if not current:
        plan.append(Op(netns, "route_add", "add route %s" % spec_text(spec), route=_send(spec)))
    elif len(current) > 1 or differences(spec, current[0]):
        plan.append(Op(netns, "route_replace", "replace route %s" % spec_text(spec),
                       route=_send(spec)))
    return plan


def _send(spec):
    """The spec as the route_add/route_replace handlers take it."""
    return dict((k, spec[k]) for k in ("dst", "gateway", "dev", "metric", "table", "src", "scope"))


def _delete_spec(route):
    """Delete the route that was read, as 'ip route del' does: protocol 0
    and scope nowhere match any; the nexthop is given unless the route has
    several (then the key alone removes it whole)."""
    spec = {"dst": ipaddress.ip_network(route["dst"], strict=False), "table": route["table"],
            "metric": route["metric"], "scope": "nowhere", "proto": 0}
    if not route.get("multipath"):
        spec["gateway"] = route.get("gateway")
        spec["dev"] = route.get("dev")
    return spec


# --------------------------------------------------------------------- texts


def _dst_text(dst):
    return "default" if dst.prefixlen == 0 and dst.version == 4 else str(dst)


def _tail(family, gateway, dev, src, scope, metric, table):
    words = []
    if gateway:
        words.append("via %s" % gateway)
    if dev:
        words.append("dev %s" % dev)
    if src:
        words.append("src %s" % src)
    if scope:
        words.append("scope %s" % scope)
    if metric != DEFAULT_METRIC[family]:
        words.append("metric %d" % metric)
    if table != m.RT_TABLE_MAIN:
        words.append("table %d" % table)
    return (" " + " ".join(words)) if words else ""


def spec_text(spec):
    """'default via 10.0.0.1 dev ipvl0', as iproute2 would write it."""
    return _dst_text(spec["dst"]) + _tail(spec["dst"].version, spec["gateway"], spec["dev"],
                                          spec["src"], spec["scope"], spec["metric"],
                                          spec["table"])


def route_text(route):
    dst = ipaddress.ip_network(route["dst"], strict=False)
    return _dst_text(dst) + _tail(route["family"], route.get("gateway"), route.get("dev"),
                                  route.get("src"), None, route["metric"], route["table"])


# ------------------------------------------------------------------- results


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
    scope = spec["scope"]
    if scope is None and spec["dst"].version == 4:
        scope = "global" if spec["gateway"] else "link"
    return {
        "dst": str(spec["dst"]),
        "family": spec["dst"].version,
        "gateway": str(spec["gateway"]) if spec["gateway"] else None,
        "dev": spec["dev"] or dev,
        "metric": spec["metric"],
        "table": spec["table"],
        "src": str(spec["src"]) if spec["src"] else None,
        "scope": scope if spec["dst"].version == 4 else "global",
    }


# -------------------------------------------------------------------- engine


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

    have = name_routes(session.routes(spec["table"]), links)
    before = [r for r in find_route(spec, have) if state == "present" or matches(spec, r)]
    plan = plan_route(netns, spec, have, state)
    commands = converge(driver, plan, check_mode, p.get("rollback", True) is not False)
    if state == "absent":
        after = {}
    elif plan and not check_mode:
        found = find_route(spec, name_routes(session.routes(spec["table"]), links))
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
