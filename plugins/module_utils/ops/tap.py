# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.ipvlan contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Owner, group and mode of an ipvtap's /dev/tapN (kernel/devices.py).
The link's index, so the path, is looked up when the op runs, after a
creation or move."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import errno
import os
import stat

from ansible_collections.linuxnet.ipvlan.plugins.module_utils.kernel import devices
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model.errors import (
    hints,
    kernel_error,
)
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.ops.base import Kind, Op

KEYS = (("uid", "owner"), ("gid", "group"), ("mode", "mode"))


class TapSet(Kind):
    name = "tap_set"

    @classmethod
    def op(cls, netns, name, uid=None, gid=None, mode=None, words=None):
        """`words`: how the owner and group are named (the declared names),
        {"owner": "owner alice", ...}; numbers otherwise."""
        values = {"uid": uid, "gid": gid, "mode": mode}
        said = []
        for key, word in KEYS:
            if values[key] is None:
                continue
            if words and word in words:
                said.append(words[word])
            elif key == "mode":
                said.append("mode %04o" % mode)
            else:
                said.append("%s %d" % (word, values[key]))
        return Op(cls, netns, "set tap of %s %s" % (name, " ".join(said)), name=name, **values)

    @classmethod
    def run(cls, driver, op):
        a = op.args
        index = driver.session(op.netns).index_of(a["name"])
        node = devices.path(index)

        def refused(code, holder=None):
            return kernel_error(op.line(), code, hints("tap", node=node, index=index,
                                                       name=a["name"], holder=holder))
        try:
            info = os.stat(node)
        except OSError as exc:
            raise refused(exc.errno or errno.ENOENT)
        major = devices.ipvtap_major()
        if not stat.S_ISCHR(info.st_mode) or (major is not None and
                                              os.major(info.st_rdev) != major):
            raise refused(errno.ENODEV)
        holder = devices.holder(info.st_rdev)
        if holder not in (None, a["name"]):
            raise refused(errno.EBUSY, holder)
        try:
            if a["uid"] is not None or a["gid"] is not None:
                os.chown(node, -1 if a["uid"] is None else a["uid"],
                         -1 if a["gid"] is None else a["gid"])
            if a["mode"] is not None:
                os.chmod(node, a["mode"])
        except OSError as exc:
            raise kernel_error(op.line(), exc.errno or errno.EPERM)

    @classmethod
    def inverse(cls, snapshot, driver, op):
        """The node as it is just before the op runs."""
        a = op.args
        index = driver.session(op.netns).index_of(a["name"], required=False)
        node = None if index is None else devices.read(index, a["name"])
        if node is None:
            return []
        return [cls.op(op.netns, a["name"], node["uid"], node["gid"], node["mode"])]

    @classmethod
    def expect(cls, expected, op):
        name = op.args["name"]
        expected.other(("tap", op.netns, name),
                       dict((k, op.args[k]) for k, _word in KEYS if op.args[k] is not None),
                       cls.check, link=name)

    @classmethod
    def check(cls, view, key, wanted):
        """The node of the ipvtap (found by its index in the namespace's
        dump, view.links) has what was set."""
        name = key[2]
        link = view.links.get(name)
        node = None if link is None else devices.read(link["ifindex"], name)
        where = "%s: tap of %s" % (view.where, name)
        if node is None:
            return [where + " has no /dev/tapN of its own"]
        return ["%s %s is %s, wanted %s" % (where, field, _show(field, node[field]),
                                            _show(field, value))
                for field, value in sorted(wanted.items()) if node[field] != value]


def _show(field, value):
    return "%04o" % value if field == "mode" else value
