"""Run modules of the collection in this process, as Ansible would run each
of them (tests/harness.py run_module), one step after the other, and write
what each cost:

    module_run.py STEPS.json OUT.json [--profile PREFIX] [--top N]

STEPS.json is a list of steps, each {"label": ..., "module": NAME, "args":
{...}} or {"label": ..., "exec": [ARGV...]} (a command, e.g. `ip`, run as
Ansible's command module would: as a process). Consecutive steps with the
same label are timed together. OUT.json gets {"import_s", "maxrss_kb",
"steps": [{"label", "s", "runs", "changed", "commands", "failed", "msg"}]}:
import_s is the time to import ansible.module_utils.basic and the modules
(with pyroute2), paid once here and once per module run under Ansible; s is
the time of the step's main() calls; maxrss_kb is this process's peak
resident set (ru_maxrss).

With --profile, each label's steps run under cProfile; the stats go to
PREFIX-LABEL.prof and the top entries (by own and by cumulative time) to
PREFIX-LABEL.txt.
"""

import argparse
import importlib
import io
import json
import os
import resource
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path[:0] = [os.path.join(ROOT, ".build"), os.path.join(ROOT, "tests")]
PACKAGE = "ansible_collections.linuxnet.ipvlan.plugins.modules."


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("steps")
    parser.add_argument("out")
    parser.add_argument("--profile")
    parser.add_argument("--top", type=int, default=40)
    opts = parser.parse_args()
    with open(opts.steps) as handle:
        steps = json.load(handle)

    start = time.monotonic()
    import ansible.module_utils.basic  # noqa: F401  (what every module run pays)
    for name in sorted(set(s["module"] for s in steps if "module" in s)):
        importlib.import_module(PACKAGE + name)
    from harness import run_module
    report = {"import_s": round(time.monotonic() - start, 3), "steps": []}

    groups = []
    for step in steps:
        if groups and groups[-1][0] == step["label"]:
            groups[-1][1].append(step)
        else:
            groups.append((step["label"], [step]))
    failed = False
    for label, members in groups:
        profiler = None
        if opts.profile:
            import cProfile
            profiler = cProfile.Profile()
        entry = {"label": label, "runs": 0, "changed": False, "commands": 0, "failed": False,
                 "msg": None}
        began = time.monotonic()
        if profiler is not None:
            profiler.enable()
        for step in members:
            entry["runs"] += 1
            if "exec" in step:
                proc = subprocess.run(step["exec"], capture_output=True, text=True, check=False)
                if proc.returncode != 0:
                    entry.update(failed=True, msg="%s: %s" % (" ".join(step["exec"]),
                                                              proc.stderr.strip()))
                continue
            result = run_module(step["module"], step["args"], diff=False)
            entry["changed"] = entry["changed"] or bool(result.get("changed"))
            entry["commands"] += len(result.get("commands") or [])
            if result.get("failed"):
                entry.update(failed=True, msg="%s: %s" % (step["module"], result.get("msg")))
        if profiler is not None:
            profiler.disable()
        entry["s"] = round(time.monotonic() - began, 3)
        if profiler is not None:
            _report(profiler, "%s-%s" % (opts.profile, label), opts.top)
        report["steps"].append(entry)
        failed = failed or entry["failed"]
        if failed:
            break
    report["maxrss_kb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    with open(opts.out, "w") as handle:
        json.dump(report, handle, indent=1)
    return 1 if failed else 0


def _report(profiler, prefix, top):
    import pstats
    profiler.dump_stats(prefix + ".prof")
    out = io.StringIO()
    stats = pstats.Stats(profiler, stream=out)
    stats.strip_dirs()
    out.write("=== by own time (tottime)\n")
    stats.sort_stats("tottime").print_stats(top)
    out.write("=== by cumulative time\n")
    stats.sort_stats("cumulative").print_stats(top)
    with open(prefix + ".txt", "w") as handle:
        handle.write(out.getvalue())


if __name__ == "__main__":
    sys.exit(main())
