"""The layers of plugins/module_utils, read with ast (nothing is imported).

Each package of plugins/module_utils is one layer of LAYERS, lowest first. A
file may import its own layer and the layers below, never one above; only
entry/runner.py imports ansible; only kernel imports pyroute2 (or
pr2modules, its 0.6 split), and neither model nor planners import kernel;
no two files import each other, however indirectly; a package's __init__.py
imports nothing (importing a submodule would otherwise carry the whole
package in every payload that touches it); the modules
(plugins/modules/*.py) import resources.* and entry.*, nothing else of
module_utils. A new package needs a place in LAYERS before it can hold a
file.

check(root) applies these rules to the collection checked out at root;
test_the_collection_keeps_its_layers runs it on this checkout, the other
tests on small trees written to a temporary directory, one broken rule each,
so that each rule is seen to fail.
"""

import ast
import collections
import os
import textwrap

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.abspath(__file__))))))

# lowest first: a package may import its own layer and those before it
LAYERS = ("model", "kernel", "facts", "ops", "planners", "resources", "entry")

COLLECTION = "ansible_collections.linuxnet.ipvlan"
MODULE_UTILS = COLLECTION + ".plugins.module_utils"
# the only module_utils file that may import ansible
ANSIBLE_IMPORTER = "entry/runner.py"
# the layers that must not import kernel even though it is below them
KERNEL_FREE = ("model", "planners")
PYROUTE2 = ("pyroute2", "pr2modules")
# calls that import (or look up) the module named by their first argument
IMPORT_CALLS = ("import_module", "__import__", "find_spec")

Violation = collections.namedtuple("Violation", "rule where message")
# an import statement (or a call of IMPORT_CALLS with a constant name): its
# line, the absolute module name and, for `from X import a, b`, ("a", "b")
Import = collections.namedtuple("Import", "line module names")


