//! Review: what a change to a policy does (`tcppolicy diff`).
//!
//! [`compare`] takes two compilations of the same policy — before and after a change,
//! either side possibly absent (a policy added or deleted) or not compiling — and
//! returns, per key, the old and new value, the kernel default, the rationale change,
//! the derived figures that change, and the errors and warnings the change introduces or
//! resolves. It is a pure function of the two compilations: nothing here reads a file.
//!
//! Two policies are *equal* when their effective policies are: the same metadata and the
//! same settings with the same targets and rationales. Formatting, order, units (`10m`
//! vs `600`), whitespace inside a rationale, and which file of an `extends` chain a
//! setting comes from do not count. A change of `allow` entries that silences or
//! un-silences a warning counts, through the diagnostics.

use crate::catalog::{DefaultValue, Kind, Param, Unit};
use crate::compile::Compilation;
use crate::derived::{Figure, FigureValue};
use crate::diagnostic::{Diagnostic, Severity};
use crate::effective::{EffectivePolicy, EffectiveSetting, Target};
use crate::source::{FileId, Span};
use crate::value::Value;
use serde::Serialize;
use std::collections::{BTreeSet, HashMap};

/// Version of the `tcppolicy diff --format json` document: [`crate::FORMAT_VERSION`].
pub use crate::FORMAT_VERSION;

/// What happened to a policy.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// The effective policies and their diagnostics are equal.
    Unchanged,
    /// Both sides compile and differ.
    Changed,
    /// The policy exists only on the new side (and compiles).
    Added,
    /// The policy exists only on the old side.
    Removed,
    /// The new side does not compile (whatever the old side was).
    Broken,
    /// The old side did not compile; the new side does.
    Fixed,
}

impl Status {
    /// Lower-case word for people: `changed`, `does not compile`, ...
    pub fn describe(self) -> &'static str {
        match self {
            Status::Unchanged => "unchanged",
            Status::Changed => "changed",
            Status::Added => "added",
            Status::Removed => "removed",
            Status::Broken => "does not compile",
            Status::Fixed => "compiles again",
        }
    }
}

/// One side of the comparison.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Side {
    /// The top-level policy file, as displayed.
    pub path: String,
    /// The policy's name, when the side compiles.
    pub name: Option<String>,
    /// The effective policy's digest, when the side compiles.
    pub digest: Option<String>,
    /// Every file read, top-level first.
    pub files: Vec<String>,
    /// Whether the side compiles.
    pub compiles: bool,
    /// Number of errors.
    pub errors: usize,
    /// Number of warnings.
    pub warnings: usize,
}

/// A change of a policy-level field.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FieldChange {
    /// `name`, `description`, `owner`, `kernel` or `container`.
    pub field: &'static str,
    /// Before.
    pub old: Option<String>,
    /// After.
    pub new: Option<String>,
}

/// What happened to a setting.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Change {
    /// Set only on the new side.
    Added,
    /// Set only on the old side.
    Removed,
    /// Set on both sides, with another value or rationale.
    Changed,
}

/// A setting on one side.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SettingSide {
    /// `value`, `at_least`, `at_most` or `default`.
    pub mode: &'static str,
    /// What the policy asks for: `2`, `>= 4096`, `kernel default`.
    pub desired: String,
    /// The typed value (an integer, a list of integers, a name, a list of names or of
    /// port ranges) or the bound; `None` for the kernel default.
    pub value: Option<Value>,
    /// Why.
    pub rationale: String,
    /// `file:line` of the winning definition.
    pub source: String,
}

/// One key that differs.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SettingChange {
    /// The parameter.
    pub name: &'static str,
    /// Added, removed or changed.
    pub change: Change,
    /// Whether what the policy asks for changed.
    pub value_changed: bool,
    /// Whether the rationale changed.
    pub rationale_changed: bool,
    /// The old side, if set there.
    pub old: Option<SettingSide>,
    /// The new side, if set there.
    pub new: Option<SettingSide>,
    /// The kernel's default on the newest kernel the catalog knows (`computed: ...`
    /// where it is computed at boot).
    pub kernel_default: Option<String>,
    /// The unit of the values (`s`, `bytes`), if any.
    pub unit: Option<&'static str>,
    /// The derived figures this key changes (ids of [`DerivedChange::figure`]).
    pub derived: Vec<&'static str>,
}

