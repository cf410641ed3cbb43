# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.ipvlan contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""IP addresses of one device, in the module's namespace or a named one.

An address is identified by its IP on the device: the same IP with another
prefix length is replaced (the kernel keeps at most one IPv6 entry per IP
and would refuse the add). With `exclusive`, every other address goes,
except IPv6 link-local ones, which the kernel manages.

IPv4 detail: deleting a primary address makes the kernel delete the
secondaries in its subnet too (unless promote_secondaries is set, and it is
not in a new namespace), and with the device's last IPv4 address it drops
every route through the device; routes with that address as source go as
well. Nothing the user did not mention is lost quietly: deletes run first,
secondaries before primaries; wanted addresses that shared a deleted
address's subnet are put back with 'replace' (add, or leave as is); the
dropped routes are put back exactly as they were read (after the adds, so
that their gateway is reachable again). What cannot be kept is refused
before anything changes, naming it: a secondary that is not declared (its
label, broadcast and lifetimes could not be restored), a route whose
gateway or source the new addresses no longer cover.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress

from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model import routes as rt
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model import validation as v
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model.errors import ValidationError
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model.names import kernels_own
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.ops.address import (
    AddrAdd,
    AddrDel,
    AddrReplace,
)
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.ops.base import Plan
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.ops.route import RouteReplace
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.ops.snapshot import Snapshot


# ------------------------------------------------------------------ planning


def _interface(value):
    return value if hasattr(value, "network") else ipaddress.ip_interface(value)


def plan_addresses(netns, dev, have_cidrs, want_cidrs, state, exclusive=False, routes=None,
                   field="addresses"):
    """Ops that bring the addresses of `dev` in `netns` to the wanted state.

    `have_cidrs`: the device's addresses now, in the kernel's dump order
    ('10.0.0.1/24' strings or ip_interface objects). `want_cidrs`: the
    declared ones (strings are validated; a missing prefix is /32 or /128).
    `routes`: the namespace's routes (route dicts with 'dev' names), so that
    the routes the kernel drops with an IPv4 address are put back (or the
    change refused); None when the caller manages them itself.
    Pure: reads nothing. Raises ValidationError (field `field`)."""
    v.choice(state, ("present", "absent"), "state")
    want = v.interface_addresses([str(x) for x in want_cidrs], "addresses")
    have = [_interface(x) for x in have_cidrs]
    want_by_ip = dict((w.ip, w) for w in want)

    deletes = []
    for h in have:
        w = want_by_ip.get(h.ip)
        if state == "absent":
            if w is not None:
                deletes.append(h)
        elif w is not None and w != h:
            deletes.append(h)  # another prefix length: replaced below
        elif w is None and exclusive and not kernels_own(h):
            deletes.append(h)
    plan = Plan()
    for h in reversed(deletes):  # IPv4 secondaries follow their primary in a dump
        plan.append(AddrDel.op(netns, dev, h))
    if state == "present":
        for w in want:
            if w not in have:
                plan.append(AddrAdd.op(netns, dev, w))
    dropped = _may_drop_with(have, deletes)
    lost = [h for h in dropped if h not in want]
    if lost:
        raise ValidationError(field, "deleting %s makes the kernel delete the secondary "
                                     "address(es) %s of the same subnet, which are not declared: "
                                     "declare them too (with state=present they are then added "
                                     "back, without label, broadcast or lifetimes), delete them "
                                     "first, or set net.ipv4.conf.<dev>.promote_secondaries=1"
                              % (", ".join(str(d) for d in deletes),
                                 ", ".join(str(x) for x in lost)))
    for h in dropped:
        plan.append(AddrReplace.op(netns, dev, h, "keep it: the kernel drops secondaries with "
                                                  "their primary"))
    if routes is not None:
        plan.extend(_keep_routes(netns, dev, have, deletes, dropped, want, state, routes, field))
    return plan


def _keep_routes(netns, dev, have, deletes, dropped, want, state, routes, field):
    """Put back the routes the kernel drops with deleted IPv4 addresses, or
    refuse when they could not work afterwards."""
    gone_v4 = [d for d in deletes if d.version == 4]
    if not gone_v4:
        return []
    remaining = [h for h in have if h.version == 4 and h not in deletes and h not in dropped]
    final = [h for h in have if h not in deletes] + \
        [w for w in want if state == "present" and w not in have]
    final_v4 = [x for x in final if x.version == 4]
    gone_ips = set(d.ip for d in gone_v4)
    ops, refused = [], []
    for route in routes:
        if route.get("family") != 4 or not rt.is_configured(route):
            continue
        by_src = route.get("src") and ipaddress.ip_address(route["src"]) in gone_ips
        by_dev = route.get("dev") == dev and not remaining
        if not (by_src or by_dev):
            continue
        text = rt.text(route)
        src = ipaddress.ip_address(route["src"]) if route.get("src") else None
        gateway = ipaddress.ip_address(route["gateway"]) if route.get("gateway") else None
        if src is not None and src in gone_ips and src not in set(x.ip for x in final):
            refused.append("%s (its source goes)" % text)
        elif route.get("dev") == dev and gateway is not None and \
                not any(gateway in x.network for x in final_v4):
            refused.append("%s (no address on %s covers its gateway any more)" % (text, dev))
        else:
            ops.append(RouteReplace.op(netns, route, "keep it: the kernel drops it with %s"
                                       % ", ".join(str(d) for d in gone_v4)))
    if refused:
        raise ValidationError(field, "deleting %s makes the kernel drop route(s) that could not "
                                     "be put back: %s; delete or change those routes first"
                              % (", ".join(str(d) for d in gone_v4), "; ".join(refused)))
    return ops


def _may_drop_with(have, deletes):
    """Remaining IPv4 addresses that follow a deleted one of the same subnet
    in dump order, i.e. that may be its secondaries."""
    out = []
    for i, h in enumerate(have):
        if h.version != 4 or h in deletes:
            continue
        if any(d.network == h.network for d in have[:i] if d in deletes):
            out.append(h)
    return out


def predict(netns, dev, have_cidrs, plan):
    """The device's addresses after `plan`, as CIDR strings (for check
    mode): what each op does to the snapshot of the device."""
    snapshot = Snapshot.of_device(netns, dev, [_interface(x) for x in have_cidrs])
    for op in plan:
        snapshot.applied(op)
    return [str(x) for x in snapshot.addresses(netns, dev)]
