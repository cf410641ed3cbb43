# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.ipvlan contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Operations as data: a kind of change (Kind), one change (Op), an
ordered list of them (Plan), and what they leave (Expected).

Each kind of change is one Kind subclass in one file of this package,
declaring everything about it together:
- its constructor, op(...), which writes the op's text (its line in
  `commands`, `rollback_commands` and messages);
- run(driver, op): how it is carried out (through kernel/, names resolved
  to indexes when it runs, so that a plan can create a link and then
  configure it);
- inverse(snapshot, driver, op): the ops that undo it, worked out from the
  state just before it runs (ops/snapshot.py);
- applied(snapshot, op): how it changes that state once it succeeded;
- expect(expected, op): what is read back after the plan to verify it
  (Expected below; ops/transaction.py reads and compares);
- namespaces(op): where it works (what the snapshot reads and compares);
- needs(op): what preflight asks the kernel before the first change.
An op holds its kind, not a name to look up: nothing is registered, and
a module ships the kinds its planners use. ops/catalog.py lists them all.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model.errors import IpvlanError
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model.names import label

EXISTED = "existed"  # what run() returns for an object someone else made meanwhile


class NotRestorable(IpvlanError):
    """An applied operation that has no inverse."""


class Kind(object):
    """One kind of change (see the module's docstring). Used as a class:
    its methods are classmethods, an op refers to the class."""

    name = None  # Op.action: how plans, tests and fault specs name the kind
    # errno values with which the kernel says the op's effect is there
    # already (a delete of what is gone): as an undo, it is then done
    already_done = ()

    @classmethod
    def run(cls, driver, op):
        raise NotImplementedError(cls.name)

    @classmethod
    def inverse(cls, snapshot, driver, op):
        raise NotRestorable("no inverse is known for '%s'" % cls.name)

    @classmethod
    def applied(cls, snapshot, op):
        """Nothing the snapshot holds changes (the default)."""

    @classmethod
    def expect(cls, expected, op):
        raise NotImplementedError(cls.name)

    @classmethod
    def namespaces(cls, op):
        return (op.netns,)

    @classmethod
    def needs(cls, op):
        """What preflight checks first: ("kind", link kind) for a kind the
        kernel must know, ("mode", "l3s") for a mode its build must have."""
        return ()


class Op(object):
    """One operation: in namespace `netns`, a change of `kind` with `args`.

    `text` is the readable form, e.g. "add address 10.0.0.10/24 dev ipvl0";
    kinds write it (Kind.op())."""

    __slots__ = ("kind", "netns", "text", "args")

    def __init__(self, _kind, _netns, _text, **args):  # args may hold "kind", "netns"
        self.kind = _kind
        self.netns = _netns
        self.text = _text
        self.args = args

    @property
    def action(self):
        return self.kind.name

    def line(self):
        return "%s: %s" % (label(self.netns), self.text)

    def __repr__(self):
        return "Op(%r)" % self.line()

    def __eq__(self, other):
        return isinstance(other, Op) and self.line() == other.line() and self.args == other.args

    def __ne__(self, other):
        return not self == other

    __hash__ = None


def why(text, reason):
    """An op's text with the reason for it, if any: 'TEXT (REASON)'."""
    return "%s (%s)" % (text, reason) if reason else text


class Plan(list):
    def commands(self):
        return [op.line() for op in self]


class Expected(object):
    """What a plan leaves, for verification: {key: wanted}, the last op on
    an object winning. Keys: ("netns", name) -> True/None; ("link", netns,
    name) -> {field: value} (fields of a read link, "ipv6.<setting>" for its
    IPv6 settings) or None; ("addr", netns, dev, ip) -> prefix length or
    None; ("route", netns) + route identity -> {gateway, dev} or None. None:
    absent. A kind that leaves something else to read back gives its key
    with the function that reads and compares it (other()): the tap node's
    mode, say, whose reading only that kind's modules ship."""

    def __init__(self):
        self.items = {}
        self.checks = {}  # key -> check(view, key, wanted) of the keys other() added
        self._on_link = {}  # (netns, name) -> keys that go with the link

    def _attach(self, netns, name, key):
        self._on_link.setdefault((netns, name), []).append(key)

    def _forget_with(self, netns, name):
        for key in self._on_link.pop((netns, name), ()):
            self.items.pop(key, None)

    def namespace(self, name, exists):
        if not exists:
            for key in [k for k in self.items if k[0] != "netns" and k[1] == name]:
                del self.items[key]
        self.items[("netns", name)] = True if exists else None

    def link(self, netns, name, fresh=False, **fields):
        """The link is there with `fields` (added to what earlier ops set;
        `fresh`: it was just made, so nothing earlier holds)."""
        key = ("link", netns, name)
        if fresh:
            self._forget_with(netns, name)
        link = {} if fresh else dict(self.items.get(key) or {})
        link.update(fields)
        self.items[key] = link

    def link_gone(self, netns, name):
        self._forget_with(netns, name)
        self.items[("link", netns, name)] = None

    def link_moved(self, netns, name, to_netns):
        """A move keeps what the link is and resets what belongs to its
        namespace: it is down, without addresses, routes or IPv6 settings,
        and its tap node is another one."""
        link = dict(self.items.get(("link", netns, name)) or {})
        self.link_gone(netns, name)
        kept = dict((k, v) for k, v in link.items() if not k.startswith("ipv6."))
        kept["up"] = False
        self.link(to_netns, name, fresh=True, **kept)

    def address(self, netns, dev, iface, present=True):
        key = ("addr", netns, dev, iface.ip)
        self.items[key] = iface.network.prefixlen if present else None
        self._attach(netns, dev, key)

    def drop(self, key):
        self.items.pop(key, None)

    def route(self, netns, identity, nexthop):
        """`nexthop`: {gateway, dev} wanted, or None for absent."""
        self.items[("route", netns) + tuple(identity)] = nexthop

    def other(self, key, wanted, check, link=None):
        """`key` (its namespace second) is to have `wanted`, which
        check(view, key, wanted) verifies, returning the differences as
        lines; `link`: the link name it goes with (dropped with the link)."""
        self.items[key] = wanted
        self.checks[key] = check
        if link is not None:
            self._attach(key[1], link, key)