/// A derived figure that changes.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DerivedChange {
    /// `connect_timeout`, `keepalive_detection` or `established_timeout`.
    pub figure: &'static str,
    /// What it measures: `connect() gives up after`.
    pub label: &'static str,
    /// The changed keys it depends on, in policy order.
    pub because: Vec<&'static str>,
    /// Before (`None`: unknown, e.g. a bound instead of a value).
    pub old: Option<FigureSide>,
    /// After.
    pub new: Option<FigureSide>,
}

/// A figure's value on one side.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FigureSide {
    /// Milliseconds.
    pub ms: u64,
    /// For people: `7 s (3 SYNs)`.
    pub text: String,
}

impl From<FigureValue> for FigureSide {
    fn from(f: FigureValue) -> Self {
        FigureSide {
            ms: f.ms,
            text: f.text,
        }
    }
}

/// A diagnostic introduced or resolved by the change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DiagnosticChange {
    /// The code, e.g. `TP507`.
    pub code: &'static str,
    /// The code's name, e.g. `syncookies-disabled`.
    pub name: &'static str,
    /// Severity.
    pub severity: Severity,
    /// The message.
    pub message: String,
    /// The setting it is about, if any.
    pub key: Option<String>,
    /// `file:line:column` on its side.
    pub location: String,
}

/// Diagnostics the change introduces and resolves.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct DiagnosticChanges {
    /// Reported for the new side only.
    pub introduced: Vec<DiagnosticChange>,
    /// Reported for the old side only.
    pub resolved: Vec<DiagnosticChange>,
}

/// What a change does to one policy.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PolicyReview {
    /// What happened to it.
    pub status: Status,
    /// Before (`None`: the policy did not exist).
    pub old: Option<Side>,
    /// After (`None`: the policy was deleted).
    pub new: Option<Side>,
    /// Policy-level fields that changed.
    pub metadata: Vec<FieldChange>,
    /// Keys that differ: the new policy's order, then keys only the old one sets.
    pub settings: Vec<SettingChange>,
    /// Derived figures that change.
    pub derived: Vec<DerivedChange>,
    /// Errors and warnings introduced and resolved (notes are left out: they restate
    /// values and derived figures, which `settings` and `derived` show).
    pub diagnostics: DiagnosticChanges,
    /// The new side's errors when it does not compile (also when the old side had the
    /// same ones, so they are not "introduced").
    pub errors: Vec<DiagnosticChange>,
}

impl PolicyReview {
    /// Whether the two sides differ.
    pub fn differs(&self) -> bool {
        self.status != Status::Unchanged
    }

    /// The path to show for the policy: the new side's, or the old one's if deleted.
    pub fn path(&self) -> &str {
        self.new
            .as_ref()
            .or(self.old.as_ref())
            .map_or("", |s| s.path.as_str())
    }

    /// The policy's name: the new side's, or the old one's.
    pub fn name(&self) -> Option<&str> {
        fn name(s: &Option<Side>) -> Option<&str> {
            s.as_ref().and_then(|s| s.name.as_deref())
        }
        name(&self.new).or_else(|| name(&self.old))
    }
}

