#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.ipvlan contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: netns
short_description: Manage named network namespaces (ip netns add/del)
version_added: "0.1.0"
description:
  - Ensures a named network namespace exists or is absent, the way
    C(ip netns add NAME) and C(ip netns del NAME) do it - a bind mount at
    C(/run/netns/NAME) - so C(ip netns) and C(ip -n NAME) see it.
  - Works in-process (unshare and setns system calls); never runs C(ip).
  - Names match exactly; an existing C(red-test) does not make C(red) exist.
  - Removing a namespace that still holds interfaces is allowed, as with
    C(ip netns del); the result lists the interfaces that were in it.
author:
  - linuxnet.ipvlan maintainers (@linuxnet)
extends_documentation_fragment:
  - linuxnet.ipvlan.netlink
  - linuxnet.ipvlan.attributes
  - linuxnet.ipvlan.transaction
attributes:
  check_mode:
    description: Reports a change only when the namespace would be created or removed; changes nothing.
  diff_mode:
    description: Shows whether the namespace existed before and after, and for O(state=absent) its interfaces.
  platform:
    description: Needs network namespaces (any current Linux kernel).
options:
  name:
    description:
      - Name of the namespace, the file name under C(/run/netns).
      - Not empty, not C(.) or C(..), no C(/), at most 255 bytes.
    type: str
    required: true
  state:
    description: Whether the namespace should exist.
    type: str
    choices: [present, absent]
    default: present
notes:
  - When a namespace is removed, its virtual interfaces (veth, ipvlan, ...)
    are destroyed and physical ones return to the initial namespace, once no
    process still runs in it or holds it open. A veth pair goes as a whole.
  - Like C(ip netns add), the module makes C(/run/netns) a shared mount so
    the namespace is visible in every mount namespace that shares it.
seealso:
  - module: linuxnet.ipvlan.ipvlan_link
  - module: linuxnet.ipvlan.ip_address
  - module: linuxnet.ipvlan.ip_route
  - name: ip-netns(8)
    description: The iproute2 command this module replaces.
    link: https://man7.org/linux/man-pages/man8/ip-netns.8.html
"""

EXAMPLES = r"""
- name: The HOWTO's ns0 and ns1
  linuxnet.ipvlan.netns:
    name: "{{ item }}"
  loop: [ns0, ns1]

- name: Remove ns1, with whatever is still inside
  linuxnet.ipvlan.netns:
    name: ns1
    state: absent
  register: gone

- name: Say what went with it
  ansible.builtin.debug:
    msg: "{{ gone.removed_interfaces | map(attribute='name') | list }}"
"""

RETURN = r"""
namespace:
  description: The namespace after the task (predicted in check mode).
  returned: always
  type: dict
  contains:
    name: {description: Name of the namespace., type: str, returned: always, sample: ns0}
    path: {description: Its file under C(/run/netns)., type: str, returned: always, sample: /run/netns/ns0}
    exists: {description: Whether it exists after the task., type: bool, returned: always, sample: true}
removed_interfaces:
  description:
    - With O(state=absent), the interfaces (other than loopback) that were in
      the namespace when it was removed, or would be in check mode.
  returned: when O(state=absent)
  type: list
  elements: dict
  contains:
    name: {description: Interface name inside the namespace., type: str, sample: ipvl0}
    kind: {description: Link kind (null for a physical device)., type: str, sample: ipvlan}
  sample: [{name: ipvl0, kind: ipvlan}]
commands:
  description: The operations that ran (or would run in check mode), one readable line each.
  returned: always
  type: list
  elements: str
  sample: ["(host): add netns ns0"]
failed_operation:
  description: The operation that failed; null when reading back the result failed verification.
  returned: when applying the plan failed
  type: str
rolled_back:
  description: The applied operations that were undone, newest first, one line each as in RV(commands).
  returned: when applying the plan failed, with O(rollback=true)
  type: list
  elements: str
rollback_commands:
  description: The inverse operations that ran to undo them.
  returned: when applying the plan failed, with O(rollback=true)
  type: list
  elements: str
not_restored:
  description: What could not be put back, each with the reason; empty when the host is as it was before the run.
  returned: when applying the plan failed, with O(rollback=true)
  type: list
  elements: dict
  contains:
    what:
      description: The applied operation, or the object that differs from before the run.
      type: str
      returned: always
    reason:
      description: Why it was not restored.
      type: str
      returned: always
"""


from ansible_collections.linuxnet.ipvlan.plugins.module_utils.entry.runner import new_module, run
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.resources import netns


def main():
    module = new_module(argument_spec=netns.ARGUMENT_SPEC, supports_check_mode=True)
    run(module, netns.engine)


if __name__ == "__main__":
    main()
