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
notes:
  - A named namespace is a file under C(/run/netns) (as C(ip netns) keeps them); any name that
    stays in that directory is one, those beginning with a dot included (C(ip netns list)
    shows them too).
  - An entry of C(/run/netns) that is not a namespace (a stale file, say from an interrupted
    C(ip netns add)) holds no namespace. What is to be absent in it (C(state=absent),
    C(state=deleted)) is absent already, and the entry is left alone (M(linuxnet.ipvlan.netns)
    with C(state=absent) removes it); what is to be present in it is refused before any change,
    with a message that says how to remove the entry.
"""
