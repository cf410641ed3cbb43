"""The boot command without root or a kernel: the engine imports without
ansible-core, saved files are checked against the module's argument spec,
and a missing master leaves the other ports to converge."""

import io
import json
import os
import subprocess
import sys

import pytest
from ansible_collections.linuxnet.ipvlan.tests.unit.plugins.module_utils.fakes import FakeDriver, FakeSession, link

from ansible_collections.linuxnet.ipvlan.plugins.module_utils.entry import boot
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model import argspec
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model.errors import ValidationError
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.planners import topology
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.resources import ipvlan_topology
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.resources import saved_topology

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))))


def test_engine_and_boot_command_import_without_ansible():
    # an import hook that makes every `ansible` package unimportable, as on a
    # node that never had ansible-core installed
    code = """
import sys
class NoAnsible(object):
    def find_spec(self, name, path=None, target=None):
        if name == "ansible" or name.startswith("ansible."):
            raise ImportError("no ansible here: " + name)
sys.meta_path.insert(0, NoAnsible())
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.entry import boot
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.resources import ipvlan_persist, ipvlan_topology
assert not [m for m in sys.modules if m == "ansible" or m.startswith("ansible.")]
print("ok")
"""
    proc = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=dict(os.environ, PYTHONPATH=os.path.join(ROOT, ".build")),
                          check=False)
    assert proc.stdout.strip() == "ok", proc.stderr


@pytest.mark.parametrize("name", ["default", "lab-1", "a.b_c", "x" * 64])
def test_good_names(name):
    assert saved_topology.check_name(name) == name


@pytest.mark.parametrize("name", ["", ".hidden", "-x", "a/b", "a b", "a@b", "x" * 65, "ä", None])
def test_bad_names_are_refused(name):
    with pytest.raises(ValidationError):
        saved_topology.check_name(name)


SPEC = dict(type="list", elements="dict", options=topology.PORT_OPTIONS)


def test_spec_fills_defaults_like_the_module():
    config = argspec.strict([{"master": "eth0", "links": [{"name": "ipvl0"}]}], SPEC, "config")
    port = config[0]
    assert (port["mode"], port["flags"], port["master_netns"]) == ("l3", "bridge", None)
    assert port["links"][0]["kind"] == "ipvlan" and port["links"][0]["up"] is True
    assert port["links"][0]["addresses"] == [] and port["links"][0]["mtu"] is None


@pytest.mark.parametrize("config, field", [
    ([{"master": "eth0", "links": [{"name": "ipvl0", "mtu": "1500"}]}], "config[0].links[0].mtu"),
    ([{"master": "eth0", "links": [{"name": "ipvl0", "up": 1}]}], "config[0].links[0].up"),
    ([{"master": "eth0", "mode": "l4"}], "config[0].mode"),
    ([{"master": "eth0", "colour": "red"}], "config[0].colour"),
    ([{"links": []}], "config[0].master"),
    ({"master": "eth0"}, "config"),
    ([{"master": "eth0", "links": [{"name": "x", "routes": [{"dst": "default",
                                                             "via": "10.0.0.1"}]}]}],
     "config[0].links[0].routes[0].via"),
])
def test_spec_refuses_wrong_types_and_unknown_keys(config, field):
    with pytest.raises(ValidationError) as info:
        argspec.strict(config, SPEC, "config")
    assert info.value.field == field


def saved(config, state="merged"):
    return {"name": "t", "state": state, "config": argspec.strict(config, SPEC, "config")}


def host(*links):
    return FakeDriver([FakeSession(None, links=[link("lo", ifindex=1, type_=772)] + list(links))])


def test_missing_master_is_reported_and_the_other_port_planned():
    driver = host(link("eth0", ifindex=2))
    config = [{"master": "eth9", "links": [{"name": "a0", "addresses": ["10.9.0.1/24"]}]},
              {"master": "eth0", "mode": "l2", "links": [{"name": "b0"}]}]
    commands, problems, ports = boot.converge(driver, saved(config), check_mode=True)
    assert commands == ["(host): add ipvlan b0 link eth0 mode l2 bridge up"]
    assert ports == 2 and len(problems) == 1
    assert problems[0].startswith("config[0].master:") and "eth9" in problems[0]


def test_missing_master_namespace_is_a_missing_master():
    driver = host(link("eth0", ifindex=2))
    config = [{"master": "eth0", "master_netns": "gone", "links": [{"name": "a0"}]}]
    commands, problems, _ports = boot.converge(driver, saved(config), check_mode=True)
    assert commands == [] and "gone" in problems[0]


def test_overridden_is_applied_as_replaced(monkeypatch):
    seen = {}

    def engine(driver, params, check_mode):
        seen.update(params)
        return {"commands": []}

    monkeypatch.setattr(ipvlan_topology, "engine", engine)
    boot.converge(host(link("eth0", ifindex=2)), saved([{"master": "eth0"}], "overridden"), True)
    assert seen["state"] == "replaced"


def test_a_bad_file_changes_nothing_and_exits_2(tmp_path):
    path = tmp_path / "t.json"
    path.write_text(json.dumps({"format": 1, "state": "merged", "config": [{"master": 1}]}))
    err = io.StringIO()
    assert boot.main([str(path)], out=io.StringIO(), err=err) == boot.EXIT_REFUSED
    assert "nothing was changed" in err.getvalue()
    # as root the file is trusted and its content refused; otherwise its owner
    expected = "config[0].master:" if os.geteuid() == 0 else "not root"
    assert expected in err.getvalue()


def test_usage_error_exits_2():
    err = io.StringIO()
    sys_err, sys.stderr = sys.stderr, err  # argparse prints there
    try:
        assert boot.main(["--name", "a", "file.json"]) == 2
    finally:
        sys.stderr = sys_err
    assert "not allowed with" in err.getvalue()
