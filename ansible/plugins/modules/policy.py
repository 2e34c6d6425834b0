#!/usr/bin/python
# -*- coding: utf-8 -*-

# Copyright: tcppolicy contributors
# SPDX-License-Identifier: MIT OR Apache-2.0

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
module: policy
short_description: Apply a tcppolicy policy to the running kernel or a sysctl.d drop-in
version_added: "0.1.0"
description:
  - Runs C(tcppolicy) on the managed host for a policy file that is already there (the
    M(tcppolicy.tcppolicy.policy) module does not copy it; the C(tcppolicy.tcppolicy.tcppolicy)
    role does).
  - With O(target=live), makes the running kernel's TCP parameters (in the network namespace
    the module runs in) match the policy. C(tcppolicy apply) checks everything before the
    first write, takes a lock, writes in dependency order, reads every value back, and on any
    failure restores every value it had written, so a failed task leaves the kernel as it was.
  - With O(target=sysctl.d), writes the policy as a C(/etc/sysctl.d) drop-in (atomically,
    mode 0644, only when its content changes), for the next boot or for an image build
    (O(root)). The running kernel is not touched.
  - In check mode the module runs C(tcppolicy plan) and reports what would change without
    changing anything. With C(--diff) it shows, for the live kernel, one C(key = value) line
    per parameter that changes (or would change), and for a drop-in the file's content before
    and after.
  - The task reports C(changed) only when a kernel value or the drop-in actually changed, so a
    second run of the same policy reports C(changed=false).
  - When the policy does not compile, the task fails before anything is touched, with the
    compiler's diagnostics in the message, one C(file:line:column) line per error with its
    code and help.
author:
  - tcppolicy contributors (@tcppolicy)
requirements:
  - The C(tcppolicy) binary on the managed host (see O(binary)); the
    C(tcppolicy.tcppolicy.tcppolicy) role installs it.
  - Root on the managed host (C(become=true)) to write kernel parameters or C(/etc/sysctl.d).
extends_documentation_fragment:
  - ansible.builtin.action_common_attributes
attributes:
  check_mode:
    support: full
  diff_mode:
    support: full
  platform:
    support: full
    platforms: linux
options:
  policy:
    description:
      - Path of the policy file on the managed host.
      - Files it names in C(extends) are resolved relative to it, so copy them alongside.
    type: path
    required: true
  target:
    description:
      - V(live) changes the running kernel (in the network namespace of the module's
        process).
      - V(sysctl.d) writes a drop-in file instead, read at the next boot by
        C(systemd-sysctl) or C(sysctl --system).
    type: str
    choices: [live, sysctl.d]
    default: live
  path:
    description:
      - The drop-in's path as seen on the target system, for O(target=sysctl.d). Must be
        absolute.
      - Default C(/etc/sysctl.d/90-tcppolicy-<policy name>.conf).
    type: path
  root:
    description:
      - Prefix every file path with this directory, for O(target=sysctl.d) only. The drop-in
        is written to O(root)/O(path) and the shadowing report reads the sysctl.d search
        path under O(root). Use it to build images.
    type: path
  binary:
    description:
      - The C(tcppolicy) executable. A name without C(/) is searched for in C(PATH),
        C(/usr/local/bin) (where the role installs it) and the sbin directories.
    type: str
    default: tcppolicy
  lock_file:
    description:
      - The lock file that serialises concurrent applies to the live kernel.
      - Default C(/run/tcppolicy/netns-<namespace id>.lock), one per network namespace.
      - Only used with O(target=live) outside check mode.
    type: path
  lock_timeout:
    description:
      - Seconds to wait for another apply to release the lock before failing.
      - Only used with O(target=live) outside check mode.
    type: int
    default: 30
