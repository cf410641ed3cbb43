"""pytest set-up shared by tests/unit and tests/integration: the collection is
importable as ansible_collections.linuxnet.ipvlan from .build/ (the Makefile
links it there), and tests/harness.py is importable as `harness`."""

import os
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
BUILD = os.path.join(ROOT, ".build")
LINK = os.path.join(BUILD, "ansible_collections", "linuxnet", "ipvlan")
if not os.path.exists(LINK):
    os.makedirs(os.path.dirname(LINK), exist_ok=True)
    os.symlink(os.path.relpath(ROOT, os.path.dirname(LINK)), LINK)
for path in (BUILD, os.path.join(ROOT, "tests")):
    if path not in sys.path:
        sys.path.insert(0, path)


def pytest_configure(config):
    config.addinivalue_line("markers", "ipvlan: needs a kernel with ipvlan/ipvtap (run through tests/lab/run)")
    config.addinivalue_line("markers", "root: needs root and a private network namespace (tests/lab/run)")


def pytest_report_header(config):
    """Which pyroute2 the run uses (make pyroute2-matrix runs several), and
    how the fuzz tests draw (tests/unit/fuzz, tests/integration/test_fuzz_lab.py)."""
    fuzz = "fuzz: %s (FUZZ_SEED), FUZZ_EXAMPLES=%s, FUZZ_LAB_SECONDS=%s" % (
        "seed " + os.environ["FUZZ_SEED"] if os.environ.get("FUZZ_SEED")
        else "unit derandomized, lab seed printed", os.environ.get("FUZZ_EXAMPLES", "default"),
        os.environ.get("FUZZ_LAB_SECONDS", "default"))
    try:
        import pyroute2
    except ImportError:
        return ["pyroute2: not importable", fuzz]
    return ["pyroute2: %s (%s)" % (getattr(pyroute2, "__version__", "?"),
                                   os.path.dirname(pyroute2.__file__)), fuzz]
