# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.ipvlan contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The ipvlan_info module's engine: read only, the same in check mode
(facts/gather.py reads). It ships no executor and no rollback."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.linuxnet.ipvlan.plugins.module_utils.facts.gather import gather

ARGUMENT_SPEC = dict(
    netns=dict(type="list", elements="str"),
)


def engine(driver, params, check_mode, warn=None):
    """ipvlan_info: what gather() reads of the namespaces asked for."""
    result = gather(driver, params.get("netns"), warn=warn)
    result["changed"] = False
    return result
