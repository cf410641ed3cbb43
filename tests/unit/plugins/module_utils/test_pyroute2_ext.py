"""The ipvlan/ipvtap extension encodes mode and flags on the wire and decodes
them from dumps; checked on bytes, without a socket or root."""

import struct

import pytest

from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model import abi
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.kernel import messages as m
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.kernel import pyroute2_ext as ext

IFLA_LINKINFO = 18
IFLA_INFO_KIND = 1
IFLA_INFO_DATA = 2


def _nlas(data):
    """Walk netlink attributes: [(type, payload)]."""
    out = []
    while len(data) >= 4:
        length, kind = struct.unpack("HH", data[:4])
        out.append((kind & 0x3FFF, data[4:length]))
        data = data[(length + 3) & ~3:]
    return out


def _info_data(msg):
    """The raw IFLA_INFO_DATA attributes of an encoded ifinfmsg."""
    msg.encode()
    raw = bytes(msg.data)
    body = raw[16 + 16:]  # nlmsghdr + ifinfomsg
    linkinfo = dict(_nlas(body))[IFLA_LINKINFO]
    info = dict(_nlas(linkinfo))
    return info[IFLA_INFO_KIND].rstrip(b"\0").decode(), dict(_nlas(info[IFLA_INFO_DATA]))


@pytest.fixture(autouse=True)
def registered():
    ext.register()


@pytest.mark.parametrize("kind", ["ipvlan", "ipvtap"])
@pytest.mark.parametrize("mode", ["l2", "l3", "l3s"])
@pytest.mark.parametrize("flags", ["bridge", "private", "vepa"])
def test_new_link_carries_mode_and_flags(kind, mode, flags):
    kind_on_wire, data = _info_data(m.link_new("ipvl0", kind, 3, mode, flags))
    assert kind_on_wire == kind
    assert struct.unpack("H", data[1][:2])[0] == ext.IPVLAN_MODES[mode]
    # flags are always sent, also 0 for bridge: a missing attribute would
    # not reset a port that is private or vepa
    assert struct.unpack("H", data[2][:2])[0] == ext.IPVLAN_FLAGS[flags]


def test_constants_match_the_kernel_uapi():
    assert ext.IPVLAN_MODES == {"l2": 0, "l3": 1, "l3s": 2}
    assert ext.IPVLAN_FLAGS == {"bridge": 0, "private": 1, "vepa": 2}


@pytest.mark.parametrize("kind", ["ipvlan", "ipvtap"])
def test_dump_decodes_mode_and_flags(kind):
    msg = m.link_new("ipvl0", kind, 3, "l3s", "vepa", mtu=1400, up=True)
    msg.encode()
    decoded = ext.ifinfmsg(bytes(msg.data))
    decoded.decode()
    link = m.parse_link(decoded, "ns0")
    assert (link["kind"], link["mode"], link["flags"]) == (kind, "l3s", "vepa")
    assert link["mtu"] == 1400 and link["up"] is True and link["netns"] == "ns0"


def test_register_is_idempotent_and_overrides_stock_plugin():
    data_map = ext.ifinfmsg.ifinfo.data_map
    ext.register()
    ext.register()
    assert data_map["ipvlan"] is ext.ipvlan_data
    assert data_map["ipvtap"] is ext.ipvlan_data


def test_change_without_mode_sends_no_linkinfo():
    msg = m.link_set(7, mtu=1400, up=True)
    msg.encode()
    body = bytes(msg.data)[32:]
    kinds = [pair[0] for pair in _nlas(body)]
    assert IFLA_LINKINFO not in kinds
    assert msg["index"] == 7 and msg["flags"] & abi.IFF_UP and msg["change"] & abi.IFF_UP


def test_the_installed_pyroute2_is_usable():
    """Whichever pyroute2 is on the path (make pyroute2-matrix runs this
    with Debian 12's, whose __version__ is 'unknown', PyPI's 0.7.2 and
    0.9.x): its version is read, and it is not called too old."""
    found = ext.version()
    assert found is not None and found >= ext.MIN_VERSION
    assert ext.missing_features() == []
    assert ext.version_problem() is None


