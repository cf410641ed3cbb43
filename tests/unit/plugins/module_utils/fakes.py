"""An in-memory stand-in for the driver: namespaces holding plain link,
address and route dicts, in the shape the real driver's dumps return. Used
to test planning without root or a kernel."""

from ansible_collections.linuxnet.ipvlan.plugins.module_utils.errors import NamespaceNotFound

ETHER = 1


def link(name, netns=None, ifindex=1, kind=None, mode=None, flags=None, parent_index=None,
         parent_nsid=None, up=True, mtu=1500, master_index=None, type_=ETHER):
    item = {"netns": netns, "name": name, "ifindex": ifindex, "kind": kind, "type": type_,
            "up": up, "mtu": mtu, "mac": "52:54:00:00:00:01", "master_index": master_index,
            "parent_index": parent_index, "parent_nsid": parent_nsid}
    if kind in ("ipvlan", "ipvtap"):
        item.update(mode=mode, flags=flags)
    return item


class FakeSession(object):
    def __init__(self, netns, links=(), addresses=(), routes=(), nsids=None):
        self.netns = netns
        self._links = list(links)
        self._addresses = list(addresses)
        self._routes = list(routes)
        self._nsids = dict(nsids or {})

    def links(self):
        return self._links

    def addresses(self):
        return self._addresses

    def routes(self):
        return self._routes

    def link(self, name):
        return next((x for x in self._links if x["name"] == name), None)

    def link_by_index(self, index):
        return next((x for x in self._links if x["ifindex"] == index), None)

    def nsid(self, fd, key):
        return self._nsids.get(key)


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
