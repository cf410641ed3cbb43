# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.ipvlan contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ipvlan_link module's engine: one ipvlan/ipvtap slave (planned by
planners/links.plan_link, the one planner of a slave).

Mode and flags belong to the master's port, not to a slave: every slave of a
master reports the same mode and flags, and changing one changes all. The
kernel (drivers/net/ipvlan, ipvlan_link_new) also sets the port's mode from
every new slave, L3 when the request names none, so adding a slave switches
its siblings. The engine therefore looks at a link's siblings before it
creates a slave or changes mode/flags, and refuses to switch them unless
`force` is set.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.linuxnet.ipvlan.plugins.module_utils.facts import leases
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.facts.masters import (
    parent_of,
    port_members,
)
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.kernel import devices
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model import abi
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model import validation as v
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model.errors import (
    ConflictError,
    NamespaceNotFound,
    ValidationError,
)
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model.names import label
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model.routes import name_routes
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.ops import preflight
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.ops.base import Plan
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.ops.link import LinkDel
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.ops.transaction import converge
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.planners import dhcp
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.planners import tap
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.planners.links import (
    check_master,
    dropped_going_down,
    plan_link,
)


ARGUMENT_SPEC = dict(
    name=dict(type="str", required=True),
    state=dict(type="str", default="present", choices=["present", "absent"]),
    kind=dict(type="str", default="ipvlan", choices=list(v.KINDS)),
    parent=dict(type="str"),
    parent_netns=dict(type="str"),
    netns=dict(type="str"),
    mode=dict(type="str", default="l3", choices=list(v.MODES)),
    flags=dict(type="str", default="bridge", choices=list(v.FLAGS)),
    mtu=dict(type="int"),
    up=dict(type="bool", default=True),
    tap=dict(type="dict", options=tap.OPTIONS),
    force=dict(type="bool", default=False),
    from_netns=dict(type="str"),
    rollback=dict(type="bool", default=True),
)


REQUIRED_IF = [("state", "present", ["parent"])]


def describe(link, master=None, master_netns=None, node=None):
    """A link as returned to the user; `node`, an ipvtap's character device
    (kernel/devices.read), else it is read now."""
    out = {
        "name": link["name"],
        "kind": link["kind"],
        "ifindex": link.get("ifindex"),
        "netns": link["netns"],
        "parent": master,
        "parent_netns": master_netns,
        "mode": link.get("mode"),
        "flags": link.get("flags"),
        "mtu": link.get("mtu"),
        "mac": link.get("mac"),
        "up": link.get("up"),
    }
    if link["kind"] == "ipvtap":
        if link.get("ifindex"):
            out["tap"] = devices.describe(link["ifindex"], node or devices.read(link["ifindex"],
                                                                                link["name"]))
        else:  # predicted in check mode: the index is the kernel's to choose
            out["tap"] = dict(devices.describe(0, node), path=None)
    return out


def _where(link):
    return "%s (%s)" % (link["name"], label(link["netns"]))


def plan_present(driver, p):
    """(plan, before, predicted, port_note, warnings) for state=present."""
    name = v.ifname(p["name"], "name")
    parent = v.ifname(p["parent"], "parent")
    pns = v.optional_netns(p.get("parent_netns"), "parent_netns")
    lns = v.optional_netns(p.get("netns"), "netns")
    if lns is None:
        lns = pns
    from_netns = p.get("from_netns")
    if from_netns is not None:
        from_netns = None if from_netns == "" else v.netns_name(from_netns, "from_netns")
    mtu = v.mtu(p.get("mtu"))
    want = {"name": name, "kind": p["kind"], "netns": lns, "master": parent,
            "master_netns": pns, "mode": p["mode"], "flags": p["flags"], "mtu": mtu,
            "up": p["up"]}
    want_tap = tap.normalize(p.get("tap"), p["kind"], "tap")

    msession = driver.session(pns, "parent_netns")
    lsession = driver.session(lns, "netns")
    master = msession.link(parent)
    check_master(msession, master, parent, pns, mtu)
    ours = (pns, master["ifindex"])

    existing = lsession.link(name)
    same = existing is not None and existing["kind"] in abi.IPVLAN_KINDS \
        and parent_of(driver, existing) == ours
    home = None
    given = p.get("from_netns") is not None
    source = from_netns if given else pns
    if existing is None and source != lns:
        # A link is identified by (namespace, name): slaves called eth0 in
        # many containers are different links. Moved are: a slave of this
        # master with this name in from_netns, or, without from_netns, in
        # the master's namespace (the HOWTO's 'ip link add', then a move).
        candidate = driver.session(source, "from_netns").link(name)
        if candidate is not None and candidate["kind"] in abi.IPVLAN_KINDS \
                and parent_of(driver, candidate) == ours:
            home = candidate
        elif given and candidate is not None:
            raise ValidationError("from_netns", "'%s' in namespace %s is not an ipvlan/ipvtap "
                                                "slave of '%s'; it is not moved"
                                  % (name, label(source), parent))

    dropped = None
    if existing is not None and existing.get("up") and not want["up"]:
        dropped = dropped_going_down(
            name, [a["address"] for a in lsession.addresses()
                   if a["ifindex"] == existing["ifindex"]],
            name_routes(lsession.routes(unicast=True), lsession.links()))
    plan = Plan()
    keep, _fresh = plan_link(plan, want, existing, same, home, "name", set_mode=True,
                             dropped=dropped)
    members = None
    port_note = None
    warnings = []
    if keep is None or (keep["mode"], keep["flags"]) != (want["mode"], want["flags"]):
        members = port_members(driver, pns, master["ifindex"], first=[lns])
        port_note = _port_check(master, pns, members, [x for x in (existing, home) if x],
                                want["mode"], want["flags"], p["force"])
    if keep is None and members is not None:
        moved_away = None if home is None else home["netns"]
        for other in members:
            if other["name"] == name and other["netns"] not in (lns, moved_away):
                warnings.append(
                    "%s %s of master '%s' stays in namespace %s: links are identified by "
                    "namespace and name, so a second one is created in %s. To move it "
                    "instead, set from_netns: %s"
                    % (other["kind"], name, parent, label(other["netns"]), label(lns),
                       other["netns"] or "''"))
    before = existing if existing is not None else home
    if keep is None:
        predicted = {"name": name, "kind": want["kind"], "netns": lns, "mode": want["mode"],
                     "flags": want["flags"], "mtu": mtu if mtu is not None else master.get("mtu"),
                     "up": want["up"], "mac": master.get("mac"), "ifindex": None}
        _plan_tap(plan, lns, name, want_tap, None, predicted)
        return plan, before, predicted, port_note, warnings
    predicted = dict(keep, mode=want["mode"], flags=want["flags"], up=want["up"])
    if keep["netns"] != lns:
        predicted.update(netns=lns, ifindex=None)
    if mtu is not None:
        predicted["mtu"] = mtu
    node = devices.read(keep["ifindex"], name) \
        if want["kind"] == "ipvtap" and keep["netns"] == lns else None
    _plan_tap(plan, lns, name, want_tap, node, predicted)
    return plan, before, predicted, port_note, warnings


