#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.ipvlan contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: ip_route
short_description: Manage one IPv4 or IPv6 route, in any network namespace
version_added: "0.1.0"
description:
  - Ensures a unicast route is present or absent, like C(ip route add),
    C(ip route replace) and C(ip route del), in the module's namespace or a
    named one. Talks netlink through pyroute2; never runs C(ip).
  - A route is identified by its family, O(table), O(dst) and O(metric). When
    a route with that identity exists with another gateway, device, source or
    scope, it is replaced, so one declaration never leaves two routes (for
    example two default routes) behind. Another metric is another route.
  - Gateway and device make the next hop. A route declared without
    O(gateway) must have none. O(dev), O(src) and O(scope) are compared only
    when given; a replaced route gets exactly the declared attributes.
  - All input is checked before anything changes. A gateway that no connected
    subnet covers is refused by the kernel (ENETUNREACH for IPv4, EHOSTUNREACH
    for IPv6) and reported as such.
author:
  - linuxnet.ipvlan maintainers (@linuxnet)
extends_documentation_fragment:
  - linuxnet.ipvlan.netlink
  - linuxnet.ipvlan.attributes
  - linuxnet.ipvlan.transaction
attributes:
  check_mode:
    description: Reports exactly the operation that would run and changes nothing.
  diff_mode:
    description: Shows the route before and after.
  platform:
    description: Any Linux kernel with netlink; no ipvlan needed.
options:
  dst:
    description:
      - Destination network in CIDR form (host bits zero), an address (a
        C(/32) or C(/128) route), or V(default).
      - V(default) is C(0.0.0.0/0) or C(::/0) following the family of
        O(gateway) (or of O(src)); without either it is C(0.0.0.0/0). Write
        C(::/0) for an IPv6 default route through a device only.
    type: str
    required: true
  gateway:
    description:
      - Next-hop address, of the same family as O(dst). It must be on a subnet
        connected to the device. An IPv6 link-local gateway needs O(dev).
      - With O(state=present), O(gateway), O(dev) or both are required.
    type: str
  dev:
    description:
      - Output device. With O(state=present) it must exist in the namespace.
      - With O(state=absent), a device that does not exist carries no route,
        so nothing changes.
    type: str
  netns:
    description:
      - Named namespace; omitted means the module's own namespace.
      - With O(state=present) it must exist. With O(state=absent), a missing
        namespace holds no route and nothing changes.
    type: str
  metric:
    description:
      - Route priority, part of the identity. Omitted means the kernel's
        default, 0 for IPv4 and 1024 for IPv6 (IPv6 also turns 0 into 1024).
    type: int
  table:
    description:
      - Routing table, V(main), V(local), V(default) or a number from 1 to
        4294967295 (as a number or a string).
    type: raw
    default: main
  src:
    description: Preferred source address; it must be an address of the namespace.
    type: str
  scope:
    description:
      - Route scope (IPv4 only). Omitted means V(global) with a gateway and
        V(link) without, as with iproute2, and is not compared.
    type: str
    choices: [global, site, link, host]
  state:
    description:
      - Whether the route should exist.
      - With V(absent), the route with the identity is removed if the
        gateway, device and source that are given match it.
    type: str
    choices: [present, absent]
    default: present
notes:
  - Only unicast routes with one next hop are managed. An existing route of
    another type, or with several next hops, at the same identity is
    replaced with O(state=present).
  - Table names other than V(main), V(local) and V(default) (from
    C(/etc/iproute2/rt_tables)) are not read; give the number.
seealso:
  - module: linuxnet.ipvlan.ip_address
  - module: linuxnet.ipvlan.netns
  - name: ip-route(8)
    description: The iproute2 command this module replaces.
    link: https://man7.org/linux/man-pages/man8/ip-route.8.html
"""

EXAMPLES = r"""
- name: The HOWTO's default route of ns0 through ipvl0
  linuxnet.ipvlan.ip_route:
    dst: default
    gateway: 10.0.0.1
    dev: ipvl0
    netns: ns0

- name: IPv6 default route (the family follows the gateway)
  linuxnet.ipvlan.ip_route:
    dst: default
    gateway: fe80::1
    dev: ipvl0
    netns: ns0

- name: A subnet on the link, in table 100
  linuxnet.ipvlan.ip_route:
    dst: 192.0.2.0/24
    dev: eth1
    table: 100

- name: Remove the default route, whatever its gateway
  linuxnet.ipvlan.ip_route:
    dst: default
    netns: ns0
    state: absent
"""

RETURN = r"""
route:
  description: The route after the task (predicted in check mode); empty when absent.
  returned: always
  type: dict
  contains:
    dst: {description: Destination in CIDR form., type: str, returned: when present, sample: 0.0.0.0/0}
    family: {description: 4 or 6., type: int, returned: when present, sample: 4}
    gateway: {description: "Next hop, or null.", type: str, returned: when present, sample: 10.0.0.1}
    dev: {description: "Output device, or null.", type: str, returned: when present, sample: ipvl0}
    metric: {description: "Metric (normalised, see O(metric)).", type: int, returned: when present, sample: 0}
    table: {description: Table number (254 is main)., type: int, returned: when present, sample: 254}
    src: {description: "Preferred source, or null.", type: str, returned: when present}
    scope: {description: Scope (always global for IPv6)., type: str, returned: when present, sample: global}
commands:
  description: The operation that ran (or would run in check mode), as a readable line.
  returned: always
  type: list
  elements: str
  sample: ["ns0: replace route default via 10.0.0.1 dev ipvl0"]
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
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.resources import ip_route


def main():
    module = new_module(argument_spec=ip_route.ARGUMENT_SPEC, required_if=ip_route.REQUIRED_IF,
                        supports_check_mode=True)
    run(module, ip_route.engine)


if __name__ == "__main__":
    main()
