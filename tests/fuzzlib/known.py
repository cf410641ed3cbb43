"""Engine defects the fuzzer found that are not fixed yet, each recognised
from a case (its starting state, arguments and plan) so that the fuzz
tests skip that class only and stay green meanwhile.

ONCE A DEFECT IS FIXED, DELETE ITS ENTRY FROM `KNOWN` (its recogniser in
tags() may stay: a tag not in KNOWN excuses nothing): the fuzzer then checks
that class again, and tests/unit/fuzz/test_regressions.py runs the defect's
shrunk case (fuzzlib/regressions.py) as a plain regression test instead of
a strict xfail. While the entry is there and the defect is fixed, that
strict xfail fails and says so.

Each entry: tag -> (what it is, the problem categories of run.Report it
excuses). Categories: "check" (check mode vs the real run), "restore" (a
failed or fault-injected run not rolled back to the start), "declaration"
(a successful run not reaching what was declared, or losing what `merged`
keeps), "rerun" (a second run not idempotent), "fault" (an injected failure
not failing the run).
"""

import errno
import re

from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model.errors import (
    KernelError,
    PlanFailed,
)

from . import oracle
from .gen import route_identity

ALL = ("check", "restore", "declaration", "rerun", "fault")
RESTORE = ("restore",)

KNOWN = {
    # issue 23, defect 1 (and 8's "route through a link declared up: false")
    "D1-down-link": ("a link declared up: false loses what the kernel drops on link "
                     "down (IPv6 addresses, routes through it), or fails the run "
                     "(ENETDOWN/ENETUNREACH/EHOSTUNREACH, EADDRNOTAVAIL) though check "
                     "mode said it would succeed; its rollback does not put them back", ALL),
    # issue 23, defect 2
    "D2-port-via-moved-link": ("the port's mode is set through a link that the same plan "
                               "recreated on another master", ALL),
    # issue 23, defect 3 (on one link too)
    "D3-route-identity-twice": ("two declared routes of one identity (family, table, dst, "
                                "metric) in one namespace", ALL),
    # issue 23, defect 4
    "D4-dot-netns": ("a namespace name beginning with a dot", ALL),
    # issue 23, defect 7
    "D7-temp-name": ("a link created in an existing namespace under a temporary name "
                     "(its name is taken in the master's namespace) is looked up in the "
                     "target's stale dump: ENODEV, and the stray link stays", ALL),
    # issue 23, defect 8: EADDRINUSE
    "D8-addrinuse": ("an address another slave of the same master holds: check mode "
                     "says ok, the real run fails EADDRINUSE", ALL),
    # issue 23, defect 8: EEXIST of a route identity already there
    "D8-route-exists": ("a route whose identity an existing route has: check mode says "
                        "ok, the real run fails EEXIST", ALL),
    "D7-temp-name-rollback": ("the same, when a rollback recreates a deleted slave in "
                              "such a namespace", RESTORE),
    # new (fuzzer): merged recreates a link on another master, which drops its
    # addresses, while check_routes counted them for the declared gateways
    "N2-recreated-loses-gateway-subnet": (
        "a link recreated on its declared master loses its addresses; a declared route "
        "whose gateway only they covered fails (ENETUNREACH/EHOSTUNREACH) though check "
        "mode said ok", ALL),
    # new (fuzzer): undoing a device's first IPv4 address drops its routes
    "R3-undo-first-ipv4": ("the undo of adding a device's first IPv4 address deletes it; "
                           "the kernel then drops every IPv4 route through the device "
                           "(fib_disable_ip), and nothing puts them back", RESTORE),
    # new (fuzzer): one slave in the master's namespace, declared by name in two
    # other namespaces, is planned to be moved twice
    "N1-moved-twice": ("a slave in its master's namespace is the 'home' of two declared "
                       "links of its name in two other namespaces: the plan moves it "
                       "twice, the second move fails ENODEV and the rollback fails", ALL),
    # new (fuzzer): the undo of a move out of the host namespace stays put
    "R2-move-back-to-host": ("the inverse of 'move link X to netns N' from the host is "
                             "LinkSet.op(N, X, to_netns=None), and LinkSet.op drops "
                             "None values: it moves nothing, and the rollback fails "
                             "(find device X: ENODEV in the host)", RESTORE),
    # new (fuzzer): undoing 'set link up' flushes IPv6 addresses added while down
    "R1-undo-up-flushes-ipv6": ("a link that was down holding IPv6 addresses is brought "
                                "up by the plan; the rollback takes it down again, which "
                                "flushes those addresses, and nothing puts them back",
                                RESTORE),
}


def _v6(cidrs):
    return any(":" in str(c) for c in cidrs or [])


