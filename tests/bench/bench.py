"""The benchmark's inside part: runs as root in the kernel lab (tests/lab/run),
started by tests/bench/run. For one N it builds the kernel HOWTO topology
scaled to N namespaces (each: a namespace, an L2 ipvlan slave of one dummy
master moved into it, lo up, one address, a default route), each method
from a clean kernel and checked afterwards:

  shell           tests/bench/howto.sh: the HOWTO's iproute2 commands (the
                  reference)
  role            tests/bench/topology.yml with ansible-playbook: the
                  topology role (one ipvlan_topology task), first converge,
                  then a no-op re-run
  task            tests/bench/task.yml: the same without the role, the
                  ipvlan_topology task alone
  ping            tests/bench/ping.yml: one ansible.builtin.ping task, run as
                  the playbooks above are (Ansible's fixed cost, the floor
                  a no-op run of the role is compared with)
  objects         tests/bench/objects.yml with ansible-playbook: one task per
                  kind of object, the single-object modules in loops
  module          ipvlan_topology in-process (tests/bench/module_run.py),
                  first converge and no-op in one process: the module's own
                  cost without Ansible, imports shown apart
  profile         the same under cProfile (profile-N-*.txt)
  objects_inproc  method 3's module runs in one process

and writes $LAB_OUT/results-N.json (tests/bench/report.py prints the table).
Wall times are measured around whole processes; peak memory is ru_maxrss
from wait4() (the largest process of the tree), for module processes under
Ansible /usr/bin/time's %M (tests/bench/interp), in-process the runner's own.

Nothing here judges the times: the only failures are a method that fails or
does not build the topology, and a kernel that does not come back clean.
"""

import argparse
import json
import os
import re
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
VENV = os.path.join(ROOT, ".venv", "bin")
MASTER = "bench0"
GATEWAY = "10.1.0.1"
NETNS_DIR = "/run/netns"


def log(text):
    sys.stderr.write("bench: %s\n" % text)
    sys.stderr.flush()


