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

from ansible_collections.linuxnet.ipvlan.plugins.module_utils import messages as m
from ansible_collections.linuxnet.ipvlan.plugins.module_utils import nsfs
from ansible_collections.linuxnet.ipvlan.plugins.module_utils import tap
from ansible_collections.linuxnet.ipvlan.plugins.module_utils import validation as v
from ansible_collections.linuxnet.ipvlan.plugins.module_utils import vlan
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.errors import IpvlanError

ARGUMENT_SPEC = dict(
    netns=dict(type="list", elements="str"),
)

# include/uapi/linux/rtnetlink.h: routes the kernel makes by itself
RTPROT_KERNEL = 2  # connected subnets, IPv6 link-local and prefix routes
RTPROT_RA = 9  # IPv6 router advertisements
AUTOMATIC_PROTOCOLS = (RTPROT_KERNEL, RTPROT_RA)
IPV6_DEFAULT_METRIC = 1024  # IP6_RT_PRIO_USER: what a route added without one gets
LINK_LOCAL_V6 = ipaddress.ip_network("fe80::/10")
LOOPBACK_V4 = ipaddress.ip_address("127.0.0.1")


# ------------------------------------------------------------------- reading


def gather(driver, namespaces=None, warn=None, whole=False):
    """The ipvlan ports seen from `namespaces`, as plain data.

    `namespaces`: names of the namespaces to look in; None or '' in the list
    is the module's own (host) namespace. Omitted: the host's and every named
    one, where a /run/netns entry that is not a namespace is skipped (and
    passed to `warn`, if given). A listed namespace that does not exist
    raises NamespaceNotFound.

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
            if link["kind"] in m.IPVLAN_KINDS:
                found = _master(driver, link, candidates)
                if found is not None and found[1]["kind"] == "vlan":
                    found = (found[0], dict(found[1], vlan=vlan.describe(
                        found[1], _links_of(driver, found[0]))))
                masters[(netns, link["ifindex"])] = found
            if link["kind"] == "ipvtap":
                taps[(netns, link["ifindex"])] = tap.read(link["ifindex"], link["name"])
    return build_ports(dumps, masters, taps)


def read_namespace(session, kinds=m.IPVLAN_KINDS):
    """What gathering reports of one namespace: {"links", "addresses",
    "routes"} for build_ports(). Only the slaves (links of `kinds`) are asked
    for, by dumps the kernel filters by kind, and the loopback where there
    are slaves: nothing else of a namespace is reported. Addresses are
    decoded for those devices only, routes only when configured (and only
    unicast ones are asked for), and neither is read in a namespace without
    slaves. (`kinds` is for the
    native benchmark, which has veth stand in for ipvlan.)"""
    slaves = session.links_of_kind(kinds)
    if not slaves:
        return {"links": [], "addresses": [], "routes": []}
    loopback = session.loopback()
    links = slaves + ([loopback] if loopback is not None else [])
    wanted = set(x["ifindex"] for x in links)
    return {"links": links,
            "addresses": session.addresses(keep=lambda f: f["index"] in wanted),
            "routes": session.routes(keep=is_configured_route, unicast=True)}


def scan_namespaces(driver, names=None, warn=None):
    """The host (None) and each named namespace once: a namespace under two
    /run/netns names (bind-mounted twice) is kept under the first name in
    sorted order, and one that is the host's own is the host. Entries that
    are not namespaces are not listed by the driver (nsfs.list_names());
    with `warn` they are reported."""
    if names is None:
        names = driver.namespaces()
        if warn is not None:
            for stale in nsfs.stale_names():
                warn("skipped namespace '%s': %s" % (stale, nsfs.not_a_namespace(stale)))
    seen = {}
    host = nsfs.identity(None)
    if host is not None:
        seen[host] = None
    out = [None]
    listed = set(out)  # `name in out` would make this quadratic in namespaces
    for name in names:
        if name in listed:
            continue
        listed.add(name)
        ident = nsfs.identity(name)
        if ident is not None and ident in seen:
            if warn is not None:
                warn("namespace '%s' is the same namespace as %s; it is reported once, as %s"
                     % (name, "the host's" if seen[ident] is None else "'%s'" % seen[ident],
                        "the host" if seen[ident] is None else "'%s'" % seen[ident]))
            continue
        if ident is not None:
            seen[ident] = name
        out.append(name)
    return out


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


def master_of(driver, link, candidates=None):
    """(master_netns, master link) of an ipvlan/ipvtap slave `link` (a dump
    dict with its 'netns'), or None when it cannot be named. The one master
    resolver of the collection: every module names masters this way.
    `candidates`: where a master may live (default: the host and every
    named namespace, each once)."""
    if candidates is None:
        candidates = scan_namespaces(driver)
    return _master(driver, link, candidates)


def parent_of(driver, link):
    """(netns, ifindex) of an ipvlan link's master, or None if it cannot be
    named (master_of(): an ambiguous master is not guessed)."""
    found = master_of(driver, link)
    return None if found is None else (found[0], found[1]["ifindex"])


def port_members(driver, master_netns, master_index, first=None):
    """Every ipvlan/ipvtap slave of a master, in every namespace (each
    namespace once, however many /run/netns names it has).

    The master's namespace is read first; `first` lists namespaces likely to
    hold slaves (read next)."""
    everywhere = scan_namespaces(driver)
    order = [master_netns] + list(first or []) + everywhere
    seen = set()
    members = []
    for netns in order:
        if netns in seen:
            continue
        seen.add(netns)
        try:
            found = driver.session(netns).links_of_kind(m.IPVLAN_KINDS)
        except IpvlanError:  # vanished meanwhile
            continue
        for link in found:
            if parent_of(driver, link) == (master_netns, master_index):
                members.append(link)
    return members


def _master(driver, link, candidates):
    """(master_netns, master link) of an ipvlan/ipvtap slave, or None when
    the master cannot be named (see below) or is gone."""
    index = link.get("parent_index")
    if link.get("parent_nsid") is not None:
        where = _netns_of_nsid(driver, link, candidates)
        if not where:
            return None
        netns = where[0]
        master = _by_index(_links_of(driver, netns), index)
        return None if master is None else (netns, master)
    return _master_by_mac(driver, link, candidates)


def _netns_of_nsid(driver, link, candidates):
    """(namespace,) that IFLA_LINK_NETNSID names, () if none here. The id is
    local to the slave's namespace, so each candidate is asked for the id
    the slave's namespace gives it."""
    session = driver.session(link["netns"])
    for candidate in candidates:
        if candidate == link["netns"]:
            continue
        try:
            nsid = session.nsid(driver.fd(candidate), candidate)
        except IpvlanError:
            continue  # vanished, or not a namespace: cannot be the one
        if nsid is not None and nsid == link["parent_nsid"]:
            return (candidate,)
    return ()


