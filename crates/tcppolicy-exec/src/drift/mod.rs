//! `tcppolicy drift` (SPEC §11): does a host still match its policy, now and after the
//! next boot?
//!
//! Drift is built on the executors, never beside them:
//!
//! - the **live** layer is what [`executor::plan`] of the [`Live`] executor says: a
//!   setting to change is drift (`at_least`/`at_most` respected, comparison semantic), a
//!   setting not applicable here (absent, read-only in this namespace) is reported as
//!   such and is not drift;
//! - the **boot** layer is what [`executor::plan`] of the [`DropIn`] executor says: the
//!   drop-in exists, was written by tcppolicy, is byte-identical to what the policy
//!   renders now, sets each key to the rendered value, and wins for the key under
//!   systemd-sysctl and under `sysctl --system` (the shadowing analysis; a winning file
//!   that sets the same value, or one that meets an `at_least`/`at_most`, leaves the key
//!   in effect).
//!
//! A key drifts on the boot layer when the drop-in is missing or not tcppolicy's, when
//! it is not read at boot, when its own value for the key is not the policy's, or when
//! another file wins with another value. A drop-in that differs from the rendering only
//! elsewhere (a comment, an assignment of a key the policy does not set) is drift of the
//! file, [`DropInDrift`], not of any key.
//!
//! [`check`] returns one [`DriftReport`]; the CLI renders it, and [`textfile`] turns it
//! into a Prometheus text exposition for node_exporter.

pub mod textfile;

use crate::executor;
use crate::live::Live;
use crate::report::{Report, Stage, Status};
use crate::sysctld::{DropIn, KeyShadow, Rules, Setter};
use crate::system;
use serde::Serialize;
use std::path::PathBuf;
use tcppolicy_core::effective::{EffectivePolicy, EffectiveSetting, Target};
use tcppolicy_core::plan::{self, Action, PlanEntry};
use tcppolicy_core::value::{Value, kernel_takes};

/// A layer of drift.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Layer {
    /// The running kernel.
    Live,
    /// What the host will have after the next boot: the drop-in and the files that win.
    Boot,
}

impl Layer {
    /// The name in reports and metrics.
    pub fn name(self) -> &'static str {
        match self {
            Layer::Live => "live",
            Layer::Boot => "boot",
        }
    }
}

/// How a key stands on one layer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum KeyState {
    /// As the policy says.
    InSync,
    /// Not as the policy says.
    Drift,
    /// The setting cannot be checked here (the parameter is absent, read-only in this
    /// namespace, or has no fixed value to write); not drift.
    NotApplicable,
}

/// One key on the live layer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LiveKey {
    /// The verdict.
    pub state: KeyState,
    /// What the running kernel has (normalised), `null` when the parameter is absent.
    pub observed: Option<String>,
    /// What it should have.
    pub expected: Option<String>,
    /// Why the key is not applicable.
    pub reason: Option<String>,
}

/// Why a key drifts on the boot layer.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum BootCause {
    /// The drop-in does not exist.
    DropInMissing,
    /// A file at the drop-in's path was not written by tcppolicy (or is a link).
    DropInNotOurs,
    /// The drop-in's path is not read at boot (not a `*.conf` in a sysctl.d directory).
    NotReadAtBoot,
    /// The drop-in's value for the key is not what the policy renders (or it does not set
    /// the key).
    ValueDiffers,
    /// Under systemd-sysctl another file wins with another value (or nothing sets it).
    ShadowedSystemd,
    /// Under `sysctl --system` another file wins with another value (or nothing sets it).
    ShadowedProcps,
}

/// One key on the boot layer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BootKey {
    /// The verdict.
    pub state: KeyState,
    /// What the drop-in on disk sets for the key (`null`: nothing, or no drop-in).
    pub drop_in: Option<String>,
    /// What the policy renders for it.
    pub expected: Option<String>,
    /// Why it drifts (empty when it does not).
    pub causes: Vec<BootCause>,
    /// The assignment in force after systemd-sysctl, when it is not the drop-in's.
    pub systemd_winner: Option<Setter>,
    /// The assignment in force after `sysctl --system`, when it is not the drop-in's.
    pub procps_winner: Option<Setter>,
    /// The causes in words, for people.
    pub details: Vec<String>,
    /// Why the key is not applicable.
    pub reason: Option<String>,
}

