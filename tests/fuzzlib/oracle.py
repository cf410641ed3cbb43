"""What a kernel must hold after a successful ipvlan_topology run, worked
out from the module's arguments and the state before the run, independently
of the engine (no planner, no normalize()).

A state is what memkernel.Kernel.state() returns and what the lab's
reading of `ip -j` (tests/integration/test_fuzz_lab.py) builds:
  {"namespaces": [names], label: {"links": {name: {"kind", "up", "mtu",
   "noarp", "master": (netns, name), "mode", "flags"}}, "addresses":
   [(dev, cidr)], "routes": [(family, table, dst, metric, gateway, dev,
   src)]}}
where label is "(host)" or the namespace's name, and only configured
routes (not the kernel's own, not the local table) are listed.
"""

import ipaddress

from .gen import route_identity

HOST = "(host)"


def where(netns):
    return HOST if netns is None else netns


def declared(config):
    """[(port, link, netns)] of a config, with the module's defaults."""
    out = []
    for port in config or []:
        for link in port.get("links") or []:
            netns = link.get("netns") or port.get("master_netns")
            out.append((port, link, netns))
    return out


def _route_of(spec, dev):
    family, table, dst, metric = route_identity(spec)
    gw = spec.get("gateway")
    return (family, table, dst, metric, str(ipaddress.ip_address(gw)) if gw else None, dev)


def _space(state, netns):
    return state.get(where(netns)) or {"links": {}, "addresses": [], "routes": []}


def _slaves(state):
    """{(netns, name): link} of every ipvlan slave."""
    out = {}
    for netns in [None] + list(state["namespaces"]):
        for name, link in _space(state, netns)["links"].items():
            if link.get("master") is not None:
                out[(netns, name)] = link
    return out


def problems(case, before, after):
    """How `after` fails the declaration of `case` (run from `before`),
    as readable lines; [] when it holds."""
    state = case["state"]
    config = case["config"]
    out = []
    decl = declared(config)
    keys = set((netns, link["name"]) for _p, link, netns in decl)
    slaves_before, slaves_after = _slaves(before), _slaves(after)
    if state == "deleted":
        for port in config:
            explicit = bool(port.get("links"))
            names = set((link.get("netns") or port.get("master_netns"), link["name"])
                        for link in port.get("links") or [])
            for key, link in slaves_before.items():
                if link["master"] != (port.get("master_netns"), port["master"]):
                    continue
                if (not explicit or key in names) and key in slaves_after:
                    out.append("%s: %s is still there (deleted)" % (where(key[0]), key[1]))
        masters = set((p.get("master_netns"), p["master"]) for p in config)
        for key, link in slaves_before.items():
            if link["master"] not in masters and key not in slaves_after:
                out.append("%s: %s (of an undeclared master) is gone" % (where(key[0]), key[1]))
        return out
    exclusive = state in ("replaced", "overridden")
    for port, link, netns in decl:
        name = link["name"]
        space = _space(after, netns)
        if netns is not None and netns not in after["namespaces"]:
            out.append("namespace %s is missing" % netns)
            continue
        have = space["links"].get(name)
        if have is None or have.get("master") is None:
            out.append("%s: link %s is missing" % (where(netns), name))
            continue
        master = (port.get("master_netns"), port["master"])
        if have["master"] != master:
            out.append("%s: %s has master %s, not %s"
                       % (where(netns), name, have["master"], master))
        mode, flags = port.get("mode") or "l3", port.get("flags") or "bridge"
        if (have["mode"], have["flags"]) != (mode, flags):
            out.append("%s: %s's port is %s %s, not %s %s"
                       % (where(netns), name, have["mode"], have["flags"], mode, flags))
        up = link.get("up", True) is not False
        if have["up"] != up:
            out.append("%s: %s is %s" % (where(netns), name, "up" if have["up"] else "down"))
        if link.get("mtu") is not None and have["mtu"] != link["mtu"]:
            out.append("%s: %s has mtu %s" % (where(netns), name, have["mtu"]))
        addrs = set(c for d, c in space["addresses"] if d == name)
        wanted = set(str(ipaddress.ip_interface(c)) for c in link.get("addresses") or [])
        for cidr in sorted(wanted - addrs):
            out.append("%s: %s lacks address %s" % (where(netns), name, cidr))
        if exclusive:
            for cidr in sorted(addrs - wanted):
                out.append("%s: %s keeps undeclared address %s (%s)"
                           % (where(netns), name, cidr, state))
        routes = set(space["routes"])
        wanted_routes = set(_route_of(r, name) for r in link.get("routes") or [])
        for route in sorted(wanted_routes, key=str):
            if not any(r[:6] == route for r in routes):
                out.append("%s: route %s is missing" % (where(netns), _text(route)))
        if exclusive:
            for route in sorted(routes, key=str):
                if route[5] == name and route[:6] not in wanted_routes:
                    out.append("%s: undeclared route %s is still there (%s)"
                               % (where(netns), _text(route), state))
        loopback = link.get("loopback")
        if loopback is None:
            loopback = netns is not None
        if loopback:
            lo = space["links"].get("lo")
            if not (lo and lo["up"] and ("lo", "127.0.0.1/8") in space["addresses"]):
                out.append("%s: loopback is not ready" % where(netns))
    masters = set((p.get("master_netns"), p["master"]) for p in config)
    for key, link in slaves_after.items():
        if key in keys:
            continue
        if state == "replaced" and link["master"] in masters:
            out.append("%s: undeclared %s of a declared master is still there (replaced)"
                       % (where(key[0]), key[1]))
        if state == "overridden":
            out.append("%s: undeclared %s is still there (overridden)" % (where(key[0]), key[1]))
    if state == "merged":
        out.extend(kept_by_merged(case, before, after))
    return out


