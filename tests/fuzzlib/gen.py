"""Random cases for the fuzzer: a starting kernel (veth masters, named
namespaces, ipvlan slaves with addresses and routes, built the way `ip`
builds them) and an ipvlan_topology run against it (state and config, a
share of it invalid).

The generator draws through a small interface (Draw) so that the same code
serves Hypothesis (HypothesisDraw: every choice is a draw that shrinks
towards the first option, False and 0) and a seeded random.Random
(RandomDraw: the lab's sample, on Pythons without Hypothesis).

A case is plain data (JSON-able), printed on failure:
  {"masters": [...], "namespaces": [...], "start": [link, ...],
   "state": ..., "config": [...], "fault": int, "invalid": what or None}
with a start link {"name", "master", "netns", "mode", "flags", "up",
"addresses", "routes"} (routes: {"dst", "gateway", "metric", "table"} as
the module takes them, with their link's dev implied).
"""

import ipaddress

PREFIX = "fz"
MASTERS = ["fzm0", "fzm1", "fzm2"]
NAMESPACES = ["fzn0", "fzn1", "fzn2"]
LINKS = ["fza0", "fza1", "fza2", "fza3"]
MODES = ["l2", "l3", "l3s"]
FLAGS = ["bridge", "private", "vepa"]
STATES = ["merged", "replaced", "overridden", "deleted"]
SUBNETS4 = ["10.9.0.0/24", "10.9.1.0/24"]
SUBNETS6 = ["fd00:9::/64", "fd00:9:1::/64"]
HOSTS = [10, 11, 12, 13]


def peer(master):
    return master + "p"


def address(subnet, host, prefix=None):
    net = ipaddress.ip_network(subnet)
    return "%s/%d" % (net.network_address + host, prefix or net.prefixlen)


def gateway(subnet):
    return str(ipaddress.ip_network(subnet).network_address + 1)


class RandomDraw(object):
    """Draws from a random.Random (the lab's sample)."""

    def __init__(self, rnd):
        self.rnd = rnd

    def integer(self, lo, hi):
        return self.rnd.randint(lo, hi)

    def boolean(self, p=0.5):
        return self.rnd.random() < p

    def choice(self, seq):
        seq = list(seq)
        return seq[self.rnd.randrange(len(seq))]


class HypothesisDraw(object):
    """Draws through Hypothesis' `data` (st.data()): shrinks to the first
    option, False, the low bound."""

    def __init__(self, data):
        from hypothesis import strategies as st
        self.data = data
        self.st = st

    def integer(self, lo, hi):
        return self.data.draw(self.st.integers(lo, hi))

    def boolean(self, p=0.5):
        return self.data.draw(self.st.integers(0, 99)) >= 100 - int(p * 100)

    def choice(self, seq):
        seq = list(seq)
        return seq[self.data.draw(self.st.integers(0, len(seq) - 1))]


def subset(draw, pool, most):
    out = []
    for _n in range(draw.integer(0, most)):
        item = draw.choice(pool)
        if item not in out:
            out.append(item)
    return out


# ------------------------------------------------------------ starting state


def start_state(draw, masters, namespaces):
    """Slaves made with `ip`, valid by construction: names free in their
    namespace, addresses not on two slaves of one master, routes only on
    up links, their gateway in a subnet of the link, one per identity."""
    links = []
    used_ips = dict((x, set()) for x in masters)
    names = set()
    identities = set()
    for _n in range(draw.integer(0, 4)):
        netns = draw.choice([None] + namespaces)
        name = draw.choice(LINKS)
        if (netns, name) in names:
            continue
        names.add((netns, name))
        master = draw.choice(masters)
        link = {"name": name, "master": master, "netns": netns,
                "mode": draw.choice(MODES), "flags": draw.choice(FLAGS),
                "up": draw.boolean(0.7), "addresses": [], "routes": []}
        for _n in range(draw.integer(0, 2)):
            v6 = draw.boolean(0.35)
            subnet = draw.choice(SUBNETS6 if v6 else SUBNETS4)
            cidr = address(subnet, draw.choice(HOSTS))
            ip = cidr.split("/")[0]
            if ip in used_ips[master]:
                continue
            used_ips[master].add(ip)
            link["addresses"].append(cidr)
        if link["up"]:
            for _n in range(draw.integer(0, 2)):
                route = draw_route(draw, link["addresses"], valid=True)
                if route is None:
                    continue
                ident = (netns,) + route_identity(route)
                if ident in identities:
                    continue
                identities.add(ident)
                link["routes"].append(route)
        links.append(link)
    return links