/// Compare two compilations of a policy (`None`: the file does not exist on that side).
pub fn compare(old: Option<&Compilation>, new: Option<&Compilation>) -> PolicyReview {
    let (old_policy, new_policy) = (
        old.and_then(|c| c.policy.as_ref()),
        new.and_then(|c| c.policy.as_ref()),
    );
    let empty = || -> Vec<&EffectiveSetting> { Vec::new() };
    let old_settings = old_policy.map_or_else(empty, |p| p.settings.iter().collect());
    let new_settings = new_policy.map_or_else(empty, |p| p.settings.iter().collect());
    // A side that does not compile has no settings to compare: listing the other side's
    // as added or removed would be false.
    let comparable =
        old.is_none_or(|c| c.policy.is_some()) && new.is_none_or(|c| c.policy.is_some());
    let (settings, derived) = if comparable {
        let mut settings = settings(&old_settings, &new_settings);
        let derived = derived(old_policy, new_policy, &settings);
        for d in &derived {
            for s in settings.iter_mut().filter(|s| d.because.contains(&s.name)) {
                s.derived.push(d.figure);
            }
        }
        (settings, derived)
    } else {
        (Vec::new(), Vec::new())
    };
    let metadata = match (old_policy, new_policy) {
        (Some(o), Some(n)) => metadata(o, n),
        _ => Vec::new(),
    };
    let diagnostics = diagnostics(old, new);
    let errors = match new {
        Some(c) if c.policy.is_none() => listed(c)
            .into_iter()
            .map(|(_, d)| d)
            .filter(|d| d.severity == Severity::Error)
            .collect(),
        _ => Vec::new(),
    };
    let status = match (old, new) {
        (_, Some(n)) if n.policy.is_none() => Status::Broken,
        (None, _) => Status::Added,
        (_, None) => Status::Removed,
        (Some(o), Some(_)) if o.policy.is_none() => Status::Fixed,
        _ if metadata.is_empty()
            && settings.is_empty()
            && diagnostics.introduced.is_empty()
            && diagnostics.resolved.is_empty() =>
        {
            Status::Unchanged
        }
        _ => Status::Changed,
    };
    PolicyReview {
        status,
        old: old.map(side),
        new: new.map(side),
        metadata,
        settings,
        derived,
        diagnostics,
        errors,
    }
}

fn side(c: &Compilation) -> Side {
    let files: Vec<String> = match &c.policy {
        Some(p) => p.files.iter().map(|f| f.display().to_string()).collect(),
        None => c
            .sources
            .files()
            .map(|(_, f)| f.path().display().to_string())
            .collect(),
    };
    Side {
        path: c.policy.as_ref().map_or_else(
            || files.first().cloned().unwrap_or_default(),
            |p| p.root.display().to_string(),
        ),
        name: c.policy.as_ref().map(|p| p.name.clone()),
        digest: c.policy.as_ref().map(EffectivePolicy::digest),
        files,
        compiles: c.policy.is_some(),
        errors: c.count(Severity::Error),
        warnings: c.count(Severity::Warning),
    }
}

/// Whitespace-insensitive text equality (a rationale re-wrapped is the same rationale).
fn same_text(a: &str, b: &str) -> bool {
    a.split_whitespace().eq(b.split_whitespace())
}

fn metadata(old: &EffectivePolicy, new: &EffectivePolicy) -> Vec<FieldChange> {
    let mut out = Vec::new();
    let mut field = |field, o: Option<String>, n: Option<String>| {
        let same = match (&o, &n) {
            (Some(a), Some(b)) => same_text(a, b),
            (a, b) => a == b,
        };
        if !same {
            out.push(FieldChange {
                field,
                old: o,
                new: n,
            });
        }
    };
    field("name", Some(old.name.clone()), Some(new.name.clone()));
    field(
        "description",
        old.description.clone(),
        new.description.clone(),
    );
    field("owner", old.owner.clone(), new.owner.clone());
    let kernel = |p: &EffectivePolicy| p.kernel.as_ref().map(ToString::to_string);
    field("kernel", kernel(old), kernel(new));
    let container = |p: &EffectivePolicy| Some(p.container.to_string());
    field("container", container(old), container(new));
    out
}

/// Semantic equality of two targets: name lists compare as sets.
fn same_target(p: &Param, a: &Target, b: &Target) -> bool {
    match (p.kind, a, b) {
        (Kind::NameList(_), Target::Value(Value::Names(x)), Target::Value(Value::Names(y))) => {
            x.iter().collect::<BTreeSet<_>>() == y.iter().collect::<BTreeSet<_>>()
        }
        _ => a == b,
    }
}