/// One setting of the policy on every layer checked.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct KeyDrift {
    /// The parameter.
    pub name: String,
    /// What the policy asks for: `2`, `>= 4096`, `kernel default`.
    pub desired: String,
    /// `file:line` of the setting.
    pub source: String,
    /// The live layer (`null` when not checked).
    pub live: Option<LiveKey>,
    /// The boot layer (`null` when not checked).
    pub boot: Option<BootKey>,
}

impl KeyDrift {
    /// The key's state on `layer`, if checked.
    pub fn state(&self, layer: Layer) -> Option<KeyState> {
        match layer {
            Layer::Live => self.live.as_ref().map(|k| k.state),
            Layer::Boot => self.boot.as_ref().map(|k| k.state),
        }
    }

    /// Whether the key drifts on any layer.
    pub fn drifts(&self) -> bool {
        [Layer::Live, Layer::Boot]
            .into_iter()
            .any(|l| self.state(l) == Some(KeyState::Drift))
    }
}

/// What is at the drop-in's path, compared with what the policy renders now.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DropInState {
    /// Byte-identical to the rendering.
    Identical,
    /// Nothing there.
    Missing,
    /// A tcppolicy drop-in with other bytes.
    Differs,
    /// A file tcppolicy did not write, or a link.
    NotOurs,
}

/// The drop-in as a whole (the boot layer).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DropInDrift {
    /// The path on the target system.
    pub path: PathBuf,
    /// Where that is here (`--root` applied).
    pub host_path: PathBuf,
    /// What is there.
    pub state: DropInState,
    /// Whether systemd-sysctl and `sysctl --system` read the path at boot.
    pub read_at_boot: bool,
    /// For `differs`: whether the assignments differ too (otherwise only comments,
    /// blank lines or spacing do: a header from another tcppolicy version, or the
    /// policy given by another path).
    pub assignments_differ: bool,
    /// For `differs`: the first line that differs (1-based), what the file has there
    /// and what the rendering has.
    pub first_difference: Option<LineDifference>,
    /// Why the file is not tcppolicy's (`not_ours`).
    pub detail: Option<String>,
}

impl DropInDrift {
    /// Whether the file as a whole drifts.
    pub fn drifts(&self) -> bool {
        self.state != DropInState::Identical || !self.read_at_boot
    }
}

/// The first line where two texts differ.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct LineDifference {
    /// 1-based.
    pub line: usize,
    /// The file's line (`null` past its end).
    pub found: Option<String>,
    /// The rendering's line (`null` past its end).
    pub expected: Option<String>,
}

/// How the check ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum DriftStatus {
    /// Every layer checked matches the policy.
    InSync,
    /// Something drifted.
    Drift,
    /// The check could not be made (the policy does not compile, the kernel is outside
    /// its range, a file cannot be read, the textfile cannot be written...).
    Refused,
}

/// The outcome of a drift check.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DriftOutcome {
    /// How it ended.
    pub status: DriftStatus,
    /// Where a refused check stopped.
    pub stage: Option<Stage>,
    /// What went wrong.
    pub error: Option<String>,
}

/// Counts for one layer.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct LayerCounts {
    /// Keys that drift.
    pub drift: usize,
    /// Keys in sync.
    pub in_sync: usize,
    /// Keys not applicable.
    pub not_applicable: usize,
}

/// Counts.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize)]
pub struct DriftSummary {
    /// Keys that drift on some layer.
    pub drift: usize,
    /// The live layer (`null` when not checked).
    pub live: Option<LayerCounts>,
    /// The boot layer (`null` when not checked).
    pub boot: Option<LayerCounts>,
}

