"""An ipvtap's `tap` option without a kernel: parsing, comparison with the
node, the plans of ipvlan_topology, and the handler on a stand-in node."""

import os
import stat

import pytest

from ansible_collections.linuxnet.ipvlan.plugins.module_utils.planners import tap
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.planners import topology as t
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model.errors import (
    KernelError,
    ValidationError,
)
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.kernel import devices
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.ops import tap as ops_tap

from ansible_collections.linuxnet.ipvlan.tests.unit.plugins.module_utils.fakes import make_op, link


@pytest.mark.parametrize("mode, value", [("0660", 0o660), ("660", 0o660), ("0o640", 0o640),
                                         (0o600, 0o600), ("2770", 0o2770)])
def test_mode_forms(mode, value):
    assert tap.normalize({"mode": mode}, "ipvtap", "tap")["mode"] == value


@pytest.mark.parametrize("spec, field, words", [
    ({"mode": "rw-rw----"}, "tap.mode", "not an octal mode"),
    ({"mode": "17777"}, "tap.mode", "outside"),
    ({"mode": True}, "tap.mode", "octal"),
    ({"owner": "no-such-user-here"}, "tap.owner", "no user"),
    ({"group": "no-such-group-here"}, "tap.group", "no group"),
])
def test_bad_tap_names_the_field(spec, field, words):
    with pytest.raises(ValidationError) as exc:
        tap.normalize(spec, "ipvtap", "tap")
    assert exc.value.field == field and words in exc.value.reason


def test_names_and_numbers_resolve_and_only_ipvtap_has_one():
    want = tap.normalize({"owner": "root", "group": "0", "mode": "0660", "path": "/dev/tap9"},
                         "ipvtap", "tap")
    assert (want["uid"], want["gid"], want["mode"]) == (0, 0, 0o660)
    assert tap.normalize({"path": "/dev/tap9"}, "ipvtap", "tap") is None  # path is read-only
    with pytest.raises(ValidationError) as exc:
        tap.normalize({"mode": "0660"}, "ipvlan", "config[0].links[0].tap")
    assert exc.value.field == "config[0].links[0].tap"


def test_changes_name_only_what_differs():
    want = tap.normalize({"owner": "root", "group": "0", "mode": "0660"}, "ipvtap", "tap")
    op = tap.plan("ns0", "vm0", want, None)
    assert (op.line(), op.args) == ("ns0: set tap of vm0 mode 0660",
                                    {"name": "vm0", "uid": None, "gid": None, "mode": 0o660})
    op = tap.plan("ns0", "vm0", want, {"uid": 1000, "gid": 1000, "mode": 0o660})
    assert (op.text, op.args["uid"], op.args["gid"], op.args["mode"]) == (
        "set tap of vm0 owner root group 0", 0, 0, None)
    assert tap.plan("ns0", "vm0", want, {"uid": 0, "gid": 0, "mode": 0o660}) is None
    assert tap.plan("ns0", "vm0", tap.normalize({"owner": "0"}, "ipvtap", "tap"), None) is None
    assert tap.plan("ns0", "vm0", None, None) is None
    assert tap.predict(want, None) == {"uid": 0, "gid": 0, "mode": 0o660}


def test_describe_is_the_config_shape():
    assert devices.describe(7, {"uid": 0, "gid": 0, "mode": 0o660}) == {
        "path": "/dev/tap7", "owner": "root", "group": "root", "mode": "0660"}
    assert devices.describe(7, {"uid": 4242424, "gid": 0, "mode": 0o600})["owner"] == "4242424"
    assert devices.describe(7, None) == {"path": "/dev/tap7", "owner": None, "group": None,
                                         "mode": None}


CONFIG = [{"master": "eth0", "mode": "l2", "links": [
    {"name": "vm0", "kind": "ipvtap", "netns": "ns0", "tap": {"group": "0", "mode": "0660"}}]}]


def have(node):
    state = t.empty_host()
    state["namespaces"] = {"ns0"}
    state["links"]["ns0"] = {"vm0": link("vm0", "ns0", 2, kind="ipvtap", mode="l2",
                                         flags="bridge")}
    state["lo"]["ns0"] = state["lo_up"]["ns0"] = True
    state["members"][(None, "eth0")] = [{"name": "vm0", "netns": "ns0", "kind": "ipvtap",
                                         "up": True, "mtu": 1500}]
    state["mode"][(None, "eth0")] = ("l2", "bridge")
    state["taps"][("ns0", "vm0")] = node
    return state


