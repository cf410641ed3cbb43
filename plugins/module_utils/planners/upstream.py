# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.ipvlan contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""`upstream_routes`: what the upstream router needs for L3/L3S ports.

In l3 and l3s nothing answers ARP or neighbour solicitations for the
slaves' addresses (the slaves are NOARP, and the master does not proxy), so
the router must route each slave subnet to the host: `<subnet> via <the
master's address>`. A slave subnet that overlaps the master's own subnet
cannot be routed so (the router sees it as on-link and asks ARP, unanswered):
such a slave gets a host route (/32, /128) and a warning says to give the
slaves a subnet of their own. Pure: works on plain port data.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress

from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model.abi import L3_MODES
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model.errors import IpvlanError
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model.names import kernels_own


def _cidr(value):
    return value if hasattr(value, "network") else ipaddress.ip_interface(value)


def _usable(cidr):
    """A master address the router can use as next hop."""
    return not kernels_own(cidr) and not cidr.ip.is_loopback


def routes(ports, master_addresses=None, warn=None):
    """[{master, master_netns, dst, via, command}] for the l3/l3s ports of
    `ports` (topology config shape: master, master_netns, mode, links with
    name and addresses, optional host_access with addresses; addresses as
    CIDR strings or ip_interface objects).

    `master_addresses`: {(master_netns, master): [CIDR]} as read from the
    kernel; None when not known (rendered): then every slave subnet is
    routed and `via` is None. `warn` is called with each overlap warning."""
    out = []
    for port in ports:
        if port.get("mode") not in L3_MODES:
            continue
        key = (port.get("master_netns"), port["master"])
        known = master_addresses is not None and key in master_addresses
        own = [c for c in (_cidr(x) for x in (master_addresses or {}).get(key, [])) if _usable(c)]
        slaves = [(link["name"], _cidr(c), False) for link in port.get("links") or []
                  for c in link.get("addresses") or []]
        access = port.get("host_access")
        if access:
            slaves += [(access["name"], _cidr(c), True) for c in access.get("addresses") or []]
        seen = set()
        warned = set()
        no_via = set()
        for name, cidr, is_access in slaves:
            overlap = [c for c in own if c.network.overlaps(cidr.network)]
            if overlap or is_access:
                dst = ipaddress.ip_network("%s/%d" % (cidr.ip, cidr.max_prefixlen))
            else:
                dst = cidr.network
            if overlap and not is_access and warn is not None and (name, cidr.network) not in warned:
                warned.add((name, cidr.network))
                warn("%s: the %s slave %s has %s, which overlaps the master's own %s; the "
                     "upstream router takes that subnet as on-link and asks ARP/ND for the "
                     "slaves, which nothing answers in %s: give the slaves a subnet of their "
                     "own (upstream_routes lists host routes for them)"
                     % (port["master"], port["mode"], name, cidr, overlap[0], port["mode"]))
            inside = [x for x in seen if x.version == dst.version and dst.subnet_of(x)]
            if dst in seen or (is_access and inside):
                continue  # already routed, or inside a slave subnet that is
            seen.add(dst)
            via = next((c.ip for c in own if c.version == dst.version), None)
            out.append({
                "master": port["master"], "master_netns": port.get("master_netns"),
                "dst": str(dst), "via": None if via is None else str(via),
                "command": "ip route add %s via %s" % (
                    dst, via if via is not None else "<address of %s>" % port["master"]),
            })
            if via is None and known and warn is not None and dst.version not in no_via:
                no_via.add(dst.version)
                warn("%s has no IPv%d address: the upstream router's routes to the %s slaves "
                     "need the host's address on that link as next hop (upstream_routes "
                     "leaves via null)" % (port["master"], dst.version, port["mode"]))
    return out


def master_addresses(driver, keys):
    """{(master_netns, master): [CIDR strings]} for the masters named in
    `keys`, from the sessions' address dumps (read once per namespace).
    A master that cannot be read is left out."""
    found = {}
    for mns, master in keys:
        try:
            session = driver.session(mns)
            link = session.link(master)
        except IpvlanError:  # a missing namespace: reported elsewhere
            continue
        if link is None:
            continue
        index = link["ifindex"]
        found[(mns, master)] = [a["address"] for a in session.addresses(
            keep=lambda fields, index=index: fields["index"] == index)]
    return found


def of_converge(want, state, result, masters, warn=None):
    """upstream_routes of a converging run: the declared ports as they are
    after it (`result`'s after, or before when nothing changed), or as they
    would be (check mode)."""
    keys = set((p["master_netns"], p["master"]) for p in want)
    if "after" in result:
        now = [p for p in result["after"] if (p["master_netns"], p["master"]) in keys]
    elif result["changed"]:
        now = predict(want, result["before"], state)
    else:
        now = [p for p in result["before"] if (p["master_netns"], p["master"]) in keys]
    return routes(now, masters, warn)


def predict(want, before, state):
    """The declared ports as they will be after `state` (for check mode):
    port dicts in topology config shape."""
    by_key = dict(((p["master_netns"], p["master"]), p) for p in before)
    out = []
    for port in want:
        key = (port["master_netns"], port["master"])
        old = by_key.get(key, {"links": []})
        declared = [x for x in port["links"] if not x.get("host_access")]
        names = set((x["netns"], x["name"]) for x in port["links"])
        if state == "deleted":
            links = [] if not port["explicit_links"] else \
                [x for x in old["links"] if (x["netns"], x["name"]) not in names]
            access = None if not port["explicit_links"] or (
                old.get("host_access") and (port["master_netns"], old["host_access"]["name"])
                in names) else old.get("host_access")
        else:
            links = list(declared)
            if state == "merged":
                links += [x for x in old["links"] if (x["netns"], x["name"]) not in names]
            access = next(({"name": x["name"], "addresses": x["addresses"]}
                           for x in port["links"] if x.get("host_access")),
                          old.get("host_access") if state == "merged" else None)
        mode = old.get("mode", port["mode"]) if state == "deleted" else port["mode"]
        out.append({"master": port["master"], "master_netns": port["master_netns"],
                    "mode": mode, "links": links, "host_access": access})
    return out
