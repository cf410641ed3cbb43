# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.ipvlan contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ip_address module's engine: the addresses of one device
(planners/addresses.py plans them)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ipaddress

from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model import validation as v
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model.errors import (
    NamespaceNotFound,
    ValidationError,
)
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model.names import label
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model.routes import name_routes
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.ops.transaction import converge
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.planners.addresses import (
    plan_addresses,
    predict,
)


ARGUMENT_SPEC = dict(
    dev=dict(type="str", required=True),
    netns=dict(type="str"),
    addresses=dict(type="list", elements="str", default=[]),
    state=dict(type="str", default="present", choices=["present", "absent"]),
    exclusive=dict(type="bool", default=False),
    rollback=dict(type="bool", default=True),
)


def device_addresses(session, ifindex):
    """CIDR strings on the device with `ifindex`, in dump order (the other
    devices' addresses are skipped undecoded)."""
    return [str(ipaddress.ip_interface(a["address"]))
            for a in session.addresses(keep=lambda fields: fields["index"] == ifindex)]


def validate(p):
    """All fields, before anything is read or changed."""
    return dict(
        netns=v.optional_netns(p.get("netns"), "netns"),
        dev=v.ifname(p.get("dev"), "dev"),
        state=v.choice(p.get("state", "present"), ("present", "absent"), "state"),
        addresses=v.interface_addresses(p.get("addresses") or [], "addresses"),
        exclusive=bool(p.get("exclusive")),
    )


def engine(driver, p, check_mode):
    w = validate(p)
    netns, dev = w["netns"], w["dev"]
    result = {"changed": False, "commands": [], "dev": dev, "netns": netns, "addresses": []}
    try:
        session = driver.session(netns, "netns")
        link = session.link(dev)
    except NamespaceNotFound:
        if w["state"] == "absent":
            result["diff"] = {"before": {}, "after": {}}
            return result  # the namespace is gone, and its addresses with it
        raise
    if link is None:
        if w["state"] == "absent":
            result["diff"] = {"before": {}, "after": {}}
            return result
        raise ValidationError("dev", "device '%s' not found in namespace %s"
                              % (dev, label(netns)))

    have = device_addresses(session, link["ifindex"])
    routes = name_routes(session.routes(), session.links())
    plan = plan_addresses(netns, dev, have, w["addresses"], w["state"], w["exclusive"], routes)
    commands = converge(driver, plan, check_mode, p.get("rollback", True) is not False)
    if plan and not check_mode:
        after = device_addresses(session, link["ifindex"])
    else:
        after = predict(netns, dev, have, plan)
    result.update(changed=bool(plan), commands=commands, addresses=after,
                  diff={"before": _state(dev, netns, have), "after": _state(dev, netns, after)})
    return result


def _state(dev, netns, addresses):
    return {"dev": dev, "netns": netns, "addresses": list(addresses)}
