# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.ipvlan contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The driver: the only boundary between the engine and pyroute2.

A Driver holds at most one netlink session per namespace for the whole
module run. A session in a named namespace is opened by entering the
namespace with setns(2) in this thread, creating the socket there and coming
back: no forked helper, and no namespace is ever created by reading (unlike
pyroute2's IPRoute(netns=...), which creates a missing one).

pyroute2 is the codec: every request is a pyroute2 message (messages.py)
that pyroute2 encodes, and every reply is decoded by pyroute2's class for it
before it becomes plain data (messages.parse_*). What is the collection's
own is the transport, Socket below: a NETLINK_ROUTE socket that frames
messages by their nlmsghdr, one request at a time, the same under pyroute2
0.7 and 0.9. pyroute2's own sockets were measured unfit (natively, 400
namespaces, docs/performance.md): 0.9's IPRoute and IPRSocket wrap asyncio
sockets, an event loop each (three dumps a namespace took 5.3 s through
IPRoute, 1.65 s through Socket with the same pyroute2 decoding), and 0.7's
IPRSocket, made inside setns() but first used outside, read the caller's
namespace.

Reading asks the kernel for less and decodes only what is asked for: the
socket sets NETLINK_GET_STRICT_CHK, so the kernel applies a dump's filters
(links of one kind, routes of one table or type); a dump is kept as its messages' bytes, and a
message is decoded (once) when a caller wants it, chosen first by its
fixed fields (messages.header) where the caller needs only some.

Reads return plain data (see messages.parse_*); writes take resolved
arguments and raise KernelError with an actionable message.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import errno
import os
import resource
import socket
import struct

from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model import abi
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.kernel import messages as m
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.kernel import nsfs
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.kernel import pyroute2_ext as ext
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model.errors import kernel_error
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model.names import label


