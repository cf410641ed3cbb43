# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.ipvlan contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The plan: an ordered list of operations, as data.

Engines compare wanted with current state and return a Plan. The same Plan
feeds the `commands` result, `rendered`, diff and check mode, and apply()
carries it out through the driver. Operations name devices, not ifindexes:
indexes are resolved when the operation runs, so a plan can create a link and
then configure it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import binascii
import errno
import os

from ansible_collections.linuxnet.ipvlan.plugins.module_utils import messages as m
from ansible_collections.linuxnet.ipvlan.plugins.module_utils import nsfs
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.driver import label
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.errors import (
    IpvlanError,
    KernelError,
    kernel_error,
)


class Op(object):
    """One operation: in namespace `netns`, `action` with `args`.

    `text` is the readable form, e.g. "add address 10.0.0.10/24 dev ipvl0"."""

    __slots__ = ("netns", "action", "text", "args")

    def __init__(self, netns, action, text, **args):
        self.netns = netns
        self.action = action
        self.text = text
        self.args = args

    def line(self):
        return "%s: %s" % (label(self.netns), self.text)

    def __repr__(self):
        return "Op(%r)" % self.line()

    def __eq__(self, other):
        return isinstance(other, Op) and self.line() == other.line() and self.args == other.args

    def __ne__(self, other):
        return not self == other

    __hash__ = None


class Plan(list):
    def commands(self):
        return [op.line() for op in self]


class PlanFailed(IpvlanError):
    """An operation failed part-way (or the result was not what was wanted).

    `done` lists what had been applied, `failed` the operation that failed
    (None when verifying the result failed), `rolled_back` the applied
    operations that were undone (newest first), `rollback_commands` the
    inverse operations that ran, `not_restored` what could not be put back,
    each with the reason. `restored` is True when rollback ran and left the
    touched namespaces as they were read before the run."""

    def __init__(self, cause, done, failed=None, rolled_back=None, rollback_commands=None,
                 not_restored=None, rollback=False):
        self.cause = cause
        self.done = done
        self.failed = failed
        self.rolled_back = list(rolled_back or [])
        self.rollback_commands = list(rollback_commands or [])
        self.not_restored = list(not_restored or [])
        self.rollback = rollback
        self.restored = rollback and not self.not_restored
        text = str(cause)
        if not done:
            text += " (nothing was changed)"
        elif not rollback:
            text += " (already applied: %s)" % "; ".join(done)
        elif self.restored:
            text += " (rolled back: %s; the host is as it was)" % "; ".join(self.rolled_back)
        else:
            text += " (applied: %s; rolled back: %s; NOT restored: %s)" % (
                "; ".join(done), "; ".join(self.rolled_back) or "nothing",
                "; ".join("%s (%s)" % (x["what"], x["reason"]) for x in self.not_restored))
        super(PlanFailed, self).__init__(text)


def run_op(driver, op):
    """Carry out one operation; KernelError/IpvlanError on failure. Returns
    what the handler returns (EXISTED: a namespace someone else made)."""
    try:
        return _HANDLERS[op.action](driver, op)
    except OSError as exc:
        raise kernel_error(op.line(), exc.errno or 0)


def apply(driver, plan):
    """Carry out `plan` in order, without rollback. Raises PlanFailed naming
    what ran (transaction.execute is the one with rollback)."""
    done = []
    for op in plan:
        try:
            run_op(driver, op)
        except (KernelError, IpvlanError) as exc:
            raise PlanFailed(exc, done)
        done.append(op.line())
    return done


# ------------------------------------------------------------------ handlers
# Each takes (driver, op). They resolve names to indexes at run time and keep
# the sessions' name maps up to date.

_LINK_HINTS = {
    errno.EEXIST: "a device with that name already exists in the target namespace; "
                  "choose another name or remove that device",
    errno.EINVAL: "the kernel refused the ipvlan link: the master must be an "
                  "Ethernet-type device (not loopback, not a tun/wireguard device)",
    errno.ENODEV: "the master device does not exist in its namespace",
    errno.EOPNOTSUPP: "this kernel has no ipvlan/ipvtap support (CONFIG_IPVLAN, "
                      "CONFIG_IPVTAP); load it with 'modprobe ipvlan' / 'modprobe "
                      "ipvtap' or use a kernel that has it",
}


EXISTED = "existed"


def _netns_add(driver, op):
    name = op.args["name"]
    try:
        nsfs.create(name)
    except OSError as exc:
        if exc.errno == errno.EEXIST and nsfs.is_namespace(name):
            return EXISTED  # made meanwhile by someone else: it exists, as wanted
        if exc.errno == errno.EEXIST:
            raise kernel_error(op.line(), exc.errno, {errno.EEXIST: nsfs.not_a_namespace(name)})
        raise kernel_error(op.line(), exc.errno or 0)
    return None


def _netns_del(driver, op):
    driver.forget(op.args["name"])
    try:
        nsfs.remove(op.args["name"])
    except OSError as exc:
        if exc.errno != errno.ENOENT:
            raise kernel_error(op.line(), exc.errno or 0)