/// The report of `tcppolicy drift`: the same identity fields as the plan/apply report
/// (`format_version`, `command`, `ok`, `policy`, `digest`, `files`, `root`,
/// `kernel_release`, `netns`, `outcome`, `warnings`, `diagnostics`), then per key and
/// layer what was found.
#[derive(Clone, Debug, Serialize)]
pub struct DriftReport {
    /// [`crate::report::FORMAT_VERSION`].
    pub format_version: u32,
    /// Always `drift`.
    pub command: &'static str,
    /// Whether the check could be made (drift found is still `ok`).
    pub ok: bool,
    /// Whether anything drifted.
    pub drift: bool,
    /// The policy's name (`null` when it did not compile).
    pub policy: Option<String>,
    /// The effective policy's digest (hex SHA-256).
    pub digest: Option<String>,
    /// The policy files, top-level first.
    pub files: Vec<String>,
    /// `--root` (the boot layer of an image or a mounted host).
    pub root: Option<PathBuf>,
    /// `uname -r`.
    pub kernel_release: String,
    /// The network namespace the live layer was read in.
    pub netns: String,
    /// When the check was made, in seconds since the epoch.
    pub checked_at: u64,
    /// The layers checked.
    pub layers: Vec<Layer>,
    /// How it ended.
    pub outcome: DriftOutcome,
    /// Counts.
    pub summary: DriftSummary,
    /// The drop-in (`null` when the boot layer was not checked).
    pub drop_in: Option<DropInDrift>,
    /// One entry per setting, in policy order.
    pub keys: Vec<KeyDrift>,
    /// The textfile written for node_exporter (`--textfile`), if any.
    pub textfile: Option<PathBuf>,
    /// Things the user should know that are not errors.
    pub warnings: Vec<String>,
    /// Diagnostics of the policy (filled in by the CLI, which renders them).
    pub diagnostics: Vec<serde_json::Value>,
}

impl DriftReport {
    /// An empty report of a check of `layers`, on this machine and namespace, now.
    pub fn new(layers: Vec<Layer>) -> DriftReport {
        DriftReport {
            format_version: crate::report::FORMAT_VERSION,
            command: "drift",
            ok: true,
            drift: false,
            policy: None,
            digest: None,
            files: Vec::new(),
            root: None,
            kernel_release: system::kernel_release(),
            netns: system::netns_id(),
            checked_at: std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .map_or(0, |d| d.as_secs()),
            layers,
            outcome: DriftOutcome {
                status: DriftStatus::InSync,
                stage: None,
                error: None,
            },
            summary: DriftSummary::default(),
            drop_in: None,
            keys: Vec::new(),
            textfile: None,
            warnings: Vec::new(),
            diagnostics: Vec::new(),
        }
    }

    /// The check could not be made.
    pub fn refuse(&mut self, stage: Stage, error: impl Into<String>) {
        self.ok = false;
        self.outcome = DriftOutcome {
            status: DriftStatus::Refused,
            stage: Some(stage),
            error: Some(error.into()),
        };
    }

    /// The exit status: 0 no drift, 2 drift, 1 the check could not be made.
    pub fn exit_code(&self) -> u8 {
        match self.outcome.status {
            DriftStatus::InSync => 0,
            DriftStatus::Drift => 2,
            DriftStatus::Refused => 1,
        }
    }

    /// Count, and set the status from what was found.
    fn finish(&mut self) {
        let counts = |layer: Layer| {
            self.layers.contains(&layer).then(|| {
                let mut c = LayerCounts::default();
                for k in &self.keys {
                    match k.state(layer) {
                        Some(KeyState::Drift) => c.drift += 1,
                        Some(KeyState::InSync) => c.in_sync += 1,
                        Some(KeyState::NotApplicable) => c.not_applicable += 1,
                        None => {}
                    }
                }
                c
            })
        };
        self.summary = DriftSummary {
            drift: self.keys.iter().filter(|k| k.drifts()).count(),
            live: counts(Layer::Live),
            boot: counts(Layer::Boot),
        };
        self.drift =
            self.summary.drift > 0 || self.drop_in.as_ref().is_some_and(DropInDrift::drifts);
        if self.ok {
            self.outcome.status = if self.drift {
                DriftStatus::Drift
            } else {
                DriftStatus::InSync
            };
        }
    }
}

