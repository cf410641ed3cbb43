"""An in-memory kernel for the engine: namespaces holding links, addresses
and routes, behind the engine's own Driver and Session interfaces, so that
the REAL engine (planners, each op's run(), transaction.execute with its
rollback and verification, preflight) runs over it unchanged.

MemSession is kernel/driver.Session with its transport replaced: the
Session's own code (dump caching until invalidate(), index_of's cache,
links_of_kind, routes(table, keep, unicast), ...) runs as in production;
only what reaches the socket is answered here. Dumps are answered with the
plain dicts messages.parse_* would make (and the fixed fields `keep`
filters see), requests are the pyroute2 message objects the ops build
(kernel/messages.py), read by their fields and attribute lists, never
encoded.

What the kernel does on its own is emulated where the engine (and the
fuzzer) depend on it; each rule names its source in the kernel (6.1, the
lab's) and tests/integration/test_fuzz_lab.py checks the ones the issue
names against the lab's kernel:
- mode and flags belong to the port: a new slave sets them for every slave
  of its master (ipvlan_link_new -> ipvlan_set_port_mode; mode l3 when not
  sent), changelink too; IFF_NOARP follows the mode on every slave when the
  mode changes, and on one slave when it comes up (ipvlan_open);
- an address already on another slave of the same master, in any
  namespace, is refused with EADDRINUSE (ipvlan_addr4/6_validator_event);
- a link name taken is EEXIST, in the target namespace and, as before
  Linux 6.15, in the namespace the request is sent in (rtnl_newlink);
- renaming a link that is up is EBUSY (dev_change_name);
- moving a link to another namespace takes it down and drops its addresses
  and routes; its ifindex is kept unless taken there;
- taking a link down flushes its IPv6 addresses (keep_addr_on_down off),
  and every route through it; bringing it up adds the IPv4 connected
  routes of its primary addresses;
- deleting an IPv4 address deletes its secondaries (promote_secondaries
  off), its connected route, the routes using it as source, and with the
  device's last IPv4 address every IPv4 route through the device;
- deleting a link removes its addresses and routes; deleting a master its
  slaves; deleting a namespace its virtual links;
- one route per identity (family, table, dst, metric): NLM_F_EXCL gives
  EEXIST, NLM_F_REPLACE replaces;
- a route through a down link: ENETDOWN (IPv6 after the gateway check,
  which an address of a down link does not satisfy);
  an IPv4 gateway no scope-link route of the device covers: ENETUNREACH; an
  IPv6 gateway no route without gateway of the device covers: EHOSTUNREACH;
- a missing address to delete: EADDRNOTAVAIL; a missing route: ESRCH;
- the kind probe (RTM_NEWLINK of a kind without IFLA_LINK): EINVAL.
"""

import contextlib
import errno
import ipaddress
import itertools
import socket
import struct

from ansible_collections.linuxnet.ipvlan.plugins.module_utils.kernel import driver as drv
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.kernel import messages as m
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.kernel import nsfs
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.kernel import pyroute2_ext as ext
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model import abi
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model.errors import (
    NamespaceNotFound,
    kernel_error,
)
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model.names import label

ARPHRD_ETHER = abi.ARPHRD_ETHER
ARPHRD_LOOPBACK = abi.ARPHRD_LOOPBACK
RTN_UNICAST, RTN_LOCAL = 1, 2
RTPROT_KERNEL, RTPROT_BOOT = 2, 3
SCOPE_UNIVERSE, SCOPE_LINK, SCOPE_HOST, SCOPE_NOWHERE = 0, 253, 254, 255
TABLE_MAIN, TABLE_LOCAL = 254, 255
IFA_F_SECONDARY = 0x01
IFA_F_PERMANENT = 0x80
IP6_PREFIX_METRIC = 256
FAMILY = {4: socket.AF_INET, 6: socket.AF_INET6}


class Refused(Exception):
    """What the kernel answers with an errno."""

    def __init__(self, code, text=""):
        self.code = code
        super(Refused, self).__init__("%s %s" % (errno.errorcode.get(code, code), text))


# ------------------------------------------------------------------ objects


class Port(object):
    def __init__(self, master):
        self.master = master
        self.mode = "l3"
        self.flags = "bridge"
        self.slaves = []


class Link(object):
    def __init__(self, ns, name, ifindex, kind, type_=ARPHRD_ETHER, mtu=1500, mac=None):
        self.ns = ns
        self.name = name
        self.ifindex = ifindex
        self.kind = kind
        self.type = type_
        self.up = False
        self.noarp = False
        self.mtu = mtu
        self.mac = mac
        self.master = None  # an ipvlan slave's master Link
        self.port = None  # a master's Port
        self.peer = None  # a veth's other end
        self.alias = None

    def __repr__(self):
        return "Link(%s %s@%s)" % (self.name, self.ifindex, label(self.ns.name))


class Netns(object):
    def __init__(self, kernel, name):
        self.kernel = kernel
        self.name = name
        self.links = {}  # ifindex -> Link
        self.addrs = []  # dicts: dev, iface, scope, secondary (dump order per family)
        self.routes = []  # dicts: family, table, dst, metric, gateway, dev, src, scope, type, proto
        self.nsids = {}  # id(other Netns) -> nsid this one gives it
        self.alive = True
        lo = Link(self, "lo", abi.LOOPBACK_IFINDEX, None, ARPHRD_LOOPBACK, 65536,
                  "00:00:00:00:00:00")
        self.links[lo.ifindex] = lo

    def by_name(self, name):
        for link in self.links.values():
            if link.name == name:
                return link
        return None

    def free_index(self, wanted=None):
        if wanted is not None and wanted not in self.links:
            return wanted
        index = 2
        while index in self.links:
            index += 1
        return index

    def nsid_of(self, other, allocate=True):
        key = id(other)
        if key not in self.nsids and allocate:
            self.nsids[key] = len(self.nsids)
        return self.nsids.get(key)