def _master_by_mac(driver, link, candidates):
    """A slave dumped without IFLA_LINK_NETNSID.

    For ipvlan that means the master is in the slave's own namespace. ipvtap
    has no get_link_net hook (drivers/net/ipvlan/ipvtap.c), so an ipvtap
    outside its master's namespace is dumped with the master's ifindex and
    no word of where that index lives, and without IFLA_LINK at all when
    that index equals its own. A slave always carries its master's MAC
    address, so the master is the device at that index with that MAC: in
    the slave's own namespace if it is there, else the only such device
    among the other namespaces (ambiguity leaves it unresolved)."""
    index, netns = link.get("parent_index") or link["ifindex"], link["netns"]
    own = _master_candidate(_links_of(driver, netns), index, link)
    if own is not None:
        return netns, own
    found = []
    for candidate in candidates:
        if candidate == netns:
            continue
        try:
            master = _master_candidate(_links_of(driver, candidate), index, link)
        except IpvlanError:
            continue
        if master is not None:
            found.append((candidate, master))
    return found[0] if len(found) == 1 else None


def _master_candidate(links, index, slave):
    device = _by_index(links, index)
    if device is None or device["kind"] in m.IPVLAN_KINDS:
        return None
    return device if device.get("mac") == slave.get("mac") else None


def _links_of(driver, netns):
    """Every link of a namespace (where a master is looked for), read once
    per run: the session keeps the dump."""
    return driver.session(netns).links()