notes:
  - Parameters that do not exist on the managed host (for example a host-wide parameter
    inside a container's network namespace, or one the running kernel does not have) are
    reported as not applicable and skipped, see RV(summary).
  - Warnings from the policy compiler, and for O(target=sysctl.d) every key for which another
    file wins at boot, are returned as Ansible warnings.
seealso:
  - module: ansible.posix.sysctl
    description: Sets one parameter at a time; C(tcppolicy emit ansible) renders a policy as
      a tasks file for it, for hosts without the binary.
  - name: tcppolicy README
    description: The policy language, the plan and apply guarantees and the Ansible section.
    link: https://example.invalid/tcppolicy
"""

EXAMPLES = r"""
- name: Make the running kernel match the policy
  tcppolicy.tcppolicy.policy:
    policy: /etc/tcppolicy/web-frontend.yaml
  become: true

- name: Show what would change, per key (run the play with --check --diff)
  tcppolicy.tcppolicy.policy:
    policy: /etc/tcppolicy/web-frontend.yaml
  check_mode: true
  diff: true
  register: tcp_plan

- name: Write the drop-in the next boot applies
  tcppolicy.tcppolicy.policy:
    policy: /etc/tcppolicy/web-frontend.yaml
    target: sysctl.d
  become: true

- name: Render the drop-in into an image being built under /mnt/image
  tcppolicy.tcppolicy.policy:
    policy: /etc/tcppolicy/web-frontend.yaml
    target: sysctl.d
    root: /mnt/image
    path: /etc/sysctl.d/60-tcp.conf

- name: Use a binary outside PATH and wait longer for a concurrent apply
  tcppolicy.tcppolicy.policy:
    policy: /etc/tcppolicy/web-frontend.yaml
    binary: /opt/tcppolicy/bin/tcppolicy
    lock_timeout: 120
  become: true
"""

RETURN = r"""
changes:
  description:
    - The parameters that changed (in check mode, that would change), in the order they were
      written. Empty when everything was in sync.
    - For O(target=sysctl.d), the keys whose line in the drop-in is new or different.
  returned: success
  type: list
  elements: dict
  contains:
    name:
      description: The parameter.
      type: str
      sample: net.ipv4.tcp_syn_retries
    before:
      description: Its value before, as the kernel prints it (normalised spacing); null for a
        key the drop-in did not set.
      type: str
      sample: "6"
    after:
      description: Its value after.
      type: str
      sample: "3"
  sample: [{name: net.ipv4.tcp_syn_retries, before: "6", after: "3"}]
summary:
  description: How many settings change, are already in sync, or do not apply on this host.
  returned: success, except with O(target=sysctl.d) outside check mode
  type: dict
  contains:
    change:
      description: Settings that changed (or would change).
      type: int
    in_sync:
      description: Settings already at the policy's value.
      type: int
    not_applicable:
      description: Settings whose parameter does not exist here; skipped.
      type: int
  sample: {change: 3, in_sync: 1, not_applicable: 0}
file:
  description: The drop-in, for O(target=sysctl.d).
  returned: success and O(target=sysctl.d)
  type: dict
  contains:
    path:
      description: Its path on the target system.
      type: str
      sample: /etc/sysctl.d/90-tcppolicy-web-frontend.conf
    host_path:
      description: Where it is written on the managed host (under O(root)).
      type: str
      sample: /mnt/image/etc/sysctl.d/90-tcppolicy-web-frontend.conf
    action:
      description: V(created), V(updated) or V(unchanged); in check mode V(create),
        V(update) or V(unchanged).
      type: str
      sample: created
outcome:
  description:
    - What C(tcppolicy apply) did on the live kernel, as its JSON report says.
    - C(status) is V(applied), V(nothing_to_do) or V(failed); on failure, C(error),
      C(failed) (the parameter whose write or read-back failed), C(restored) (the
      parameters written back to their earlier values) and C(rollback_failures) (those
      that could not be; empty when the kernel is back as it was).
  returned: when O(target=live), not in check mode, and the apply got as far as writing
  type: dict
  sample: {status: applied}
diagnostics:
  description:
    - The compiler's diagnostics, as C(tcppolicy)'s JSON output gives them (code, name,
      severity, message, location, help, notes).
    - On success all of them, notes included (derived figures such as the connect()
      timeout); on failure only the errors and warnings.
  returned: when tcppolicy ran
  type: list
  elements: dict
  sample: [{code: TP306, severity: error, message: "`net.ipv4.tcp_syn_retries` is above
    the kernel's maximum of 127: 128", location: {file: /etc/tcppolicy/web.yaml, line: 5,
    column: 12}, help: "`net.ipv4.tcp_syn_retries` accepts 1 to 127"}]
report:
  description: The whole JSON document C(tcppolicy plan --format json) (check mode) or
    C(tcppolicy apply --format json) printed.
  returned: success
  type: dict
cmd:
  description: The command that was run.
  returned: when tcppolicy ran
  type: list
  elements: str
  sample: [/usr/local/bin/tcppolicy, apply, --format, json, --lock-timeout, "30", --, /etc/tcppolicy/web.yaml]
stage:
  description: Where C(tcppolicy apply) stopped before writing anything (V(kernel),
    V(preflight), V(lock), V(observe) or V(stale)).
  returned: failure before any write
  type: str
  sample: preflight
stderr:
  description: What tcppolicy printed on standard error.
  returned: failure
  type: str
rc:
  description: tcppolicy's exit status.
  returned: failure
  type: int
  sample: 1