def _commands(report):
    for outcome in (report.check, report.real):
        if outcome is not None and outcome.ok:
            return outcome.commands or []
    error = report.real.error if report.real is not None else None
    if isinstance(error, PlanFailed):
        return list(error.done) + ([error.failed] if error.failed else [])
    return []


def _cause(outcome):
    error = outcome.error if outcome is not None else None
    return error.cause if isinstance(error, PlanFailed) else error


def tags(report):
    """The KNOWN tags that apply to the case of `report`."""
    case = report.case
    config = case["config"]
    start = dict(((x["netns"], x["name"]), x) for x in case["start"])
    decl = oracle.declared(config) if case["state"] != "deleted" else []
    out = set()
    commands = _commands(report)
    for port, link, netns in oracle.declared(config):
        if isinstance(netns, str) and netns.startswith("."):
            out.add("D4-dot-netns")
    by_ns_ident = {}
    for port, link, netns in decl:
        if link.get("up", True) is False:
            was = start.get((netns, link.get("name")))
            if link.get("routes") or _v6(link.get("addresses")) or (
                    was is not None and (was["routes"] or _v6(was["addresses"]))):
                out.add("D1-down-link")
        for route in link.get("routes") or []:
            try:
                ident = route_identity(route)
            except (ValueError, TypeError):
                continue
            if (netns, ident) in by_ns_ident:
                out.add("D3-route-identity-twice")
            by_ns_ident[(netns, ident)] = True
    declared_master = dict(((netns, link.get("name")), port.get("master"))
                           for port, link, netns in decl)

    def host_has(name):
        return (None, name) in start or (None, name) in declared_master
    for line in commands:
        hit = re.match(r"(\S+): set port of (\S+) mode .*\(via (\S+);", line)
        if hit:
            netns = None if hit.group(1) == "(host)" else hit.group(1)
            owner = declared_master.get((netns, hit.group(3)))
            if owner is not None and owner != hit.group(2):
                out.add("D2-port-via-moved-link")
        # a link made in an existing namespace whose name the host has: by
        # the plan, or by the rollback of its deletion
        hit = re.match(r"\(host\): add \S+ (\S+) link \S+ .* netns (\S+)", line)
        if hit and hit.group(2) in case["namespaces"] and host_has(hit.group(1)):
            out.add("D7-temp-name")
        hit = re.match(r"(\S+): delete \S+ (\S+)", line)
        if hit and hit.group(1) in case["namespaces"] and host_has(hit.group(2)):
            out.add("D7-temp-name-rollback")
        hit = re.match(r"(\S+): add address ([0-9.]+/\d+) dev (\S+)", line)
        if hit:
            netns = None if hit.group(1) == "(host)" else hit.group(1)
            was = start.get((netns, hit.group(3)))
            if was is not None and was["routes"] and \
                    not any(":" not in c for c in was["addresses"]):
                out.add("R3-undo-first-ipv4")
        if re.match(r"\(host\): move link ", line):
            out.add("R2-move-back-to-host")
        hit = re.match(r"(\S+): set link (\S+) (.* )?up", line)
        if hit:
            netns = None if hit.group(1) == "(host)" else hit.group(1)
            was = start.get((netns, hit.group(2)))
            if was is not None and not was["up"] and _v6(was["addresses"]):
                out.add("R1-undo-up-flushes-ipv6")
    by_name = {}
    for port, link, netns in decl:
        key = (port.get("master_netns"), port.get("master"), link.get("name"))
        if netns != port.get("master_netns"):
            by_name.setdefault(key, set()).add(netns)
    for (mns, master, name), places in by_name.items():
        was = start.get((mns, name))
        if len(places) > 1 and was is not None and was["master"] == master and \
                (mns, name) not in declared_master:
            out.add("N1-moved-twice")
    cause = _cause(report.real)
    if report.check is not None and report.check.ok and isinstance(cause, KernelError):
        if cause.code == errno.EADDRINUSE:
            out.add("D8-addrinuse")
        if cause.code == errno.EEXIST and " route " in cause.operation:
            out.add("D8-route-exists")
        if cause.code in (errno.ENETUNREACH, errno.EHOSTUNREACH) and any(
                (netns, link.get("name")) in start and
                start[(netns, link.get("name"))]["master"] != port.get("master")
                for port, link, netns in decl):
            out.add("N2-recreated-loses-gateway-subnet")
    return out


def excused(report):
    """(the report's problems that no open known defect explains, the open
    known defects' tags that apply)."""
    applying = set(t for t in tags(report) if t in KNOWN)
    allowed = set()
    for tag in applying:
        allowed.update(KNOWN[tag][1])
    return [p for p in report.problems if p[0] not in allowed], applying
