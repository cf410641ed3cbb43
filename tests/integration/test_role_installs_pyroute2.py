"""The topology role's install path, for real: the managed node's Python
lacks pyroute2, the module says so, the role installs the distribution's
python3-pyroute2 with the package manager, and the module then works.

Only in the lab VM (LAB_MODE=vm), where /usr and /var are throwaway
overlays: there apt really installs Debian 12's package, and nothing of it
outlives the VM. The VM has no network, so the .debs (python3-pyroute2 and
its dependency python3-psutil, fetched from Debian's registry on the host by
`make lab-debs`, i.e. apt-get download) are put in apt's archive cache
first: apt takes a package from there, checked against the package lists'
hashes, instead of downloading it. The interpreter is the system's
/usr/bin/python3, which has no pyroute2 (the test checks that first)."""

import glob
import json
import os
import shutil
import subprocess
import sys

import pytest

from harness import ip, ipvlan_data, unique_name

pytestmark = pytest.mark.ipvlan

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEBS = os.path.join(ROOT, ".build", "pyroute2", "debs")
SYSTEM_PYTHON = "/usr/bin/python3"
ARCHIVES = "/var/cache/apt/archives"

PLAYBOOK = """
- hosts: localhost
  gather_facts: false
  roles:
    - role: linuxnet.ipvlan.topology
      vars:
        ipvlan_topology_verify: false
        ipvlan_topology_config: {config}
"""


def clean_env(**extra):
    """The environment without PYTHONPATH: the suite may run with a pyroute2
    on it (make integration puts Debian's there), the system's Python must
    not see it."""
    env = dict(os.environ, **extra)
    env.pop("PYTHONPATH", None)
    return env


def has_pyroute2():
    proc = subprocess.run([SYSTEM_PYTHON, "-c", "import pyroute2"], capture_output=True,
                          env=clean_env(), check=False)
    return proc.returncode == 0


@pytest.fixture
def vm_only():
    if os.environ.get("LAB_MODE") != "vm":
        pytest.skip("installs a Debian package: only in the lab VM, whose /usr and /var are "
                    "throwaway overlays")
    debs = sorted(glob.glob(os.path.join(DEBS, "*.deb")))
    assert [os.path.basename(p).split("_")[0] for p in debs] == [
        "python3-psutil", "python3-pyroute2"], "make lab-debs fetches them (%s)" % DEBS
    assert not has_pyroute2(), "%s already has pyroute2: nothing to install" % SYSTEM_PYTHON
    return debs


def test_role_installs_the_distribution_pyroute2_and_converges(vm_only, tmp_path, make_veth,
                                                               track_netns):
    for deb in vm_only:
        shutil.copy(deb, ARCHIVES)
    master = make_veth()
    netns = unique_name("ri")
    track_netns(netns)
    config = [{"master": master, "mode": "l3", "flags": "private",
               "links": [{"name": "riv0", "netns": netns, "addresses": ["10.77.0.10/24"]}]}]
    playbook = tmp_path / "role.yml"
    playbook.write_text(PLAYBOOK.format(config=json.dumps(config)))
    env = clean_env(ANSIBLE_COLLECTIONS_PATH=os.path.join(ROOT, ".build"),
                    ANSIBLE_PYTHON_INTERPRETER=SYSTEM_PYTHON, ANSIBLE_NOCOLOR="1",
                    ANSIBLE_LOCALHOST_WARNING="false",
                    ANSIBLE_INVENTORY_UNPARSED_WARNING="false")
    proc = subprocess.run([os.path.join(os.path.dirname(sys.executable), "ansible-playbook"),
                           "-c", "local", "-i", "localhost,", str(playbook)],
                          capture_output=True, text=True, env=env, check=False, cwd=str(tmp_path))
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0, out
    # the path taken: the module failed for want of pyroute2, the package
    # task changed something, the second converge did the work
    assert "Install pyroute2 from the distribution" in out, out
    assert "failed=0" in out and "rescued=1" in out, out
    assert has_pyroute2()
    dpkg = subprocess.run(["dpkg-query", "-W", "-f", "${Status} ${Version}", "python3-pyroute2"],
                          capture_output=True, text=True, check=False)
    assert dpkg.stdout.startswith("install ok installed"), dpkg.stdout + dpkg.stderr
    # the kernel has the link the role declared
    assert ipvlan_data("riv0", netns) == ("ipvlan", "l3", "private")
    assert "10.77.0.10/24" in ip("-o", "addr", "show", "dev", "riv0", netns=netns)
