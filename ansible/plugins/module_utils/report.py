# -*- coding: utf-8 -*-

# Copyright: tcppolicy contributors
# SPDX-License-Identifier: MIT OR Apache-2.0

"""What the policy module and the drift_report callback share.

tcppolicy's JSON report (``plan``/``apply --format json``, ``format_version`` 2): the
fields the module passes through, what counts as drift, the key of a policy's facts; and
text from policies, hosts and the kernel made safe to show, as tcppolicy's own
``text::escape_line`` does.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import os
import unicodedata

# The report version this collection reads.
FORMAT_VERSION = 2

# The report's top-level fields the module returns unchanged. Its `warnings` are returned
# as `report_warnings` (Ansible reserves `warnings` in a module's result) and issued as
# Ansible warnings; its `changed` is the module's own `changed`.
REPORT_FIELDS = (
    "format_version",
    "command",
    "ok",
    "policy",
    "digest",
    "files",
    "target",
    "root",
    "kernel_release",
    "netns",
    "outcome",
    "summary",
    "entries",
    "not_applicable",
    "file",
    "shadowing",
    "interrupted_apply",
    "lock_waited_ms",
    "diagnostics",
)

# Invisible formatting characters that change how text displays (zero-width, bidi
# embeddings, overrides and isolates, word joiner, BOM, ...), as tcppolicy escapes them.
_INVISIBLE = (
    [(0x200B, 0x200F), (0x202A, 0x202E), (0x2060, 0x206F)]
    + [(c, c) for c in (0xFEFF, 0x061C, 0x180E, 0x00AD, 0x2028, 0x2029)]
)


def is_unsafe(char):
    """A control character (C0, DEL, C1) or an invisible formatting character."""
    if unicodedata.category(char) == "Cc":
        return True
    code = ord(char)
    return any(low <= code <= high for low, high in _INVISIBLE)


def escape_line(text):
    """`text` on one line: every unsafe character, line breaks included, as ``\\u{1b}``."""
    if text is None:
        return ""
    text = "%s" % (text,)
    return "".join("\\u{%x}" % ord(c) if is_unsafe(c) else c for c in text)


def escape_text(text):
    """Like escape_line, but ``\\n`` is kept: for messages of several lines."""
    return "\n".join(escape_line(line) for line in ("%s" % (text,)).split("\n"))


def drifted(entries):
    """The settings whose value differed from the policy when tcppolicy looked: the
    entries whose action is `change` (before any write; after an apply, see `result`)."""
    return [e for e in entries or [] if e.get("action") == "change"]


def relative_source(source, files):
    """A setting's `file:line`, the file named relative to the policy's directory (that of
    the top-level file, ``files[0]``) as tcppolicy's drop-ins name it: the same wherever
    the policy was copied or staged (the role stages it in a temporary directory in check
    mode). A source outside that directory is left as it is."""
    if not source or not files:
        return source
    base = os.path.dirname(files[0]).rstrip("/")
    path, sep, line = source.rpartition(":")
    if sep and base and path.startswith(base + "/"):
        return "%s:%s" % (path[len(base) + 1:], line)
    return source


def facts_key(doc, netns=None, root=None):
    """Where a report's facts go under ``ansible_facts.tcppolicy.policies.<policy>``: its
    target (``live``, ``sysctl.d:/etc/sysctl.d/...``), with ``@NETNS`` or ``@ROOT`` when
    the module acted in another network namespace or under an image root."""
    key = doc.get("target") or "live"
    where = netns or root
    return "%s@%s" % (key, where) if where else key
