"""The topology role's fallback, for real: the managed node's Python lacks
pyroute2 and its package manager cannot supply one, so the role makes a venv
of the collection's with the node's `python3 -m venv`, installs pyroute2
into it with pip, and runs the modules with the venv's python. With the
fallback off it fails, saying what to do; in check mode it says what it
would install and installs nothing.

As in test_role_installs_pyroute2.py, the playbook runs in a mount
namespace of its own (unshare --mount, private propagation) whose /usr,
/var, /etc and /opt (the venv's default place, /opt/linuxnet-ipvlan/venv)
are overlays on a tmpfs: all of it is gone when the namespace ends. apt
there has no package lists and no sources, as on a node whose mirror lacks
python3-pyroute2 (or RHEL 9 without EPEL): apt answers that no such package
is available. The native lab has no network, so pip gets PyPI's wheel
(`make lab-wheels` downloads it, .venv's version) from a package index in a
directory, through the role's ipvlan_topology_pyroute2_index_url; the rest
of pip's configuration on this machine (/etc/pip.conf, root's pip.conf,
PIP_* variables) is the venv's pip's too. The interpreter is the system's
/usr/bin/python3 (Debian's, with python3-venv), which has no pyroute2: the
test checks that first. The topology is empty, so that no ipvlan is needed.
"""

import glob
import os
import re
import subprocess

import pytest

from harness import controller_tool

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
WHEELS = os.path.join(ROOT, ".build", "pyroute2", "wheels")
SYSTEM_PYTHON = "/usr/bin/python3"
VENV = "/opt/linuxnet-ipvlan/venv"

# verify: true runs ipvlan_info after the converge: a second module, which
# must run with the venv's python too. The debug task shows the role's
# record of where pyroute2 came from.
PLAYBOOK = """
- hosts: localhost
  gather_facts: false
  roles:
    - role: linuxnet.ipvlan.topology
      vars:
        ipvlan_topology_verify: true
        ipvlan_topology_config: []
        ipvlan_topology_pyroute2_fallback: {fallback}
        ipvlan_topology_pyroute2_index_url: {index}
  post_tasks:
    - name: Show where pyroute2 came from
      ansible.builtin.debug:
        msg: >-
          PYROUTE2-SOURCE: {{{{ ipvlan_topology_pyroute2.source }}}} {{{{ ipvlan_topology_pyroute2.venv }}}}
          {{{{ ipvlan_topology_pyroute2.python }}}} {{{{ ipvlan_topology_pyroute2.pip_spec }}}}
          {{{{ ipvlan_topology_pyroute2.index_url }}}}
"""

# Run inside `unshare --mount --propagation private`: overlays, apt without
# package lists or sources, the playbook, then what is installed. $1:
# scratch directory, $2: playbook, $3: ansible-playbook, then its options.
INSIDE = r"""
set -eu
scratch=$1 playbook=$2 ansible_playbook=$3
shift 3
mount -t tmpfs tmpfs "$scratch"
for dir in usr var etc opt; do
    mkdir "$scratch/$dir.upper" "$scratch/$dir.work"
    mount -t overlay overlay \
        -o "lowerdir=/$dir,upperdir=$scratch/$dir.upper,workdir=$scratch/$dir.work" "/$dir"
done
rm -rf /var/lib/apt/lists/* /etc/apt/sources.list /etc/apt/sources.list.d/*
if /usr/bin/python3 -c 'import pyroute2' 2>/dev/null; then
    echo "CHECK: /usr/bin/python3 already has pyroute2"; exit 3
fi
if [ -e /opt/linuxnet-ipvlan ]; then
    echo "CHECK: /opt/linuxnet-ipvlan exists already"; exit 3
fi
status=0
"$ansible_playbook" -c local -i localhost, "$@" "$playbook" || status=$?
echo "PLAYBOOK-STATUS: $status"
echo "DPKG: $(dpkg-query -W -f '${Status}' python3-pyroute2 2>&1)"
echo "SYSTEM-IMPORT: $(/usr/bin/python3 -c 'import pyroute2' 2>&1 | tail -1)"
echo "VENV: $(ls -d /opt/linuxnet-ipvlan/venv 2>&1)"
if [ -x /opt/linuxnet-ipvlan/venv/bin/python ]; then
    echo "VENV-IMPORT: $(/opt/linuxnet-ipvlan/venv/bin/python -c \
        'import pyroute2, importlib.metadata as md; print(pyroute2.__file__, md.version("pyroute2"))' 2>&1)"
fi
"""


@pytest.fixture
def index(tmp_path):
    """A PEP 503 package index in a directory, holding PyPI's pyroute2 wheel:
    its file:// URL."""
    wheels = sorted(glob.glob(os.path.join(WHEELS, "pyroute2-*.whl")))
    if not wheels:
        pytest.fail("no pyroute2 wheel in %s: make lab-wheels downloads it" % WHEELS)
    if not os.path.exists(SYSTEM_PYTHON):
        pytest.skip("no %s: this test needs a Debian system Python" % SYSTEM_PYTHON)
    simple = tmp_path / "index" / "simple"
    (simple / "pyroute2").mkdir(parents=True)
    (simple / "index.html").write_text('<!DOCTYPE html><html><body><a href="pyroute2/">pyroute2</a></body></html>\n')
    links = "".join('<a href="file://%s">%s</a>\n' % (path, os.path.basename(path)) for path in wheels)
    (simple / "pyroute2" / "index.html").write_text("<!DOCTYPE html><html><body>\n%s</body></html>\n" % links)
    return "file://%s" % simple, wheels


