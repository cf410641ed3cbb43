"""The host lock: one changing run at a time, shared for check mode, a
timeout that names the holder. Uses a lock file in a temporary directory."""

import os
import subprocess
import sys
import time

import pytest

from ansible_collections.linuxnet.ipvlan.plugins.module_utils.kernel.lock import HostLock, LockTimeout

HOLD = """
import fcntl, os, sys, time
fd = os.open(sys.argv[1], os.O_RDWR | os.O_CREAT, 0o644)
fcntl.flock(fd, fcntl.LOCK_EX)
os.write(fd, b"%d\\n" % os.getpid())
print("held", flush=True)
time.sleep(float(sys.argv[2]))
"""


def holder(path, seconds):
    proc = subprocess.Popen([sys.executable, "-c", HOLD, path, str(seconds)],
                            stdout=subprocess.PIPE, text=True)
    assert proc.stdout.readline().strip() == "held"
    return proc


def test_timeout_names_the_holder(tmp_path):
    path = str(tmp_path / "lock")
    proc = holder(path, 30)
    try:
        with pytest.raises(LockTimeout) as exc:
            HostLock(timeout=0.3, path=path).acquire()
        assert "(pid %d)" % proc.pid in str(exc.value) and path in str(exc.value)
    finally:
        proc.kill()
        proc.wait()


def test_waits_for_the_holder_then_runs(tmp_path):
    path = str(tmp_path / "lock")
    proc = holder(path, 0.5)
    start = time.monotonic()
    with HostLock(timeout=10, path=path):
        waited = time.monotonic() - start
        with open(path) as handle:
            assert handle.read().strip() == str(os.getpid())
    proc.wait()
    assert waited >= 0.3


def test_a_killed_holder_releases_at_once(tmp_path):
    path = str(tmp_path / "lock")
    proc = holder(path, 30)
    proc.kill()
    proc.wait()
    with HostLock(timeout=1, path=path):
        pass


def test_check_mode_runs_share_the_lock(tmp_path):
    path = str(tmp_path / "lock")
    with HostLock(shared=True, timeout=1, path=path):
        with HostLock(shared=True, timeout=1, path=path):
            with pytest.raises(LockTimeout):
                HostLock(shared=False, timeout=0.2, path=path).acquire()


def test_the_lock_directory_is_made(tmp_path):
    path = str(tmp_path / "run" / "lock" / "x.lock")
    with HostLock(timeout=1, path=path):
        assert os.path.exists(path)
