# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.ipvlan contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""DHCP (IPv4) on ipvlan slaves: the rules, with no kernel and no client.

Every slave of a master sends with the master's MAC. A DHCP server that
keys its leases on the MAC hands all of them one address, and a reply
unicast to that MAC before the slave has an address is delivered by the
port to no slave (ipvlan dispatches unicast by destination address). What
works (containernetworking/cni#17): a client identifier (option 61) of its
own per slave, the broadcast flag on requests (so that the reply is a
broadcast, which an l2 port passes to every slave, and the client that
asked takes it by its transaction and identifier), an l2 port (l3 and l3s
pass no broadcast), and a client that keeps renewing.

This file holds what is pure about that: the option's shape and checks
(normalize, check_unique), the default client identifier, the client's
command line (busybox udhcpc: client_argv), where its files live
(paths: one directory per namespace, since links in different namespaces
may share a name) and how a lease is written and read back (lease_text,
parse_lease).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import re

from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model.errors import ValidationError

OPTIONS = dict(
    client_id=dict(type="str"),
    hostname=dict(type="str"),
    default_route=dict(type="bool", default=True),
    timeout=dict(type="int", default=30),
    # what gathering reports of a running client, accepted and ignored so
    # that gathered state feeds back as config
    running=dict(type="bool"),
    lease=dict(type="dict"),
)
KEYS = ("client_id", "hostname", "default_route", "timeout")
READ_ONLY = ("running", "lease")

TIMEOUT_MIN, TIMEOUT_MAX = 5, 600  # seconds the run waits for a first lease
TIMEOUT_DEFAULT = 30
CLIENT_ID_MIN, CLIENT_ID_MAX = 2, 255  # option 61's length (RFC 2132 9.14)
CLIENT_ID_TEXT = 0  # the type byte of a client identifier that is no hardware address
HEX_BYTES = re.compile(r"^[0-9A-Fa-f]{2}(:[0-9A-Fa-f]{2})+$")
HOSTNAME_LABEL = re.compile(r"^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$")
MAC = re.compile(r"^[0-9a-f]{2}(:[0-9a-f]{2}){5}$")

# where the client of a link keeps its files: RUN_DIR for what lives as long
# as the client (the settings it was started with, its pid file, its
# supervisor's pid file and log), STATE_DIR for its lease (kept across
# reboots, so that the client asks for the same address again); below
# each, host/ for the links of the host's namespace, ns/NAME/ for those of
# namespace NAME
RUN_DIR = "/run/linuxnet-ipvlan/dhcp"
STATE_DIR = "/var/lib/linuxnet-ipvlan/dhcp"
SETTINGS_SUFFIX = ".json"

# the lease as the client's event script writes it: one KEY=VALUE a line
LEASE_KEYS = ("address", "prefix", "router", "server", "lease_time", "obtained")


# ---------------------------------------------------------------- validation


def normalize(value, link, mode, where):
    """The declared `dhcp` of `link` (a normalised topology link, on a port
    of `mode`) as {client_id (bytes, or None for the default), hostname,
    default_route, timeout}, or None when the link declares none. Raises
    ValidationError naming the field."""
    if value is None:
        return None
    if not isinstance(value, dict):
        raise ValidationError(where, "must be a dictionary of %s" % ", ".join(KEYS))
    unknown = sorted(set(value) - set(KEYS) - set(READ_ONLY))
    if unknown:
        raise ValidationError(where + "." + unknown[0], "is not one of %s" % ", ".join(KEYS))
    if mode != "l2":
        raise ValidationError(where, "DHCP needs an l2 port; this master's mode is %s, which "
                                     "passes no broadcast to or from its slaves, so no DHCP "
                                     "offer can reach link %s. Declare the port mode: l2, or "
                                     "give the link static addresses" % (mode, link["name"]))
    if link.get("up") is False:
        raise ValidationError(where, "link %s is declared up: false; a link that is down sends "
                                     "and receives nothing, so no lease can be had. Declare it "
                                     "up, or leave dhcp out" % link["name"])
    timeout = value.get("timeout")
    timeout = TIMEOUT_DEFAULT if timeout is None else timeout
    if isinstance(timeout, bool) or not isinstance(timeout, int) \
            or not TIMEOUT_MIN <= timeout <= TIMEOUT_MAX:
        raise ValidationError(where + ".timeout", "%r is not a number of seconds in %d..%d"
                              % (timeout, TIMEOUT_MIN, TIMEOUT_MAX))
    default_route = value.get("default_route")
    if default_route is not None and not isinstance(default_route, bool):
        raise ValidationError(where + ".default_route", "must be true or false")
    return {"client_id": client_id(value.get("client_id"), where + ".client_id"),
            "hostname": hostname(value.get("hostname"), where + ".hostname"),
            "default_route": default_route is not False,
            "timeout": timeout}


def client_id(value, where):
    """The bytes of a declared client identifier, or None (the default).
    Colon-separated hex bytes ('ff:00:01:...') are taken as they are, the
    first byte being the type (as dhcpcd's --clientid takes them); any other
    text is sent as type 0 followed by its UTF-8 bytes."""
    if value is None:
        return None
    if not isinstance(value, str) or value == "":
        raise ValidationError(where, "must be a non-empty string")
    if HEX_BYTES.match(value):
        raw = bytes(bytearray(int(x, 16) for x in value.split(":")))
    else:
        raw = bytes(bytearray([CLIENT_ID_TEXT])) + value.encode("utf-8")
    if not CLIENT_ID_MIN <= len(raw) <= CLIENT_ID_MAX:
        raise ValidationError(where, "is %d bytes as sent (with its type byte); option 61 "
                                     "holds %d to %d" % (len(raw), CLIENT_ID_MIN, CLIENT_ID_MAX))
    return raw


def hostname(value, where):
    """A host name to send (option 12): dot-separated labels of letters,
    digits and hyphens, at most 253 characters; or None."""
    if value is None:
        return None
    if not isinstance(value, str) or value == "" or len(value) > 253 \
            or not all(HOSTNAME_LABEL.match(x) for x in value.split(".")):
        raise ValidationError(where, "%r is not a host name (labels of letters, digits and "
                                     "hyphens, separated by dots, 253 characters at most)"
                              % (value,))
    return value


def default_client_id(netns, name, master_mac):
    """The client identifier of a link that declares none: type 0 and the
    text 'linuxnet-ipvlan/MAC/NETNS/NAME', MAC being the master's (what
    tells two hosts with the same topology apart on one network), NETNS the
    namespace's name ('-' for the host's). Stable across runs and reboots
    while the master keeps its MAC and the link its namespace and name. A
    namespace name too long for option 61 is replaced by 'sha256:' and the
    first 32 hex digits of its SHA-256."""
    mac = (master_mac or "").replace(":", "").lower()
    space = "-" if netns is None else netns
    text = "linuxnet-ipvlan/%s/%s/%s" % (mac, space, name)
    if len(text.encode("utf-8")) + 1 > CLIENT_ID_MAX:
        digest = hashlib.sha256(space.encode("utf-8")).hexdigest()[:32]
        text = "linuxnet-ipvlan/%s/sha256:%s/%s" % (mac, digest, name)
    return bytes(bytearray([CLIENT_ID_TEXT])) + text.encode("utf-8")


def effective_client_id(link, master_mac):
    """The client identifier `link` (normalised, with `dhcp`) sends."""
    declared = link["dhcp"]["client_id"]
    return declared if declared is not None else default_client_id(link["netns"], link["name"],
                                                                   master_mac)


def client_id_text(raw):
    """How a client identifier is shown: colon-separated hex bytes."""
    return ":".join("%02x" % b for b in bytearray(raw))


def check_unique(port, master_mac, others=()):
    """No two DHCP links of `port` (normalised) send one client identifier;
    `others`: (client identifier bytes, what holds it) of clients already
    running on the master's other slaves. Raises ValidationError naming
    the second link's dhcp.client_id."""
    seen = dict((raw, holder) for raw, holder in others)
    for link in port["links"]:
        if link.get("dhcp") is None:
            continue
        raw = effective_client_id(link, master_mac)
        holder = seen.get(raw)
        if holder is not None and holder != link["where"]:
            raise ValidationError(link["where"] + ".dhcp.client_id",
                                  "%s is also the client identifier of %s, on the same master "
                                  "'%s'; the server would hand both one lease. Give each link a "
                                  "client identifier of its own"
                                  % (client_id_text(raw), holder, port["master"]))
        seen[raw] = link["where"]


# --------------------------------------------------------- the client's files


def _where(netns):
    return "host" if netns is None else "ns/" + netns


def paths(netns, name):
    """The files of the client of link `name` in `netns`: {settings, pid,
    supervisor, log, lease}. Per namespace, since links of different
    namespaces may share a name (a client's usual /run/IFNAME.pid would be
    one file for all of them)."""
    run = "%s/%s/%s" % (RUN_DIR, _where(netns), name)
    return {"settings": run + SETTINGS_SUFFIX, "pid": run + ".pid",
            "supervisor": run + ".supervisor.pid", "log": run + ".log",
            "lease": "%s/%s/%s.lease" % (STATE_DIR, _where(netns), name)}


def client_argv(busybox, name, dhcp, raw_client_id, script, pidfile, requested=None):
    """The command line of busybox udhcpc for link `name`: in the
    foreground (its supervisor keeps it running), the broadcast flag (-B),
    the client identifier as option 61 (-x 0x3d:HEX), the host name
    (option 12) when one is declared, the lease released when it stops
    (-R), the event script, its pid file, and `requested` (the address of
    the last lease, -r) when there is one. Discovery: a DISCOVER every 3
    seconds for `timeout` seconds, then again after 10 seconds, for ever."""
    tries = max(1, dhcp["timeout"] // 3)
    argv = [busybox, "udhcpc", "-f", "-B", "-R", "-i", name,
            "-x", "0x3d:" + "".join("%02x" % b for b in bytearray(raw_client_id)),
            "-s", script, "-p", pidfile, "-t", str(tries), "-T", "3", "-A", "10"]
    if dhcp["hostname"] is not None:
        argv += ["-x", "hostname:" + dhcp["hostname"]]
    if requested is not None:
        argv += ["-r", str(requested)]
    return argv


def lease_text(lease):
    """A lease ({LEASE_KEYS}) as its file holds it."""
    return "".join("%s=%s\n" % (k, "" if lease.get(k) is None else lease[k])
                   for k in LEASE_KEYS)


def parse_lease(text):
    """A lease file's {address, prefix, router, server, lease_time,
    obtained, expires}; None when it holds no address (the client has
    none, or the file is torn)."""
    values = {}
    for line in text.splitlines():
        key, sep, value = line.partition("=")
        if sep and key in LEASE_KEYS:
            values[key] = value.strip() or None
    if not values.get("address") or not values.get("prefix"):
        return None
    lease = dict((k, values.get(k)) for k in LEASE_KEYS)
    for key in ("prefix", "lease_time", "obtained"):
        if lease[key] is not None:
            try:
                lease[key] = int(lease[key])
            except ValueError:
                return None
    lease["expires"] = (lease["obtained"] + lease["lease_time"]
                        if lease["obtained"] is not None and lease["lease_time"] is not None
                        else None)
    return lease
