# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.ipvlan contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A route's identity, defaults and text: the rules every planner, the
rollback snapshot, the verification and the results share.

Two shapes carry a route:
- a spec (planners/routes.normalize): dst (ip_network), gateway and src
  (ip_address or None), dev, metric, table (ints), scope (a name, or None
  when not declared);
- a route dict (kernel/messages.parse_route, with 'dev' named): dst, gateway
  and src as text, family, scope as the kernel reports it, type, proto.
Every function here takes either.

Identity: the kernel replaces a route by (family, table, dst, metric); two
routes with that key cannot both exist. The metric is normalised: unset is
0 for IPv4 and 1024 for IPv6 (IP6_RT_PRIO_USER; the kernel turns an IPv6
metric 0 into 1024).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress

from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model import abi

DEFAULT_METRIC = {4: 0, 6: 1024}


def network(dst):
    return dst if hasattr(dst, "prefixlen") else ipaddress.ip_network(dst, strict=False)


def _address(value):
    if not value:
        return None
    return value if hasattr(value, "version") else ipaddress.ip_address(value)


def name_routes(routes, links):
    """Route dicts (as dumps give them) with 'dev' set to the name of their
    oif among `links` (None when unknown, or for a multipath route)."""
    names = dict((x["ifindex"], x["name"]) for x in links)
    return [dict(r, dev=names.get(r.get("oif"))) for r in routes]


def identity(route):
    """(family, table, dst network, metric): what the kernel replaces by."""
    dst = network(route["dst"])
    return (dst.version, route["table"], dst, route["metric"])


def whole(route):
    """The identity and the nexthop (gateway, dev, src): one route exactly."""
    return identity(route) + (_address(route.get("gateway")), route.get("dev"),
                              _address(route.get("src")))


def default_scope(version, gateway):
    """The scope the kernel gives a route added without one: global via a
    gateway (and every IPv6 route), link without."""
    return "global" if gateway or version == 6 else "link"


def is_configured(route):
    """A unicast route someone configured: not in the local table, not made
    by the kernel itself (connected subnets, link-local, RA), not multipath."""
    return (route.get("type") == abi.RTN_UNICAST
            and route.get("table") != abi.RT_TABLE_LOCAL
            and route.get("proto") not in abi.AUTOMATIC_PROTOCOLS
            and not route.get("multipath"))


def _dst_word(dst, gateway):
    return "default" if dst.prefixlen == 0 and (dst.version == 4 or gateway) else str(dst)


def text(route):
    """'default via 10.0.0.1 dev ipvl0', as iproute2 writes it: what is not
    the default (scope, metric, table main) is left out. The one text of a
    route, in `commands`, `rollback_commands` and messages alike."""
    dst = network(route["dst"])
    gateway = _address(route.get("gateway"))
    words = ["default" if dst.prefixlen == 0 and dst.version == 4 else str(dst)]
    if gateway:
        words.append("via %s" % gateway)
    if route.get("dev"):
        words.append("dev %s" % route["dev"])
    if route.get("src"):
        words.append("src %s" % _address(route["src"]))
    scope = route.get("scope")
    if scope and scope != default_scope(dst.version, gateway):
        words.append("scope %s" % scope)
    if route["metric"] != DEFAULT_METRIC[dst.version]:
        words.append("metric %d" % route["metric"])
    if route["table"] != abi.RT_TABLE_MAIN:
        words.append("table %d" % route["table"])
    return " ".join(words)


def as_config(route):
    """A route with only the keys that differ from what a route added with
    just dst and gateway gets (ipvlan_info's and gathered's `routes`): dst
    ('default' or a CIDR) always; gateway, metric, table (a number; main is
    omitted), src, scope when they differ. An IPv6 default route without
    gateway keeps dst '::/0', so that feeding it back does not make it IPv4."""
    dst = network(route["dst"])
    gateway = _address(route.get("gateway"))
    entry = {"dst": _dst_word(dst, gateway)}
    if gateway:
        entry["gateway"] = str(gateway)
    if route.get("metric") not in (None, DEFAULT_METRIC[dst.version]):
        entry["metric"] = route["metric"]
    if route.get("table") not in (None, abi.RT_TABLE_MAIN):
        entry["table"] = route["table"]
    if route.get("src"):
        entry["src"] = str(_address(route["src"]))
    if route.get("scope") not in (None, default_scope(dst.version, gateway)):
        entry["scope"] = route["scope"]
    return entry


def as_spec(route):
    """The spec of a route dict as it was read, protocol included: what
    sends exactly that route back (rollback, routes kept across an
    address change)."""
    return {"dst": network(route["dst"]), "gateway": _address(route.get("gateway")),
            "dev": route.get("dev"), "metric": route["metric"], "table": route["table"],
            "src": _address(route.get("src")), "scope": route.get("scope") or None,
            "proto": route.get("proto", abi.RTPROT_BOOT), "multipath": route.get("multipath")}


def as_read(spec):
    """The route dict (as dumps give them) that the kernel holds once `spec`
    was sent."""
    dst = network(spec["dst"])
    gateway = _address(spec.get("gateway"))
    return {"family": dst.version, "table": spec["table"], "dst": str(dst),
            "metric": spec["metric"], "gateway": str(gateway) if gateway else None,
            "dev": spec.get("dev"), "src": str(_address(spec["src"])) if spec.get("src") else None,
            "scope": spec.get("scope") or default_scope(dst.version, gateway),
            "type": abi.RTN_UNICAST, "proto": spec.get("proto", abi.RTPROT_BOOT),
            "multipath": False}


# IP6_RT_PRIO_ADDRCONF: the metric of the prefix route of an IPv6 address
CONNECTED_METRIC = {4: 0, 6: 256}


def connected(iface, dev):
    """The route dict of the prefix route the kernel adds with address
    `iface` (an ip_interface) on an up link `dev` (proto kernel, table main):
    None for a host address (/32, /128), which gets none."""
    if iface.network.prefixlen == iface.max_prefixlen:
        return None
    version = iface.version
    return {"family": version, "table": abi.RT_TABLE_MAIN, "dst": str(iface.network),
            "metric": CONNECTED_METRIC[version], "gateway": None, "dev": dev,
            "src": str(iface.ip) if version == 4 else None,
            "scope": "link" if version == 4 else "global", "type": abi.RTN_UNICAST,
            "proto": abi.RTPROT_KERNEL, "multipath": False}