def run_role(tmp_path, index_url, fallback="venv", options=()):
    playbook = tmp_path / "role.yml"
    playbook.write_text(PLAYBOOK.format(fallback=fallback, index=index_url))
    scratch = tmp_path / "scratch"
    scratch.mkdir()
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=os.path.join(ROOT, ".build"),
               ANSIBLE_PYTHON_INTERPRETER=SYSTEM_PYTHON, ANSIBLE_NOCOLOR="1",
               ANSIBLE_LOCALHOST_WARNING="false", ANSIBLE_INVENTORY_UNPARSED_WARNING="false")
    # the suite may run with a pyroute2 on PYTHONPATH: no Python of the
    # node may see it
    env.pop("PYTHONPATH", None)
    ansible_playbook = controller_tool("ansible-playbook")
    proc = subprocess.run(["unshare", "--mount", "--propagation", "private", "sh", "-c", INSIDE,
                           "inside", str(scratch), str(playbook), ansible_playbook] + list(options),
                          capture_output=True, text=True, env=env, check=False,
                          cwd=str(tmp_path), timeout=1200)
    out = proc.stdout + proc.stderr
    assert proc.returncode == 0 and "CHECK:" not in out, out
    return out


def module_interpreters(out, module):
    """The interpreters the -vvv output shows running `module`'s AnsiballZ."""
    return re.findall(r"EXEC /bin/sh -c '(\S+) \S*/AnsiballZ_%s\.py" % module, out)


def test_role_falls_back_to_a_venv_and_the_modules_run_with_its_python(index, tmp_path):
    index_url, wheels = index
    version = os.path.basename(wheels[-1]).split("-")[1]
    out = run_role(tmp_path, index_url, options=["-vvv"])
    assert "PLAYBOOK-STATUS: 0" in out, out
    # the path taken: the module failed for want of pyroute2, apt had no
    # package, pip installed pyroute2 into the venv, the module ran again
    assert "Failed to import the required Python library (pyroute2)" in out, out
    assert "No package matching 'python3-pyroute2' is available" in out, out
    assert ("TASK [linuxnet.ipvlan.topology : Install pyroute2 with pip into the venv, pyroute2>=0.5.14 into %s]"
            % VENV) in out, out
    assert "failed=0" in out, out
    # with the venv's python: the converge after the fallback, and the
    # verify step's ipvlan_info
    assert module_interpreters(out, "ipvlan_topology") == [SYSTEM_PYTHON, VENV + "/bin/python"], out
    assert module_interpreters(out, "ipvlan_info") == [VENV + "/bin/python"], out
    assert ("PYROUTE2-SOURCE: venv %s %s/bin/python pyroute2>=0.5.14 %s" % (VENV, VENV, index_url)) in out, out
    # PyPI's wheel, in the venv (whose python is the system's python3)
    assert re.search(r"^VENV-IMPORT: %s/lib/python3\.\d+/site-packages/pyroute2/__init__\.py %s$"
                     % (re.escape(VENV), re.escape(version)), out, re.M), out
    # the system's Python was left alone, and so was this machine
    assert "DPKG: dpkg-query: no packages found matching python3-pyroute2" in out, out
    assert "SYSTEM-IMPORT: ModuleNotFoundError: No module named 'pyroute2'" in out, out
    assert not os.path.exists("/opt/linuxnet-ipvlan")


def test_role_with_the_fallback_off_fails_saying_what_to_do(index, tmp_path):
    index_url = index[0]
    out = run_role(tmp_path, index_url, fallback="none")
    assert "PLAYBOOK-STATUS: 2" in out, out
    assert "No package matching 'python3-pyroute2' is available" in out, out
    message = re.search(r'"msg": "(pyroute2 is not usable on this node .*)"', out)
    assert message, out
    text = message.group(1)
    assert "Failed to import the required Python library (pyroute2)" in text, text
    assert "ipvlan_topology_pyroute2_fallback is none" in text, text
    for remedy in ("make the distribution's python3-pyroute2 installable with apt", "enable EPEL",
                   "set ipvlan_topology_pyroute2_fallback: venv to install pyroute2>=0.5.14 with pip into "
                   + VENV, "install pyroute2 0.5.14 or later for the node's Python yourself"):
        assert remedy in text, text
    assert "VENV: ls: cannot access '%s'" % VENV in out, out


def test_role_in_check_mode_says_what_it_would_install_and_installs_nothing(index, tmp_path):
    index_url = index[0]
    out = run_role(tmp_path, index_url, options=["--check"])
    assert "PLAYBOOK-STATUS: 0" in out, out
    message = re.search(r'"msg": "(Check mode: pyroute2 is not usable on this node .*)"', out)
    assert message, out
    assert ("A run would first install pyroute2>=0.5.14 with pip into the venv %s (from %s) and run the "
            "modules with %s/bin/python, then converge the topology. Nothing was installed or changed."
            % (VENV, index_url, VENV)) in message.group(1), out
    # no module ran after the one that found no pyroute2: verify is left out
    assert re.search(r"Read the topology back from the kernel\] \**\nskipping: ", out), out
    assert "VENV: ls: cannot access '%s'" % VENV in out, out
    assert "DPKG: dpkg-query: no packages found matching python3-pyroute2" in out, out
