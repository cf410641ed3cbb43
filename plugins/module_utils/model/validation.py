# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.ipvlan contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Validation of everything that reaches the kernel or the filesystem.

Each function returns the normalised value or raises ValidationError naming
the field and the reason. Nothing here touches the kernel.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress

from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model import abi
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model.errors import ValidationError

IFNAMSIZ = abi.IFNAMSIZ
NAME_MAX = 255

MODES = abi.MODES
FLAGS = abi.FLAGS
KINDS = abi.IPVLAN_KINDS


def ifname(value, field="name"):
    """An interface name as the kernel's dev_valid_name() accepts it."""
    if not isinstance(value, str) or value == "":
        raise ValidationError(field, "an interface name must be a non-empty string")
    raw = value.encode("utf-8")
    if len(raw) >= IFNAMSIZ:
        raise ValidationError(
            field, "interface name '%s' is %d bytes; the kernel allows at most %d"
            % (value, len(raw), IFNAMSIZ - 1))
    if value in (".", ".."):
        raise ValidationError(field, "'%s' is not a valid interface name" % value)
    for char in value:
        if char == "/" or char == ":" or char.isspace() or ord(char) < 32:
            raise ValidationError(
                field, "interface name '%s' contains %r; '/', ':', whitespace "
                "and control characters are not allowed" % (value, char))
    return value


def netns_name(value, field="netns"):
    """A namespace name that stays inside /run/netns (as 'ip netns add')."""
    if not isinstance(value, str) or value == "":
        raise ValidationError(field, "a namespace name must be a non-empty string")
    if value in (".", ".."):
        raise ValidationError(field, "'%s' would escape /run/netns" % value)
    if "/" in value:
        raise ValidationError(field, "namespace name '%s' contains '/'; it must be a "
                                     "single file name under /run/netns" % value)
    if "\x00" in value:
        raise ValidationError(field, "namespace name contains a NUL byte")
    if len(value.encode("utf-8")) > NAME_MAX:
        raise ValidationError(field, "namespace name is longer than %d bytes" % NAME_MAX)
    return value


def optional_netns(value, field="netns"):
    return None if value is None else netns_name(value, field)


def mtu(value, field="mtu"):
    """An MTU the kernel can give an Ethernet-type link, or None."""
    if value is not None and not abi.MTU_MIN <= value <= abi.MTU_MAX:
        raise ValidationError(field, "%d is outside %d..%d" % (value, abi.MTU_MIN, abi.MTU_MAX))
    return value


def choice(value, choices, field):
    if value not in choices:
        raise ValidationError(field, "'%s' is not one of %s" % (value, ", ".join(choices)))
    return value


def ascii_number(text):
    """Whether `text` is a number in ASCII digits (str.isdigit() also takes
    '²' and '١٠٠', which int() refuses or reads as 100)."""
    return text != "" and all("0" <= char <= "9" for char in text)


def _no_zone(value, text, field):
    """IPv6 zones ('fe80::1%eth0') name a link; here the device does, and
    the kernel's netlink messages carry no zone: refuse them."""
    if "%" in text:
        raise ValidationError(field, "'%s' carries a zone ('%%%s'); write the address without "
                                     "it: the device (dev) is what names the link"
                              % (value, text.partition("%")[2].partition("/")[0]))


def interface_address(value, field="addresses"):
    """An address with prefix ('10.0.0.1/24', '2001:db8::1/64') as an
    ipaddress.IPv4Interface/IPv6Interface. Without a prefix it gets /32 or
    /128, as iproute2 does."""
    if not isinstance(value, str):
        raise ValidationError(field, "%r is not an address string" % (value,))
    text = value.strip()
    _no_zone(value, text, field)
    if "/" in text:
        prefix = text.partition("/")[2]
        if not ascii_number(prefix):
            raise ValidationError(field, "'%s': the prefix length must be a number" % value)
    try:
        ipaddress.ip_address(text.partition("/")[0])
    except ValueError:
        raise ValidationError(field, "'%s' is not an IPv4 or IPv6 address" % value)
    try:
        return ipaddress.ip_interface(text)
    except ValueError as exc:
        raise ValidationError(field, "'%s': %s" % (value, exc))


