# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.ipvlan contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Making a topology come back at every boot: the files that
linuxnet.ipvlan.ipvlan_persist writes on the node, and removes again.

    /etc/linuxnet-ipvlan/NAME.json                 the topology (data), 0644
    /etc/systemd/system/linuxnet-ipvlan@.service   the template unit, 0644
    /etc/systemd/system/linuxnet-ipvlan@NAME.service.d/masters.conf
                                                   the instance's masters, 0644
    /etc/systemd/system/multi-user.target.wants/linuxnet-ipvlan@NAME.service
                                                   the instance enabled (symlink)
    /usr/local/sbin/linuxnet-ipvlan-apply          the boot command, 0755
    /usr/local/lib/linuxnet-ipvlan/ansible_collections/linuxnet/ipvlan/
        plugins/module_utils/LAYER/*.py            the engine, 0644

The engine files are the sources of entry/boot.py and of every module_utils
file it imports, read from the running module's own package and installed
as they are laid out there (packages, each with its __init__.py): the boot
command runs the same code as the module that saved the topology. All of it is owned
by root and written only into directories only root can change.

Enabling is the symlink `systemctl enable` makes (so it works in a chroot or
an image without a running systemd); systemd is reloaded when it runs.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import ast
import importlib
import json
import os
import shutil
import subprocess

from ansible_collections.linuxnet.ipvlan.plugins.module_utils.kernel import files as fs
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model.errors import (
    IpvlanError,
    ValidationError,
)
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model.errors import PlanFailed
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.planners import topology
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.resources import (
    saved_topology as saved,
)

PACKAGE = "ansible_collections.linuxnet.ipvlan.plugins.module_utils"
UNIT_DIR = "/etc/systemd/system"
TEMPLATE = "linuxnet-ipvlan@.service"
WANTED_BY = "multi-user.target"
COMMAND = "/usr/local/sbin/" + saved.PROG
LIB_DIR = "/usr/local/lib/linuxnet-ipvlan"
ENGINE_DIR = os.path.join(LIB_DIR, *PACKAGE.split("."))
# runtimes that create ipvlan links of their own: the topology comes first
RUNTIMES = ("docker.service", "containerd.service", "crio.service", "podman-restart.service",
            "kubelet.service")
SYSTEMD_RUNNING = "/run/systemd/system"  # sd_booted(3)

ARGUMENT_SPEC = dict(
    name=dict(type="str", default="default"),
    state=dict(type="str", default="present", choices=["present", "absent"]),
    # checked by the module against topology.ARGUMENT_SPEC (documented there)
    config=dict(type="list", elements="dict"),
    topology_state=dict(type="str", default="merged", choices=sorted(saved.BOOT_STATES)),
    python=dict(type="path", default="/usr/bin/python3"),
    root=dict(type="path", default="/"),
)
REQUIRED_IF = [("state", "present", ["config"])]
# what `config` is checked against, conversions and defaults included
TOPOLOGY_ARGUMENT_SPEC = topology.ARGUMENT_SPEC


def instance(name):
    return "linuxnet-ipvlan@%s.service" % name


def device_unit(ifname):
    """The systemd device unit of a network device in the host's namespace:
    its /sys path escaped as systemd-escape --path does."""
    out = []
    for byte in bytearray(ifname.encode("utf-8")):
        char = chr(byte)
        if char.isalnum() and byte < 128 or char in ":_.":
            out.append(char)
        else:
            out.append("\\x%02x" % byte)
    return "sys-subsystem-net-devices-%s.device" % "".join(out)


# ------------------------------------------------------------------ content


def unit_text():
    return """\
# Written by linuxnet.ipvlan.ipvlan_persist. Instance NAME converges the
# topology saved in %(config)s/NAME.json at boot, with %(command)s;
# its drop-in linuxnet-ipvlan@NAME.service.d/masters.conf waits for the
# masters. A service inside one of the topology's namespaces orders itself
# after the instance:
#   [Unit]
#   Requires=linuxnet-ipvlan@NAME.service
#   After=linuxnet-ipvlan@NAME.service
#   [Service]
#   NetworkNamespacePath=/run/netns/NS
[Unit]
Description=linuxnet.ipvlan topology %%i (IPvlan links, namespaces, addresses, routes)
Documentation=file:%(config)s/%%i.json
# Like any network configuration: after the firewall (network-pre.target),
# sysctl defaults for new devices and loadable modules; before services that
# order themselves after network.target or network-online.target, and before
# the container runtimes, so no link of theirs exists yet.
DefaultDependencies=no
After=local-fs.target systemd-sysctl.service systemd-modules-load.service network-pre.target
Before=network.target network-online.target shutdown.target %(runtimes)s
Conflicts=shutdown.target

[Service]
Type=oneshot
RemainAfterExit=yes
# No sandboxing that implies a mount namespace (PrivateTmp=, ProtectSystem=,
# ...): the namespaces' bind mounts under /run/netns must be everyone's.
ExecStart=%(command)s --name %%i
TimeoutStartSec=300

[Install]
WantedBy=%(wanted_by)s
""" % {"config": saved.CONFIG_DIR, "command": COMMAND, "runtimes": " ".join(RUNTIMES),
       "wanted_by": WANTED_BY}


def dropin_text(name, want):
    host = sorted(set(p["master"] for p in want if p["master_netns"] is None))
    named = sorted(set("%s in namespace %s" % (p["master"], p["master_netns"])
                       for p in want if p["master_netns"] is not None))
    lines = ["# Written by linuxnet.ipvlan.ipvlan_persist for %s."
             % saved.topology_path(name),
             "# The unit waits for each master in the host's namespace (at most the",
             "# device timeout, 90 s by default) and then converges what it can: a",
             "# missing master fails the unit with its name, the other ports come up."]
    if named:
        lines += ["# Masters in named namespaces (%s) must exist before the unit starts:"
                  % ", ".join(named),
                  "# order the unit that makes them Before=%s." % instance(name)]
    lines.append("[Unit]")
    for master in host:
        lines.append("Wants=%s" % device_unit(master))
        lines.append("After=%s" % device_unit(master))
    return "\n".join(lines) + "\n"


def script_text(python):
    return """\
#!%(python)s -IB
# %(prog)s: converge a topology saved by linuxnet.ipvlan.ipvlan_persist.
# Written by that module; `%(prog)s --help` for the options. -I: nothing
# from the environment, the user's site or the working directory.
import sys

sys.path.insert(0, %(lib)r)
from %(package)s.entry.boot import main  # noqa: E402

sys.exit(main(sys.argv[1:]))
""" % {"python": python, "prog": saved.PROG, "lib": LIB_DIR, "package": PACKAGE}


def topology_text(name, state, config):
    data = {"format": saved.FORMAT, "name": name, "state": state, "config": config}
    return json.dumps(data, indent=2, sort_keys=True) + "\n"


# What the boot command runs. It is above this layer, so it is named, not
# imported: the module plugins/modules/ipvlan_persist.py imports it, so that
# Ansible's payload carries it and every engine file it imports.
BOOT_MODULE = PACKAGE + ".entry.boot"


def engine_sources(root=BOOT_MODULE):
    """{path under module_utils ("ops/base.py"): source} of the module
    `root` and of every module_utils file it needs, followed through their
    imports of this package (the files AnsiballZ would carry for it).
    Raises IpvlanError when one of them cannot be read (a payload without
    it): nothing is installed then."""
    found = {}
    todo = [(root, True)]
    while todo:
        name, required = todo.pop()
        if not name.startswith(PACKAGE + "."):
            continue
        path = name[len(PACKAGE) + 1:].replace(".", "/") + ".py"
        if path in found:
            continue
        try:
            module = importlib.import_module(name)
        except ImportError as exc:
            if required:  # a module imported from (not a name it defines)
                raise IpvlanError("cannot import %s to install the boot command: %s"
                                  % (name, exc))
            continue
        if hasattr(module, "__path__"):  # a package: its __init__.py, and what is named
            path = path[:-3] + "/__init__.py"
        source = module.__loader__.get_source(name)
        if source is None:
            raise IpvlanError("cannot read the source of %s to install it" % name)
        found[path] = source
        for node in ast.walk(ast.parse(source)):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith(PACKAGE):
                todo.append((node.module, True))
                # a name imported from it may be a module of a package, or not
                todo.extend(("%s.%s" % (node.module, alias.name), False)
                            for alias in node.names)
    packages = set()
    for path in found:
        parts = path.split("/")[:-1]
        for k in range(1, len(parts) + 1):
            packages.add("/".join(parts[:k]))
    for package in packages:
        init = package + "/__init__.py"
        if init not in found:
            found[init] = ""
    return found


# -------------------------------------------------------------------- files


class Files(object):
    """The wanted files under `root`, compared with what is there, then
    written or removed. Paths in messages are the node's (without root).

    Directories of the collection's own (OWN_DIRS and below) are kept root's
    with mode 0755; shared ones (/etc/systemd/system, /usr/local/sbin) are
    created when missing and otherwise left as they are, but must be root's
    alone to be written into."""

    OWN_DIRS = (saved.CONFIG_DIR, LIB_DIR)

    def __init__(self, root):
        self.root = root
        self.dirs = []  # directories to create or keep root's 0755, parents first
        self.files = {}  # path -> (text, mode, show in diff)
        self.links = {}  # path -> target
        self.remove = []  # paths (files, links or trees) to remove
        self.changes = []
        self.diff = []

    def real(self, path):
        return os.path.join(self.root, path.lstrip("/"))

    def want_dir(self, path):
        own = path.endswith(".service.d") or any(
            path == d or path.startswith(d + "/") for d in self.OWN_DIRS)
        if path in self.dirs or not own and os.path.isdir(self.real(path)):
            return
        parent = os.path.dirname(path)
        if parent != path:
            self.want_dir(parent)
        self.dirs.append(path)

    def want_file(self, path, text, mode=0o644, show=True):
        self.want_dir(os.path.dirname(path))
        self.files[path] = (text, mode, show)

    def want_link(self, path, target):
        self.want_dir(os.path.dirname(path))
        self.links[path] = target

    def plan(self):
        """Fill self.changes and self.diff; check every directory written to."""
        for path in self.dirs:
            real = self.real(path)
            if not os.path.isdir(real):
                self.changes.append("create directory %s" % path)
            elif _mode(real) != 0o755 or _owner(real) != 0:
                self.changes.append("set directory %s to root 0755" % path)
        for path in sorted(self.files):
            text, mode, show = self.files[path]
            old = fs.read_text(self.real(path))
            if old != text:
                self.changes.append("%s %s" % ("write" if old is None else "update", path))
                if show:
                    self.diff.append({"before_header": path, "after_header": path,
                                      "before": old or "", "after": text})
            elif _mode(self.real(path)) != mode or _owner(self.real(path)) != 0:
                self.changes.append("set %s to root %04o" % (path, mode))
        for path in sorted(self.links):
            real = self.real(path)
            if not os.path.islink(real) or os.readlink(real) != self.links[path]:
                self.changes.append("link %s -> %s" % (path, self.links[path]))
        for path in self.remove:
            real = self.real(path)
            if os.path.lexists(real):
                self.changes.append("remove %s" % path)
                if os.path.isfile(real) and path.endswith((".json", ".service", ".conf")):
                    self.diff.append({"before_header": path, "after_header": "(removed)",
                                      "before": fs.read_text(real), "after": ""})
        for path in set(os.path.dirname(p) for p in list(self.files) + list(self.links)):
            self.check_dir(path)

    def check_dir(self, path):
        """The nearest existing directory at or above `path` must be root's alone."""
        real = self.real(path)
        while not os.path.lexists(real):
            real = os.path.dirname(real)
        problem = saved.insecure(real)
        if problem:
            raise IpvlanError("refusing to write %s: %s; what runs as root at boot must "
                              "come from files only root can change" % (path, problem))

    def write(self):
        """Create, write and remove everything but the links."""
        self._guarded(self._write)

    def link(self):
        """Make the links (what enables the unit)."""
        self._guarded(self._link)

    def _guarded(self, step):
        try:
            step()
        except OSError as exc:
            raise IpvlanError("%s: %s; some of these may have been made: %s (run again to "
                              "finish)" % (exc.filename or "", exc.strerror,
                                           "; ".join(self.changes)))

    def _write(self):
        for path in self.dirs:
            real = self.real(path)
            if not os.path.isdir(real):
                os.mkdir(real, 0o755)
            fs.own(real, 0o755)
        for path in sorted(self.files):
            text, mode, _show = self.files[path]
            real = self.real(path)
            if fs.read_text(real) != text:
                fs.write_atomic(real, text, mode)
            else:
                fs.own(real, mode)
        for path in self.remove:
            real = self.real(path)
            if os.path.isdir(real) and not os.path.islink(real):
                shutil.rmtree(real)
            elif os.path.lexists(real):
                os.unlink(real)

    def _link(self):
        for path in sorted(self.links):
            real = self.real(path)
            if not os.path.islink(real) or os.readlink(real) != self.links[path]:
                if os.path.lexists(real):
                    os.unlink(real)
                os.symlink(self.links[path], real)


def _mode(path):
    return os.lstat(path).st_mode & 0o7777


def _owner(path):
    info = os.lstat(path)
    return info.st_uid | info.st_gid


# ------------------------------------------------------------------- engine


def check_python(python, root):
    if not os.path.isabs(python) or any(c.isspace() for c in python):
        raise ValidationError("python", "'%s' must be an absolute path without spaces "
                                        "(it is the boot command's #! line)" % python)
    real = os.path.join(root, python.lstrip("/"))
    if not os.access(real, os.X_OK) or os.path.isdir(real):
        raise ValidationError("python", "%s is not an executable file on the node" % python)
    for path in (os.path.dirname(real), real):
        problem = saved.insecure(path)
        if problem:
            raise ValidationError("python", "%s: %s; the boot command runs it as root"
                                            % (python, problem))


def saved_names(root):
    try:
        names = os.listdir(os.path.join(root, saved.CONFIG_DIR.lstrip("/")))
    except OSError:
        return []
    return sorted(n[:-5] for n in names if n.endswith(".json") and not n.startswith("."))


def want_present(files, name, p):
    want = topology.normalize(p["config"])
    check_python(p["python"], p["root"])
    files.want_file(saved.topology_path(name), topology_text(name, p["topology_state"],
                                                             p["config"]))
    files.want_file(COMMAND, script_text(p["python"]), 0o755)
    sources = engine_sources()
    package = LIB_DIR
    for part in PACKAGE.split("."):
        package = os.path.join(package, part)
        files.want_file(os.path.join(package, "__init__.py"), "", show=False)
    for filename, source in sorted(sources.items()):
        files.want_file(os.path.join(ENGINE_DIR, filename), source, show=False)
    files.remove.extend(os.path.join(ENGINE_DIR, path)
                        for path in _installed(files.real(ENGINE_DIR), sources))
    files.want_file(os.path.join(UNIT_DIR, TEMPLATE), unit_text())
    files.want_file(os.path.join(UNIT_DIR, instance(name) + ".d", "masters.conf"),
                    dropin_text(name, want))
    files.want_link(os.path.join(UNIT_DIR, WANTED_BY + ".wants", instance(name)),
                    os.path.join(UNIT_DIR, TEMPLATE))


def _installed(top, sources):
    """What is installed under `top` (the engine's directory) and is no
    longer part of the engine (`sources`): files, and whole directories
    of packages it no longer has (an earlier layout's), as paths under it."""
    out = []
    for dirpath, dirnames, filenames in os.walk(top):
        rel = os.path.relpath(dirpath, top)
        rel = "" if rel == "." else rel + "/"
        for dirname in sorted(dirnames):
            if (rel + dirname + "/__init__.py") not in sources:
                out.append(rel + dirname)
        dirnames[:] = [d for d in dirnames if (rel + d + "/__init__.py") in sources]
        for filename in sorted(filenames):
            if rel + filename not in sources and (rel or filename != "__init__.py"):
                out.append(rel + filename)
    return out


def want_absent(files, name, root):
    dropin = os.path.join(UNIT_DIR, instance(name) + ".d")
    files.remove.extend([saved.topology_path(name),
                         os.path.join(UNIT_DIR, WANTED_BY + ".wants", instance(name)),
                         os.path.join(dropin, "masters.conf")])
    if os.path.isdir(files.real(dropin)) and set(os.listdir(files.real(dropin))) <= {
            "masters.conf"}:
        files.remove.append(dropin)
    if not [n for n in saved_names(root) if n != name]:
        files.remove.extend([os.path.join(UNIT_DIR, TEMPLATE), COMMAND, LIB_DIR])
        config_dir = files.real(saved.CONFIG_DIR)
        if os.path.isdir(config_dir) and set(os.listdir(config_dir)) <= {name + ".json"}:
            files.remove.append(saved.CONFIG_DIR)


def boot_check(name):
    """Run the installed boot command with --check, as systemd would start
    it (no shell, a plain environment); returns its plan lines."""
    env = {"PATH": "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin",
           "LANG": "C.UTF-8"}
    proc = subprocess.Popen([COMMAND, "--check", "--name", name], env=env, cwd="/",
                            stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    out, err = proc.communicate()
    out, err = out.decode("utf-8", "replace"), err.decode("utf-8", "replace")
    return proc.returncode, out.splitlines(), err.strip()


def engine(driver, p, check_mode, warn=None):
    """ipvlan_persist's engine (the driver is unused: nothing here speaks
    netlink); what it warns about goes to `warn` (the module's
    module.warn), if given."""
    name = saved.check_name(p["name"])
    root = p["root"]
    files = Files(root)
    present = p["state"] == "present"
    if present:
        want_present(files, name, p)
    else:
        want_absent(files, name, root)
    files.plan()
    result = {"changed": bool(files.changes), "files": files.changes,
              "path": saved.topology_path(name), "unit": instance(name)}
    if files.diff:
        result["diff"] = files.diff
    if not files.changes or check_mode:
        return result
    files.write()
    warn = warn or (lambda message: None)
    live = root == "/"
    if live and present:
        # before the unit is enabled: a boot command that cannot run (no
        # pyroute2 for that Python, say) is never left to fail at boot
        status, lines, err = boot_check(name)
        if status not in (saved.EXIT_OK, saved.EXIT_PARTIAL):
            raise PlanFailed(IpvlanError("the installed boot command failed its check run, "
                                         "so %s was not enabled (%s --check --name %s, exit "
                                         "%s): %s" % (instance(name), COMMAND, name, status,
                                                      err or "\n".join(lines))),
                             [c for c in files.changes if not c.startswith("link ")])
        if err:
            warn("the boot command's check run reports: %s" % err)
        result["boot_check"] = lines
    files.link()
    if live and os.path.isdir(SYSTEMD_RUNNING):
        proc = subprocess.Popen(["systemctl", "daemon-reload"], stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT)
        output = proc.communicate()[0].decode("utf-8", "replace").strip()
        if proc.returncode:
            warn("systemctl daemon-reload failed: %s" % output)
    return result