def commands(config, state):
    return t.plan_topology(t.normalize(config), state, "merged").commands()


def test_tap_is_set_after_creation_and_only_when_it_differs():
    assert commands(CONFIG, t.empty_host())[-1] == "ns0: set tap of vm0 mode 0660"
    assert commands(CONFIG, have({"uid": 7, "gid": 0, "mode": 0o660})) == []
    assert commands(CONFIG, have({"uid": 0, "gid": 5, "mode": 0o600})) == [
        "ns0: set tap of vm0 group 0 mode 0660"]


def test_tap_is_set_again_after_a_move():
    """A slave made in its master's namespace and then declared elsewhere
    is moved (the HOWTO's flow); its node is made anew."""
    state = have({"uid": 0, "gid": 0, "mode": 0o660})
    state["links"][None] = {"vm0": dict(state["links"]["ns0"].pop("vm0"), netns=None)}
    state["members"][(None, "eth0")][0]["netns"] = None
    state["taps"] = {(None, "vm0"): {"uid": 0, "gid": 0, "mode": 0o660}}
    assert commands(CONFIG, state) == ["(host): move link vm0 to netns ns0",
                                       "ns0: set link vm0 up",
                                       "ns0: set tap of vm0 mode 0660"]


class Session(object):
    def __init__(self, index):
        self.index = index

    def index_of(self, name):
        return self.index


class Driver(object):
    def __init__(self, index):
        self.s = Session(index)

    def session(self, netns):
        return self.s


@pytest.mark.skipif(os.geteuid() != 0, reason="mknod needs root")
def test_handler_sets_the_node_found_by_index_and_refuses_other_files(tmp_path, monkeypatch):
    monkeypatch.setattr(devices, "DEV", str(tmp_path))
    monkeypatch.setattr(devices, "ipvtap_major", lambda: 1)
    node = tmp_path / "tap5"
    os.mknod(str(node), 0o600 | stat.S_IFCHR, os.makedev(1, 3))
    op = make_op("ns0", "tap_set", "set tap of vm0 group 0 mode 0660", name="vm0", uid=None, gid=0,
                 mode=0o660)
    ops_tap.TapSet.run(Driver(5), op)
    assert stat.S_IMODE(os.stat(str(node)).st_mode) == 0o660
    assert devices.read(5, "vm0") == {"uid": 0, "gid": 0, "mode": 0o660}
    # /sys/dev/char names the device whose node it is
    sys_dev = tmp_path / "sys"
    sys_dev.mkdir()
    monkeypatch.setattr(devices, "SYS_DEV_CHAR", str(sys_dev))
    os.symlink("../../devices/virtual/net/other0/tap5", str(sys_dev / "1:3"))
    assert devices.read(5, "vm0") is None and devices.read(5, "other0") is not None
    with pytest.raises(KernelError) as exc:
        ops_tap.TapSet.run(Driver(5), op)
    assert "ipvtap 'other0' in another namespace" in str(exc.value)
    os.remove(str(sys_dev / "1:3"))
    os.symlink("../../devices/virtual/net/vm0/ipvtap/tap5", str(sys_dev / "1:3"))
    assert devices.read(5, "vm0") is not None
    os.remove(str(sys_dev / "1:3"))
    os.symlink("../../devices/pci0000:00/0000:00:01.0/tty/tap5", str(sys_dev / "1:3"))
    assert devices.holder(os.stat(str(node)).st_rdev) is None
    os.remove(str(sys_dev / "1:3"))
    with pytest.raises(KernelError) as exc:
        ops_tap.TapSet.run(Driver(6), op)  # no /dev/tap6
    assert "ENOENT" in str(exc.value)
    (tmp_path / "tap7").write_text("")
    with pytest.raises(KernelError) as exc:
        ops_tap.TapSet.run(Driver(7), op)
    assert "not an ipvtap character device" in str(exc.value)
    monkeypatch.setattr(devices, "ipvtap_major", lambda: 250)  # another driver's node
    with pytest.raises(KernelError):
        ops_tap.TapSet.run(Driver(5), op)
