# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.ipvlan contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one planner of an ipvlan/ipvtap slave (ipvlan_link and
ipvlan_topology both plan their slaves here), and the check of its master.

Mode and flags belong to the master's port, not to a slave: every slave of a
master reports the same mode and flags, and changing one changes all. The
kernel (drivers/net/ipvlan, ipvlan_link_new) also sets the port's mode from
every new slave, so the callers look at a link's siblings before it is
created or its mode changes.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress

from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model import abi
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model import routes as rt
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model.errors import ValidationError
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model.names import kernels_own, label
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.ops.link import (
    LinkAdd,
    LinkDel,
    LinkSet,
)


# ------------------------------------------------------------------ planning


def check_master(session, master, parent, pns, mtu):
    where = "namespace %s" % label(pns)
    if master is None:
        raise ValidationError("parent", "device '%s' not found in %s" % (parent, where))
    if master["kind"] in abi.IPVLAN_KINDS:
        raise ValidationError("parent", "'%s' is itself an %s slave; name its master as "
                                        "parent (the kernel would use the master anyway)"
                              % (parent, master["kind"]))
    if master["type"] == abi.ARPHRD_LOOPBACK:
        raise ValidationError("parent", "'%s' is a loopback device; an ipvlan master must "
                                        "be an Ethernet-type device" % parent)
    if master["type"] != abi.ARPHRD_ETHER:
        raise ValidationError("parent", "'%s' is not an Ethernet-type device (link type %s); "
                                        "ipvlan cannot use it as master" % (parent, master["type"]))
    if master.get("master_index"):
        owner = session.link_by_index(master["master_index"])
        raise ValidationError("parent", "'%s' is enslaved to '%s' (a bridge or bond port); the "
                                        "kernel refuses it as ipvlan master (EBUSY). Use the "
                                        "bridge/bond itself or a free device"
                              % (parent, owner["name"] if owner else master["master_index"]))
    for link in session.links():
        if link["kind"] in ("macvlan", "macvtap") and link.get("parent_index") == master["ifindex"] \
                and link.get("parent_nsid") is None:
            raise ValidationError("parent", "'%s' already carries %s '%s'; a device cannot be "
                                            "master of both macvlan and ipvlan (EBUSY)"
                                  % (parent, link["kind"], link["name"]))
    if mtu is not None and master.get("mtu") and mtu > master["mtu"]:
        raise ValidationError("mtu", "%d is larger than the master's MTU %d; an ipvlan slave "
                                     "cannot exceed its master" % (mtu, master["mtu"]))


def dropped_going_down(name, addresses, routes):
    """What the kernel drops when link `name` goes down, as text: its IPv6
    addresses (unless net.ipv6.conf.<dev>.keep_addr_on_down is set; not the
    kernel's own link-local ones) and the configured routes through it.
    `addresses`: the link's ('fd00::5/64' or ip_interface); `routes`: its
    namespace's, with 'dev' names."""
    out = []
    for item in addresses:
        iface = ipaddress.ip_interface(item)
        if iface.version == 6 and not kernels_own(iface):
            out.append("address %s" % iface)
    out.extend("route %s" % rt.text(r) for r in routes
               if r.get("dev") == name and rt.is_configured(r))
    return out


def plan_link(plan, want, existing, same_master, home, field, set_mode=False, settings=None,
              dropped=None):
    """The one planner of a slave link, used by ipvlan_link and
    ipvlan_topology. Appends to `plan`; returns (kept, fresh): the slave
    that is kept (moved and/or corrected in place), or None when one is
    created; fresh is True when the link arrives in its namespace in this
    plan (created or moved: no addresses or routes there yet).

    `want`: name, kind, netns (where the link belongs), master,
    master_netns, mode, flags, mtu (None: not managed), up.
    `existing`: the device called `name` in `netns` now, or None.
    `same_master`: whether `existing` is a slave of the wanted master.
    `home`: a slave of the wanted master called `name` in another
    namespace that is to be moved into `netns`, or None; only looked at
    when nothing of that name is in `netns` (identity is namespace + name).
    Rules, here and nowhere else: a device that is not ipvlan/ipvtap is never
    touched (ValidationError on `field`); a slave of another master or of
    another kind is deleted and created again; moving takes a link down.

    `settings`: None, or a function of the link as it is (None when it is
    created or moved here: the kernel starts it with its namespace's
    defaults) returning the ops that give it the settings it declares
    (ipv6.plan_link). They run once the link is in its namespace and before
    it comes up: a link with settings is created down, set, then brought up,
    so that nothing (IPv6 autoconfiguration) happens in between.

    `dropped`: what the kernel drops if `existing` goes down
    (dropped_going_down()), named in the op that takes it down, so that
    commands, check mode and diff say it."""
    name, target = want["name"], want["netns"]
    if existing is not None and existing["kind"] not in abi.IPVLAN_KINDS:
        raise ValidationError(field, "'%s' in namespace %s is a %s, not an ipvlan/ipvtap "
                                     "link; it is left untouched. Choose another name"
                              % (name, label(target), existing["kind"] or "physical device"))
    keep = None
    candidate = existing if existing is not None else home
    if candidate is not None:
        if existing is not None and not same_master:
            _delete(plan, existing, target, "recreate: other master")
        elif candidate["kind"] != want["kind"]:
            _delete(plan, candidate, candidate["netns"], "recreate: kind changed")
        else:
            keep = candidate
    if keep is None:
        then = settings(None) if settings is not None else []
        _add(plan, want, up=want["up"] and not then)
        plan.extend(then)
        if then and want["up"]:
            plan.append(LinkSet.op(target, name, up=True))
        return None, True
    up_now = keep["up"]
    moved = keep["netns"] != target
    if moved:
        plan.append(LinkSet.op(keep["netns"], name, to_netns=target))
        up_now = False  # a move takes the link down
    if settings is not None:
        plan.extend(settings(None if moved else keep))
    changes = {}
    if set_mode and (keep["mode"], keep["flags"]) != (want["mode"], want["flags"]):
        changes.update(kind=want["kind"], mode=want["mode"], flags=want["flags"])
    if want["mtu"] is not None and keep.get("mtu") != want["mtu"]:
        changes["mtu"] = want["mtu"]
    reason = None
    if up_now != want["up"]:
        changes["up"] = want["up"]
        if not want["up"] and dropped:
            reason = "the kernel drops with it %s" % ", ".join(dropped)
    if changes:
        plan.append(LinkSet.op(target, name, reason, **changes))
    return keep, moved


def _delete(plan, link, netns, why):
    plan.append(LinkDel.op(netns, link["name"], link["kind"], why))


def _add(plan, want, up):
    plan.append(LinkAdd.op(want["kind"], want["name"], want["master"], want["master_netns"],
                           want["netns"], want["mode"], want["flags"], mtu=want["mtu"], up=up))


# -------------------------------------------------------------------- engine
