# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.ipvlan contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one place that imports pyroute2, checks that it is usable, and
teaches it the ipvlan/ipvtap attributes it lacks.

Stock pyroute2 (0.7 and 0.9) knows only IFLA_IPVLAN_MODE for kind 'ipvlan'
and nothing for 'ipvtap': IFLA_IPVLAN_FLAGS is silently dropped when
creating, and an ipvtap's mode is dropped too (see shared/ipvlan-facts.md).
register() installs one nla class for both kinds, idempotently.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import sys
import traceback

MIN_VERSION = (0, 7, 2)


def _lazy_package():
    """The pyroute2 package, its __init__ not run yet.

    pyroute2/__init__.py imports all of pyroute2 (IPRoute, NDB, IPDB,
    conntrack, ethtool, ...: 163 modules in 0.9.7) where the message
    classes below need 28: 0.3 s of a module run natively, about 10 s in the
    lab VM (docs/performance.md). So the package is registered without
    running its __init__, and the submodules are imported from its path.
    A subpackage asked of it (from pyroute2 import config) is imported
    alone; the first other attribute it lacks (pyroute2.IPRoute, from
    pyroute2 import NDB) runs its __init__ then, into the same module, so
    any other code in the process sees the whole package."""
    if "pyroute2" in sys.modules:
        return sys.modules["pyroute2"]
    import importlib
    import importlib.util
    spec = importlib.util.find_spec("pyroute2")
    if spec is None or spec.loader is None or not spec.submodule_search_locations:
        import pyroute2  # not a package we know how to defer: the usual import
        return pyroute2
    package = importlib.util.module_from_spec(spec)

    def complete(name):
        if not name.startswith("_") and importlib.util.find_spec("pyroute2." + name) is not None:
            # a subpackage (from pyroute2 import config): import just that
            return importlib.import_module("pyroute2." + name)
        if package.__dict__.get("__getattr__") is complete:
            del package.__dict__["__getattr__"]
            spec.loader.exec_module(package)
        try:
            return package.__dict__[name]
        except KeyError:
            raise AttributeError("module 'pyroute2' has no attribute '%s'" % name)

    package.__getattr__ = complete  # PEP 562
    sys.modules["pyroute2"] = package
    return package


try:
    pyroute2 = _lazy_package()
    from pyroute2.netlink import nla
    # the message classes and NetlinkError are used through this module
    from pyroute2.netlink.exceptions import NetlinkError  # pylint: disable=unused-import
    from pyroute2.netlink.rtnl.ifaddrmsg import ifaddrmsg  # pylint: disable=unused-import
    from pyroute2.netlink.rtnl.ifinfmsg import ifinfmsg
    from pyroute2.netlink.rtnl.nsidmsg import nsidmsg  # pylint: disable=unused-import
    from pyroute2.netlink.rtnl.rtmsg import rtmsg  # pylint: disable=unused-import
    HAS_PYROUTE2 = True
    PYROUTE2_IMPORT_ERROR = None
except ImportError:  # pragma: no cover - exercised on nodes without pyroute2
    HAS_PYROUTE2 = False
    PYROUTE2_IMPORT_ERROR = traceback.format_exc()
    ifinfmsg = ifaddrmsg = rtmsg = nsidmsg = None

    class NetlinkError(Exception):  # type: ignore[no-redef]
        """Stand-in so `except NetlinkError` works without pyroute2."""

        code = 0

    class nla(object):  # type: ignore[no-redef]
        """Stand-in base class; never instantiated without pyroute2."""


# include/uapi/linux/if_link.h
IPVLAN_MODES = {"l2": 0, "l3": 1, "l3s": 2}
IPVLAN_MODE_NAMES = dict((v, k) for k, v in IPVLAN_MODES.items())
IPVLAN_F_PRIVATE = 0x01
IPVLAN_F_VEPA = 0x02
IPVLAN_FLAGS = {"bridge": 0, "private": IPVLAN_F_PRIVATE, "vepa": IPVLAN_F_VEPA}
IPVLAN_FLAG_NAMES = dict((v, k) for k, v in IPVLAN_FLAGS.items())


