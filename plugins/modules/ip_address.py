#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.ipvlan contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: ip_address
short_description: Manage IPv4 and IPv6 addresses of a device, in any network namespace
version_added: "0.1.0"
description:
  - Ensures addresses are on a device, or not, like C(ip addr add) and
    C(ip addr del), in the module's namespace or a named one.
    Talks netlink through pyroute2; never runs C(ip).
  - An address is identified by its IP on the device. If the device holds the
    IP with another prefix length, that entry is replaced.
  - With O(exclusive=true) and O(state=present), every other address on the
    device is removed, except IPv6 link-local ones.
  - All input is checked before anything changes. An IP that another slave of
    the same ipvlan master already holds (in any namespace) is refused by the
    kernel with EADDRINUSE; the message names the address.
author:
  - linuxnet.ipvlan maintainers (@linuxnet)
extends_documentation_fragment:
  - linuxnet.ipvlan.netlink
  - linuxnet.ipvlan.attributes
  - linuxnet.ipvlan.transaction
attributes:
  check_mode:
    description: Reports exactly the operations that would run and changes nothing.
  diff_mode:
    description: Shows the device's addresses before and after.
  platform:
    description: Any Linux kernel with netlink; no ipvlan needed.
options:
  dev:
    description: The device whose addresses are managed.
    type: str
    required: true
  netns:
    description:
      - Named namespace of the device; omitted means the module's own namespace.
      - With O(state=present) it must exist (see M(linuxnet.ipvlan.netns)).
    type: str
  addresses:
    description:
      - IPv4 and IPv6 addresses in CIDR form, for example C(10.0.0.10/24) or
        C(2001:db8::10/64).
      - An address without a prefix length gets C(/32) or C(/128), as with iproute2.
      - The same IP may appear only once.
    type: list
    elements: str
    default: []
  state:
    description:
      - V(present) adds the addresses that are missing (and, with O(exclusive),
        removes the others).
      - V(absent) removes the listed IPs from the device, whatever their prefix
        length. A device or namespace that does not exist holds no address, so
        with V(absent) it is not an error and nothing changes.
    type: str
    choices: [present, absent]
    default: present
  exclusive:
    description:
      - With O(state=present), remove every address of the device that is not
        listed, except IPv6 link-local ones (C(fe80::/10)).
      - C(exclusive=true) with an empty O(addresses) removes all of them.
      - Ignored with O(state=absent).
    type: bool
    default: false
notes:
  - Deleting an IPv4 primary address makes the kernel drop the secondary
    addresses of its subnet (unless C(promote_secondaries) is set). The module
    deletes secondaries first and puts back, with C(replace), those that must
    stay; those appear in RV(commands).
  - IPv6 addresses added by the module go through duplicate address detection;
    for a second or so they are C(tentative).
  - Addresses that the kernel or a daemon adds (SLAAC, DHCP) are removed by
    O(exclusive) like any other, and may come back.
seealso:
  - module: linuxnet.ipvlan.netns
  - module: linuxnet.ipvlan.ip_route
  - module: linuxnet.ipvlan.ipvlan_link
  - name: ip-address(8)
    description: The iproute2 command this module replaces.
    link: https://man7.org/linux/man-pages/man8/ip-address.8.html
"""

EXAMPLES = r"""
- name: The HOWTO's address of ipvl0 in ns0
  linuxnet.ipvlan.ip_address:
    dev: ipvl0
    netns: ns0
    addresses: [10.0.0.10/24]

- name: Dual stack, and nothing else on the device
  linuxnet.ipvlan.ip_address:
    dev: eth1
    addresses:
      - 192.0.2.5/24
      - 2001:db8:1::5/64
    exclusive: true

- name: Remove one address (any prefix length)
  linuxnet.ipvlan.ip_address:
    dev: ipvl0
    netns: ns0
    addresses: [10.0.0.10]
    state: absent
"""

RETURN = r"""
addresses:
  description:
    - The device's addresses after the task in CIDR form, IPv6 link-local
      included (predicted in check mode); empty when the device or namespace
      does not exist (O(state=absent)).
  returned: always
  type: list
  elements: str
  sample: ["10.0.0.10/24", "fe80::5054:ff:fe12:3456/64"]
dev:
  description: The device.
  returned: always
  type: str
  sample: ipvl0
netns:
  description: Its namespace (null is the module's own).
  returned: always
  type: str
  sample: ns0
commands:
  description: The operations that ran (or would run in check mode), one readable line each.
  returned: always
  type: list
  elements: str
  sample: ["ns0: add address 10.0.0.10/24 dev ipvl0"]
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
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.resources import ip_address


def main():
    module = new_module(argument_spec=ip_address.ARGUMENT_SPEC, supports_check_mode=True)
    run(module, ip_address.engine)


if __name__ == "__main__":
    main()