"""

import json
import os

from ansible.module_utils.basic import AnsibleModule
from ansible.module_utils.common.text.converters import to_native

# Where the tcppolicy role installs the binary by default, searched after PATH.
EXTRA_BIN_DIRS = ["/usr/local/bin"]


def find_binary(module):
    binary = module.params["binary"]
    if "/" in binary:
        if not (os.path.isfile(binary) and os.access(binary, os.X_OK)):
            module.fail_json(msg="the tcppolicy binary `%s` does not exist or is not executable"
                             % binary)
        return binary
    found = module.get_bin_path(binary, required=False, opt_dirs=EXTRA_BIN_DIRS)
    if not found:
        module.fail_json(
            msg="cannot find `%s` in PATH or %s on the managed host: install it (the "
                "tcppolicy.tcppolicy.tcppolicy role does) or give its path in `binary`"
                % (binary, ", ".join(EXTRA_BIN_DIRS)))
    return found


def build_command(module, binary):
    p = module.params
    verb = "plan" if module.check_mode else "apply"
    cmd = [binary, verb, "--format", "json"]
    if p["target"] == "sysctl.d":
        cmd += ["--target", ("sysctl.d:%s" % p["path"]) if p["path"] else "sysctl.d"]
        if p["root"]:
            cmd += ["--root", p["root"]]
    elif not module.check_mode:
        if p["lock_file"]:
            cmd += ["--lock-file", p["lock_file"]]
        if p["lock_timeout"] is not None:
            cmd += ["--lock-timeout", str(p["lock_timeout"])]
    cmd += ["--", p["policy"]]
    return cmd


def location(diag):
    loc = diag.get("location") or {}
    if not loc.get("file"):
        return ""
    parts = [loc["file"]]
    for key in ("line", "column"):
        if loc.get(key) is not None:
            parts.append(str(loc[key]))
    return ":".join(parts) + ": "


def render_diagnostics(diagnostics, severities=("error",)):
    """`file:line:col: error[TP306]: message` lines, each followed by its help and notes."""
    lines = []
    for d in diagnostics or []:
        severity = d.get("severity", "error")
        if severity not in severities:
            continue
        lines.append("%s%s[%s]: %s" % (
            location(d), severity, d.get("code", "?"), d.get("message", "")))
        if d.get("help"):
            lines.append("  help: %s" % d["help"])
        for note in d.get("notes") or []:
            lines.append("  note: %s" % note)
    return lines


def warn_diagnostics(module, doc):
    for line in render_diagnostics(doc.get("diagnostics"), severities=("warning",)):
        if not line.startswith("  "):
            module.warn(line)


def warn_shadowing(module, doc):
    for s in doc.get("shadowing") or []:
        if not s.get("setters"):
            continue
        losses = []
        if not s.get("ours_wins_systemd"):
            losses.append("systemd-sysctl")
        if not s.get("ours_wins_procps"):
            losses.append("sysctl --system")
        if losses:
            winner = s.get("systemd_winner") or s.get("procps_winner") or {}
            module.warn("%s: the drop-in loses at boot under %s to %s:%s (= %s)" % (
                s.get("key"), " and ".join(losses), winner.get("file"), winner.get("line"),
                winner.get("value")))


def lines_of(changes, side):
    return "".join("%s = %s\n" % (c["name"], c[side]) for c in changes if c[side] is not None)


def parse_dropin(text):
    """`key = value` lines of a drop-in we wrote (comments and blank lines skipped)."""
    values = {}
    for line in (text or "").splitlines():
        line = line.strip()
        if not line or line[0] in "#;" or "=" not in line:
            continue
        key, value = line.split("=", 1)
        values[key.strip()] = " ".join(value.split())
    return values


def dropin_changes(file_doc):
    before = parse_dropin(file_doc.get("before"))
    after = parse_dropin(file_doc.get("after"))
    changes = []
    for key, value in after.items():
        if before.get(key) != value:
            changes.append({"name": key, "before": before.get(key), "after": value})
    for key, value in before.items():
        if key not in after:
            changes.append({"name": key, "before": value, "after": None})
    return changes


def fail_compile(module, doc, result):
    lines = render_diagnostics(doc.get("diagnostics"))
    msg = "tcppolicy: %s" % doc.get("error", "the policy does not compile")
    if lines:
        msg += ":\n" + "\n".join(lines)
    module.fail_json(msg=msg, **result)


def fail_apply(module, doc, result):
    outcome = doc.get("outcome") or {}
    plan = doc.get("plan") or {}
    result["outcome"] = outcome
    result["changes"] = doc.get("written") or []
    msg = "tcppolicy: applying `%s` failed at `%s`: %s" % (
        plan.get("policy", module.params["policy"]), outcome.get("failed"),
        outcome.get("error"))
    failures = outcome.get("rollback_failures") or []
    restored = outcome.get("restored") or []
    if failures:
        msg += ("\nROLLBACK INCOMPLETE: the kernel is NOT back as it was; these values could "
                "not be restored:\n" + "\n".join("  " + to_native(f) for f in failures))
        if restored:
            msg += "\nrestored: %s" % ", ".join(restored)
    else:
        msg += "\nrolled back (%s): every value is back to what it was before the apply" % (
            "restored " + ", ".join(restored) if restored else "nothing had been written")
    module.fail_json(msg=msg, **result)


# Kept in step with DOCUMENTATION's options by tests/suites/ansible.rs.
ARGUMENT_SPEC = dict(
    policy=dict(type="path", required=True),
    target=dict(type="str", default="live", choices=["live", "sysctl.d"]),
    path=dict(type="path"),
    root=dict(type="path"),
    binary=dict(type="str", default="tcppolicy"),
    lock_file=dict(type="path"),
    lock_timeout=dict(type="int", default=30),
)


def main():
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    p = module.params
    if p["target"] != "sysctl.d":
        for option in ("path", "root"):
            if p[option]:
                module.fail_json(msg="`%s` only applies to target=sysctl.d" % option)
    if p["path"] and not os.path.isabs(p["path"]):
        module.fail_json(msg="`path` must be absolute, as on the target system: %s" % p["path"])
    if p["lock_timeout"] is not None and p["lock_timeout"] < 0:
        module.fail_json(msg="`lock_timeout` must not be negative")

    cmd = build_command(module, find_binary(module))
    # C locale and no colour: the output is parsed, and messages are quoted verbatim.
    rc, out, err = module.run_command(
        cmd, check_rc=False,
        environ_update={"NO_COLOR": "1", "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"})
    result = dict(changed=False, cmd=cmd)
    try:
        doc = json.loads(out)
        if not isinstance(doc, dict):
            raise ValueError("not a JSON object")
    except ValueError:
        output = (err or out).strip() or "no output"
        module.fail_json(
            msg="tcppolicy failed (exit status %d): %s" % (rc, output),
            rc=rc, stdout=out, stderr=err, **result)

    # A document with `ok: false` (or an exit status other than 0, or 2 for "changes
    # pending" from plan) is a failure. Its result carries the parsed parts that explain
    # it, not the whole report, so that the message stands out.
    if rc not in (0, 2) or doc.get("ok") is False:
        result.update(rc=rc, stderr=err, diagnostics=[
            d for d in doc.get("diagnostics") or [] if d.get("severity") in ("error", "warning")
        ])
        if "stage" in doc:
            # Stopped before any write: preflight, kernel range, lock, observe, stale plan.
            module.fail_json(msg="tcppolicy: %s" % doc.get("error"), stage=doc["stage"],
                             **result)
        if "outcome" in doc:
            result["changed"] = bool(doc.get("changed"))
            fail_apply(module, doc, result)
        if doc.get("diagnostics") and "error" in doc:
            fail_compile(module, doc, result)
        module.fail_json(msg="tcppolicy: %s" % (doc.get("error") or err.strip()
                                                or "failed (exit status %d)" % rc), **result)

    result["report"] = doc
    result["diagnostics"] = doc.get("diagnostics") or []
    warn_diagnostics(module, doc)
    diff = None
    if p["target"] == "sysctl.d":
        file_doc = doc.get("file") or {}
        warn_shadowing(module, doc)
        result["file"] = dict((k, file_doc.get(k)) for k in ("path", "host_path", "action"))
        result["changed"] = file_doc.get("action") not in (None, "unchanged")
        result["changes"] = dropin_changes(file_doc) if result["changed"] else []
        if "summary" in doc:
            result["summary"] = doc["summary"]
        diff = dict(
            before=file_doc.get("before") or "",
            after=file_doc.get("after") or "",
            before_header="%s (%s)" % (file_doc.get("host_path") or file_doc.get("path"),
                                       "absent" if file_doc.get("before") is None else "before"),
            after_header="%s (after)" % (file_doc.get("host_path") or file_doc.get("path")),
        )
    else:
        plan = doc.get("plan", doc)  # apply nests the plan; plan is the plan
        result["summary"] = plan.get("summary")
        if module.check_mode:
            changes = [dict(name=e["name"], before=e.get("before"), after=e.get("after"))
                       for e in plan.get("entries") or [] if e.get("action") == "change"]
        else:
            result["outcome"] = doc.get("outcome")
            changes = [dict(name=w["name"], before=w.get("before"), after=w.get("after"))
                       for w in doc.get("written") or []]
        result["changes"] = changes
        result["changed"] = bool(changes)
        where = "live kernel %s, network namespace %s" % (plan.get("kernel_release"),
                                                          plan.get("netns"))
        diff = dict(before=lines_of(changes, "before"), after=lines_of(changes, "after"),
                    before_header="%s (before)" % where, after_header="%s (after)" % where)
    if module._diff and result["changed"]:
        result["diff"] = diff
    module.exit_json(**result)


if __name__ == "__main__":
    main()
