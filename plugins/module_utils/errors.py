# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.ipvlan contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Domain errors, and the one place that turns kernel errno values into
messages a user can act on.

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
    def __init__(self, name, field="netns"):
        self.name = name
        super(NamespaceNotFound, self).__init__(
            "%s: network namespace '%s' does not exist (no /run/netns/%s); "
            "create it first (linuxnet.ipvlan.netns or 'ip netns add %s')"
            % (field, name, name, name))


class ConflictError(IpvlanError):
    """The wanted state contradicts the kernel's state in a way the user must
    decide about (for example, the port's mode is shared with siblings)."""


class KernelError(IpvlanError):
    """The kernel refused an operation."""

    def __init__(self, operation, code, message):
        self.operation = operation
        self.code = code
        super(KernelError, self).__init__(message)


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

    `hints` maps errno values to a more specific sentence for this operation.
    """
    name = errno.errorcode.get(code, "ENOTSUPP" if code == ENOTSUPP else str(code))
    text = (hints or {}).get(code) or describe_errno(code)
    return KernelError(operation, code, "%s failed (%s): %s" % (operation, name, text))
