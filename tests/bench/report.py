"""Print the benchmark's tables from the results-N.json files that
tests/bench/bench.py wrote into one directory:

    report.py DIR

Times are wall seconds in the lab VM. Nothing is judged here: it prints.
"""

import glob
import json
import os
import sys


def load(directory):
    runs = {}
    for path in glob.glob(os.path.join(directory, "results-*.json")):
        with open(path) as handle:
            data = json.load(handle)
        runs[data["n"]] = data
    return runs


def get(run, *keys):
    for key in keys:
        if isinstance(key, int):
            if not isinstance(run, list) or len(run) <= key:
                return None
        elif not isinstance(run, dict) or key not in run:
            return None
        run = run[key]
    return run


def mb(kb):
    return "%.0f MB" % (kb / 1024.0) if kb else "-"


def sec(value):
    if value is None:
        return "-"
    return "%.0f s" % value if value >= 100 else "%.1f s" % value


def ratio(a, b):
    return "%.2f" % (a / float(b)) if a is not None and b else "-"


def step(run, method, label):
    for entry in get(run, "methods", method, "steps") or []:
        if entry["label"] == label:
            return entry
    return None


def objects_estimate(runs, n):
    """Method 3 at n from the largest N it ran at, N0: the part of its time
    that does not grow with N (ansible-playbook's start-up and end, as the
    benchmark's callback measured them) kept, the rest scaled by n/N0. An
    estimate, not a measurement."""
    measured = [k for k in runs if get(runs[k], "methods", "objects", "wall_s")]
    if not measured:
        return None, None
    base = max(measured)
    run = runs[base]["methods"]["objects"]
    fixed = (get(run, "phases", "startup_s") or 0) + (get(run, "phases", "exit_s") or 0)
    return fixed + (run["wall_s"] - fixed) * n / float(base), base


