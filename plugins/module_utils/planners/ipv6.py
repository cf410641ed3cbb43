# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.ipvlan contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A link's IPv6 settings: `ipv6: {enabled, accept_ra, addr_gen_mode}`.

CVE-2024-32473 was IPv6 appearing on ipvlan links nobody had configured for
it: a new link gets a link-local address as soon as it is up, and SLAAC
addresses from any router advertisement. `enabled: false` sets the device's
disable_ipv6 in its namespace, so it has no IPv6 address at all. How each
setting reaches the kernel: ops/ipv6.py.

Ordering (links.plan_link, with these ops as its `settings`): a new link is
created down, configured, then brought up, so no link-local address or
router solicitation goes out first; a link moved to another namespace gets
its settings again after the move, which resets a device's per-namespace
IPv6 configuration to the target namespace's defaults.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model import abi
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model.errors import ValidationError
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model.names import label
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.ops.ipv6 import (
    Ipv6AddrGenMode,
    Ipv6Sysctl,
)

OPTIONS = dict(
    enabled=dict(type="bool"),
    accept_ra=dict(type="int", choices=[0, 1, 2]),
    addr_gen_mode=dict(type="str", choices=list(abi.ADDR_GEN_MODES)),
)
KEYS = ("enabled", "accept_ra", "addr_gen_mode")


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
    if want["addr_gen_mode"] is not None and want["addr_gen_mode"] not in abi.ADDR_GEN_MODES:
        raise ValidationError(where + ".addr_gen_mode", "'%s' is not one of %s"
                              % (want["addr_gen_mode"], ", ".join(abi.ADDR_GEN_MODES)))
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
                              % (name, label(netns)))
    diff = differences(want, current)
    ops = []
    values = {}
    if "enabled" in diff:
        values["disable_ipv6"] = 0 if diff["enabled"] else 1
    if "accept_ra" in diff:
        values["accept_ra"] = diff["accept_ra"]
    if values:
        ops.append(Ipv6Sysctl.op(netns, name, values))
    if "addr_gen_mode" in diff:
        ops.append(Ipv6AddrGenMode.op(netns, name, diff["addr_gen_mode"]))
    return ops