class Kernel(object):
    """The whole machine: the host's namespace (name None) and the named
    ones, with /run/netns entries that are no namespace (`stale`)."""

    source_name_check = True  # Linux < 6.15: a new link's name is checked where it is asked

    def __init__(self):
        self.host = Netns(self, None)
        self.named = {}
        self.stale = set()
        self._fds = {}
        self._fd_numbers = itertools.count(1000)
        self._macs = itertools.count(1)

    # -- namespaces
    def ns(self, name):
        return self.host if name is None else self.named.get(name)

    def spaces(self):
        return [self.host] + [self.named[n] for n in sorted(self.named)]

    def netns_add(self, name):
        if name in self.named or name in self.stale:
            raise OSError(errno.EEXIST, "File exists")
        self.named[name] = Netns(self, name)

    def netns_del(self, name):
        if name in self.stale:
            self.stale.discard(name)
            return
        ns = self.named.pop(name, None)
        if ns is None:
            raise OSError(errno.ENOENT, "No such file or directory")
        # its virtual devices are destroyed (a veth takes its peer)
        for link in sorted(ns.links.values(), key=lambda x: -x.ifindex):
            if link.ifindex in ns.links and link.type != ARPHRD_LOOPBACK:
                self._unregister(link)
        ns.alive = False

    def open_fd(self, name, field="netns"):
        if name is None:
            ns = self.host
        else:
            if name in self.stale:
                raise nsfs.NotANamespace(name, field)
            ns = self.named.get(name)
            if ns is None:
                raise NamespaceNotFound(name, field)
        fd = next(self._fd_numbers)
        self._fds[fd] = ns
        return fd

    def ns_of_fd(self, fd):
        if fd not in self._fds:
            raise Refused(errno.EBADF, "fd %s" % fd)
        return self._fds[fd]

    # -- building (what `ip` does in a test's set-up)
    def add_veth(self, name, peer, netns=None, mtu=1500, up=True):
        ns = self.ns(netns)
        if ns.by_name(name) or ns.by_name(peer):
            raise Refused(errno.EEXIST, name)
        a = Link(ns, name, ns.free_index(), "veth", mtu=mtu, mac=self._mac())
        ns.links[a.ifindex] = a
        b = Link(ns, peer, ns.free_index(), "veth", mtu=mtu, mac=self._mac())
        ns.links[b.ifindex] = b
        a.peer, b.peer = b, a
        if up:
            self._set_up(a, True)
            self._set_up(b, True)
        return a

    def _mac(self):
        return "02:00:00:00:%02x:%02x" % divmod(next(self._macs), 256)

    # -- reading, as the kernel dumps (messages.parse_* shapes)
    def link_dict(self, link):
        ns = link.ns
        item = {"netns": ns.name, "name": link.name, "ifindex": link.ifindex,
                "kind": link.kind, "type": link.type, "up": link.up, "noarp": link.noarp,
                "mtu": link.mtu, "mac": link.mac, "master_index": None,
                "parent_index": None, "parent_nsid": None, "alias": link.alias, "ipv6": None}
        if link.kind == "veth" and link.peer is not None:
            item["parent_index"] = link.peer.ifindex
            if link.peer.ns is not ns:
                item["parent_nsid"] = ns.nsid_of(link.peer.ns)
        if link.kind in abi.IPVLAN_KINDS:
            master = link.master
            item["parent_index"] = master.ifindex
            if master.ns is not ns:
                item["parent_nsid"] = ns.nsid_of(master.ns)
            item["mode"] = master.port.mode
            item["flags"] = master.port.flags
            item["ipv6"] = {"enabled": True, "accept_ra": 1, "addr_gen_mode": "eui64"}
        return item

    @staticmethod
    def link_fields(link):
        return {"family": 0, "ifi_type": link.type, "index": link.ifindex,
                "flags": (abi.IFF_UP if link.up else 0) | (abi.IFF_NOARP if link.noarp else 0),
                "change": 0}

    @staticmethod
    def addr_dict(ns, addr):
        iface = addr["iface"]
        return {"netns": ns.name, "ifindex": addr["dev"].ifindex, "family": iface.version,
                "address": str(iface), "scope": abi.SCOPE_NAMES.get(addr["scope"], addr["scope"])}

    @staticmethod
    def addr_fields(addr):
        iface = addr["iface"]
        flags = (IFA_F_SECONDARY if addr.get("secondary") else 0) | \
            (IFA_F_PERMANENT if iface.version == 6 else 0)
        return {"family": FAMILY[iface.version], "prefixlen": iface.network.prefixlen,
                "flags": flags, "scope": addr["scope"], "index": addr["dev"].ifindex}

    @staticmethod
    def route_dict(ns, route):
        return {"netns": ns.name, "family": route["family"], "table": route["table"],
                "dst": str(route["dst"]), "metric": route["metric"],
                "gateway": str(route["gateway"]) if route["gateway"] else None,
                "oif": route["dev"].ifindex if route["dev"] is not None else None,
                "src": str(route["src"]) if route["src"] else None,
                "scope": abi.SCOPE_NAMES.get(route["scope"], route["scope"]),
                "type": route["type"], "proto": route["proto"], "multipath": False}

    @staticmethod
    def route_fields(route):
        return {"family": FAMILY[route["family"]], "dst_len": route["dst"].prefixlen,
                "src_len": 0, "tos": 0, "table": m.header_table(route["table"]),
                "proto": route["proto"], "scope": route["scope"], "type": route["type"],
                "flags": 0}

    def dump(self, ns, what, kind=None):
        """[[nlmsghdr, parsed, fixed fields], ...] as driver.Session keeps a
        dump; a link dump of one `kind` is filtered, as a strict-checking
        socket's (NLM_F_DUMP_FILTERED)."""
        if what == "link":
            header = _FILTERED if kind is not None else _PLAIN
            return [[header, self.link_dict(x), self.link_fields(x)]
                    for _i, x in sorted(ns.links.items()) if kind is None or x.kind == kind]
        if what == "addr":
            out = []
            for version in (4, 6):
                for _i, dev in sorted(ns.links.items()):
                    for addr in ns.addrs:
                        if addr["dev"] is dev and addr["iface"].version == version:
                            out.append([_PLAIN, self.addr_dict(ns, addr), self.addr_fields(addr)])
            return out
        if what == "route":
            return [[_PLAIN, self.route_dict(ns, r), self.route_fields(r)]
                    for r in sorted(ns.routes, key=lambda r: r["family"])]
        raise ValueError(what)

    # -- requests (pyroute2 messages, as kernel/messages.py builds them)
    def handle(self, ns, msg, msg_type, flags):
        if msg_type == m.RTM_NEWLINK:
            return self._newlink(ns, msg, flags)
        if msg_type == m.RTM_DELLINK:
            link = ns.links.get(msg["index"])
            if link is None:
                raise Refused(errno.ENODEV)
            self.delete_link(link)
            return []
        if msg_type in (m.RTM_NEWADDR, m.RTM_DELADDR):
            dev = ns.links.get(msg["index"])
            if dev is None:
                raise Refused(errno.ENODEV)
            a = _attrs(msg)
            plen = msg["prefixlen"]
            iface = ipaddress.ip_interface("%s/%d" % (a.get("IFA_LOCAL") or a["IFA_ADDRESS"],
                                                      plen))
            if msg_type == m.RTM_NEWADDR:
                self.addr_add(dev, iface, msg["scope"], flags)
            else:
                self.addr_del(dev, iface)
            return []
        if msg_type in (m.RTM_NEWROUTE, m.RTM_DELROUTE):
            route = self._route_of(ns, msg)
            if msg_type == m.RTM_NEWROUTE:
                self.route_add(ns, route, flags)
            else:
                self.route_del(ns, route, proto=msg["proto"], scope=msg["scope"])
            return []
        raise Refused(errno.EOPNOTSUPP, "message type %s" % msg_type)

    def _newlink(self, ns, msg, flags):
        a = _attrs(msg)
        info = dict(_attrs(a["IFLA_LINKINFO"])) if "IFLA_LINKINFO" in a else {}
        kind = info.get("IFLA_INFO_KIND")
        data = dict(_attrs(info["IFLA_INFO_DATA"])) if "IFLA_INFO_DATA" in info else {}
        index = msg["index"]
        if index:
            link = ns.links.get(index)
            if link is None:
                raise Refused(errno.ENODEV)
        elif "IFLA_IFNAME" in a:
            link = ns.by_name(a["IFLA_IFNAME"])
        else:
            link = None
        if link is not None:
            if flags & m.NLM_F_EXCL and flags & m.NLM_F_CREATE:
                raise Refused(errno.EEXIST, link.name)
            self._changelink(link, msg, a, kind, data)
            return []
        if not flags & m.NLM_F_CREATE:
            raise Refused(errno.ENODEV)
        if kind not in abi.IPVLAN_KINDS:
            raise Refused(errno.EOPNOTSUPP, "kind %s" % kind)
        if "IFLA_LINK" not in a:
            raise Refused(errno.EINVAL, "no IFLA_LINK")  # the kind probe
        if "IFLA_IFNAME" not in a:
            raise Refused(errno.EINVAL, "no name")
        target = self.ns_of_fd(a["IFLA_NET_NS_FD"]) if "IFLA_NET_NS_FD" in a else ns
        self.create_slave(ns, target, a["IFLA_IFNAME"], kind, a["IFLA_LINK"],
                          ext.IPVLAN_MODE_NAMES.get(data.get("IFLA_IPVLAN_MODE", 1)),
                          _flag_name(data.get("IFLA_IPVLAN_FLAGS")),
                          mtu=a.get("IFLA_MTU"),
                          up=bool(msg["flags"] & msg["change"] & abi.IFF_UP))
        return []

    def create_slave(self, source, target, name, kind, parent_index, mode, flags, mtu=None,
                     up=False):
        """ipvlan_link_new(), as rtnl_newlink() reaches it on 6.1."""
        if mode is None:
            raise Refused(errno.EINVAL, "mode")
        if flags is None:
            raise Refused(errno.EINVAL, "flags")
        master = source.links.get(parent_index)
        if master is None:
            raise Refused(errno.ENODEV, "master index %s" % parent_index)
        if master.kind in abi.IPVLAN_KINDS:
            master = master.master  # the kernel uses the slave's master
        if master.type != ARPHRD_ETHER:
            raise Refused(errno.EINVAL, "master type")
        if self.source_name_check and source.by_name(name) is not None:
            raise Refused(errno.EEXIST, name)
        if target.by_name(name) is not None:
            raise Refused(errno.EEXIST, name)
        if mtu is not None and (mtu > master.mtu or mtu < 68):
            raise Refused(errno.EINVAL, "mtu")
        link = Link(target, name, target.free_index(), kind, mtu=mtu or master.mtu,
                    mac=master.mac)
        link.master = master
        target.links[link.ifindex] = link
        if master.port is None:
            master.port = Port(master)
        port = master.port
        port.flags = flags
        self._set_port_mode(port, mode)
        port.slaves.append(link)
        if up:
            self._set_up(link, True)
        return link

    def _set_port_mode(self, port, mode):
        if port.mode != mode:
            for slave in port.slaves:
                slave.noarp = mode in abi.L3_MODES
        port.mode = mode

    def _changelink(self, link, msg, a, kind, data):
        """do_setlink(): namespace, MTU, name, link data, then flags."""
        if "IFLA_NET_NS_FD" in a:
            target = self.ns_of_fd(a["IFLA_NET_NS_FD"])
            if target is not link.ns:
                self.move(link, target)
        if "IFLA_MTU" in a:
            mtu = a["IFLA_MTU"]
            limit = link.master.mtu if link.master is not None else 65535
            if mtu > limit or mtu < 68:
                raise Refused(errno.EINVAL, "mtu")
            link.mtu = mtu
        if "IFLA_IFNAME" in a and a["IFLA_IFNAME"] != link.name:
            if link.ns.by_name(a["IFLA_IFNAME"]) is not None:
                raise Refused(errno.EEXIST, a["IFLA_IFNAME"])
            if link.up:
                raise Refused(errno.EBUSY, "rename of a link that is up")
            link.name = a["IFLA_IFNAME"]
        if "IFLA_IFALIAS" in a:
            link.alias = a["IFLA_IFALIAS"] or None
        if kind is not None:
            if kind != link.kind:
                raise Refused(errno.EOPNOTSUPP, "kind %s of %s" % (kind, link.kind))
            if data:
                port = link.master.port
                if "IFLA_IPVLAN_MODE" in data:
                    mode = ext.IPVLAN_MODE_NAMES.get(data["IFLA_IPVLAN_MODE"])
                    if mode is None:
                        raise Refused(errno.EINVAL, "mode")
                    self._set_port_mode(port, mode)
                if "IFLA_IPVLAN_FLAGS" in data:
                    name = _flag_name(data["IFLA_IPVLAN_FLAGS"])
                    if name is None:
                        raise Refused(errno.EINVAL, "flags")
                    port.flags = name
        change = msg["change"]
        if change & abi.IFF_NOARP:
            link.noarp = bool(msg["flags"] & abi.IFF_NOARP)
        if change & abi.IFF_UP:
            self._set_up(link, bool(msg["flags"] & abi.IFF_UP))

    # -- link state
    def _set_up(self, link, up):
        if link.up == up:
            return
        ns = link.ns
        link.up = up
        if up:
            if link.kind in abi.IPVLAN_KINDS:  # ipvlan_open()
                link.noarp = link.master.port.mode in abi.L3_MODES
            if link.type == ARPHRD_LOOPBACK:
                self._add_kernel_addr(link, ipaddress.ip_interface("127.0.0.1/8"), SCOPE_HOST)
                self._add_kernel_addr(link, ipaddress.ip_interface("::1/128"), SCOPE_HOST)
            for addr in list(ns.addrs):
                if addr["dev"] is link:
                    self._connected(ns, addr, True)
            return
        # down: IPv6 addresses flushed (keep_addr_on_down 0), routes through it gone
        ns.addrs = [x for x in ns.addrs if not (x["dev"] is link and x["iface"].version == 6)]
        ns.routes = [r for r in ns.routes if r["dev"] is not link]

    def _add_kernel_addr(self, link, iface, scope):
        ns = link.ns
        if any(x["dev"] is link and x["iface"] == iface for x in ns.addrs):
            return
        addr = {"dev": link, "iface": iface, "scope": scope, "secondary": False}
        ns.addrs.append(addr)
        self._connected(ns, addr, link.up)

    def _connected(self, ns, addr, up):
        """The routes the kernel makes for an address: its local route, and
        the connected subnet's on an up link (IPv4: of a primary; IPv6: the
        prefix route, which an address added while the link is down gets
        when it comes up: the lab's 6.1 answers a gateway in its subnet
        with EHOSTUNREACH before)."""
        iface, dev = addr["iface"], addr["dev"]
        version = iface.version
        host = ipaddress.ip_network("%s/%d" % (iface.ip, iface.max_prefixlen))
        local = {"family": version, "table": TABLE_LOCAL, "dst": host, "metric": 0,
                 "gateway": None, "dev": dev, "src": iface.ip if version == 4 else None,
                 "scope": SCOPE_HOST, "type": RTN_LOCAL, "proto": RTPROT_KERNEL}
        self._kernel_route(ns, local)
        if version == 4:
            if not up or addr.get("secondary") or dev.type == ARPHRD_LOOPBACK:
                return
            if iface.network.prefixlen == 32:
                return
            net = {"family": 4, "table": TABLE_MAIN, "dst": iface.network, "metric": 0,
                   "gateway": None, "dev": dev, "src": iface.ip, "scope": SCOPE_LINK,
                   "type": RTN_UNICAST, "proto": RTPROT_KERNEL}
        else:
            if not up:
                return  # seen on 6.1: an address added while down has no route yet
            net = {"family": 6, "table": TABLE_MAIN, "dst": iface.network,
                   "metric": IP6_PREFIX_METRIC, "gateway": None, "dev": dev, "src": None,
                   "scope": SCOPE_UNIVERSE, "type": RTN_UNICAST, "proto": RTPROT_KERNEL}
        self._kernel_route(ns, net)

    @staticmethod
    def _kernel_route(ns, route):
        """The kernel's own routes are appended (fib_magic: NLM_F_APPEND),
        beside another device's of the same identity."""
        key = _identity(route)
        if any(_identity(r) == key and r["dev"] is route["dev"] for r in ns.routes):
            return
        ns.routes.append(route)

    def move(self, link, target):
        """dev_change_net_namespace(): down, addresses and routes gone,
        the name must be free there, the ifindex kept if free."""
        if target.by_name(link.name) is not None:
            raise Refused(errno.EEXIST, link.name)
        if link.type == ARPHRD_LOOPBACK:
            raise Refused(errno.EINVAL, "loopback")
        self._set_up(link, False)
        self._drop_l3(link)
        del link.ns.links[link.ifindex]
        link.ifindex = target.free_index(link.ifindex)
        link.ns = target
        target.links[link.ifindex] = link

    def _drop_l3(self, link):
        ns = link.ns
        gone = [x for x in ns.addrs if x["dev"] is link]
        ns.addrs = [x for x in ns.addrs if x["dev"] is not link]
        ips = set(x["iface"].ip for x in gone if x["iface"].version == 4)
        ns.routes = [r for r in ns.routes if r["dev"] is not link and
                     not (r["src"] is not None and r["src"] in ips and
                          not self._local(ns, r["src"]))]

    def delete_link(self, link):
        if link.type == ARPHRD_LOOPBACK:
            raise Refused(errno.EOPNOTSUPP, "loopback")
        self._unregister(link)

    def _unregister(self, link):
        if link.ifindex not in link.ns.links or link.ns.links[link.ifindex] is not link:
            return
        self._set_up(link, False)
        self._drop_l3(link)
        del link.ns.links[link.ifindex]
        if link.master is not None:
            port = link.master.port
            port.slaves = [x for x in port.slaves if x is not link]
            if not port.slaves:
                link.master.port = None
        if link.port is not None:  # a master takes its slaves
            for slave in list(link.port.slaves):
                self._unregister(slave)
            link.port = None
        if link.peer is not None:
            peer, link.peer = link.peer, None
            peer.peer = None
            self._unregister(peer)

    # -- addresses
    def _slaves_of_port(self, dev):
        if dev.master is None:
            return []
        return dev.master.port.slaves

    def addr_add(self, dev, iface, scope, flags):
        ns = dev.ns
        version = iface.version
        mine = [x for x in ns.addrs if x["dev"] is dev and x["iface"].version == version]
        if version == 4:
            same = [x for x in mine if x["iface"] == iface]  # find_matching_ifa
        else:
            same = [x for x in mine if x["iface"].ip == iface.ip]
        if same:
            if flags & m.NLM_F_EXCL or not flags & m.NLM_F_REPLACE:
                raise Refused(errno.EEXIST, str(iface))
            if version == 6:
                same[0]["iface"] = iface
            return
        secondary = False
        if version == 4:
            for x in mine:
                if x["iface"].network == iface.network:
                    if x["scope"] != scope:
                        raise Refused(errno.EINVAL, "scope")
                    secondary = True
        for slave in self._slaves_of_port(dev):  # the ipvlan validators
            for x in slave.ns.addrs:
                if x["dev"] is slave and x["iface"].ip == iface.ip:
                    raise Refused(errno.EADDRINUSE, str(iface.ip))
        addr = {"dev": dev, "iface": iface, "scope": scope, "secondary": secondary}
        if version == 4 and not secondary:
            # after the device's last primary (__inet_insert_ifa)
            at = 0
            for i, x in enumerate(ns.addrs):
                if x["dev"] is dev and x["iface"].version == 4 and not x["secondary"]:
                    at = i + 1
            if at == 0:
                ns.addrs.append(addr)
            else:
                ns.addrs.insert(at, addr)
        elif version == 6:
            # newest first within a device (ipv6_link_dev_addr, same scope)
            at = next((i for i, x in enumerate(ns.addrs) if x["dev"] is dev and
                       x["iface"].version == 6), None)
            if at is None:
                ns.addrs.append(addr)
            else:
                ns.addrs.insert(at, addr)
        else:
            ns.addrs.append(addr)
        self._connected(ns, addr, dev.up)

    def addr_del(self, dev, iface):
        ns = dev.ns
        found = None
        for x in ns.addrs:
            if x["dev"] is dev and x["iface"] == iface:
                found = x
                break
        if found is None:
            raise Refused(errno.EADDRNOTAVAIL, str(iface))
        gone = [found]
        if iface.version == 4 and not found["secondary"]:
            gone += [x for x in ns.addrs if x["dev"] is dev and x["iface"].version == 4 and
                     x["secondary"] and x["iface"].network == iface.network]
        ns.addrs = [x for x in ns.addrs if not any(x is g for g in gone)]
        for g in gone:
            self._unconnect(ns, g)
        if iface.version == 4 and not any(x["dev"] is dev and x["iface"].version == 4
                                          for x in ns.addrs):
            ns.routes = [r for r in ns.routes if not (r["dev"] is dev and r["family"] == 4)]

    def _local(self, ns, ip):
        return any(x["iface"].ip == ip for x in ns.addrs)

    def _unconnect(self, ns, addr):
        iface, dev = addr["iface"], addr["dev"]
        host = ipaddress.ip_network("%s/%d" % (iface.ip, iface.max_prefixlen))
        keep = []
        for r in ns.routes:
            if r["proto"] == RTPROT_KERNEL and r["dev"] is dev and (
                    (r["table"] == TABLE_LOCAL and r["dst"] == host) or
                    (r["table"] == TABLE_MAIN and r["dst"] == iface.network and
                     not any(x["dev"] is dev and x["iface"].network == iface.network
                             for x in ns.addrs))):
                continue
            if iface.version == 4 and r["src"] == iface.ip and not self._local(ns, iface.ip):
                continue  # fib_sync_down_addr
            keep.append(r)
        ns.routes = keep

    # -- routes
    def _route_of(self, ns, msg):
        a = _attrs(msg)
        version = 6 if msg["family"] == socket.AF_INET6 else 4
        zero = "::" if version == 6 else "0.0.0.0"
        dst = ipaddress.ip_network("%s/%d" % (a.get("RTA_DST", zero), msg["dst_len"]))
        dev = None
        if a.get("RTA_OIF") is not None:
            dev = ns.links.get(a["RTA_OIF"])
            if dev is None:
                raise Refused(errno.ENODEV, "oif")
        metric = a.get("RTA_PRIORITY") or 0
        gateway = ipaddress.ip_address(a["RTA_GATEWAY"]) if a.get("RTA_GATEWAY") else None
        src = ipaddress.ip_address(a["RTA_PREFSRC"]) if a.get("RTA_PREFSRC") else None
        table = a.get("RTA_TABLE") or msg["table"]
        return {"family": version, "table": table, "dst": dst, "metric": metric,
                "gateway": gateway, "dev": dev, "src": src, "scope": msg["scope"],
                "type": msg["type"] or RTN_UNICAST, "proto": msg["proto"]}

    def route_add(self, ns, route, flags):
        version = route["family"]
        dev = route["dev"]
        if version == 6 and route["metric"] == 0:
            route["metric"] = 1024  # IP6_RT_PRIO_USER
        if dev is None and route["gateway"] is None:
            raise Refused(errno.EINVAL, "no nexthop")
        if version == 4:
            if route["gateway"] is not None:
                self._check_gateway4(ns, route)
            elif not dev.up:
                raise Refused(errno.ENETDOWN, "device down")
            if route["src"] is not None and not self._local(ns, route["src"]):
                raise Refused(errno.EINVAL, "prefsrc")
        else:
            if route["gateway"] is not None and not route["gateway"].is_link_local:
                self._check_gateway6(ns, route)
            if dev is None:
                raise Refused(errno.ENODEV)
            if not dev.up:
                raise Refused(errno.ENETDOWN, "device down")
            if route["src"] is not None and not self._local(ns, route["src"]):
                raise Refused(errno.EINVAL, "prefsrc")
            route["scope"] = SCOPE_UNIVERSE
        key = _identity(route)
        same = [i for i, r in enumerate(ns.routes) if _identity(r) == key]
        if same:
            if flags & m.NLM_F_EXCL or not flags & m.NLM_F_REPLACE:
                raise Refused(errno.EEXIST, "route")
            ns.routes[same[0]] = route
            return
        ns.routes.append(route)

    def _check_gateway4(self, ns, route):
        """fib_check_nh_v4_gw(): a route of scope link or narrower (no
        gateway) out of the device covers the gateway, in the route's table
        (unless main) or else in the local, main and default tables."""
        gw, dev = route["gateway"], route["dev"]
        wanted = max(route["scope"], 0) + 1

        def found(tables):
            for r in ns.routes:
                if r["family"] != 4 or r["table"] not in tables or gw not in r["dst"]:
                    continue
                if dev is not None and r["dev"] is not dev:
                    continue
                if r["scope"] < wanted or r["type"] not in (RTN_UNICAST, RTN_LOCAL):
                    continue
                return r
            return None
        hit = None
        if route["table"] != TABLE_MAIN:
            hit = found((route["table"],))
        if hit is None:
            hit = found((TABLE_LOCAL, TABLE_MAIN, 253))
        if hit is None:
            raise Refused(errno.ENETUNREACH, "gateway %s" % gw)
        if not hit["dev"].up:
            raise Refused(errno.ENETDOWN, "device down")
        if route["dev"] is None:
            route["dev"] = hit["dev"]

    def _check_gateway6(self, ns, route):
        """ip6_route_check_nh(): a route without gateway out of the device
        covers the gateway, else EHOSTUNREACH."""
        gw, dev = route["gateway"], route["dev"]
        for r in ns.routes:
            if r["family"] == 6 and gw in r["dst"] and r["gateway"] is None and \
                    r["type"] == RTN_UNICAST and (dev is None or r["dev"] is dev):
                if route["dev"] is None:
                    route["dev"] = r["dev"]
                return
        raise Refused(errno.EHOSTUNREACH, "gateway %s" % gw)

    def route_del(self, ns, route, proto=0, scope=SCOPE_NOWHERE):
        """fib_table_delete() / ip6_route_del(): the first route of that
        table and dst that what was sent matches (a metric, nexthop, source,
        protocol sent must agree)."""
        for r in sorted(ns.routes, key=lambda r: r["metric"]):
            if r["family"] != route["family"] or r["table"] != route["table"] or \
                    r["dst"] != route["dst"]:
                continue
            if route["metric"] and r["metric"] != route["metric"]:
                continue
            if route["dev"] is not None and r["dev"] is not route["dev"]:
                continue
            if route["gateway"] is not None and r["gateway"] != route["gateway"]:
                continue
            if proto and r["proto"] != proto:
                continue
            if route["family"] == 4:
                if route["type"] and r["type"] != route["type"]:
                    continue
                if scope != SCOPE_NOWHERE and r["scope"] != scope:
                    continue
                if route["src"] is not None and r["src"] != route["src"]:
                    continue
            ns.routes.remove(r)
            return
        raise Refused(errno.ESRCH, "route")

    # -- the state, for the fuzzer's comparisons (the engine never sees this)
    def state(self):
        """Every namespace's links, addresses and configured routes, as
        comparable plain data (no ifindex: a rollback recreates links)."""
        out = {"namespaces": sorted(self.named), "stale": sorted(self.stale)}
        for ns in self.spaces():
            links = {}
            for link in ns.links.values():
                item = {"kind": link.kind, "up": link.up, "mtu": link.mtu, "noarp": link.noarp}
                if link.master is not None:
                    item.update(master=(link.master.ns.name, link.master.name),
                                mode=link.master.port.mode, flags=link.master.port.flags)
                links[link.name] = item
            addrs = sorted((x["dev"].name, str(x["iface"])) for x in ns.addrs
                           if not (x["iface"].version == 6 and x["iface"].ip.is_link_local))
            routes = sorted(_route_key(r) for r in ns.routes
                            if r["proto"] != RTPROT_KERNEL and r["table"] != TABLE_LOCAL)
            out[label(ns.name)] = {"links": links, "addresses": addrs, "routes": routes}
        return out


