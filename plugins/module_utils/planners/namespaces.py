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

from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model import abi
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model import validation as v
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model.errors import (
    ValidationError,
    not_a_namespace,
)
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.ops.base import Plan
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.ops.namespace import (
    NetnsAdd,
    NetnsDel,
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
        raise ValidationError("name", not_a_namespace(name))
    if stale:
        plan.append(NetnsDel.op(name, "a stale entry, not a namespace"))
    elif state == "present" and not there:
        plan.append(NetnsAdd.op(name))
    elif state == "absent" and there:
        plan.append(NetnsDel.op(name, "its interfaces go with it: %s"
                                % ", ".join(_word(x) for x in links) if links else None))
    return plan


def _word(link):
    return "%s (%s)" % (link["name"], link.get("kind") or "device")


def interfaces(links):
    """What a namespace holds besides its loopback, as returned to the user."""
    return [{"name": x["name"], "kind": x.get("kind")} for x in links
            if x.get("type") != abi.ARPHRD_LOOPBACK]


# ------------------------------------------------------------------- reading


# -------------------------------------------------------------------- engine
