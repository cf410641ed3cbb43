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
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.errors import (
    IpvlanError,
    KernelError,
    ValidationError,
)
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.plan import Op, Plan
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.transaction import converge

ARGUMENT_SPEC = dict(
    name=dict(type="str", required=True),
    state=dict(type="str", default="present", choices=["present", "absent"]),
    rollback=dict(type="bool", default=True),
)


# ------------------------------------------------------------------ planning


def plan_namespace(name, state, existing, links=(), stale=False):
    """Ops that make namespace `name` present or absent.

    `existing` is the collection of namespace names that exist (matched
    exactly); `links` the interfaces inside it, as {"name", "kind"} dicts,
    named in the delete op's text; `stale`: /run/netns/NAME exists but is
    no namespace (refused for present, removed for absent). Pure."""
    name = v.netns_name(name, "name")
    v.choice(state, ("present", "absent"), "state")
    plan = Plan()
    there = name in set(existing)
    if stale and state == "present":
        raise ValidationError("name", nsfs.not_a_namespace(name))
    if stale:
        plan.append(Op(None, "netns_del", "delete netns %s (a stale entry, not a namespace)"
                       % name, name=name))
    elif state == "present" and not there:
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


# -------------------------------------------------------------------- engine


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
