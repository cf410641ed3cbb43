# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.ipvlan contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""ipvlan/ipvtap links: reading ports across namespaces and planning one link.

Mode and flags belong to the master's port, not to a slave: every slave of a
master reports the same mode and flags, and changing one changes all (see
shared/ipvlan-facts.md). Planning therefore looks at a link's siblings before
it creates a slave or changes mode/flags.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.linuxnet.ipvlan.plugins.module_utils import messages as m
from ansible_collections.linuxnet.ipvlan.plugins.module_utils import tap
from ansible_collections.linuxnet.ipvlan.plugins.module_utils import validation as v
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.driver import label
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.errors import (
    ConflictError,
    IpvlanError,
    NamespaceNotFound,
    ValidationError,
)
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.plan import Op, Plan
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.runner import converge

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
)
REQUIRED_IF = [("state", "present", ["parent"])]


# ------------------------------------------------------------------- reading


def parent_of(driver, link):
    """(netns, ifindex) of an ipvlan link's master, or None if unresolvable.

    IFLA_LINK is an index in the master's namespace; IFLA_LINK_NETNSID says
    which namespace that is, as an id local to the link's namespace."""
    if link.get("parent_nsid") is None:
        return _parent_by_mac(driver, link)
    session = driver.session(link["netns"])
    for candidate in [None] + driver.namespaces():
        if candidate == link["netns"]:
            continue
        try:
            nsid = session.nsid(driver.fd(candidate), candidate)
        except IpvlanError:  # gone, or a stale /run/netns entry
            continue
        if nsid == link["parent_nsid"]:
            return candidate, link["parent_index"]
    return None


def _parent_by_mac(driver, link):
    """The master of a slave whose dump names no namespace for it.

    ipvtap links carry no IFLA_LINK_NETNSID (its link ops lack get_link_net),
    so IFLA_LINK may be an index in any namespace, and the kernel omits
    IFLA_LINK altogether when it equals the slave's own index. A slave always
    has its master's MAC address: the master is the non-ipvlan device with
    that index and that MAC, looked for in the slave's namespace first."""
    index = link.get("parent_index") or link["ifindex"]
    for candidate in [link["netns"], None] + driver.namespaces():
        try:
            found = driver.session(candidate).link_by_index(index)
        except IpvlanError:  # gone, or a stale /run/netns entry
            continue
        if found is not None and found is not link and found["kind"] not in m.IPVLAN_KINDS \
                and found.get("mac") == link.get("mac"):
            return candidate, index
    return None


def port_members(driver, master_netns, master_index, first=None):
    """Every ipvlan/ipvtap slave of a master, in every namespace.

    The master's namespace is read first; `first` lists namespaces likely to
    hold slaves (read next)."""
    order = [master_netns] + list(first or []) + [None] + driver.namespaces()
    seen = set()
    members = []
    for netns in order:
        if netns in seen:
            continue
        seen.add(netns)
        for link in driver.session(netns).links():
            if link["kind"] not in m.IPVLAN_KINDS:
                continue
            if parent_of(driver, link) == (master_netns, master_index):
                members.append(link)
    return members


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


def _same_master(driver, link, pns, master):
    return parent_of(driver, link) == (pns, master["ifindex"])


