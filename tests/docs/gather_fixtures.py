"""Gather the docs' topology fixtures from a real kernel (run in the lab).

    tests/lab/run -- .venv/bin/python tests/docs/gather_fixtures.py

For each declaration (the kernel HOWTO's, docs/examples/howto.yml, on a
dummy eth0; the molecule scenario's, molecule/default/vars/main.yml, on veth
masters as its prepare.yml makes them) this converges it with
ipvlan_topology, reads it back with ipvlan_info (both in-process, as
tests/harness.py runs modules), writes what ipvlan_info returned to
$LAB_OUT/<name>.yml and removes what it made. Copy the files to
docs/docsite/fixtures/ to refresh the pictures the docs draw from them.
"""

import datetime
import os
import subprocess
import sys

import yaml

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
sys.path.insert(0, os.path.join(ROOT, "tests"))

from harness import run_module  # noqa: E402  (needs the collection path set up)


def sh(*cmd):
    subprocess.run(cmd, check=True)


def howto():
    with open(os.path.join(ROOT, "docs/examples/howto.yml")) as f:
        play = yaml.safe_load(f)[0]
    config = play["tasks"][0]["vars"]["ipvlan_topology_config"]
    text = yaml.safe_dump(config).replace("{{ ipvlan_master }}", "eth0")
    text = text.replace("{{ ipvlan_router }}", "10.0.0.1")
    sh("ip", "link", "add", "eth0", "type", "dummy")
    sh("ip", "link", "set", "eth0", "up")
    return yaml.safe_load(text), ["eth0"]


def molecule():
    with open(os.path.join(ROOT, "molecule/default/vars/main.yml")) as f:
        config = yaml.safe_load(f)["scenario_topology"]
    for port in config:
        sh("ip", "link", "add", port["master"], "type", "veth", "peer", "name", port["master"] + "-sw")
        sh("ip", "link", "set", port["master"] + "-sw", "up")
        sh("ip", "link", "set", port["master"], "up")
    return config, [p["master"] for p in config]


SOURCES = {
    "howto": ("docs/examples/howto.yml, master eth0 (a dummy device), router 10.0.0.1", howto),
    "molecule": ("molecule/default/vars/main.yml (scenario_topology), veth masters as in prepare.yml", molecule),
}


def main():
    out = os.environ.get("LAB_OUT", ".")
    kernel = os.uname().release
    for name, (source, make) in SOURCES.items():
        config, masters = make()
        done = run_module("ipvlan_topology", {"config": config})
        if done.get("failed"):
            raise SystemExit("%s: ipvlan_topology failed: %s" % (name, done.get("msg")))
        seen = run_module("ipvlan_info")
        if seen.get("failed"):
            raise SystemExit("%s: ipvlan_info failed: %s" % (name, seen.get("msg")))
        header = (
            "# What linuxnet.ipvlan.ipvlan_info returned (ports, namespaces,\n"
            "# unresolved) after ipvlan_topology converged\n#   %s\n"
            "# on Linux %s, %s, by tests/docs/gather_fixtures.py in the kernel lab.\n"
            % (source, kernel, datetime.date.today().isoformat()))
        result = {k: seen[k] for k in ("ports", "namespaces", "unresolved")}
        path = os.path.join(out, name + ".yml")
        with open(path, "w") as f:
            f.write("---\n" + header)
            yaml.safe_dump(result, f, sort_keys=False, default_flow_style=None, width=100)
        print("wrote %s" % path)
        for master in masters:
            sh("ip", "link", "del", master)
        for netns in seen["namespaces"]:
            sh("ip", "netns", "del", netns)


if __name__ == "__main__":
    main()
