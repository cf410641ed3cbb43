"""Persistence: what ipvlan_persist writes (natively, into a throwaway root)
and, on the lab kernel, a saved topology coming back from the unit's
ExecStart after every namespace and slave of it was removed."""

import io
import json
import os
import shlex
import stat
import subprocess
import sys
import time

import pytest

from harness import controller_tool, ip, ip_json, run_module, unique_name

from ansible_collections.linuxnet.ipvlan.plugins.module_utils.entry import boot
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model.errors import IpvlanError
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.resources import ipvlan_persist as persist
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.resources import saved_topology

UNIT = "etc/systemd/system/linuxnet-ipvlan@.service"


def tree(root):
    """{relative path: (type, mode, uid, link target)} of everything under root."""
    found = {}
    for base, dirs, files in os.walk(root):
        for name in dirs + files:
            path = os.path.join(base, name)
            info = os.lstat(path)
            kind = "l" if stat.S_ISLNK(info.st_mode) else "d" if stat.S_ISDIR(info.st_mode) else "f"
            found[os.path.relpath(path, root)] = (kind, info.st_mode & 0o7777, info.st_uid,
                                                  os.readlink(path) if kind == "l" else None)
    return found


@pytest.fixture
def node(tmp_path):
    """A throwaway node root with a Python at /usr/bin/python3."""
    root = tmp_path / "node"
    (root / "usr" / "bin").mkdir(parents=True)
    os.symlink(sys.executable, str(root / "usr" / "bin" / "python3"))
    for path in (tmp_path, root, root / "usr", root / "usr" / "bin"):
        os.chmod(str(path), 0o755)
    return str(root)


CONFIG = [{"master": "eth0", "mode": "l2", "links": [
    {"name": "ipvl0", "netns": "ns0", "addresses": ["10.0.0.10/24"], "mtu": "1400",
     "routes": [{"dst": "default", "gateway": "10.0.0.1"}]}]}]


def persist_module(root, check=False, **args):
    params = dict(root=root, config=CONFIG, topology_state="replaced")
    params.update(args)
    return run_module("ipvlan_persist", params, check=check)


