# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.ipvlan contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one place that imports pyroute2, checks that it is usable, and
teaches it the ipvlan/ipvtap attributes it lacks.

Stock pyroute2 (0.5 to 0.9) knows only IFLA_IPVLAN_MODE for kind 'ipvlan'
and nothing for 'ipvtap': IFLA_IPVLAN_FLAGS is silently dropped when
creating, and an ipvtap's mode is dropped too. register() installs one nla
class for both kinds, idempotently.

The releases the distributions ship differ in where the message classes
live, not in the classes themselves (ifinfmsg, ifaddrmsg, rtmsg, nsidmsg
only gained attributes from 0.5.14 to 0.9): 0.5 and 0.7 or later have them
under pyroute2.netlink; 0.6 (Ubuntu 22.04's python3-pyroute2.core, PyPI's
0.6.x) split the library into pyroute2.core, pyroute2.ndb, ... whose modules
live under the namespace package pr2modules, and its pyroute2/__init__.py
makes pyroute2.netlink an alias only once it has loaded every part. So the
code looks for what it uses where it is (message_root), and registers the
ipvlan class in the kind table that every release's ifinfmsg.ifinfo reads
(data_map), rather than through register_link_kind (0.6.1 and later only).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import sys
import traceback

# The oldest release tested (Debian 11's and EPEL 9's python3-pyroute2):
# `make platforms` runs the unit and native suites with it.
MIN_VERSION = (0, 5, 14)
# Where each layout keeps the netlink message classes, in the order tried.
ROOTS = ("pyroute2", "pr2modules")


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


def message_root():
    """The package holding netlink/rtnl/*: 'pyroute2' (0.5, 0.7 and later)
    or 'pr2modules' (0.6's split packages, whose pyroute2/__init__.py is
    never run for it: it loads every part of the library first). Raises
    ImportError naming both when neither has it."""
    import importlib.util
    _lazy_package()
    for root in ROOTS:
        try:
            if importlib.util.find_spec(root + ".netlink.rtnl.ifinfmsg") is not None:
                return root
        except ImportError:  # the root itself is missing
            continue
    raise ImportError("pyroute2 is installed but neither %s has the netlink message "
                      "classes (pyroute2.netlink.rtnl.ifinfmsg)"
                      % " nor ".join(r + ".netlink" for r in ROOTS))


def _import(name):
    """pyroute2's module NAME (dotted, below netlink) from where this
    release keeps it."""
    import importlib
    return importlib.import_module("%s.netlink%s" % (ROOT, "." + name if name else ""))


try:
    pyroute2 = _lazy_package()
    ROOT = message_root()
    nla = _import("").nla
    # the message classes and NetlinkError are used through this module
    NetlinkError = _import("exceptions").NetlinkError
    ifaddrmsg = _import("rtnl.ifaddrmsg").ifaddrmsg
    ifinfmsg = _import("rtnl.ifinfmsg").ifinfmsg
    nsidmsg = _import("rtnl.nsidmsg").nsidmsg
    rtmsg = _import("rtnl.rtmsg").rtmsg
    HAS_PYROUTE2 = True
    PYROUTE2_IMPORT_ERROR = None
except ImportError:  # pragma: no cover - exercised on nodes without pyroute2
    HAS_PYROUTE2 = False
    PYROUTE2_IMPORT_ERROR = traceback.format_exc()
    ifinfmsg = ifaddrmsg = rtmsg = nsidmsg = None
    ROOT = None

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
    ROOT.config.version, 'unknown' without it), read without running the
    package's __init__."""
    import importlib
    try:
        return importlib.import_module(ROOT + ".config.version").__version__
    except (ImportError, AttributeError, TypeError):
        return "unknown"


def missing_features():
    """What this collection uses of pyroute2 and the imported one lacks."""
    missing = []
    if not isinstance(getattr(getattr(ifinfmsg, "ifinfo", None), "data_map", None), dict):
        missing.append("ifinfmsg.ifinfo.data_map (the IFLA_INFO_DATA class of each link kind)")
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
                "(the distribution's python3-pyroute2 or 'pip install pyroute2')"
                % (shown, ".".join(map(str, MIN_VERSION)),
                   "" if not missing else ": it lacks " + ", ".join(missing)))
    return None


def register():
    """Make kinds ipvlan and ipvtap encode and decode mode and flags.

    ifinfmsg.ifinfo.info_data() picks the class of IFLA_INFO_DATA from the
    class attribute data_map by IFLA_INFO_KIND in every release from 0.5.14
    to 0.9; register_link_kind(module=...), which 0.6.1 and later have, does
    no more than set these two entries. Registration is process-wide and
    idempotent: calling it again is a dictionary lookup.
    """
    data_map = ifinfmsg.ifinfo.data_map
    if data_map.get("ipvlan") is ipvlan_data and data_map.get("ipvtap") is ipvlan_data:
        return
    data_map.update({"ipvlan": ipvlan_data, "ipvtap": ipvlan_data})
