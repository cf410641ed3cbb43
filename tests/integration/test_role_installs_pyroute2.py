"""The topology role's install path, for real: the managed node's Python
lacks pyroute2, the module says so, the role installs the distribution's
python3-pyroute2 with the package manager (apt, through
ansible.builtin.package), and the module then works; in check mode it says
it would install the package, and installs nothing.

Nothing of it may touch this machine's system, and the lab has no network.
So the playbook runs in a mount namespace of its own (unshare --mount,
private propagation) where /usr, /var and /etc are overlays on a tmpfs:
apt and dpkg really install Debian 12's package there, and all of it is
gone when the namespace ends. The .debs (python3-pyroute2 and its
dependency python3-psutil, fetched from Debian's registry by `make
lab-debs`, i.e. apt-get download) are put in apt's archive cache first: apt
takes a package from there, checked against the package lists' hashes,
instead of downloading it. The interpreter is the system's /usr/bin/python3
(Debian's Python, with python3-apt for the apt module), which has no
pyroute2: the test checks that first. The topology is empty, so that no
ipvlan is needed: what is tested is the role's path, and that the module
runs with Debian's pyroute2 afterwards."""

import glob
import os
import subprocess

import pytest

from harness import controller_tool

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
DEBS = os.path.join(ROOT, ".build", "pyroute2", "debs")
SYSTEM_PYTHON = "/usr/bin/python3"

PLAYBOOK = """
- hosts: localhost
  gather_facts: false
  roles:
    - role: linuxnet.ipvlan.topology
      vars:
        ipvlan_topology_verify: false
        ipvlan_topology_config: []
"""

# Run inside `unshare --mount --propagation private`: overlays, the debs in
# apt's cache, the playbook, then what is installed. $1: scratch directory,
# $2: playbook, $3: ansible-playbook, then the .debs.
INSIDE = r"""
set -eu
scratch=$1 playbook=$2 ansible_playbook=$3
shift 3
mount -t tmpfs tmpfs "$scratch"
for dir in usr var etc; do
    mkdir "$scratch/$dir.upper" "$scratch/$dir.work"
    mount -t overlay overlay \
        -o "lowerdir=/$dir,upperdir=$scratch/$dir.upper,workdir=$scratch/$dir.work" "/$dir"
done
cp "$@" /var/cache/apt/archives/
if /usr/bin/python3 -c 'import pyroute2' 2>/dev/null; then
    echo "CHECK: /usr/bin/python3 already has pyroute2"; exit 3
fi
status=0
"$ansible_playbook" -c local -i localhost, ${PLAYBOOK_OPTIONS-} "$playbook" || status=$?
echo "PLAYBOOK-STATUS: $status"
echo "DPKG: $(dpkg-query -W -f '${Status} ${Version}' python3-pyroute2 2>&1)"
echo "IMPORT: $(/usr/bin/python3 -c 'import pyroute2, importlib.metadata as md; print(pyroute2.__file__, md.version("pyroute2"))' 2>&1)"
"""


@pytest.fixture
def debs():
    found = sorted(glob.glob(os.path.join(DEBS, "*.deb")))
    if [os.path.basename(p).split("_")[0] for p in found] != ["python3-psutil",
                                                              "python3-pyroute2"]:
        pytest.fail("no Debian .debs in %s: make lab-debs fetches them" % DEBS)
    if not os.path.exists(SYSTEM_PYTHON):
        pytest.skip("no %s: this test needs a Debian system Python" % SYSTEM_PYTHON)
    return found


def run_role(debs, tmp_path, options=""):
    playbook = tmp_path / "role.yml"
    playbook.write_text(PLAYBOOK)
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=os.path.join(ROOT, ".build"),
               ANSIBLE_PYTHON_INTERPRETER=SYSTEM_PYTHON, ANSIBLE_NOCOLOR="1",
               ANSIBLE_LOCALHOST_WARNING="false", ANSIBLE_INVENTORY_UNPARSED_WARNING="false",
               PLAYBOOK_OPTIONS=options)
    # the suite may run with a pyroute2 on PYTHONPATH (make integration
    # puts Debian's there): the system's Python must not see it
    env.pop("PYTHONPATH", None)
    ansible_playbook = controller_tool("ansible-playbook")
    proc = subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c", INSIDE,
                           "inside", str(scratch), str(playbook), ansible_playbook] + debs,
                          capture_output=True, text=True, env=env, check=False,
                          cwd=str(tmp_path), timeout=1200)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0 and "PLAYBOOK-STATUS: 0" in out, out
    return out, env


def test_role_installs_the_distribution_pyroute2_and_the_module_works(debs, tmp_path):
    out, env = run_role(debs, tmp_path)
    # the path taken: the module failed for want of pyroute2, the rescue
    # installed the package, the second converge ran
    assert "Failed to import the required Python library (pyroute2)" in out, out
    assert "TASK [linuxnet.ipvlan.topology : Install pyroute2 from the distribution" in out, out
    assert "rescued=1" in out and "failed=0" in out, out
    assert "DPKG: install ok installed 0.7.2" in out, out
    assert "IMPORT: /usr/lib/python3/dist-packages/pyroute2/__init__.py 0.7.2" in out, out
    # and nothing of it reached this machine's system
    assert subprocess.run([SYSTEM_PYTHON, "-c", "import pyroute2"], env=env,
                          capture_output=True, check=False).returncode != 0


def test_role_in_check_mode_says_it_would_install_the_package_and_installs_nothing(debs, tmp_path):
    out = run_role(debs, tmp_path, options="--check")[0]
    assert "Failed to import the required Python library (pyroute2)" in out, out
    assert "TASK [linuxnet.ipvlan.topology : Install pyroute2 from the distribution, python3-pyroute2 with apt]" \
        in out, out
    assert "A run would first install python3-pyroute2 with apt, then converge the topology. " \
        "Nothing was installed or changed." in out, out
    assert "DPKG: dpkg-query: no packages found matching python3-pyroute2" in out, out
    assert "IMPORT: Traceback" in out and "No module named 'pyroute2'" in out, out
