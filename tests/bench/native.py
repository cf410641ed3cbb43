"""The native benchmark: reading many namespaces on this machine's kernel,
no VM and no ipvlan needed (started by tests/bench/native, inside
`tests/lab/run --native`: a private network namespace and /run/netns).

For each N it builds N namespaces in pairs joined by a veth (each: lo up,
one veth end up with an IPv4 address and its IPv6 link-local one, a default
route; 2 links, 4 addresses and 11 routes a namespace, most routes in the
local table), then measures, each in a fresh interpreter (so that the peak
memory is that N's):

  info      ipvlan_info main() in-process over every namespace (imports paid
            before the clock starts), best of --repeat runs
  by kind   what ipvlan_info reads of every namespace when each holds a
            slave, with veth standing in for ipvlan (this kernel has no
            ipvlan, so the kernel does not filter an ipvlan dump, which tells
            that none exist: `info` decodes no link here): the links of one
            kind by a dump the kernel filters, the loopback, their
            addresses and configured routes (facts/gather.read_namespace), best of
            --repeat runs
  read      every namespace's links, addresses and routes read and decoded
            whole through the driver (what ipvlan_topology's read costs),
            best of --repeat runs
  ipr       with --transports, for N <= 400: the same three dumps through
            pyroute2's IPRoute made inside each namespace (setns), decoded
            by pyroute2 (what the driver's own socket is measured against)
  peak      ru_maxrss of the measuring process

and prints one table, with each time per namespace relative to the first N
(1.00 is linear). With --baseline DIR, the same measurements of another
checkout (e.g. `git worktree add DIR main`, with its .build link made by
`make collection-path` there) on the same namespaces, for comparison. It asserts no time: it fails only when a measurement
fails or ipvlan_info does not see the N namespaces.

    native.py [--n "100 400 2000"] [--repeat 3] [--transports] [--profile DIR]
              [--baseline DIR]
    native.py --measure N [--root DIR] [--repeat R] [--transports] [--profile FILE]
"""

import argparse
import json
import os
import resource
import subprocess
import sys
import time

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
NAME = "nb%d"


def log(text):
    sys.stderr.write("bench-native: %s\n" % text)
    sys.stderr.flush()


