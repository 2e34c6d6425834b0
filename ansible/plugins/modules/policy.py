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
    the module runs in, or the one O(netns) names) match the policy. C(tcppolicy apply)
    checks everything before the first write, takes a lock, writes in dependency order,
    reads every value back, and on any failure restores every value it had written, so a
    failed task leaves the kernel as it was.
  - With O(target=sysctl.d), writes the policy as a C(/etc/sysctl.d) drop-in (atomically,
    mode 0644, only when its content changes), for the next boot or for an image build
    (O(root)). The running kernel is not touched.
  - In check mode the module runs C(tcppolicy plan) and reports what would change without
    changing anything.
  - The result is tcppolicy's JSON report, the same fields in check mode and in apply mode
    (see RV(entries), RV(outcome)), plus RV(changes) and the facts
    RV(ansible_facts.tcppolicy) for fleet reports (the C(tcppolicy.tcppolicy.drift_report)
    callback rolls them up across hosts).
  - With C(--diff), for the live kernel, each parameter that changes (or would change) is
    shown as its own pair of lines, the value before and the value after, under a context
    line with what the policy asks for and where; for a drop-in, the file's content before
    and after.
  - The task reports C(changed) only when a kernel value or the drop-in actually changed (in
    check mode, when something would change), so a second run of the same policy reports
    C(changed=false).
  - When the policy does not compile, the task fails before anything is touched, with the
    compiler's diagnostics in the message, one C(file:line:column) line per error with its
    code, help and notes. A refused or failed apply fails the task with tcppolicy's reason
    as the message, and after a failed write, the rollback report.
author:
  - tcppolicy contributors (@tcppolicy)
