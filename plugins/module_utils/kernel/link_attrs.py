# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.ipvlan contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Two link attributes the topology reads and sets besides the ipvlan ones:
the interface alias (IFLA_IFALIAS), which marks a port's host-access slave,
and the link's IPv6 settings (IFLA_AF_SPEC / AF_INET6: the per-device
configuration array and IFLA_INET6_ADDR_GEN_MODE).

Reading: from_attrs() adds the keys `alias` and `ipv6` to the plain link
data of messages.parse_link(), from the link dump the driver reads anyway
(no second dump). Writing: the requests are pyroute2 ifinfmsg objects, which
the driver's socket encodes as it does every request.

Kernel facts (include/uapi/linux/if_link.h, ipv6.h; net/core/rtnetlink.c,
net/ipv6/addrconf.c):
- IFLA_IFALIAS is applied by changelink only (do_setlink); a new link cannot
  carry it, so it is set by a second request. An empty alias removes it.
- AF_INET6's IFLA_INET6_CONF is an array of s32 indexed by DEVCONF_*; it is
  dumped while the device has an inet6_dev, including with disable_ipv6=1.
- Of AF_INET6, changelink accepts only IFLA_INET6_TOKEN and
  IFLA_INET6_ADDR_GEN_MODE; disable_ipv6 and accept_ra are sysctls only
  (see ipv6.py for how they are written).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import socket

from ansible_collections.linuxnet.ipvlan.plugins.module_utils.kernel import pyroute2_ext as ext
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model import abi


# include/uapi/linux/if_link.h: enum in6_addr_gen_mode


def _ipv6(disable, accept_ra, gen_mode):
    """The `ipv6` value of a link: None when the device has no IPv6 state
    (no inet6_dev: IPv6 off kernel-wide)."""
    if disable is None:
        return None
    return {"enabled": not disable, "accept_ra": accept_ra,
            "addr_gen_mode": abi.ADDR_GEN_MODE_NAMES.get(gen_mode, gen_mode)}


# ------------------------------------------------------------------ reading


# What a link dump's parse reads of these (messages.parse_link takes them in
# its one pass over the attributes).
ATTRS = ("IFLA_IFALIAS", "IFLA_AF_SPEC")


def from_attrs(found, with_ipv6):
    """{'alias': ..., 'ipv6': ...} from a link dump's attributes as
    messages.attrs() took them. The IPv6 settings (a nested array of some 60
    values) are decoded only `with_ipv6`, for the links they are reported
    for (ipvlan/ipvtap slaves); others get None."""
    disable = accept_ra = gen_mode = None
    spec = found.get("IFLA_AF_SPEC") if with_ipv6 else None
    inet6 = spec.get_attr("AF_INET6") if spec is not None and hasattr(spec, "get_attr") else None
    if inet6 is not None:
        conf = inet6.get_attr("IFLA_INET6_CONF")
        if conf is not None:
            # pyroute2 reads the array as unsigned; the kernel's is s32
            disable = conf.get("disable_ipv6")
            accept_ra = conf.get("accept_ra")
            if accept_ra is not None and accept_ra >= 1 << 31:
                accept_ra -= 1 << 32
        gen_mode = inet6.get_attr("IFLA_INET6_ADDR_GEN_MODE")
    return {"alias": found.get("IFLA_IFALIAS") or None,
            "ipv6": _ipv6(disable, accept_ra, gen_mode)}


# ----------------------------------------------------------------- requests


def _link_msg(index, attrs):
    msg = ext.ifinfmsg()
    msg["family"] = socket.AF_UNSPEC
    msg["index"] = index
    msg["flags"] = 0
    msg["change"] = 0
    msg["attrs"] = attrs
    return msg


def alias_msg(index, alias):
    """RTM_NEWLINK setting the alias of link `index` ('' removes it)."""
    return _link_msg(index, [("IFLA_IFALIAS", alias)])


def addr_gen_mode_msg(index, mode):
    """RTM_NEWLINK setting IFLA_INET6_ADDR_GEN_MODE (a name of abi.ADDR_GEN_MODES)."""
    return _link_msg(index, [("IFLA_AF_SPEC", {"attrs": [
        ("AF_INET6", {"attrs": [("IFLA_INET6_ADDR_GEN_MODE", abi.ADDR_GEN_MODES[mode])]})]})])