@pytest.mark.root
def test_check_mode_apply_idempotence_verify_and_removal(node):
    empty = tree(node)
    check = persist_module(node, check=True)
    assert check["changed"] is True and "failed" not in check
    assert tree(node) == empty  # check mode wrote nothing
    assert "write /etc/linuxnet-ipvlan/default.json" in check["files"]
    assert [d["after_header"] for d in check["diff"]] == [
        "/etc/linuxnet-ipvlan/default.json", "/etc/systemd/system/linuxnet-ipvlan@.service",
        "/etc/systemd/system/linuxnet-ipvlan@default.service.d/masters.conf",
        "/usr/local/sbin/linuxnet-ipvlan-apply"]

    result = persist_module(node)
    assert result["changed"] is True and result["files"] == check["files"]
    files = tree(node)
    wants = "etc/systemd/system/multi-user.target.wants/linuxnet-ipvlan@default.service"
    assert files[wants] == ("l", 0o777, 0, "/etc/systemd/system/linuxnet-ipvlan@.service")
    assert files["usr/local/sbin/linuxnet-ipvlan-apply"] == ("f", 0o755, 0, None)
    for path, (kind, mode, uid, _target) in files.items():
        if path in empty or path == wants:
            continue
        assert (mode, uid) == ((0o755 if kind == "d" or path.endswith("-apply") else 0o644), 0), path
    engine = "usr/local/lib/linuxnet-ipvlan/ansible_collections/linuxnet/ipvlan/plugins/module_utils"
    # the engine's packages as laid out in module_utils, each with its __init__.py
    sources = persist.engine_sources()
    assert sorted(p[len(engine) + 1:] for p in files
                  if p.startswith(engine + "/") and files[p][0] == "f") == sorted(
        ["__init__.py"] + list(sources))
    assert "entry/boot.py" in sources and "ops/transaction.py" in sources
    # the file holds what the module's argument spec made of the config
    saved = json.load(open(os.path.join(node, "etc/linuxnet-ipvlan/default.json")))
    assert (saved["format"], saved["name"], saved["state"]) == (1, "default", "replaced")
    assert saved["config"][0]["links"][0]["mtu"] == 1400
    assert saved["config"][0]["links"][0]["routes"][0]["table"] == "main"

    verify = subprocess.run(["systemd-analyze", "--root=" + node, "verify",
                             "linuxnet-ipvlan@default.service"],
                            capture_output=True, text=True, check=False)
    assert (verify.returncode, verify.stdout + verify.stderr) == (0, "")

    # a stale engine file and package from an older version go (the flat
    # layout's plan.py, a package no longer used); then nothing to do
    os.mkdir(os.path.join(node, engine, "gone"))
    for stale in ("plan.py", "gone/__init__.py", "gone/old.py"):
        with open(os.path.join(node, engine, stale), "w") as handle:
            handle.write("")
    again = persist_module(node)
    assert sorted(again["files"]) == ["remove /%s/gone" % engine, "remove /%s/plan.py" % engine]
    assert not os.path.lexists(os.path.join(node, engine, "gone"))
    assert persist_module(node)["changed"] is False

    # a second topology shares the unit and engine; removing one keeps them
    assert persist_module(node, name="other")["changed"] is True
    before = tree(node)
    check = run_module("ipvlan_persist", {"root": node, "state": "absent"}, check=True)
    assert check["changed"] is True and tree(node) == before
    gone = run_module("ipvlan_persist", {"root": node, "state": "absent"})
    assert sorted(gone["files"]) == sorted([
        "remove /etc/linuxnet-ipvlan/default.json",
        "remove /" + wants,
        "remove /etc/systemd/system/linuxnet-ipvlan@default.service.d/masters.conf",
        "remove /etc/systemd/system/linuxnet-ipvlan@default.service.d"])
    assert set(before) - set(tree(node)) == set(p.lstrip("/") for p in (
        x.split(" ", 1)[1] for x in gone["files"]))
    last = run_module("ipvlan_persist", {"root": node, "state": "absent", "name": "other"})
    assert last["changed"] is True
    # nothing of the collection's left; the shared directories stay
    assert sorted(tree(node)) == sorted(set(empty) | {
        "etc", "etc/systemd", "etc/systemd/system", "etc/systemd/system/multi-user.target.wants",
        "usr/local", "usr/local/sbin", "usr/local/lib"})
    assert run_module("ipvlan_persist", {"root": node, "state": "absent"})["changed"] is False


@pytest.mark.root
def test_refused_before_anything_is_written(node):
    open_dir = os.path.join(node, "opt")
    os.mkdir(open_dir)
    os.chmod(open_dir, 0o777)  # writable by anyone, not sticky
    os.symlink(sys.executable, os.path.join(open_dir, "python3"))
    empty = tree(node)
    result = persist_module(node, python="/opt/python3")
    assert result.get("failed") and result["msg"].startswith("python:"), result
    assert "writable by group and others" in result["msg"]
    bad = persist_module(node, config=[{"master": "eth0", "links": [{"name": "x" * 16}]}])
    assert bad.get("failed") and bad["msg"].startswith("config[0].links[0].name:"), bad
    wrong = persist_module(node, config=[{"master": "eth0", "links": [{"name": "a", "mtu": "x"}]}])
    assert wrong.get("failed") and wrong["msg"].startswith("config:") and "mtu" in wrong["msg"]
    assert persist_module(node, name="../x").get("failed")
    assert tree(node) == empty


@pytest.mark.root
def test_boot_command_refuses_files_others_can_change(tmp_path):
    os.chmod(str(tmp_path), 0o755)
    path = tmp_path / "t.json"
    path.write_text(persist.topology_text("t", "merged", []))
    assert saved_topology.load(str(path))["config"] == []
    os.chmod(str(path), 0o664)
    with pytest.raises(IpvlanError, match="writable by its group"):
        saved_topology.load(str(path))
    os.chmod(str(path), 0o644)
    os.chown(str(path), 65534, 0)
    with pytest.raises(IpvlanError, match="owned by uid 65534"):
        saved_topology.load(str(path))
    os.chown(str(path), 0, 0)
    os.chmod(str(tmp_path), 0o757)
    with pytest.raises(IpvlanError, match="writable by others"):
        saved_topology.load(str(path))


