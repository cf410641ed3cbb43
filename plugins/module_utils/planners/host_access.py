# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.ipvlan contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A port's host access: `host_access: {name, addresses}`.

An ipvlan slave can never reach its master's own address, and the host
cannot reach the slaves through the master: the master hands what its
slaves send to each other or to the wire, never to its own stack, in every
mode. It is the problem users of ipvlan report most (Docker, Kubernetes,
Nomad and LXD threads). The accepted fix
is one more slave of the same master in the master's namespace, holding a
host-side address, with a host route to each slave through it. This module
turns the declaration into that slave: a topology link (name, in the
master's namespace, up, the given /32 and /128 addresses, a route
`<slave address>/32 dev <name>` (/128 for IPv6) to every address of the
port's slaves in other namespaces, of the families the host access has an
address in). From there on it is planned like any slave of the port: it
follows the port's mode and flags, replaced/overridden correct its
addresses and routes, deleted removes it.

Gathering recognises it by a mark the kernel keeps: its interface alias
(IFLA_IFALIAS, `ip link show` prints it) is MARK, set when it is created or
declared. A slave of the port in the master's namespace with that alias is
reported as the port's `host_access` ({name, addresses}) instead of as a
link, so gathered state feeds back as the same declaration. A shape test
(a slave holding only host addresses with routes to the others) would take
a hand-made workaround for ours and change it; the alias says who made it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress

from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model import validation as v
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model.errors import ValidationError
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model.names import HOST_ACCESS_MARK
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.ops.alias import LinkAlias
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.planners import routes as rt

MARK = HOST_ACCESS_MARK  # what marks it (facts/gather.py reads it)

OPTIONS = dict(
    name=dict(type="str", required=True),
    addresses=dict(type="list", elements="str", required=True),
)


# ---------------------------------------------------------------- validation


def normalize(value, mns, where):
    """The declared host access of a port whose master lives in `mns`, as
    (name, [ip_interface]), or None. Raises ValidationError."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ValidationError(where, "must be a dictionary with name and addresses")
    name = v.ifname(value.get("name"), where + ".name")
    cidrs = v.interface_addresses(list(value.get("addresses") or []), where + ".addresses")
    if not cidrs:
        raise ValidationError(where + ".addresses", "give at least one host-side address "
                                                    "(/32 for IPv4, /128 for IPv6)")
    for cidr in cidrs:
        if cidr.network.prefixlen != cidr.max_prefixlen:
            raise ValidationError(where + ".addresses",
                                  "%s is not a host address; give /%d: the slaves are reached "
                                  "through host routes, and a subnet here would take the "
                                  "master's traffic" % (cidr, cidr.max_prefixlen))
    return name, cidrs


def link_of(port, declared, where):
    """The topology link (topology._link's shape) that realises the host
    access `declared` ((name, cidrs) from normalize()) of `port` (with its
    links normalised)."""
    name, cidrs = declared
    mns = port["master_netns"]
    families = set(c.version for c in cidrs)
    specs = []
    seen = set()
    for link in port["links"]:
        if link["netns"] == mns:
            continue  # the slave's addresses are local there already
        for cidr in link["addresses"]:
            if cidr.version not in families or cidr.ip in seen:
                continue
            seen.add(cidr.ip)
            specs.append(rt.normalize({"dst": "%s/%d" % (cidr.ip, cidr.max_prefixlen),
                                       "dev": name, "netns": mns, "table": "main",
                                       "state": "present"}))
    return {"name": name, "kind": "ipvlan", "netns": mns, "mtu": None, "up": True,
            "loopback": False, "addresses": cidrs, "routes": specs, "where": where,
            "ipv6": None, "tap": None, "host_access": True}


def merge(port, declared, where):
    """Keep one host access per port: a second declaration (another config
    entry for the same master) must be the same."""
    first = port.get("host_access")
    if first is None:
        port["host_access"] = declared
        port["host_access_where"] = where
    elif first != declared:
        raise ValidationError(where, "master '%s' has another host access at %s; a port has one"
                              % (port["master"], port["host_access_where"]))


def attach(port):
    """Add the host access of a normalised port to its links (last)."""
    declared = port.pop("host_access", None)
    where = port.pop("host_access_where", None)
    if declared is not None:
        port["links"].append(link_of(port, declared, where))
        port["explicit_links"] = True


def check_master_addresses(want, master_addresses):
    """The host-side addresses must not be the master's own.
    `master_addresses`: {(master_netns, master): [CIDR strings]}."""
    for port in want:
        own = set(ipaddress.ip_interface(a).ip for a in
                  master_addresses.get((port["master_netns"], port["master"]), []))
        for link in port["links"]:
            if not link.get("host_access"):
                continue
            for cidr in link["addresses"]:
                if cidr.ip in own:
                    raise ValidationError(link["where"] + ".addresses",
                                          "%s is the master's own address; the slaves can never "
                                          "reach that one, which is why the host needs another"
                                          % cidr.ip)


# ------------------------------------------------------------------ planning


def plan_mark(plan, link, current):
    """Set (or clear) the alias that marks a host access. `current`: the
    link as read (None: new)."""
    alias = current.get("alias") if current is not None else None
    if link.get("host_access") and alias != MARK:
        plan.append(LinkAlias.op(link["netns"], link["name"], MARK))
    elif not link.get("host_access") and alias == MARK:
        plan.append(LinkAlias.op(link["netns"], link["name"], "", "no host access any more"))


# ------------------------------------------------------------------- reading


def members(port, links_by_netns):
    """The host access of a gathered port as a port member for planning (the
    raw link), [] without one."""
    access = port.get("host_access")
    if access is None:
        return []
    raw = links_by_netns.get(port["master_netns"], {}).get(access["name"])
    return [] if raw is None else [raw]
