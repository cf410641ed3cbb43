# -*- coding: utf-8 -*-
# Copyright: (c) 2026, linuxnet.ipvlan contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
"""Callback for tests/bench: appends one JSON line per event (playbook
start, task start, task result per host or loop item, end) with a wall-clock
timestamp to the file named by $BENCH_TASKLOG, so the benchmark can say how
much of an ansible-playbook run was start-up, which task, and the end."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
name: bench_timer
type: aggregate
short_description: Time stamps of playbook events for tests/bench
description:
  - Appends a JSON line per event to the file in the environment variable BENCH_TASKLOG.
requirements:
  - enabled in callbacks_enabled
"""

import json
import os
import time

from ansible.plugins.callback import CallbackBase


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "bench_timer"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super(CallbackModule, self).__init__(*args, **kwargs)
        self._path = os.environ.get("BENCH_TASKLOG")

    def _log(self, event, **fields):
        if not self._path:
            return
        fields.update(event=event, t=time.time())
        with open(self._path, "a") as handle:
            handle.write(json.dumps(fields) + "\n")

    def v2_playbook_on_start(self, playbook):
        self._log("playbook_start")

    def v2_playbook_on_task_start(self, task, is_conditional):
        self._log("task_start", task=task.get_name())

    def v2_runner_on_ok(self, result):
        self._log("result", task=result._task.get_name(), status="ok")

    def v2_runner_on_skipped(self, result):
        self._log("result", task=result._task.get_name(), status="skipped")

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._log("result", task=result._task.get_name(), status="failed")

    def v2_runner_item_on_ok(self, result):
        self._log("item", task=result._task.get_name(), status="ok")

    def v2_runner_item_on_skipped(self, result):
        self._log("item", task=result._task.get_name(), status="skipped")

    def v2_playbook_on_stats(self, stats):
        self._log("playbook_end")
