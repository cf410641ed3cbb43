# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.ipvlan contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Domain errors, and the one place that turns kernel errno values into
messages a user can act on: the generic advice per errno (_ADVICE) and the
more specific advice per kind of operation (HINTS), which kernel_error()
puts after the operation's text.

Engine code raises these; only a module's main() (through
module_utils.runner) turns them into fail_json.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import errno

# ENOTSUPP is a kernel-internal errno (524) that leaks to user space through
# netlink; Python's errno module does not know it.
ENOTSUPP = 524


class IpvlanError(Exception):
    """Base class: every error the engine raises on purpose."""


class ValidationError(IpvlanError):
    """Bad input, found before anything was changed."""

    def __init__(self, field, reason):
        self.field = field
        self.reason = reason
        super(ValidationError, self).__init__("%s: %s" % (field, reason))


class NamespaceNotFound(IpvlanError):
    def __init__(self, name, field="netns", why=None):
        """`why`: what is in the way instead of the usual 'does not exist'."""
        self.name = name
        self.field = field
        super(NamespaceNotFound, self).__init__(
            "%s: %s" % (field, why or "network namespace '%s' does not exist (no /run/netns/%s); "
                                      "create it first (linuxnet.ipvlan.netns or 'ip netns add "
                                      "%s')" % (name, name, name)))


def not_a_namespace(name):
    """Why /run/netns/NAME, a file that is no namespace, is in the way."""
    return ("/run/netns/%s exists but is not a network namespace (a stale entry, e.g. from an "
            "interrupted 'ip netns add'); remove it with 'ip netns del %s' or "
            "linuxnet.ipvlan.netns state=absent" % (name, name))


class ConflictError(IpvlanError):
    """The wanted state contradicts the kernel's state in a way the user must
    decide about (for example, the port's mode is shared with siblings)."""


class KernelError(IpvlanError):
    """The kernel refused an operation."""

    def __init__(self, operation, code, message):
        self.operation = operation
        self.code = code
        super(KernelError, self).__init__(message)


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


# errno -> generic advice. The operation text is put in front of it; callers
# can give a more specific hint per errno (see kernel_error()).
_ADVICE = {
    errno.EEXIST: "an object with that name or key already exists",
    errno.ENODEV: "the device does not exist (any more) in that namespace; "
                  "check the device name and namespace",
    errno.EBUSY: "the master device is already in use by a bridge, bond, "
                 "macvlan or another rx handler ('Device is already in use'); "
                 "use a free device as master or remove it from the bridge/bond",
    errno.EADDRINUSE: "the address is already assigned to another ipvlan "
                      "device on the same master, possibly in another "
                      "namespace; use distinct addresses per slave",
    errno.EINVAL: "the kernel rejected the request as invalid (for ipvlan: "
                  "the master must be an Ethernet-type device, not loopback; "
                  "mode/flags must be valid)",
    errno.EPERM: "operation not permitted: CAP_NET_ADMIN is needed in the "
                 "namespaces involved; run the task with become: true",
    errno.EACCES: "permission denied: run the task with become: true",
    ENOTSUPP: "not supported by this kernel (mode l3s needs a kernel built "
              "with CONFIG_IPVLAN_L3S); use mode l3 or another kernel",
    errno.EOPNOTSUPP: "operation not supported by this kernel or device",
    errno.ENETUNREACH: "the gateway is not reachable: no connected subnet on "
                       "the device covers it; add an address in the "
                       "gateway's subnet first",
    errno.ESRCH: "no such object (the route or entry was not found)",
    errno.EADDRNOTAVAIL: "the address is not assigned to that device",
    errno.ENOENT: "no such object (a namespace, device or route is missing)",
    errno.EAFNOSUPPORT: "address family not supported (is IPv6 disabled?)",
    errno.ERANGE: "value out of range (for example an MTU the master "
                  "or device cannot carry)",
}


_NO_8021Q = "this kernel has no 802.1Q VLAN support (CONFIG_VLAN_8021Q; 'modprobe 8021q')"