def _link_add(driver, op):
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
    source.request(msg, m.RTM_NEWLINK, m.REQ_CREATE, op.text, _LINK_HINTS)
    target = driver.session(a["target_netns"])
    target.forget_name(name)
    if final is not None:
        index = target.index_of(name)
        target.request(m.link_set(index, ifname=final, up=a.get("up", False) or None),
                       m.RTM_NEWLINK, m.REQ_ACK, op.text, _LINK_HINTS)
        target.forget_name(name)
        target.forget_name(final)
    target.invalidate()


def _link_set(driver, op):
    a = op.args
    session = driver.session(op.netns)
    index = session.index_of(a["name"])
    to_netns = a.get("to_netns", op.netns)
    msg = m.link_set(index, kind=a.get("kind"), mode=a.get("mode"), flags=a.get("flags"),
                     mtu=a.get("mtu"), up=a.get("up"), noarp=a.get("noarp"),
                     netns_fd=driver.fd(to_netns) if to_netns != op.netns else None)
    session.request(msg, m.RTM_NEWLINK, m.REQ_ACK, op.text, _LINK_HINTS)
    session.forget_name(a["name"])
    session.invalidate()
    if to_netns != op.netns and driver.has_session(to_netns):
        driver.session(to_netns).forget_name(a["name"])
        driver.session(to_netns).invalidate()


def _link_del(driver, op):
    session = driver.session(op.netns)
    index = session.index_of(op.args["name"], required=False)
    if index is not None:
        session.request(m.link_del(index), m.RTM_DELLINK, m.REQ_ACK, op.text)
    session.forget_name(op.args["name"])
    session.invalidate()


_ADDR_HINTS = {
    errno.EADDRINUSE: "the address is already assigned to another ipvlan slave of "
                      "the same master (possibly in another namespace); an ipvlan "
                      "port needs distinct addresses per slave",
    errno.EEXIST: "the address is already assigned to this device",
    errno.EACCES: "IPv6 is disabled on this device (net.ipv6.conf.<dev>.disable_ipv6=1)",
}


def _addr(driver, op, msg_type, flags):
    session = driver.session(op.netns)
    index = session.index_of(op.args["dev"])
    try:
        session.request(m.addr(index, op.args["address"]), msg_type, flags, op.text,
                        _ADDR_HINTS)
    except KernelError as exc:
        # missing_ok: a delete of an address the kernel may have removed itself
        if not (op.args.get("missing_ok") and exc.code == errno.EADDRNOTAVAIL):
            raise
    session.invalidate()


def _addr_add(driver, op):
    _addr(driver, op, m.RTM_NEWADDR, m.REQ_CREATE)


def _addr_del(driver, op):
    _addr(driver, op, m.RTM_DELADDR, m.REQ_ACK)


def _addr_replace(driver, op):
    """Add the address, or leave it as it is when it is there ('ip addr
    replace'); used to restore IPv4 secondaries after their primary went."""
    _addr(driver, op, m.RTM_NEWADDR, m.REQ_REPLACE)


_ROUTE_HINTS = {
    errno.ENETUNREACH: "the gateway is not on any subnet connected to the device; "
                       "add an address in the gateway's subnet on that device first",
    errno.EEXIST: "a route with that destination, table and metric already exists",
    errno.ESRCH: "the route does not exist",
    errno.EHOSTUNREACH: "no route to the IPv6 gateway: it is not on any subnet connected "
                        "to the device; add an address in the gateway's subnet first, or "
                        "use a link-local gateway with dev",
    errno.EACCES: "IPv6 is disabled on the route's device (disable_ipv6=1)",
    errno.EINVAL: "the kernel refused the route as invalid: src must be an address of "
                  "the namespace (an IPv6 one must have finished duplicate address "
                  "detection, not be tentative), and scope must suit the gateway",
}


def _route(driver, op, msg_type, flags):
    session = driver.session(op.netns)
    spec = op.args["route"]
    oif = session.index_of(spec["dev"]) if spec.get("dev") else None
    session.request(m.route(spec, oif), msg_type, flags, op.text, _ROUTE_HINTS)
    session.invalidate()


def _route_add(driver, op):
    _route(driver, op, m.RTM_NEWROUTE, m.REQ_CREATE)


def _route_replace(driver, op):
    _route(driver, op, m.RTM_NEWROUTE, m.REQ_REPLACE)


def _route_del(driver, op):
    _route(driver, op, m.RTM_DELROUTE, m.REQ_ACK)


_HANDLERS = {
    "netns_add": _netns_add,
    "netns_del": _netns_del,
    "link_add": _link_add,
    "link_set": _link_set,
    "link_del": _link_del,
    "addr_add": _addr_add,
    "addr_del": _addr_del,
    "addr_replace": _addr_replace,
    "route_add": _route_add,
    "route_replace": _route_replace,
    "route_del": _route_del,
}


def register_handlers(table):
    """Add handlers for actions planned outside this file ({action: handler},
    each taking (driver, op)): ipv6.py, host_access.py, vlan.py and tap.py
    register theirs when imported. An action
    that is already registered keeps its handler."""
    for action, handler in table.items():
        _HANDLERS.setdefault(action, handler)
