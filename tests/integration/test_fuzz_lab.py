"""The fuzzer against the lab's kernel (issue 23): a seeded, time-bounded
sample of the generator's cases (fuzzlib/gen.py, the same as the unit
suite's Hypothesis tests draw from), and the in-memory kernel's emulated
behaviours compared with the kernel's.

test_fuzz_sample: random cases from FUZZ_SEED (printed; a random one when
unset) until FUZZ_LAB_SECONDS (default 60) have passed: each starting
state built with `ip`, the topology module's engine run in-process over the
real driver, in check mode and for real (and again, and with a failure
injected before an operation), and the kernel read with `ip -j` (the
independent oracle, fuzzlib/oracle.py): no traceback, check mode predicts
the real run (failures included), a failed run restores the kernel, a rerun
changes nothing, the kernel holds what was declared. Replay one failure:
FUZZ_SEED=<seed> FUZZ_LAB_CASES=<n> (the case's number, printed) ...

test_memkernel_matches_kernel: fuzzlib/scenarios.py's scenarios through
the engine's Session on both: the same errno at each step, the same state.

test_regression_on_kernel (on demand, FUZZ_LAB_REGRESSIONS=1: some 2
minutes): each engine defect's shrunk case (fuzzlib/regressions.py) on the
lab's kernel, as in the unit suite.
"""

import errno
import json
import os
import random
import subprocess
import sys
import time
import uuid

import pytest

from harness import ip

pytestmark = pytest.mark.ipvlan

REGRESSIONS = bool(os.environ.get("FUZZ_LAB_REGRESSIONS"))
SECONDS = float(os.environ.get("FUZZ_LAB_SECONDS", "60"))


def _lab():
    from ansible_collections.linuxnet.ipvlan.tests.fuzzlib import (
        gen, memkernel, oracle, run, scenarios)
    return gen, memkernel, oracle, run, scenarios


# ----------------------------------------------------------- the lab backend


def _ip(netns, args, check=True):
    cmd = ["ip"] + (["-n", netns] if netns else []) + list(args)
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if check and proc.returncode != 0:
        raise AssertionError("%s failed: %s" % (" ".join(cmd), proc.stderr.strip()))
    return proc


def _json(netns, args):
    out = _ip(netns, ["-d", "-j"] + list(args)).stdout
    return json.loads(out or "[]")


def clean():
    """Remove what any case made: its namespaces and masters (their slaves
    go with them)."""
    gen = _lab()[0]
    for netns in gen.NAMESPACES + [".fzx"]:
        _ip(None, ["netns", "del", netns], check=False)
    for master in gen.MASTERS:
        _ip(None, ["link", "del", master], check=False)
    for item in _json(None, ["link", "show"]):  # leftovers of a failed run
        if item["ifname"].startswith(("fza", "fzt", "ipvt")):
            _ip(None, ["link", "del", item["ifname"]], check=False)


def _route_key(family, item):
    if item.get("protocol") in ("kernel", "ra") or item.get("type", "unicast") != "unicast":
        return None
    table = item.get("table", "main")
    table = {"main": 254, "local": 255, "default": 253}.get(table, table)
    if int(table) == 255:
        return None
    dst = item["dst"]
    if dst == "default":
        dst = "::/0" if family == 6 else "0.0.0.0/0"
    elif "/" not in dst:
        dst += "/128" if family == 6 else "/32"
    metric = item.get("metric", 0)
    return (family, int(table), dst, metric, item.get("gateway"), item.get("dev"),
            item.get("prefsrc"))


def read_state():
    """The kernel as oracle.py wants it, from `ip -j` only."""
    gen = _lab()[0]
    listed = [x["name"] for x in json.loads(_ip(None, ["-j", "netns", "list"]).stdout or "[]")]
    named = sorted(n for n in listed if n in gen.NAMESPACES + [".fzx"])
    macs = {}
    for item in _json(None, ["link", "show"]):
        if item["ifname"] in gen.MASTERS:
            macs[item.get("address")] = item["ifname"]
    out = {"namespaces": named, "stale": []}
    for netns in [None] + named:
        links = {}
        for item in _json(netns, ["link", "show"]):
            info = item.get("linkinfo", {})
            flags = item.get("flags", [])
            link = {"kind": info.get("info_kind"), "up": "UP" in flags, "mtu": item.get("mtu"),
                    "noarp": "NOARP" in flags}
            if link["kind"] in ("ipvlan", "ipvtap"):
                data = info.get("info_data", {})
                link.update(master=(None, macs.get(item.get("address"))), mode=data.get("mode"),
                            flags=next((f for f in ("bridge", "private", "vepa") if data.get(f)),
                                       "bridge"))
            links[item["ifname"]] = link
        addresses = []
        for item in _json(netns, ["addr", "show"]):
            for info in item.get("addr_info", []):
                if info.get("scope") == "link" and info["family"] == "inet6":
                    continue
                addresses.append((item["ifname"], "%s/%s" % (info["local"], info["prefixlen"])))
        routes = []
        for family in (4, 6):
            for item in _json(netns, ["-%d" % family, "route", "show", "table", "all"]):
                key = _route_key(family, item)
                if key is not None:
                    routes.append(key)
        out["(host)" if netns is None else netns] = {
            "links": links, "addresses": sorted(addresses), "routes": sorted(routes, key=str)}
    return out


