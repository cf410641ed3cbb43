# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.ipvlan contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Gathering the IPvlan picture of a host: every ipvlan port (a master and
its ipvlan/ipvtap slaves, in any namespace), as plain data.

gather() reads each namespace once through the driver and resolves each
slave's master across namespaces; build_ports() then assembles the result
from the dumps alone, so it can be tested without a kernel. The shape of
`ports` is the shape ipvlan_topology takes as `config`: gathered state can
be fed back as wanted state. Nothing here imports Ansible or changes the
kernel.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress

from ansible_collections.linuxnet.ipvlan.plugins.module_utils.facts.masters import (
    links_of,
    master_in,
    scan_namespaces,
)
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.facts import leases
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.kernel import devices
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model import abi
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model import routes as rt
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model import validation as v
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model.errors import IpvlanError
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model.names import (
    HOST_ACCESS_MARK,
    LOOPBACK_V4,
    VLAN_OWNED_ALIAS,
    kernels_own,
)


# ------------------------------------------------------------------- reading


def gather(driver, namespaces=None, warn=None, whole=False, clients=None):
    """The ipvlan ports seen from `namespaces`, as plain data.

    `namespaces`: names of the namespaces to look in; None or '' in the list
    is the module's own (host) namespace. Omitted: the host's and every named
    one, where a /run/netns entry that is not a namespace is skipped (and
    passed to `warn`, if given). A listed namespace that does not exist
    raises NamespaceNotFound. `clients`: facts/leases.clients() when the
    caller has read them already (else they are read here).

    Returns {"ports": [...], "namespaces": [...], "unresolved": [...]}: see
    build_ports(). Only slaves in the namespaces looked in are reported; their
    masters are named even when they live in a namespace not looked in (that
    namespace's link list is read too).

    `whole`: the caller reads every link and address of each namespace
    anyway (ipvlan_topology), so what is reported is taken from those dumps
    instead of dumps filtered by kind. (Routes are asked for by type in
    either case: unicast ones only.)"""
    looked_in, candidates = _open(driver, namespaces, warn)
    dumps = {}
    for netns in looked_in:
        session = driver.session(netns)
        if whole:  # served from the whole dumps
            session.links()
            session.addresses()
        dumps[netns] = read_namespace(session)
    masters = {}
    taps = {}
    for netns in looked_in:
        for link in dumps[netns]["links"]:
            if link["kind"] in abi.IPVLAN_KINDS:
                found = master_in(driver, link, candidates)
                if found is not None and found[1]["kind"] == "vlan":
                    found = (found[0], dict(found[1], vlan=vlan_of(
                        found[1], links_of(driver, found[0]))))
                masters[(netns, link["ifindex"])] = found
            if link["kind"] == "ipvtap":
                taps[(netns, link["ifindex"])] = devices.read(link["ifindex"], link["name"])
    gathered = build_ports(dumps, masters, taps)
    leases.fold(gathered["ports"], clients)  # a DHCP link's client and lease (facts/leases.py)
    return gathered


def read_namespace(session):
    """What gathering reports of one namespace: {"links", "addresses",
    "routes"} for build_ports(). Only the slaves (ipvlan/ipvtap links) are asked
    for, by dumps the kernel filters by kind, and the loopback where there
    are slaves: nothing else of a namespace is reported. Addresses are
    decoded for those devices only, routes only when configured (and only
    unicast ones are asked for), and neither is read in a namespace without
    slaves."""
    slaves = session.links_of_kind(abi.IPVLAN_KINDS)
    if not slaves:
        return {"links": [], "addresses": [], "routes": []}
    loopback = session.loopback()
    links = slaves + ([loopback] if loopback is not None else [])
    wanted = set(x["ifindex"] for x in links)
    return {"links": links,
            "addresses": session.addresses(keep=lambda f: f["index"] in wanted),
            "routes": session.routes(keep=rt.is_configured, unicast=True)}


def _open(driver, namespaces, warn):
    """(namespaces to look in, namespaces a master may live in); None is the
    host. Each one looked in has been opened."""
    if namespaces is None:
        wanted, explicit = scan_namespaces(driver, warn=warn), False
    else:
        wanted, explicit = [], True
        for name in namespaces:
            netns = None if name in (None, "") else v.netns_name(name, "netns")
            if netns not in wanted:
                wanted.append(netns)
        for netns in wanted:
            driver.fd(netns, "netns")  # NamespaceNotFound before anything is read
        named = [n for n in wanted if n is not None]
        distinct = scan_namespaces(driver, named, warn)
        wanted = [n for n in wanted if n in distinct]
    usable = []
    for netns in wanted:
        try:
            driver.session(netns, "netns")
        except IpvlanError as exc:
            if explicit:
                raise
            if warn is not None:
                warn("skipped namespace '%s': %s" % (netns, exc))
            continue
        usable.append(netns)
    if not explicit:
        return usable, usable
    others = scan_namespaces(driver)
    return usable, usable + [n for n in others if n not in usable]


# ---------------------------------------------------------------- assembling


