# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.ipvlan contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A VLAN master: created down, marked as the collection's (its alias,
model.names.VLAN_OWNED_ALIAS) and brought up; if marking fails it is deleted again, so
none is left up and unmarked. A VLAN is removed with the plain link_del."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.linuxnet.ipvlan.plugins.module_utils.kernel import messages as m
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.kernel import vlan
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model import abi
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model.errors import (
    KernelError,
    hints,
)
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model.names import VLAN_OWNED_ALIAS
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.ops.base import Kind, Op
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.ops.link import LinkDel

_HINTS = hints("vlan")


class VlanAdd(Kind):
    name = "vlan_add"

    @classmethod
    def op(cls, netns, name, link, vid, protocol):
        return Op(cls, netns, "add vlan %s link %s id %d protocol %s up"
                  % (name, link, vid, protocol), name=name, link=link, id=vid, protocol=protocol)

    @classmethod
    def run(cls, driver, op):
        a = op.args
        session = driver.session(op.netns)
        msg = vlan.link_new(a["name"], session.index_of(a["link"]), a["id"], a["protocol"])
        session.request(msg, m.RTM_NEWLINK, m.REQ_CREATE, op.text, _HINTS)
        session.forget_name(a["name"])
        session.invalidate()
        index = session.index_of(a["name"])
        try:
            session.request(vlan.mark(index), m.RTM_NEWLINK, m.REQ_ACK, op.text + " (mark, up)")
        except KernelError:
            session.request(m.link_del(index), m.RTM_DELLINK, m.REQ_ACK, op.text + " (undo)")
            session.forget_name(a["name"])
            raise

    @classmethod
    def inverse(cls, snapshot, driver, op):
        return [LinkDel.op(op.netns, op.args["name"], "vlan")]

    @classmethod
    def expect(cls, expected, op):
        a = op.args
        expected.link(op.netns, a["name"], fresh=True, kind="vlan", up=True,
                      alias=VLAN_OWNED_ALIAS, vlan_id=a["id"],
                      vlan_protocol=abi.VLAN_PROTOCOLS[a["protocol"]])
