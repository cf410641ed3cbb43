# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.ipvlan contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A link's IPv6 settings (planners/ipv6.py plans them):
- addr_gen_mode: RTM_NEWLINK with IFLA_AF_SPEC / AF_INET6 /
  IFLA_INET6_ADDR_GEN_MODE (kernel/link_attrs.addr_gen_mode_msg).
- disable_ipv6, accept_ra: changelink does not take the configuration
  array, so they are written to /proc/sys/net/ipv6/conf/<dev>/ of the
  link's namespace. /proc/sys/net shows the namespace of the thread that
  opens the file, and the open file keeps it: the files are opened after
  setns(2) into the namespace (nsfs.entered) and written after coming back
  (verified on 6.1 and 6.18 kernels).
Both are read back from the link dump (IFLA_INET6_CONF, kernel/link_attrs).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import errno
import os

from ansible_collections.linuxnet.ipvlan.plugins.module_utils.kernel import link_attrs as la
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.kernel import messages as m
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.kernel import nsfs
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model.errors import (
    hints,
    kernel_error,
)
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.ops.base import Kind, Op

SYSCTL_DIR = "/proc/sys/net/ipv6/conf"
SYSCTLS = ("disable_ipv6", "accept_ra")  # what is written, in this order


def _was(snapshot, op):
    link = snapshot.link(op.netns, op.args["name"])
    return None if link is None else link.get("ipv6")


class Ipv6Sysctl(Kind):
    name = "ipv6_sysctl"

    @classmethod
    def op(cls, netns, name, values):
        """`values`: {"disable_ipv6": 0|1, "accept_ra": 0..2}, as written."""
        return Op(cls, netns, "set sysctl net.ipv6.conf.%s %s"
                  % (name, ", ".join("%s %d" % (key, values[key]) for key in SYSCTLS
                                     if key in values)), name=name, values=values)

    @classmethod
    def run(cls, driver, op):
        session = driver.session(op.netns)
        values = op.args["values"]
        paths = [(os.path.join(SYSCTL_DIR, op.args["name"], key), value)
                 for key, value in sorted(values.items())]
        files = []
        try:
            if op.netns is None:
                files = _open_all(paths)
            else:
                with nsfs.entered(driver.fd(op.netns), op.netns):
                    files = _open_all(paths)
        except OSError as exc:
            if exc.errno == errno.ENOENT and values == {"disable_ipv6": 1} \
                    and not _ipv6_in(driver, op.netns):
                return  # no IPv6 in the kernel at all: nothing to turn off
            raise kernel_error(op.line(), exc.errno or 0, hints("ipv6", name=op.args["name"]))
        try:
            for fd, value in files:
                try:
                    os.write(fd, ("%d\n" % value).encode())
                except OSError as exc:
                    raise kernel_error(op.line(), exc.errno or 0)
        finally:
            for fd, _value in files:
                os.close(fd)
        session.invalidate()

    @classmethod
    def inverse(cls, snapshot, driver, op):
        """The settings as they were (a link this run made or moved needs
        none: its deletion or move back undoes them)."""
        was = _was(snapshot, op)
        if not was:
            return []
        values = {}
        if "disable_ipv6" in op.args["values"]:
            values["disable_ipv6"] = 0 if was.get("enabled") else 1
        if "accept_ra" in op.args["values"] and was.get("accept_ra") is not None:
            values["accept_ra"] = was["accept_ra"]
        return [cls.op(op.netns, op.args["name"], values)] if values else []

    @classmethod
    def applied(cls, snapshot, op):
        link = snapshot.link(op.netns, op.args["name"])
        if link is not None and link.get("ipv6"):
            values = op.args["values"]
            if "disable_ipv6" in values:
                link["ipv6"]["enabled"] = not values["disable_ipv6"]
            if "accept_ra" in values:
                link["ipv6"]["accept_ra"] = values["accept_ra"]

    @classmethod
    def expect(cls, expected, op):
        values = op.args["values"]
        fields = {}
        if "disable_ipv6" in values:
            fields["ipv6.enabled"] = not values["disable_ipv6"]
        if "accept_ra" in values:
            fields["ipv6.accept_ra"] = values["accept_ra"]
        expected.link(op.netns, op.args["name"], **fields)


def _open_all(paths):
    files = []
    try:
        for path, value in paths:
            files.append((os.open(path, os.O_WRONLY | getattr(os, "O_CLOEXEC", 0)), value))
    except OSError:
        for fd, _value in files:
            os.close(fd)
        raise
    return files


def _ipv6_in(driver, netns):
    """Whether the namespace has IPv6 sysctls at all."""
    if netns is None:
        return os.path.isdir(SYSCTL_DIR)
    with nsfs.entered(driver.fd(netns), netns):
        return os.path.isdir(SYSCTL_DIR)


class Ipv6AddrGenMode(Kind):
    name = "ipv6_addr_gen_mode"

    @classmethod
    def op(cls, netns, name, mode):
        return Op(cls, netns, "set link %s addrgenmode %s" % (name, mode), name=name, mode=mode)

    @classmethod
    def run(cls, driver, op):
        session = driver.session(op.netns)
        index = session.index_of(op.args["name"])
        session.request(la.addr_gen_mode_msg(index, op.args["mode"]), m.RTM_NEWLINK, m.REQ_ACK,
                        op.text, hints("ipv6", name=op.args["name"]))
        session.invalidate()

    @classmethod
    def inverse(cls, snapshot, driver, op):
        was = _was(snapshot, op)
        if not was or was.get("addr_gen_mode") is None:
            return []
        return [cls.op(op.netns, op.args["name"], was["addr_gen_mode"])]

    @classmethod
    def applied(cls, snapshot, op):
        link = snapshot.link(op.netns, op.args["name"])
        if link is not None and link.get("ipv6"):
            link["ipv6"]["addr_gen_mode"] = op.args["mode"]

    @classmethod
    def expect(cls, expected, op):
        expected.link(op.netns, op.args["name"], **{"ipv6.addr_gen_mode": op.args["mode"]})