class Session(object):
    """One netlink socket in one namespace, with the dumps it has read.

    A dump is kept as its messages' bytes, each decoded by pyroute2 the
    first time a caller wants it (and kept decoded): a caller that needs
    part of a dump (keep=) has the rest skipped by the message's fixed
    fields, without a decode; a later caller of the whole dump is served
    from the same read."""

    def __init__(self, netns, ipr):
        self.netns = netns
        self.ipr = ipr
        self._dumps = {}
        self._nsids = {}
        self._index = {}

    # -- transport
    def request(self, msg, msg_type, flags, what, hints=None):
        """Send `msg` (a pyroute2 message, or encoded_request() bytes);
        return the replies as bytes."""
        try:
            return self.ipr.nlm_request(msg, msg_type, flags)
        except ext.NetlinkError as exc:
            raise kernel_error("%s: %s" % (label(self.netns), what), exc.code, hints)

    def _dump(self, key, make, msg_type, what):
        """The messages of one dump ([bytes, decoded item or NOT_YET, fixed
        fields or None] each), read once; `key` names the request, `make()`
        builds it."""
        if key not in self._dumps:
            request = encoded_request(key, make, msg_type, m.REQ_DUMP)
            self._dumps[key] = [[data, NOT_YET, None] for data in
                                self.request(request, msg_type, m.REQ_DUMP, what)]
        return self._dumps[key]

    def _select(self, dump, cls, parse, keep=None):
        """The parsed items of `dump`; with `keep`, of the messages whose
        fields (messages.header, read once per message) it accepts, the
        others left undecoded."""
        found = []
        for entry in dump:
            if keep is not None:
                if entry[2] is None:
                    entry[2] = m.header(cls, entry[0])
                if not keep(entry[2]):
                    continue
            if entry[1] is NOT_YET:
                entry[1] = parse(m.decode(cls, entry[0]), self.netns)
            if entry[1] is not None:
                found.append(entry[1])
        return found

    def invalidate(self):
        self._dumps.clear()

    # -- reads
    def links(self):
        return self._select(self._dump("link", m.link_dump, m.RTM_GETLINK, "dump links"),
                            ext.ifinfmsg, m.parse_link)

    def links_of_kind(self, kinds):
        """The links of these kinds (ipvlan, ipvtap, ...), asking the kernel
        for those only: a link dump filtered by kind, one per kind, so that
        nothing else is sent or decoded. From the whole dump instead when
        that was read already.

        The kernel filters only a kind it knows (rtnl_dump_ifinfo: a kind
        whose rtnl_link_ops are registered) and then marks each answer
        NLM_F_DUMP_FILTERED. An unmarked answer on a strict-checking socket
        (Linux >= 4.20, which filters by kind) therefore means that no
        driver of that kind is loaded, so no link of that kind exists: it is
        not decoded. On an older kernel it is filtered here."""
        if "link" in self._dumps:
            return [x for x in self.links() if x["kind"] in kinds]
        found = []
        for kind in kinds:
            dump = self._dump(("link", kind), lambda k=kind: m.link_dump(k), m.RTM_GETLINK,
                              "dump %s links" % kind)
            if dump and not dump_filtered(dump[0][0]) and getattr(self.ipr, "strict", False):
                continue
            found.extend(x for x in self._select(dump, ext.ifinfmsg, m.parse_link)
                         if x["kind"] == kind)
        return found

    def loopback(self):
        """The namespace's loopback device (ifindex 1 in every namespace):
        from the whole link dump when read, else asked for alone."""
        if "link" in self._dumps:
            return self.link_by_index(abi.LOOPBACK_IFINDEX)
        return self.fetch_link(index=abi.LOOPBACK_IFINDEX)

    def addresses(self, keep=None):
        """The addresses (parse_addr dicts); with `keep`, only those whose
        ifaddrmsg fields (family, prefixlen, flags, scope, index) it
        accepts."""
        return self._select(self._dump("addr", m.addr_dump, m.RTM_GETADDR, "dump addresses"),
                            ext.ifaddrmsg, m.parse_addr, keep)

    def routes(self, table=None, keep=None, unicast=False):
        """The routes (parse_route dicts) of every table, or of `table`
        only; with `unicast`, of type unicast only (the kernel then leaves
        out most of the local table: its local and broadcast routes); with
        `keep`, only those whose rtmsg fields (family, table, proto, scope,
        type, flags, ...) it accepts. Cache clones are left out.

        One route dump per namespace: of what was asked for when only that
        is ever asked for, else of all (which serves what is asked after)."""
        whole = ("route", None, False)
        key = whole if whole in self._dumps else ("route", table, unicast)
        if key not in self._dumps:
            what = "dump routes" + (" of table %d" % table if table is not None else "")
            self._dump(key, lambda: m.route_dump(table, abi.RTN_UNICAST if unicast else None),
                       m.RTM_GETROUTE, what)
        dump = self._dumps[key]

        def wanted(fields):
            if fields["flags"] & abi.RTM_F_CLONED:
                return False
            if table is not None and fields["table"] != m.header_table(table):
                return False
            if unicast and fields["type"] != abi.RTN_UNICAST:
                return False
            return keep is None or keep(fields)

        found = self._select(dump, ext.rtmsg, m.parse_route, wanted)
        return found if table is None else [r for r in found if r["table"] == table]

    def routes_read(self):
        """The routes as this session has read them for a plan: those of
        the whole route dump if it was read, else those of the unicast one
        if that was (ipvlan_topology plans from unicast routes where no
        other type can matter, and its rollback model is built from the
        same), else those of the whole dump, read now."""
        if ("route", None, False) not in self._dumps and ("route", None, True) in self._dumps:
            return self.routes(unicast=True)
        return self.routes()

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
            if "link" in self._dumps:
                link = self.link(name)
                index = None if link is None else link["ifindex"]
            else:
                index = self.fetch_index(name)
            if index is None:
                if not required:
                    return None
                raise kernel_error("%s: find device %s" % (label(self.netns), name),
                                   errno.ENODEV)
            self._index[name] = index
        return self._index[name]

    def forget_name(self, name):
        """A link was added, renamed, moved or removed: look it up again."""
        self._index.pop(name, None)

    def _get_link(self, name, index):
        """The kernel's answer (bytes) to RTM_GETLINK of one link; [] when
        there is no such link."""
        try:
            return self.ipr.nlm_request(m.link_get(name, index), m.RTM_GETLINK, m.REQ_ACK)
        except ext.NetlinkError as exc:
            if exc.code == errno.ENODEV:
                return []
            raise kernel_error("%s: read link %s" % (label(self.netns), name or index),
                               exc.code)

    def fetch_link(self, name=None, index=0):
        """The link called `name` (or with ifindex `index`) read now, not
        from the dump; None if there is none."""
        for data in self._get_link(name, index):
            link = m.parse_link(m.decode(ext.ifinfmsg, data), self.netns)
            if link["name"] is not None:
                return link
        return None

    def fetch_index(self, name):
        """The ifindex of the link called `name`, read now from the fixed
        fields of the kernel's answer (the attributes are not decoded: a
        sixteenth of a whole link's decode); None if there is none."""
        for data in self._get_link(name, 0):
            return m.header(ext.ifinfmsg, data)["index"]
        return None

    def nsid(self, fd, key):
        """The id this namespace gives to the namespace open as `fd`
        (IFLA_LINK_NETNSID values refer to these), or None if unassigned."""
        if key not in self._nsids:
            reply = self.request(m.nsid_get(fd), m.RTM_GETNSID, m.NLM_F_REQUEST,
                                 "get nsid of %s" % label(key))
            value = m.parse_nsid(m.decode(ext.nsidmsg, reply[0])) if reply else None
            self._nsids[key] = None if value is None or value < 0 else value
        return self._nsids[key]

    def close(self):
        self.ipr.close()


