# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.ipvlan contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The boot command, `linuxnet-ipvlan-apply`: converge a topology saved by
linuxnet.ipvlan.ipvlan_persist, with the modules' own engine and no Ansible.

    linuxnet-ipvlan-apply [--check] [--name NAME | FILE]

It reads /etc/linuxnet-ipvlan/NAME.json (NAME defaults to `default`), or
FILE, and converges it exactly as the ipvlan_topology module would, printing
the plan's lines on stdout (the journal, when systemd runs it). `--check`
prints the plan and changes nothing. A port whose master is missing is
reported on stderr and skipped; the other ports are converged, and the exit
status is 1. Exit status 2: the file was refused (not root's, writable by
others, not a topology) or pyroute2 is missing; nothing was changed.

The state saved with the topology is applied, except that `overridden` is
applied as `replaced`: at boot only the declared masters are the topology's,
and ipvlan links on other masters (Docker's, CNI's, other software's) are
never removed. The systemd unit also runs before the container runtimes.

The saved topology is data: JSON, checked against ipvlan_topology's own
argument spec (types, choices, no unknown keys) and then by the engine's
validation, before anything changes. It must be a regular file owned by
root, in directories owned by root, none of them writable by group or others
(a sticky directory aside).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import argparse
import contextlib
import json
import os
import stat
import string
import sys

from ansible_collections.linuxnet.ipvlan.plugins.module_utils import pyroute2_ext as ext
from ansible_collections.linuxnet.ipvlan.plugins.module_utils import topology
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.driver import Driver
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.errors import (
    IpvlanError,
    NamespaceNotFound,
    ValidationError,
)
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.lock import HostLock
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.plan import PlanFailed

PROG = "linuxnet-ipvlan-apply"
CONFIG_DIR = "/etc/linuxnet-ipvlan"
FORMAT = 1
# the states a saved topology may have, and what runs at boot
BOOT_STATES = {"merged": "merged", "replaced": "replaced", "overridden": "replaced"}
NAME_CHARS = frozenset(string.ascii_letters + string.digits + "_.-")
NAME_MAX = 64

EXIT_OK, EXIT_PARTIAL, EXIT_REFUSED = 0, 1, 2


def check_name(name, field="name"):
    """A saved topology's name: a file name under CONFIG_DIR and a systemd
    instance name that needs no escaping."""
    if not isinstance(name, str) or not 0 < len(name) <= NAME_MAX:
        raise ValidationError(field, "a topology name is 1 to %d characters" % NAME_MAX)
    if name[0] in ".-" or not set(name) <= NAME_CHARS:
        raise ValidationError(field, "'%s': a topology name is letters, digits, '_', '.' and "
                                     "'-', not starting with '.' or '-'" % name)
    return name


def topology_path(name, root="/"):
    return os.path.join(root, CONFIG_DIR.lstrip("/"), name + ".json")


# ------------------------------------------------------------------- trust


def insecure(path):
    """Why `path` (resolved) and every directory above it could be changed by
    someone other than root, or None. A directory writable by others is
    accepted only with the sticky bit (as /tmp): there no one else can
    replace root's entries."""
    path = os.path.realpath(path)
    while True:
        try:
            info = os.stat(path)
        except OSError as exc:
            return "%s: %s" % (path, exc.strerror)
        if info.st_uid != 0:
            return "%s is owned by uid %d, not root" % (path, info.st_uid)
        writable = info.st_mode & (stat.S_IWGRP | stat.S_IWOTH)
        if writable and not (stat.S_ISDIR(info.st_mode) and info.st_mode & stat.S_ISVTX):
            return "%s is writable by %s" % (path, "group and others" if writable == (
                stat.S_IWGRP | stat.S_IWOTH) else "its group" if writable & stat.S_IWGRP
                else "others")
        parent = os.path.dirname(path)
        if parent == path:
            return None
        path = parent


def load(path):
    """The saved topology at `path`: {"name", "state", "config"}. Raises
    IpvlanError when the file is not to be trusted or is no topology."""
    try:
        with open(path, "rb") as handle:
            info = os.fstat(handle.fileno())
            if not stat.S_ISREG(info.st_mode):
                raise IpvlanError("%s: not a regular file" % path)
            problem = insecure(path)
            if problem is None and (info.st_uid != 0 or info.st_mode & 0o022):
                problem = "%s changed while it was read" % path
            if problem:
                raise IpvlanError("%s: refused, %s; what runs as root at boot must come "
                                  "from files only root can change" % (path, problem))
            raw = handle.read()
    except (IOError, OSError) as exc:
        raise IpvlanError("%s: %s" % (path, exc.strerror or exc))
    try:
        data = json.loads(raw.decode("utf-8"))
    except ValueError as exc:
        raise IpvlanError("%s: not a saved topology (JSON): %s" % (path, exc))
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise IpvlanError("%s: not a saved topology of format %d (an object with \"format\": "
                          "%d, \"state\" and \"config\")" % (path, FORMAT, FORMAT))
    unknown = sorted(set(data) - set(("format", "name", "state", "config")))
    if unknown:
        raise ValidationError(unknown[0], "unknown key in %s" % path)
    if data.get("state") not in BOOT_STATES:
        raise ValidationError("state", "%r is not one of %s" % (data.get("state"),
                                                                ", ".join(sorted(BOOT_STATES))))
    config = check_spec(data.get("config"), dict(type="list", elements="dict",
                                                 options=topology.PORT_OPTIONS), "config")
    return {"name": data.get("name"), "state": data["state"], "config": config}


_TYPES = {"str": (str,), "int": (int,), "bool": (bool,), "list": (list,), "dict": (dict,)}


def check_spec(value, spec, where):
    """`value` checked against one argument-spec entry, strictly (no type
    conversion: the module that saved it has converted already), with
    defaults filled in as AnsibleModule would. Raises ValidationError."""
    if value is None:
        if spec.get("required"):
            raise ValidationError(where, "is required")
        return spec.get("default")
    kind = spec.get("type", "str")
    if kind != "raw" and (not isinstance(value, _TYPES[kind])
                          or (kind == "int" and isinstance(value, bool))):
        raise ValidationError(where, "%r is not of type %s" % (value, kind))
    if "choices" in spec and value not in spec["choices"]:
        raise ValidationError(where, "%r is not one of %s" % (value, ", ".join(spec["choices"])))
    if kind == "list":
        item_spec = {"type": spec.get("elements", "raw"), "options": spec.get("options")}
        return [check_spec(item, item_spec, "%s[%d]" % (where, i))
                for i, item in enumerate(value)]
    if kind == "dict" and spec.get("options") is not None:
        options = spec["options"]
        unknown = sorted(set(value) - set(options))
        if unknown:
            raise ValidationError("%s.%s" % (where, unknown[0]), "unknown option")
        return dict((key, check_spec(value.get(key), sub, "%s.%s" % (where, key)))
                    for key, sub in options.items())
    return value


# ---------------------------------------------------------------- converge


def converge(driver, saved, check_mode):
    """Converge the saved topology through ipvlan_topology's engine, port by
    port as far as masters exist. Returns (commands, problems, ports): the
    plan's lines, one message per port left out because its master is
    missing or unusable, and the number of ports. Raises ValidationError
    (nothing changed) or PlanFailed."""
    state = BOOT_STATES[saved["state"]]
    want = topology.normalize(saved["config"])
    problems = []
    skipped = set()
    for port in want:
        try:
            topology.check_masters(driver, [port])
        except (ValidationError, NamespaceNotFound) as exc:
            problems.append("%s; its %d link(s) were not set up" % (exc, len(port["links"])))
            skipped.add((port["master_netns"], port["master"]))
    config = [port for port in saved["config"]
              if (port.get("master_netns"), port["master"]) not in skipped]
    if not config:
        return [], problems, len(want)
    result = topology.engine(driver, {"config": config, "state": state}, check_mode)
    return result["commands"], problems, len(want)


# --------------------------------------------------------------------- CLI


def _parser():
    parser = argparse.ArgumentParser(
        prog=PROG, description="Converge a topology saved by linuxnet.ipvlan.ipvlan_persist "
                               "(the linuxnet.ipvlan.topology role with "
                               "ipvlan_topology_persist: true). Exit status: 0 done, 1 some "
                               "ports failed (missing master), 2 nothing done.")
    parser.add_argument("--check", action="store_true",
                        help="print the plan and change nothing")
    which = parser.add_mutually_exclusive_group()
    which.add_argument("--name", default="default",
                       help="the saved topology %s/NAME.json (default: default)" % CONFIG_DIR)
    which.add_argument("file", nargs="?", metavar="FILE", help="a saved topology file")
    return parser


class _Log(object):
    """Lines for stdout and stderr; error lines carry the journal's priority
    prefix (<3>) when stderr is connected to the journal (JOURNAL_STREAM)."""

    def __init__(self, out, err):
        self.out, self.err = out, err
        self.prefix = "<3>" if _to_journal(err) else ""

    def info(self, text):
        self.out.write(text + "\n")
        self.out.flush()

    def error(self, text):
        self.err.write("%s%s: %s\n" % (self.prefix, PROG, text))
        self.err.flush()


def _to_journal(stream):
    try:
        device, inode = os.environ["JOURNAL_STREAM"].split(":")
        info = os.fstat(stream.fileno())
        return (info.st_dev, info.st_ino) == (int(device), int(inode))
    except (KeyError, ValueError, AttributeError, OSError):
        return False


def main(argv=None, out=None, err=None):
    """Run the command; returns the exit status."""
    log = _Log(out or sys.stdout, err or sys.stderr)
    try:
        args = _parser().parse_args(argv)
    except SystemExit as exc:  # --help, or a usage error argparse printed
        return exc.code if isinstance(exc.code, int) else EXIT_REFUSED
    try:
        path = args.file or topology_path(check_name(args.name, "--name"))
        saved = load(path)
    except IpvlanError as exc:
        log.error("%s; nothing was changed" % exc)
        return EXIT_REFUSED
    if not ext.HAS_PYROUTE2 or ext.version_problem():
        log.error("%s; nothing was changed" % (ext.version_problem() or "pyroute2 is not "
                  "importable by %s (install python3-pyroute2)" % sys.executable))
        return EXIT_REFUSED
    state = BOOT_STATES[saved["state"]]
    log.info("%s: topology %s, state %s%s%s" % (
        PROG, path, state, "" if state == saved["state"] else
        " (saved as %s: at boot only the declared masters' slaves are the topology's)"
        % saved["state"], ", check mode" if args.check else ""))
    try:
        # A run takes the modules' host lock, so that it and a playbook never
        # interleave. --check changes nothing and takes none: ipvlan_persist
        # runs it while its own run holds the lock.
        with contextlib.ExitStack() as stack:
            if not args.check:
                stack.enter_context(HostLock())
            with Driver() as driver:
                commands, problems, ports = converge(driver, saved, args.check)
    except PlanFailed as exc:
        for line in exc.done:
            log.info(line)
        log.error(str(exc))
        return EXIT_PARTIAL
    except IpvlanError as exc:
        log.error("%s; nothing was changed" % exc)
        return EXIT_REFUSED
    except OSError as exc:
        log.error("%s (run as root)" % exc)
        return EXIT_REFUSED
    for line in commands:
        log.info(line)
    if not commands:
        summary = "nothing to change"
    else:
        summary = "%d change(s) %s" % (len(commands), "would be made" if args.check else "made")
    log.info("%s: %s" % (PROG, summary))
    for problem in problems:
        log.error(problem)
    if problems:
        log.error("%d port(s) of %d not set up (see above); the others were converged"
                  % (len(problems), ports))
        return EXIT_PARTIAL
    return EXIT_OK
