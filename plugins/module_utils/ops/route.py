# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.ipvlan contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Routes: add, replace, delete. An op's `route` is a spec (model/routes.py)
and its text is model.routes.text() of it, the one text of a route.

A delete sends what 'ip route del' sends: protocol 0 and scope nowhere,
which match any; the nexthop unless the route has several (then the
identity alone removes it whole)."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import errno

from ansible_collections.linuxnet.ipvlan.plugins.module_utils.kernel import messages as m
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model import routes as rt
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model.errors import hints
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.ops.base import Kind, Op, why

_HINTS = hints("route")


def _run(driver, op, msg_type, flags, spec):
    session = driver.session(op.netns)
    oif = session.index_of(spec["dev"]) if spec.get("dev") else None
    session.request(m.route(spec, oif), msg_type, flags, op.text, _HINTS)
    session.invalidate()


class _Route(Kind):
    verb = None
    flags = None  # of the RTM_NEWROUTE request

    @classmethod
    def run(cls, driver, op):
        _run(driver, op, m.RTM_NEWROUTE, cls.flags, op.args["route"])

    @classmethod
    def op(cls, netns, spec, reason=None):
        """`spec`: a route spec, or a route dict as read (rt.as_spec)."""
        if not hasattr(spec["dst"], "prefixlen"):
            spec = rt.as_spec(spec)
        return Op(cls, netns, why("%s route %s" % (cls.verb, rt.text(spec)), reason), route=spec)

    @classmethod
    def inverse(cls, snapshot, driver, op):
        key = rt.identity(op.args["route"])
        old = [r for r in snapshot.routes(op.netns) if rt.identity(r) == key]
        if cls is RouteDel:
            return [RouteReplace.op(op.netns, r) for r in old]
        if old:
            return [RouteReplace.op(op.netns, old[0])]
        return [RouteDel.op(op.netns, rt.as_read(op.args["route"]))]

    @classmethod
    def applied(cls, snapshot, op):
        routes = snapshot.routes(op.netns)
        key = rt.identity(op.args["route"])
        routes[:] = [r for r in routes if rt.identity(r) != key]
        if cls is not RouteDel:
            routes.append(rt.as_read(op.args["route"]))

    @classmethod
    def expect(cls, expected, op):
        spec = op.args["route"]
        expected.route(op.netns, rt.identity(spec), None if cls is RouteDel else {
            "gateway": spec.get("gateway"), "dev": spec.get("dev")})


class RouteAdd(_Route):
    name = "route_add"
    verb = "add"
    flags = m.REQ_CREATE


class RouteReplace(_Route):
    name = "route_replace"
    verb = "replace"
    flags = m.REQ_REPLACE


class RouteDel(_Route):
    name = "route_del"
    verb = "delete"
    already_done = (errno.ESRCH, errno.ENOENT)

    @classmethod
    def run(cls, driver, op):
        _run(driver, op, m.RTM_DELROUTE, m.REQ_ACK, cls.sent(op.args["route"]))

    @classmethod
    def sent(cls, spec):
        """What a delete of the route `spec` sends (see the module's docstring)."""
        spec = dict(spec, scope="nowhere", proto=0)
        if spec.get("multipath"):
            spec.update(gateway=None, dev=None)
        return spec