def _leading_constant(node):
    """The module name a call of IMPORT_CALLS is given when it is known:
    a constant string, or the dotted names before the first variable part
    ("pyroute2." + name -> "pyroute2")."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    head = None
    if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        head = node.left
    elif isinstance(node, ast.JoinedStr) and node.values:
        head = node.values[0]
    if isinstance(head, ast.Constant) and isinstance(head.value, str):
        return head.value.rpartition(".")[0] or None
    return None


def imports(source, module, is_package):
    """Every import of SOURCE (the module named MODULE), anywhere in it
    (functions and try blocks included), relative ones made absolute."""
    tree = ast.parse(source)
    package = module if is_package else module.rpartition(".")[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found.extend(Import(node.lineno, alias.name, None) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                parent = ".".join(parts[:len(parts) - node.level + 1])
                base = parent + "." + base if base else parent
            if base != "__future__":
                found.append(Import(node.lineno, base, tuple(a.name for a in node.names)))
        elif isinstance(node, ast.Call) and node.args:
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            target = _leading_constant(node.args[0]) if name in IMPORT_CALLS else None
            if target and not target.startswith("."):
                found.append(Import(node.lineno, target, None))
    return sorted(found, key=lambda i: (i.line, i.module))


def _is_under(module, package):
    return module == package or module.startswith(package + ".")


class Tree:
    """The .py files of plugins/module_utils and plugins/modules under ROOT."""

    def __init__(self, root):
        self.root = root
        self.mu_dir = os.path.join(root, "plugins", "module_utils")
        self.utils = []  # paths relative to plugins/module_utils, "/"-separated
        for dirpath, dirnames, filenames in os.walk(self.mu_dir):
            dirnames[:] = sorted(d for d in dirnames if d != "__pycache__")
            rel = os.path.relpath(dirpath, self.mu_dir)
            prefix = "" if rel == "." else rel.replace(os.sep, "/") + "/"
            self.utils.extend(prefix + f for f in sorted(filenames) if f.endswith(".py"))
        modules_dir = os.path.join(root, "plugins", "modules")
        self.modules = sorted(f for f in os.listdir(modules_dir) if f.endswith(".py")) \
            if os.path.isdir(modules_dir) else []

    def util_source(self, rel):
        with open(os.path.join(self.mu_dir, rel)) as handle:
            return handle.read()

    def module_source(self, filename):
        with open(os.path.join(self.root, "plugins", "modules", filename)) as handle:
            return handle.read()

    def resolve(self, module):
        """The file (relative to plugins/module_utils) of MODULE, a dotted
        name below MODULE_UTILS, or None when there is none."""
        parts = module[len(MODULE_UTILS) + 1:].split(".") if module != MODULE_UTILS else []
        candidates = ["/".join(parts) + ".py"] if parts else []
        candidates.append("/".join(parts + ["__init__.py"]))
        for rel in candidates:
            if os.path.isfile(os.path.join(self.mu_dir, *rel.split("/"))):
                return rel
        return None

    def targets(self, imp):
        """The module_utils modules IMP imports: (dotted name, file or None).
        `from P import n` imports P.n when that is a module, else P (n is a
        name in P)."""
        if not _is_under(imp.module, MODULE_UTILS):
            return []
        if imp.names is None:
            return [(imp.module, self.resolve(imp.module))]
        found = []
        for name in imp.names:
            sub = imp.module + "." + name
            rel = self.resolve(sub)
            found.append((sub, rel) if rel else (imp.module, self.resolve(imp.module)))
        return found


def _package(module):
    """The package (its first name below module_utils) MODULE belongs to."""
    rest = module[len(MODULE_UTILS) + 1:]
    return rest.split(".")[0] if rest else None


def _layer(package):
    return "%s (layer %d)" % (package, LAYERS.index(package))


def _module_name(rel):
    parts = rel[:-len(".py")].split("/")
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join([MODULE_UTILS] + parts)


def _cycles(edges):
    """One cycle of each strongly connected part of EDGES ({file: {file:
    line}}) that has one (Tarjan's algorithm, then a walk inside the part)."""
    index, low, on_stack, stack, parts = {}, {}, set(), [], []

    def connect(node):
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for nxt in sorted(edges.get(node, ())):
            if nxt not in index:
                connect(nxt)
                low[node] = min(low[node], low[nxt])
            elif nxt in on_stack:
                low[node] = min(low[node], index[nxt])
        if low[node] == index[node]:
            part = set()
            while True:
                member = stack.pop()
                on_stack.discard(member)
                part.add(member)
                if member == node:
                    break
            if len(part) > 1 or node in edges.get(node, ()):
                parts.append(part)

    for node in sorted(edges):
        if node not in index:
            connect(node)
    cycles = []
    for part in parts:
        start = min(part)
        # breadth-first from start back to start, inside the part: a shortest cycle
        paths = collections.deque([[start]])
        seen = set()
        while paths:
            path = paths.popleft()
            nxt_nodes = sorted(n for n in edges.get(path[-1], ()) if n in part)
            if start in nxt_nodes:
                cycles.append(path + [start])
                break
            for nxt in nxt_nodes:
                if nxt not in seen:
                    seen.add(nxt)
                    paths.append(path + [nxt])
    return sorted(cycles)


def check(root):
    """The Violations of the rules in this file's docstring in the collection
    checked out at ROOT, sorted by file."""
    tree = Tree(root)
    found = []
    edges = {}

    def report(rule, where, message):
        found.append(Violation(rule, where, message))

    for rel in tree.utils:
        where_file = "plugins/module_utils/" + rel
        parts = rel.split("/")
        package = parts[0] if len(parts) > 1 else None
        layer = package if package in LAYERS else None
        if package is None and rel != "__init__.py":
            report("placement", where_file,
                   "a file directly in plugins/module_utils: it belongs in a package of %s"
                   % ", ".join(LAYERS))
        elif package is not None and layer is None:
            report("placement", "plugins/module_utils/%s/" % package,
                   "package %s is not in LAYERS (%s): give it a layer in %s"
                   % (package, ", ".join(LAYERS), os.path.basename(__file__)))
        for depth in range(1, len(parts)):
            init = "/".join(parts[:depth] + ["__init__.py"])
            if init not in tree.utils:
                report("init", "plugins/module_utils/%s/" % "/".join(parts[:depth]),
                       "a package without plugins/module_utils/%s (AnsiballZ needs one)" % init)
        source = tree.util_source(rel)
        is_init = parts[-1] == "__init__.py"
        for imp in imports(source, _module_name(rel), is_init):
            where = "%s:%d" % (where_file, imp.line)
            if is_init and package is not None:
                report("init", where, "a package's __init__.py imports nothing (imports %s)"
                       % imp.module)
            if _is_under(imp.module, "ansible") and rel != ANSIBLE_IMPORTER:
                report("ansible", where, "%s imports %s: only %s may import ansible"
                       % (layer or package or "module_utils", imp.module, ANSIBLE_IMPORTER))
            if any(_is_under(imp.module, p) for p in PYROUTE2) and layer != "kernel":
                report("pyroute2", where, "%s imports %s: only kernel may"
                       % (layer or package or "module_utils", imp.module))
            for target, target_rel in tree.targets(imp):
                target_package = _package(target)
                if target_rel is None:
                    report("unresolved", where, "imports %s, which is no file under "
                           "plugins/module_utils" % target)
                else:
                    edges.setdefault(rel, {}).setdefault(target_rel, imp.line)
                if layer is None or target_package not in LAYERS:
                    continue  # reported as placement (or unresolved) already
                if LAYERS.index(target_package) > LAYERS.index(layer):
                    report("upward", where, "%s imports %s, of %s: a higher layer"
                           % (_layer(layer), target, _layer(target_package)))
                if target_package == "kernel" and layer in KERNEL_FREE:
                    report("kernel", where, "%s imports %s, of %s: %s never import kernel"
                           % (_layer(layer), target, _layer(target_package),
                              " and ".join(KERNEL_FREE)))

    for cycle in _cycles(edges):
        steps = ["plugins/module_utils/%s:%d" % (a, edges[a][b]) for a, b in zip(cycle, cycle[1:])]
        report("cycle", "plugins/module_utils/" + cycle[0],
               "import cycle: %s -> plugins/module_utils/%s" % (" -> ".join(steps), cycle[0]))

    for filename in tree.modules:
        where_file = "plugins/modules/" + filename
        name = COLLECTION + ".plugins.modules." + filename[:-len(".py")]
        for imp in imports(tree.module_source(filename), name, False):
            where = "%s:%d" % (where_file, imp.line)
            if any(_is_under(imp.module, p) for p in PYROUTE2):
                report("pyroute2", where, "module imports %s: only kernel may" % imp.module)
            for target, target_rel in tree.targets(imp):
                if target_rel is None:
                    report("unresolved", where, "imports %s, which is no file under "
                           "plugins/module_utils" % target)
                allowed = _is_under(target, MODULE_UTILS + ".resources") \
                    or _is_under(target, MODULE_UTILS + ".entry")
                if not allowed:
                    report("modules", where, "imports %s: a module imports only resources.* "
                           "and entry.* of module_utils" % target)

    def order(violation):
        path, line = (violation.where.split(":") + ["0"])[:2]
        return path, int(line), violation.rule, violation.message

    return sorted(set(found), key=order)


def _describe(violations):
    return "\n".join("%s: [%s] %s" % (v.where, v.rule, v.message) for v in violations)


def test_the_collection_keeps_its_layers():
    tree = Tree(ROOT)
    assert tree.utils and tree.modules, "nothing to check under %s/plugins" % ROOT
    violations = check(ROOT)
    assert not violations, "\n" + _describe(violations)


# --- synthetic trees: every rule fails when it is broken ----------------------

MU = MODULE_UTILS

# A tree that keeps every rule, using every import form the rules handle.
# Each layer below entry has a spare.py that nothing imports: the broken
# cases give it the import under test, which then closes no cycle.
GOOD = {
    "plugins/module_utils/model/__init__.py": "",
    "plugins/module_utils/model/errors.py": "class IpvlanError(Exception):\n    pass\n",
    "plugins/module_utils/model/names.py": """\
        from %(MU)s.model.errors import IpvlanError
        from . import errors
        """,
    "plugins/module_utils/kernel/__init__.py": '"""The kernel layer."""\n',
    "plugins/module_utils/kernel/codec.py": """\
        import importlib
        import pyroute2
        from pr2modules.netlink import nla
        from %(MU)s.model import errors
        def load(name):
            importlib.util.find_spec("pyroute2." + name)
            return importlib.import_module("pyroute2.netlink")
        """,
    "plugins/module_utils/kernel/driver.py": """\
        from %(MU)s.kernel import codec as c
        import %(MU)s.model.errors
        """,
    "plugins/module_utils/facts/__init__.py": "",
    "plugins/module_utils/facts/ports.py": "from %(MU)s.kernel.driver import label\n",
    "plugins/module_utils/ops/__init__.py": "",
    "plugins/module_utils/ops/plan.py": "from ..model.errors import IpvlanError\n",
    "plugins/module_utils/ops/transaction.py": """\
        from %(MU)s.ops import plan
        from %(MU)s.facts import ports
        from %(MU)s import kernel
        """,
    "plugins/module_utils/planners/__init__.py": "",
    "plugins/module_utils/planners/netns.py": """\
        from %(MU)s.ops.plan import Op
        from %(MU)s.facts import ports
        """,
    "plugins/module_utils/resources/__init__.py": "",
    "plugins/module_utils/resources/netns.py": """\
        from %(MU)s.planners import netns
        from %(MU)s.ops import transaction
        """,
    "plugins/module_utils/entry/__init__.py": "",
    "plugins/module_utils/entry/runner.py": """\
        from ansible.module_utils.basic import AnsibleModule
        import ansible.module_utils.common
        from %(MU)s.resources import netns
        """,
    "plugins/module_utils/entry/boot.py": "from %(MU)s.resources.netns import converge\n",
    "plugins/modules/netns.py": """\
        from ansible.module_utils.basic import AnsibleModule
        from %(MU)s.resources import netns
        from %(MU)s.entry.runner import run
        """,
    "plugins/modules/ip_address.py": """\
        import %(MU)s.resources.netns
        from %(MU)s.entry import runner
        """,
}
GOOD.update(("plugins/module_utils/%s/spare.py" % layer, "") for layer in LAYERS[:-1])


def write_tree(root, files):
    for rel, text in files.items():
        path = os.path.join(str(root), *rel.split("/"))
        if text is None:  # left out
            continue
        if not os.path.isdir(os.path.dirname(path)):
            os.makedirs(os.path.dirname(path))
        with open(path, "w") as handle:
            handle.write(textwrap.dedent(text) % {"MU": MU})
    return str(root)


def broken(tmp_path, changes):
    files = dict(GOOD)
    files.update(changes)
    return check(write_tree(tmp_path, files))


def test_a_tree_that_keeps_the_rules_passes(tmp_path):
    assert _describe(check(write_tree(tmp_path, GOOD))) == ""


def test_the_import_forms_are_all_read(tmp_path):
    """The edges of GOOD's transaction.py and runner.py, as check sees them:
    a submodule by `from P import m`, a package by `from module_utils
    import P`, an attribute by `from P.m import name`."""
    tree = Tree(write_tree(tmp_path, GOOD))
    rel = "ops/transaction.py"
    got = [t for imp in imports(tree.util_source(rel), _module_name(rel), False)
           for t in tree.targets(imp)]
    assert got == [(MU + ".ops.plan", "ops/plan.py"), (MU + ".facts.ports", "facts/ports.py"),
                   (MU + ".kernel", "kernel/__init__.py")]
    rel = "entry/boot.py"
    got = [t for imp in imports(tree.util_source(rel), _module_name(rel), False)
           for t in tree.targets(imp)]
    assert got == [(MU + ".resources.netns", "resources/netns.py")]
    rel = "ops/plan.py"
    assert imports(tree.util_source(rel), _module_name(rel), False) == [
        Import(1, MU + ".model.errors", ("IpvlanError",))]


# rule, the files changed (None: removed), what the one violation says
BROKEN = {
    "upward: from P import submodule": (
        "upward", {"plugins/module_utils/model/spare.py": "from %(MU)s.ops import transaction\n"},
        ["plugins/module_utils/model/spare.py:1", "model (layer 0)", "ops (layer 3)",
         MU + ".ops.transaction"]),
    "upward: from module_utils import package": (
        "upward", {"plugins/module_utils/facts/spare.py": "x = 1\nfrom %(MU)s import resources\n"},
        ["plugins/module_utils/facts/spare.py:2", "facts (layer 2)", "resources (layer 5)"]),
    "upward: import P.sub": (
        "upward", {"plugins/module_utils/planners/spare.py": "import %(MU)s.entry.runner\n"},
        ["plugins/module_utils/planners/spare.py:1", "planners (layer 4)", "entry (layer 6)"]),
    "upward: from P.sub import name": (
        "upward", {"plugins/module_utils/ops/spare.py": "from %(MU)s.planners.netns import x\n"},
        ["plugins/module_utils/ops/spare.py:1", "ops (layer 3)", "planners (layer 4)"]),
    "upward: relative import": (
        "upward", {"plugins/module_utils/ops/spare.py": "from ..resources import netns\n"},
        ["plugins/module_utils/ops/spare.py:1", "ops (layer 3)", "resources (layer 5)"]),
    "upward: import inside a function": (
        "upward", {"plugins/module_utils/kernel/spare.py":
                   "def f():\n    from %(MU)s.ops import plan\n"},
        ["plugins/module_utils/kernel/spare.py:2", "kernel (layer 1)", "ops (layer 3)"]),
    "ansible in model": (
        "ansible", {"plugins/module_utils/model/spare.py":
                    "from ansible.module_utils.basic import AnsibleModule\n"},
        ["plugins/module_utils/model/spare.py:1", "ansible.module_utils.basic", "entry/runner.py"]),
    "ansible in entry/boot.py": (
        "ansible", {"plugins/module_utils/entry/boot.py": "import ansible\n"},
        ["plugins/module_utils/entry/boot.py:1", "entry imports ansible"]),
    "ansible imported by name": (
        "ansible", {"plugins/module_utils/ops/spare.py":
                    "import importlib\n"
                    "b = importlib.import_module('ansible.module_utils.basic')\n"},
        ["plugins/module_utils/ops/spare.py:2"]),
    "kernel from planners": (
        "kernel", {"plugins/module_utils/planners/spare.py":
                   "from %(MU)s.kernel import codec as c\n"},
        ["plugins/module_utils/planners/spare.py:1", "planners (layer 4)", "kernel (layer 1)"]),
    "kernel package from planners": (
        "kernel", {"plugins/module_utils/planners/spare.py": "from %(MU)s import kernel\n"},
        ["plugins/module_utils/planners/spare.py:1", MU + ".kernel,"]),
    "pyroute2 in facts": (
        "pyroute2", {"plugins/module_utils/facts/spare.py": "import pyroute2.netlink\n"},
        ["plugins/module_utils/facts/spare.py:1", "facts imports pyroute2.netlink"]),
    "pr2modules in ops": (
        "pyroute2", {"plugins/module_utils/ops/spare.py": "from pr2modules.netlink import nla\n"},
        ["plugins/module_utils/ops/spare.py:1", "ops imports pr2modules.netlink"]),
    "pyroute2 by importlib in planners": (
        "pyroute2", {"plugins/module_utils/planners/spare.py":
                     "import importlib\n\n\ndef f(n):\n"
                     "    return importlib.import_module('pyroute2.' + n)\n"},
        ["plugins/module_utils/planners/spare.py:5", "planners imports pyroute2"]),
    "pyroute2 in a module": (
        "pyroute2", {"plugins/modules/netns.py":
                     "from %(MU)s.resources import netns\nimport pyroute2\n"},
        ["plugins/modules/netns.py:2", "module imports pyroute2"]),
    "a file directly in module_utils": (
        "placement", {"plugins/module_utils/helpers.py": "x = 1\n"},
        ["plugins/module_utils/helpers.py", "directly in plugins/module_utils"]),
    "a package not in LAYERS": (
        "placement", {"plugins/module_utils/util/__init__.py": "",
                      "plugins/module_utils/util/text.py": "x = 1\n"},
        ["plugins/module_utils/util/:", "package util is not in LAYERS"]),
    "a package without __init__.py": (
        "init", {"plugins/module_utils/facts/__init__.py": None},
        ["plugins/module_utils/facts/:", "facts/__init__.py"]),
    "an __init__.py that imports": (
        "init", {"plugins/module_utils/ops/__init__.py": "from %(MU)s.model import errors\n"},
        ["plugins/module_utils/ops/__init__.py:1", "imports nothing"]),
    "an import of no file": (
        "unresolved", {"plugins/module_utils/ops/spare.py": "from %(MU)s.model.nosuch import x\n"},
        ["plugins/module_utils/ops/spare.py:1", MU + ".model.nosuch"]),
    "a module importing no file": (
        "unresolved", {"plugins/modules/netns.py": "from %(MU)s.resources.nosuch import run\n"},
        ["plugins/modules/netns.py:1", MU + ".resources.nosuch"]),
    "a module importing kernel": (
        "modules", {"plugins/modules/netns.py": "from %(MU)s.kernel import codec\n"},
        ["plugins/modules/netns.py:1", MU + ".kernel.codec"]),
    "a module importing facts": (
        "modules", {"plugins/modules/netns.py": "from %(MU)s.facts import gather\n"},
        ["plugins/modules/netns.py:1", MU + ".facts:"]),
    "a module importing the model package": (
        "modules", {"plugins/modules/netns.py": "from %(MU)s import model\n"},
        ["plugins/modules/netns.py:1", MU + ".model:"]),
    "a module importing ops": (
        "modules", {"plugins/modules/ip_address.py":
                    "from %(MU)s.ops.transaction import converge\n"},
        ["plugins/modules/ip_address.py:1", MU + ".ops.transaction"]),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_a_broken_rule_fails_naming_file_line_and_layers(tmp_path, case):
    rule, changes, said = BROKEN[case]
    violations = broken(tmp_path, changes)
    assert [v.rule for v in violations] == [rule], _describe(violations)
    text = _describe(violations)
    for part in said:
        assert part in text


def test_kernel_from_model_breaks_both_the_order_and_the_kernel_rule(tmp_path):
    violations = broken(tmp_path, {"plugins/module_utils/model/spare.py":
                                   "from %(MU)s.kernel.codec import load\n"})
    assert sorted(v.rule for v in violations) == ["kernel", "upward"], _describe(violations)
    assert all(v.where == "plugins/module_utils/model/spare.py:1" for v in violations)


def test_a_cycle_is_reported_with_each_of_its_imports(tmp_path):
    violations = broken(tmp_path, {
        "plugins/module_utils/ops/plan.py": "from %(MU)s.ops import transaction\n",
    })
    assert [v.rule for v in violations] == ["cycle"], _describe(violations)
    assert violations[0].message == (
        "import cycle: plugins/module_utils/ops/plan.py:1 -> "
        "plugins/module_utils/ops/transaction.py:1 -> plugins/module_utils/ops/plan.py")


def test_a_longer_cycle_through_a_function_import(tmp_path):
    violations = broken(tmp_path, {
        "plugins/module_utils/model/errors.py":
            "class IpvlanError(Exception):\n    pass\n\n\n"
            "def f():\n    from %(MU)s.model.names import x\n",
        "plugins/module_utils/model/names.py": "from %(MU)s.model import more\n",
        "plugins/module_utils/model/more.py": "from . import errors\n",
    })
    assert [v.rule for v in violations] == ["cycle"], _describe(violations)
    assert violations[0].message == (
        "import cycle: plugins/module_utils/model/errors.py:6 -> "
        "plugins/module_utils/model/names.py:1 -> plugins/module_utils/model/more.py:1 -> "
        "plugins/module_utils/model/errors.py")


def test_a_file_importing_itself_is_a_cycle(tmp_path):
    violations = broken(tmp_path, {
        "plugins/module_utils/ops/plan.py": "from %(MU)s.ops import plan\n"})
    assert [v.rule for v in violations] == ["cycle"], _describe(violations)


def test_the_flat_layout_fails(tmp_path):
    """The layout before the packages: every file misplaced, the modules'
    imports refused."""
    violations = check(write_tree(tmp_path, {
        "plugins/module_utils/errors.py": "",
        "plugins/module_utils/runner.py": "from ansible.module_utils import basic\n",
        "plugins/modules/netns.py": "from %(MU)s.runner import run\n",
    }))
    assert sorted(v.rule for v in violations) == ["ansible", "modules", "placement", "placement"]