/// Check `policy` on the layers given: `live` (the running kernel of the calling
/// thread's network namespace) and `boot` (the drop-in, made for the policy with
/// [`DropIn::for_policy`], inside its root). Nothing is written.
pub fn check(
    policy: &EffectivePolicy,
    live: Option<&mut Live<'_>>,
    boot: Option<&mut DropIn>,
) -> DriftReport {
    let mut layers = Vec::new();
    if live.is_some() {
        layers.push(Layer::Live);
    }
    if boot.is_some() {
        layers.push(Layer::Boot);
    }
    let mut r = DriftReport::new(layers);
    r.policy = Some(policy.name.clone());
    r.digest = Some(policy.digest());
    r.files = policy
        .files
        .iter()
        .map(|f| f.display().to_string())
        .collect();
    r.keys = policy
        .settings
        .iter()
        .map(|s| KeyDrift {
            name: s.param.name.to_string(),
            desired: s.target.describe(),
            source: format!("{}:{}", s.origin.path.display(), s.origin.line),
            live: None,
            boot: None,
        })
        .collect();
    if let Some(live) = live {
        let plan = executor::plan(live, policy);
        r.warnings.extend(plan.warnings.iter().cloned());
        if plan.outcome.status == Status::Refused {
            refuse_from(&mut r, Layer::Live, &plan);
            return r;
        }
        for key in &mut r.keys {
            key.live = entry(&plan, &key.name).map(live_key);
        }
    }
    if let Some(boot) = boot {
        let plan = executor::plan(boot, policy);
        r.root.clone_from(&plan.root);
        r.warnings.extend(plan.warnings.iter().cloned());
        // A file at the path that tcppolicy did not write is what the drop-in executor
        // refuses at preflight: for drift it is a finding, not a failure.
        let not_ours = boot.foreign().map(str::to_string);
        let found_foreign = plan.outcome.stage == Some(Stage::Preflight) && not_ours.is_some();
        if plan.outcome.status == Status::Refused && !found_foreign {
            refuse_from(&mut r, Layer::Boot, &plan);
            return r;
        }
        let Some(file) = &plan.file else {
            refuse_from(&mut r, Layer::Boot, &plan);
            return r;
        };
        let drop_in = drop_in_drift(file, not_ours);
        let shadows = plan.shadowing.as_deref().unwrap_or_default();
        for key in &mut r.keys {
            let setting = policy.get(&key.name);
            let shadow = shadows.iter().find(|k| k.key == key.name);
            key.boot = entry(&plan, &key.name).map(|e| boot_key(e, setting, shadow, &drop_in));
        }
        r.drop_in = Some(drop_in);
    }
    r.finish();
    r
}

/// Take a layer's refusal as the check's: nothing was checked.
fn refuse_from(r: &mut DriftReport, layer: Layer, plan: &Report) {
    r.keys.clear();
    r.refuse(
        plan.outcome.stage.unwrap_or(Stage::Observe),
        format!(
            "cannot check the {} layer: {}",
            layer.name(),
            plan.outcome.error.as_deref().unwrap_or("refused")
        ),
    );
}

/// A layer's plan entry for a key.
fn entry<'a>(plan: &'a Report, name: &str) -> Option<&'a PlanEntry> {
    plan.entries
        .iter()
        .map(|e| &e.plan)
        .find(|e| e.name == name)
}

fn live_key(e: &PlanEntry) -> LiveKey {
    LiveKey {
        state: state_of(e.action),
        observed: e.before.clone(),
        expected: e.after.clone(),
        reason: e.reason.clone(),
    }
}

fn state_of(action: Action) -> KeyState {
    match action {
        Action::Change => KeyState::Drift,
        Action::InSync => KeyState::InSync,
        Action::NotApplicable => KeyState::NotApplicable,
    }
}

