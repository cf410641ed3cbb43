# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.ipvlan contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Preflight: what the kernel would refuse, found before the first change
and in check mode alike, so that check mode fails where a real run would.

Checked here: the kernel has the link kinds a plan creates (a probe that
creates nothing), mode l3s where the kernel's configuration says it is
missing, and for topologies each route's source and gateway against the
addresses the namespace and link will have. Masters (type, loopback,
bridge/bond port, macvlan, MTU) are checked by links.check_master, stale
/run/netns entries by nsfs.open_fd and the netns engine.

l3s cannot be probed: the kernel checks CONFIG_IPVLAN_L3S only when a slave
is created or its port's mode is set, and creating a slave changes the mode
of every sibling on that master. So the kernel's build configuration is read
(/proc/config.gz, /boot/config-RELEASE) when one is there; when neither is,
l3s is assumed present, and a kernel without it refuses the operation
(ENOTSUPP), which fails the run and rolls it back.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import errno
import gzip
import ipaddress
import os

from ansible_collections.linuxnet.ipvlan.plugins.module_utils import messages as m
from ansible_collections.linuxnet.ipvlan.plugins.module_utils import nsfs
from ansible_collections.linuxnet.ipvlan.plugins.module_utils import routes as rt
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.driver import label
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.errors import (
    KernelError,
    ValidationError,
)

_MISSING = {
    "ipvlan": "this kernel has no ipvlan support (CONFIG_IPVLAN): the kernel answered "
              "EOPNOTSUPP for kind ipvlan; load it with 'modprobe ipvlan' or use a kernel "
              "that has it",
    "ipvtap": "this kernel has no ipvtap support (CONFIG_IPVTAP): the kernel answered "
              "EOPNOTSUPP for kind ipvtap; load it with 'modprobe ipvtap' or use a kernel "
              "that has it",
}


def probe_kind(session, kind):
    """True when the kernel knows link kind `kind`, False when it does not.

    RTM_NEWLINK of that kind without IFLA_LINK: ipvlan_link_new() refuses
    it with EINVAL before anything exists; an unknown kind is EOPNOTSUPP
    (after the kernel tried to load rtnl-link-KIND)."""
    try:
        session.request(m.link_probe(kind), m.RTM_NEWLINK, m.REQ_CREATE,
                        "probe link kind %s" % kind)
    except KernelError as exc:
        if exc.code == errno.EOPNOTSUPP:
            return False
        if exc.code == errno.EINVAL:
            return True
        raise
    return True  # not expected: no kernel accepts an ipvlan without master


def l3s_configured(release=None):
    """False when the kernel's build configuration says CONFIG_IPVLAN_L3S is
    not set, True when it is set, None when no configuration can be read."""
    release = release or os.uname()[2]
    for path, opener in (("/proc/config.gz", gzip.open), ("/boot/config-%s" % release, open)):
        try:
            with opener(path, "rt") as handle:
                text = handle.read()
        except (OSError, IOError, EOFError):
            continue
        for line in text.splitlines():
            if line.startswith("CONFIG_IPVLAN_L3S="):
                return line.split("=", 1)[1].strip() in ("y", "m")
        return False if "CONFIG_IPVLAN=" in text else None
    return None


def check_plan(driver, plan, field_of):
    """Probe the kinds the plan creates (once per run) and l3s where the
    plan asks for it. `field_of(option, value)` names the field to blame
    ('kind', 'ipvtap') -> 'kind'. Raises ValidationError."""
    kinds, l3s = [], False
    for op in plan:
        if op.action == "link_add" and op.args["kind"] not in kinds:
            kinds.append(op.args["kind"])
        if op.action in ("link_add", "link_set") and op.args.get("mode") == "l3s":
            l3s = True
    if not kinds and not l3s:
        return
    session = driver.session(None)
    for kind in kinds:
        if not probe_kind(session, kind):
            raise ValidationError(field_of("kind", kind),
                                  _MISSING.get(kind, "the kernel does not know link kind %s"
                                               % kind))
    if l3s and l3s_configured() is False:
        raise ValidationError(field_of("mode", "l3s"),
                              "mode l3s needs a kernel built with CONFIG_IPVLAN_L3S, and this "
                              "kernel's configuration has it unset; use mode l3")


# ------------------------------------------------------------------ topology


def check_topology_namespaces(want, have):
    """A namespace the topology would create must not be blocked by a
    /run/netns entry that is no namespace (the create would fail)."""
    for port in want:
        for link in port["links"]:
            netns = link["netns"]
            if netns is not None and netns not in have["namespaces"] and nsfs.exists(netns):
                raise ValidationError(link["where"] + ".netns", nsfs.not_a_namespace(netns))


def check_topology_routes(want, have, exclusive):
    """Each declared route's src is an address its namespace will have, and
    its gateway lies in a subnet its link will have (or in the dst of one of
    the link's routes without gateway), and is no broadcast address.
    `have` is topology.read()'s; `exclusive`: replaced/overridden (a link
    keeps only its declared addresses)."""
    declared = {}
    for port in want:
        for link in port["links"]:
            declared.setdefault(link["netns"], {})[link["name"]] = link
    for port in want:
        for link in port["links"]:
            netns = link["netns"]
            own = list(link["addresses"])
            if not exclusive:
                own += [ipaddress.ip_interface(x) for x in
                        have["addresses"].get((netns, link["name"]), [])]
            local = set(x.ip for x in own)
            for other in declared.get(netns, {}).values():
                local.update(x.ip for x in other["addresses"])
            for (where_ns, dev), items in have["addresses"].items():
                if where_ns == netns and not (exclusive and dev in declared.get(netns, {})):
                    local.update(ipaddress.ip_interface(x).ip for x in items)
            links_dst = [r["dst"] for r in link["routes"] if r["gateway"] is None]
            for k, spec in enumerate(link["routes"]):
                where = "%s.routes[%d]" % (link["where"], k)
                if spec["src"] is not None and spec["src"] not in local:
                    raise ValidationError(where + ".src", "%s is not an address namespace %s "
                                                          "will have; the kernel takes only a "
                                                          "local address as preferred source"
                                          % (spec["src"], label(netns)))
                gateway = spec["gateway"]
                if gateway is None or (gateway.version == 6 and gateway.is_link_local):
                    continue
                networks = [x.network for x in own if x.version == gateway.version]
                problem = rt.gateway_problem(gateway, networks)
                if problem:
                    raise ValidationError(where + ".gateway", problem)
                if not any(gateway in n for n in networks + links_dst
                           if n.version == gateway.version):
                    raise ValidationError(
                        where + ".gateway", "%s is in no subnet of link %s (%s); the kernel "
                                            "refuses a gateway it cannot reach on the link "
                                            "(ENETUNREACH). Add an address in its subnet, or "
                                            "a route to it without gateway"
                        % (gateway, link["name"], ", ".join(str(x) for x in own) or
                           "it has no address"))
