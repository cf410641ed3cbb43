# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.ipvlan contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The DHCP clients the collection started, and their leases: read from
their files (model/dhcp.paths: the settings the client was started with,
its pid file, its lease) and /proc.

A client counts as running when its pid file names a live udhcpc of that
link, in that link's namespace. What it holds belongs to it: fold() moves
the leased address out of a gathered link's `addresses` into its `dhcp`,
and hide() takes it out of what the planner sees, so that it is never
removed as undeclared nor reported as drift.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress
import json
import os
import shutil

from ansible_collections.linuxnet.ipvlan.plugins.module_utils.kernel import files as fs
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.kernel import nsfs
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model import abi
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model import dhcp

BUSYBOX_PATHS = ("/bin/busybox", "/usr/bin/busybox", "/sbin/busybox", "/usr/sbin/busybox")


def busybox():
    """The path of busybox, whose udhcpc is the client; None if missing."""
    found = shutil.which("busybox")
    if found:
        return found
    for path in BUSYBOX_PATHS:
        if os.access(path, os.X_OK):
            return path
    return None


def pid_of(path):
    """The pid a pid file holds, or None."""
    text = fs.read_text(path)
    try:
        return int(text.strip()) if text else None
    except ValueError:
        return None


def alive(pid, name, netns):
    """Whether `pid` is a udhcpc of link `name` in `netns`."""
    if pid is None:
        return False
    raw = _read_bytes("/proc/%d/cmdline" % pid)
    if raw is None:
        return False
    argv = raw.split(b"\0")
    if not any(x.endswith(b"udhcpc") for x in argv[:2]):
        return False
    if b"-i" not in argv or argv.index(b"-i") + 1 >= len(argv) \
            or argv[argv.index(b"-i") + 1] != name.encode("utf-8"):
        return False
    try:
        st = os.stat("/proc/%d/ns/net" % pid)
    except OSError:
        return False
    return (st.st_dev, st.st_ino) == nsfs.identity(netns)


def _read_bytes(path):
    try:
        with open(path, "rb") as handle:
            return handle.read()
    except (IOError, OSError):
        return None


def client(netns, name):
    """The client of link `name` in `netns`: {settings, pid, running,
    lease}, or None when the collection started none there (no settings
    file). `settings`: what it was started with (ops/dhcp.py writes it)."""
    files = dhcp.paths(netns, name)
    text = fs.read_text(files["settings"])
    if text is None:
        return None
    try:
        settings = json.loads(text)
    except ValueError:
        settings = None
    pid = pid_of(files["pid"])
    lease_text = fs.read_text(files["lease"])
    return {"settings": settings if isinstance(settings, dict) else None, "pid": pid,
            "running": alive(pid, name, netns),
            "lease": dhcp.parse_lease(lease_text) if lease_text else None}


def clients():
    """{(netns, name): client()} of every link the collection started a
    client for, whatever its state."""
    found = {}
    for where, netns in [("host", None)] + _namespaces():
        folder = os.path.join(dhcp.RUN_DIR, where)
        try:
            names = sorted(os.listdir(folder))
        except OSError:
            continue
        for filename in names:
            if filename.endswith(dhcp.SETTINGS_SUFFIX):
                name = filename[:-len(dhcp.SETTINGS_SUFFIX)]
                record = client(netns, name)
                if record is not None:
                    found[(netns, name)] = record
    return found


def _namespaces():
    try:
        names = sorted(os.listdir(os.path.join(dhcp.RUN_DIR, "ns")))
    except OSError:
        return []
    return [("ns/" + name, name) for name in names]


def shown(record):
    """How a link's client is reported (`dhcp` of a gathered link): its
    settings in the shape of the option, and its lease."""
    settings = record.get("settings") or {}
    out = {"client_id": settings.get("client_id"), "hostname": settings.get("hostname"),
           "default_route": settings.get("default_route", True),
           "timeout": settings.get("timeout", dhcp.TIMEOUT_DEFAULT),
           "running": record["running"], "lease": None}
    lease = record.get("lease")
    if lease is not None:
        out["lease"] = {"address": "%s/%s" % (lease["address"], lease["prefix"]),
                        "router": lease["router"], "server": lease["server"],
                        "lease_time": lease["lease_time"], "obtained": lease["obtained"],
                        "expires": lease["expires"]}
    return out


def leased(record):
    """The address a client's lease holds (an ip_interface), or None."""
    lease = (record or {}).get("lease")
    if lease is None:
        return None
    try:
        return ipaddress.ip_interface("%s/%s" % (lease["address"], lease["prefix"]))
    except ValueError:
        return None


def fold(ports, records=None):
    """Gathered `ports`, each link with a client given its `dhcp` and its
    leased address taken out of its `addresses`. `records`: clients()."""
    records = clients() if records is None else records
    for port in ports:
        for link in port.get("links", []):
            record = records.get((link.get("netns"), link.get("name")))
            if record is None:
                continue
            link["dhcp"] = shown(record)
            address = leased(record)
            if address is not None:
                link["addresses"] = [x for x in link.get("addresses", [])
                                     if ipaddress.ip_interface(x) != address]
            router = (record.get("lease") or {}).get("router")
            if router:
                link["routes"] = [r for r in link.get("routes", [])
                                  if not (r.get("dst") == "default"
                                          and r.get("gateway") == router)]
    return ports


def hide(have, records):
    """The planner's view without what the clients hold: each leased
    address out of have["addresses"], the routes the client gave its link
    (proto dhcp) out of have["routes"]."""
    for key, record in records.items():
        netns, name = key
        if netns in have["routes"]:
            have["routes"][netns] = [r for r in have["routes"][netns]
                                     if not (r.get("dev") == name
                                             and r.get("proto") == abi.RTPROT_DHCP)]
        address = leased(record)
        if address is None or key not in have["addresses"]:
            continue
        have["addresses"][key] = [x for x in have["addresses"][key]
                                  if ipaddress.ip_interface(x) != address]
    return have
