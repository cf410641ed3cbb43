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

The saved topology is data (resources/saved_topology.py says what is
trusted and how it is checked).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import argparse
import contextlib
import os
import sys

from ansible_collections.linuxnet.ipvlan.plugins.module_utils.kernel import pyroute2_ext as ext
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.kernel.driver import Driver
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.kernel.lock import HostLock
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model.errors import (
    IpvlanError,
    NamespaceNotFound,
    ValidationError,
)
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model.errors import PlanFailed
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.resources import ipvlan_topology
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.resources.saved_topology import (
    BOOT_STATES,
    CONFIG_DIR,
    EXIT_OK,
    EXIT_PARTIAL,
    EXIT_REFUSED,
    PROG,
    check_name,
    load,
    topology_path,
)

# ---------------------------------------------------------------- converge


def converge(driver, saved, check_mode):
    """Converge the saved topology through ipvlan_topology's engine, port by
    port as far as masters exist. Returns (commands, problems, ports): the
    plan's lines, one message per port left out because its master is
    missing or unusable, and the number of ports. Raises ValidationError
    (nothing changed) or PlanFailed."""
    state = BOOT_STATES[saved["state"]]
    want = ipvlan_topology.normalize(saved["config"])
    problems = []
    skipped = set()
    for port in want:
        try:
            ipvlan_topology.check_masters(driver, [port])
        except (ValidationError, NamespaceNotFound) as exc:
            problems.append("%s; its %d link(s) were not set up" % (exc, len(port["links"])))
            skipped.add((port["master_netns"], port["master"]))
    config = [port for port in saved["config"]
              if (port.get("master_netns"), port["master"]) not in skipped]
    if not config:
        return [], problems, len(want)
    result = ipvlan_topology.engine(driver, {"config": config, "state": state}, check_mode)
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
