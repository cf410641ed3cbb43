# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.ipvlan contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Applying a plan as one transaction: apply, verify, or roll back.

execute() runs the operations in order. Before each one it works out the
inverse from the state read before the run (snapshot.Snapshot). When an
operation fails, or when the result read back differs from what the plan
asked for (check(): what each op's kind expects, read back once per
namespace), the applied operations are undone newest first, the
touched namespaces are read again and compared with the snapshot, and
PlanFailed says what failed, what had been applied, what was rolled back and
what could not be restored, and why. With rollback off, a failure leaves
what ran applied (the behaviour before rollback existed).

Test seam: BEFORE_OP, None outside the tests, is called as BEFORE_OP(k, op)
before the k-th operation of a plan (counted from 1, undo operations not at
all). The fault tests set it from their own code (tests/harness.py) to fail
an operation or change the kernel just before it; nothing a user passes
(no option, no environment variable) reaches it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import copy
import ipaddress

from ansible_collections.linuxnet.ipvlan.plugins.module_utils.kernel import messages as m
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model import routes as rt
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model.errors import (
    IpvlanError,
    KernelError,
    PlanFailed,
    kernel_error,
)
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model.names import label
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.ops import snapshot as sn
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.ops.base import (
    EXISTED,
    Expected,
    NotRestorable,
)

BEFORE_OP = None  # the test seam (see above)


class VerifyFailed(IpvlanError):
    def __init__(self, differences):
        self.differences = differences
        super(VerifyFailed, self).__init__(
            "the result differs from what was applied (changed underneath, or adjusted by "
            "the kernel): %s" % "; ".join(differences))


def run_op(driver, op):
    """Carry out one operation; KernelError/IpvlanError on failure. Returns
    what its kind's run() returns (EXISTED: an object someone else made)."""
    try:
        return op.kind.run(driver, op)
    except OSError as exc:
        raise kernel_error(op.line(), exc.errno or 0)


def execute(driver, plan, rollback=True, verify=True):
    """Apply `plan`; returns the lines of what ran. Raises PlanFailed."""
    if not plan:
        return []
    model = sn.Snapshot.read(driver, plan) if rollback else None
    snapshot = copy.deepcopy(model) if rollback else None
    done = []
    for k, op in enumerate(plan, 1):
        undo = None
        if rollback:
            try:
                undo = model.inverse(driver, op)
            except NotRestorable as exc:
                undo = exc
            except IpvlanError as exc:  # reading what the inverse needs failed
                undo = NotRestorable(str(exc))
        try:
            if BEFORE_OP is not None:
                BEFORE_OP(k, op)
            outcome = run_op(driver, op)
        except IpvlanError as exc:
            _fail(driver, plan, exc, op, done, snapshot, rollback)
        if outcome == EXISTED:
            undo = []  # not made by this run: not removed by its rollback
        done.append((op, undo))
        if model is not None:
            model.applied(op)
    if verify:
        try:
            differences = check(driver, plan)
        except IpvlanError as exc:  # what was touched cannot even be read back
            differences = ["reading the result failed: %s" % exc]
        if differences:
            _fail(driver, plan, VerifyFailed(differences), None, done, snapshot, rollback)
    return [op.line() for op, _undo in done]


def _fail(driver, plan, cause, failed, done, snapshot, rollback):
    lines = [op.line() for op, _undo in done]
    failed_line = failed.line() if failed is not None else None
    if not rollback or not done:
        raise PlanFailed(cause, lines, failed=failed_line, rollback=rollback)
    rolled_back, commands, not_restored = [], [], []
    for op, undo in reversed(done):
        if isinstance(undo, NotRestorable):
            not_restored.append({"what": op.line(), "reason": str(undo)})
            continue
        ok = True
        for inverse in undo:
            try:
                run_op(driver, inverse)
                commands.append(inverse.line())
            except KernelError as exc:
                if exc.code in inverse.kind.already_done:
                    continue  # already gone (removed underneath): as wanted
                ok = False
                not_restored.append({"what": op.line(), "reason": "%s: %s" % (inverse.line(),
                                                                              exc)})
            except IpvlanError as exc:
                ok = False
                not_restored.append({"what": op.line(), "reason": "%s: %s" % (inverse.line(),
                                                                              exc)})
        if ok and undo:
            rolled_back.append(op.line())
    driver.invalidate()
    try:
        after = sn.Snapshot.read(driver, plan)
        for line in sn.compare(snapshot, after, sn.touched_namespaces(plan)):
            not_restored.append({"what": line, "reason": "differs from the state before the "
                                                         "run after rollback"})
    except IpvlanError as exc:
        not_restored.append({"what": "reading the state after rollback", "reason": str(exc)})
    raise PlanFailed(cause, lines, failed=failed_line, rolled_back=rolled_back,
                     rollback_commands=commands, not_restored=not_restored, rollback=True)


# ----------------------------------------------------------------- verifying


def expected_of(plan):
    """What the plan leaves (base.Expected: its `items` are {key: wanted}),
    from what each op's kind expects of it."""
    expected = Expected()
    for op in plan:
        op.kind.expect(expected, op)
    return expected