@pytest.mark.parametrize("text,expected", [
    ("0.7.2", (0, 7, 2)), ("0.9.7", (0, 9, 7)), ("0.7.12", (0, 7, 12)), ("0.9", (0, 9, 0)),
    ("0.9.7.post1", (0, 9, 7)), ("0.8.0rc1", (0, 8, 0)), ("unknown", None), ("", None),
])
def test_version_parsing(text, expected):
    assert ext.parse_version(text) == expected


def test_an_unknown_version_is_read_from_the_metadata(monkeypatch):
    """Debian 12's python3-pyroute2 0.7.2-2: pyroute2.__version__ is
    'unknown' (no pyroute2/config/version.py); its dist-info says 0.7.2."""
    from importlib import metadata
    monkeypatch.setattr(ext.pyroute2, "__version__", "unknown")
    monkeypatch.setattr(metadata, "version", lambda name: "0.7.2")
    assert ext.version() == (0, 7, 2)
    assert ext.version_problem() is None


def test_no_version_anywhere_is_not_too_old_when_the_features_are_there(monkeypatch):
    from importlib import metadata

    def missing(name):
        raise metadata.PackageNotFoundError(name)

    monkeypatch.setattr(ext.pyroute2, "__version__", "unknown")
    monkeypatch.setattr(metadata, "version", missing)
    assert ext.version() is None
    assert ext.version_problem() is None


def test_a_known_old_version_or_a_missing_feature_is_too_old(monkeypatch):
    monkeypatch.setattr(ext, "version", lambda: (0, 5, 13))
    assert "pyroute2 0.5.13 is too old; linuxnet.ipvlan needs >= 0.5.14" in ext.version_problem()
    monkeypatch.setattr(ext, "version", lambda: None)
    monkeypatch.setattr(ext, "missing_features", lambda: ["ifinfmsg.ifinfo.data_map"])
    problem = ext.version_problem()
    assert "pyroute2 (version unknown) is too old" in problem
    assert "lacks ifinfmsg.ifinfo.data_map" in problem


def test_a_kind_table_that_is_not_there_is_named(monkeypatch):
    """A release whose ifinfmsg.ifinfo has no data_map (none known) is
    refused by the feature it lacks, not by its version."""
    monkeypatch.delattr(ext.ifinfmsg.ifinfo, "data_map")
    assert ext.missing_features() == [
        "ifinfmsg.ifinfo.data_map (the IFLA_INFO_DATA class of each link kind)"]


def test_the_message_classes_come_from_one_root():
    """0.5 and 0.7+ keep them under pyroute2.netlink, 0.6 under
    pr2modules.netlink; all of them from the same one."""
    assert ext.ROOT in ext.ROOTS
    for cls in (ext.ifinfmsg, ext.ifaddrmsg, ext.rtmsg, ext.nsidmsg, ext.NetlinkError, ext.nla):
        assert cls.__module__.split(".")[0] == ext.ROOT, cls


LAZY_CHECK = r"""
import sys
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.kernel import pyroute2_ext as ext
assert ext.HAS_PYROUTE2, ext.PYROUTE2_IMPORT_ERROR
root = ext.ROOT  # pr2modules on 0.6, whose parts live there
loaded = sorted(m for m in sys.modules if m.startswith(("pyroute2", "pr2modules")))
assert root + ".iproute" not in loaded and root + ".ndb" not in loaded, loaded
print(len(loaded), ext.version())
import pyroute2
from pyroute2 import NDB  # the rest of the package, on first use
assert pyroute2.IPRoute.__module__.startswith(root + ".iproute") and NDB
assert root + ".iproute" in sys.modules
"""


def test_the_package_init_runs_only_when_something_else_is_asked_for():
    """Importing the message classes leaves pyroute2/__init__.py (IPRoute,
    NDB, IPDB, ...) unrun, and the version is still known; code that then
    uses pyroute2 itself gets the whole package."""
    import os
    import subprocess
    import sys
    proc = subprocess.run([sys.executable, "-c", LAZY_CHECK], capture_output=True, text=True,
                          env=dict(os.environ, PYTHONPATH=os.pathsep.join(sys.path)),
                          check=False)
    assert proc.returncode == 0, proc.stderr
    count, version = proc.stdout.split(" ", 1)
    assert int(count) < 40 and version.strip() == str(ext.version())
