"""The engine defects the fuzzer found (and the issue's, as the fuzzer
meets them), each shrunk to a starting state (as `ip` commands: see
fuzzlib/gen.commands) and the module's arguments (fuzzlib/regressions.py),
checked by every property of fuzzlib/run.py over the in-memory kernel.

Each is xfail(strict=True) while its tag is in fuzzlib/known.KNOWN (which
excuses its class in test_fuzz.py meanwhile): when a fix lands the test
passes, strict xfail turns that into a failure, and the one thing to do is
to delete the tag's entry from known.KNOWN; the case then stays here as a
plain regression test. test_known_defect_is_recognised keeps known.py's
recognisers honest: each open case must reproduce and carry its tag."""

import pytest

from ansible_collections.linuxnet.ipvlan.tests.fuzzlib import known, run
from ansible_collections.linuxnet.ipvlan.tests.fuzzlib.regressions import CASES


@pytest.mark.parametrize("tag", sorted(t for t in CASES if t in known.KNOWN))
def test_known_defect_is_recognised(tag):
    report = run.check(CASES[tag])
    assert report.problems, "no longer reproduces: %s\n%s" % (tag, report)
    assert tag in known.tags(report), report


def _open(tag):
    """The xfail of a defect still open (its tag in known.KNOWN)."""
    if tag not in known.KNOWN:
        return ()
    return pytest.mark.xfail(strict=True, reason="%s: %s (fixed? delete '%s' from "
                                                 "fuzzlib/known.py KNOWN)"
                             % (tag, known.KNOWN[tag][0], tag))


@pytest.mark.parametrize("tag", [pytest.param(tag, marks=_open(tag)) for tag in sorted(CASES)])
def test_defect(tag):
    report = run.check(CASES[tag])
    assert not report.problems, "\n%s" % report
