"""One fuzz case over the in-memory kernel: the properties of issue 23.

check(case) builds the case's starting kernel (gen.commands() replayed by
memkernel.build) once per run of the engine and returns the properties it
breaks, as readable lines:
- no exception but the engine's IpvlanError family escapes (others
  propagate, with their traceback);
- check mode changes nothing, and fails iff the real run fails, with the
  same class of error; where both succeed they plan the same commands;
- a failed run leaves the kernel exactly as it was;
- a successful run reaches the declaration (oracle.problems, read from the
  memkernel's state, not from the engine's result) and keeps what `merged`
  must keep; running it again changes nothing;
- a failure injected before operation k (transaction.BEFORE_OP) rolls the
  kernel back to exactly the starting state.
The memkernel's nsfs must be patched in (memkernel.patch_nsfs)."""

import errno

from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model.errors import (
    IpvlanError,
    KernelError,
    PlanFailed,
)
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.ops import transaction
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.resources import ipvlan_topology

from . import gen, memkernel, oracle


class Outcome(object):
    def __init__(self, result=None, error=None):
        self.result = result
        self.error = error

    @property
    def ok(self):
        return self.error is None

    @property
    def kind(self):
        return "ok" if self.error is None else type(self.error).__name__

    @property
    def commands(self):
        return (self.result or {}).get("commands")

    def __repr__(self):
        return "ok %s" % self.commands if self.ok else "%s: %s" % (self.kind, self.error)


def engine(kernel, case, check_mode, fault=None, driver=None):
    """ipvlan_topology's engine over `kernel` (through a MemDriver), or over
    the real kernel with `driver` (a kernel/driver.Driver), as the module
    calls it."""
    params = {"state": case["state"], "config": case["config"], "rollback": True}
    saved = transaction.BEFORE_OP
    transaction.BEFORE_OP = fault
    try:
        if driver is not None:
            with driver:
                return Outcome(result=ipvlan_topology.engine(driver, params, check_mode))
        with memkernel.use(kernel), memkernel.MemDriver(kernel) as mem:
            return Outcome(result=ipvlan_topology.engine(mem, params, check_mode))
    except IpvlanError as exc:
        return Outcome(error=exc)
    finally:
        transaction.BEFORE_OP = saved


class Memory(object):
    """Where check() runs a case: the in-memory kernel."""

    @staticmethod
    def build(commands):
        return memkernel.build(commands)

    @staticmethod
    def state(kernel):
        return kernel.state()

    @staticmethod
    def engine(kernel, case, check_mode, fault=None):
        return engine(kernel, case, check_mode, fault)


def fail_at(k):
    def hook(number, op):
        if number == k:
            raise KernelError(op.line(), errno.EIO, "%s failed (EIO): injected" % op.line())
    return hook


class Report(object):
    """What one case did, for the tests' assertions and messages."""

    def __init__(self, case):
        self.case = case
        self.before = None
        self.check = self.real = self.rerun = self.fault = None
        self.fault_at = None
        self.problems = []  # (category, text)

    def add(self, category, text):
        self.problems.append((category, text))

    def __str__(self):
        lines = ["case: %r" % (self.case,), "check mode: %r" % (self.check,),
                 "real run: %r" % (self.real,)]
        if self.rerun is not None:
            lines.append("second run: %r" % (self.rerun,))
        if self.fault is not None:
            lines.append("fault before op %d: %r" % (self.fault_at, self.fault))
        return "\n".join(lines + ["PROBLEM (%s): %s" % p for p in self.problems])


def check(case, faults=True, backend=Memory):
    """The properties of one case (see the module's docstring) on `backend`
    (Memory, or the lab's kernel: tests/integration/test_fuzz_lab.py)."""
    commands = gen.commands(case)
    report = Report(case)
    kernel = backend.build(commands)
    before = backend.state(kernel)
    report.before = before
    report.check = backend.engine(kernel, case, True)
    if backend.state(kernel) != before:
        report.add("check", "check mode changed the kernel")

    kernel = backend.build(commands)
    report.real = real = backend.engine(kernel, case, False)
    after = backend.state(kernel)
    if report.check.kind != real.kind:
        report.add("check", "check mode said %s, the real run %s"
                   % (report.check.kind, real.kind))
    elif real.ok and report.check.commands != real.commands:
        report.add("check", "check mode planned other commands than the real run")
    if not real.ok:
        if after != before:
            report.add("restore", "the failed run left the kernel changed%s" % (
                " (not_restored: %s)" % real.error.not_restored
                if isinstance(real.error, PlanFailed) else ""))
        return report
    for line in oracle.problems(case, before, after):
        report.add("declaration", line)
    report.rerun = backend.engine(kernel, case, False)
    if not report.rerun.ok:
        report.add("rerun", "the second run failed")
    elif report.rerun.result["changed"]:
        report.add("rerun", "the second run changed: %s" % report.rerun.commands)

    planned = len(real.commands or [])
    if faults and planned:
        report.fault_at = k = 1 + case["fault"] % planned
        kernel = backend.build(commands)
        report.fault = backend.engine(kernel, case, False, fault=fail_at(k))
        if report.fault.ok:
            report.add("fault", "the run with a failure before op %d succeeded" % k)
        elif backend.state(kernel) != before:
            report.add("restore", "a failure before op %d did not roll back to the start%s" % (
                k, " (not_restored: %s)" % report.fault.error.not_restored
                if isinstance(report.fault.error, PlanFailed) else ""))
    return report