fn setting_side(s: &EffectiveSetting) -> SettingSide {
    SettingSide {
        mode: match s.target {
            Target::KernelDefault => "default",
            _ => s.target.field(),
        },
        desired: s.target.describe(),
        value: match &s.target {
            Target::Value(v) => Some(v.clone()),
            Target::AtLeast(n) | Target::AtMost(n) => Some(Value::Int(*n)),
            Target::KernelDefault => None,
        },
        rationale: s.rationale.clone(),
        source: format!("{}:{}", s.origin.path.display(), s.origin.line),
    }
}

/// The kernel default for people: the value as the kernel prints it (normalised), or
/// `computed: <formula>`.
pub fn kernel_default(p: &Param) -> Option<String> {
    Some(match p.default_for(None)? {
        DefaultValue::Fixed(text) => {
            Value::parse_kernel(p.kind, text).map_or_else(|| text.to_string(), |v| v.to_kernel())
        }
        DefaultValue::Computed(how) => format!("computed: {how}"),
    })
}

fn settings(old: &[&EffectiveSetting], new: &[&EffectiveSetting]) -> Vec<SettingChange> {
    let old_by_name: HashMap<&str, &EffectiveSetting> =
        old.iter().map(|s| (s.param.name, *s)).collect();
    let new_names: BTreeSet<&str> = new.iter().map(|s| s.param.name).collect();
    let mut out = Vec::new();
    let mut push =
        |p: &'static Param, o: Option<&EffectiveSetting>, n: Option<&EffectiveSetting>| {
            let (value_changed, rationale_changed, change) = match (o, n) {
                (Some(o), Some(n)) => (
                    !same_target(p, &o.target, &n.target),
                    !same_text(&o.rationale, &n.rationale),
                    Change::Changed,
                ),
                (None, _) => (true, true, Change::Added),
                (_, None) => (true, true, Change::Removed),
            };
            if value_changed || rationale_changed {
                out.push(SettingChange {
                    name: p.name,
                    change,
                    value_changed,
                    rationale_changed,
                    old: o.map(setting_side),
                    new: n.map(setting_side),
                    kernel_default: kernel_default(p),
                    unit: (p.unit != Unit::None && p.kind.is_numeric()).then(|| p.unit.suffix()),
                    derived: Vec::new(),
                });
            }
        };
    for n in new {
        push(n.param, old_by_name.get(n.param.name).copied(), Some(n));
    }
    for o in old.iter().filter(|o| !new_names.contains(o.param.name)) {
        push(o.param, Some(o), None);
    }
    out
}

fn derived(
    old: Option<&EffectivePolicy>,
    new: Option<&EffectivePolicy>,
    settings: &[SettingChange],
) -> Vec<DerivedChange> {
    let figure = |p: Option<&EffectivePolicy>, f: Figure| -> Option<FigureSide> {
        let p = p?;
        f.of(&|name| p.int_or_default(name)).map(FigureSide::from)
    };
    let mut out = Vec::new();
    for f in Figure::ALL {
        let because: Vec<&'static str> = settings
            .iter()
            .filter(|s| s.value_changed && f.inputs().contains(&s.name))
            .map(|s| s.name)
            .collect();
        if because.is_empty() {
            continue;
        }
        // A policy that exists on one side only shows the figures of the keys it sets.
        let (o, n) = (figure(old, f), figure(new, f));
        if o.as_ref().map(|x| x.ms) != n.as_ref().map(|x| x.ms) {
            out.push(DerivedChange {
                figure: f.id(),
                label: f.label(),
                because,
                old: o,
                new: n,
            });
        }
    }
    out
}

