# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.ipvlan contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Named network namespaces: add and delete (/run/netns/NAME, as 'ip
netns add/del' keep them)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import errno

from ansible_collections.linuxnet.ipvlan.plugins.module_utils.kernel import nsfs
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model.errors import (
    kernel_error,
    not_a_namespace,
)
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.ops.base import (
    EXISTED,
    Kind,
    NotRestorable,
    Op,
    why,
)


class _Namespace(Kind):
    """Both work in the host's namespace, on the named one."""

    @classmethod
    def namespaces(cls, op):
        return (None, op.args["name"])


class NetnsAdd(_Namespace):
    name = "netns_add"

    @classmethod
    def op(cls, name):
        return Op(cls, None, "add netns %s" % name, name=name)

    @classmethod
    def run(cls, driver, op):
        name = op.args["name"]
        try:
            nsfs.create(name)
        except OSError as exc:
            if exc.errno == errno.EEXIST and nsfs.is_namespace(name):
                return EXISTED  # made meanwhile by someone else: it exists, as wanted
            if exc.errno == errno.EEXIST:
                raise kernel_error(op.line(), exc.errno, {errno.EEXIST: not_a_namespace(name)})
            raise kernel_error(op.line(), exc.errno or 0)
        return None

    @classmethod
    def inverse(cls, snapshot, driver, op):
        return [NetnsDel.op(op.args["name"])]

    @classmethod
    def applied(cls, snapshot, op):
        snapshot.namespace_added(op.args["name"])

    @classmethod
    def expect(cls, expected, op):
        expected.namespace(op.args["name"], True)


class NetnsDel(_Namespace):
    name = "netns_del"

    @classmethod
    def op(cls, name, reason=None):
        return Op(cls, None, why("delete netns %s" % name, reason), name=name)

    @classmethod
    def run(cls, driver, op):
        driver.forget(op.args["name"])
        try:
            nsfs.remove(op.args["name"])
        except OSError as exc:
            if exc.errno != errno.ENOENT:
                raise kernel_error(op.line(), exc.errno or 0)

    @classmethod
    def inverse(cls, snapshot, driver, op):
        raise NotRestorable("namespace %s was deleted with everything in it; a deleted "
                            "namespace cannot be brought back" % op.args["name"])

    @classmethod
    def applied(cls, snapshot, op):
        snapshot.namespace_removed(op.args["name"])

    @classmethod
    def expect(cls, expected, op):
        expected.namespace(op.args["name"], False)
