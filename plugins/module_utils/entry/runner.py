# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.ipvlan contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""The Ansible boundary shared by every module: the pyroute2 guard, one
Driver for the run, and the single place where engine errors become
fail_json."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from ansible.module_utils import basic
from ansible.module_utils.basic import AnsibleModule, missing_required_lib

from ansible_collections.linuxnet.ipvlan.plugins.module_utils.kernel import pyroute2_ext as ext
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.kernel.driver import Driver
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.kernel.lock import HostLock
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model import argspec
from ansible_collections.linuxnet.ipvlan.plugins.module_utils.model.errors import (
    IpvlanError,
    PlanFailed,
)


def new_module(argument_spec, **kwargs):
    """AnsibleModule(argument_spec, **kwargs), once the raw arguments have
    the declared shapes (model/argspec.shape): a list where a name is
    expected fails naming the field, instead of becoming "['x', 'y']".
    The raw arguments are those Ansible's module wrapper (or a test's
    patch_module_args) handed over; a module run by hand as a script loads
    them itself, and is then checked by Ansible alone."""
    raw = None
    if getattr(basic, "_ANSIBLE_ARGS", None) is not None:
        try:
            raw = basic._load_params()
        except Exception:  # Ansible's own loading reports it below
            raw = None
    problem = argspec.shape(raw, argument_spec) if isinstance(raw, dict) else None
    if problem:
        lenient = AnsibleModule(argument_spec=dict((k, dict(type="raw")) for k in argument_spec),
                                supports_check_mode=True)
        lenient.fail_json(msg=problem)
    return AnsibleModule(argument_spec=argument_spec, **kwargs)


def run(module, engine, read_only=False):
    """Run `engine(driver, params, check_mode)` -> result dict and exit.

    The engine returns at least `changed`; a `diff` entry is dropped unless
    the user asked for diff mode. The whole run (read, plan, apply) holds
    the host lock (lock.py): exclusively when it may change something,
    shared in check mode and for `read_only` modules."""
    if not ext.HAS_PYROUTE2:
        module.fail_json(msg=missing_required_lib("pyroute2"),
                         exception=ext.PYROUTE2_IMPORT_ERROR)
    problem = ext.version_problem()
    if problem:
        module.fail_json(msg=problem)
    try:
        with HostLock(shared=read_only or module.check_mode):
            with Driver() as driver:
                result = engine(driver, module.params, module.check_mode)
    except PlanFailed as exc:
        failure = dict(msg=str(exc), commands=exc.done, changed=bool(exc.done) and not exc.restored,
                       failed_operation=exc.failed)
        if exc.rollback:
            failure.update(rolled_back=exc.rolled_back, rollback_commands=exc.rollback_commands,
                           not_restored=exc.not_restored)
        module.fail_json(**failure)
    except IpvlanError as exc:
        module.fail_json(msg=str(exc))
    except OSError as exc:
        module.fail_json(msg="%s; the modules need root (become: true) for netlink "
                             "and /run/netns" % exc)
    if not module._diff:
        result.pop("diff", None)
    module.exit_json(**result)
