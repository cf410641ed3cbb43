# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.ipvlan contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The DHCP clients of a topology's links (model/dhcp.py has the rules,
ops/dhcp.py starts and stops them).

resolve() gives each DHCP link the client identifier it sends (declared,
or derived from its namespace, its name and its master's MAC); check()
refuses one identifier twice on a master, counting the clients already
running on its other slaves; plan_clients() adds to a topology's plan:
- a stop before every op that deletes a link with a running client or
  moves it to another namespace (the client releases its lease while the
  link is there);
- with replaced and overridden, a stop for a declared link that no longer
  declares dhcp (merged leaves a client alone, as it leaves whatever is
  not declared);
- at the end, once addresses and routes are in place, a start for each
  DHCP link whose client is not running, was started with other settings
  (it is stopped first), or whose link is new or moved. Starts run one
  after the other, each waiting for its lease: clients that share a MAC
  and ask at once are offered one address by servers that pick it from
  the MAC (dnsmasq does), and all but one are refused and start over.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model import dhcp
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model.names import label
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.ops.dhcp import DhcpStart, DhcpStop
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.ops.link import LinkAdd, LinkDel, LinkSet

SETTINGS = ("client_id", "hostname", "default_route", "timeout")


def master_mac(port, have):
    """The MAC of a port's master (of its lower device, for a VLAN master
    still to be created, which takes it), or None when unknown."""
    links = have["links"].get(port["master_netns"], {})
    master = links.get(port["master"])
    if master is None and port.get("vlan") is not None:
        master = links.get(port["vlan"]["link"])
    return (master or {}).get("mac")


def resolve(want, have):
    """Each DHCP link's `dhcp` gets `settings`: what its client runs with
    ({client_id as hex text, hostname, default_route, timeout})."""
    for port in want:
        mac = master_mac(port, have)
        for link in port["links"]:
            if link.get("dhcp") is None:
                continue
            settings = dict((k, link["dhcp"][k]) for k in SETTINGS)
            settings["client_id"] = dhcp.client_id_text(dhcp.effective_client_id(link, mac))
            link["dhcp"]["settings"] = settings


def check(want, have):
    """No client identifier twice on one master, counting the running
    clients of the master's slaves that `want` does not declare."""
    records = have.get("dhcp", {})
    for port in want:
        declared = set((x["netns"], x["name"]) for x in port["links"])
        others = []
        for member in have["members"].get((port["master_netns"], port["master"]), []):
            key = (member["netns"], member["name"])
            record = records.get(key)
            if key in declared or record is None or not record["running"]:
                continue
            text = (record["settings"] or {}).get("client_id")
            if text:
                others.append((bytes(bytearray.fromhex(text.replace(":", ""))),
                               "link %s in namespace %s" % (key[1], label(key[0]))))
        dhcp.check_unique(port, master_mac(port, have), others)


def _running(records, key):
    record = records.get(key)
    return record is not None and record["running"]


def _stop(key, records, reason):
    record = records.get(key) or {}
    settings = record.get("settings")
    if settings is not None:
        settings = dict((k, settings.get(k)) for k in SETTINGS)
    return DhcpStop.op(key[0], key[1], reason, settings)


def stop_before_removals(plan, records):
    """`plan` with a stop before each op that deletes a link whose client
    runs, or moves it to another namespace (ipvlan_link's plans too);
    returns (the ops, the links stopped, the links new or moved in the
    plan). `records`: facts/leases.clients()."""
    stopped = set()
    out = []
    fresh = set()
    for op in plan:
        key = None
        if op.kind is LinkDel:
            key = (op.netns, op.args["name"])
        elif op.kind is LinkSet and "to_netns" in op.args:
            key = (op.netns, op.args["name"])
            fresh.add((op.args["to_netns"], op.args["name"]))
        elif op.kind is LinkAdd:
            fresh.add((op.args["target_netns"], op.args["name"]))
        if key is not None and key not in stopped and _running(records, key):
            out.append(_stop(key, records, "before its link goes"))
            stopped.add(key)
        out.append(op)
    return out, stopped, fresh


def plan_clients(plan, want, have, state):
    """Add the clients' starts and stops to `plan` (see the module's
    docstring); in place."""
    records = have.get("dhcp", {})
    out, stopped, fresh = stop_before_removals(plan, records)
    links = [link for port in want for link in port["links"]] if state != "deleted" else []
    if state in ("replaced", "overridden"):
        for link in links:
            key = (link["netns"], link["name"])
            if link.get("dhcp") is None and key not in stopped and _running(records, key):
                out.append(_stop(key, records, "dhcp not declared"))
                stopped.add(key)
    for link in links:
        if link.get("dhcp") is None:
            continue
        key = (link["netns"], link["name"])
        settings = link["dhcp"]["settings"]
        record = records.get(key)
        current = None if record is None else dict(
            (k, (record["settings"] or {}).get(k)) for k in SETTINGS)
        if key not in fresh and key not in stopped and record is not None \
                and record["running"] and current == settings:
            continue
        reason = None
        if key not in stopped and record is not None and record["running"]:
            out.append(_stop(key, records, "started again with other settings"))
            stopped.add(key)
            reason = "with new settings"
        out.append(DhcpStart.op(key[0], key[1], settings, reason))
    plan[:] = out
    return plan
