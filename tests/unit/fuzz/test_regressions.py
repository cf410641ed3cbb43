"""The engine defects the fuzzer found (and issue 23's, as the fuzzer
meets them), each shrunk to a starting state (as `ip` commands: see
fuzzlib/gen.commands) and the module's arguments (fuzzlib/regressions.py),
checked by every property of fuzzlib/run.py over the in-memory kernel. Each
failed before its fix; test_fuzz_lab.py runs them on the lab's kernel on
demand (FUZZ_LAB_REGRESSIONS=1)."""

import pytest

from ansible_collections.linuxnet.ipvlan.tests.fuzzlib import run
from ansible_collections.linuxnet.ipvlan.tests.fuzzlib.regressions import CASES


@pytest.mark.parametrize("tag", sorted(CASES))
def test_defect(tag):
    report = run.check(CASES[tag])
    assert not report.problems, "\n%s" % report