# kind of operation -> errno -> what to do. The operations (ops/) name
# their group; a few messages with values in them are templates (TAP).
HINTS = {
    "link": {
        errno.EEXIST: "a device with that name already exists in the target namespace; "
                      "choose another name or remove that device",
        errno.EINVAL: "the kernel refused the ipvlan link: the master must be an "
                      "Ethernet-type device (not loopback, not a tun/wireguard device)",
        errno.ENODEV: "the master device does not exist in its namespace",
        errno.EOPNOTSUPP: "this kernel has no ipvlan/ipvtap support (CONFIG_IPVLAN, "
                          "CONFIG_IPVTAP); load it with 'modprobe ipvlan' / 'modprobe "
                          "ipvtap' or use a kernel that has it",
    },
    "address": {
        errno.EADDRINUSE: "the address is already assigned to another ipvlan slave of "
                          "the same master (possibly in another namespace); an ipvlan "
                          "port needs distinct addresses per slave",
        errno.EEXIST: "the address is already assigned to this device",
        errno.EACCES: "IPv6 is disabled on this device (net.ipv6.conf.<dev>.disable_ipv6=1)",
    },
    "route": {
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
    },
    "ipv6": {
        errno.EINVAL: "the kernel refused the address generation mode; stable_privacy needs "
                      "net.ipv6.conf.default.stable_secret (or the device's) to be set first",
        errno.EAFNOSUPPORT: "the device has no IPv6 state: IPv6 is off on this host "
                            "(ipv6.disable=1) or the device cannot carry it",
        errno.ENOENT: "no /proc/sys/net/ipv6/conf/{name}: the device is gone, or IPv6 is off "
                      "on this host (ipv6.disable=1)",
    },
    "vlan": {
        errno.EEXIST: "a device with that name already exists in that namespace",
        errno.EOPNOTSUPP: _NO_8021Q,
        errno.EPROTONOSUPPORT: _NO_8021Q,
    },
    "tap": {
        errno.ENOENT: "the kernel made no {node}: /dev is not devtmpfs, or another ipvtap in "
                      "another namespace holds index {index}",
        errno.ENODEV: "{node} is not an ipvtap character device; it is left untouched",
        errno.EBUSY: "{node} is the device of ipvtap '{holder}' in another namespace with the "
                     "same index {index}; the kernel made none for '{name}'. It is left "
                     "untouched",
    },
}


def hints(group, **values):
    """The errno advice of `group` (a key of HINTS), its templates filled
    in with `values`."""
    return dict((code, text.format(**values) if values else text)
                for code, text in HINTS[group].items())


def missing_kind(kind):
    """Why a plan that creates links of `kind` cannot run on this kernel."""
    if kind == "ipvlan":
        return ("this kernel has no ipvlan support (CONFIG_IPVLAN): the kernel answered "
                "EOPNOTSUPP for kind ipvlan; load it with 'modprobe ipvlan' or use a kernel "
                "that has it")
    if kind == "ipvtap":
        return ("this kernel has no ipvtap support (CONFIG_IPVTAP): the kernel answered "
                "EOPNOTSUPP for kind ipvtap; load it with 'modprobe ipvtap' or use a kernel "
                "that has it")
    return "the kernel does not know link kind %s" % kind


def describe_errno(code):
    """A short human text for an errno value, including unknown ones."""
    if code in _ADVICE:
        return _ADVICE[code]
    try:
        import os
        return os.strerror(code)
    except (ValueError, OverflowError):
        return "error %s" % code


def kernel_error(operation, code, hints=None):
    """Build a KernelError for `operation` (a readable text such as
    "ns0: add ipvlan ipvl0 on eth0") failing with errno `code`.

    `hints` maps errno values to a more specific sentence for this operation
    (hints(group) gives those of a kind of operation).
    """
    name = errno.errorcode.get(code, "ENOTSUPP" if code == ENOTSUPP else str(code))
    text = (hints or {}).get(code) or describe_errno(code)
    return KernelError(operation, code, "%s failed (%s): %s" % (operation, name, text))
