# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.ipvlan contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The one place that imports pyroute2, checks its version, and teaches it
the ipvlan/ipvtap attributes it lacks.

Stock pyroute2 (0.7 and 0.9) knows only IFLA_IPVLAN_MODE for kind 'ipvlan'
and nothing for 'ipvtap': IFLA_IPVLAN_FLAGS is silently dropped when
creating, and an ipvtap's mode is dropped too (see shared/ipvlan-facts.md).
register() installs one nla class for both kinds, idempotently.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import traceback

MIN_VERSION = (0, 7, 2)

try:
    import pyroute2
    # IPRoute and NetlinkError are used by the driver through this module
    from pyroute2 import IPRoute  # pylint: disable=unused-import
    from pyroute2.netlink import nla
    from pyroute2.netlink.exceptions import NetlinkError  # pylint: disable=unused-import
    from pyroute2.netlink.rtnl.ifinfmsg import ifinfmsg
    HAS_PYROUTE2 = True
    PYROUTE2_IMPORT_ERROR = None
except ImportError:  # pragma: no cover - exercised on nodes without pyroute2
    HAS_PYROUTE2 = False
    PYROUTE2_IMPORT_ERROR = traceback.format_exc()
    IPRoute = None
    ifinfmsg = None

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


def version():
    """pyroute2's version as a tuple of ints ((0, 0, 0) if unknown)."""
    text = getattr(pyroute2, "__version__", "0") if HAS_PYROUTE2 else "0"
    parts = []
    for piece in str(text).split("."):
        digits = ""
        for char in piece:
            if not char.isdigit():
                break
            digits += char
        parts.append(int(digits or 0))
    return tuple((parts + [0, 0, 0])[:3])


def version_problem():
    """None when the installed pyroute2 is usable, else a message."""
    if not HAS_PYROUTE2:
        return None
    found = version()
    if found < MIN_VERSION:
        return ("pyroute2 %s is too old; linuxnet.ipvlan needs >= %s "
                "(Debian 12's python3-pyroute2 or 'pip install pyroute2')"
                % (".".join(map(str, found)), ".".join(map(str, MIN_VERSION))))
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
