# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.ipvlan contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""IP addresses of a device: add, delete, and replace ('ip addr replace':
add, or leave as it is when it is there; used to keep IPv4 secondaries
that the kernel drops with their primary).

Deleting an address can make the kernel drop more: the IPv4 secondaries
of a primary, and the routes through a device left without addresses or
using it as source. The undo of a delete puts back what the snapshot says
was there (Snapshot.restore_l3)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import errno
import ipaddress

from ansible_collections.linuxnet.ipvlan.plugins.module_utils.kernel import messages as m
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model.errors import (
    KernelError,
    hints,
)
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.ops.base import Kind, Op, why

_HINTS = hints("address")


def _run(driver, op, msg_type, flags):
    session = driver.session(op.netns)
    index = session.index_of(op.args["dev"])
    try:
        session.request(m.addr(index, op.args["address"]), msg_type, flags, op.text, _HINTS)
    except KernelError as exc:
        # missing_ok: a delete of an address the kernel may have removed itself
        if not (op.args.get("missing_ok") and exc.code == errno.EADDRNOTAVAIL):
            raise
    session.invalidate()


class _Present(Kind):
    """What the adds share: the address is there afterwards."""

    verb = None
    flags = None  # of the RTM_NEWADDR request

    @classmethod
    def run(cls, driver, op):
        _run(driver, op, m.RTM_NEWADDR, cls.flags)

    @classmethod
    def op(cls, netns, dev, iface, reason=None):
        return Op(cls, netns, why("%s address %s dev %s" % (cls.verb, iface, dev), reason),
                  dev=dev, address=iface)

    @classmethod
    def inverse(cls, snapshot, driver, op):
        """Delete it; if it is the device's first IPv4 address, its delete
        makes the kernel drop the IPv4 routes through the device, which
        are then put back."""
        a = op.args
        have = snapshot.addresses(op.netns, a["dev"])
        if a["address"] in have:
            return []
        ops = [AddrDel.op(op.netns, a["dev"], a["address"])]
        if a["address"].version == 4 and not any(x.version == 4 for x in have):
            ops.extend(snapshot.restore_ipv4_routes(op.netns, a["dev"]))
        return ops

    @classmethod
    def applied(cls, snapshot, op):
        have = snapshot.space(op.netns)["addresses"].setdefault(op.args["dev"], [])
        if op.args["address"] not in have:
            have.append(op.args["address"])

    @classmethod
    def expect(cls, expected, op):
        expected.address(op.netns, op.args["dev"], op.args["address"])


class AddrAdd(_Present):
    name = "addr_add"
    verb = "add"
    flags = m.REQ_CREATE


class AddrReplace(_Present):
    name = "addr_replace"
    verb = "replace"
    flags = m.REQ_REPLACE


class AddrDel(Kind):
    name = "addr_del"
    already_done = (errno.EADDRNOTAVAIL, errno.ENOENT)

    @classmethod
    def op(cls, netns, dev, iface, reason=None, missing_ok=False):
        """`missing_ok`: the kernel may have removed it already (fine)."""
        args = {"dev": dev, "address": iface}
        if missing_ok:
            args["missing_ok"] = True
        return Op(cls, netns, why("delete address %s dev %s" % (iface, dev), reason), **args)

    @classmethod
    def run(cls, driver, op):
        _run(driver, op, m.RTM_DELADDR, m.REQ_ACK)

    @classmethod
    def inverse(cls, snapshot, driver, op):
        """Put it back (replace: there afterwards, whoever put it back
        first), then what the kernel dropped with it."""
        a = op.args
        return [AddrReplace.op(op.netns, a["dev"], a["address"])] + \
            snapshot.restore_l3(op.netns, a["dev"], skip=a["address"])

    @classmethod
    def applied(cls, snapshot, op):
        """Gone, and with it what the kernel drops: the routes with it as
        source, and with a device's last IPv4 address every IPv4 route
        through the device (fib_del_ifaddr, fib_disable_ip)."""
        dev, iface = op.args["dev"], op.args["address"]
        have = snapshot.space(op.netns)["addresses"].get(dev, [])
        if iface in have:
            have.remove(iface)
        last_v4 = iface.version == 4 and not any(x.version == 4 for x in have)
        routes = snapshot.routes(op.netns)
        routes[:] = [r for r in routes
                     if not (r.get("src") and ipaddress.ip_address(r["src"]) == iface.ip)
                     and not (last_v4 and r.get("dev") == dev and r.get("family") == 4)]

    @classmethod
    def expect(cls, expected, op):
        a = op.args
        if a.get("missing_ok"):
            expected.drop(("addr", op.netns, a["dev"], a["address"].ip))
        else:
            expected.address(op.netns, a["dev"], a["address"], present=False)