_PLAIN = struct.pack("=IHHII", 16, 0, 0, 0, 0)
_FILTERED = struct.pack("=IHHII", 16, 0, m.NLM_F_DUMP_FILTERED, 0, 0)


def _identity(route):
    return (route["family"], route["table"], route["dst"], route["metric"])


def _route_key(r):
    """(family, table, dst, metric, gateway, dev, src) as text: how the
    fuzzer's oracle compares routes (oracle.py; the lab reads the same)."""
    return (r["family"], r["table"], str(r["dst"]), r["metric"],
            str(r["gateway"]) if r["gateway"] else None,
            r["dev"].name if r["dev"] is not None else None,
            str(r["src"]) if r["src"] else None)


def _attrs(msg):
    """{name: value} of a pyroute2 message's (or nested dict's) attributes."""
    items = msg["attrs"] if not isinstance(msg, dict) else msg.get("attrs", [])
    return dict((x[0], x[1]) for x in items)


def _flag_name(value):
    if value is None:
        return "bridge"
    return ext.IPVLAN_FLAG_NAMES.get(value)


# ------------------------------------------------------------ `ip`, in memory


def ip(kernel, netns, args):
    """The `ip` commands of gen.commands(), carried out on `kernel` (what
    the lab runs for real). Raises Refused as `ip` would fail."""
    ns = kernel.ns(netns)
    words = list(args)
    family = None
    if words[0] == "-6":
        family, words = 6, words[1:]
    obj, verb, rest = words[0], words[1], words[2:]
    if obj == "netns" and verb == "add":
        try:
            kernel.netns_add(rest[0])
        except OSError as exc:
            raise Refused(exc.errno)
        return
    if obj == "link" and verb == "add":
        opts = _pairs(rest, ("link", "name", "type", "netns", "peer", "mode", "mtu"))
        if opts.get("type") == "veth":
            kernel.add_veth(rest[0], opts["name"], netns, up=False)
            return
        parent = ns.by_name(opts["link"])
        if parent is None:
            raise Refused(errno.ENODEV)
        flags = [w for w in rest if w in ("bridge", "private", "vepa")]
        target = kernel.named[opts["netns"]] if "netns" in opts else ns
        kernel.create_slave(ns, target, opts["name"], opts["type"], parent.ifindex,
                            opts.get("mode", "l3"), flags[0] if flags else "bridge",
                            mtu=int(opts["mtu"]) if "mtu" in opts else None)
        return
    if obj == "link" and verb == "set":
        link = ns.by_name(rest[0])
        if link is None:
            raise Refused(errno.ENODEV)
        opts = rest[1:]
        if opts == ["up"] or opts == ["down"]:
            kernel._set_up(link, opts == ["up"])
        elif opts[0] == "netns":
            kernel.move(link, kernel.named[opts[1]])
        elif opts[0] == "name":
            if ns.by_name(opts[1]) is not None:
                raise Refused(errno.EEXIST)
            if link.up:
                raise Refused(errno.EBUSY)
            link.name = opts[1]
        elif opts[0] in ("addrgenmode", "arp"):
            if opts[0] == "arp":
                link.noarp = opts[1] == "off"
        else:
            raise ValueError(args)
        return
    if obj == "link" and verb == "del":
        link = ns.by_name(rest[0])
        if link is None:
            raise Refused(errno.ENODEV)
        kernel.delete_link(link)
        return
    if obj == "addr" and verb in ("add", "del"):
        iface = ipaddress.ip_interface(rest[0])
        dev = ns.by_name(_pairs(rest[1:], ("dev",))["dev"])
        if dev is None:
            raise Refused(errno.ENODEV)
        if verb == "add":
            scope = SCOPE_HOST if iface.version == 4 and iface.ip.is_loopback else SCOPE_UNIVERSE
            kernel.addr_add(dev, iface, scope, m.NLM_F_CREATE | m.NLM_F_EXCL)
        else:
            kernel.addr_del(dev, iface)
        return
    if obj == "route" and verb in ("add", "replace", "del"):
        opts = _pairs(rest[1:], ("via", "dev", "metric", "table", "src"))
        gw = ipaddress.ip_address(opts["via"]) if "via" in opts else None
        if rest[0] == "default":
            version = family or (gw.version if gw is not None else 4)
            dst = ipaddress.ip_network("::/0" if version == 6 else "0.0.0.0/0")
        else:
            dst = ipaddress.ip_network(rest[0], strict=False)
        dev = None
        if "dev" in opts:
            dev = ns.by_name(opts["dev"])
            if dev is None:
                raise Refused(errno.ENODEV)
        scope = SCOPE_LINK if gw is None and dst.version == 4 else SCOPE_UNIVERSE
        route = {"family": dst.version, "table": int(opts.get("table", TABLE_MAIN)),
                 "dst": dst, "metric": int(opts.get("metric", 0)), "gateway": gw, "dev": dev,
                 "src": ipaddress.ip_address(opts["src"]) if "src" in opts else None,
                 "scope": scope, "type": RTN_UNICAST, "proto": RTPROT_BOOT}
        if verb == "del":
            kernel.route_del(ns, route)
        else:
            flags = m.NLM_F_CREATE | (m.NLM_F_EXCL if verb == "add" else m.NLM_F_REPLACE)
            kernel.route_add(ns, route, flags)
        return
    raise ValueError("memkernel.ip: %s" % " ".join(args))