/// The drop-in as the drop-in executor found it.
fn drop_in_drift(file: &crate::report::FileReport, not_ours: Option<String>) -> DropInDrift {
    let state = match (&not_ours, file.before.as_deref()) {
        (Some(_), _) => DropInState::NotOurs,
        (None, None) => DropInState::Missing,
        (None, Some(before)) if before == file.after => DropInState::Identical,
        (None, Some(_)) => DropInState::Differs,
    };
    let (assignments_differ, first_difference) = match (state, file.before.as_deref()) {
        (DropInState::Differs, Some(before)) => (
            assignments(before) != assignments(&file.after),
            first_difference(before, &file.after),
        ),
        _ => (false, None),
    };
    DropInDrift {
        path: file.path.clone(),
        host_path: file.host_path.clone(),
        state,
        read_at_boot: file.read_at_boot.unwrap_or(false),
        assignments_differ,
        first_difference,
        detail: not_ours,
    }
}

fn assignments(text: &str) -> Vec<(String, String)> {
    crate::sysctld::parse(text)
        .into_iter()
        .map(|a| (a.key, a.value))
        .collect()
}

fn first_difference(found: &str, expected: &str) -> Option<LineDifference> {
    let mut a = found.lines();
    let mut b = expected.lines();
    let mut line = 0;
    loop {
        line += 1;
        match (a.next(), b.next()) {
            (None, None) => return None,
            (x, y) if x == y => {}
            (x, y) => {
                return Some(LineDifference {
                    line,
                    found: x.map(str::to_string),
                    expected: y.map(str::to_string),
                });
            }
        }
    }
}

/// One key on the boot layer: the drop-in's state, the key's value in it, and the winner
/// under each tool.
fn boot_key(
    e: &PlanEntry,
    setting: Option<&EffectiveSetting>,
    shadow: Option<&KeyShadow>,
    drop_in: &DropInDrift,
) -> BootKey {
    let mut k = BootKey {
        state: KeyState::InSync,
        drop_in: e.before.clone(),
        expected: e.after.clone(),
        causes: Vec::new(),
        systemd_winner: None,
        procps_winner: None,
        details: Vec::new(),
        reason: None,
    };
    if e.action == Action::NotApplicable {
        k.state = KeyState::NotApplicable;
        k.reason.clone_from(&e.reason);
        return k;
    }
    // The drop-in's own state is told once, in `DropInDrift`; each key only names it.
    match drop_in.state {
        DropInState::Missing => {
            k.causes.push(BootCause::DropInMissing);
            k.details.push("the drop-in does not exist".into());
        }
        DropInState::NotOurs => {
            k.causes.push(BootCause::DropInNotOurs);
            k.details
                .push("the file at the drop-in's path was not written by tcppolicy".into());
        }
        DropInState::Identical | DropInState::Differs => {
            if e.action == Action::Change {
                k.causes.push(BootCause::ValueDiffers);
                k.details.push(match &e.before {
                    Some(v) => format!(
                        "the drop-in sets `{v}`, the policy renders `{}`",
                        e.after.as_deref().unwrap_or("?")
                    ),
                    None => format!(
                        "the drop-in does not set it, the policy renders `{}`",
                        e.after.as_deref().unwrap_or("?")
                    ),
                });
            }
        }
    }
    if !drop_in.read_at_boot {
        k.causes.push(BootCause::NotReadAtBoot);
        k.details.push("the drop-in is not read at boot".into());
    }
    if let (Some(shadow), Some(setting), true) = (shadow, setting, drop_in.read_at_boot) {
        let systemd = at_boot(shadow, Rules::Systemd, setting, e.after.as_deref());
        let procps = at_boot(shadow, Rules::Procps, setting, e.after.as_deref());
        if !systemd.in_effect() {
            k.causes.push(BootCause::ShadowedSystemd);
            k.systemd_winner = systemd.winner().cloned();
        }
        if !procps.in_effect() {
            k.causes.push(BootCause::ShadowedProcps);
            k.procps_winner = procps.winner().cloned();
        }
        match (systemd.in_effect(), procps.in_effect()) {
            (true, true) => {}
            (false, false) if systemd == procps => {
                k.details
                    .push(systemd.describe("under systemd-sysctl and under `sysctl --system`"));
            }
            (s, p) => {
                if !s {
                    k.details.push(systemd.describe("under systemd-sysctl"));
                }
                if !p {
                    k.details.push(procps.describe("under `sysctl --system`"));
                }
            }
        }
    }
    if !k.causes.is_empty() {
        k.state = KeyState::Drift;
    }
    k
}

