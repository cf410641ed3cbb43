# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.ipvlan contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Named network namespaces, as 'ip netns add/del' keeps them (/run/netns/NAME).

Names match exactly: 'red-test' existing says nothing about 'red'. Removing
a namespace that still holds interfaces is allowed, as 'ip netns del' allows
it; the interfaces are read first so the result can say what went with it.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.linuxnet.ipvlan.plugins.module_utils import messages as m
from ansible_collections.linuxnet.ipvlan.plugins.module_utils import nsfs
from ansible_collections.linuxnet.ipvlan.plugins.module_utils import validation as v
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.errors import IpvlanError, KernelError
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.plan import Op, Plan, converge

ARGUMENT_SPEC = dict(
    name=dict(type="str", required=True),
    state=dict(type="str", default="present", choices=["present", "absent"]),
)


# ------------------------------------------------------------------ planning


def plan_namespace(name, state, existing, links=()):
    """Ops that make namespace `name` present or absent.

    `existing` is the collection of namespace names that exist (matched
    exactly); `links` the interfaces inside it, as {"name", "kind"} dicts,
    named in the delete op's text. Pure: reads nothing."""
    name = v.netns_name(name, "name")
    v.choice(state, ("present", "absent"), "state")
    plan = Plan()
    there = name in set(existing)
    if state == "present" and not there:
        plan.append(Op(None, "netns_add", "add netns %s" % name, name=name))
    elif state == "absent" and there:
        text = "delete netns %s" % name
        if links:
            text += " (its interfaces go with it: %s)" % ", ".join(_word(x) for x in links)
        plan.append(Op(None, "netns_del", text, name=name))
    return plan


def _word(link):
    return "%s (%s)" % (link["name"], link.get("kind") or "device")


def interfaces(links):
    """What a namespace holds besides its loopback, as returned to the user."""
    return [{"name": x["name"], "kind": x.get("kind")} for x in links
            if x.get("type") != m.ARPHRD_LOOPBACK]


# ------------------------------------------------------------------- reading


def existing_names(driver, name):
    """The names to plan with: those listed under /run/netns, plus `name`
    itself when its file exists but the listing hides it (a dot name)."""
    names = list(driver.namespaces())
    if name not in names and nsfs.exists(name):
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


# -------------------------------------------------------------------- engine


def engine(driver, p, check_mode):
    name = v.netns_name(p["name"], "name")
    state = v.choice(p["state"], ("present", "absent"), "state")
    existing = existing_names(driver, name)
    existed = name in existing
    links = links_in(driver, name) if state == "absent" and existed else []
    plan = plan_namespace(name, state, existing, links)
    commands = converge(driver, plan, check_mode)
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
