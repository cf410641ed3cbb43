# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.ipvlan contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Which namespaces there are, and whose slave an ipvlan/ipvtap link is:
the one master resolver of the collection (every module names masters
this way) and the one list of a port's slaves."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.linuxnet.ipvlan.plugins.module_utils.kernel import nsfs
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model import abi
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model.errors import (
    IpvlanError,
    not_a_namespace,
)


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
                warn("skipped namespace '%s': %s" % (stale, not_a_namespace(stale)))
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


def master_of(driver, link, candidates=None):
    """(master_netns, master link) of an ipvlan/ipvtap slave `link` (a dump
    dict with its 'netns'), or None when it cannot be named. The one master
    resolver of the collection: every module names masters this way.
    `candidates`: where a master may live (default: the host and every
    named namespace, each once)."""
    if candidates is None:
        candidates = scan_namespaces(driver)
    return master_in(driver, link, candidates)


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
            found = driver.session(netns).links_of_kind(abi.IPVLAN_KINDS)
        except IpvlanError:  # vanished meanwhile
            continue
        for link in found:
            if parent_of(driver, link) == (master_netns, master_index):
                members.append(link)
    return members


def master_in(driver, link, candidates):
    """(master_netns, master link) of an ipvlan/ipvtap slave, or None when
    the master cannot be named (see below) or is gone."""
    index = link.get("parent_index")
    if link.get("parent_nsid") is not None:
        where = _netns_of_nsid(driver, link, candidates)
        if not where:
            return None
        netns = where[0]
        master = _by_index(links_of(driver, netns), index)
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
    own = _master_candidate(links_of(driver, netns), index, link)
    if own is not None:
        return netns, own
    found = []
    for candidate in candidates:
        if candidate == netns:
            continue
        try:
            master = _master_candidate(links_of(driver, candidate), index, link)
        except IpvlanError:
            continue
        if master is not None:
            found.append((candidate, master))
    return found[0] if len(found) == 1 else None


def _master_candidate(links, index, slave):
    device = _by_index(links, index)
    if device is None or device["kind"] in abi.IPVLAN_KINDS:
        return None
    return device if device.get("mac") == slave.get("mac") else None


def links_of(driver, netns):
    """Every link of a namespace (where a master is looked for), read once
    per run: the session keeps the dump."""
    return driver.session(netns).links()


def _by_index(links, index):
    for link in links:
        if link["ifindex"] == index:
            return link
    return None
