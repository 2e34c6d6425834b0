# -*- coding: utf-8 -*-

# Copyright: tcppolicy contributors
# SPDX-License-Identifier: MIT OR Apache-2.0

from __future__ import absolute_import, division, print_function

__metaclass__ = type

DOCUMENTATION = r"""
---
name: drift_report
type: aggregate
short_description: One drift report per key across every host of a playbook run
version_added: "0.1.0"
description:
  - Collects the results of the M(tcppolicy.tcppolicy.policy) module (and so of the
    C(tcppolicy.tcppolicy.tcppolicy) role) on every host of one C(ansible-playbook) run,
    and at the end prints one report per policy, target and key, with the hosts where the
    key differs from the policy, what the policy wants, what each host had, and the
    policy's rationale. The same report is written as JSON and as Markdown (for a ticket,
    a wiki or a pull request).
  - A key has drifted on a host when its value differed from the policy when tcppolicy
    looked, before any write. In check mode it still differs (V(pending)); after an apply
    it was corrected (V(corrected)), or rolled back with the failed apply (V(rolled_back)),
    or not written because the apply was refused (V(not_written)).
  - Each key is shown with its source, C(file:line) relative to the policy's directory
    (the same on every host, wherever the policy was copied or staged).
  - For each host, policy and target, the last result of the run counts. Hosts where the
    module failed (a policy that does not compile, a refused apply) and unreachable hosts
    are listed with the reason. Parameters that do not apply on a host are not drift; the
    JSON names them per host with the reason.
  - Enable it in C(ansible.cfg) (C(callbacks_enabled = tcppolicy.tcppolicy.drift_report) in
    C([defaults])) or with C(ANSIBLE_CALLBACKS_ENABLED). It does not replace the stdout
    callback.
  - Everything that comes from hosts and policies (host names, values, rationale) is
    escaped, control and invisible characters as C(\u{1b}) in the text and both files, and
    in Markdown every character that could start markup (C(|), backticks, C(*), C(_),
    brackets, C(<), C(>), C(&)), so a rationale cannot break the table or inject HTML.
author:
  - tcppolicy contributors (@tcppolicy)
requirements:
  - Enabled in C(ansible.cfg) (C(callbacks_enabled)).
options:
  json_path:
    description:
      - Where to write the report as JSON (C(format_version) 2). Relative paths are
        relative to the directory C(ansible-playbook) runs in. An empty value writes no
        JSON file.
    type: path
    default: tcppolicy-drift.json
    env:
      - name: TCPPOLICY_DRIFT_JSON
    ini:
      - section: tcppolicy_drift_report
        key: json_path
  markdown_path:
    description:
      - Where to write the report as Markdown. Relative paths are relative to the
        directory C(ansible-playbook) runs in. An empty value writes no Markdown file.
    type: path
    default: tcppolicy-drift.md
    env:
      - name: TCPPOLICY_DRIFT_MARKDOWN
    ini:
      - section: tcppolicy_drift_report
        key: markdown_path
  show:
    description:
      - Print the report at the end of the run. Turn it off when the stdout callback
        prints a document of its own (C(ansible.posix.json)).
    type: bool
    default: true
    env:
      - name: TCPPOLICY_DRIFT_SHOW
    ini:
      - section: tcppolicy_drift_report
        key: show
notes:
  - The files are replaced atomically (written next to their path, then renamed).
seealso:
  - module: tcppolicy.tcppolicy.policy
"""

import datetime
import json
import os
import tempfile

from ansible.plugins.callback import CallbackBase
from ansible_collections.tcppolicy.tcppolicy.plugins.module_utils.report import (
    FORMAT_VERSION,
    drifted,
    escape_line,
    relative_source,
)

MODULE = "tcppolicy.tcppolicy.policy"

# What an apply did with a drifted key, by the entry's `result`; plan: pending.
RESULTS = {"written": "corrected", "rolled_back": "rolled_back", None: "not_written"}

# Characters that start or end inline Markdown (code, emphasis, links, table cells,
# strikethrough, GitHub's math), escaped with a backslash; `<`, `>` and `&` become
# entities (no HTML, no entity from host data). Text never starts a line of the file, so
# block markup (`#`, `-`, `1.`) cannot start there. Line breaks and control characters
# never get here (escape_line).
MARKDOWN_SPECIAL = set("\\`*_[]|~$")
MARKDOWN_ENTITIES = {"<": "&lt;", ">": "&gt;", "&": "&amp;"}


def one_line(text):
    """`text` on one line: white space runs (line breaks included) as one space, unsafe
    characters escaped."""
    return escape_line(" ".join(("%s" % (text,)).split())) if text is not None else ""


def md(text):
    """`text` for a Markdown table cell or paragraph: one line, every markup character
    escaped."""
    out = []
    for c in one_line(text):
        if c in MARKDOWN_ENTITIES:
            out.append(MARKDOWN_ENTITIES[c])
        elif c in MARKDOWN_SPECIAL:
            out.append("\\" + c)
        else:
            out.append(c)
    return "".join(out)