def moved_home(case, key, link):
    """Whether a starting slave `key` is the one the declaration moves in
    (a declared link of its master, of its name, in another namespace,
    where no such link was, and not declared where it is)."""
    netns, name = key
    for port, decl, target in declared(case["config"]):
        if decl["name"] != name or target == netns:
            continue
        if (port.get("master_netns"), port["master"]) != link["master"]:
            continue
        if netns == port.get("master_netns"):
            return True
    return False


def kept_by_merged(case, before, after):
    """What `merged` must keep: undeclared slaves as they were (but their
    port's mode), undeclared addresses and routes of declared links (but an
    address declared with another prefix, a route whose identity is
    declared), unless the link is recreated (other master) or moved in."""
    out = []
    decl = declared(case["config"])
    by_key = dict(((netns, link["name"]), (port, link)) for port, link, netns in decl)
    slaves_before, slaves_after = _slaves(before), _slaves(after)
    declared_routes = {}
    for port, link, netns in decl:
        for r in link.get("routes") or []:
            declared_routes.setdefault(netns, set()).add(route_identity(r))
    for key, link in sorted(slaves_before.items(), key=str):
        netns, name = key
        space_b, space_a = _space(before, netns), _space(after, netns)
        entry = by_key.get(key)
        if entry is None:
            if moved_home(case, key, link):
                continue
            now = slaves_after.get(key)
            if now is None:
                out.append("%s: undeclared %s is gone (merged)" % (where(netns), name))
                continue
            for field in ("master", "up", "mtu"):
                if now[field] != link[field]:
                    out.append("%s: undeclared %s's %s changed: %s -> %s (merged)"
                               % (where(netns), name, field, link[field], now[field]))
        else:
            port, decl_link = entry
            if link["master"] != (port.get("master_netns"), port["master"]):
                continue  # recreated on its declared master
        wanted_ips = {}
        if entry is not None:
            for c in entry[1].get("addresses") or []:
                iface = ipaddress.ip_interface(c)
                wanted_ips[iface.ip] = iface
        have_after = set(c for d, c in space_a["addresses"] if d == name)
        for d, cidr in space_b["addresses"]:
            if d != name:
                continue
            iface = ipaddress.ip_interface(cidr)
            if iface.ip in wanted_ips and wanted_ips[iface.ip] != iface:
                continue
            if cidr not in have_after:
                out.append("%s: %s lost undeclared address %s (merged)" % (where(netns), name,
                                                                           cidr))
        idents = declared_routes.get(netns, set())
        for route in space_b["routes"]:
            if route[5] != name or route[:4] in idents:
                continue
            if route not in space_a["routes"]:
                out.append("%s: undeclared route %s was lost (merged)"
                           % (where(netns), _text(route)))
    return out


def _text(route):
    family, table, dst, metric, gw, dev = route[:6]
    text = dst + (" via %s" % gw if gw else "") + (" dev %s" % dev if dev else "")
    if metric not in (0, 1024):
        text += " metric %d" % metric
    if table != 254:
        text += " table %d" % table
    return text
