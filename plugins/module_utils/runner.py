# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.ipvlan contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Ansible boundary shared by every module: the pyroute2 guard, one
Driver for the run, and the single place where engine errors become
fail_json."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils.basic import missing_required_lib

from ansible_collections.linuxnet.ipvlan.plugins.module_utils import pyroute2_ext as ext
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.driver import Driver
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.errors import IpvlanError
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.plan import PlanFailed


def run(module, engine):
    """Run `engine(driver, params, check_mode)` -> result dict and exit.

    The engine returns at least `changed`; a `diff` entry is dropped unless
    the user asked for diff mode."""
    if not ext.HAS_PYROUTE2:
        module.fail_json(msg=missing_required_lib("pyroute2"),
                         exception=ext.PYROUTE2_IMPORT_ERROR)
    problem = ext.version_problem()
    if problem:
        module.fail_json(msg=problem)
    try:
        with Driver() as driver:
            result = engine(driver, module.params, module.check_mode)
    except PlanFailed as exc:
        module.fail_json(msg=str(exc), commands=exc.done, changed=bool(exc.done))
    except IpvlanError as exc:
        module.fail_json(msg=str(exc))
    except OSError as exc:
        module.fail_json(msg="%s; the modules need root (become: true) for netlink "
                             "and /run/netns" % exc)
    if not module._diff:
        result.pop("diff", None)
    module.exit_json(**result)