/// The identity of a diagnostic across two compilations: not its position, which moves
/// with any edit, but what it says and about which key.
type Identity = (&'static str, Severity, String, Option<String>);

/// The errors and warnings of a compilation, with their identities.
fn listed(c: &Compilation) -> Vec<(Identity, DiagnosticChange)> {
    let keys = KeyIndex::new(c);
    c.diagnostics
        .iter()
        .filter(|d| d.severity >= Severity::Warning)
        .map(|d| {
            let key = keys.key_of(d);
            let f = c.sources.get(d.primary.file);
            let lc = f.line_col(d.primary.span.start);
            let change = DiagnosticChange {
                code: d.code.id,
                name: d.code.name,
                severity: d.severity,
                message: d.message.clone(),
                key: key.clone(),
                location: format!("{}:{}:{}", f.path().display(), lc.line, lc.column),
            };
            ((d.code.id, d.severity, d.message.clone(), key), change)
        })
        .collect()
}

fn diagnostics(old: Option<&Compilation>, new: Option<&Compilation>) -> DiagnosticChanges {
    let listed = |c: Option<&Compilation>| c.map(listed).unwrap_or_default();
    let (old, new) = (listed(old), listed(new));
    // Multiset difference: a diagnostic reported twice before and once after is resolved
    // once.
    let only_in = |a: &[(Identity, DiagnosticChange)], b: &[(Identity, DiagnosticChange)]| {
        let mut counts: HashMap<&Identity, usize> = HashMap::new();
        for (id, _) in b {
            *counts.entry(id).or_default() += 1;
        }
        a.iter()
            .filter(|(id, _)| match counts.get_mut(id) {
                Some(n) if *n > 0 => {
                    *n -= 1;
                    false
                }
                _ => true,
            })
            .map(|(_, d)| d.clone())
            .collect::<Vec<_>>()
    };
    DiagnosticChanges {
        introduced: only_in(&new, &old),
        resolved: only_in(&old, &new),
    }
}

/// Which setting a diagnostic is about: the `/settings/<name>` entry whose source text
/// contains its primary span.
struct KeyIndex {
    by_file: HashMap<FileId, Vec<(Span, String)>>,
}

impl KeyIndex {
    fn new(c: &Compilation) -> Self {
        let mut by_file = HashMap::new();
        for (file, table) in &c.spans {
            let entries: Vec<(Span, String)> = table
                .pointers()
                .filter_map(|p| {
                    let token = p.strip_prefix("/settings/")?;
                    if token.contains('/') {
                        return None;
                    }
                    let node = table.get(p)?;
                    let start = node.key.map_or(node.value.start, |k| k.start);
                    let name = token.replace("~1", "/").replace("~0", "~");
                    Some((Span::new(start, node.value.end), name))
                })
                .collect();
            by_file.insert(*file, entries);
        }
        KeyIndex { by_file }
    }

    fn key_of(&self, d: &Diagnostic) -> Option<String> {
        let at = d.primary.span.start;
        self.by_file
            .get(&d.primary.file)?
            .iter()
            .find(|(span, _)| span.start <= at && at < span.end.max(span.start + 1))
            .map(|(_, name)| name.clone())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::compile::compile_str;
    use std::path::Path;

    const HEAD: &str = "tcppolicy: 1\nname: t\nkernel: \">=6.12\"\nsettings:\n";

    fn compile(body: &str) -> Compilation {
        compile_str(Path::new("t.yaml"), &format!("{HEAD}{body}"))
    }

    fn review(old: &str, new: &str) -> PolicyReview {
        compare(Some(&compile(old)), Some(&compile(new)))
    }

    #[test]
    fn reformatting_reordering_and_units_are_equal() {
        let old = "  net.ipv4.tcp_keepalive_time:\n    value: 10m\n    rationale: Probe  early.\n  net.ipv4.tcp_sack:\n    value: true\n    rationale: r\n";
        let new = "  net.ipv4.tcp_sack: {value: 1, rationale: r}\n  net.ipv4.tcp_keepalive_time:\n    value: 600\n    rationale: >-\n      Probe\n      early.\n";
        let r = review(old, new);
        assert_eq!(r.status, Status::Unchanged, "{r:#?}");
        assert!(!r.differs());
    }

    #[test]
    fn a_value_change_shows_old_new_default_and_the_derived_figure() {
        let r = review(
            "  net.ipv4.tcp_syn_retries:\n    value: 6\n    rationale: r\n",
            "  net.ipv4.tcp_syn_retries:\n    value: 2\n    rationale: Fail fast.\n",
        );
        assert_eq!(r.status, Status::Changed);
        let s = &r.settings[0];
        assert_eq!(s.name, "net.ipv4.tcp_syn_retries");
        assert_eq!(s.change, Change::Changed);
        assert!(s.value_changed && s.rationale_changed);
        assert_eq!(s.old.as_ref().unwrap().desired, "6");
        assert_eq!(s.new.as_ref().unwrap().desired, "2");
        assert_eq!(s.kernel_default.as_deref(), Some("6"));
        assert_eq!(s.derived, ["connect_timeout"]);
        let d = &r.derived[0];
        assert_eq!(d.old.as_ref().unwrap().text, "2 min 11 s (11 SYNs)");
        assert_eq!(d.new.as_ref().unwrap().text, "7 s (6 SYNs)");
        assert_eq!(d.because, ["net.ipv4.tcp_syn_retries"]);
    }

    #[test]
    fn diagnostics_compare_by_code_message_and_key_not_position() {
        // The same warning moves down two lines: not a change. A new one appears.
        let old = "  net.ipv4.tcp_syncookies:\n    value: 0\n    rationale: r\n";
        let new = "  net.ipv4.tcp_sack:\n    value: 1\n    rationale: r\n  net.ipv4.tcp_syncookies:\n    value: 0\n    rationale: r\n  net.ipv4.tcp_retries2:\n    value: 3\n    rationale: r\n";
        let r = review(old, new);
        let codes = |v: &[DiagnosticChange]| v.iter().map(|d| d.code).collect::<Vec<_>>();
        assert!(
            !codes(&r.diagnostics.introduced).contains(&"TP507"),
            "{r:#?}"
        );
        let retries = r
            .diagnostics
            .introduced
            .iter()
            .find(|d| d.key.as_deref() == Some("net.ipv4.tcp_retries2"))
            .expect("the RFC 1122 warning is introduced");
        assert_eq!(retries.severity, Severity::Warning);
        assert!(r.diagnostics.resolved.is_empty(), "{r:#?}");
        // Notes (derived figures, values equal to the default) are not listed.
        assert!(!codes(&r.diagnostics.introduced).contains(&"TP703"));
        assert!(!codes(&r.diagnostics.introduced).contains(&"TP607"));
    }

    #[test]
    fn added_removed_and_broken_sides() {
        let ok = compile("  net.ipv4.tcp_sack:\n    value: 1\n    rationale: r\n");
        let broken = compile("  net.ipv4.tcp_sak:\n    value: 1\n    rationale: r\n");
        let added = compare(None, Some(&ok));
        assert_eq!(added.status, Status::Added);
        assert_eq!(added.settings[0].change, Change::Added);
        let removed = compare(Some(&ok), None);
        assert_eq!(removed.status, Status::Removed);
        assert_eq!(removed.settings[0].change, Change::Removed);
        let b = compare(Some(&ok), Some(&broken));
        assert_eq!(b.status, Status::Broken);
        assert!(b.settings.is_empty());
        assert_eq!(b.diagnostics.introduced[0].severity, Severity::Error);
        assert_eq!(b.errors, b.diagnostics.introduced);
        // Broken on both sides the same way: nothing introduced, the errors still listed.
        let both = compare(Some(&broken), Some(&broken));
        assert_eq!(both.status, Status::Broken);
        assert!(both.diagnostics.introduced.is_empty());
        assert_eq!(both.errors.len(), 1);
        assert!(!b.new.as_ref().unwrap().compiles);
        assert_eq!(compare(Some(&broken), Some(&ok)).status, Status::Fixed);
    }

    #[test]
    fn name_lists_compare_as_sets() {
        let r = review(
            "  net.ipv4.tcp_allowed_congestion_control:\n    value: [reno, cubic]\n    rationale: r\n",
            "  net.ipv4.tcp_allowed_congestion_control:\n    value: [cubic, reno]\n    rationale: r\n",
        );
        assert_eq!(r.status, Status::Unchanged, "{r:#?}");
    }
}
