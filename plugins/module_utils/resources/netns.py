# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.ipvlan contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The netns module's engine: a named network namespace present or absent
(planners/namespaces.py plans it).

A stale /run/netns entry (a file that is no namespace) is refused for
present and removed for absent, as 'ip netns del' removes it."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.linuxnet.ipvlan.plugins.module_utils.kernel import nsfs
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model import validation as v
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model.errors import (
    IpvlanError,
    KernelError,
)
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.ops.transaction import converge
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.planners.namespaces import (
    interfaces,
    plan_namespace,
)

ARGUMENT_SPEC = dict(
    name=dict(type="str", required=True),
    state=dict(type="str", default="present", choices=["present", "absent"]),
    rollback=dict(type="bool", default=True),
)


def existing_names(driver, name):
    """The names to plan with: those listed under /run/netns, plus `name`
    itself when its file exists but the listing hides it (a dot name)."""
    names = list(driver.namespaces())
    if name not in names and nsfs.is_namespace(name):
        names.append(name)
    return names


def links_in(driver, name):
    """Interfaces of namespace `name`; [] when it cannot be entered (a stale
    /run/netns file that is no namespace, which 'ip netns del' also removes)."""
    try:
        return interfaces(driver.session(name, "name").links())
    except KernelError:
        raise
    except IpvlanError:
        return []


def engine(driver, p, check_mode):
    name = v.netns_name(p["name"], "name")
    state = v.choice(p["state"], ("present", "absent"), "state")
    existing = existing_names(driver, name)
    existed = name in existing
    stale = not existed and nsfs.exists(name)
    links = links_in(driver, name) if state == "absent" and existed else []
    plan = plan_namespace(name, state, existing, links, stale)
    commands = converge(driver, plan, check_mode, p.get("rollback", True) is not False)
    exists = state == "present"
    if plan and not check_mode:
        exists = name in existing_names(driver, name)
    before = {"name": name, "exists": existed}
    if state == "absent":
        before["interfaces"] = links
    after = {"name": name, "exists": exists}
    result = {"changed": bool(plan), "commands": commands,
              "namespace": {"name": name, "path": nsfs.path_of(name), "exists": exists},
              "diff": {"before": before, "after": after}}
    if state == "absent":
        result["removed_interfaces"] = links
    return result
