#!/usr/bin/python
# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.ipvlan contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: ipvlan_persist
short_description: Make an IPvlan topology come back at every boot (systemd)
version_added: "0.1.0"
description:
  - Saves an M(linuxnet.ipvlan.ipvlan_topology) topology (O(config) and
    O(topology_state)) as JSON in C(/etc/linuxnet-ipvlan/NAME.json) and makes
    the systemd unit C(linuxnet-ipvlan@NAME.service) converge it at every boot,
    with this collection's own engine installed on the node
    (C(/usr/local/lib/linuxnet-ipvlan)) and its command
    C(/usr/local/sbin/linuxnet-ipvlan-apply). No Ansible and no controller at
    boot, only the node's Python and pyroute2.
  - Installs the template unit C(/etc/systemd/system/linuxnet-ipvlan@.service)
    (Type=oneshot, RemainAfterExit=yes, after network-pre.target and before
    network.target, network-online.target and the container runtimes), a
    drop-in C(linuxnet-ipvlan@NAME.service.d/masters.conf) that waits for each
    master in the host's namespace, and enables the instance (the symlink
    C(systemctl enable) makes, in C(multi-user.target.wants)). When systemd runs,
    it is reloaded; the unit is not started.
  - Usually called by the C(linuxnet.ipvlan.topology) role with
    C(ipvlan_topology_persist=true); see the role's persistence guide.
  - At boot the saved O(topology_state) applies, except that C(overridden) is
    applied as C(replaced), so that ipvlan links on masters the topology does
    not declare (Docker's, CNI's) are never removed.
  - After writing, and before enabling the unit, runs the installed command with
    C(--check), so that a boot command that cannot run (no pyroute2 for
    O(python), for example) fails this task instead of the boot.
  - With O(state=absent), removes the saved topology, its drop-in and the
    instance's symlink; when no saved topology is left, also the template unit,
    the command and the engine. Nothing else changes; the running topology stays.
author:
  - linuxnet.ipvlan maintainers (@linuxnet)
requirements:
  - systemd on the managed node (for the unit to run at boot)
  - pyroute2 >= 0.5.14 for the Python O(python) names, and for the module's own
  - root on the managed node
attributes:
  check_mode:
    support: full
    description: Reports in RV(files) what it would write or remove, and changes nothing.
  diff_mode:
    support: full
    description: The saved topology and the unit files, before and after.
  platform:
    support: full
    platforms: linux
    description: Linux with systemd; the topology needs a kernel with ipvlan (and ipvtap) at boot.
options:
  name:
    description:
      - The saved topology's name, the systemd instance name.
      - Letters, digits, C(_), C(.) and C(-), not starting with C(.) or C(-); at most 64.
    type: str
    default: default
  state:
    description: Whether the topology is saved (V(present)) or no longer (V(absent)).
    type: str
    choices: [present, absent]
    default: present
  config:
    description:
      - The ports, exactly as M(linuxnet.ipvlan.ipvlan_topology)'s O(config),
        whose documentation lists the options. They are validated and
        converted by that module's argument spec, and then by its engine's
        validation, before anything is written; the saved file holds the
        converted values.
      - Required with O(state=present).
    type: list
    elements: dict
  topology_state:
    description:
      - How the boot command converges O(config); M(linuxnet.ipvlan.ipvlan_topology)'s O(state).
      - V(overridden) is applied at boot as V(replaced) (see the description).
    type: str
    choices: [merged, overridden, replaced]
    default: merged
  python:
    description:
      - The Python that runs the boot command (its C(#!) line). It must have
        pyroute2 and, like every file involved, be owned by root in
        directories only root can write.
    type: path
    default: /usr/bin/python3
  root:
    description:
      - Where the node's file system is; another directory writes the files
        into an image or chroot (systemd is then neither reloaded nor is the
        command's check run).
    type: path
    default: /
seealso:
  - module: linuxnet.ipvlan.ipvlan_topology
"""

EXAMPLES = r"""
- name: Bring the HOWTO topology back at every boot
  linuxnet.ipvlan.ipvlan_persist:
    config:
      - master: eth0
        mode: l2
        links:
          - {name: ipvl0, netns: ns0, addresses: [10.0.0.10/24]}
          - {name: ipvl1, netns: ns1, addresses: [10.0.0.11/24]}

- name: Stop restoring it (the running topology stays)
  linuxnet.ipvlan.ipvlan_persist:
    state: absent
"""

RETURN = r"""
files:
  description: What was written or removed (or would be, in check mode), one line each.
  returned: always
  type: list
  elements: str
  sample: ["create directory /etc/linuxnet-ipvlan", "write /etc/linuxnet-ipvlan/default.json",
           "link /etc/systemd/system/multi-user.target.wants/linuxnet-ipvlan@default.service -> /etc/systemd/system/linuxnet-ipvlan@.service"]
path:
  description: The saved topology's file.
  returned: always
  type: str
  sample: /etc/linuxnet-ipvlan/default.json
unit:
  description: The systemd unit that converges it at boot.
  returned: always
  type: str
  sample: linuxnet-ipvlan@default.service
boot_check:
  description:
    - What the installed boot command printed with C(--check) (its plan against the running
      kernel; no plan lines when the kernel already has the topology).
  returned: when files were written, not in check mode, with O(root=/)
  type: list
  elements: str
"""

import functools

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.common.arg_spec import ArgumentSpecValidator

# The boot command this module installs on the node, with the engine files it
# imports: imported here so that Ansible's payload carries their sources
# (resources/ipvlan_persist.engine_sources reads them from it).
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.entry import boot  # noqa: F401  # pylint: disable=unused-import
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.entry.runner import run
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.resources import ipvlan_persist


def main():
    module = AnsibleModule(argument_spec=ipvlan_persist.ARGUMENT_SPEC,
                           required_if=ipvlan_persist.REQUIRED_IF, supports_check_mode=True)
    if module.params["config"] is not None:
        # ipvlan_topology's own argument spec: the same checks, conversions
        # (mtu: "1400" -> 1400) and defaults as that module's
        checked = ArgumentSpecValidator(ipvlan_persist.TOPOLOGY_ARGUMENT_SPEC).validate(
            {"config": module.params["config"], "state": "merged"})
        if checked.error_messages:
            module.fail_json(msg="config: %s" % "; ".join(checked.error_messages))
        module.params["config"] = checked.validated_parameters["config"]
    run(module, functools.partial(ipvlan_persist.engine, warn=module.warn))


if __name__ == "__main__":
    main()
