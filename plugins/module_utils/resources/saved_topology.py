# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.ipvlan contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""A saved topology: what ipvlan_persist writes and the boot command
(entry/boot.py) reads back, /etc/linuxnet-ipvlan/NAME.json.

The saved topology is data: JSON, checked against ipvlan_topology's own
argument spec (types, choices, no unknown keys; model/argspec.strict) and
then by the engine's validation, before anything changes. It must be a
regular file owned by root, in directories owned by root, none of them
writable by group or others (a sticky directory aside).
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import json
import os
import stat
import string

from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model import argspec
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model.errors import (
    IpvlanError,
    ValidationError,
)
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.planners import topology

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
    config = argspec.strict(data.get("config"), dict(type="list", elements="dict",
                                                     options=topology.PORT_OPTIONS), "config")
    return {"name": data.get("name"), "state": data["state"], "config": config}