def main(directory):
    runs = load(directory)
    if not runs:
        raise SystemExit("report: no results-*.json in %s" % directory)
    sizes = sorted(runs)
    head = runs[sizes[0]]
    w = ["HOWTO topology scaled to N namespaces; kernel %s, lab %s, %s CPUs; results in %s"
         % (head.get("kernel"), head.get("lab_mode"), head.get("cpus"), directory)]
    extrapolated = False

    def wall(run, *keys):
        return get(run, "methods", *(keys + ("wall_s",)))

    playbooks = [n for n in sizes if any(get(runs[n], "methods", k) for k in
                                         ("role", "task", "objects", "ping"))]
    if playbooks:
        w += ["", "End to end, wall time: `sh howto.sh` (1) against `ansible-playbook` with "
                  "connection local in the VM, its start-up included: the topology role (2), "
                  "the ipvlan_topology task without the role (2t), one task per object (3).", "",
              "| N | 1 shell | 2 role first | 2 role no-op | 2t task first | 2t task no-op "
              "| 3 task per object | ping (one task) |",
              "|---|---|---|---|---|---|---|---|"]
        thirds = {}
        for n in playbooks:
            run = runs[n]
            objects = wall(run, "objects")
            cell, thirds[n] = sec(objects), objects
            if objects is None:
                estimate, base = objects_estimate(runs, n)
                if estimate is not None:
                    extrapolated = True
                    cell = "not run: ~%s estimated from N=%d" % (sec(estimate), base)
                    thirds[n] = estimate
                else:
                    cell = "not run"
            w.append("| %d | %s | %s | %s | %s | %s | %s | %s |"
                     % (n, sec(wall(run, "shell")), sec(wall(run, "role", "first")),
                        sec(wall(run, "role", "noop")), sec(wall(run, "task", "first")),
                        sec(wall(run, "task", "noop")), cell, sec(wall(run, "ping"))))
        w += ["", "Ratios (issue 11's targets: 2/1 <= 1.0 at N=100 and <= 0.3 at N=400; "
                  "2 no-op / ping <= 1.3 at N=100):", "",
              "| N | 2/1 | 2t/1 | 2 no-op/first | 2t no-op/first | 2 no-op/ping | 3/2 | 3/2t |",
              "|---|---|---|---|---|---|---|---|"]
        for n in playbooks:
            run = runs[n]
            est = "" if wall(run, "objects") is not None else " (est.)"
            w.append("| %d | %s | %s | %s | %s | %s | %s | %s |"
                     % (n, ratio(wall(run, "role", "first"), wall(run, "shell")),
                        ratio(wall(run, "task", "first"), wall(run, "shell")),
                        ratio(wall(run, "role", "noop"), wall(run, "role", "first")),
                        ratio(wall(run, "task", "noop"), wall(run, "task", "first")),
                        ratio(wall(run, "role", "noop"), wall(run, "ping")),
                        ratio(thirds[n], wall(run, "role", "first")) + est,
                        ratio(thirds[n], wall(run, "task", "first")) + est))

        w += ["", "Module processes under Ansible (/usr/bin/time around each: interpreter "
                  "start, imports, the module's work) and peak memory:", "",
              "| N | 1 shell | 2 module first | 2 module no-op | 3 modules: sum (runs, each) "
              "| 2m/1 | 2m no-op/first | peak RSS: ipvlan_topology / 3's modules / ip / "
              "ansible-playbook tree |",
              "|---|---|---|---|---|---|---|---|"]
        for n in playbooks:
            run = runs[n]
            variant = "role" if get(run, "methods", "role", "first", "modules") else "task"
            first = get(run, "methods", variant, "first", "modules")
            noop = get(run, "methods", variant, "noop", "modules")
            objects = get(run, "methods", "objects", "modules")
            peak = max([get(run, "methods", v, p, "modules", "maxrss_kb") or 0
                        for v in ("role", "task") for p in ("first", "noop")])
            tree = max([get(run, "methods", v, p, "tree_maxrss_kb") or 0
                        for v in ("role", "task") for p in ("first", "noop")]
                       + [get(run, "methods", "objects", "tree_maxrss_kb") or 0])
            third = "not run"
            if objects:
                third = "%s (%d, %s)" % (sec(objects["wall_s"]), objects["runs"],
                                         sec(objects["wall_s"] / max(1, objects["runs"])))
            w.append("| %d | %s | %s | %s | %s | %s | %s | %s / %s / %s / %s |"
                     % (n, sec(wall(run, "shell")), sec(get(first, "wall_s")),
                        sec(get(noop, "wall_s")), third,
                        ratio(get(first, "wall_s"), wall(run, "shell")),
                        ratio(get(noop, "wall_s"), get(first, "wall_s")), mb(peak),
                        mb(get(objects, "maxrss_kb")),
                        mb(get(run, "methods", "shell", "tree_maxrss_kb")), mb(tree)))

    anatomy = [(n, name, get(runs[n], "methods", *keys)) for n in sizes
               for name, keys in (("2 first", ("role", "first")), ("2 no-op", ("role", "noop")),
                                  ("2t first", ("task", "first")),
                                  ("2t no-op", ("task", "noop")), ("3", ("objects",)),
                                  ("ping", ("ping",)))
               if get(runs[n], "methods", *(keys + ("phases", "tasks")))]
    if anatomy:
        w += ["", "Where an ansible-playbook run's time goes (tests/bench/callback_plugins/"
                  "bench_timer.py; a task's time includes its module processes):", "",
              "| N | run | total | start-up | tasks: time (loop items) | end |",
              "|---|---|---|---|---|---|"]
        for n, name, run in anatomy:
            phases = run["phases"]
            tasks = "; ".join("%s: %s%s" % (t["task"], sec(t["s"]),
                                            " (%d items)" % t["items"] if t["items"] else "")
                              for t in phases["tasks"])
            w.append("| %d | %s | %s | %s | %s | %s |"
                     % (n, name, sec(run["wall_s"]), sec(phases["startup_s"]), tasks,
                        sec(phases["exit_s"])))

    in_process = [n for n in sizes if get(runs[n], "methods", "module")
                  or get(runs[n], "methods", "objects_inproc")]
    if in_process:
        w += ["", "In-process, without Ansible (tests/bench/module_run.py: the imports once, "
                  "then main() per module run):", "",
              "| N | 1 shell | imports | 2 first: main() | 2 no-op: main() | 2 process total "
              "| 3 all runs: main() | 2 first main()/1 | 2 no-op/first main() "
              "| 2 process/1 | peak RSS: 2 / 3 |",
              "|---|---|---|---|---|---|---|---|---|---|---|"]
        for n in in_process:
            run = runs[n]
            module = get(run, "methods", "module")
            first, noop = step(run, "module", "first"), step(run, "module", "noop")
            objects = step(run, "objects_inproc", "objects")
            imports = get(module, "import_s") or get(run, "methods", "objects_inproc", "import_s")
            w.append("| %d | %s | %s | %s | %s | %s | %s | %s | %s | %s | %s / %s |"
                     % (n, sec(wall(run, "shell")), sec(imports), sec(get(first, "s")),
                        sec(get(noop, "s")), sec(get(module, "wall_s")),
                        "%s (%d runs)" % (sec(objects["s"]), objects["runs"]) if objects else "-",
                        ratio(get(first, "s"), wall(run, "shell")),
                        ratio(get(noop, "s"), get(first, "s")),
                        ratio(get(module, "wall_s"), wall(run, "shell")),
                        mb(get(module, "maxrss_kb")),
                        mb(get(run, "methods", "objects_inproc", "maxrss_kb"))))

    if 100 in runs and 400 in runs:
        w += ["", "Growth from N=100 to N=400 (time at 400 / time at 100; linear is 4.0, "
                  "target <= 4.4):", ""]
        rows = [("1 shell", ("methods", "shell", "wall_s")),
                ("2 role first, end to end", ("methods", "role", "first", "wall_s")),
                ("2t task first, end to end", ("methods", "task", "first", "wall_s")),
                ("2t task no-op, end to end", ("methods", "task", "noop", "wall_s")),
                ("ipvlan_topology process, first", ("methods", "task", "first", "modules",
                                                    "wall_s")),
                ("ipvlan_topology process, no-op", ("methods", "task", "noop", "modules",
                                                    "wall_s")),
                ("in-process main(), first", ("methods", "module", "steps", 0, "s")),
                ("in-process main(), no-op", ("methods", "module", "steps", 1, "s"))]
        for label, keys in rows:
            w.append("- %s: %s" % (label, ratio(get(runs[400], *keys), get(runs[100], *keys))))
    if extrapolated:
        w += ["", "Method 3 where not run is an estimate, not a measurement: its time at the "
                  "largest N it ran at, with ansible-playbook's start-up and end kept and the "
                  "rest scaled linearly with N (5 module runs per namespace)."]
    print("\n".join(w))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else ".")