def _plan_tap(plan, netns, name, want, node, predicted):
    """Apply `tap` to the link's /dev/tapN: a new or moved link has a new
    node (node None), whose path is known only when the plan runs."""
    if predicted["kind"] == "ipvtap":
        predicted["node"] = tap.predict(want, node)
    op = tap.plan(netns, name, want, node)
    if op is not None:
        plan.append(op)


def _port_check(master, pns, members, excluded, mode, flags, force):
    """Refuse (or, with force, describe) a mode/flags change that would hit
    sibling slaves of the same master (`excluded`: the link itself)."""
    skip = set((x["netns"], x["name"]) for x in excluded)
    siblings = [s for s in members if (s["netns"], s["name"]) not in skip]
    if not siblings:
        return None
    port = (siblings[0]["mode"], siblings[0]["flags"])
    if port == (mode, flags):
        return None
    names = ", ".join(_where(s) for s in siblings)
    if not force:
        raise ConflictError(
            "mode/flags: master '%s' (%s) is an ipvlan port in mode %s %s with slaves %s; "
            "mode and flags belong to the whole port, so %s %s would switch every one of "
            "them. Use mode %s flags %s, or force: true to switch the port"
            % (master["name"], label(pns), port[0], port[1], names, mode, flags,
               port[0], port[1]))
    return {"master": master["name"], "master_netns": pns, "from": "%s %s" % port,
            "to": "%s %s" % (mode, flags), "siblings": [_where(s) for s in siblings]}


def plan_absent(driver, p):
    name = v.ifname(p["name"], "name")
    netns = v.optional_netns(p.get("netns"), "netns")
    if p.get("netns") is None:
        netns = v.optional_netns(p.get("parent_netns"), "parent_netns")
    try:
        link = driver.session(netns).link(name)
    except NamespaceNotFound:
        link = None  # the namespace is gone, and the link with it
    plan = Plan()
    if link is None:
        return plan, None
    if link["kind"] not in abi.IPVLAN_KINDS:
        raise ValidationError("name", "'%s' in namespace %s is a %s, not an ipvlan/ipvtap "
                                      "link; refusing to remove it"
                              % (name, label(netns), link["kind"] or "physical device"))
    plan.append(LinkDel.op(netns, name, link["kind"]))
    return plan, link


def _stop_clients(plan):
    """`plan` with the DHCP client ipvlan_topology started for a link
    stopped (releasing its lease) before the link is deleted, recreated or
    moved, so that no client is left behind."""
    records = leases.clients()
    if not records:
        return plan
    return Plan(dhcp.stop_before_removals(plan, records)[0])


def engine(driver, p, check_mode, warn=None):
    """ipvlan_link's engine; what it warns about goes to `warn` (the
    module's module.warn), if given."""
    rollback = p.get("rollback", True) is not False
    if p["state"] == "absent":
        plan, before = plan_absent(driver, p)
        plan = _stop_clients(plan)
        commands = converge(driver, plan, check_mode, rollback)
        return {"changed": bool(plan), "commands": commands, "link": {},
                "diff": {"before": _diffable(before), "after": {}}}

    plan, before, predicted, port_note, warnings = plan_present(driver, p)
    plan = _stop_clients(plan)
    preflight.check_plan(driver, plan, lambda option, value: option)
    commands = converge(driver, plan, check_mode, rollback)
    pns = v.optional_netns(p.get("parent_netns"))
    after, node = predicted, predicted.get("node")
    if plan and not check_mode:
        after = driver.session(predicted["netns"]).fetch_link(predicted["name"])
        node = None  # read it now
    link = describe(after, p["parent"], pns, node)
    result = {"changed": bool(plan), "commands": commands, "link": link,
              "diff": {"before": _diffable(before, p["parent"], pns), "after": link}}
    if port_note is not None:
        result["port_changed"] = port_note
    if warn is not None:
        for warning in warnings:
            warn(warning)
    return result


def _diffable(link, master=None, master_netns=None):
    return describe(link, master, master_netns) if link else {}