NOT_YET = object()  # a dumped message not decoded yet
_ENCODED = {}


def encoded_request(key, make, msg_type, flags):
    """The dump request `key`, built by make() and encoded by pyroute2 once
    per process (the socket sets each send's sequence number): a run sends
    the same few dump requests to every namespace."""
    if key not in _ENCODED:
        _ENCODED[key] = encode(make(), msg_type, flags)
    return _ENCODED[key]


def encode(msg, msg_type, flags, seq=0):
    """The pyroute2 message `msg` encoded by pyroute2, as `msg_type` with
    `flags`, as a bytearray."""
    header = msg["header"]
    header["type"], header["flags"] = msg_type, flags
    header["sequence_number"], header["pid"] = seq, 0
    msg.encode()
    return bytearray(msg.data)


class Driver(object):
    """Namespace-aware sessions for one module run."""

    def __init__(self):
        ext.register()
        raise_fd_limit()
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
                ipr = Socket()
            else:
                with nsfs.entered(self.fd(netns, field), netns):
                    ipr = Socket()
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


def raise_fd_limit():
    """Lift the soft limit on open files to the hard one: a run keeps two
    descriptors per namespace (its fd and its socket), and the usual soft
    limit of 1024 would end a topology of 500 namespaces with EMFILE."""
    try:
        soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
        wanted = hard if hard != resource.RLIM_INFINITY and hard <= 1 << 20 else 1 << 20
        if soft != resource.RLIM_INFINITY and soft < wanted:
            resource.setrlimit(resource.RLIMIT_NOFILE, (wanted, hard))
    except (ValueError, OSError):
        pass


# include/uapi/linux/netlink.h
NETLINK_ROUTE = 0
SOL_NETLINK = 270
NETLINK_GET_STRICT_CHK = 12
NLMSG_ERROR = 2
NLMSG_DONE = 3
NLM_F_MULTI = 0x2
NLM_F_DUMP_INTR = 0x10
_HEADER = struct.Struct("=IHHII")  # nlmsghdr: len, type, flags, seq, pid
_SEQ_OFFSET = 8
_ERROR = struct.Struct("=i")
RCVBUF = 1 << 20
DUMP_RETRIES = 5


def dump_filtered(data):
    """Whether the kernel marked a dump's answer (the bytes of one message)
    NLM_F_DUMP_FILTERED: it applied the request's filter."""
    return bool(_HEADER.unpack_from(data)[2] & m.NLM_F_DUMP_FILTERED)


