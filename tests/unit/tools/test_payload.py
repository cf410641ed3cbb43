"""tests/bench/payload: what ansible-core's AnsiballZ builder puts in each
module's payload, and the rules the layers of plugins/module_utils are for
(test_layers.py checks the layers themselves): the single-object modules
netns, ip_address and ip_route carry nothing of VLAN, tap, IPv6 or host
access, and ipvlan_info, which only reads, carries neither the transaction
nor the rollback snapshot of ops/ nor anything of planners/.

The rules are written against the packages of module_utils (ops/,
planners/, ...); before those exist the real-tree test fails."""

import json
import os
import subprocess
import sys
import textwrap

import pytest

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__)))))
PAYLOAD = os.path.join(ROOT, "tests", "bench", "payload")
MODULE_UTILS = "ansible_collections/linuxnet/ipvlan/plugins/module_utils/"

SINGLE_OBJECT = ("netns", "ip_address", "ip_route")
NOT_FOR_SINGLE_OBJECT = ("vlan", "tap", "ipv6", "host_access")
READ_ONLY = "ipvlan_info"
NOT_FOR_READ_ONLY = ("ops/transaction.py", "ops/snapshot.py")


def payload(*args):
    """tests/bench/payload --json ARGS, run with this Python (its ansible-core)."""
    out = subprocess.run([sys.executable, PAYLOAD, "--json"] + list(args),
                         capture_output=True, text=True, check=True).stdout
    return {row["module"]: row for row in json.loads(out)["modules"]}


def carried(row):
    """Every file of ROW's zip under plugins/module_utils, relative to it
    (empty __init__.py files included)."""
    return [e["path"][len(MODULE_UTILS):] for e in row["entries"]
            if e["path"].startswith(MODULE_UTILS)]


def broken_rules(rows):
    found = []
    for module in SINGLE_OBJECT:
        for rel in carried(rows[module]):
            words = [w for w in NOT_FOR_SINGLE_OBJECT if w in rel]
            if words:
                found.append("%s carries %s (%s)" % (module, rel, ", ".join(words)))
    for rel in carried(rows[READ_ONLY]):
        if rel in NOT_FOR_READ_ONLY or rel.startswith("planners/"):
            found.append("%s carries %s" % (READ_ONLY, rel))
    return found


@pytest.fixture(scope="module")
def rows():
    """This checkout's payloads (one run of the builder for every test)."""
    return payload()


def test_every_module_is_measured_from_its_real_payload(rows):
    modules = sorted(f[:-len(".py")] for f in os.listdir(os.path.join(ROOT, "plugins", "modules"))
                     if f.endswith(".py"))
    assert sorted(rows) == modules
    for module, row in rows.items():
        paths = [e["path"] for e in row["entries"]]
        assert "ansible_collections/linuxnet/ipvlan/plugins/modules/%s.py" % module in paths
        assert "ansible/module_utils/basic.py" in paths
        assert row["module_utils"]["files"] > 0
        assert row["files"] == len(paths)
        assert row["lines"] == sum(e["lines"] for e in row["entries"])
        assert row["ansible"]["files"] == sum(1 for p in paths if p.startswith("ansible/"))
        assert row["module_utils"]["paths"] == [
            p for p in carried(row) if any(e["path"] == MODULE_UTILS + p and e["bytes"]
                                           for e in row["entries"])]


def test_the_payloads_keep_to_their_modules(rows):
    broken = broken_rules(rows)
    assert not broken, "\n" + "\n".join(broken)


# A collection whose payloads break each rule, through imports of each form
# (module, package, name of a module; a function's import), some two steps
# away from the module.
SYNTHETIC = {
    "galaxy.yml": "namespace: linuxnet\nname: ipvlan\nversion: 1.0.0\n",
    "plugins/module_utils/model/__init__.py": "",
    "plugins/module_utils/model/errors.py": "class IpvlanError(Exception):\n    pass\n",
    "plugins/module_utils/model/names.py": "from %(MU)s.kernel import vlan_codec\n",
    "plugins/module_utils/kernel/__init__.py": "",
    "plugins/module_utils/kernel/vlan_codec.py": "VLAN = 1\n",
    "plugins/module_utils/facts/__init__.py": "",
    "plugins/module_utils/facts/host_access.py": "def read():\n    return []\n",
    "plugins/module_utils/ops/__init__.py": "",
    "plugins/module_utils/ops/plan.py": "from %(MU)s.model.errors import IpvlanError\n",
    "plugins/module_utils/ops/transaction.py": "from %(MU)s.ops import plan\n",
    "plugins/module_utils/planners/__init__.py": "",
    "plugins/module_utils/planners/info.py": "X = 1\n",
    "plugins/module_utils/resources/__init__.py": "",
    "plugins/module_utils/resources/netns.py": "from %(MU)s.model import names\n",
    "plugins/module_utils/resources/ip_address.py": "from %(MU)s.ops.plan import IpvlanError\n",
    "plugins/module_utils/resources/ip_route.py": """\
        def run():
            from %(MU)s.facts.host_access import read
        """,
    "plugins/module_utils/resources/ipvlan_info.py": """\
        from %(MU)s.ops import transaction
        import %(MU)s.planners.info
        """,
    "plugins/module_utils/entry/__init__.py": "",
    "plugins/module_utils/entry/runner.py":
        "from ansible.module_utils.basic import AnsibleModule\n",
}
for _module in SINGLE_OBJECT + (READ_ONLY,):
    SYNTHETIC["plugins/modules/%s.py" % _module] = """\
        #!/usr/bin/python
        from %%(MU)s.resources import %s
        from %%(MU)s.entry.runner import AnsibleModule
        """ % _module


def test_each_rule_fails_on_a_collection_that_breaks_it(tmp_path):
    for rel, text in SYNTHETIC.items():
        path = tmp_path.joinpath(*rel.split("/"))
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text) % {"MU": MODULE_UTILS.replace("/", ".").rstrip(".")})
    rows = payload("--root", str(tmp_path))
    assert rows["ip_address"]["module_utils"]["paths"] == [
        "entry/runner.py", "model/errors.py", "ops/plan.py", "resources/ip_address.py"]
    assert broken_rules(rows) == [
        "netns carries kernel/vlan_codec.py (vlan)",
        "ip_route carries facts/host_access.py (host_access)",
        "ipvlan_info carries ops/transaction.py",
        "ipvlan_info carries planners/__init__.py",
        "ipvlan_info carries planners/info.py",
    ]


def test_the_table_has_a_row_per_module():
    out = subprocess.run([sys.executable, PAYLOAD, "netns", "ip_route"],
                         capture_output=True, text=True, check=True).stdout.splitlines()
    assert out[0].startswith("| module | files | lines |")
    assert [line.split("|")[1].strip() for line in out[2:]] == ["ip_route", "netns"]


def test_ipvlan_persist_carries_every_file_of_the_boot_command_it_installs(rows):
    """ipvlan_persist installs the boot command from its own payload's
    sources (engine_sources reads them with importlib on the node): every
    file the boot command needs must be in the zip, or the installed
    command cannot start (it imports entry.boot, which nothing else of the
    module imports)."""
    from ansible_collections.linuxnet.ipvlan.plugins.module_utils.resources import ipvlan_persist
    needed = set(ipvlan_persist.engine_sources())
    have = set(carried(rows["ipvlan_persist"]))
    assert "entry/boot.py" in needed
    assert sorted(needed - have) == []