def links(n):
    """The N links in ipvlan_topology's shape (bench_links)."""
    result = []
    for i in range(n):
        x = i + 10
        result.append({"name": "bipvl%d" % i, "netns": "bns%d" % i,
                       "addresses": ["10.1.%d.%d/16" % (x // 256, x % 256)],
                       "routes": [{"dst": "default", "gateway": GATEWAY}]})
    return result


# ------------------------------------------------------------------ processes


def timed(cmd, logfile, env=None):
    """Run cmd with output to logfile; wall time and the peak RSS of the
    largest process in its tree (wait4 rusage covers waited-for
    descendants)."""
    with open(logfile, "ab") as out:
        out.write(("\n$ %s\n" % " ".join(cmd)).encode())
        out.flush()
        start = time.monotonic()
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env,
                                stdin=subprocess.DEVNULL)
        status, usage = os.wait4(proc.pid, 0)[1:]
        wall = time.monotonic() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    return {"wall_s": round(wall, 2), "tree_maxrss_kb": usage.ru_maxrss,
            "rc": proc.returncode}


def sh(*cmd, check=True):
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if check and proc.returncode != 0:
        raise SystemExit("bench: %s failed: %s" % (" ".join(cmd), proc.stderr.strip()))
    return proc.stdout


# ------------------------------------------------------------- clean kernel


def cpu_idle_fraction(seconds):
    def sample():
        with open("/proc/stat") as handle:
            fields = [int(x) for x in handle.readline().split()[1:]]
        return fields[3] + fields[4], sum(fields)
    idle0, total0 = sample()
    time.sleep(seconds)
    idle1, total1 = sample()
    return (idle1 - idle0) / max(1, total1 - total0)


def clean():
    """Delete the master (which deletes all its slaves, in every namespace)
    and every named namespace; check that nothing is left; then wait until
    the kernel has torn the namespaces down, i.e. until the guest's CPUs are
    idle for two seconds in a row (namespaces are destroyed asynchronously,
    by a kernel worker, and that work would otherwise land in the next
    measurement). Returns the seconds it took."""
    start = time.monotonic()
    sh("ip", "link", "del", MASTER, check=False)
    sh("ip", "-all", "netns", "delete", check=False)
    left = [n for n in os.listdir(NETNS_DIR) if not n.startswith(".")]
    if left:
        raise SystemExit("bench: namespaces left after cleanup: %s" % left[:5])
    slaves = sh("ip", "-o", "link", "show", "type", "ipvlan").strip()
    if slaves or sh("ip", "-o", "link", "show", "dev", MASTER, check=False).strip():
        raise SystemExit("bench: links left after cleanup:\n%s" % slaves)
    quiet = 0
    while quiet < 2:
        if time.monotonic() - start > 300:
            raise SystemExit("bench: the guest is still busy 300 s after cleanup")
        quiet = quiet + 1 if cpu_idle_fraction(1.0) > 0.9 else 0
    return round(time.monotonic() - start, 1)


def add_master():
    sh("ip", "link", "add", MASTER, "type", "dummy")
    sh("ip", "link", "set", MASTER, "up")


def verify(n):
    """The topology is there: N namespaces, and in the first, middle and
    last one the slave (ipvlan l2, up, its address), lo up, the default route."""
    names = sorted(x for x in os.listdir(NETNS_DIR) if not x.startswith("."))
    if len(names) != n:
        return "%d namespaces, expected %d" % (len(names), n)
    want = links(n)
    for i in sorted(set([0, n // 2, n - 1])):
        link = want[i]
        ns, dev = link["netns"], link["name"]
        shown = dict((x["ifname"], x) for x in
                     json.loads(sh("ip", "-n", ns, "-d", "-j", "addr", "show")))
        slave, lo = shown.get(dev), shown.get("lo")
        if slave is None or "UP" not in slave["flags"]:
            return "%s: %s missing or down" % (ns, dev)
        info = slave.get("linkinfo", {})
        if info.get("info_kind") != "ipvlan" or info.get("info_data", {}).get("mode") != "l2":
            return "%s: %s is not an l2 ipvlan: %s" % (ns, dev, info)
        have = ["%s/%s" % (a["local"], a["prefixlen"]) for a in slave.get("addr_info", [])
                if a.get("family") == "inet"]
        if have != link["addresses"]:
            return "%s: %s has %s" % (ns, dev, have)
        if lo is None or "UP" not in lo["flags"]:
            return "%s: lo is not up" % ns
        routes = json.loads(sh("ip", "-n", ns, "-j", "route", "show", "default"))
        if [(r.get("gateway"), r.get("dev")) for r in routes] != [(GATEWAY, dev)]:
            return "%s: default routes %s" % (ns, routes)
    return None


# ------------------------------------------------------------------ methods

MODLOG_LINE = re.compile(r"^([0-9.]+) ([0-9]+) .*AnsiballZ_(\w+)\.py")


def module_runs(path):
    """The module processes /usr/bin/time logged: {module: [count, wall, max
    rss]} and totals."""
    per = {}
    total, peak, count = 0.0, 0, 0
    if os.path.exists(path):
        with open(path) as handle:
            for line in handle:
                found = MODLOG_LINE.match(line)
                if not found:
                    continue
                wall, rss, name = float(found.group(1)), int(found.group(2)), found.group(3)
                entry = per.setdefault(name, {"runs": 0, "wall_s": 0.0, "maxrss_kb": 0})
                entry["runs"] += 1
                entry["wall_s"] = round(entry["wall_s"] + wall, 2)
                entry["maxrss_kb"] = max(entry["maxrss_kb"], rss)
                total += wall
                peak = max(peak, rss)
                count += 1
    return {"runs": count, "wall_s": round(total, 2), "maxrss_kb": peak, "by_module": per}


def task_times(path, started, ended):
    """What tests/bench/callback_plugins/bench_timer.py logged, as phases:
    start-up (process start to playbook start), each task (its start to its
    last result or item), the end (playbook end to process exit)."""
    events = []
    if os.path.exists(path):
        with open(path) as handle:
            events = [json.loads(line) for line in handle if line.strip()]
    starts = [e["t"] for e in events if e["event"] == "playbook_start"]
    ends = [e["t"] for e in events if e["event"] == "playbook_end"]
    tasks = []
    for event in events:
        if event["event"] == "task_start":
            tasks.append([event["task"].split(" : ")[-1], event["t"], event["t"], 0])
        elif event["event"] in ("result", "item") and tasks:
            tasks[-1][2] = event["t"]
            tasks[-1][3] += event["event"] == "item"
    return {"startup_s": round(starts[0] - started, 2) if starts else None,
            "exit_s": round(ended - ends[-1], 2) if ends else None,
            "tasks": [{"task": name, "s": round(end - begin, 2), "items": items}
                      for name, begin, end, items in tasks]}


def ansible_env(modlog, tasklog):
    env = dict(os.environ)
    env.update({
        "ANSIBLE_CALLBACK_PLUGINS": os.path.join(HERE, "callback_plugins"),
        "ANSIBLE_CALLBACKS_ENABLED": "bench_timer",
        "BENCH_TASKLOG": tasklog,
        "ANSIBLE_COLLECTIONS_PATH": os.path.join(ROOT, ".build"),
        "ANSIBLE_LOCAL_TEMP": "/tmp/ansible-local",
        "ANSIBLE_REMOTE_TEMP": "/tmp/ansible-remote",
        "ANSIBLE_RETRY_FILES_ENABLED": "0",
        "ANSIBLE_NOCOLOR": "1",
        "ANSIBLE_STDOUT_CALLBACK": "default",
        "BENCH_MODLOG": modlog,
    })
    return env


class Bench(object):
    def __init__(self, out, n):
        self.out = out
        self.n = n
        self.vars = os.path.join(out, "vars-%d.json" % n)
        with open(self.vars, "w") as handle:
            json.dump({"bench_master": MASTER, "bench_links": links(n)}, handle)
        self.logfile = os.path.join(out, "log-%d.txt" % n)
        self.step = 0

    def fresh(self):
        waited = clean()
        add_master()
        return waited

    def check(self, what, result):
        if result["rc"] != 0:
            raise SystemExit("bench: %s failed (exit %d), see %s"
                             % (what, result["rc"], self.logfile))
        problem = verify(self.n)
        if problem:
            raise SystemExit("bench: %s did not build the topology: %s" % (what, problem))

    def playbook(self, name, what):
        self.step += 1
        modlog = os.path.join(self.out, "modlog-%d-%d.txt" % (self.n, self.step))
        tasklog = os.path.join(self.out, "tasklog-%d-%d.txt" % (self.n, self.step))
        cmd = [os.path.join(VENV, "ansible-playbook"), "-i", "localhost,", "-c", "local",
               "-e", "ansible_python_interpreter=%s" % os.path.join(HERE, "interp"),
               "-e", "@" + self.vars, os.path.join(HERE, name)]
        start = os.path.getsize(self.logfile) if os.path.exists(self.logfile) else 0
        started = time.time()
        result = timed(cmd, self.logfile, env=ansible_env(modlog, tasklog))
        result["phases"] = task_times(tasklog, started, time.time())
        with open(self.logfile) as handle:
            handle.seek(start)
            text = handle.read()
        recap = re.findall(r"ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)", text)
        result["changed_tasks"] = int(recap[-1][1]) if recap else None
        result["modules"] = module_runs(modlog)
        phases = result["phases"]
        log("%s N=%d: %.1f s (modules %.1f s in %d runs, peak %d MB; start-up %s s, %s, end %s s)"
            % (what, self.n, result["wall_s"], result["modules"]["wall_s"],
               result["modules"]["runs"], result["modules"]["maxrss_kb"] // 1024,
               phases["startup_s"], ", ".join("%s %.1f s" % (t["task"][:30], t["s"])
                                              for t in phases["tasks"]), phases["exit_s"]))
        return result

    def shell(self):
        waited = self.fresh()
        result = timed(["/bin/sh", os.path.join(HERE, "howto.sh"), str(self.n), MASTER],
                       self.logfile)
        self.check("the shell script", result)
        result["settle_s"] = waited
        result["processes"] = 7 * self.n
        log("shell N=%d: %.1f s" % (self.n, result["wall_s"]))
        return result

    def _converge_twice(self, playbook, what):
        waited = self.fresh()
        first = self.playbook(playbook, what + ", first converge")
        self.check(what + ", first converge", first)
        if first["changed_tasks"] != 1:
            raise SystemExit("bench: %s, first converge reported changed=%s"
                             % (what, first["changed_tasks"]))
        first["settle_s"] = waited
        again = self.playbook(playbook, what + ", no-op re-run")
        self.check(what + ", re-run", again)
        if again["changed_tasks"] != 0:
            raise SystemExit("bench: %s, re-run changed something (changed=%s)"
                             % (what, again["changed_tasks"]))
        return {"first": first, "noop": again}

    def role(self):
        """Method 2: the topology role, first converge and no-op re-run."""
        return self._converge_twice("topology.yml", "role")

    def task(self):
        """Method 2 without the role: the ipvlan_topology task alone."""
        return self._converge_twice("task.yml", "task")

    def ping(self):
        """The floor: a one-task ansible.builtin.ping playbook."""
        result = self.playbook("ping.yml", "ping")
        if result["rc"] != 0 or result["changed_tasks"] != 0:
            raise SystemExit("bench: the ping playbook failed (exit %d, changed=%s), see %s"
                             % (result["rc"], result["changed_tasks"], self.logfile))
        return result

    def objects(self):
        waited = self.fresh()
        result = self.playbook("objects.yml", "objects")
        self.check("the single-object playbook", result)
        result["settle_s"] = waited
        return result

    def _in_process(self, steps, what, profile=False):
        """tests/bench/module_run.py with `steps`, from a clean kernel."""
        self.step += 1
        name = "steps-%d-%d" % (self.n, self.step)
        path = os.path.join(self.out, name + ".json")
        out = os.path.join(self.out, name + "-out.json")
        with open(path, "w") as handle:
            json.dump(steps, handle)
        waited = self.fresh()
        cmd = [os.path.join(VENV, "python"), os.path.join(HERE, "module_run.py"), path, out]
        if profile:
            cmd += ["--profile", os.path.join(self.out, "profile-%d" % self.n)]
        result = timed(cmd, self.logfile)
        if not os.path.exists(out):
            raise SystemExit("bench: %s wrote no result (exit %d), see %s"
                             % (what, result["rc"], self.logfile))
        with open(out) as handle:
            result.update(json.load(handle))
        for step in result["steps"]:
            if step["failed"]:
                raise SystemExit("bench: %s, %s failed: %s" % (what, step["label"], step["msg"]))
        problem = verify(self.n)
        if problem:
            raise SystemExit("bench: %s did not build the topology: %s" % (what, problem))
        result["settle_s"] = waited
        log("%s N=%d: %.1f s (import %.1f s, %s; peak %d MB)"
            % (what, self.n, result["wall_s"], result["import_s"],
               ", ".join("%s %.1f s" % (x["label"], x["s"]) for x in result["steps"]),
               result["maxrss_kb"] // 1024))
        return result

    def _topology_steps(self):
        args = {"config": [{"master": MASTER, "mode": "l2", "flags": "bridge",
                            "links": links(self.n)}], "state": "merged"}
        return [{"label": "first", "module": "ipvlan_topology", "args": args},
                {"label": "noop", "module": "ipvlan_topology", "args": args}]

    def _check_topology_steps(self, result):
        first, noop = result["steps"]
        if not first["changed"] or noop["changed"]:
            raise SystemExit("bench: in-process ipvlan_topology: changed %s then %s"
                             % (first["changed"], noop["changed"]))

    def module(self):
        """ipvlan_topology in-process, without Ansible: first converge and
        no-op in one process (so imports are paid once and shown apart)."""
        result = self._in_process(self._topology_steps(), "module in-process")
        self._check_topology_steps(result)
        return result

    def profile(self):
        """The same under cProfile (times inflated by the profiler)."""
        result = self._in_process(self._topology_steps(), "module under cProfile",
                                  profile=True)
        self._check_topology_steps(result)
        return result

    def objects_inproc(self):
        """Method 3's module runs in one process, in the playbook's order
        (without Ansible's per-task and per-process costs)."""
        steps = []
        want = links(self.n)
        for link in want:
            steps.append({"label": "objects", "module": "netns", "args": {"name": link["netns"]}})
        for link in want:
            steps.append({"label": "objects", "module": "ipvlan_link",
                          "args": {"name": link["name"], "parent": MASTER,
                                   "netns": link["netns"], "mode": "l2", "flags": "bridge"}})
        for link in want:
            steps.append({"label": "objects", "exec": ["ip", "-n", link["netns"], "link", "set",
                                                       "dev", "lo", "up"]})
        for link in want:
            steps.append({"label": "objects", "module": "ip_address",
                          "args": {"dev": link["name"], "netns": link["netns"],
                                   "addresses": link["addresses"]}})
        for link in want:
            steps.append({"label": "objects", "module": "ip_route",
                          "args": {"dst": "default", "gateway": GATEWAY, "dev": link["name"],
                                   "netns": link["netns"]}})
        return self._in_process(steps, "objects in-process")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", type=int, required=True)
    parser.add_argument("--methods", default="shell,role,task,ping,module,profile",
                        help="comma-separated: shell, role, task, ping, objects "
                             "(ansible-playbook), module, profile, objects_inproc "
                             "(in-process)")
    opts = parser.parse_args()
    out = os.environ.get("LAB_OUT") or "/tmp"
    if os.environ.get("LAB_MODE") is None:
        raise SystemExit("bench: run me through tests/bench/run (in the kernel lab)")
    bench = Bench(out, opts.n)
    methods = opts.methods.split(",")
    results = {"n": opts.n, "kernel": os.environ.get("LAB_KERNEL"),
               "lab_mode": os.environ.get("LAB_MODE"), "cpus": os.cpu_count(),
               "started": time.strftime("%Y-%m-%d %H:%M:%S"), "methods": {}}
    path = os.path.join(out, "results-%d.json" % opts.n)
    started = time.monotonic()
    for method in methods:
        results["methods"][method] = getattr(bench, method)()
        with open(path, "w") as handle:  # partial results survive a later failure
            json.dump(results, handle, indent=1)
    results["cleanup_s"] = clean()
    results["total_s"] = round(time.monotonic() - started, 1)
    with open(path, "w") as handle:
        json.dump(results, handle, indent=1)
    log("N=%d done in %.0f s: %s" % (opts.n, results["total_s"], path))


if __name__ == "__main__":
    main()
