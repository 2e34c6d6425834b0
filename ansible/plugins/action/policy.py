# -*- coding: utf-8 -*-

# Copyright: tcppolicy contributors
# SPDX-License-Identifier: MIT OR Apache-2.0

"""The controller side of the policy module: run it, then keep the host's facts of the
other policies and targets.

A module's ``ansible_facts`` replace the host's facts key by key at the top level, so a
module alone would replace ``ansible_facts.tcppolicy`` with the one policy it ran. Here
the facts the module returns (``tcppolicy.policies.<policy>.<target>``) are merged into
the ones the host already has, so that several policies, and the live kernel and the
drop-in of one policy, each keep theirs.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

from collections.abc import Mapping

from ansible.plugins.action import ActionBase
from ansible.utils.vars import merge_hash


def plain(value):
    """A copy made of plain dicts and lists (task variables may be lazy containers)."""
    if isinstance(value, Mapping):
        return dict((k, plain(v)) for k, v in value.items())
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    return value


def merged_policies(known, new):
    """`known` (the host's ``policies``) with each policy's targets from `new` added or
    replaced."""
    policies = dict(known) if isinstance(known, dict) else {}
    for name, targets in new.items():
        mine = dict(policies.get(name) or {}) if isinstance(policies.get(name), dict) else {}
        mine.update(targets)
        policies[name] = mine
    return policies


class ActionModule(ActionBase):

    _supports_check_mode = True
    _supports_async = True

    def run(self, tmp=None, task_vars=None):
        result = super(ActionModule, self).run(tmp, task_vars)
        del tmp  # tmp no longer has any effect

        wrap_async = self._task.async_val and not self._connection.has_native_async
        result = merge_hash(result, self._execute_module(task_vars=task_vars,
                                                         wrap_async=wrap_async))
        if not wrap_async:
            self._remove_tmp_path(self._connection._shell.tmpdir)

        new = ((result.get("ansible_facts") or {}).get("tcppolicy") or {}).get("policies")
        if isinstance(new, dict):
            known = ((task_vars or {}).get("ansible_facts") or {}).get("tcppolicy") or {}
            known = plain(known).get("policies") if isinstance(known, Mapping) else None
            result["ansible_facts"]["tcppolicy"]["policies"] = merged_policies(known or {}, new)
        return result