def ip(value, field):
    """A single address without prefix."""
    if not isinstance(value, str):
        raise ValidationError(field, "%r is not an address string" % (value,))
    _no_zone(value, value.strip(), field)
    try:
        return ipaddress.ip_address(value.strip())
    except ValueError:
        raise ValidationError(field, "'%s' is not an IPv4 or IPv6 address" % value)


def route_destination(value, family_hint=None, field="dst"):
    """'default' or a network in CIDR form (host bits must be zero, as the
    kernel stores routes by network). Returns an ip_network.

    'default' becomes 0.0.0.0/0 or ::/0 following `family_hint` (4 or 6, taken
    from the gateway); without one it is IPv4."""
    if value == "default":
        return ipaddress.ip_network("::/0" if family_hint == 6 else "0.0.0.0/0")
    if not isinstance(value, str):
        raise ValidationError(field, "%r is not a network string" % (value,))
    _no_zone(value, value, field)
    if "/" in value and not ascii_number(value.partition("/")[2]):
        raise ValidationError(field, "'%s': the prefix length must be a number" % value)
    try:
        ipaddress.ip_address(value.partition("/")[0])
    except ValueError:
        raise ValidationError(field, "'%s' is neither 'default' nor an IPv4/IPv6 network"
                              % value)
    try:
        return ipaddress.ip_network(value, strict=True)
    except ValueError as exc:
        reason = "'%s': %s" % (value, exc)
    try:
        reason += " (write the network address: %s)" % ipaddress.ip_network(value, strict=False)
    except ValueError:
        pass
    raise ValidationError(field, reason)


# Route tables by the names iproute2 always knows (/etc/iproute2/rt_tables).
TABLES = {"main": 254, "local": 255, "default": 253}
U32_MAX = 0xFFFFFFFF


def route_table(value, field="table"):
    """'main', 'local', 'default' or a table number 1..2^32-1, as an int."""
    if isinstance(value, bool) or not isinstance(value, (str, int)):
        raise ValidationError(field, "%r is not a table number or one of %s"
                              % (value, ", ".join(sorted(TABLES))))
    text = str(value).strip()
    if text in TABLES:
        return TABLES[text]
    if not ascii_number(text):
        raise ValidationError(field, "'%s' is not a table number or one of %s"
                              % (value, ", ".join(sorted(TABLES))))
    number = int(text)
    if not 1 <= number <= U32_MAX:
        raise ValidationError(field, "%d is outside 1..%d (0 is not a table)" % (number, U32_MAX))
    return number


def route_metric(value, field="metric"):
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int):
        raise ValidationError(field, "%r is not an integer" % (value,))
    if not 0 <= value <= U32_MAX:
        raise ValidationError(field, "%d is outside 0..%d" % (value, U32_MAX))
    return value


def host_address(value, field):
    """An address that can be assigned to a device or be a gateway/source:
    not the unspecified address, not multicast."""
    address = value.ip if hasattr(value, "ip") else value
    if address.is_unspecified:
        raise ValidationError(field, "'%s' is the unspecified address" % value)
    if address.is_multicast:
        raise ValidationError(field, "'%s' is a multicast address" % value)
    return value


def interface_addresses(values, field="addresses"):
    """A list of address strings as ip_interface objects, in order, without
    repeats. The same address twice with different prefixes is an error."""
    if values is None:
        return []
    if not isinstance(values, (list, tuple)):
        raise ValidationError(field, "must be a list of addresses")
    seen = {}
    out = []
    for value in values:
        iface = host_address(interface_address(value, field), field)
        other = seen.get(iface.ip)
        if other is not None:
            if other != iface:
                raise ValidationError(field, "%s is given twice, as %s and %s; an address "
                                             "has one prefix length" % (iface.ip, other, iface))
            continue
        seen[iface.ip] = iface
        out.append(iface)
    return out
