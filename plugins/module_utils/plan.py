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
from ansible_collections.linuxnet.ipvlan.plugins.module_utils import tap
from ansible_collections.linuxnet.ipvlan.plugins.module_utils import vlan
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
    """An operation failed part-way; `done` lists what had been applied."""

    def __init__(self, cause, done):
        self.cause = cause
        self.done = done
        text = str(cause)
        if done:
            text += " (already applied: %s)" % "; ".join(done)
        else:
            text += " (nothing was changed)"
        super(PlanFailed, self).__init__(text)


def apply(driver, plan):
    """Carry out `plan` in order. Raises PlanFailed naming what ran."""
    done = []
    for op in plan:
        try:
            _HANDLERS[op.action](driver, op)
        except (KernelError, IpvlanError, OSError) as exc:
            if isinstance(exc, OSError):
                exc = kernel_error(op.line(), exc.errno or 0)
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


def _netns_add(driver, op):
    try:
        nsfs.create(op.args["name"])
    except OSError as exc:
        raise kernel_error(op.line(), exc.errno or 0)


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
    msg = m.link_new_bytes(name, a["kind"], parent, a["mode"], a["flags"], mtu=a.get("mtu"),
                           netns_fd=target_fd, up=a.get("up", False) and final is None)
    source.request(msg, m.RTM_NEWLINK, m.REQ_CREATE, op.text, _LINK_HINTS)
    target = driver.session(a["target_netns"])
    target.forget_name(name)
    if final is not None:
        index = target.index_of(name)
        target.request(m.link_set_bytes(index, ifname=final, up=a.get("up", False) or None),
                       m.RTM_NEWLINK, m.REQ_ACK, op.text, _LINK_HINTS)
        target.forget_name(name)
        target.forget_name(final)
    target.invalidate()


def _link_set(driver, op):
    a = op.args
    session = driver.session(op.netns)
    index = session.index_of(a["name"])
    to_netns = a.get("to_netns", op.netns)
    msg = m.link_set_bytes(index, kind=a.get("kind"), mode=a.get("mode"), flags=a.get("flags"),
                           mtu=a.get("mtu"), up=a.get("up"),
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
        session.request(m.link_del_bytes(index), m.RTM_DELLINK, m.REQ_ACK, op.text)
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
    session.request(m.addr_bytes(index, op.args["address"]), msg_type, flags, op.text, _ADDR_HINTS)
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
    session.request(m.route_bytes(spec, oif), msg_type, flags, op.text, _ROUTE_HINTS)
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
    "vlan_add": vlan.apply_add,
    "tap_set": tap.apply_set,
}