@pytest.mark.root
def test_boot_command_reports_a_missing_master_and_converges_the_rest(tmp_path, make_veth):
    master = make_veth()
    os.chmod(str(tmp_path), 0o755)
    path = tmp_path / "t.json"
    config = [{"master": "nomaster0", "links": [{"name": "x0"}]},
              {"master": master, "links": []}]
    path.write_text(persist.topology_text("t", "merged", config))
    out, err = io.StringIO(), io.StringIO()
    assert boot.main([str(path)], out=out, err=err) == saved_topology.EXIT_PARTIAL
    assert out.getvalue().splitlines() == [
        "linuxnet-ipvlan-apply: topology %s, state merged" % path,
        "linuxnet-ipvlan-apply: nothing to change"]
    assert err.getvalue().splitlines()[0].startswith(
        "linuxnet-ipvlan-apply: config[0].master: ")
    assert "nomaster0" in err.getvalue() and "1 port(s) of 2 not set up" in err.getvalue()


@pytest.fixture
def private_root(tmp_path):
    """/etc and /usr/local writable for this test alone: overlays in the
    lab's private mount namespace (native mode), so the files go to their
    real paths and the host never sees them. The lab VM's are throwaway."""
    if os.environ.get("LAB_MODE") != "native":
        pytest.skip("needs the lab's native mode (a private mount namespace)")
    scratch = tmp_path / "overlay"
    scratch.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "tmpfs", str(scratch)], check=True)
    mounted = []
    try:
        for target in ("/etc", "/usr/local"):
            name = target.strip("/").replace("/", "-")
            upper, work = scratch / (name + "-upper"), scratch / (name + "-work")
            upper.mkdir()
            work.mkdir()
            subprocess.run(["mount", "-t", "overlay", "overlay", "-o", "lowerdir=%s,upperdir=%s,"
                            "workdir=%s" % (target, upper, work), target], check=True)
            mounted.append(target)
        yield
    finally:
        for target in reversed(mounted):
            subprocess.run(["umount", "-l", target], check=False)
        subprocess.run(["umount", "-l", str(scratch)], check=False)


@pytest.mark.root
def test_installed_command_runs_as_the_unit_would(private_root, make_veth):
    master = make_veth()
    saved = run_module("ipvlan_persist", {"name": "native", "config": [{"master": master}],
                                          "python": sys.executable})
    assert saved["changed"] is True and not saved.get("failed"), saved["msg"]
    # the command ran from /usr/local with the installed engine, before enabling
    assert saved.get("boot_check") == [
        "linuxnet-ipvlan-apply: topology /etc/linuxnet-ipvlan/native.json, state merged, "
        "check mode", "linuxnet-ipvlan-apply: nothing to change"]
    started = exec_start("native")
    assert (started.returncode, started.stdout.splitlines()[1:], started.stderr) == (
        0, ["linuxnet-ipvlan-apply: nothing to change"], "")
    os.chmod("/etc/linuxnet-ipvlan/native.json", 0o664)
    refused = exec_start("native")
    assert refused.returncode == 2 and "writable by its group" in refused.stderr, refused
    removed = run_module("ipvlan_persist", {"name": "native", "state": "absent"})
    assert removed["changed"] is True and not os.path.exists(persist.COMMAND)


# ------------------------------------------------------------ lab kernel


def view(namespaces, host_links):
    """What the topology is in the kernel, without what a recreation renews
    (ifindexes, counters, IPv6 link-local addresses and their routes)."""
    out = {"netns": sorted(set(ip("netns", "list").split()) & set(namespaces))}
    for netns in [None] + out["netns"]:
        links = {}
        for item in ip_json("link", "show", netns=netns):
            if netns is None and item["ifname"] not in host_links:
                continue
            info = item.get("linkinfo", {})
            data = info.get("info_data", {})
            links[item["ifname"]] = {
                "kind": info.get("info_kind"), "mode": data.get("mode"),
                "flags": sorted(k for k in ("bridge", "private", "vepa") if data.get(k)),
                "mtu": item["mtu"], "up": "UP" in item["flags"], "mac": item.get("address")}
        addrs = sorted((a["ifname"], x["local"], x["prefixlen"], x.get("scope"))
                       for a in ip_json("addr", "show", netns=netns) if a["ifname"] in links
                       for x in a.get("addr_info", []) if not x["local"].startswith("fe80:"))
        routes = sorted(json.dumps(dict(r, flags=None), sort_keys=True)  # linkdown: carrier
                        for r in ip_json("route", "show", "table", "all", netns=netns)
                        if r.get("dev") in links and "fe80" not in json.dumps(r))
        out[netns or "(host)"] = {"links": links, "addrs": addrs, "routes": routes}
    return out


