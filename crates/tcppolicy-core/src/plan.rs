//! The plan: a pure diff of the effective policy against observed values.
//!
//! Executors observe (read `/proc/sys`, parse a drop-in), then call [`diff`]; nothing here
//! touches the system. A plan is a versioned, serialisable document so it can be saved
//! (`plan --out`) and applied later, refused as stale if the system moved on.

use crate::catalog::{self, DefaultValue, Kind, Param, Storage};
use crate::effective::{EffectivePolicy, EffectiveSetting, Target};
use crate::value::Value;
use crate::version::Version;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// What a plan entry asks for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// The value differs and will be written.
    Change,
    /// The value already satisfies the policy.
    InSync,
    /// The parameter does not exist here (kernel, namespace) or has no default to set.
    NotApplicable,
}

/// One setting of the plan.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanEntry {
    /// Dotted parameter name.
    pub name: String,
    /// What will happen.
    pub action: Action,
    /// The observed value (kernel text, normalised), if the parameter exists.
    pub before: Option<String>,
    /// The value to write (or that is already there).
    pub after: Option<String>,
    /// What the policy asks for: `6`, `>= 4096`, `kernel default`.
    pub desired: String,
    /// Why, from the policy.
    pub rationale: String,
    /// `file:line` of the setting.
    pub source: String,
    /// Why the entry is not applicable.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<String>,
}

/// Counts by action.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// Entries to change.
    pub change: usize,
    /// Entries already in sync.
    pub in_sync: usize,
    /// Entries not applicable here.
    pub not_applicable: usize,
}

/// A plan for one target.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Plan {
    /// The policy's name.
    pub policy: String,
    /// The effective policy's digest.
    pub digest: String,
    /// The policy files, top-level first.
    pub files: Vec<String>,
    /// The target (`live`, `sysctl.d:/etc/sysctl.d/...`).
    pub target: String,
    /// `uname -r` when the plan was made.
    pub kernel_release: String,
    /// The network namespace (`net:[4026531840]`) the values were read in.
    pub netns: String,
    /// One entry per setting, in policy order.
    pub entries: Vec<PlanEntry>,
    /// Counts.
    pub summary: Summary,
}

impl Plan {
    /// Whether nothing would change.
    pub fn in_sync(&self) -> bool {
        self.summary.change == 0
    }

    /// Recompute the summary from the entries (after an executor adjusted them).
    pub fn recount(&mut self) {
        let mut summary = Summary::default();
        for e in &self.entries {
            match e.action {
                Action::Change => summary.change += 1,
                Action::InSync => summary.in_sync += 1,
                Action::NotApplicable => summary.not_applicable += 1,
            }
        }
        self.summary = summary;
    }

    /// The entries to change.
    pub fn changes(&self) -> impl Iterator<Item = &PlanEntry> {
        self.entries.iter().filter(|e| e.action == Action::Change)
    }
}

/// What an executor saw for one parameter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Observed {
    /// The parameter exists with this text.
    Value(String),
    /// The parameter does not exist here (live kernel): not applicable.
    Absent,
    /// The target does not set it yet (a drop-in without the key): to be added.
    Unset,
    /// The parameter exists with this text but cannot be written here (a global
    /// parameter seen from a child network namespace, mode 0444): in sync if it already
    /// matches, otherwise not applicable, never a pending change.
    ReadOnly(String),
}

/// Where and on what the plan is made.
#[derive(Clone, Debug)]
pub struct Context {
    /// Target description for the plan document.
    pub target: String,
    /// `uname -r`.
    pub kernel_release: String,
    /// Network namespace id.
    pub netns: String,
}

