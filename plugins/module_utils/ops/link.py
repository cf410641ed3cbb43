# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.ipvlan contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""ipvlan/ipvtap slaves: add, set (mode, MTU, up/down, NOARP, namespace),
delete.

Undoing them needs what the kernel does on its own around a port
(drivers/net/ipvlan/ipvlan_main.c):
- mode and flags belong to the port: a slave created with other ones than
  its port's switches the whole port (ipvlan_link_new() calls
  ipvlan_set_port_mode()), and deleting it leaves the port switched, so the
  undo of such an add sets the port back through a sibling (_port_back);
- a slave's IFF_NOARP ('ip link' shows NOARP) is the kernel's to set, from
  the port's mode, at two moments only: ipvlan_set_port_mode() sets it on
  every slave of the port when the mode becomes l3/l3s and clears it when
  it becomes l2, and ipvlan_open() does the same for one slave coming up.
  A slave created down gets neither (its creation changes the mode before
  the slave joins the port's list), so a down slave of an l3 port lacks
  NOARP until it first comes up. Undoing a mode change or an up/down
  therefore sets NOARP from the old mode, which need not be what the slave
  had: each such inverse sets it back as it was read (arp_restore()), and
  the snapshot's comparison checks it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import binascii
import os

from ansible_collections.linuxnet.ipvlan.plugins.module_utils.facts import masters
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.kernel import messages as m
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model import abi
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model.errors import hints
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model.names import LOOPBACK_V4, label
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.ops.address import AddrDel
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.ops.base import (
    Kind,
    NotRestorable,
    Op,
    why,
)

_HINTS = hints("link")


class LinkAdd(Kind):
    name = "link_add"

    @classmethod
    def op(cls, kind, name, master, master_netns, netns, mode, flags, mtu=None, up=False):
        text = "add %s %s link %s mode %s %s" % (kind, name, master, mode, flags)
        if mtu:
            text += " mtu %d" % mtu
        if netns != master_netns:
            text += " netns %s" % label(netns)
        return Op(cls, master_netns, text + (" up" if up else ""), name=name, kind=kind,
                  parent=master, parent_netns=master_netns, target_netns=netns, mode=mode,
                  flags=flags, mtu=mtu, up=bool(up))

    @classmethod
    def run(cls, driver, op):
        a = op.args
        source = driver.session(a["parent_netns"])
        parent = source.index_of(a["parent"])
        target_fd = None
        name = a["name"]
        final = None
        if a["target_netns"] != a["parent_netns"]:
            target_fd = driver.fd(a["target_netns"])
            if source.index_of(name, required=False) is not None:
                # Kernels before 2025 check the new name in the source namespace:
                # create under a temporary name, rename inside the target (as CNI).
                final, name = name, "ipvt" + binascii.hexlify(os.urandom(5)).decode()
        msg = m.link_new(name, a["kind"], parent, a["mode"], a["flags"], mtu=a.get("mtu"),
                         netns_fd=target_fd, up=a.get("up", False) and final is None)
        source.request(msg, m.RTM_NEWLINK, m.REQ_CREATE, op.text, _HINTS)
        target = driver.session(a["target_netns"])
        target.forget_name(name)
        target.invalidate()  # a session opened by the read has the old dumps
        if final is not None:
            _rename_temporary(target, name, final, a.get("up", False), op.text)

    @classmethod
    def inverse(cls, snapshot, driver, op):
        a = op.args
        return [LinkDel.op(a["target_netns"], a["name"], a["kind"])] + \
            _port_back(snapshot, driver, a)

    @classmethod
    def applied(cls, snapshot, op):
        a = op.args
        snapshot.space(a["target_netns"])["links"][a["name"]] = {
            "name": a["name"], "kind": a["kind"], "mode": a["mode"], "flags": a["flags"],
            "mtu": a.get("mtu"), "up": bool(a.get("up")), "type": abi.ARPHRD_ETHER,
            "master": (a["parent_netns"], a["parent"])}

    @classmethod
    def expect(cls, expected, op):
        a = op.args
        fields = {"kind": a["kind"], "mode": a["mode"], "flags": a["flags"],
                  "up": bool(a.get("up"))}
        if a.get("mtu") is not None:
            fields["mtu"] = a["mtu"]
        expected.link(a["target_netns"], a["name"], fresh=True, **fields)

    @classmethod
    def namespaces(cls, op):
        return (op.args["parent_netns"], op.args["target_netns"])

    @classmethod
    def needs(cls, op):
        out = [("kind", op.args["kind"])]
        if op.args["mode"] == "l3s":
            out.append(("mode", "l3s"))
        return out


class LinkSet(Kind):
    name = "link_set"

    @classmethod
    def op(cls, netns, name, reason=None, **changes):
        """Changes: mode (with kind and flags), mtu, up, noarp; or to_netns
        (a move, alone)."""
        # to_netns None is the host's namespace (a move back there), not unset
        changes = dict((k, v) for k, v in changes.items() if v is not None or k == "to_netns")
        if "to_netns" in changes:
            text = "move link %s to netns %s" % (name, label(changes["to_netns"]))
        else:
            words = []
            if "mode" in changes:
                words.append("mode %s %s" % (changes["mode"], changes["flags"]))
            if "mtu" in changes:
                words.append("mtu %d" % changes["mtu"])
            if "up" in changes:
                words.append("up" if changes["up"] else "down")
            if "noarp" in changes:
                words.append("arp %s" % ("off" if changes["noarp"] else "on"))
            text = "set link %s %s" % (name, " ".join(words))
        return Op(cls, netns, why(text, reason), name=name, **changes)

    @classmethod
    def port_op(cls, netns, via, kind, master, mode, flags):
        """The mode and flags of a whole port, set through one of its slaves."""
        return Op(cls, netns, "set port of %s mode %s %s (via %s; every slave of the port "
                  "follows)" % (master, mode, flags, via), name=via, kind=kind, mode=mode,
                  flags=flags)

    @classmethod
    def run(cls, driver, op):
        a = op.args
        session = driver.session(op.netns)
        index = session.index_of(a["name"])
        to_netns = a.get("to_netns", op.netns)
        msg = m.link_set(index, kind=a.get("kind"), mode=a.get("mode"), flags=a.get("flags"),
                         mtu=a.get("mtu"), up=a.get("up"), noarp=a.get("noarp"),
                         netns_fd=driver.fd(to_netns) if to_netns != op.netns else None)
        session.request(msg, m.RTM_NEWLINK, m.REQ_ACK, op.text, _HINTS)
        session.forget_name(a["name"])
        session.invalidate()
        if to_netns != op.netns and driver.has_session(to_netns):
            driver.session(to_netns).forget_name(a["name"])
            driver.session(to_netns).invalidate()

    @classmethod
    def inverse(cls, snapshot, driver, op):
        return _unset(snapshot, driver, op)

    @classmethod
    def applied(cls, snapshot, op):
        a = op.args
        link = snapshot.link(op.netns, a["name"])
        if link is None:
            return
        if a.get("to_netns", op.netns) != op.netns:
            snapshot.drop_link(op.netns, a["name"])
            snapshot.space(a["to_netns"])["links"][a["name"]] = dict(link, up=False,
                                                                     netns=a["to_netns"])
            return
        if a.get("up") is False and link.get("up"):
            snapshot.link_down(op.netns, a["name"])
        for key in ("mode", "flags", "mtu", "up", "noarp"):
            if a.get(key) is not None:
                link[key] = a[key]

    @classmethod
    def expect(cls, expected, op):
        a = op.args
        if a.get("to_netns", op.netns) != op.netns:
            expected.link_moved(op.netns, a["name"], a["to_netns"])
            return
        expected.link(op.netns, a["name"], **dict((k, a[k]) for k in ("mode", "flags", "mtu",
                                                                      "up", "noarp")
                                                  if a.get(k) is not None))

    @classmethod
    def namespaces(cls, op):
        return (op.netns, op.args.get("to_netns", op.netns))

    @classmethod
    def needs(cls, op):
        return [("mode", "l3s")] if op.args.get("mode") == "l3s" else []


class LinkDel(Kind):
    name = "link_del"

    @classmethod
    def op(cls, netns, name, kind, reason=None, master=None):
        """`master`: (netns, name) of a slave's master, when known: a
        rollback then creates the slave again without resolving it."""
        args = {"name": name}
        if master is not None:
            args.update(parent_netns=master[0], parent=master[1])
        return Op(cls, netns, why("delete %s %s" % (kind or "link", name), reason), **args)

    @classmethod
    def run(cls, driver, op):
        session = driver.session(op.netns)
        index = session.index_of(op.args["name"], required=False)
        if index is not None:
            session.request(m.link_del(index), m.RTM_DELLINK, m.REQ_ACK, op.text)
        session.forget_name(op.args["name"])
        session.invalidate()

    @classmethod
    def inverse(cls, snapshot, driver, op):
        return _recreate(snapshot, driver, op.netns, op.args["name"], op.args)

    @classmethod
    def applied(cls, snapshot, op):
        snapshot.drop_link(op.netns, op.args["name"])

    @classmethod
    def expect(cls, expected, op):
        expected.link_gone(op.netns, op.args["name"])


def _rename_temporary(target, temporary, final, up, text):
    """Give the link created as `temporary` in the `target` session its
    `final` name (and bring it up if asked). On failure the temporary link
    is deleted before the error goes on: a temporary name never outlives
    the run (the op's undo knows the final name only)."""
    index = target.index_of(temporary)
    try:
        target.request(m.link_set(index, ifname=final, up=up or None),
                       m.RTM_NEWLINK, m.REQ_ACK, text, _HINTS)
    except Exception:
        try:
            target.request(m.link_del(index), m.RTM_DELLINK, m.REQ_ACK,
                           "delete temporary link %s" % temporary)
        except Exception:  # pylint: disable=broad-except
            pass  # left behind: the rollback's comparison names it
        target.forget_name(temporary)
        target.invalidate()
        raise
    target.forget_name(temporary)
    target.forget_name(final)
    target.invalidate()


# ------------------------------------------------------------------ inverses


def _recreate(snapshot, driver, netns, name, args):
    link = snapshot.link(netns, name)
    if link is None:
        return []  # there was nothing to delete
    if link.get("kind") not in abi.IPVLAN_KINDS:
        raise NotRestorable("%s in %s is a %s; only ipvlan/ipvtap links are recreated"
                            % (name, label(netns), link.get("kind") or "device"))
    master = link.get("master")
    if master is None and args.get("parent") is not None:
        master = (args.get("parent_netns"), args["parent"])
    if master is None:
        found = masters.master_of(driver, dict(link, netns=netns))
        master = None if found is None else (found[0], found[1]["name"])
    if master is None:
        raise NotRestorable("the master of %s (%s) cannot be named, so it cannot be "
                            "created again" % (name, label(netns)))
    ops = [LinkAdd.op(link["kind"], name, master[1], master[0], netns, link["mode"],
                      link["flags"], mtu=link.get("mtu"), up=bool(link.get("up")))]
    # a slave created down gets no NOARP from the kernel, one created up
    # gets it from the mode (ipvlan_open)
    ops.extend(arp_restore(snapshot, driver, netns, link, kernel_sets=bool(link.get("up")) and
                           link["mode"] in abi.L3_MODES))
    return ops + snapshot.restore_l3(netns, name)


def _unset(snapshot, driver, op):
    a = op.args
    link = snapshot.link(op.netns, a["name"])
    if link is None:
        return []  # made by this run: its deletion undoes this too
    to_netns = a.get("to_netns", op.netns)
    if to_netns != op.netns:
        ops = [LinkSet.op(to_netns, a["name"], to_netns=op.netns)]
        if link.get("up"):
            ops.append(LinkSet.op(op.netns, a["name"], up=True))
            ops.extend(arp_restore(snapshot, driver, op.netns, link))
        return ops + snapshot.restore_l3(op.netns, a["name"])
    changes = {}
    if a.get("mode") is not None and (link.get("mode"), link.get("flags")) != (a["mode"],
                                                                               a["flags"]):
        changes.update(kind=link["kind"], mode=link["mode"], flags=link["flags"])
    if a.get("mtu") is not None and link.get("mtu") != a["mtu"] and link.get("mtu"):
        changes["mtu"] = link["mtu"]
    if a.get("up") is not None and bool(link.get("up")) != a["up"]:
        changes["up"] = bool(link.get("up"))
    if not changes:
        return []
    ops = [LinkSet.op(op.netns, a["name"], **changes)]
    port = a.get("mode") is not None and a["mode"] != link.get("mode")
    if port or "up" in changes:
        ops.extend(arp_restore(snapshot, driver, op.netns, link, port=port))
    if "up" in changes:
        # what the kernel drops with the link down: what this op's going
        # down dropped, or what the undo's does (IPv6 addresses added while
        # the link was down)
        ops.extend(snapshot.restore_l3(op.netns, a["name"], down=True))
    if link.get("type") == abi.ARPHRD_LOOPBACK and changes.get("up") is False:
        # lo coming up got 127.0.0.1/8 from the kernel; going down keeps it
        if LOOPBACK_V4 not in snapshot.space(op.netns)["addresses"].get(a["name"], []):
            ops.append(AddrDel.op(op.netns, "lo", LOOPBACK_V4, missing_ok=True))
    return ops


def _port_back(snapshot, driver, a):
    """After deleting a slave this run created: one of the siblings it had
    is set back to the port's mode and flags, which switches the port back,
    and each slave gets its NOARP back (arp_restore)."""
    if a["kind"] not in abi.IPVLAN_KINDS:
        return []
    key = (a["parent_netns"], a["parent"])
    if key not in snapshot.ports:
        # once per master and run, before its first add: the port as it
        # was (its siblings of this run are deleted by their own
        # inverses); once per add would scan every namespace N times
        master = driver.session(a["parent_netns"]).link(a["parent"])
        snapshot.ports[key] = [] if master is None else masters.port_members(
            driver, a["parent_netns"], master["ifindex"])
    siblings = snapshot.ports[key]
    if not siblings:
        return []
    first = siblings[0]
    if (first["mode"], first["flags"]) == (a["mode"], a["flags"]):
        return []
    ops = [LinkSet.op(first["netns"], first["name"], "the port's mode before the run",
                      kind=first["kind"], mode=first["mode"], flags=first["flags"])]
    if first["mode"] == a["mode"]:
        return ops  # flags only: the kernel leaves NOARP alone
    was = snapshot.link(first["netns"], first["name"]) or first
    return ops + arp_restore(snapshot, driver, first["netns"], was, port=True)


def arp_restore(snapshot, driver, netns, link, port=False, kernel_sets=None):
    """Ops that give IFF_NOARP back as it was read, after an inverse that
    brings `link` (in `netns`) back to its mode, or up or down: the kernel
    then sets it from the mode (or to `kernel_sets`), on `link` alone, or,
    with `port` (the mode of the port changes), on every slave of the port,
    in every namespace (see the module's docstring). Nothing for a link
    that is not an ipvlan/ipvtap slave."""
    if link.get("kind") not in abi.IPVLAN_KINDS:
        return []
    if kernel_sets is None:
        kernel_sets = link.get("mode") in abi.L3_MODES
    members = [dict(link, netns=netns)]
    if port:
        live = driver.session(netns).link(link["name"])
        found = None if live is None else masters.parent_of(driver, dict(live, netns=netns))
        members = [] if found is None else masters.port_members(driver, found[0], found[1])
    ops = []
    for member in members:
        where = member["netns"]
        if where in snapshot.spaces:  # read before the run; not there: made by it
            member = snapshot.link(where, member["name"])
            if member is None:
                continue
        was = member.get("noarp")
        if was is None or was == kernel_sets:
            continue
        ops.append(LinkSet.op(where, member["name"], "NOARP as before the run", noarp=was))
    return ops