def shown(value):
    """A value as a person reads it: `(unset)` for none, `(empty)` for an empty string."""
    if value is None:
        return "(unset)"
    return value if value != "" else "(empty)"


def part(result, name):
    """`host`, `task` or `result` of a callback's task result (the names without the
    leading underscore came with ansible-core 2.19)."""
    value = getattr(result, name, None)
    if value is None or callable(value):
        value = getattr(result, "_" + name)
    return value


def write_atomically(path, text):
    directory = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(prefix=".%s." % os.path.basename(path), dir=directory)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            f.write(text)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o644)
        os.rename(tmp, path)
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise


class CallbackModule(CallbackBase):
    CALLBACK_VERSION = 2.0
    CALLBACK_TYPE = "aggregate"
    CALLBACK_NAME = "tcppolicy.tcppolicy.drift_report"
    CALLBACK_NEEDS_ENABLED = True

    def __init__(self, *args, **kwargs):
        super(CallbackModule, self).__init__(*args, **kwargs)
        self.playbook = None
        # (host, policy, target) -> what the module reported, the last result winning.
        self.runs = {}
        self.unreachable = {}

    # -- collecting ----------------------------------------------------------------------

    def v2_playbook_on_start(self, playbook):
        self.playbook = os.path.basename(getattr(playbook, "_file_name", "") or "")

    def _record(self, result, failed):
        task = part(result, "task")
        data = part(result, "result")
        if "results" in data:
            return  # a loop: each item came through v2_runner_item_on_*
        action = getattr(task, "resolved_action", None) or getattr(task, "action", None)
        is_report = data.get("format_version") == FORMAT_VERSION and "entries" in data
        if action != MODULE or not (is_report or failed):
            return
        host = part(result, "host").get_name()
        outcome = data.get("outcome") or {}
        args = (data.get("invocation") or {}).get("module_args") or getattr(task, "args", {})
        policy = data.get("policy") or "%s" % (args.get("policy") or "?")
        target = data.get("target") or "%s" % (args.get("target") or "live")
        entries = data.get("entries") or []
        self.runs[(host, policy, target)] = dict(
            host=host,
            policy=policy,
            target=target,
            digest=data.get("digest"),
            netns=data.get("netns"),
            kernel_release=data.get("kernel_release"),
            command=data.get("command"),
            status=outcome.get("status") or ("failed" if failed else None),
            error=(data.get("msg") or outcome.get("error") or "failed") if failed else None,
            drifted=[dict(
                key=e["name"],
                observed=e.get("before"),
                desired=e.get("desired"),
                after=e.get("after"),
                rationale=e.get("rationale"),
                source=relative_source(e.get("source"), data.get("files")),
                result="pending" if data.get("command") == "plan" else RESULTS.get(
                    e.get("result"), "not_written"),
            ) for e in drifted(entries)],
            not_applicable=dict((e["name"], e.get("reason")) for e in entries
                                if e.get("action") == "not_applicable"),
        )

    def v2_runner_on_ok(self, result):
        self._record(result, failed=False)

    def v2_runner_on_failed(self, result, ignore_errors=False):
        self._record(result, failed=True)

    def v2_runner_item_on_ok(self, result):
        self._record(result, failed=False)

    def v2_runner_item_on_failed(self, result):
        self._record(result, failed=True)

    def v2_runner_on_unreachable(self, result):
        data = part(result, "result")
        self.unreachable[part(result, "host").get_name()] = data.get("msg") or "unreachable"

    # -- the report ----------------------------------------------------------------------

    def report(self):
        """The JSON document: per host its policies; per policy, target and key the hosts
        where it drifted; a summary."""
        hosts = {}
        groups = {}
        for (host, policy, target), run in sorted(self.runs.items()):
            hosts.setdefault(host, {}).setdefault(policy, {})[target] = dict(
                (k, run[k]) for k in ("digest", "netns", "kernel_release", "command",
                                      "status", "error", "not_applicable"))
            hosts[host][policy][target]["drifted"] = [d["key"] for d in run["drifted"]]
            for d in run["drifted"]:
                group = groups.setdefault(
                    (policy, target, d["key"], d["desired"]),
                    dict(policy=policy, target=target, key=d["key"], desired=d["desired"],
                         rationale=d["rationale"], source=d["source"], hosts=[]))
                group["hosts"].append(dict(host=host, observed=d["observed"],
                                           after=d["after"], result=d["result"]))
        drift = sorted(groups.values(), key=lambda g: (g["policy"], g["target"], g["key"]))
        failed = sorted(set(r["host"] for r in self.runs.values() if r["error"]))
        with_drift = sorted(set(r["host"] for r in self.runs.values() if r["drifted"]))
        in_sync = sorted(h for h in hosts if h not in failed and h not in with_drift)
        return dict(
            format_version=FORMAT_VERSION,
            report="drift",
            playbook=self.playbook,
            generated_at=datetime.datetime.now(datetime.timezone.utc).strftime(
                "%Y-%m-%dT%H:%M:%SZ"),
            summary=dict(hosts=len(set(hosts) | set(self.unreachable)),
                         drifted=with_drift, in_sync=in_sync, failed=failed,
                         unreachable=sorted(self.unreachable),
                         keys=len(set((g["policy"], g["target"], g["key"]) for g in drift))),
            drift=drift,
            hosts=dict((h, dict(policies=p)) for h, p in hosts.items()),
            unreachable=self.unreachable,
        )

    def text(self, doc):
        """The report for the terminal."""
        lines = []
        s = doc["summary"]
        lines.append("%d host(s): %d with drift, %d in sync, %d failed, %d unreachable; "
                     "%d key(s) drifted" % (s["hosts"], len(s["drifted"]), len(s["in_sync"]),
                                            len(s["failed"]), len(s["unreachable"]), s["keys"]))
        heading = None
        for g in doc["drift"]:
            if (g["policy"], g["target"]) != heading:
                heading = (g["policy"], g["target"])
                lines.append("")
                lines.append("policy `%s` on %s:" % (one_line(g["policy"]), one_line(g["target"])))
            lines.append("  %s: desired %s (%s)" % (one_line(g["key"]), one_line(g["desired"]),
                                                    one_line(g["source"])))
            for h in g["hosts"]:
                lines.append("    %s: %s (%s)" % (one_line(h["host"]),
                                                  one_line(shown(h["observed"])), h["result"]))
            lines.append("    why: %s" % one_line(g["rationale"]))
        if s["in_sync"]:
            lines.append("")
            lines.append("in sync: %s" % ", ".join(one_line(h) for h in s["in_sync"]))
        for host in s["failed"]:
            for policy, targets in sorted(doc["hosts"][host]["policies"].items()):
                for target, run in sorted(targets.items()):
                    if run["error"]:
                        lines.append("failed: %s, policy `%s` on %s: %s" % (
                            one_line(host), one_line(policy), one_line(target),
                            one_line(run["error"])))
        for host, why in sorted(doc["unreachable"].items()):
            lines.append("unreachable: %s: %s" % (one_line(host), one_line(why)))
        return lines

    def markdown(self, doc):
        s = doc["summary"]
        out = ["# tcppolicy drift report", ""]
        out.append("Playbook %s, %s: %d host(s), %d with drift, %d in sync, %d failed, "
                   "%d unreachable; %d key(s) drifted." % (
                       md(doc["playbook"] or "?"), md(doc["generated_at"]), s["hosts"],
                       len(s["drifted"]), len(s["in_sync"]), len(s["failed"]),
                       len(s["unreachable"]), s["keys"]))
        heading = None
        for g in doc["drift"]:
            if (g["policy"], g["target"]) != heading:
                heading = (g["policy"], g["target"])
                out += ["", "## Policy %s on %s" % (md(g["policy"]), md(g["target"])), "",
                        "| key | desired | hosts: observed (result) | rationale |",
                        "|---|---|---|---|"]
            cell = "<br>".join(
                "%s: %s (%s)" % (md(h["host"]), md(shown(h["observed"])), md(h["result"]))
                for h in g["hosts"])
            out.append("| %s | %s | %s | %s (%s) |" % (
                md(g["key"]), md(g["desired"]), cell, md(g["rationale"]), md(g["source"])))
        out += ["", "## Hosts", "", "| host | policy | target | status | drifted keys |",
                "|---|---|---|---|---|"]
        for host, info in sorted(doc["hosts"].items()):
            for policy, targets in sorted(info["policies"].items()):
                for target, run in sorted(targets.items()):
                    status = run["status"] or "?"
                    if run["error"]:
                        status += ": " + run["error"]
                    out.append("| %s | %s | %s | %s | %s |" % (
                        md(host), md(policy), md(target), md(status),
                        md(", ".join(run["drifted"])) or "none"))
        for host, why in sorted(doc["unreachable"].items()):
            out.append("| %s | | | unreachable: %s | |" % (md(host), md(why)))
        return "\n".join(out) + "\n"

    def v2_playbook_on_stats(self, stats):
        if not self.runs and not self.unreachable:
            return
        doc = self.report()
        written = []
        for option, render in (("json_path", lambda d: json.dumps(d, indent=2, sort_keys=True)
                                + "\n"), ("markdown_path", self.markdown)):
            path = self.get_option(option)
            if not path:
                continue
            try:
                write_atomically(path, render(doc))
                written.append(path)
            except (IOError, OSError) as e:
                self._display.warning("tcppolicy drift report: cannot write %s: %s" % (path, e))
        if self.get_option("show"):
            self._display.banner("TCPPOLICY DRIFT REPORT")
            for line in self.text(doc):
                self._display.display(line)
            if written:
                self._display.display("written: %s" % ", ".join(one_line(p) for p in written))
            self._display.display("")