def plan_present(driver, p):
    """(plan, before, predicted, port_note) for state=present."""
    name = v.ifname(p["name"], "name")
    parent = v.ifname(p["parent"], "parent")
    pns = v.optional_netns(p.get("parent_netns"), "parent_netns")
    lns = v.optional_netns(p.get("netns"), "netns")
    if lns is None:
        lns = pns
    if p.get("mtu") is not None and not 68 <= p["mtu"] <= 65535:
        raise ValidationError("mtu", "%d is outside 68..65535" % p["mtu"])
    kind, mode, flags, mtu, up = p["kind"], p["mode"], p["flags"], p.get("mtu"), p["up"]
    want_tap = tap.normalize(p.get("tap"), kind, "tap")

    msession = driver.session(pns, "parent_netns")
    lsession = driver.session(lns, "netns")
    master = msession.link(parent)
    check_master(msession, master, parent, pns, mtu)

    existing = lsession.link(name)
    if existing is not None and existing["kind"] not in m.IPVLAN_KINDS:
        raise ValidationError("name", "'%s' in namespace %s is a %s, not an ipvlan/ipvtap "
                                      "link; it is left untouched. Choose another name"
                              % (name, label(lns), existing["kind"] or "physical device"))
    members = None
    if existing is None and lns != pns:
        # A link is identified by (namespace, name): slaves called eth0 in
        # many containers are different links. The one exception is the
        # HOWTO's flow, 'ip link add' in the master's namespace and then a
        # move: a slave of this master with this name there is moved.
        candidate = msession.link(name)
        if candidate is not None and candidate["kind"] in m.IPVLAN_KINDS \
                and _same_master(driver, candidate, pns, master):
            existing = candidate

    plan = Plan()
    recreate = existing is not None and (
        existing["kind"] != kind or not _same_master(driver, existing, pns, master))
    if recreate:
        why = "kind" if existing["kind"] != kind else "parent"
        plan.append(Op(existing["netns"], "link_del", "delete %s %s (recreate: %s changed)"
                       % (existing["kind"], name, why), name=name))
    keep = existing if existing is not None and not recreate else None

    port_note = None
    if keep is None or (keep["mode"], keep["flags"]) != (mode, flags):
        if members is None:
            members = port_members(driver, pns, master["ifindex"], first=[lns])
        port_note = _port_check(master, pns, members, existing, mode, flags, p["force"])

    if keep is None:
        text = "add %s %s link %s mode %s %s" % (kind, name, parent, mode, flags)
        if mtu is not None:
            text += " mtu %d" % mtu
        if lns != pns:
            text += " netns %s" % lns
        plan.append(Op(pns, "link_add", text + (" up" if up else ""), name=name, kind=kind,
                       parent=parent, parent_netns=pns, target_netns=lns, mode=mode, flags=flags,
                       mtu=mtu, up=up))
        predicted = {"name": name, "kind": kind, "netns": lns, "mode": mode, "flags": flags,
                     "mtu": mtu if mtu is not None else master.get("mtu"), "up": up,
                     "mac": master.get("mac"), "ifindex": None}
        _plan_tap(plan, lns, name, want_tap, None, predicted)
        return plan, existing, predicted, port_note

    predicted = dict(keep)
    current_up = keep["up"]
    if keep["netns"] != lns:
        plan.append(Op(keep["netns"], "link_set", "move link %s to netns %s" % (name, lns),
                       name=name, to_netns=lns))
        current_up = False  # a move takes the link down
        predicted["netns"] = lns
        predicted["ifindex"] = None
    changes, words = {}, []
    if (keep["mode"], keep["flags"]) != (mode, flags):
        changes.update(kind=kind, mode=mode, flags=flags)
        words.append("mode %s %s" % (mode, flags))
    if mtu is not None and keep.get("mtu") != mtu:
        changes["mtu"] = mtu
        words.append("mtu %d" % mtu)
    if current_up != up:
        changes["up"] = up
        words.append("up" if up else "down")
    if changes:
        plan.append(Op(lns, "link_set", "set link %s %s" % (name, " ".join(words)),
                       name=name, **changes))
    predicted.update(mode=mode, flags=flags, up=up)
    if mtu is not None:
        predicted["mtu"] = mtu
    node = tap.read(keep["ifindex"], name) if kind == "ipvtap" and keep["netns"] == lns else None
    _plan_tap(plan, lns, name, want_tap, node, predicted)
    return plan, existing, predicted, port_note


def _plan_tap(plan, netns, name, want, node, predicted):
    """Apply `tap` to the link's /dev/tapN: a new or moved link has a new
    node (node None), whose path is known only when the plan runs."""
    if predicted["kind"] == "ipvtap":
        predicted["node"] = tap.predict(want, node)
    change = tap.changes(want, node)
    if change is not None:
        plan.append(Op(netns, "tap_set", "set tap of %s %s" % (name, change[1]), name=name,
                       **change[0]))


def _port_check(master, pns, members, existing, mode, flags, force):
    """Refuse (or, with force, describe) a mode/flags change that would hit
    sibling slaves of the same master."""
    siblings = [s for s in members
                if existing is None or (s["netns"], s["name"]) != (existing["netns"], existing["name"])]
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


def engine(driver, p, check_mode):
    if p["state"] == "absent":
        plan, before = plan_absent(driver, p)
        commands = converge(driver, plan, check_mode)
        return {"changed": bool(plan), "commands": commands, "link": {},
                "diff": {"before": _diffable(before), "after": {}}}

    plan, before, predicted, port_note = plan_present(driver, p)
    commands = converge(driver, plan, check_mode)
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
    return result


def _diffable(link, master=None, master_netns=None):
    return describe(link, master, master_netns) if link else {}
