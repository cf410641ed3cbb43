# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.ipvlan contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Preflight: what the kernel would refuse, found before the first change
and in check mode alike, so that check mode fails where a real run would.

Checked here, for what the plan's ops need (each kind's needs()): the
kernel has the link kinds a plan creates (a probe that creates nothing),
and mode l3s where the kernel's configuration says it is missing. What
the state read before the run already shows is checked by the planners
(masters: planners/links.check_master; a topology's routes, namespaces and
addresses: planners/topology.py), stale /run/netns entries by
nsfs.open_fd and the netns engine.

l3s cannot be probed: the kernel checks CONFIG_IPVLAN_L3S only when a slave
is created or its port's mode is set, and creating a slave changes the mode
of every sibling on that master. So the kernel's build configuration is read
(/proc/config.gz, /boot/config-RELEASE) when one is there; when neither is,
l3s is assumed present, and a kernel without it refuses the operation
(ENOTSUPP), which fails the run and rolls it back.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import errno
import gzip
import os

from ansible_collections.linuxnet.ipvlan.plugins.module_utils.kernel import messages as m
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model.errors import (
    KernelError,
    ValidationError,
    missing_kind,
)


def probe_kind(session, kind):
    """True when the kernel knows link kind `kind`, False when it does not.

    RTM_NEWLINK of that kind without IFLA_LINK: ipvlan_link_new() refuses
    it with EINVAL before anything exists; an unknown kind is EOPNOTSUPP
    (after the kernel tried to load rtnl-link-KIND)."""
    try:
        session.request(m.link_probe(kind), m.RTM_NEWLINK, m.REQ_CREATE,
                        "probe link kind %s" % kind)
    except KernelError as exc:
        if exc.code == errno.EOPNOTSUPP:
            return False
        if exc.code == errno.EINVAL:
            return True
        raise
    return True  # not expected: no kernel accepts an ipvlan without master


def l3s_configured(release=None):
    """False when the kernel's build configuration says CONFIG_IPVLAN_L3S is
    not set, True when it is set, None when no configuration can be read."""
    release = release or os.uname()[2]
    for path, opener in (("/proc/config.gz", gzip.open), ("/boot/config-%s" % release, open)):
        try:
            with opener(path, "rt") as handle:
                text = handle.read()
        except (OSError, IOError, EOFError):
            continue
        for line in text.splitlines():
            if line.startswith("CONFIG_IPVLAN_L3S="):
                return line.split("=", 1)[1].strip() in ("y", "m")
        return False if "CONFIG_IPVLAN=" in text else None
    return None


def check_plan(driver, plan, field_of):
    """Probe the kinds the plan creates (once per run) and l3s where the
    plan asks for it. `field_of(option, value)` names the field to blame
    ('kind', 'ipvtap') -> 'kind'. Raises ValidationError."""
    kinds, l3s = [], False
    for op in plan:
        for what, value in op.kind.needs(op):
            if what == "kind" and value not in kinds:
                kinds.append(value)
            elif what == "mode" and value == "l3s":
                l3s = True
    if not kinds and not l3s:
        return
    session = driver.session(None)
    for kind in kinds:
        if not probe_kind(session, kind):
            raise ValidationError(field_of("kind", kind), missing_kind(kind))
    if l3s and l3s_configured() is False:
        raise ValidationError(field_of("mode", "l3s"),
                              "mode l3s needs a kernel built with CONFIG_IPVLAN_L3S, and this "
                              "kernel's configuration has it unset; use mode l3")
