"""The fuzz tests' set-up: the in-memory kernel's nsfs patched in for the
whole module (so that Hypothesis' examples share it), a deterministic
kernel configuration for preflight, and the Hypothesis profile.

Only test_fuzz.py needs Hypothesis. Environment:
  FUZZ_EXAMPLES  examples per property test (default: each test's own)
  FUZZ_SEED      run Hypothesis from this seed instead of derandomized
                 (the default, for a deterministic `make unit`); a failure
                 prints its seed and the shrunk case either way."""

import os

import pytest

from ansible_collections.linuxnet.ipvlan.tests.fuzzlib import memkernel

try:  # `make matrix` runs tests/unit without it: test_fuzz.py is skipped there
    import hypothesis
except ImportError:
    hypothesis = None
else:
    hypothesis.settings.register_profile(
        "fuzz", deadline=None, derandomize=not os.environ.get("FUZZ_SEED"), database=None,
        print_blob=True, suppress_health_check=list(hypothesis.HealthCheck))


@pytest.fixture(autouse=True, scope="module")
def in_memory_kernel():
    """nsfs works on memkernel.CURRENT; l3s is configured (the host's own
    kernel configuration must not decide what preflight says)."""
    from ansible_collections.linuxnet.ipvlan.plugins.module_utils.ops import preflight
    with pytest.MonkeyPatch.context() as mp:
        memkernel.patch_nsfs(mp)
        mp.setattr(preflight, "l3s_configured", lambda release=None: True)
        yield
