"""The project's own fuzzer (issue 23): random topologies and starting
kernels, ipvlan_topology run over the in-memory kernel by the real engine,
and the properties of fuzzlib/run.py checked on each case. A failure
shrinks to one case: add it to fuzzlib/regressions.py, which
test_regressions.py runs for good, and fix the engine."""

import os

import pytest

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import event, given, note, settings  # noqa: E402
from hypothesis import strategies as st  # noqa: E402

from ansible_collections.linuxnet.ipvlan.tests.fuzzlib import gen, run  # noqa: E402

EXAMPLES = int(os.environ.get("FUZZ_EXAMPLES", "0")) or None


def seeded(test):
    """hypothesis.seed(FUZZ_SEED) when set (the profile is then not
    derandomized), for a replay or a fresh search."""
    if os.environ.get("FUZZ_SEED"):
        return hypothesis.seed(int(os.environ["FUZZ_SEED"]))(test)
    return test


def check(case, faults=True):
    report = run.check(case, faults=faults)
    event("real run: %s" % report.real.kind)
    note(str(report))
    assert not report.problems, "\n%s" % report
    return report


@seeded
@settings(settings.get_profile("fuzz"), max_examples=EXAMPLES or 2000)
@given(st.data())
def test_topology_properties(data):
    """Every property of run.check, fault injection included."""
    check(gen.case(gen.HypothesisDraw(data)))


@seeded
@settings(settings.get_profile("fuzz"), max_examples=EXAMPLES or 800)
@given(st.data())
def test_merged_on_existing_links(data):
    """merged over starting links only (declared as they are or differing):
    what it must keep is kept."""
    draw = gen.HypothesisDraw(data)
    case = gen.case(draw)
    case["state"] = "merged"
    check(case, faults=False)
