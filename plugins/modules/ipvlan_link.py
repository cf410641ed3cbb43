#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.ipvlan contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: ipvlan_link
short_description: Manage IPvlan and IPvtap links, with namespace placement
version_added: "0.1.0"
description:
  - Ensures an ipvlan or ipvtap slave link exists on a master device with the
    declared mode, flags, MTU, admin state and network namespace, or is absent.
  - Replaces C(ip link add link MASTER NAME type ipvlan|ipvtap mode MODE FLAG),
    C(ip link set NAME netns NS) and C(ip link set NAME up) with one idempotent
    task. Talks netlink through pyroute2; never runs C(ip).
  - Mode and flags belong to the master's port, not to one slave. When the
    master already has other slaves whose mode or flags differ from the wanted
    ones, the module refuses before changing anything and names them, unless
    O(force=true).
  - Drift is corrected in place where the kernel allows it (mode and flags via
    changelink, MTU, up/down, a move to another namespace). A link whose kind
    or master differs is deleted and created again, and the result says so.
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
    description: Shows the link before and after.
  platform:
    description: Needs a kernel with ipvlan (and ipvtap for O(kind=ipvtap)).
options:
  name:
    description: Name of the link; at most 15 bytes, no C(/), C(:) or whitespace.
    type: str
    required: true
  state:
    description: Whether the link should exist.
    type: str
    choices: [present, absent]
    default: present
  kind:
    description: C(ipvtap) adds a tap character device C(/dev/tapN) for virtual machines.
    type: str
    choices: [ipvlan, ipvtap]
    default: ipvlan
  parent:
    description:
      - The master device. Required with O(state=present).
      - Must be an Ethernet-type device that is not a bridge or bond port and
        carries no macvlan.
    type: str
  parent_netns:
    description: Namespace the master lives in; omitted means the module's own namespace.
    type: str
  netns:
    description:
      - Namespace the link must live in; omitted means the master's namespace.
      - It must exist (see M(linuxnet.ipvlan.netns)); a missing one is an error.
      - With O(state=absent), where to look for the link.
    type: str
  mode:
    description: Port mode. Applies to every slave of the master.
    type: str
    choices: [l2, l3, l3s]
    default: l3
  flags:
    description: Port flags. Applies to every slave of the master.
    type: str
    choices: [bridge, private, vepa]
    default: bridge
  mtu:
    description: MTU of the link; at most the master's. Omitted means the kernel's choice (the master's MTU) and no management.
    type: int
  up:
    description:
      - Administrative state of the link.
      - Taking a link down makes the kernel drop its IPv6 addresses (unless
        C(net.ipv6.conf.<dev>.keep_addr_on_down) is set) and every route through it; the op
        that takes it down names them, in RV(commands), check mode and diff, and a rollback
        puts them back.
    type: bool
    default: true
  tap:
    description:
      - For O(kind=ipvtap), the owner, group and mode of the link's character device
        C(/dev/tapN) (N is the link's index in its namespace). The kernel makes it owned by
        root with mode 0600, so a virtual machine run as another user cannot open it.
      - Only what is given is managed. Applied after the link is created or moved (a move can
        change the index, and the kernel makes the node anew), and whenever the node differs.
      - The same option as M(linuxnet.ipvlan.ipvlan_topology)'s
        O(linuxnet.ipvlan.ipvlan_topology#module:config[].links[].tap).
    type: dict
    suboptions:
      owner:
        description: User name or number on the managed node.
        type: str
      group:
        description: Group name or number on the managed node.
        type: str
      mode:
        description: Octal mode, for example V('0660').
        type: raw
      path:
        description: Ignored; the C(/dev/tapN) returned in RV(link.tap) (read-only).
        type: str
  force:
    description:
      - Allow changing the mode or flags of a port that has other slaves; all of them change.
    type: bool
    default: false
  from_netns:
    description:
      - Move the link into O(netns) from this namespace (V('') for the module's own), where
        it must be an ipvlan/ipvtap slave of O(parent). Once moved, the task changes nothing.
      - A link is identified by namespace and name (many containers have an C(eth0)), so
        without O(from_netns) a slave of the same name in another namespace is not moved
        (except from the master's namespace, as C(ip link add) then C(ip link set netns)
        does), a second one is created, and a warning names the one left behind.
    type: str
notes:
  - Moving a link to another namespace takes it down and drops its addresses
    and routes; the module moves first and configures after.
  - A slave cannot have its own MAC address; it uses the master's.
  - DHCP is declared with M(linuxnet.ipvlan.ipvlan_topology)
    (O(linuxnet.ipvlan.ipvlan_topology#module:config[].links[].dhcp)). When this
    module deletes, recreates or moves a link whose DHCP client that module
    started, it stops the client first (the lease is released), so that no
    client is left running for a link that is gone; RV(commands) says so.
seealso:
  - module: linuxnet.ipvlan.netns
  - module: linuxnet.ipvlan.ipvlan_topology
  - name: Kernel IPVLAN HOWTO
    description: The kernel's documentation of ipvlan.
    link: https://docs.kernel.org/networking/ipvlan.html
"""

EXAMPLES = r"""
- name: The HOWTO's ipvl0 in ns0, in L2 mode
  linuxnet.ipvlan.ipvlan_link:
    name: ipvl0
    parent: eth0
    mode: l2
    netns: ns0

- name: An ipvtap for a VM run as libvirt-qemu, in private L3S mode
  linuxnet.ipvlan.ipvlan_link:
    name: vmtap0
    kind: ipvtap
    parent: eth1
    mode: l3s
    flags: private
    tap: {owner: libvirt-qemu, group: kvm, mode: "0660"}
  register: vmtap
# qemu ... -netdev tap,id=n0,fd=3 3<>{{ vmtap.link.tap.path }}

- name: Switch a whole port to l3 although other slaves exist
  linuxnet.ipvlan.ipvlan_link:
    name: ipvl0
    parent: eth0
    mode: l3
    netns: ns0
    force: true

- name: Remove it
  linuxnet.ipvlan.ipvlan_link:
    name: ipvl0
    netns: ns0
    state: absent
"""

RETURN = r"""
link:
  description: The link after the task (predicted in check mode); empty when absent.
  returned: always
  type: dict
  contains:
    name:
      description: "Link name."
      type: str
      returned: when present
      sample: ipvl0
    kind:
      description: "ipvlan or ipvtap."
      type: str
      returned: when present
      sample: ipvlan
    ifindex:
      description: "Interface index in its namespace; null in check mode for a new link."
      type: int
      returned: when present
      sample: 5
    netns:
      description: "Namespace of the link; null is the module's own."
      type: str
      returned: when present
      sample: ns0
    parent:
      description: "The master device."
      type: str
      returned: when present
      sample: eth0
    parent_netns:
      description: "Namespace of the master; null is the module's own."
      type: str
      returned: when present
    mode:
      description: "Port mode."
      type: str
      returned: when present
      sample: l2
    flags:
      description: "Port flags."
      type: str
      returned: when present
      sample: bridge
    mtu:
      description: "MTU."
      type: int
      returned: when present
      sample: 1500
    mac:
      description: "MAC address, the master's."
      type: str
      returned: when present
      sample: "52:54:00:12:34:56"
    up:
      description: "Administrative state."
      type: bool
      returned: when present
      sample: true
    tap:
      description:
        - "The character device of an ipvtap: C(path) is C(/dev/tapN), N the link's index in its
          namespace (null in check mode for a link not yet created); C(owner) and C(group) are
          names where the host has one, else numbers; C(mode) is octal text (predicted in check
          mode)."
      type: dict
      returned: for ipvtap
      sample: {path: /dev/tap7, owner: libvirt-qemu, group: kvm, mode: "0660"}
commands:
  description: The operations that ran (or would run in check mode), one readable line each.
  returned: always
  type: list
  elements: str
  sample: ["(host): add ipvtap vmtap0 link eth1 mode l3s private up",
           "(host): set tap of vmtap0 owner libvirt-qemu group kvm mode 0660"]
port_changed:
  description: With O(force=true), how the port's mode/flags changed and which other slaves changed with it.
  returned: when a forced change affected other slaves
  type: dict
  sample: {master: eth0, master_netns: null, from: l2 bridge, to: l3 bridge, siblings: ["ipvl1 (ns1)"]}
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


import functools

from ansible_collections.linuxnet.ipvlan.plugins.module_utils.entry.runner import new_module, run
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.resources import ipvlan_link


def main():
    module = new_module(argument_spec=ipvlan_link.ARGUMENT_SPEC, required_if=ipvlan_link.REQUIRED_IF,
                        supports_check_mode=True)
    run(module, functools.partial(ipvlan_link.engine, warn=module.warn))


if __name__ == "__main__":
    main()
