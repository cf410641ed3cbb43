"""The clients' event script (ops/dhcp.SCRIPT), run by /bin/sh with a
stand-in busybox that records its `ip` commands and runs the rest (sed, rm,
date, mv) with the system's tools: what a lease brings is put on the link
and written down, a new address replaces the old one, and a lease that is
lost (deconfig) keeps its address until it expires, as clients do."""

import os
import subprocess
import time

import pytest

from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model import dhcp
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.ops import dhcp as ops

BUSYBOX = """#!/bin/sh
# stand-in busybox: `ip` is recorded, the rest is run
if [ "$1" = ip ]; then shift; echo "ip $*" >> "%(log)s"; exit 0; fi
exec "$@"
"""


@pytest.fixture
def event(tmp_path):
    script = tmp_path / "event-script"
    script.write_text(ops.SCRIPT)
    log = tmp_path / "ip.log"
    busybox = tmp_path / "busybox"
    busybox.write_text(BUSYBOX % {"log": log})
    busybox.chmod(0o755)
    lease = tmp_path / "eth0.lease"

    def run(name, route="1", **env):
        values = {"LINUXNET_DHCP_BUSYBOX": str(busybox), "LINUXNET_DHCP_LEASE": str(lease),
                  "LINUXNET_DHCP_ROUTE": route, "interface": "eth0",
                  "PATH": os.environ.get("PATH", "/usr/bin:/bin")}
        values.update(env)
        if log.exists():
            log.unlink()
        subprocess.run(["/bin/sh", str(script), name], env=values, check=True)
        commands = log.read_text().splitlines() if log.exists() else []
        held = dhcp.parse_lease(lease.read_text()) if lease.exists() else None
        return commands, held
    return run


BOUND = {"ip": "192.0.2.20", "mask": "24", "router": "192.0.2.1 192.0.2.2",
         "serverid": "192.0.2.1", "lease": "120"}


def test_bound_puts_the_address_and_default_route_on_the_link_and_writes_the_lease(event):
    commands, lease = event("bound", **BOUND)
    assert commands == ["ip addr add 192.0.2.20/24 dev eth0",
                        "ip route replace default via 192.0.2.1 dev eth0 proto 16"]
    assert (lease["address"], lease["prefix"], lease["router"], lease["server"],
            lease["lease_time"]) == ("192.0.2.20", 24, "192.0.2.1", "192.0.2.1", 120)
    assert abs(lease["obtained"] - time.time()) < 5


def test_without_default_route_no_route_is_added(event):
    commands, _lease = event("bound", route="0", **BOUND)
    assert commands == ["ip addr add 192.0.2.20/24 dev eth0"]


def test_a_renewal_with_the_same_address_removes_nothing(event):
    event("bound", **BOUND)
    commands, lease = event("renew", **BOUND)
    assert not any(c.startswith("ip addr del") for c in commands)
    assert lease["address"] == "192.0.2.20"


def test_a_new_address_replaces_the_old_one(event):
    event("bound", **BOUND)
    commands, lease = event("bound", **dict(BOUND, ip="192.0.2.21"))
    assert commands[0] == "ip addr del 192.0.2.20/24 dev eth0"
    assert "ip addr add 192.0.2.21/24 dev eth0" in commands
    assert lease["address"] == "192.0.2.21"


def test_a_lost_lease_keeps_its_address_until_it_expires(event):
    event("bound", **BOUND)
    commands, lease = event("deconfig")  # the server went away: not expired yet
    assert commands == [] and lease["address"] == "192.0.2.20"
    event("bound", **dict(BOUND, lease="1"))
    time.sleep(1.5)
    commands, lease = event("deconfig")
    assert commands == ["ip addr del 192.0.2.20/24 dev eth0"] and lease is None


def test_deconfig_without_a_lease_does_nothing(event):
    assert event("deconfig") == ([], None)