def settled_view(namespaces, host_links, timeout=30):
    deadline = time.time() + timeout
    last = view(namespaces, host_links)
    while True:
        time.sleep(1)
        now = view(namespaces, host_links)
        if now == last:
            return now
        assert time.time() < deadline, "the kernel state did not settle"
        last = now


def exec_start(name):
    """The unit's ExecStart for instance `name`, as systemd would run it."""
    with open(os.path.join("/", UNIT)) as handle:
        line = [x for x in handle.read().splitlines() if x.startswith("ExecStart=")][0]
    argv = shlex.split(line.split("=", 1)[1].replace("%i", name).replace("%%", "%"))
    env = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin", "LANG": "C.UTF-8"}
    return subprocess.run(argv, env=env, cwd="/", stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, check=False)


@pytest.mark.ipvlan
def test_saved_topology_comes_back_from_the_unit(make_veth, track_netns):
    howto, other = make_veth(), make_veth()
    ns0, ns1, ns2 = unique_name("bn"), unique_name("bn"), unique_name("bn")
    for netns in (ns0, ns1, ns2):
        track_netns(netns)
    name = unique_name("t")
    config = [
        {"master": howto, "mode": "l2", "links": [
            {"name": "ipvl0", "netns": ns0, "addresses": ["10.0.0.10/24"],
             "routes": [{"dst": "default", "gateway": "10.0.0.1"}]},
            {"name": "ipvl1", "netns": ns1, "addresses": ["10.0.0.11/24"],
             "routes": [{"dst": "default", "gateway": "10.0.0.1"}]}]},
        {"master": other, "mode": "l3", "flags": "private", "links": [
            {"name": unique_name("h"), "addresses": ["10.40.0.1/32"]},
            {"name": "tap0", "kind": "ipvtap", "netns": ns2, "mtu": 1400,
             "addresses": ["10.40.0.2/24"], "routes": [{"dst": "10.41.0.0/24"}]}]}]
    host_links = {howto, other, config[1]["links"][0]["name"]}
    first = run_module("ipvlan_topology", {"config": config, "state": "replaced"})
    assert first.get("changed") is True, first

    saved = run_module("ipvlan_persist", {"name": name, "config": config,
                                          "topology_state": "overridden",
                                          "python": sys.executable})
    assert saved.get("changed") is True, saved
    # the installed command ran with --check before the unit was enabled
    assert saved["boot_check"][-1] == "linuxnet-ipvlan-apply: nothing to change", saved
    assert os.path.islink("/etc/systemd/system/multi-user.target.wants/" + saved["unit"])
    before = settled_view([ns0, ns1, ns2], host_links)

    # a clean kernel, as far as the topology goes
    for netns in (ns0, ns1, ns2):
        ip("netns", "del", netns)
    ip("link", "del", config[1]["links"][0]["name"])
    assert view([ns0, ns1, ns2], host_links)["netns"] == []

    started = exec_start(name)
    assert started.returncode == 0, started.stdout + started.stderr
    lines = started.stdout.splitlines()
    assert lines[0] == ("linuxnet-ipvlan-apply: topology /etc/linuxnet-ipvlan/%s.json, state "
                        "replaced (saved as overridden: at boot only the declared masters' "
                        "slaves are the topology's)" % name)
    assert lines[1:-1] == first["commands"]  # the plan, in the journal
    assert settled_view([ns0, ns1, ns2], host_links) == before
    ping = subprocess.run(["ip", "netns", "exec", ns0, "ping", "-c", "1", "-W", "2", "10.0.0.11"],
                          capture_output=True, text=True, check=False)
    assert ping.returncode == 0, ping.stdout + ping.stderr

    again = exec_start(name)
    assert (again.returncode, again.stdout.splitlines()[1:]) == (
        0, ["linuxnet-ipvlan-apply: nothing to change"]), again.stdout + again.stderr

    # a missing master fails the unit, naming it; the rest comes up
    broken = unique_name("t")
    ns3 = unique_name("bn")
    track_netns(ns3)
    with open("/etc/linuxnet-ipvlan/%s.json" % broken, "w") as handle:
        handle.write(persist.topology_text(broken, "merged", [
            {"master": "nomaster0", "links": [{"name": "lost0", "netns": ns3}]},
            {"master": howto, "mode": "l2", "links": [
                {"name": "ipvl3", "netns": ns3, "addresses": ["10.0.0.13/24"]}]}]))
    os.chmod("/etc/linuxnet-ipvlan/%s.json" % broken, 0o644)
    failed = exec_start(broken)
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "config[0].master:" in failed.stderr and "nomaster0" in failed.stderr
    assert "(host): add ipvlan ipvl3 link %s mode l2 bridge netns %s up" % (howto, ns3) \
        in failed.stdout
    assert [a for a in view([ns3], set())[ns3]["addrs"] if a[0] == "ipvl3"] == [
        ("ipvl3", "10.0.0.13", 24, "global")]  # lo has its own

    for instance in (broken, name):
        removed = run_module("ipvlan_persist", {"name": instance, "state": "absent"})
        assert removed.get("changed") is True, removed
    assert not os.path.exists("/etc/linuxnet-ipvlan/%s.json" % name)


