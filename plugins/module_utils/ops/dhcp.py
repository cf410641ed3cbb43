# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.ipvlan contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A link's DHCP client (busybox udhcpc, model/dhcp.py): start it and wait
for its first lease, or stop it and release the lease.

What keeps the client running:
- where systemd is PID 1 (/run/systemd/system exists), a transient unit
  per link, `systemd-run` with NetworkNamespacePath=/run/netns/NAME and
  Restart=always. It is gone after a reboot; the persisted topology's unit
  (ipvlan_persist) converges the topology at boot, which starts the
  clients again, after their links exist;
- elsewhere (containers, the lab's VM), a supervisor of its own: a shell
  loop, started in the link's namespace in a session of its own, that
  runs udhcpc again 2 seconds after it exits and, on SIGTERM, stops it
  (udhcpc releases its lease) and exits. Whatever runs the boot command
  there (an init script, a container's entry point) starts them again.

The client's event script (SCRIPT, written to RUN_DIR/event-script) keeps
the lease's address and, when asked, its default route (proto dhcp) on
the link, and the lease in its file; it touches nothing else. A lease that
can no longer be renewed is kept until it expires, as clients do.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import hashlib
import json
import os
import signal
import subprocess
import time

from ansible_collections.linuxnet.ipvlan.plugins.module_utils.facts import leases
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.kernel import files as fs
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.kernel import nsfs
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model import abi
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model import dhcp
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model import routes as rt
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model.errors import IpvlanError
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model.names import label
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.ops.address import AddrDel
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.ops.base import (
    Kind,
    NotRestorable,
    Op,
    why,
)
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.ops.route import RouteDel

SYSTEMD_RUNNING = "/run/systemd/system"  # sd_booted(3)
SCRIPT_PATH = dhcp.RUN_DIR + "/event-script"
STOP_WAIT = 10  # seconds a stopped client has to release its lease and exit
POLL = 0.2

SCRIPT = r"""#!/bin/sh
# The event script of the DHCP clients linuxnet.ipvlan starts (ops/dhcp.py).
# It keeps the lease's address (and, with LINUXNET_DHCP_ROUTE=1, the default
# route through the router, proto dhcp) on the link and the lease in
# $LINUXNET_DHCP_LEASE; it touches nothing else on the link.
bb=${LINUXNET_DHCP_BUSYBOX:-busybox}
lf=$LINUXNET_DHCP_LEASE
get() { $bb sed -n "s/^$1=//p" "$lf" 2>/dev/null; }
drop() {
    old=$(get address); prefix=$(get prefix)
    [ -n "$old" ] && $bb ip addr del "$old/$prefix" dev "$interface" 2>/dev/null
    $bb rm -f "$lf"
}
case "$1" in
bound|renew)
    [ -n "$ip" ] || exit 0
    old=$(get address)
    [ -n "$old" ] && [ "$old" != "$ip" ] && drop
    $bb ip addr add "$ip/$mask" dev "$interface" 2>/dev/null
    gw=${router%%%% *}
    if [ "$LINUXNET_DHCP_ROUTE" = 1 ] && [ -n "$gw" ]; then
        $bb ip route replace default via "$gw" dev "$interface" proto %(proto)d
    fi
    now=$($bb date +%%s)
    printf 'address=%%s\nprefix=%%s\nrouter=%%s\nserver=%%s\nlease_time=%%s\nobtained=%%s\n' \
        "$ip" "$mask" "$gw" "$serverid" "$lease" "$now" > "$lf.tmp" && $bb mv "$lf.tmp" "$lf"
    ;;
deconfig)
    # at start and when the lease is lost: an address whose lease has not
    # expired stays (the server may be away for a while)
    obtained=$(get obtained); time=$(get lease_time)
    if [ -n "$obtained" ] && [ -n "$time" ] && [ $(( obtained + time )) -gt $($bb date +%%s) ]; then
        exit 0
    fi
    drop
    ;;
esac
exit 0
""" % {"proto": abi.RTPROT_DHCP}

# the supervisor where systemd is not PID 1: "$@" is the client's command
SUPERVISOR = (
    'echo $$ > "$LINUXNET_DHCP_SUPERVISOR"; child=; '
    'trap \'[ -n "$child" ] && kill -TERM "$child" 2>/dev/null; wait "$child"; '
    'rm -f "$LINUXNET_DHCP_SUPERVISOR"; exit 0\' TERM INT; '
    'while :; do "$@" & child=$!; wait "$child"; sleep 2; done')


def unit_name(netns, name):
    """The transient unit of a link's client: readable and unique (the
    namespace's name hashed in, since names may hold any character)."""
    raw = dhcp.default_client_id(netns, name, None)
    digest = hashlib.sha256(raw).hexdigest()[:12]
    safe = "".join(c if c.isalnum() or c in "-." else "_"
                   for c in "%s-%s" % (label(netns), name))[:40]
    return "linuxnet-ipvlan-dhcp-%s-%s.service" % (safe, digest)


def systemd_argv(unit, netns, client, env):
    """systemd-run's command line for a client's transient unit."""
    argv = ["systemd-run", "--unit", unit, "--collect", "--quiet",
            "--description", "linuxnet.ipvlan DHCP client of %s" % client[client.index("-i") + 1],
            "--property", "Restart=always", "--property", "RestartSec=2"]
    if netns is not None:
        argv += ["--property", "NetworkNamespacePath=%s" % nsfs.path_of(netns)]
    for key in sorted(env):
        argv += ["--setenv", "%s=%s" % (key, env[key])]
    return argv + ["--"] + client


def _start(netns, name, settings, files):
    """Start the client of a link and leave it running."""
    busybox = leases.busybox()
    if busybox is None:
        raise IpvlanError("busybox is missing: its udhcpc is the DHCP client (install the "
                          "busybox package; the topology role does)")
    fs.write_atomic(SCRIPT_PATH, SCRIPT, 0o755)
    lease = leases.client(netns, name)
    requested = None
    if lease is None:
        text = None
        try:
            with open(files["lease"]) as handle:
                text = handle.read()
        except (IOError, OSError):
            pass
        last = dhcp.parse_lease(text) if text else None
        requested = last["address"] if last else None
    raw = bytes(bytearray.fromhex(settings["client_id"].replace(":", "")))
    client = dhcp.client_argv(busybox, name, settings, raw, SCRIPT_PATH, files["pid"],
                              requested)
    env = {"LINUXNET_DHCP_BUSYBOX": busybox, "LINUXNET_DHCP_LEASE": files["lease"],
           "LINUXNET_DHCP_ROUTE": "1" if settings["default_route"] else "0",
           "LINUXNET_DHCP_SUPERVISOR": files["supervisor"]}
    for key in ("lease", "pid"):
        folder = os.path.dirname(files[key])
        if not os.path.isdir(folder):
            os.makedirs(folder, 0o755)
    fs.write_atomic(files["settings"],
                    json.dumps(dict(settings, unit=None), sort_keys=True) + "\n", 0o644)
    if os.path.isdir(SYSTEMD_RUNNING):
        unit = unit_name(netns, name)
        fs.write_atomic(files["settings"],
                        json.dumps(dict(settings, unit=unit), sort_keys=True) + "\n", 0o644)
        proc = subprocess.Popen(systemd_argv(unit, netns, client, env), stdin=subprocess.DEVNULL,
                                stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
        output = proc.communicate()[0].decode("utf-8", "replace").strip()
        if proc.returncode != 0:
            raise IpvlanError("systemd-run could not start %s: %s" % (unit, output))
        return
    fd = nsfs.open_fd(netns)
    try:
        with open(files["log"], "ab") as log:
            full = dict(os.environ, **env)
            subprocess.Popen(["/bin/sh", "-c", SUPERVISOR, "linuxnet-ipvlan-dhcp"] + client,
                             env=full, cwd="/", stdin=subprocess.DEVNULL, stdout=log,
                             stderr=log, close_fds=True, pass_fds=(fd,),
                             start_new_session=True, preexec_fn=lambda: nsfs.setns(fd, netns))
    finally:
        os.close(fd)


def _wait_lease(netns, name, timeout, since):
    deadline = time.time() + timeout
    while time.time() < deadline:
        record = leases.client(netns, name)
        lease = record and record["lease"]
        if record and record["running"] and lease and (lease["obtained"] or 0) >= since:
            return lease
        time.sleep(POLL)
    return None


def _signal(pid, sig):
    try:
        os.kill(pid, sig)
        return True
    except OSError:
        return False


def _stop(driver, netns, name):
    """Stop the client of a link (it releases its lease), then take what
    the lease brought off the link and forget the client's files."""
    files = dhcp.paths(netns, name)
    record = leases.client(netns, name)
    unit = ((record or {}).get("settings") or {}).get("unit")
    if unit and os.path.isdir(SYSTEMD_RUNNING):
        subprocess.call(["systemctl", "stop", unit], stdout=subprocess.DEVNULL,
                        stderr=subprocess.DEVNULL)
    else:
        supervisor = leases.pid_of(files["supervisor"])
        if supervisor is not None:
            _signal(supervisor, signal.SIGTERM)
        elif record is not None and record["running"]:
            _signal(record["pid"], signal.SIGTERM)
    deadline = time.time() + STOP_WAIT
    while time.time() < deadline and leases.alive(leases.pid_of(files["pid"]), name, netns):
        time.sleep(POLL)
    address = leases.leased(record)
    session = driver.session(netns)
    if session.index_of(name, required=False) is not None:
        if address is not None:
            AddrDel.run(driver, AddrDel.op(netns, name, address, missing_ok=True))
        for route in rt.name_routes(session.routes(unicast=True), session.links()):
            if route.get("dev") == name and route.get("proto") == abi.RTPROT_DHCP:
                RouteDel.run(driver, RouteDel.op(netns, route))
        session.invalidate()
    for key in ("settings", "pid", "supervisor", "log", "lease"):
        fs.remove(files[key])
    for key in ("pid", "lease"):  # a namespace's folders, once empty
        try:
            os.rmdir(os.path.dirname(files[key]))
        except OSError:
            pass


class DhcpStart(Kind):
    name = "dhcp_start"

    @classmethod
    def op(cls, netns, name, settings, reason=None):
        """`settings`: {client_id (hex text), hostname, default_route,
        timeout}, as the client's settings file keeps them."""
        return Op(cls, netns, why("start dhcp client on %s client-id %s" % (
            name, settings["client_id"]), reason), name=name, settings=dict(settings))

    @classmethod
    def run(cls, driver, op):
        a = op.args
        running = leases.client(op.netns, a["name"])
        if running is not None and running["running"]:  # started meanwhile by someone else
            _stop(driver, op.netns, a["name"])
        since = int(time.time())
        _start(op.netns, a["name"], a["settings"], dhcp.paths(op.netns, a["name"]))
        lease = _wait_lease(op.netns, a["name"], a["settings"]["timeout"], since)
        if lease is None:
            _stop(driver, op.netns, a["name"])
            raise IpvlanError("%s: no DHCP server gave link %s a lease within %d s (client-id "
                              "%s, broadcast flag set); the client was stopped. Check that a "
                              "server answers on the master's network, that it accepts this "
                              "client identifier, and that the port is in mode l2"
                              % (op.line(), a["name"], a["settings"]["timeout"],
                                 a["settings"]["client_id"]))
        driver.session(op.netns).invalidate()

    @classmethod
    def inverse(cls, snapshot, driver, op):
        return [DhcpStop.op(op.netns, op.args["name"], "undo")]

    @classmethod
    def expect(cls, expected, op):
        name = op.args["name"]
        expected.other(("dhcp", op.netns, name), op.args["settings"]["client_id"], cls.check,
                       link=name)

    @classmethod
    def check(cls, view, key, wanted):
        netns, name = key[1], key[2]
        record = leases.client(netns, name)
        where = "%s: dhcp client of %s" % (view.where, name)
        if wanted is None:
            return [where + " is still running"] if record and record["running"] else []
        if record is None or not record["running"]:
            return [where + " is not running"]
        if (record["settings"] or {}).get("client_id") != wanted:
            return [where + " runs with another client-id"]
        if record["lease"] is None:
            return [where + " has no lease"]
        return []


class DhcpStop(Kind):
    name = "dhcp_stop"

    @classmethod
    def op(cls, netns, name, reason=None, settings=None):
        """`settings`: those the client runs with (its undo starts it again
        with them), when known."""
        return Op(cls, netns, why("stop dhcp client on %s, release its lease" % name, reason),
                  name=name, settings=None if settings is None else dict(settings))

    @classmethod
    def run(cls, driver, op):
        _stop(driver, op.netns, op.args["name"])

    @classmethod
    def inverse(cls, snapshot, driver, op):
        if op.args["settings"] is None:
            raise NotRestorable("the settings of the DHCP client of %s are unknown"
                                % op.args["name"])
        return [DhcpStart.op(op.netns, op.args["name"], op.args["settings"], "undo")]

    @classmethod
    def expect(cls, expected, op):
        name = op.args["name"]
        expected.other(("dhcp", op.netns, name), None, DhcpStart.check, link=name)