class Lab(object):
    """run.check's backend on this kernel."""

    @staticmethod
    def build(commands):
        clean()
        for netns, args in commands:
            _ip(netns, args)
        return None

    @staticmethod
    def state(_kernel):
        return read_state()

    @staticmethod
    def engine(_kernel, case, check_mode, fault=None):
        from ansible_collections.linuxnet.ipvlan.plugins.module_utils.kernel.driver import Driver
        run = _lab()[3]
        return run.engine(None, case, check_mode, fault, driver=Driver())


# ------------------------------------------------------------- the sample


def test_fuzz_sample():
    """Random cases against the kernel for FUZZ_LAB_SECONDS; FUZZ_SEED
    replays (printed), FUZZ_LAB_CASES bounds the count."""
    gen, _memkernel, _oracle, run, _scenarios = _lab()
    seed = int(os.environ.get("FUZZ_SEED") or random.SystemRandom().randrange(1 << 31))
    limit = int(os.environ.get("FUZZ_LAB_CASES", "0")) or None
    print("fuzz sample: FUZZ_SEED=%d (FUZZ_LAB_SECONDS=%s)" % (seed, SECONDS))
    sys.stdout.flush()
    rnd = random.Random(seed)
    start = time.time()
    done, failures = 0, []
    try:
        while time.time() - start < SECONDS and (limit is None or done < limit):
            case = gen.case(gen.RandomDraw(rnd))
            done += 1
            report = run.check(case, backend=Lab)
            if report.problems:
                failures.append("case %d of FUZZ_SEED=%d:\n%s" % (done, seed, report))
                if limit is None:
                    break  # replay: FUZZ_SEED=seed FUZZ_LAB_CASES=done
    finally:
        clean()
    print("fuzz sample: %d cases in %.0f s" % (done, time.time() - start))
    assert done > 0
    assert not failures, "\n\n".join(failures)


# ------------------------------------------- the memkernel against the kernel


class LabTarget(object):
    """fuzzlib/scenarios' Target on this kernel, with names of its own."""

    def __init__(self):
        scenarios = _lab()[4]
        self.suffix = uuid.uuid4().hex[:4]
        self._base = scenarios.Target()
        self._base.suffix = self.suffix
        self.made = []

    def name(self, placeholder):
        return self._base.name(placeholder)

    def reverse(self):
        return self._base.reverse()

    def driver(self):
        from ansible_collections.linuxnet.ipvlan.plugins.module_utils.kernel.driver import Driver
        return Driver()

    def veth(self, master):
        ip("link", "add", master, "type", "veth", "peer", "name", master + "p")
        self.made.append(("link", master))
        for dev in (master, master + "p"):
            ip("link", "set", dev, "addrgenmode", "none")
            ip("link", "set", dev, "up")

    def netns(self, name):
        ip("netns", "add", name)
        self.made.append(("netns", name))

    def cleanup(self):
        for what, name in reversed(self.made):
            ip(what, "del", name, check=False)


def _scenario_names():
    from ansible_collections.linuxnet.ipvlan.tests.fuzzlib import scenarios
    return sorted(scenarios.SCENARIOS)


@pytest.mark.parametrize("name", _scenario_names())
def test_memkernel_matches_kernel(name):
    """The same requests get the same errno from both, step by step, and
    leave the same state (read through the same Session code)."""
    _gen, memkernel, _oracle, _run, scenarios = _lab()
    steps = scenarios.SCENARIOS[name]
    spaces = [s[1] for s in steps if s[0] == "netns"]
    lab = LabTarget()
    try:
        real = scenarios.run(lab, steps)
        real_state = scenarios.state(lab, spaces)
    finally:
        lab.cleanup()
    kernel = memkernel.Kernel()
    mem = scenarios.MemTarget(kernel)
    mem.suffix = lab.suffix
    with pytest.MonkeyPatch.context() as mp, memkernel.use(kernel):
        memkernel.patch_nsfs(mp)
        emulated = scenarios.run(mem, steps)
        emulated_state = scenarios.state(mem, spaces)
    differ = ["%s: kernel %s, memkernel %s" % (step, errno.errorcode.get(a, a),
                                               errno.errorcode.get(b, b))
              for (step, a), (_s, b) in zip(real, emulated) if a != b]
    assert not differ, "\n".join(differ)
    assert emulated_state == real_state, "kernel:\n%s\nmemkernel:\n%s" % (
        json.dumps(real_state, indent=1, default=str),
        json.dumps(emulated_state, indent=1, default=str))


def _regression_tags():
    from ansible_collections.linuxnet.ipvlan.tests.fuzzlib.regressions import CASES
    return sorted(CASES)


@pytest.mark.skipif(not REGRESSIONS, reason="on demand: FUZZ_LAB_REGRESSIONS=1")
@pytest.mark.parametrize("tag", _regression_tags())
def test_regression_on_kernel(tag):
    """A defect's shrunk case, every property, on this kernel."""
    from ansible_collections.linuxnet.ipvlan.tests.fuzzlib.regressions import CASES
    run = _lab()[3]
    try:
        report = run.check(CASES[tag], backend=Lab)
    finally:
        clean()
    assert not report.problems, "\n%s" % report
