# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.ipvlan contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The driver: the only boundary between the engine and pyroute2.

A Driver holds at most one netlink session per namespace for the whole
module run. A session in a named namespace is opened by entering the
namespace with setns(2) in this thread, creating the socket there and coming
back: no forked helper, and no namespace is ever created by reading (unlike
pyroute2's IPRoute(netns=...), which creates a missing one).

Reads return plain data (see messages.parse_*); writes take resolved
arguments and raise KernelError with an actionable message.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import errno
import os

from ansible_collections.linuxnet.ipvlan.plugins.module_utils import messages as m
from ansible_collections.linuxnet.ipvlan.plugins.module_utils import nsfs
from ansible_collections.linuxnet.ipvlan.plugins.module_utils import pyroute2_ext as ext
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.errors import kernel_error


def label(netns):
    """How a namespace is named in messages and plans."""
    return "(host)" if netns is None else netns


class Session(object):
    """One netlink socket in one namespace, with the dumps it has read."""

    def __init__(self, netns, ipr):
        self.netns = netns
        self.ipr = ipr
        self._cache = {}
        self._nsids = {}
        self._index = {}

    # -- transport
    def request(self, msg, msg_type, flags, what, hints=None):
        try:
            return self.ipr.nlm_request(msg, msg_type, flags)
        except ext.NetlinkError as exc:
            raise kernel_error("%s: %s" % (label(self.netns), what), exc.code, hints)

    def _dump(self, kind, msg_type, parse):
        if kind not in self._cache:
            items = []
            for msg in self.request(m.empty(kind), msg_type, m.REQ_DUMP, "dump " + kind):
                item = parse(msg, self.netns)
                if item is not None:
                    items.append(item)
            self._cache[kind] = items
        return self._cache[kind]

    def invalidate(self):
        self._cache.clear()

    # -- reads
    def links(self):
        return self._dump("link", m.RTM_GETLINK, m.parse_link)

    def addresses(self):
        return self._dump("addr", m.RTM_GETADDR, m.parse_addr)

    def routes(self):
        return self._dump("route", m.RTM_GETROUTE, m.parse_route)

    def link(self, name):
        """The link called `name` from the dump, or None."""
        for link in self.links():
            if link["name"] == name:
                return link
        return None

    def link_by_index(self, index):
        for link in self.links():
            if link["ifindex"] == index:
                return link
        return None

    def index_of(self, name, required=True):
        """The ifindex of `name` in this namespace: from what was read, else
        asked of the kernel. None (or KernelError ENODEV) when missing."""
        if name not in self._index:
            link = self.link(name) if "link" in self._cache else self.fetch_link(name)
            if link is None:
                if not required:
                    return None
                raise kernel_error("%s: find device %s" % (label(self.netns), name),
                                   errno.ENODEV)
            self._index[name] = link["ifindex"]
        return self._index[name]

    def forget_name(self, name):
        """A link was added, renamed, moved or removed: look it up again."""
        self._index.pop(name, None)

    def fetch_link(self, name):
        """The link called `name` read now (not from the dump), or None."""
        try:
            reply = self.ipr.nlm_request(m.link_get(name), m.RTM_GETLINK, m.REQ_ACK)
        except ext.NetlinkError as exc:
            if exc.code == errno.ENODEV:
                return None
            raise kernel_error("%s: read link %s" % (label(self.netns), name), exc.code)
        for msg in reply:
            if msg.get_attr("IFLA_IFNAME") is not None:
                return m.parse_link(msg, self.netns)
        return None

    def nsid(self, fd, key):
        """The id this namespace gives to the namespace open as `fd`
        (IFLA_LINK_NETNSID values refer to these), or None if unassigned."""
        if key not in self._nsids:
            reply = self.request(m.nsid_get(fd), m.RTM_GETNSID, m.NLM_F_REQUEST,
                                 "get nsid of %s" % label(key))
            value = None
            for msg in reply:
                value = msg.get_attr("NETNSA_NSID")
                break
            self._nsids[key] = None if value is None or value < 0 else value
        return self._nsids[key]

    def close(self):
        self.ipr.close()


class Driver(object):
    """Namespace-aware sessions for one module run."""

    def __init__(self):
        ext.register()
        self._sessions = {}
        self._fds = {}

    def fd(self, netns, field="netns"):
        """An open fd of the namespace (None: this process's own), kept for
        the run. Raises NamespaceNotFound for a missing named namespace."""
        if netns not in self._fds:
            self._fds[netns] = nsfs.open_fd(netns, field)
        return self._fds[netns]

    def session(self, netns, field="netns"):
        if netns not in self._sessions:
            if netns is None:
                ipr = _open_iproute()
            else:
                with nsfs.entered(self.fd(netns, field), netns):
                    ipr = _open_iproute()
            self._sessions[netns] = Session(netns, ipr)
        return self._sessions[netns]

    def has_session(self, netns):
        return netns in self._sessions

    def namespaces(self):
        """Named namespaces (sorted)."""
        return nsfs.list_names()

    def invalidate(self):
        """Forget every dump read so far; the next read asks the kernel."""
        for session in self._sessions.values():
            session.invalidate()

    def forget(self, netns):
        """Drop the session and fd of a namespace that was removed."""
        session = self._sessions.pop(netns, None)
        if session is not None:
            session.close()
        fd = self._fds.pop(netns, None)
        if fd is not None:
            os.close(fd)

    def close(self):
        for netns in list(self._sessions) + list(self._fds):
            self.forget(netns)

    def __enter__(self):
        return self

    def __exit__(self, *exc_info):
        self.close()


def _open_iproute():
    try:
        ipr = ext.IPRoute(groups=0)  # 0.9: no multicast subscriptions
    except TypeError:
        ipr = ext.IPRoute()  # 0.7: sockets join no groups unless bound to them
    status = getattr(ipr, "status", None)
    if status is not None and "nlm_generator" not in status:
        # pyroute2 0.9.7's sync nlm_request() reads this key, which only its
        # keyword-driven request paths set; without it, a KeyError.
        status["nlm_generator"] = False
    return ipr
