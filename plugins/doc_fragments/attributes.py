# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.ipvlan contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    """The attributes every linuxnet.ipvlan module shares.

    A module extends `linuxnet.ipvlan.attributes` (the modules that change
    things) or `linuxnet.ipvlan.attributes.info_module` (read-only ones) and
    may give an attribute its own `description`, which wins over the one here;
    the support levels come from here."""

    # the modules that change the kernel's state
    DOCUMENTATION = r"""
options: {}
attributes:
  check_mode:
    support: full
    description: Predicts exactly what would change (failures included) and changes nothing.
  diff_mode:
    support: full
    description: Shows the state before and after.
  platform:
    support: full
    platforms: linux
    description: Linux, through netlink.
"""

    # the read-only modules
    INFO_MODULE = r"""
options: {}
attributes:
  check_mode:
    support: full
    description: Reads the same way in check mode; nothing is ever changed.
  diff_mode:
    support: none
    description: Nothing changes, so there is nothing to show.
  platform:
    support: full
    platforms: linux
    description: Linux, through netlink.
"""