class ipvlan_data(nla):
    """IFLA_INFO_DATA of kinds ipvlan and ipvtap (drivers/net/ipvlan)."""

    prefix = "IFLA_"
    nla_map = (
        ("IFLA_IPVLAN_UNSPEC", "none"),
        ("IFLA_IPVLAN_MODE", "uint16"),
        ("IFLA_IPVLAN_FLAGS", "uint16"),
    )


def parse_version(text):
    """'0.7.2', '0.9.7.post1', ... as a tuple of three ints; None when `text`
    names no version (Debian 12's python3-pyroute2 0.7.2-2 has
    pyroute2.__version__ == 'unknown': it ships no config/version.py)."""
    parts = []
    for piece in str(text).split(".")[:3]:
        digits = ""
        for char in piece:
            if not char.isdigit():
                break
            digits += char
        if not digits:
            break
        parts.append(int(digits))
    if not parts:
        return None
    return tuple((parts + [0, 0, 0])[:3])


def version():
    """The installed pyroute2's version as a tuple of ints, or None when
    neither the package nor its metadata says.

    pyroute2.__version__ first (it belongs to the code that was imported);
    if that is no version, the installed distribution's metadata
    (importlib.metadata, Python 3.8+), which Debian's package has."""
    if not HAS_PYROUTE2:
        return None
    found = parse_version(pyroute2.__dict__.get("__version__") or _version_module())
    if found is not None:
        return found
    try:
        from importlib import metadata
        return parse_version(metadata.version("pyroute2"))
    except Exception:  # no importlib.metadata (Python < 3.8), no metadata
        return None


def _version_module():
    """What pyroute2/__init__.py would set as __version__ (from
    pyroute2.config.version, 'unknown' without it), read without running
    the package's __init__."""
    try:
        from pyroute2.config.version import __version__ as found
        return found
    except ImportError:
        return "unknown"


def missing_features():
    """What this collection uses of pyroute2 and the imported one lacks."""
    missing = []
    if not hasattr(getattr(ifinfmsg, "ifinfo", None), "register_link_kind"):
        missing.append("ifinfmsg.ifinfo.register_link_kind")
    for cls in (ifinfmsg, ifaddrmsg, rtmsg, nsidmsg):
        if not (hasattr(cls, "encode") and hasattr(cls, "decode") and hasattr(cls, "fields")):
            missing.append(cls.__name__)
    return missing


def version_problem():
    """None when the installed pyroute2 is usable, else a message.

    Too old is a known version below MIN_VERSION, or the lack of a feature
    the code uses. An unknown version with every feature present is usable:
    a usable pyroute2 is never called too old."""
    if not HAS_PYROUTE2:
        return None
    found = version()
    missing = missing_features()
    if (found is not None and found < MIN_VERSION) or missing:
        shown = "(version unknown)" if found is None else ".".join(map(str, found))
        return ("pyroute2 %s is too old; linuxnet.ipvlan needs >= %s%s "
                "(Debian 12's python3-pyroute2 or 'pip install pyroute2')"
                % (shown, ".".join(map(str, MIN_VERSION)),
                   "" if not missing else ": it lacks " + ", ".join(missing)))
    return None


def register():
    """Make kinds ipvlan and ipvtap encode and decode mode and flags.

    Registration is process-wide and idempotent: calling it again is a
    dictionary lookup.
    """
    data_map = ifinfmsg.ifinfo.data_map
    if data_map.get("ipvlan") is ipvlan_data and data_map.get("ipvtap") is ipvlan_data:
        return
    ifinfmsg.ifinfo.register_link_kind(module={"ipvlan": ipvlan_data, "ipvtap": ipvlan_data})
