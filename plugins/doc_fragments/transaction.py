# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.ipvlan contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    """The transaction every state-changing module runs its plan in:
    preflight, verification, rollback, the host lock."""

    DOCUMENTATION = r"""
options:
  rollback:
    description:
      - When an operation fails part-way, or the state read back after the
        change differs from what was applied, undo what this run applied,
        newest first, from the state read before the run, and report it in
        RV(rolled_back) (the undone operations), RV(rollback_commands) and
        RV(not_restored). V(changed) is then false when everything was
        restored.
      - V(false) leaves what ran applied, and the failure lists it in
        RV(commands).
      - A namespace the run deleted cannot be brought back (its devices went
        with it); it is listed in RV(not_restored).
    type: bool
    default: true
notes:
  - Before the first change, and in check mode alike, the module checks what
    the kernel would refuse (the link kinds, by a probe that creates nothing;
    the master; routes' source and gateway), so check mode fails where a real
    run would.
  - After a change, the module reads back every change it made (the kind,
    mode, flags, MTU, state, alias and IPv6 settings of links, a VLAN's id
    and protocol, addresses, routes, namespaces, and the owner, group and mode
    of an ipvtap's C(/dev/tapN)) and fails (and rolls back) when the kernel
    holds something else.
  - Runs on one host take turns through a lock on
    C(/run/lock/linuxnet-ipvlan.lock) (flock); a run waits up to 300 seconds
    for another one to finish and then fails naming the holder's pid. Check
    mode runs share the lock with each other.
"""