/// Diff `policy` against observations (`observe(param)` for each setting).
pub fn diff(
    policy: &EffectivePolicy,
    ctx: &Context,
    observe: impl FnMut(&'static Param) -> Observed,
) -> Plan {
    diff_with_digest(policy, policy.digest(), ctx, observe)
}

/// [`diff`], for a caller that has computed `policy`'s digest already.
pub fn diff_with_digest(
    policy: &EffectivePolicy,
    digest: String,
    ctx: &Context,
    mut observe: impl FnMut(&'static Param) -> Observed,
) -> Plan {
    let kernel = Version::parse_release(&ctx.kernel_release);
    let mut entries = Vec::with_capacity(policy.settings.len());
    let mut summary = Summary::default();
    for s in &policy.settings {
        let e = entry(s, observe(s.param), kernel);
        match e.action {
            Action::Change => summary.change += 1,
            Action::InSync => summary.in_sync += 1,
            Action::NotApplicable => summary.not_applicable += 1,
        }
        entries.push(e);
    }
    Plan {
        policy: policy.name.clone(),
        digest,
        files: policy
            .files
            .iter()
            .map(|f| f.display().to_string())
            .collect(),
        target: ctx.target.clone(),
        kernel_release: ctx.kernel_release.clone(),
        netns: ctx.netns.clone(),
        entries,
        summary,
    }
}

fn entry(s: &EffectiveSetting, observed: Observed, kernel: Option<Version>) -> PlanEntry {
    let p = s.param;
    let mut e = PlanEntry {
        name: p.name.to_string(),
        action: Action::NotApplicable,
        before: None,
        after: None,
        desired: s.target.describe(),
        rationale: s.rationale.clone(),
        source: format!("{}:{}", s.origin.path.display(), s.origin.line),
        reason: None,
    };
    let mut read_only = false;
    let current = match observed {
        Observed::Absent => {
            e.reason = Some(match kernel {
                Some(k) if !p.exists_on(k) => format!("not in Linux {k}"),
                _ => "absent in this network namespace".to_string(),
            });
            return e;
        }
        Observed::Unset => None,
        Observed::Value(text) => {
            e.before = Some(normalize(p, &text));
            Value::parse_kernel(p.kind, &text)
        }
        Observed::ReadOnly(text) => {
            read_only = true;
            e.before = Some(normalize(p, &text));
            Value::parse_kernel(p.kind, &text)
        }
    };
    // A bound is applied to what is there: the current value, or, where the target does
    // not set the parameter yet (a drop-in), the kernel default it would otherwise have.
    let base = current
        .clone()
        .or_else(|| match kernel.and_then(|k| p.default_for(Some(k))) {
            Some(DefaultValue::Fixed(text)) => Value::parse_kernel(p.kind, text),
            _ => None,
        });
    let desired = match &s.target {
        Target::Value(v) => Some(v.clone()),
        Target::KernelDefault => match kernel.and_then(|k| p.default_for(Some(k))) {
            Some(DefaultValue::Fixed(text)) => Value::parse_kernel(p.kind, text),
            _ => None,
        },
        Target::AtLeast(n) => Some(Value::Int(match base.as_ref().and_then(Value::as_int) {
            Some(c) if c >= *n => c,
            _ => *n,
        })),
        Target::AtMost(n) => Some(Value::Int(match base.as_ref().and_then(Value::as_int) {
            Some(c) if c <= *n => c,
            _ => *n,
        })),
    };
    let Some(desired) = desired else {
        e.reason = Some("no fixed kernel default on this kernel".into());
        return e;
    };
    e.after = Some(desired.to_kernel());
    e.action = if current.as_ref().is_some_and(|c| same(p, c, &desired)) {
        Action::InSync
    } else if read_only {
        e.reason = Some(match p.scope {
            catalog::Scope::GlobalReadOnlyInChild => "read-only in this network namespace: \
                a global parameter, set from the initial namespace (the host)"
                .into(),
            _ => "read-only in this network namespace".into(),
        });
        Action::NotApplicable
    } else {
        Action::Change
    };
    e
}

/// Normalise kernel text: collapse whitespace (tabs in `tcp_rmem`), canonical port lists.
pub fn normalize(p: &Param, text: &str) -> String {
    match Value::parse_kernel(p.kind, text) {
        Some(v) => v.to_kernel(),
        None => text.split_whitespace().collect::<Vec<_>>().join(" "),
    }
}

/// Semantic equality of an observed and a desired value.
///
/// Name lists compare as sets (the kernel may reorder them). Millisecond parameters held
/// in jiffies compare within one jiffy at HZ ≥ 100 (10 ms): `tcp_invalid_ratelimit: 1`
/// reads back as 4 at HZ=250.
pub fn same(p: &Param, observed: &Value, desired: &Value) -> bool {
    match (p.kind, observed, desired) {
        (Kind::NameList(_), Value::Names(a), Value::Names(b)) => {
            a.iter().collect::<BTreeSet<_>>() == b.iter().collect::<BTreeSet<_>>()
        }
        (_, Value::Int(a), Value::Int(b)) if p.storage == Storage::MsJiffies => (a - b).abs() < 10,
        _ => observed == desired,
    }
}

/// Where a write goes in dependency order: 0 before 1 before 2. Limits come before what
/// they limit (`tcp_max_reordering` before `tcp_reordering`, the allowed congestion
/// controls before the default one), and `ip_unprivileged_port_start` goes before
/// `ip_local_port_range` unless it rises above the range's current low end
/// (`start_rises_above_range`), when the range must move first. Executors sort stably by
/// this rank, so other settings keep policy order.
pub fn write_rank(name: &str, start_rises_above_range: bool) -> u8 {
    match name {
        "net.ipv4.tcp_max_reordering" | "net.ipv4.tcp_allowed_congestion_control" => 0,
        "net.ipv4.tcp_reordering" | "net.ipv4.tcp_congestion_control" => 2,
        "net.ipv4.ip_unprivileged_port_start" if start_rises_above_range => 2,
        "net.ipv4.ip_unprivileged_port_start" => 0,
        _ => 1,
    }
}