def _pairs(words, keys):
    out = {}
    for i, word in enumerate(words[:-1]):
        if word in keys and word not in out:
            out[word] = words[i + 1]
    return out


def build(commands):
    """A Kernel with the `ip` commands (gen.commands()) carried out."""
    kernel = Kernel()
    for netns, args in commands:
        ip(kernel, netns, args)
    return kernel


# ------------------------------------------------------- driver and session


class _Transport(object):
    strict = True

    def close(self):
        pass


class MemSession(drv.Session):
    """driver.Session over the in-memory kernel: only the transport is
    replaced (dumps, one-link reads, nsid, requests)."""

    def __init__(self, netns, kernel, ns):
        super(MemSession, self).__init__(netns, _Transport())
        self.kernel = kernel
        self.ns = ns

    def request(self, msg, msg_type, flags, what, hints=None):
        try:
            return self.kernel.handle(self.ns, msg, msg_type, flags)
        except Refused as exc:
            raise kernel_error("%s: %s" % (label(self.netns), what), exc.code, hints)

    def _dump(self, key, make, msg_type, what):
        if key not in self._dumps:
            if isinstance(key, tuple):
                what, kind = key[0], key[1] if key[0] == "link" else None
            else:
                what, kind = key, None
            self._dumps[key] = self.kernel.dump(self.ns, what, kind)
        return self._dumps[key]

    def fetch_link(self, name=None, index=0):
        link = self.ns.links.get(index) if index else self.ns.by_name(name)
        return None if link is None else self.kernel.link_dict(link)

    def fetch_index(self, name):
        link = self.ns.by_name(name)
        return None if link is None else link.ifindex

    def nsid(self, fd, key):
        if key not in self._nsids:
            other = self.kernel.ns_of_fd(fd)
            self._nsids[key] = self.ns.nsid_of(other, allocate=False)
        return self._nsids[key]