requirements:
  - The C(tcppolicy) binary on the managed host (see O(binary)); the
    C(tcppolicy.tcppolicy.tcppolicy) role installs it. It must print format version 2
    reports (tcppolicy 0.1.0 or newer).
  - Root on the managed host (C(become=true)) to write kernel parameters or C(/etc/sysctl.d),
    or to enter another network namespace (O(netns)).
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
        process, or O(netns)).
      - V(sysctl.d) writes a drop-in file instead, read at the next boot by
        C(systemd-sysctl) or C(sysctl --system).
    type: str
    choices: [live, sysctl.d]
    default: live
  netns:
    description:
      - The network namespace to plan and apply in, for O(target=live) only, instead of the
        module's own. A name under C(/run/netns/) (as C(ip netns add) creates) or a path
        such as C(/proc/PID/ns/net) (a container's process).
      - Passed to C(tcppolicy --netns); the report's RV(netns) names the namespace it acted
        in.
    type: str
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
  - Parameters that cannot be written where the module acts (absent from the running
    kernel, or read-only in a container's network namespace) are not applicable and
    skipped; RV(not_applicable) names them and their RV(entries) say why.
  - Warnings from the policy compiler (with their help and notes) and the report's warnings
    (RV(report_warnings), such as a key for which another file wins at boot over the
    drop-in, or an interrupted earlier apply) are issued as Ansible warnings.
  - A task with O(policy) pointing at a missing file fails like any policy that does not
    compile (C(TP010)).
seealso:
  - module: ansible.posix.sysctl
    description: Sets one parameter at a time; C(tcppolicy emit ansible) renders a policy as
      a tasks file for it, for hosts without the binary.
  - plugin: tcppolicy.tcppolicy.drift_report
    plugin_type: callback
    description: Rolls the results of this module over every host of a playbook run into
      one drift report per key.
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

- name: Fail the play on hosts that drifted from the policy
  ansible.builtin.assert:
    that: ansible_facts.tcppolicy.policies['web-frontend'].live.in_sync
    fail_msg: "drifted: {{ ansible_facts.tcppolicy.policies['web-frontend'].live.drifted | join(', ') }}"

- name: Apply a container's policy inside its network namespace
  tcppolicy.tcppolicy.policy:
    policy: /etc/tcppolicy/pod.yaml
    netns: /proc/4242/ns/net
  become: true

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
    - The parameters that changed and stayed changed, in the order they were written (the
      RV(entries) whose C(result) is V(written)). After a failed apply that was rolled
      back, empty.
    - In check mode, the parameters that would change (the RV(entries) whose C(action) is
      V(change)).
    - For O(target=sysctl.d), the keys whose line in the drop-in is new or different.
  returned: always, empty when tcppolicy did not get as far as a plan
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
ansible_facts:
  description: Facts for fleet reports, kept per policy and per target so that several
    policies (and the live kernel and the drop-in of one policy) on a host do not
    overwrite each other. Facts from earlier tasks of the play are kept.
  returned: when the policy compiled
  type: complex
  contains:
    tcppolicy:
      description:
        - C(policies.<policy name>.<target>), where C(<target>) is V(live) or
          C(sysctl.d:<drop-in path>), followed by C(@<netns>) or C(@<root>) when O(netns)
          or O(root) is set. For example
          C(ansible_facts.tcppolicy.policies['web-frontend'].live.in_sync).
        - Each holds C(policy), C(digest), C(target), C(netns), C(kernel_release),
          C(command) (V(plan) in check mode, V(apply)), C(status) (the RV(outcome) status),
          C(in_sync) (true when the target matches the policy after the task, that is
          nothing was pending in check mode, or the apply succeeded), C(drifted) (the keys whose value
          differed from the policy when tcppolicy looked, before any write; in check mode
          they still differ) and C(not_applicable) (key to reason).
      type: dict
      sample:
        policies:
          web-frontend:
            live:
              policy: web-frontend
              digest: 5cf53488f6eb8241c8699cec34b1c6ba98f722a755eebe4a83a1f2fe0f526e12
              target: live
              netns: "net:[4026531840]"
              kernel_release: 6.1.0-18-amd64
              command: plan
              status: changes_pending
              in_sync: false
              drifted: [net.ipv4.tcp_syn_retries]
              not_applicable: {net.core.netdev_max_backlog: "absent in this network namespace"}
format_version:
  description: The version of tcppolicy's report, 2.
  returned: always
  type: int
  sample: 2
command:
  description: V(plan) (check mode) or V(apply).
  returned: always
  type: str
  sample: apply
ok:
  description: Whether tcppolicy succeeded; false when it refused or failed (the task fails).
  returned: always
  type: bool
policy:
  description: The policy's name; null when it did not compile.
  returned: always
  type: str
  sample: web-frontend
digest:
  description: The SHA-256 of the effective policy (hex); null when it did not compile.
  returned: always
  type: str
  sample: 5cf53488f6eb8241c8699cec34b1c6ba98f722a755eebe4a83a1f2fe0f526e12
files:
  description: The policy's files, top-level first.
  returned: always
  type: list
  elements: str
  sample: [/etc/tcppolicy/web-frontend.yaml, /etc/tcppolicy/base.yaml]
target:
  description: Where tcppolicy acted, V(live) or C(sysctl.d:<path on the target system>).
  returned: always
  type: str
  sample: live
root:
  description: O(root), for O(target=sysctl.d); null otherwise.
  returned: always
  type: str
kernel_release:
  description: The running kernel (C(uname -r)).
  returned: always
  type: str
  sample: 6.1.0-18-amd64
netns:
  description: The network namespace the values were read (and written) in.
  returned: always
  type: str
  sample: "net:[4026531840]"
outcome:
  description: How tcppolicy ended.
  returned: always
  type: dict
  contains:
    status:
      description: V(in_sync) or V(changes_pending) (check mode); V(applied) or
        V(nothing_to_do) (apply); V(refused) (nothing was done), V(failed) (a write or
        read-back failed and every earlier write was rolled back) or V(interrupted) (a
        signal stopped the apply, which was rolled back).
      type: str
      sample: applied
    stage:
      description: Where a refused run stopped, V(compile), V(kernel), V(journal), V(lock),
        V(observe), V(preflight), V(stale) or V(write); null otherwise.
      type: str
      sample: preflight
    error:
      description: What went wrong; null on success.
      type: str
    failed:
      description: The parameter whose write or read-back failed.
      type: str
      sample: net.ipv4.ip_local_port_range
    restored:
      description: The parameters written back to their earlier values, in restore order.
      type: list
      elements: str
    rollback_failures:
      description: Restores that failed; when not empty the kernel is B(not) back as it was
        (the message says so, and C(tcppolicy recover) restores from the journal).
      type: list
      elements: str
    signal:
      description: The signal that interrupted the apply.
      type: str
  sample: {status: applied, stage: null, error: null, failed: null, restored: [],
    rollback_failures: [], signal: null}
summary:
  description: How many settings change, are already in sync, or do not apply here.
  returned: always
  type: dict
  contains:
    change:
      description: Settings that change (or would change).
      type: int
    in_sync:
      description: Settings already at the policy's value.
      type: int
    not_applicable:
      description: Settings that cannot be written here; skipped.
      type: int
  sample: {change: 3, in_sync: 1, not_applicable: 0}
entries:
  description: One per setting of the policy, in policy order.
  returned: always, empty when the policy did not compile
  type: list
  elements: dict
  contains:
    name:
      description: The parameter.
      type: str
    action:
      description: V(change), V(in_sync) or V(not_applicable).
      type: str
    before:
      description: The value tcppolicy found (for a drop-in, the value in the file); null
        when there is none.
      type: str
    after:
      description: The value it writes (or would write).
      type: str
    desired:
      description: What the policy asks for, V(3), V(>= 4096), V(kernel default).
      type: str
    rationale:
      description: Why, from the policy.
      type: str
    source:
      description: Where the setting is, C(file:line).
      type: str
    reason:
      description: Why a setting is not applicable here; null otherwise.
      type: str
    result:
      description: After an apply, V(written) (and it stays) or V(rolled_back); null for a
        plan or a setting that was not written.
      type: str
  sample: [{name: net.ipv4.tcp_syn_retries, action: change, before: "6", after: "3",
    desired: "3", rationale: "Fail fast.", source: "web.yaml:10", reason: null,
    result: written}]
not_applicable:
  description: The names of the settings that cannot apply here (their reasons are in
    RV(entries) and in the facts).
  returned: always
  type: list
  elements: str
  sample: [net.core.netdev_max_backlog]
file:
  description: The drop-in, for O(target=sysctl.d); null otherwise.
  returned: always
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
    before:
      description: Its content before; null when there was no file.
      type: str
    after:
      description: Its content as tcppolicy writes it.
      type: str
    read_at_boot:
      description: Whether systemd-sysctl or C(sysctl --system) read it at boot.
      type: bool
shadowing:
  description: For O(target=sysctl.d), per key, every file of the sysctl.d search path
    that sets it and which one wins at boot under systemd-sysctl and C(sysctl --system)
    rules; null otherwise.
  returned: always
  type: list
  elements: dict
report_warnings:
  description: The report's warnings (each is also an Ansible warning), for example a
    drop-in that loses at boot or an interrupted earlier apply. Ansible reserves the name
    C(warnings) in a module's result.
  returned: always
  type: list
  elements: str
interrupted_apply:
  description: An earlier apply in this network namespace that did not finish (its
    journal, pid, policy and the values before it); C(tcppolicy recover) restores them.
  returned: always
  type: dict
lock_waited_ms:
  description: Milliseconds spent waiting for the apply lock; null when none was taken.
  returned: always
  type: int
diagnostics:
  description:
    - The compiler's diagnostics, as C(tcppolicy)'s JSON output gives them (code, name,
      severity, message, location, help, notes), notes included (derived figures such as
      the connect() timeout).
  returned: always
  type: list
  elements: dict
  sample: [{code: TP306, severity: error, message: "`net.ipv4.tcp_syn_retries` is above
    the kernel's maximum of 127: 128", location: {file: /etc/tcppolicy/web.yaml, line: 5,
    column: 12}, help: "`net.ipv4.tcp_syn_retries` accepts 1 to 127"}]
cmd:
  description: The command that was run.
  returned: when tcppolicy ran
  type: list
  elements: str
  sample: [/usr/local/bin/tcppolicy, apply, --format, json, --lock-timeout, "30", --, /etc/tcppolicy/web.yaml]
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
from ansible_collections.tcppolicy.tcppolicy.plugins.module_utils.report import (
    FORMAT_VERSION,
    REPORT_FIELDS,
    drifted,
    escape_line,
    escape_text,
    facts_key,
    relative_source,
)

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
    else:
        if p["netns"]:
            cmd += ["--netns", p["netns"]]
        if not module.check_mode:
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


def render_diagnostic(d):
    """`file:line:col: error[TP306]: message`, then its help and notes, one per line."""
    lines = ["%s%s[%s]: %s" % (location(d), d.get("severity", "error"), d.get("code", "?"),
                               d.get("message", ""))]
    if d.get("help"):
        lines.append("  help: %s" % d["help"])
    for note in d.get("notes") or []:
        lines.append("  note: %s" % note)
    return "\n".join(lines)


def diagnostics_of(doc, severity):
    return [render_diagnostic(d) for d in doc.get("diagnostics") or []
            if d.get("severity") == severity]


def rollback_report(doc):
    """What became of the values written before a failed or interrupted apply."""
    outcome = doc.get("outcome") or {}
    restored = outcome.get("restored") or []
    failures = outcome.get("rollback_failures") or []
    if not failures:
        return ["rolled back (%s): every value is back to what it was before the apply" % (
            "restored " + ", ".join(restored) if restored else "nothing had been written")]
    lines = ["ROLLBACK INCOMPLETE: the kernel is NOT back as it was; these values could "
             "not be restored:"]
    lines += ["  %s" % f for f in failures]
    if restored:
        lines.append("restored: %s" % ", ".join(restored))
    journal = (doc.get("interrupted_apply") or {}).get("journal")
    if journal:
        lines.append("the journal `%s` keeps the values before: run `tcppolicy recover`"
                     % journal)
    return lines


def failure_message(doc, policy_path, rc):
    """The task's message when tcppolicy refused or failed: its reason; the compiler's
    errors with their help; after a failed write, the rollback report."""
    outcome = doc.get("outcome") or {}
    name = doc.get("policy") or policy_path
    if outcome.get("status") in ("failed", "interrupted"):
        if outcome.get("failed"):
            head = "applying `%s` failed at `%s`: %s" % (
                name, outcome["failed"], outcome.get("error"))
        elif outcome.get("signal"):
            head = "`%s` was interrupted by %s" % (name, outcome["signal"])
        else:
            head = outcome.get("error") or "applying `%s` failed" % name
        lines = [head] + rollback_report(doc)
    else:
        lines = [outcome.get("error") or "refused (exit status %d)" % rc]
        if outcome.get("stage") == "compile":
            lines += diagnostics_of(doc, "error")
    return "tcppolicy: " + escape_text("\n".join(lines))


def changes_of(doc, check_mode):
    """`changes`: what would change (check mode; nothing when tcppolicy refuses) or what
    was written and stays."""
    if check_mode:
        kept = drifted(doc.get("entries")) if doc.get("ok") else []
    else:
        kept = [e for e in doc.get("entries") or [] if e.get("result") == "written"]
    return [dict(name=e["name"], before=e.get("before"), after=e.get("after")) for e in kept]


def facts_of(doc, params):
    """ansible_facts.tcppolicy.policies.<policy>.<target> (the action plugin keeps the
    other policies' and targets' facts of the host)."""
    if not doc.get("policy"):
        return None
    outcome = doc.get("outcome") or {}
    entries = doc.get("entries") or []
    fact = dict(
        policy=doc["policy"],
        digest=doc.get("digest"),
        target=doc.get("target"),
        netns=doc.get("netns"),
        kernel_release=doc.get("kernel_release"),
        command=doc.get("command"),
        status=outcome.get("status"),
        in_sync=outcome.get("status") in ("in_sync", "applied", "nothing_to_do"),
        drifted=[e["name"] for e in drifted(entries)],
        not_applicable=dict((e["name"], e.get("reason")) for e in entries
                            if e.get("action") == "not_applicable"),
    )
    key = facts_key(doc, params["netns"], params["root"])
    return dict(tcppolicy=dict(policies={doc["policy"]: {key: fact}}))


def live_diff(doc, changes):
    """One pair of lines per key, before and after, under a context line (the same on
    both sides) saying what the policy asks for and where (relative to the policy's
    directory), so that a unified diff shows each key's old value right above its new
    one."""
    by_name = dict((e["name"], e) for e in doc.get("entries") or [])
    before, after = [], []
    for c in changes:
        e = by_name.get(c["name"], {})
        context = "# %s: %s (%s)" % (c["name"], e.get("desired", c["after"]),
                                     relative_source(e.get("source"), doc.get("files")))
        before += [context, "%s = %s" % (c["name"], c["before"])]
        after += [context, "%s = %s" % (c["name"], c["after"])]
    where = "live kernel %s, network namespace %s" % (doc.get("kernel_release"),
                                                      doc.get("netns"))
    return dict(
        before="".join(escape_line(line) + "\n" for line in before),
        after="".join(escape_line(line) + "\n" for line in after),
        before_header="%s (before)" % escape_line(where),
        after_header="%s (after)" % escape_line(where),
    )


def dropin_diff(doc):
    file_doc = doc.get("file") or {}
    where = escape_line(file_doc.get("host_path") or file_doc.get("path"))
    return dict(
        before=escape_text(file_doc.get("before") or ""),
        after=escape_text(file_doc.get("after") or ""),
        before_header="%s (%s)" % (where, "absent" if file_doc.get("before") is None
                                   else "before"),
        after_header="%s (after)" % where,
    )


def warn_all(module, doc):
    """The compiler's warnings (with help and notes) and the report's warnings."""
    for text in diagnostics_of(doc, "warning"):
        module.warn(escape_text(text))
    for text in doc.get("warnings") or []:
        module.warn(escape_text(text))


# Kept in step with DOCUMENTATION's options by tests/suites/ansible.rs.
ARGUMENT_SPEC = dict(
    policy=dict(type="path", required=True),
    target=dict(type="str", default="live", choices=["live", "sysctl.d"]),
    netns=dict(type="str"),
    path=dict(type="path"),
    root=dict(type="path"),
    binary=dict(type="str", default="tcppolicy"),
    lock_file=dict(type="path"),
    lock_timeout=dict(type="int", default=30),
)


def check_options(module):
    p = module.params
    if p["target"] != "sysctl.d":
        for option in ("path", "root"):
            if p[option]:
                module.fail_json(msg="`%s` only applies to target=sysctl.d" % option)
    elif p["netns"]:
        module.fail_json(msg="`netns` only applies to target=live")
    if p["path"] and not os.path.isabs(p["path"]):
        module.fail_json(msg="`path` must be absolute, as on the target system: %s" % p["path"])
    if p["lock_timeout"] is not None and p["lock_timeout"] < 0:
        module.fail_json(msg="`lock_timeout` must not be negative")


def run_tcppolicy(module, cmd):
    """Run tcppolicy and return (rc, stderr, report); fail unless it printed a report of
    the version this module reads."""
    # C locale and no colour: the output is parsed, and messages are quoted verbatim.
    rc, out, err = module.run_command(
        cmd, check_rc=False,
        environ_update={"NO_COLOR": "1", "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"})
    try:
        doc = json.loads(out)
        if not isinstance(doc, dict):
            raise ValueError("not a JSON object")
    except ValueError:
        output = (err or out).strip() or "no output"
        module.fail_json(msg="tcppolicy failed (exit status %d): %s" % (rc, escape_text(output)),
                         changed=False, cmd=cmd, rc=rc, stdout=out, stderr=err)
    version = doc.get("format_version", doc.get("format"))
    if version != FORMAT_VERSION:
        module.fail_json(
            msg="`%s` prints reports of format version %s; this collection reads version %d: "
                "install the tcppolicy binary that comes with the collection" % (
                    cmd[0], version, FORMAT_VERSION),
            changed=False, cmd=cmd, rc=rc, stdout=out, stderr=err)
    return rc, err, doc


def main():
    module = AnsibleModule(argument_spec=ARGUMENT_SPEC, supports_check_mode=True)
    check_options(module)
    cmd = build_command(module, find_binary(module))
    rc, err, doc = run_tcppolicy(module, cmd)

    # The report's fields, the same in check mode and apply mode, succeeded or not.
    result = dict((k, doc.get(k)) for k in REPORT_FIELDS)
    result.update(report_warnings=doc.get("warnings") or [], cmd=cmd)
    changes = changes_of(doc, module.check_mode)
    result["changes"] = changes
    if module.check_mode:
        result["changed"] = (doc.get("outcome") or {}).get("status") == "changes_pending"
    else:
        result["changed"] = bool(doc.get("changed"))
    facts = facts_of(doc, module.params)
    if facts:
        result["ansible_facts"] = facts
    warn_all(module, doc)

    # Exit status 0, or 2 for "changes pending" from plan, and `ok`: anything else fails.
    if rc not in (0, 2) or doc.get("ok") is False:
        module.fail_json(msg=failure_message(doc, module.params["policy"], rc), rc=rc, stderr=err,
                         **result)

    if module._diff and result["changed"]:
        if module.params["target"] == "sysctl.d":
            result["diff"] = dropin_diff(doc)
        else:
            result["diff"] = live_diff(doc, changes)
    module.exit_json(**result)


if __name__ == "__main__":
    main()