def build_ports(dumps, masters, taps=None):
    """Assemble the result from plain data.

    `dumps`: {netns: {"links": [...], "addresses": [...], "routes": [...]}}
    as messages.parse_* give them, for each namespace looked in (None: the
    host); `links` needs only the slaves and the loopback. `masters`: {(netns, ifindex) of a slave: (master_netns, master
    link dict, with "vlan" as vlan_of gives it for a VLAN master) or
    None when unresolved}. `taps`: {(netns, ifindex) of an ipvtap: its
    node as kernel/devices.read gives it}.

    Returns {"ports": [...], "namespaces": [...], "unresolved": [...]}:
    ports sorted by (master_netns, master), their links by (netns, name);
    namespaces are the named ones looked in; unresolved are slaves whose
    master could not be named, sorted by (netns, name)."""
    ports = {}
    vlans = {}
    unresolved = []
    for netns in dumps:
        dump = dumps[netns]
        for link in dump["links"]:
            if link["kind"] not in abi.IPVLAN_KINDS:
                continue
            entry = link_entry(link, dump, (taps or {}).get((netns, link["ifindex"])))
            master = masters.get((netns, link["ifindex"]))
            if master is None:
                entry.update(mode=link.get("mode"), flags=link.get("flags"),
                             master_ifindex=link.get("parent_index"),
                             master_link_netnsid=link.get("parent_nsid"))
                unresolved.append(entry)
                continue
            key = (master[0], master[1]["name"])
            ports.setdefault(key, []).append((entry, link))
            vlans[key] = master[1].get("vlan")
    result = []
    for key in sorted(ports, key=_netns_key):
        members = sorted(ports[key], key=lambda pair: _netns_key((pair[0]["netns"],
                                                                  pair[0]["name"])))
        # Every slave reports the port-wide mode and flags; the first in
        # sorted order gives a stable answer even from a torn read.
        first = members[0][1]
        port = {"master": key[1], "master_netns": key[0],
                "mode": first.get("mode"), "flags": first.get("flags"),
                "vlan": vlans[key], "links": [pair[0] for pair in members]}
        result.append(fold_host_access(port, members))  # its marked slave, if any
    unresolved.sort(key=lambda item: _netns_key((item["netns"], item["name"])))
    names = sorted(n for n in dumps if n is not None)
    return {"ports": result, "namespaces": names, "unresolved": unresolved}


def vlan_owned(link):
    """True when the collection created this VLAN device."""
    return link is not None and link.get("kind") == "vlan" and link.get("alias") == VLAN_OWNED_ALIAS


def vlan_of(master, links):
    """A VLAN master's `vlan` as gathered ({"link", "id", "protocol"}), or
    None for any other master. `links`: the dump of the master's namespace
    (its lower device is named from it; None when it is in another one)."""
    if master.get("kind") != "vlan":
        return None
    lower = None
    if master.get("parent_nsid") is None:
        for link in links:
            if link["ifindex"] == master.get("parent_index"):
                lower = link["name"]
                break
    protocol = master.get("vlan_protocol")
    return {"link": lower, "id": master.get("vlan_id"),
            "protocol": abi.VLAN_PROTOCOL_NAMES.get(protocol, protocol)}


def fold_host_access(port, members):
    """Report a gathered port's host access: the first slave (by name) in
    the master's namespace marked with HOST_ACCESS_MARK leaves `links` and
    becomes port['host_access'] = {name, addresses}. `members`: (entry, raw
    link) pairs, in `links` order."""
    for entry, raw in members:
        if raw.get("alias") == HOST_ACCESS_MARK and raw["netns"] == port["master_netns"]:
            port["links"] = [x for x in port["links"] if x is not entry]
            port["host_access"] = {"name": entry["name"], "addresses": list(entry["addresses"])}
            return port
    return port


def _netns_key(pair):
    """Sort key for (netns, name): the host (None) first."""
    netns, name = pair
    return (netns is not None, netns or "", name or "")


def link_entry(link, dump, node=None):
    """One slave as reported: the topology `links` keys (name, kind, netns,
    mtu, up, loopback, addresses, routes, tap) and read-only ifindex, mac.
    `node`: an ipvtap's character device as kernel/devices.read gives it."""
    index = link["ifindex"]
    netns = link["netns"]
    entry = {
        "name": link["name"],
        "kind": link["kind"],
        "netns": netns,
        "ifindex": index,
        "up": link.get("up"),
        "mtu": link.get("mtu"),
        "mac": link.get("mac"),
        "loopback": None if netns is None else loopback_ready(dump),
        "addresses": [a for a in (address_text(item) for item in dump["addresses"]
                                  if item["ifindex"] == index) if a is not None],
        "routes": [rt.as_config(r) for r in dump["routes"]
                   if r.get("oif") == index and rt.is_configured(r)],
        "tap": devices.describe(index, node) if link["kind"] == "ipvtap" else None,
    }
    if link.get("ipv6") is not None:  # the device's IPv6 settings (link_attrs)
        entry["ipv6"] = dict(link["ipv6"])
    return entry


def loopback_ready(dump):
    """True when the namespace's loopback is up and has 127.0.0.1."""
    for link in dump["links"]:
        if link.get("type") != abi.ARPHRD_LOOPBACK:
            continue
        if not link.get("up"):
            return False
        for item in dump["addresses"]:
            if item["ifindex"] == link["ifindex"] and item["family"] == 4 \
                    and ipaddress.ip_interface(item["address"]).ip == LOOPBACK_V4.ip:
                return True
        return False
    return False


def address_text(item):
    """An address as a CIDR string; None for IPv6 link-local ones (the
    kernel adds those by itself)."""
    interface = ipaddress.ip_interface(item["address"])
    return None if kernels_own(interface) else str(interface)