class Socket(object):
    """A NETLINK_ROUTE socket in the namespace it was created in, one
    request at a time: send, then read that request's replies until its
    ack, error or end of dump. A request is a pyroute2 message whose
    nlmsghdr this fills in before pyroute2 encodes it; the replies are the
    bytes of each message, for pyroute2's classes to decode. struct reads
    here only the nlmsghdr that frames the messages and the errno of an
    NLMSG_ERROR.

    `sock` is for tests: anything with send(bytes), recv(size) and, for
    the size of the next datagram, recv_into(buffer, 1, MSG_PEEK | MSG_TRUNC)."""

    def __init__(self, sock=None):
        self.strict = False
        if sock is None:
            sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW, NETLINK_ROUTE)
            try:
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, RCVBUF)
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, RCVBUF)
                sock.bind((0, 0))
            except Exception:
                sock.close()
                raise
            try:
                # Linux >= 4.20: dump requests are checked, and their header
                # fields and attributes filter what the kernel sends back.
                # Older kernels send everything; Session filters again.
                sock.setsockopt(SOL_NETLINK, NETLINK_GET_STRICT_CHK, 1)
                self.strict = True
            except OSError:
                pass
        self.sock = sock
        self.seq = 0
        self._peek = bytearray(1)

    def nlm_request(self, msg, msg_type, flags):
        """Send the pyroute2 message `msg` as `msg_type` with `flags` (or
        `msg` as encode() made it);
        return the reply messages (a dump's, a GET's answer; [] for a plain
        ack) as the bytes of each (nlmsghdr included). Raises
        ext.NetlinkError with the kernel's error code. A dump that the
        kernel marks interrupted (NLM_F_DUMP_INTR: the table changed while
        it was read) is asked again."""
        get = msg_type % 4 == 2  # RTM_GET*
        dump = get and flags & m.NLM_F_DUMP == m.NLM_F_DUMP
        if isinstance(msg, bytearray):  # encode()d already: a copy to number
            data = bytearray(msg)
        else:
            data = encode(msg, msg_type, flags)
        for _attempt in range(DUMP_RETRIES):
            self.seq += 1
            struct.pack_into("=I", data, _SEQ_OFFSET, self.seq)
            self.sock.send(data)
            if not (get or flags & m.NLM_F_ACK):
                return []  # nothing comes back but an error, unasked for
            replies, interrupted = self._replies(self.seq, dump, flags & m.NLM_F_ACK)
            if not interrupted:
                return replies
        raise ext.NetlinkError(errno.EINTR, "dump interrupted %d times" % DUMP_RETRIES)

    def _replies(self, seq, dump, ack):
        replies = []
        interrupted = False
        while True:
            # the datagram's real size first: one message can be larger than
            # any fixed buffer (a device with many SR-IOV VFs), and the
            # part of a datagram a buffer does not hold is lost
            size = self.sock.recv_into(self._peek, 1, socket.MSG_PEEK | socket.MSG_TRUNC)
            data = self.sock.recv(max(size, 1))
            if not data:
                raise ext.NetlinkError(errno.EIO, "netlink socket closed")
            offset = 0
            while offset + _HEADER.size <= len(data):
                length, kind, flags, number = _HEADER.unpack_from(data, offset)[:4]
                if length < _HEADER.size or offset + length > len(data):
                    break
                start, offset = offset, offset + ((length + 3) & ~3)
                if number != seq:
                    continue  # a late answer to an earlier request
                if flags & NLM_F_DUMP_INTR:
                    interrupted = True
                if kind in (NLMSG_ERROR, NLMSG_DONE):
                    code = 0
                    if length >= _HEADER.size + _ERROR.size:
                        code = -_ERROR.unpack_from(data, start + _HEADER.size)[0]
                    if code:
                        raise ext.NetlinkError(code)
                    if kind == NLMSG_DONE or not dump:
                        return replies, interrupted
                    continue
                replies.append(data[start:start + length])
                if not dump and not ack and not flags & NLM_F_MULTI:
                    return replies, interrupted

    def close(self):
        self.sock.close()
