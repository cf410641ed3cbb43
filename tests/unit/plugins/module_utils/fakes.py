"""An in-memory stand-in for the driver: namespaces holding plain link,
address and route dicts, in the shape the real driver's dumps return. Used
to test planning without root or a kernel."""

import errno
import ipaddress

from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model.errors import (
    NamespaceNotFound,
    kernel_error,
)

ETHER = 1


def link(name, netns=None, ifindex=1, kind=None, mode=None, flags=None, parent_index=None,
         parent_nsid=None, up=True, mtu=1500, master_index=None, type_=ETHER):
    item = {"netns": netns, "name": name, "ifindex": ifindex, "kind": kind, "type": type_,
            "up": up, "mtu": mtu, "mac": "52:54:00:00:00:01", "master_index": master_index,
            "parent_index": parent_index, "parent_nsid": parent_nsid}
    if kind in ("ipvlan", "ipvtap"):
        item.update(mode=mode, flags=flags)
    return item


def addr_fields(item):
    """The ifaddrmsg fields the kernel would send with an address dict."""
    iface = ipaddress.ip_interface(item["address"])
    return {"family": 10 if iface.version == 6 else 2, "prefixlen": iface.network.prefixlen,
            "flags": 0, "scope": 0, "index": item["ifindex"]}


def route_fields(item):
    """The rtmsg fields the kernel would send with a route dict."""
    table = item.get("table", 254)
    dst = ipaddress.ip_network(item["dst"], strict=False)
    return {"family": 10 if dst.version == 6 else 2, "dst_len": dst.prefixlen,
            "table": table if table < 256 else 252, "proto": item.get("proto", 3),
            "type": item.get("type", 1), "scope": 0, "flags": 0}


class FakeSession(object):
    def __init__(self, netns, links=(), addresses=(), routes=(), nsids=None):
        self.netns = netns
        self._links = list(links)
        self._addresses = list(addresses)
        self._routes = list(routes)
        self._nsids = dict(nsids or {})

    def links(self):
        return self._links

    def addresses(self, keep=None):
        """As driver.Session.addresses: `keep` sees the ifaddrmsg fields."""
        return [a for a in self._addresses if keep is None or keep(addr_fields(a))]

    def routes(self, table=None, keep=None, unicast=False):
        """As driver.Session.routes: `keep` sees the rtmsg fields."""
        return [r for r in self._routes if (table is None or r["table"] == table)
                and (not unicast or r.get("type", 1) == 1)
                and (keep is None or keep(route_fields(r)))]

    def routes_read(self):
        return self.routes()

    def link(self, name):
        return next((x for x in self._links if x["name"] == name), None)

    def links_of_kind(self, kinds):
        return [x for x in self._links if x["kind"] in kinds]

    def loopback(self):
        return next((x for x in self._links if x.get("type") == 772), None)

    def link_by_index(self, index):
        return next((x for x in self._links if x["ifindex"] == index), None)

    def nsid(self, fd, key):
        return self._nsids.get(key)

    def request(self, msg, msg_type, flags, what, hints=None):
        """Only preflight's probe reaches a fake session (plans are not
        applied here): a kernel that has the kind refuses a link of that
        kind without a master with EINVAL."""
        raise kernel_error(what, errno.EINVAL, hints)


class FakeDriver(object):
    def __init__(self, sessions):
        self.sessions = dict((s.netns, s) for s in sessions)

    def session(self, netns, field="netns"):
        if netns not in self.sessions:
            raise NamespaceNotFound(netns, field)
        return self.sessions[netns]

    def fd(self, netns, field="netns"):
        if netns not in self.sessions:
            raise NamespaceNotFound(netns, field)
        return -1

    def namespaces(self):
        return sorted(n for n in self.sessions if n is not None)


def make_op(netns, action, text, **args):
    """An Op of the kind named `action` (ops/catalog.py), as plans hold them."""
    from ansible_collections.linuxnet.ipvlan.plugins.module_utils.ops.base import Op
    from ansible_collections.linuxnet.ipvlan.plugins.module_utils.ops.catalog import KINDS
    return Op(dict((kind.name, kind) for kind in KINDS)[action], netns, text, **args)