class MemDriver(drv.Driver):
    """driver.Driver whose sessions are MemSessions of `kernel`."""

    def __init__(self, kernel):
        self._sessions = {}
        self._fds = {}
        self.kernel = kernel
        ext.register()

    def session(self, netns, field="netns"):
        if netns not in self._sessions:
            fd = self.fd(netns, field)
            self._sessions[netns] = MemSession(netns, self.kernel, self.kernel.ns_of_fd(fd))
        return self._sessions[netns]

    def forget(self, netns):
        self._sessions.pop(netns, None)
        self._fds.pop(netns, None)


# ------------------------------------------------------------------ nsfs


class _Current(object):
    kernel = None


CURRENT = _Current()


def _k():
    if CURRENT.kernel is None:
        raise AssertionError("no memkernel installed (memkernel.use(kernel))")
    return CURRENT.kernel


def _create(name):
    _k().netns_add(name)


def _remove(name):
    _k().netns_del(name)


def _exists(name):
    return name in _k().named or name in _k().stale


def _is_namespace(name):
    return name in _k().named


def _list_names():
    # every entry of /run/netns, as 'ip netns list' shows them
    return sorted(_k().named)


def _stale_names():
    return sorted(_k().stale)


def _identity_of(name):
    if name is None:
        return ("memkernel", "")
    return ("memkernel", name) if name in _k().named else None


def _open_fd(name, field="netns"):
    return _k().open_fd(name, field)


@contextlib.contextmanager
def _entered(fd, name=None):
    yield


NSFS = {"create": _create, "remove": _remove, "exists": _exists,
        "is_namespace": _is_namespace, "list_names": _list_names,
        "stale_names": _stale_names, "identity": _identity_of, "open_fd": _open_fd,
        "entered": _entered}


def patch_nsfs(monkeypatch):
    """Make kernel/nsfs's functions work on CURRENT.kernel (set by use())."""
    for name, function in NSFS.items():
        monkeypatch.setattr(nsfs, name, function)


@contextlib.contextmanager
def use(kernel):
    """CURRENT.kernel = kernel for the body."""
    saved = CURRENT.kernel
    CURRENT.kernel = kernel
    try:
        yield kernel
    finally:
        CURRENT.kernel = saved
