"""Shared test helpers: run a module in-process as Ansible would, and read
the kernel's state independently with iproute2's JSON output (the oracle).

Running main() in-process keeps pyroute2 and ansible imported once per pytest
process, which matters in the lab VM where an import costs seconds.
"""

import contextlib
import importlib
import io
import json
import subprocess
import uuid

try:
    from ansible.module_utils.testing import patch_module_args
except ImportError:  # ansible-core < 2.19 (make matrix runs 2.18)
    from ansible.module_utils import basic

    @contextlib.contextmanager
    def patch_module_args(args):
        """What 2.19's patch_module_args does, the way 2.18 reads arguments."""
        saved = basic._ANSIBLE_ARGS
        basic._ANSIBLE_ARGS = json.dumps({"ANSIBLE_MODULE_ARGS": args}).encode("utf-8")
        try:
            yield
        finally:
            basic._ANSIBLE_ARGS = saved

PACKAGE = "ansible_collections.linuxnet.ipvlan.plugins.modules."

# A fault for the modules a test runs (see fault_hook); run_module_process
# passes it to its child in this environment variable, which only this file
# reads: the collection's code has the seam transaction.BEFORE_OP, no switch.
FAULT_ENV = "LINUXNET_IPVLAN_TEST_FAULT"


def fault_hook(spec):
    """transaction.BEFORE_OP for a fault spec: "K" makes the K-th operation
    of a plan fail as if the kernel had refused it (EIO); "K:COMMAND" runs
    COMMAND with /bin/sh just before the K-th operation (deletes its master,
    say), which then meets whatever the kernel says. None for ''."""
    if not spec:
        return None
    import errno
    from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model.errors import KernelError
    number, _sep, command = spec.partition(":")
    wanted = int(number)

    def hook(k, op):
        if k != wanted:
            return
        if command:
            subprocess.call(["/bin/sh", "-c", command])
            return
        raise KernelError(op.line(), errno.EIO, "%s failed (EIO): injected by the fault tests"
                          % op.line())
    return hook


def controller_tool(name):
    """The path of Ansible's command NAME (ansible-playbook, ...) for tests
    that run a playbook. The controller is .venv's, beside this Python,
    unless the suite runs on a target platform's Python (make platforms),
    which is no controller (ansible-core 2.19 needs 3.11 there): then
    LINUXNET_TEST_CONTROLLER_BIN names the controller's bin directory, and
    the playbook's modules run on the target Python
    (ansible_python_interpreter=sys.executable)."""
    import os
    import sys
    return os.path.join(os.environ.get("LINUXNET_TEST_CONTROLLER_BIN")
                        or os.path.dirname(sys.executable), name)


def unique_name(prefix):
    """An interface or namespace name no other test uses (<= 15 bytes)."""
    return (prefix + uuid.uuid4().hex)[:15]


def run_module(name, args=None, check=False, diff=True):
    """Run linuxnet.ipvlan.<name> with `args`; return its result dict.

    `failed` is set in the result when the module failed."""
    module = importlib.import_module(PACKAGE + name)
    payload = dict(args or {})
    payload["_ansible_check_mode"] = check
    payload["_ansible_diff"] = diff
    out = io.StringIO()
    with patch_module_args(payload), contextlib.redirect_stdout(out):
        try:
            module.main()
        except SystemExit:
            pass
    text = out.getvalue()
    try:
        return json.loads(text)
    except ValueError:
        raise AssertionError("module %s printed no JSON result:\n%s" % (name, text))


def ip_json(*args, netns=None):
    """`ip -d -j ARGS` (in `netns` if given) parsed; [] for empty output."""
    cmd = ["ip"] + (["-n", netns] if netns else []) + ["-d", "-j"] + list(args)
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise AssertionError("%s failed: %s" % (" ".join(cmd), proc.stderr))
    return json.loads(proc.stdout or "[]")


def ip(*args, netns=None, check=True):
    """Run `ip ARGS` for test set-up; return stdout."""
    cmd = ["ip"] + (["-n", netns] if netns else []) + list(args)
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if check and proc.returncode != 0:
        raise AssertionError("%s failed: %s" % (" ".join(cmd), proc.stderr))
    return proc.stdout


def link_info(name, netns=None):
    """The kernel's view of one link from `ip -d -j link show`, or None."""
    cmd = ["ip"] + (["-n", netns] if netns else []) + ["-d", "-j", "link", "show", "dev", name]
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        return None
    found = json.loads(proc.stdout or "[]")
    return found[0] if found else None


def ipvlan_data(name, netns=None):
    """(kind, mode, flags) of an ipvlan/ipvtap link as iproute2 decodes it."""
    info = link_info(name, netns)
    linkinfo = info["linkinfo"]
    data = linkinfo.get("info_data", {})
    # iproute2 prints the flag as a boolean key ("bridge": true, ...)
    flags = [f for f in ("bridge", "private", "vepa") if data.get(f)]
    return linkinfo["info_kind"], data.get("mode"), flags[0] if len(flags) == 1 else data