def _by_index(links, index):
    for link in links:
        if link["ifindex"] == index:
            return link
    return None


# ---------------------------------------------------------------- assembling


def build_ports(dumps, masters, taps=None):
    """Assemble the result from plain data.

    `dumps`: {netns: {"links": [...], "addresses": [...], "routes": [...]}}
    as messages.parse_* give them, for each namespace looked in (None: the
    host); `links` needs only the slaves and the loopback. `masters`: {(netns, ifindex) of a slave: (master_netns, master
    link dict, with "vlan" as vlan.describe gives it for a VLAN master) or
    None when unresolved}. `taps`: {(netns, ifindex) of an ipvtap: its
    node as tap.read gives it}.

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
            if link["kind"] not in m.IPVLAN_KINDS:
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


# The interface alias that ipvlan_topology gives a port's host access (the
# slave in the master's namespace that lets the host reach the others; see
# host_access.py, which plans it). Gathering reports a slave so marked as the
# port's `host_access`, so that gathered state feeds back as the declaration.
HOST_ACCESS_MARK = "linuxnet-ipvlan:host_access"


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
    `node`: an ipvtap's character device as tap.read gives it."""
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
        "routes": [route_entry(r) for r in dump["routes"]
                   if r.get("oif") == index and is_configured_route(r)],
        "tap": tap.describe(index, node) if link["kind"] == "ipvtap" else None,
    }
    if link.get("ipv6") is not None:  # the device's IPv6 settings (link_attrs)
        entry["ipv6"] = dict(link["ipv6"])
    return entry


def loopback_ready(dump):
    """True when the namespace's loopback is up and has 127.0.0.1."""
    for link in dump["links"]:
        if link.get("type") != m.ARPHRD_LOOPBACK:
            continue
        if not link.get("up"):
            return False
        for item in dump["addresses"]:
            if item["ifindex"] == link["ifindex"] and item["family"] == 4 \
                    and ipaddress.ip_interface(item["address"]).ip == LOOPBACK_V4:
                return True
        return False
    return False


def address_text(item):
    """An address as a CIDR string; None for IPv6 link-local ones (the
    kernel adds those by itself)."""
    interface = ipaddress.ip_interface(item["address"])
    if interface.version == 6 and interface.ip in LINK_LOCAL_V6:
        return None
    return str(interface)


def is_configured_route(route):
    """A unicast route someone configured: not in the local table, not made
    by the kernel itself (connected subnets, link-local, RA), not multipath."""
    return (route.get("type") == m.RTN_UNICAST
            and route.get("table") != m.RT_TABLE_LOCAL
            and route.get("proto") not in AUTOMATIC_PROTOCOLS
            and not route.get("multipath"))


def route_entry(route):
    """A route with only the keys that differ from what a route added with
    just dst and gateway gets: dst ('default' or a CIDR) always; gateway,
    metric, table (a number; main is omitted), src, scope when they differ.

    An IPv6 default route without gateway keeps dst '::/0', so that feeding
    it back does not make it IPv4."""
    network = ipaddress.ip_network(route["dst"], strict=False)
    gateway = route.get("gateway")
    entry = {}
    if network.prefixlen == 0 and (network.version == 4 or gateway):
        entry["dst"] = "default"
    else:
        entry["dst"] = str(network)
    if gateway:
        entry["gateway"] = str(ipaddress.ip_address(gateway))
    default_metric = IPV6_DEFAULT_METRIC if network.version == 6 else 0
    if route.get("metric") not in (None, default_metric):
        entry["metric"] = route["metric"]
    if route.get("table") not in (None, m.RT_TABLE_MAIN):
        entry["table"] = route["table"]
    if route.get("src"):
        entry["src"] = str(ipaddress.ip_address(route["src"]))
    default_scope = "global" if gateway or network.version == 6 else "link"
    if route.get("scope") not in (None, default_scope):
        entry["scope"] = route["scope"]
    return entry


# -------------------------------------------------------------------- engine


def info_engine(driver, params, check_mode, warn=None):
    """ipvlan_info: read only, the same in check mode."""
    result = gather(driver, params.get("netns"), warn=warn)
    result["changed"] = False
    return result