def ip_batch(lines, netns=None):
    cmd = ["ip"] + (["-n", netns] if netns else []) + ["-b", "-"]
    proc = subprocess.run(cmd, input="".join(line + "\n" for line in lines),
                          capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit("bench-native: %s: %s" % (" ".join(cmd), proc.stderr.strip()))


def build(n):
    """N namespaces (N even), NAME % i, joined in pairs by a veth."""
    ip_batch(["netns add " + NAME % i for i in range(n)])
    ip_batch(["link add v0 netns %s type veth peer name v0 netns %s"
              % (NAME % i, NAME % (i + 1)) for i in range(0, n, 2)])
    for i in range(n):
        pair = i // 2
        subnet = "10.%d.%d" % (pair // 250, pair % 250)
        ip_batch(["link set lo up", "link set v0 up",
                  "addr add %s.%d/24 dev v0" % (subnet, i % 2 + 1),
                  "route add default via %s.254" % subnet], netns=NAME % i)


def clean():
    subprocess.run(["ip", "-all", "netns", "delete"], check=False)


def best(func, repeat):
    times = []
    for _run in range(repeat):
        began = time.monotonic()
        func()
        times.append(time.monotonic() - began)
    return min(times)


def measure(n, repeat, transports, profile, root=ROOT):
    """The measurements of one N, in this process, as a dict, of the
    collection checked out in `root`."""
    sys.path[:0] = [os.path.join(root, ".build"), os.path.join(root, "tests")]
    import ansible.module_utils.basic  # noqa: F401  (paid before the clock)
    import ansible_collections.linuxnet.ipvlan.plugins.modules.ipvlan_info  # noqa: F401
    try:
        from ansible_collections.linuxnet.ipvlan.plugins.module_utils.kernel.driver import Driver
        from ansible_collections.linuxnet.ipvlan.plugins.module_utils.facts import gather
        from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model import abi
    except ImportError:  # a --baseline checkout of the flat module_utils (before the layers)
        from ansible_collections.linuxnet.ipvlan.plugins.module_utils.driver import Driver
        from ansible_collections.linuxnet.ipvlan.plugins.module_utils import ports as gather
        abi = None
    from harness import run_module
    import pyroute2

    result = {}

    def info():
        result["info_result"] = run_module("ipvlan_info", {}, diff=False)

    def read():
        with Driver() as driver:
            for netns in [None] + driver.namespaces():
                session = driver.session(netns)
                session.links()
                session.addresses()
                session.routes()

    def read_veth(session):
        """read_namespace() with veth for the slaves' kinds: the kinds are
        abi.IPVLAN_KINDS now, an argument in older checkouts."""
        if abi is None:
            return gather.read_namespace(session, ("veth",))
        kinds = abi.IPVLAN_KINDS
        abi.IPVLAN_KINDS = ("veth",)
        try:
            return gather.read_namespace(session)
        finally:
            abi.IPVLAN_KINDS = kinds

    def by_kind():
        seen = 0
        with Driver() as driver:
            for netns in [None] + driver.namespaces():
                seen += len(read_veth(driver.session(netns))["links"])
        result["kind_links"] = seen

    out = {"n": n, "info_s": best(info, repeat), "read_s": best(read, repeat)}
    if hasattr(gather, "read_namespace"):
        out["kind_s"] = best(by_kind, repeat)
        if result["kind_links"] != 2 * n:  # each namespace's veth end and lo
            raise SystemExit("bench-native: by kind saw %d links in %d namespaces"
                             % (result["kind_links"], n))
    found = result["info_result"]
    if found.get("failed") or len(found.get("namespaces", [])) != n:
        raise SystemExit("bench-native: ipvlan_info failed or saw %s of %d namespaces: %s"
                         % (len(found.get("namespaces", [])), n, found.get("msg")))
    if transports and n <= 400:
        out["ipr_s"] = best(lambda: ipr_read(pyroute2), repeat)
    if profile:
        import cProfile
        import pstats
        profiler = cProfile.Profile()
        profiler.runcall(info)
        with open(profile, "w") as handle:
            stats = pstats.Stats(profiler, stream=handle)
            stats.sort_stats("tottime").print_stats(25)
            stats.sort_stats("cumulative").print_stats(25)
    out["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0
    out["pyroute2"] = getattr(pyroute2, "__version__", "?")
    return out


def ipr_read(pyroute2):
    """The three dumps of every namespace through pyroute2's IPRoute, made
    and used inside the namespace (setns, as the driver does)."""
    try:
        from ansible_collections.linuxnet.ipvlan.plugins.module_utils.kernel import nsfs
    except ImportError:  # a --baseline checkout of the flat module_utils
        from ansible_collections.linuxnet.ipvlan.plugins.module_utils import nsfs
    names = [None] + nsfs.list_names()
    sockets = []
    try:
        for netns in names:
            if netns is None:
                ipr = pyroute2.IPRoute()
                sockets.append(ipr)
                ipr.get_links(), ipr.get_addr(), ipr.get_routes()
                continue
            fd = nsfs.open_fd(netns, "netns")
            try:
                with nsfs.entered(fd, netns):
                    ipr = pyroute2.IPRoute()
                    sockets.append(ipr)
                    list(ipr.get_links()), list(ipr.get_addr()), list(ipr.get_routes())
            finally:
                os.close(fd)
    finally:
        for ipr in sockets:
            ipr.close()


def table(rows, transports):
    first = rows[0]
    head = ["N", "ipvlan_info main()", "per ns vs N=%d" % first["n"],
            "by kind (veth for ipvlan)", "per ns vs N=%d" % first["n"], "read all, decoded",
            "per ns vs N=%d" % first["n"]]
    if transports:
        head += ["via IPRoute"]
    head += ["peak RSS"]
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for row in rows:
        cells = ["%d" % row["n"], "%.3f s" % row["info_s"],
                 "%.2f" % ((row["info_s"] / row["n"]) / (first["info_s"] / first["n"]))]
        if "kind_s" in row:
            cells += ["%.3f s" % row["kind_s"],
                      "%.2f" % ((row["kind_s"] / row["n"]) / (first["kind_s"] / first["n"]))]
        else:
            cells += ["-", "-"]
        cells += ["%.3f s" % row["read_s"],
                  "%.2f" % ((row["read_s"] / row["n"]) / (first["read_s"] / first["n"]))]
        if transports:
            cells.append("%.3f s" % row["ipr_s"] if "ipr_s" in row else "-")
        cells.append("%.0f MB" % row["peak_mb"])
        lines.append("| " + " | ".join(cells) + " |")
    return "\n".join(lines)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--n", default="100 400 2000")
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--transports", action="store_true")
    parser.add_argument("--profile")
    parser.add_argument("--baseline")
    parser.add_argument("--measure", type=int)
    parser.add_argument("--root", default=ROOT)
    opts = parser.parse_args()
    if opts.measure is not None:
        json.dump(measure(opts.measure, opts.repeat, opts.transports, opts.profile,
                          os.path.abspath(opts.root)), sys.stdout)
        return
    rows = []
    baseline = []
    for n in sorted(set(int(x) for x in opts.n.split())):
        n += n % 2
        clean()
        log("N=%d: building" % n)
        build(n)
        cmd = [sys.executable, os.path.abspath(__file__), "--measure", str(n),
               "--repeat", str(opts.repeat)]
        if opts.transports:
            cmd.append("--transports")
        if opts.profile:
            os.makedirs(opts.profile, exist_ok=True)
            cmd += ["--profile", os.path.join(opts.profile, "profile-native-%d.txt" % n)]
        log("N=%d: measuring" % n)
        rows.append(run_measure(n, cmd))
        if opts.baseline:
            log("N=%d: measuring the baseline in %s" % (n, opts.baseline))
            base = [c for c in cmd if c != "--transports"]
            if "--profile" in base:
                del base[base.index("--profile"):]
            baseline.append(run_measure(n, base + ["--root", opts.baseline]))
    clean()
    print("pyroute2 %s, kernel %s, best of %d runs each"
          % (rows[0]["pyroute2"], os.uname().release, opts.repeat))
    print(table(rows, opts.transports))
    if baseline:
        print("\nbaseline: %s" % opts.baseline)
        print(table(baseline, False))


def run_measure(n, cmd):
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit("bench-native: N=%d: %s" % (n, proc.stderr.strip()))
    return json.loads(proc.stdout)


if __name__ == "__main__":
    main()
