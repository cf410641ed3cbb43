# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.ipvlan contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A link's interface alias (IFLA_IFALIAS, which `ip link show` prints):
the mark of a port's host access (planners/host_access.py)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.linuxnet.ipvlan.plugins.module_utils.kernel import link_attrs as la
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.kernel import messages as m
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.ops.base import Kind, Op, why


class LinkAlias(Kind):
    name = "link_alias"

    @classmethod
    def op(cls, netns, name, alias, reason=None):
        """`alias` '' removes it."""
        return Op(cls, netns, why("set link %s alias %s" % (name, alias or "''"), reason),
                  name=name, alias=alias)

    @classmethod
    def run(cls, driver, op):
        session = driver.session(op.netns)
        index = session.index_of(op.args["name"])
        session.request(la.alias_msg(index, op.args["alias"]), m.RTM_NEWLINK, m.REQ_ACK, op.text)
        session.invalidate()

    @classmethod
    def inverse(cls, snapshot, driver, op):
        """The alias as it was (a link this run made needs none: its
        deletion undoes it)."""
        link = snapshot.link(op.netns, op.args["name"])
        if link is None:
            return []
        return [cls.op(op.netns, op.args["name"], link.get("alias") or "")]

    @classmethod
    def applied(cls, snapshot, op):
        link = snapshot.link(op.netns, op.args["name"])
        if link is not None:
            link["alias"] = op.args["alias"] or None

    @classmethod
    def expect(cls, expected, op):
        expected.link(op.netns, op.args["name"], alias=op.args["alias"] or None)