def route_identity(route):
    """(family, table, dst, metric) of a module-style route (the oracle's
    own reading, not the engine's)."""
    gw = route.get("gateway")
    dst = route["dst"]
    if dst == "default":
        version = 6 if gw and ":" in gw else 4
        dst = "::/0" if version == 6 else "0.0.0.0/0"
    net = ipaddress.ip_network(dst, strict=False)
    metric = route.get("metric")
    if metric is None or (net.version == 6 and metric == 0):
        metric = 1024 if net.version == 6 else 0
    table = route.get("table")
    table = 254 if table in (None, "main") else int(table)
    return (net.version, table, str(net), metric)


def draw_route(draw, addresses, valid):
    """A route for a link holding `addresses`: default or a network, via a
    gateway in one of their subnets, or through the link alone. With
    `valid` False the gateway may be in no subnet of the link."""
    nets = [ipaddress.ip_interface(a).network for a in addresses]
    shape = draw.integer(0, 4)
    route = {}
    if shape == 4:
        route["dst"] = draw.choice(["172.31.0.0/24", "fd00:31::/64"])
    else:
        v6 = draw.boolean(0.35)
        candidates = [n for n in nets if n.version == (6 if v6 else 4)]
        if candidates and (valid or draw.boolean(0.8)):
            net = draw.choice(candidates)
        elif valid:
            return None
        else:
            net = ipaddress.ip_network(draw.choice(SUBNETS6 if v6 else SUBNETS4))
        route["gateway"] = str(net.network_address + 1)
        if shape in (0, 1):
            route["dst"] = "default"
        else:
            route["dst"] = "fd00:30::/64" if net.version == 6 else "172.30.0.0/24"
    if draw.boolean(0.2):
        route["metric"] = draw.choice([0, 100])
    if draw.boolean(0.15):
        route["table"] = 100
    return route


# --------------------------------------------------------------- the run


INVALID = ["mode", "address", "name", "dot_netns", "master", "gateway", "host_loopback",
           "not_ipvlan", "mtu", "twice"]


def case(draw):
    masters = MASTERS[:draw.integer(1, 3)]
    namespaces = subset(draw, NAMESPACES, 2)
    start = start_state(draw, masters, namespaces)
    state = draw.choice(STATES)
    config = []
    for master in subset(draw, masters, 2) or [masters[0]]:
        port = {"master": master}
        if draw.boolean(0.8):
            port["mode"] = draw.choice(MODES)
        if draw.boolean(0.5):
            port["flags"] = draw.choice(FLAGS)
        links = []
        for _n in range(draw.integer(0, 3)):
            links.append(declared_link(draw, start, master))
        if links or draw.boolean(0.5):
            port["links"] = links
        config.append(port)
    invalid = None
    if draw.boolean(0.2):
        invalid = draw.choice(INVALID)
        make_invalid(draw, invalid, config, masters)
    return {"masters": masters, "namespaces": namespaces, "start": start, "state": state,
            "config": config, "fault": draw.integer(0, 50), "invalid": invalid}


