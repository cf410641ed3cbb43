# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.ipvlan contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type


class ModuleDocFragment(object):
    """What every linuxnet.ipvlan module needs on the managed node."""

    DOCUMENTATION = r"""
options: {}
requirements:
  - pyroute2 >= 0.5.14 on the managed node (tested with the releases that RHEL 9 (EPEL), Ubuntu, Debian, Fedora and Alpine ship, 0.5.14 to 0.9.7)
  - Python 3.9 to 3.13 on the managed node
  - root on the managed node (CAP_NET_ADMIN; CAP_SYS_ADMIN to enter or create named namespaces)
"""