def check(driver, plan):
    """What differs, after applying `plan`, from what it set: readable lines.
    Every namespace touched is read once (after invalidating every dump: a
    port's mode change shows in all namespaces)."""
    expected = expected_of(plan)
    want = expected.items
    driver.invalidate()
    existing = set(driver.namespaces())
    by_netns = {}
    for key in want:
        if key[0] != "netns":
            by_netns.setdefault(key[1], []).append(key)
    views = {}
    out = []
    for key in sorted(want, key=_sort_key):
        wanted = want[key]
        if key[0] == "netns":
            if bool(wanted) != (key[1] in existing):
                out.append("namespace %s %s" % (key[1], "is missing" if wanted else
                                                "is still there"))
            continue
        netns = key[1]
        if netns is not None and netns not in existing:
            if wanted is not None:
                out.append("%s: namespace is missing" % label(netns))
            continue
        if netns not in views:
            views[netns] = _View(driver.session(netns), by_netns[netns])
        view = views[netns]
        out.extend((expected.checks.get(key) or _CHECKS[key[0]])(view, key, wanted))
    return out


def _sort_key(key):
    return tuple("" if x is None else str(x) for x in key)


class _View(object):
    """One namespace's dumps, indexed for the checks of `keys` (the
    expected_of() keys of this namespace; None: all). Links are decoded
    whole (names are attributes); of the addresses and routes, only those
    whose fixed fields can match a key: an address's device and family, a
    route's family, table and prefix length. The others (IPv6 link-local
    addresses, connected subnets' routes, ...) are skipped undecoded."""

    def __init__(self, session, keys=None):
        self.where = label(session.netns)
        self.links = dict((x["name"], x) for x in session.links())
        names = dict((x["ifindex"], x["name"]) for x in session.links())
        addr_keep = route_keep = None
        if keys is not None:
            index = dict((name, i) for i, name in names.items())
            on_devices = set((index.get(k[2]), k[3].version) for k in keys if k[0] == "addr")
            shapes = set((k[2], m.header_table(k[3]), k[4].prefixlen)
                         for k in keys if k[0] == "route")  # k[2:]: the route's identity

            def addr_keep(f):
                return (f["index"], m.ip_version(f["family"])) in on_devices

            def route_keep(f):
                return (m.ip_version(f["family"]), f["table"], f["dst_len"]) in shapes
        self.addresses = {}
        for item in session.addresses(keep=addr_keep):
            iface = ipaddress.ip_interface(item["address"])
            self.addresses[(names.get(item["ifindex"]), iface.ip)] = iface
        self.routes = {}
        # only unicast routes are planned, so only they are checked: the
        # kernel leaves the others (most of the local table) out
        for route in rt.name_routes(session.routes(keep=route_keep, unicast=True),
                                    session.links()):
            self.routes.setdefault(rt.identity(route), []).append(route)


def _check_link(view, key, wanted):
    name = key[2]
    link = view.links.get(name)
    if wanted is None:
        return ["%s: link %s is still there" % (view.where, name)] if link is not None else []
    if link is None:
        return ["%s: link %s is missing" % (view.where, name)]
    out = []
    for field in sorted(wanted):
        have = _field(link, field)
        if have != wanted[field] and not _no_ipv6_is_off(link, field, wanted[field]):
            out.append("%s: link %s %s is %s, wanted %s" % (view.where, name, field, have,
                                                            wanted[field]))
    return out


def _field(link, field):
    """A link's value of `field`: a key of the read link, or
    "ipv6.<setting>" of its IPv6 settings."""
    if field.startswith("ipv6."):
        return (link.get("ipv6") or {}).get(field[5:])
    return link.get(field)


def _no_ipv6_is_off(link, field, wanted):
    """A device without IPv6 state (IPv6 off kernel-wide) has IPv6 off."""
    return field == "ipv6.enabled" and wanted is False and link.get("ipv6") is None


def _check_addr(view, key, prefixlen):
    dev, ip = key[2], key[3]
    found = view.addresses.get((dev, ip))
    if prefixlen is None:
        return (["%s: address %s dev %s is still there" % (view.where, found, dev)]
                if found else [])
    if found is None:
        return ["%s: address %s/%d dev %s is missing" % (view.where, ip, prefixlen, dev)]
    if found.network.prefixlen != prefixlen:
        return ["%s: address %s dev %s has prefix /%d, wanted /%d"
                % (view.where, ip, dev, found.network.prefixlen, prefixlen)]
    return []


def _check_route(view, key, wanted):
    identity = key[2:]
    _family, table, dst, metric = identity
    found = view.routes.get(identity, [])
    text = "%s: route %s table %d metric %d" % (view.where, dst, table, metric)
    if wanted is None:
        return [text + " is still there"] if found else []
    if not found:
        return [text + " is missing"]
    route = found[0]
    out = []
    gateway = ipaddress.ip_address(route["gateway"]) if route.get("gateway") else None
    if gateway != wanted["gateway"]:
        out.append("%s has gateway %s, wanted %s" % (text, gateway, wanted["gateway"]))
    if wanted["dev"] is not None and route["dev"] != wanted["dev"]:
        out.append("%s has dev %s, wanted %s" % (text, route["dev"], wanted["dev"]))
    return out


_CHECKS = {"link": _check_link, "addr": _check_addr, "route": _check_route}


def converge(driver, plan, check_mode, rollback=True):
    """Apply `plan` unless in check mode (verified, and rolled back on
    failure unless `rollback` is false); return the commands (that ran, or
    that would run)."""
    if plan and not check_mode:
        execute(driver, plan, rollback=rollback)
    return plan.commands()
