"""What ipvlan_persist writes, without root: the systemd names, the unit,
the drop-in and the engine files it installs."""

import shutil
import subprocess

import pytest

from ansible_collections.linuxnet.ipvlan.plugins.module_utils.planners import topology
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.resources import ipvlan_persist as persist


@pytest.mark.parametrize("ifname", ["eth0", "eth0.10", "br-lan", "a@b", "x_y:z", "wlp0s20f3",
                                    "é1", ".dot"])
def test_device_unit_is_what_systemd_escape_gives(ifname):
    tool = shutil.which("systemd-escape")
    if tool is None:
        pytest.skip("systemd-escape is not installed")
    expected = subprocess.run([tool, "--path", "--suffix=device",
                               "/sys/subsystem/net/devices/" + ifname],
                              capture_output=True, text=True, check=True).stdout.strip()
    assert persist.device_unit(ifname) == expected


def test_device_unit_examples():
    assert persist.device_unit("eth0.10") == "sys-subsystem-net-devices-eth0.10.device"
    assert persist.device_unit("br-lan") == "sys-subsystem-net-devices-br\\x2dlan.device"


def test_dropin_waits_for_host_masters_only():
    want = topology.normalize([{"master": "eth0", "links": []},
                               {"master": "eth1", "master_netns": "outer", "links": []},
                               {"master": "eth0", "links": [{"name": "x"}]}])
    text = persist.dropin_text("lab", want)
    lines = [x for x in text.splitlines() if not x.startswith("#")]
    assert lines == ["[Unit]", "Wants=sys-subsystem-net-devices-eth0.device",
                     "After=sys-subsystem-net-devices-eth0.device"]
    assert "eth1 in namespace outer" in text and "Before=linuxnet-ipvlan@lab.service" in text


def test_unit_runs_the_command_once_and_stays_active():
    keys = [x for x in persist.unit_text().splitlines() if x and not x.startswith("#")]
    assert "Type=oneshot" in keys and "RemainAfterExit=yes" in keys
    assert "ExecStart=/usr/local/sbin/linuxnet-ipvlan-apply --name %i" in keys
    assert "WantedBy=multi-user.target" in keys
    before = [x for x in keys if x.startswith("Before=")][0].split("=", 1)[1].split()
    assert {"network.target", "network-online.target", "docker.service"} <= set(before)
    after = [x for x in keys if x.startswith("After=")][0].split("=", 1)[1].split()
    assert "network-pre.target" in after


def test_engine_is_boot_and_what_it_imports_without_the_ansible_runner():
    sources = persist.engine_sources()
    assert {"entry/boot.py", "entry/__init__.py", "resources/ipvlan_topology.py",
            "planners/topology.py", "ops/base.py", "ops/transaction.py", "kernel/driver.py",
            "kernel/pyroute2_ext.py", "model/errors.py", "model/__init__.py"} <= set(sources)
    assert "entry/runner.py" not in sources and "resources/ipvlan_persist.py" not in sources
    # packages as they are laid out: each with its __init__.py, every file in one
    for path in sources:
        assert path.count("/") == 1 and path.split("/")[0] + "/__init__.py" in sources
    for source in sources.values():
        assert "from ansible." not in source and "import ansible\n" not in source


def test_script_is_isolated_python_with_the_engine_first():
    text = persist.script_text("/usr/bin/python3")
    assert text.startswith("#!/usr/bin/python3 -IB\n")
    assert "sys.path.insert(0, '/usr/local/lib/linuxnet-ipvlan')" in text
    compile(text, "linuxnet-ipvlan-apply", "exec")
