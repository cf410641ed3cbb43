# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.ipvlan contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""ipvlan/ipvtap links: reading ports across namespaces and planning one link.

Mode and flags belong to the master's port, not to a slave: every slave of a
master reports the same mode and flags, and changing one changes all. The
kernel (drivers/net/ipvlan, ipvlan_link_new) also sets the port's mode from
every new slave, L3 when the request names none, so adding a slave switches
its siblings. Planning therefore looks at a link's siblings before it
creates a slave or changes mode/flags.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.linuxnet.ipvlan.plugins.module_utils import messages as m
from ansible_collections.linuxnet.ipvlan.plugins.module_utils import ports
from ansible_collections.linuxnet.ipvlan.plugins.module_utils import preflight
from ansible_collections.linuxnet.ipvlan.plugins.module_utils import tap
from ansible_collections.linuxnet.ipvlan.plugins.module_utils import validation as v
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.driver import label
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.errors import (
    ConflictError,
    NamespaceNotFound,
    ValidationError,
)
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.plan import Op, Plan
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.transaction import converge

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


# ------------------------------------------------------------------- reading


parent_of = ports.parent_of  # the one master resolver, as (netns, ifindex)
port_members = ports.port_members  # the one list of a port's slaves


def describe(link, master=None, master_netns=None, node=None):
    """A link as returned to the user; `node`, an ipvtap's character device
    (tap.read), else it is read now."""
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
            out["tap"] = tap.describe(link["ifindex"], node or tap.read(link["ifindex"], link["name"]))
        else:  # predicted in check mode: the index is the kernel's to choose
            out["tap"] = dict(tap.describe(0, node), path=None)
    return out


def _where(link):
    return "%s (%s)" % (link["name"], label(link["netns"]))


# ------------------------------------------------------------------ planning


def check_master(session, master, parent, pns, mtu):
    where = "namespace %s" % label(pns)
    if master is None:
        raise ValidationError("parent", "device '%s' not found in %s" % (parent, where))
    if master["kind"] in m.IPVLAN_KINDS:
        raise ValidationError("parent", "'%s' is itself an %s slave; name its master as "
                                        "parent (the kernel would use the master anyway)"
                              % (parent, master["kind"]))
    if master["type"] == m.ARPHRD_LOOPBACK:
        raise ValidationError("parent", "'%s' is a loopback device; an ipvlan master must "
                                        "be an Ethernet-type device" % parent)
    if master["type"] != m.ARPHRD_ETHER:
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


def plan_link(plan, want, existing, same_master, home, field, set_mode=False, settings=None):
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
    so that nothing (IPv6 autoconfiguration) happens in between."""
    name, target = want["name"], want["netns"]
    if existing is not None and existing["kind"] not in m.IPVLAN_KINDS:
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
            plan.append(Op(target, "link_set", "set link %s up" % name, name=name, up=True))
        return None, True
    up_now = keep["up"]
    moved = keep["netns"] != target
    if moved:
        plan.append(Op(keep["netns"], "link_set", "move link %s to netns %s" % (name, label(target)),
                       name=name, to_netns=target))
        up_now = False  # a move takes the link down
    if settings is not None:
        plan.extend(settings(None if moved else keep))
    changes, words = {}, []
    if set_mode and (keep["mode"], keep["flags"]) != (want["mode"], want["flags"]):
        changes.update(kind=want["kind"], mode=want["mode"], flags=want["flags"])
        words.append("mode %s %s" % (want["mode"], want["flags"]))
    if want["mtu"] is not None and keep.get("mtu") != want["mtu"]:
        changes["mtu"] = want["mtu"]
        words.append("mtu %d" % want["mtu"])
    if up_now != want["up"]:
        changes["up"] = want["up"]
        words.append("up" if want["up"] else "down")
    if changes:
        plan.append(Op(target, "link_set", "set link %s %s" % (name, " ".join(words)),
                       name=name, **changes))
    return keep, moved


def _delete(plan, link, netns, why):
    plan.append(Op(netns, "link_del", "delete %s %s (%s)" % (link["kind"], link["name"], why),
                   name=link["name"]))


def _add(plan, want, up):
    text = "add %s %s link %s mode %s %s" % (want["kind"], want["name"], want["master"],
                                             want["mode"], want["flags"])
    if want["mtu"] is not None:
        text += " mtu %d" % want["mtu"]
    if want["netns"] != want["master_netns"]:
        text += " netns %s" % label(want["netns"])
    plan.append(Op(want["master_netns"], "link_add", text + (" up" if up else ""),
                   name=want["name"], kind=want["kind"], parent=want["master"],
                   parent_netns=want["master_netns"], target_netns=want["netns"],
                   mode=want["mode"], flags=want["flags"], mtu=want["mtu"], up=up))


def check_mtu(value, field="mtu"):
    if value is not None and not 68 <= value <= 65535:
        raise ValidationError(field, "%d is outside 68..65535" % value)
    return value


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
    mtu = check_mtu(p.get("mtu"))
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
    same = existing is not None and existing["kind"] in m.IPVLAN_KINDS \
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
        if candidate is not None and candidate["kind"] in m.IPVLAN_KINDS \
                and parent_of(driver, candidate) == ours:
            home = candidate
        elif given and candidate is not None:
            raise ValidationError("from_netns", "'%s' in namespace %s is not an ipvlan/ipvtap "
                                                "slave of '%s'; it is not moved"
                                  % (name, label(source), parent))

    plan = Plan()
    keep, _fresh = plan_link(plan, want, existing, same, home, "name", set_mode=True)
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
    node = tap.read(keep["ifindex"], name) \
        if want["kind"] == "ipvtap" and keep["netns"] == lns else None
    _plan_tap(plan, lns, name, want_tap, node, predicted)
    return plan, before, predicted, port_note, warnings


def _plan_tap(plan, netns, name, want, node, predicted):
    """Apply `tap` to the link's /dev/tapN: a new or moved link has a new
    node (node None), whose path is known only when the plan runs."""
    if predicted["kind"] == "ipvtap":
        predicted["node"] = tap.predict(want, node)
    change = tap.changes(want, node)
    if change is not None:
        plan.append(Op(netns, "tap_set", "set tap of %s %s" % (name, change[1]), name=name,
                       **change[0]))


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
    if link["kind"] not in m.IPVLAN_KINDS:
        raise ValidationError("name", "'%s' in namespace %s is a %s, not an ipvlan/ipvtap "
                                      "link; refusing to remove it"
                              % (name, label(netns), link["kind"] or "physical device"))
    plan.append(Op(netns, "link_del", "delete %s %s" % (link["kind"], name), name=name))
    return plan, link


# -------------------------------------------------------------------- engine


def engine(driver, p, check_mode, warn=None):
    """ipvlan_link's engine; what it warns about goes to `warn` (the
    module's module.warn), if given."""
    rollback = p.get("rollback", True) is not False
    if p["state"] == "absent":
        plan, before = plan_absent(driver, p)
        commands = converge(driver, plan, check_mode, rollback)
        return {"changed": bool(plan), "commands": commands, "link": {},
                "diff": {"before": _diffable(before), "after": {}}}

    plan, before, predicted, port_note, warnings = plan_present(driver, p)
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
