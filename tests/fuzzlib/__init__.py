"""The project's own fuzzer (issue 23): an in-memory kernel that the real
engine runs over (memkernel), a generator of random topologies and starting
states usable with Hypothesis or a seeded random.Random (gen), and the
oracle that checks a kernel's state against a declaration (oracle).

Nothing here needs Hypothesis: the lab's sample (tests/integration) draws
from the same generator with the stdlib's random on Python 3.9."""