def declared_link(draw, start, master):
    """A link of `master`'s port: often one of the starting ones (as it is,
    or differing), else a new one."""
    base = draw.choice(start) if start and draw.boolean(0.5) else None
    if base is not None and draw.boolean(0.7):
        link = {"name": base["name"]}
        if base["netns"] is not None:
            link["netns"] = base["netns"]
        addresses = list(base["addresses"])
        routes = [dict(r) for r in base["routes"]]
        if not base["up"]:
            link["up"] = False
    else:
        link = {"name": draw.choice(LINKS)}
        netns = draw.choice([None] + NAMESPACES)
        if netns is not None:
            link["netns"] = netns
        addresses, routes = [], []
    if draw.boolean(0.4):
        for _n in range(draw.integer(1, 2)):
            v6 = draw.boolean(0.35)
            cidr = address(draw.choice(SUBNETS6 if v6 else SUBNETS4), draw.choice(HOSTS))
            if cidr not in addresses:
                addresses.append(cidr)
    if addresses and draw.boolean(0.2):
        addresses.pop(draw.integer(0, len(addresses) - 1))
    if draw.boolean(0.35):
        route = draw_route(draw, addresses, valid=True)
        if route is not None and route not in routes:
            routes.append(route)
    if routes and draw.boolean(0.15):
        routes.pop(0)
    if draw.boolean(0.2):
        link["up"] = draw.boolean(0.5)
    if draw.boolean(0.08):
        link["mtu"] = 1400
    if addresses:
        link["addresses"] = addresses
    if routes:
        link["routes"] = routes
    return link


def _some_link(draw, config):
    links = [link for port in config for link in port.get("links") or []]
    if not links:
        link = {"name": draw.choice(LINKS)}
        config[0].setdefault("links", []).append(link)
        return link
    return draw.choice(links)


def make_invalid(draw, what, config, masters):
    """One thing the modules must refuse (or, for `twice`, may refuse)."""
    port = draw.choice(config)
    if what == "mode":
        port["mode"] = "l4"
    elif what == "master":
        port["master"] = "fzm9"
    elif what == "address":
        _some_link(draw, config).setdefault("addresses", []).append("10.9.0.300/24")
    elif what == "name":
        _some_link(draw, config)["name"] = "fzaaaaaaaaaaaaaaaaa"
    elif what == "dot_netns":
        _some_link(draw, config)["netns"] = ".fzx"
    elif what == "gateway":
        link = _some_link(draw, config)
        link.setdefault("routes", []).append({"dst": "172.29.0.0/24", "gateway": "10.99.0.1"})
    elif what == "host_loopback":
        link = _some_link(draw, config)
        link.pop("netns", None)
        link["loopback"] = True
    elif what == "not_ipvlan":
        link = _some_link(draw, config)
        link.pop("netns", None)
        link["name"] = peer(draw.choice(masters))
    elif what == "mtu":
        _some_link(draw, config)["mtu"] = 9000
    elif what == "twice":
        link = _some_link(draw, config)
        copy = dict(link)
        copy.pop("addresses", None)
        copy.pop("routes", None)
        port.setdefault("links", []).append(copy)


# ------------------------------------------------------ the starting state's commands


def commands(case):
    """The starting state as `ip` commands (argument lists, each with its
    namespace: (netns, [args])), in order; what the lab runs and the
    memkernel's builder replays."""
    out = []
    for master in case["masters"]:
        out.append((None, ["link", "add", master, "type", "veth", "peer", "name", peer(master)]))
        for dev in (master, peer(master)):
            out.append((None, ["link", "set", dev, "addrgenmode", "none"]))
            out.append((None, ["link", "set", dev, "up"]))
    for netns in case["namespaces"]:
        out.append((None, ["netns", "add", netns]))
    for i, link in enumerate(case["start"]):
        netns, name = link["netns"], link["name"]
        made = name if netns is None else "fzt%d" % i
        out.append((None, ["link", "add", "link", link["master"], "name", made, "type", "ipvlan",
                           "mode", link["mode"], link["flags"]]))
        if netns is not None:
            out.append((None, ["link", "set", made, "netns", netns]))
            out.append((netns, ["link", "set", made, "name", name]))
        out.append((netns, ["link", "set", name, "addrgenmode", "none"]))
        for cidr in link["addresses"]:
            out.append((netns, ["addr", "add", cidr, "dev", name]))
        if link["up"]:
            out.append((netns, ["link", "set", name, "up"]))
        for route in link["routes"]:
            out.append((netns, route_args(route, name)))
    return out


def route_args(route, dev):
    args = ["route", "add"]
    gw = route.get("gateway")
    if gw and ":" in gw:
        args.insert(0, "-6")
    args.append(route["dst"])
    if gw:
        args += ["via", gw]
    args += ["dev", dev]
    if route.get("metric") is not None:
        args += ["metric", str(route["metric"])]
    if route.get("table") is not None:
        args += ["table", str(route["table"])]
    return args
