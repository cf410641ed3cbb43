# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.ipvlan contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A link's IPv6 settings: `ipv6: {enabled, accept_ra, addr_gen_mode}`.

CVE-2024-32473 was IPv6 appearing on ipvlan links nobody had configured for
it: a new link gets a link-local address as soon as it is up, and SLAAC
addresses from any router advertisement. `enabled: false` sets the device's
disable_ipv6 in its namespace, so it has no IPv6 address at all.

How each setting reaches the kernel, without running any program:
- addr_gen_mode: RTM_NEWLINK with IFLA_AF_SPEC / AF_INET6 /
  IFLA_INET6_ADDR_GEN_MODE (link_attrs.addr_gen_mode_msg).
- disable_ipv6, accept_ra: changelink does not take the configuration
  array, so they are written to /proc/sys/net/ipv6/conf/<dev>/ of the
  link's namespace. /proc/sys/net shows the namespace of the thread that
  opens the file, and the open file keeps it: the files are opened after
  setns(2) into the namespace (nsfs.entered) and written after coming back
  (verified on 6.1 and 6.18 kernels).
They are read back from the link dump (link_attrs: IFLA_INET6_CONF).

Ordering (links.plan_link, with these ops as its `settings`): a new link is created
down, configured, then brought up, so no link-local address or router
solicitation goes out first; a link moved to another namespace gets its
settings again after the move, which resets a device's per-namespace IPv6
configuration to the target namespace's defaults.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import errno
import os

from ansible_collections.linuxnet.ipvlan.plugins.module_utils import link_attrs as la
from ansible_collections.linuxnet.ipvlan.plugins.module_utils import messages as m
from ansible_collections.linuxnet.ipvlan.plugins.module_utils import nsfs
from ansible_collections.linuxnet.ipvlan.plugins.module_utils import plan as plan_mod
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.errors import (
    ValidationError,
    kernel_error,
)
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.plan import Op

OPTIONS = dict(
    enabled=dict(type="bool"),
    accept_ra=dict(type="int", choices=[0, 1, 2]),
    addr_gen_mode=dict(type="str", choices=list(la.ADDR_GEN_MODES)),
)
KEYS = ("enabled", "accept_ra", "addr_gen_mode")
SYSCTL_DIR = "/proc/sys/net/ipv6/conf"


# ---------------------------------------------------------------- validation


def normalize(value, link, where):
    """The declared settings of `link` (a normalised topology link) as
    {enabled, accept_ra, addr_gen_mode} with None for what is not managed,
    or None when nothing is. Raises ValidationError naming the field."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ValidationError(where, "must be a dictionary of %s" % ", ".join(KEYS))
    unknown = sorted(set(value) - set(KEYS))
    if unknown:
        raise ValidationError(where + "." + unknown[0], "is not one of %s" % ", ".join(KEYS))
    want = dict((k, value.get(k)) for k in KEYS)
    if want["enabled"] is not None and not isinstance(want["enabled"], bool):
        raise ValidationError(where + ".enabled", "must be true or false")
    if want["accept_ra"] is not None and want["accept_ra"] not in (0, 1, 2):
        raise ValidationError(where + ".accept_ra", "%r is not 0, 1 or 2" % (want["accept_ra"],))
    if want["addr_gen_mode"] is not None and want["addr_gen_mode"] not in la.ADDR_GEN_MODES:
        raise ValidationError(where + ".addr_gen_mode", "'%s' is not one of %s"
                              % (want["addr_gen_mode"], ", ".join(la.ADDR_GEN_MODES)))
    if want["enabled"] is False:
        link_where = where.rpartition(".")[0]
        for cidr in link["addresses"]:
            if cidr.version == 6:
                raise ValidationError(link_where + ".addresses",
                                      "%s is IPv6, but %s.enabled is false (disable_ipv6: the "
                                      "kernel refuses IPv6 addresses on the device)" % (cidr, where))
        for k, spec in enumerate(link["routes"]):
            if spec["dst"].version == 6:
                raise ValidationError("%s.routes[%d]" % (link_where, k),
                                      "an IPv6 route, but %s.enabled is false" % where)
    if all(want[k] is None for k in KEYS):
        return None
    return want


# ------------------------------------------------------------------ planning


def differences(want, current):
    """{setting: wanted value} of what differs; everything declared when
    `current` is None (a new or just moved link)."""
    out = {}
    for key in KEYS:
        if want[key] is None:
            continue
        if current is None or current.get(key) != want[key]:
            out[key] = want[key]
    return out


NO_STATE = "no IPv6 state"


def current_of(link):
    """What plan_link() compares with: a read link's `ipv6` ({enabled,
    accept_ra, addr_gen_mode}), NO_STATE when the device has none (IPv6
    off kernel-wide), None when not known (a link not read)."""
    if link is None or "ipv6" not in link:
        return None
    return NO_STATE if link["ipv6"] is None else link["ipv6"]


def plan_link(netns, name, want, current, where="ipv6"):
    """Ops that give link `name` in `netns` the settings `want` (normalize()),
    `current` being what it has (current_of(); None: not known, e.g. a new
    or just moved link, so everything declared is set)."""
    if want is None:
        return []
    if current == NO_STATE:
        if want["accept_ra"] is None and want["addr_gen_mode"] is None \
                and want["enabled"] is not True:
            return []  # no IPv6 on the device at all: already off
        raise ValidationError(where, "'%s' in namespace %s has no IPv6 state (IPv6 is off on "
                                     "this host, ipv6.disable=1); only enabled: false can hold"
                              % (name, "(host)" if netns is None else netns))
    diff = differences(want, current)
    ops = []
    values = {}
    words = []
    if "enabled" in diff:
        values["disable_ipv6"] = 0 if diff["enabled"] else 1
        words.append("disable_ipv6 %d" % values["disable_ipv6"])
    if "accept_ra" in diff:
        values["accept_ra"] = diff["accept_ra"]
        words.append("accept_ra %d" % diff["accept_ra"])
    if values:
        ops.append(Op(netns, "ipv6_sysctl", "set sysctl net.ipv6.conf.%s %s"
                      % (name, ", ".join(words)), name=name, values=values))
    if "addr_gen_mode" in diff:
        ops.append(Op(netns, "ipv6_addr_gen_mode", "set link %s addrgenmode %s"
                      % (name, diff["addr_gen_mode"]), name=name, mode=diff["addr_gen_mode"]))
    return ops


# ------------------------------------------------------------------ handlers

_HINTS = {
    errno.EINVAL: "the kernel refused the address generation mode; stable_privacy needs "
                  "net.ipv6.conf.default.stable_secret (or the device's) to be set first",
    errno.EAFNOSUPPORT: "the device has no IPv6 state: IPv6 is off on this host "
                        "(ipv6.disable=1) or the device cannot carry it",
}


def _sysctl(driver, op):
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
        raise kernel_error(op.line(), exc.errno or 0, {
            errno.ENOENT: "no %s/%s: the device is gone, or IPv6 is off on this host "
                          "(ipv6.disable=1)" % (SYSCTL_DIR, op.args["name"])})
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


def _addr_gen_mode(driver, op):
    session = driver.session(op.netns)
    index = session.index_of(op.args["name"])
    session.request(la.addr_gen_mode_msg(index, op.args["mode"]), m.RTM_NEWLINK, m.REQ_ACK,
                    op.text, _HINTS)
    session.invalidate()


plan_mod.register_handlers({"ipv6_sysctl": _sysctl, "ipv6_addr_gen_mode": _addr_gen_mode})