def addresses(name, netns=None):
    """CIDR strings on a device, from `ip -j addr show`."""
    found = ip_json("addr", "show", "dev", name, netns=netns)
    return sorted("%s/%s" % (a["local"], a["prefixlen"]) for a in found[0].get("addr_info", []))


def configured_addresses(name, netns=None):
    """CIDR strings on a device less the IPv6 link-local ones the kernel adds."""
    return [a for a in addresses(name, netns) if not a.startswith("fe80:")]


def converge(config, state="merged", check=False):
    """ipvlan_topology with `config` and `state`; its result dict."""
    return run_module("ipvlan_topology", {"config": config, "state": state}, check=check)


# What the kernel changes by itself after a device comes up (carrier
# detection, link watch); not state any module manages.
VOLATILE_LINK_KEYS = ("stats64", "stats", "operstate", "linkmode")
CARRIER_FLAGS = ("LOWER_UP", "NO-CARRIER", "M-DOWN")


def kernel_snapshot(netns_list=(None,)):
    """Links, addresses and routes of several namespaces, for 'nothing
    changed' checks (counters and timers stripped)."""
    snap = {}
    for netns in netns_list:
        links = ip_json("link", "show", netns=netns)
        for link in links:
            for key in VOLATILE_LINK_KEYS:
                link.pop(key, None)
            link["flags"] = [f for f in link.get("flags", []) if f not in CARRIER_FLAGS]
        addrs = ip_json("addr", "show", netns=netns)
        for item in addrs:
            for info in item.get("addr_info", []):
                # timers, and IPv6 DAD state, which changes by itself
                for key in ("valid_life_time", "preferred_life_time", "tentative", "optimistic"):
                    info.pop(key, None)
        routes = ip_json("route", "show", "table", "all", netns=netns)
        snap[netns] = {"links": links, "addrs": addrs, "routes": routes}
    snap["netns"] = sorted(ip("netns", "list").split())
    return snap


def settled_snapshot(netns_list=(None,), timeout=30):
    """kernel_snapshot() once the kernel stops changing by itself: a link
    that just came up gets its IPv6 link-local address and routes a moment
    later (DAD), which is not a change any module made."""
    import time
    deadline = time.time() + timeout
    last = kernel_snapshot(netns_list)
    while True:
        time.sleep(0.5)
        now = kernel_snapshot(netns_list)
        if now == last:
            return now
        if time.time() > deadline:
            raise AssertionError("the kernel state did not settle in %d s" % timeout)
        last = now


def run_module_process(name, args=None, check=False, env=None, timeout=600):
    """Run linuxnet.ipvlan.<name> in a process of its own, as Ansible runs a
    module (python MODULE ARGS_FILE), for tests that kill it or run two at
    once. Returns the subprocess.Popen, with stdout/stderr piped."""
    import os
    import sys
    import tempfile
    payload = dict(args or {})
    payload["_ansible_check_mode"] = check
    handle, path = tempfile.mkstemp(prefix="module-args-", suffix=".json")
    with os.fdopen(handle, "w") as out:
        json.dump({"ANSIBLE_MODULE_ARGS": payload}, out)
    full_env = dict(os.environ)
    build = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), ".build")
    full_env["PYTHONPATH"] = os.pathsep.join(
        [build] + [x for x in full_env.get("PYTHONPATH", "").split(os.pathsep) if x])
    full_env.update(env or {})
    proc = subprocess.Popen([sys.executable, os.path.abspath(__file__), name, path], env=full_env,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    proc.args_file = path
    return proc


def finish(proc, timeout=600):
    """(returncode, result dict or None, stderr) of run_module_process()."""
    import os
    out, err = proc.communicate(timeout=timeout)
    os.unlink(proc.args_file)
    try:
        result = json.loads(out)
    except ValueError:
        result = None
    return proc.returncode, result, err


def snapshot_diff(before, after):
    """The lines that differ between two kernel_snapshot() results, for an
    assertion message that says what changed."""
    import difflib

    def text(snapshot):
        named = dict((str(key), value) for key, value in snapshot.items())  # None: the host
        return json.dumps(named, indent=1, sort_keys=True, default=str).splitlines()
    old, new = text(before), text(after)
    return "\n".join(line for line in difflib.unified_diff(old, new, lineterm="", n=2))


def _run_as_module(name, args_file):
    """python tests/harness.py MODULE ARGS_FILE: what run_module_process
    runs; the module as Ansible runs it, with the fault of FAULT_ENV."""
    import os
    import runpy
    import sys
    from ansible_collections.linuxnet.ipvlan.plugins.module_utils.ops import transaction
    transaction.BEFORE_OP = fault_hook(os.environ.get(FAULT_ENV, ""))
    sys.argv = [name, args_file]
    runpy.run_module(PACKAGE + name, run_name="__main__", alter_sys=True)


if __name__ == "__main__":
    import sys as _sys
    _run_as_module(_sys.argv[1], _sys.argv[2])