@pytest.mark.root
def test_role_in_check_mode_reports_what_it_would_write(make_veth, tmp_path):
    """The role's persist and unpersist entry points, in check mode: this
    kernel's host is the real one, so nothing may be written."""
    master = make_veth()
    playbook = tmp_path / "persist.yml"
    playbook.write_text(json.dumps([{"hosts": "localhost", "gather_facts": False, "tasks": [
        {"ansible.builtin.include_role": {"name": "linuxnet.ipvlan.topology"},
         "vars": {"ipvlan_topology_config": [{"master": master}],
                  "ipvlan_topology_persist": True, "ipvlan_topology_persist_name": "rolecheck",
                  "ipvlan_topology_persist_python": sys.executable}},
        {"ansible.builtin.include_role": {"name": "linuxnet.ipvlan.topology",
                                          "tasks_from": "unpersist"},
         "vars": {"ipvlan_topology_persist_name": "rolecheck"}},
        {"ansible.builtin.copy": {"dest": str(tmp_path / "results.json"),
                                  "content": "{{ {'persisted': ipvlan_topology_persisted, "
                                             "'unpersisted': ipvlan_topology_unpersisted} "
                                             "| to_json }}"},
         "check_mode": False},
    ]}]))
    root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    env = dict(os.environ, ANSIBLE_COLLECTIONS_PATH=os.path.join(root, ".build"),
               ANSIBLE_NOCOLOR="1",
               ANSIBLE_LOCALHOST_WARNING="false", ANSIBLE_INVENTORY_UNPARSED_WARNING="false")
    before = os.path.exists("/etc/linuxnet-ipvlan/rolecheck.json")
    proc = subprocess.run([controller_tool("ansible-playbook"),
                           "--check", "-i", "localhost,", "-c", "local",
                           "-e", "ansible_python_interpreter=" + sys.executable, str(playbook)],
                          capture_output=True, text=True, env=env, check=False)
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr
    shown = json.loads((tmp_path / "results.json").read_text())
    persisted, unpersisted = shown["persisted"], shown["unpersisted"]
    assert persisted["changed"] is True and persisted["unit"] == "linuxnet-ipvlan@rolecheck.service"
    assert "write /etc/linuxnet-ipvlan/rolecheck.json" in persisted["files"]
    assert unpersisted["changed"] is before  # nothing saved under that name: nothing to remove
    assert not os.path.exists("/etc/linuxnet-ipvlan/rolecheck.json")
