# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.ipvlan contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
name: topology_dot
short_description: Draw IPvlan ports as a Graphviz (DOT) diagram
version_added: "0.1.0"
author:
  - linuxnet.ipvlan maintainers (@linuxnet)
description:
  - Turns the ports that M(linuxnet.ipvlan.ipvlan_info) gathered, or a C(config)
    as M(linuxnet.ipvlan.ipvlan_topology) and the
    R(topology role,ansible_collections.linuxnet.ipvlan.topology_role) take it,
    into a diagram in Graphviz's DOT language.
  - Each master is a node labelled with its port's mode and flags; each
    slave is a node labelled with its kind, its addresses and its routes (and
    its character device, MTU and state where known), joined to its master by
    an edge.
  - Each network namespace is a box (a DOT cluster) holding the masters and
    slaves that live in it; the host's namespace is a box of its own.
  - Render the result with Graphviz, for example C(dot -Tsvg topology.dot -o topology.svg).
  - Runs on the controller; needs nothing but ansible-core (Graphviz only to render the text).
options:
  _input:
    description:
      - A list of ports, each with C(master), C(master_netns), C(mode), C(flags) and C(links)
        (each link with C(name), C(kind), C(netns), C(addresses), C(routes) and so on), as
        M(linuxnet.ipvlan.ipvlan_info) returns them in RV(linuxnet.ipvlan.ipvlan_info#module:ports).
      - Or the whole registered result of M(linuxnet.ipvlan.ipvlan_info) (a dictionary with
        C(ports)); its C(unresolved) slaves are not drawn.
      - A C(config) works as well; a port without C(mode) or C(flags) is drawn with the
        defaults of M(linuxnet.ipvlan.ipvlan_topology) (V(l3), V(bridge)), a link without
        C(kind) as V(ipvlan).
    type: raw
    required: true
  title:
    description: A caption for the whole diagram.
    type: str
  rankdir:
    description: Graphviz's C(rankdir), the direction edges run in.
    type: str
    default: LR
    choices: [LR, RL, TB, BT]
"""

EXAMPLES = r"""
- name: Gather the host's ipvlan ports
  linuxnet.ipvlan.ipvlan_info:
  register: ipvlan

- name: Write the picture's source next to the playbook, on the controller
  ansible.builtin.copy:
    content: "{{ ipvlan | linuxnet.ipvlan.topology_dot(title=inventory_hostname) }}"
    dest: "{{ playbook_dir }}/{{ inventory_hostname }}.dot"
    mode: "0644"
  delegate_to: localhost

- name: Draw a declaration before converging it
  ansible.builtin.debug:
    msg: "{{ ipvlan_topology_config | linuxnet.ipvlan.topology_dot(rankdir='TB') }}"
"""

RETURN = r"""
_value:
  description:
    - A Graphviz C(digraph) named C(ipvlan). Node identifiers are C(NETNS/NAME), with the
      host's namespace written as an empty C(NETNS) (C(/eth0)); clusters are named
      C(cluster_0), C(cluster_1), ... in the order the namespaces first appear.
  type: str
  sample: |
    digraph ipvlan {
      graph [rankdir="LR", fontname="Helvetica", compound=true];
      node [shape=box, style="rounded,filled", fontname="Helvetica", fillcolor="white"];
      edge [arrowhead=none];
      subgraph cluster_0 {
        label="host namespace";
        "/eth0" [label="eth0\nmaster: l2 bridge", fillcolor="lightblue"];
      }
      subgraph cluster_1 {
        label="netns ns0";
        "ns0/ipvl0" [label="ipvl0 (ipvlan)\n10.0.0.10/24\ndefault via 10.0.0.1"];
      }
      "ns0/ipvl0" -> "/eth0";
    }
"""

from ansible.errors import AnsibleFilterError
from ansible.module_utils.common.collections import is_sequence

# ipvlan_topology's defaults for a port and a link (module_utils/topology.py)
DEFAULT_MODE = "l3"
DEFAULT_FLAGS = "bridge"
DEFAULT_KIND = "ipvlan"
RANKDIRS = ("LR", "RL", "TB", "BT")
# a master's fill colour tells the port's mode at a glance
MODE_COLOURS = {"l2": "lightblue", "l3": "lightyellow", "l3s": "khaki"}


def _quote(text):
    """`text` as a DOT double-quoted string (also fit for labels)."""
    text = "%s" % text
    text = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return '"%s"' % text


def _label(lines):
    """A node label of several lines, each escaped on its own."""
    return _quote("\n".join(lines))


def _fail(path, reason):
    raise AnsibleFilterError("topology_dot: %s: %s" % (path, reason))


def _text(value, path, optional=False):
    if value is None and optional:
        return None
    if not isinstance(value, str) or value == "":
        _fail(path, "expected a non-empty string, got %r" % (value,))
    return value


def _list(value, path):
    if value is None:
        return []
    if not is_sequence(value):
        _fail(path, "expected a list, got %s" % type(value).__name__)
    return list(value)


def _dict(value, path):
    if not isinstance(value, dict):
        _fail(path, "expected a dictionary, got %s" % type(value).__name__)
    return value


def _route(route, path):
    if isinstance(route, str):
        return route
    route = _dict(route, path)
    text = "%s" % _text(route.get("dst"), path + ".dst")
    if route.get("gateway"):
        text += " via %s" % route["gateway"]
    for key in ("metric", "table", "src", "scope"):
        if route.get(key) not in (None, ""):
            text += " %s %s" % (key, route[key])
    return text


def _ports(data):
    """The validated ports: [(port path, port dict)]."""
    if isinstance(data, dict):
        if "ports" not in data:
            _fail("input", "a dictionary must be ipvlan_info's result, with 'ports'")
        return _ports_list(data["ports"], "ports")
    return _ports_list(data, "ports")


def _ports_list(value, path):
    found = []
    for i, port in enumerate(_list(value, path)):
        where = "%s[%d]" % (path, i)
        port = _dict(port, where)
        _text(port.get("master"), where + ".master")
        _text(port.get("master_netns"), where + ".master_netns", optional=True)
        for j, link in enumerate(_list(port.get("links"), where + ".links")):
            at = "%s.links[%d]" % (where, j)
            link = _dict(link, at)
            _text(link.get("name"), at + ".name")
            _text(link.get("netns"), at + ".netns", optional=True)
            for k, address in enumerate(_list(link.get("addresses"), at + ".addresses")):
                _text(address, "%s.addresses[%d]" % (at, k))
            for k, route in enumerate(_list(link.get("routes"), at + ".routes")):
                _route(route, "%s.routes[%d]" % (at, k))
        found.append(port)
    return found


class _Diagram(object):
    """Nodes grouped by namespace (None: the host's), in order of appearance."""

    def __init__(self):
        self.namespaces = []  # netns in order of appearance
        self.nodes = {}  # netns -> [(node id, DOT attributes)]
        self.seen = set()
        self.edges = []

    def node(self, netns, name, attributes):
        node_id = "%s/%s" % (netns or "", name)
        if netns not in self.nodes:
            self.namespaces.append(netns)
            self.nodes[netns] = []
        if node_id not in self.seen:  # the first declaration of a master wins
            self.seen.add(node_id)
            self.nodes[netns].append((node_id, attributes))
        return node_id

    def render(self, title, rankdir):
        graph = ['rankdir=%s' % _quote(rankdir), 'fontname="Helvetica"', "compound=true"]
        if title:
            graph += ["label=%s" % _quote(title), 'labelloc="t"']
        out = [
            "digraph ipvlan {",
            "  graph [%s];" % ", ".join(graph),
            '  node [shape=box, style="rounded,filled", fontname="Helvetica", fillcolor="white"];',
            "  edge [arrowhead=none];",
        ]
        for index, netns in enumerate(self.namespaces):
            out.append("  subgraph cluster_%d {" % index)
            caption = "host namespace" if netns is None else "netns %s" % netns
            out.append("    label=%s;" % _quote(caption))
            out.append('    style="rounded"; color="gray40"; fontname="Helvetica";')
            for node_id, attributes in self.nodes[netns]:
                out.append("    %s [%s];" % (_quote(node_id), ", ".join(attributes)))
            out.append("  }")
        for slave, master, attributes in self.edges:
            extra = " [%s]" % ", ".join(attributes) if attributes else ""
            out.append("  %s -> %s%s;" % (_quote(slave), _quote(master), extra))
        out.append("}")
        return "\n".join(out) + "\n"


def topology_dot(data, title=None, rankdir="LR"):
    """The DOT text of the ports in `data` (see DOCUMENTATION)."""
    if rankdir not in RANKDIRS:
        _fail("rankdir", "expected one of %s, got %r" % (", ".join(RANKDIRS), rankdir))
    if title is not None:
        title = _text(title, "title")
    diagram = _Diagram()
    for port in _ports(data):
        mode = port.get("mode") or DEFAULT_MODE
        flags = port.get("flags") or DEFAULT_FLAGS
        master = diagram.node(port.get("master_netns"), port["master"], [
            "label=%s" % _label([port["master"], "master: %s %s" % (mode, flags)]),
            "fillcolor=%s" % _quote(MODE_COLOURS.get(mode, "white")),
            "penwidth=2",
        ])
        for link in port.get("links") or []:
            kind = link.get("kind") or DEFAULT_KIND
            lines = ["%s (%s)" % (link["name"], kind)]
            if link.get("tap"):
                lines.append(link["tap"])
            lines += list(link.get("addresses") or [])
            lines += [_route(r, "route") for r in link.get("routes") or []]
            if link.get("mtu"):
                lines.append("mtu %s" % link["mtu"])
            down = link.get("up") is False
            if down:
                lines.append("down")
            attributes = ["label=%s" % _label(lines)] + (['style="rounded,dashed"'] if down else [])
            slave = diagram.node(link.get("netns"), link["name"], attributes)
            diagram.edges.append((slave, master, ['style="dashed"'] if kind == "ipvtap" else []))
    return diagram.render(title, rankdir)


class FilterModule(object):
    """linuxnet.ipvlan's filters."""

    def filters(self):
        return {"topology_dot": topology_dot}
