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
not in a new namespace). Deletes run first, secondaries before primaries,
and wanted addresses that shared a deleted address's subnet are put back
with 'replace' (add, or leave as is).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress

from ansible_collections.linuxnet.ipvlan.plugins.module_utils import validation as v
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.driver import label
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.errors import (
    NamespaceNotFound,
    ValidationError,
)
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.plan import Op, Plan, converge

ARGUMENT_SPEC = dict(
    dev=dict(type="str", required=True),
    netns=dict(type="str"),
    addresses=dict(type="list", elements="str", default=[]),
    state=dict(type="str", default="present", choices=["present", "absent"]),
    exclusive=dict(type="bool", default=False),
)


# ------------------------------------------------------------------ planning


def _interface(value):
    return value if hasattr(value, "network") else ipaddress.ip_interface(value)


def _keeps_itself(iface):
    """Addresses `exclusive` never removes: IPv6 link-local."""
    return iface.version == 6 and iface.ip.is_link_local


def plan_addresses(netns, dev, have_cidrs, want_cidrs, state, exclusive=False):
    """Ops that bring the addresses of `dev` in `netns` to the wanted state.

    `have_cidrs`: the device's addresses now, in the kernel's dump order
    ('10.0.0.1/24' strings or ip_interface objects). `want_cidrs`: the
    declared ones (strings are validated; a missing prefix is /32 or /128).
    Pure: reads nothing. Raises ValidationError (field 'addresses')."""
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
        elif w is None and exclusive and not _keeps_itself(h):
            deletes.append(h)
    plan = Plan()
    for h in reversed(deletes):  # IPv4 secondaries follow their primary in a dump
        plan.append(_op(netns, "addr_del", "delete", h, dev))
    if state == "present":
        for w in want:
            if w not in have:
                plan.append(_op(netns, "addr_add", "add", w, dev))
    for h in _may_drop_with(have, deletes):
        op = _op(netns, "addr_replace", "replace", h, dev)
        op.text += " (keep it: the kernel drops secondaries with their primary)"
        plan.append(op)
    return plan


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


def _op(netns, action, verb, iface, dev):
    return Op(netns, action, "%s address %s dev %s" % (verb, iface, dev), dev=dev, address=iface)


def predict(have_cidrs, plan):
    """The device's addresses after `plan`, as CIDR strings (for check mode)."""
    out = [_interface(x) for x in have_cidrs]
    for op in plan:
        address = op.args.get("address")
        if op.action == "addr_del" and address in out:
            out.remove(address)
        elif op.action in ("addr_add", "addr_replace") and address not in out:
            out.append(address)
    return [str(x) for x in out]


# ------------------------------------------------------------------- reading


def device_addresses(session, ifindex):
    """CIDR strings on the device with `ifindex`, in dump order."""
    return [str(_interface(a["address"])) for a in session.addresses() if a["ifindex"] == ifindex]


def validate(p):
    """All fields, before anything is read or changed."""
    return dict(
        netns=v.optional_netns(p.get("netns"), "netns"),
        dev=v.ifname(p.get("dev"), "dev"),
        state=v.choice(p.get("state", "present"), ("present", "absent"), "state"),
        addresses=v.interface_addresses(p.get("addresses") or [], "addresses"),
        exclusive=bool(p.get("exclusive")),
    )


# -------------------------------------------------------------------- engine


def engine(driver, p, check_mode):
    w = validate(p)
    netns, dev = w["netns"], w["dev"]
    result = {"changed": False, "commands": [], "dev": dev, "netns": netns, "addresses": []}
    try:
        session = driver.session(netns, "netns")
        link = session.link(dev)
    except NamespaceNotFound:
        if w["state"] == "absent":
            result["diff"] = {"before": {}, "after": {}}
            return result  # the namespace is gone, and its addresses with it
        raise
    if link is None:
        if w["state"] == "absent":
            result["diff"] = {"before": {}, "after": {}}
            return result
        raise ValidationError("dev", "device '%s' not found in namespace %s"
                              % (dev, label(netns)))

    have = device_addresses(session, link["ifindex"])
    plan = plan_addresses(netns, dev, have, w["addresses"], w["state"], w["exclusive"])
    commands = converge(driver, plan, check_mode)
    if plan and not check_mode:
        after = device_addresses(session, link["ifindex"])
    else:
        after = predict(have, plan)
    result.update(changed=bool(plan), commands=commands, addresses=after,
                  diff={"before": _state(dev, netns, have), "after": _state(dev, netns, after)})
    return result


def _state(dev, netns, addresses):
    return {"dev": dev, "netns": netns, "addresses": list(addresses)}