/// What one tool leaves in effect for a key at boot.
#[derive(Clone, Debug, PartialEq, Eq)]
enum AtBoot {
    /// The drop-in wins.
    Ours,
    /// Another file wins with a value that gives the policy's (the same value, or one
    /// that meets its `at_least`/`at_most`).
    SameEffect,
    /// Another file wins with another value.
    Other(Setter),
    /// Another file wins with a value the kernel rejects.
    Rejected(Setter, String),
    /// No file sets the key (the drop-in is masked or not applied).
    Unset,
}

impl AtBoot {
    fn in_effect(&self) -> bool {
        matches!(self, AtBoot::Ours | AtBoot::SameEffect)
    }

    fn winner(&self) -> Option<&Setter> {
        match self {
            AtBoot::Other(s) | AtBoot::Rejected(s, _) => Some(s),
            _ => None,
        }
    }

    fn describe(&self, under: &str) -> String {
        match self {
            AtBoot::Other(s) => format!(
                "`{}:{}` sets `{}` and wins {under}",
                s.file.display(),
                s.line,
                s.value
            ),
            AtBoot::Rejected(s, why) => format!(
                "`{}:{}` wins {under} with `{}`, which the kernel rejects: {why}",
                s.file.display(),
                s.line,
                s.value
            ),
            AtBoot::Unset => {
                format!("no file sets it {under}: the drop-in is masked or not applied")
            }
            AtBoot::Ours | AtBoot::SameEffect => String::new(),
        }
    }
}

/// The one place that reads the shadowing analysis' verdict for a key (`KeyShadow`):
/// whether the drop-in wins under `rules`, and if not, whether the winner leaves the
/// policy's value in effect.
fn at_boot(
    k: &KeyShadow,
    rules: Rules,
    setting: &EffectiveSetting,
    rendered: Option<&str>,
) -> AtBoot {
    let (ours, winner) = match rules {
        Rules::Systemd => (k.ours_wins_systemd, &k.systemd_winner),
        Rules::Procps => (k.ours_wins_procps, &k.procps_winner),
    };
    if ours {
        return AtBoot::Ours;
    }
    let Some(w) = winner else {
        return AtBoot::Unset;
    };
    match kernel_takes(setting.param, &w.value) {
        Ok(v) if meets(setting, &v, rendered) => AtBoot::SameEffect,
        Ok(_) => AtBoot::Other(w.clone()),
        Err(why) => AtBoot::Rejected(w.clone(), why),
    }
}

/// Whether a value the kernel would hold gives what the setting asks for.
fn meets(setting: &EffectiveSetting, got: &Value, rendered: Option<&str>) -> bool {
    let p = setting.param;
    match &setting.target {
        Target::Value(want) => plan::same(p, got, want),
        Target::AtLeast(n) => got.as_int().is_some_and(|g| g >= *n),
        Target::AtMost(n) => got.as_int().is_some_and(|g| g <= *n),
        Target::KernelDefault => rendered
            .and_then(|r| Value::parse_kernel(p.kind, r))
            .is_some_and(|want| plan::same(p, got, &want)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn first_difference_names_the_line_and_both_sides() {
        assert_eq!(first_difference("a\nb\n", "a\nb\n"), None);
        assert_eq!(
            first_difference("a\nx\nc\n", "a\nb\nc\n"),
            Some(LineDifference {
                line: 2,
                found: Some("x".into()),
                expected: Some("b".into())
            })
        );
        assert_eq!(
            first_difference("a\n", "a\nb\n"),
            Some(LineDifference {
                line: 2,
                found: None,
                expected: Some("b".into())
            })
        );
    }
}
