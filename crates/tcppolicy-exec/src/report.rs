//! The one report every executor returns, for `plan`, `apply` and `recover` (SPEC §5).
//!
//! Its JSON has the same top-level fields for every command and every target; a field
//! that does not apply is `null` or empty, never missing. The CLI adds `diagnostics`
//! (it owns the source map they are rendered with) and renders the rest for people.
//! `plan --out FILE` saves this document; `apply --plan FILE` reads it back as a
//! [`SavedPlan`].

use crate::files::WriteOutcome;
use crate::sysctld::KeyShadow;
use serde::{Deserialize, Serialize};
use std::path::PathBuf;
use tcppolicy_core::plan::{Action, Plan, PlanEntry, Summary};

/// The version of every JSON document tcppolicy prints (`format_version`).
pub use tcppolicy_core::FORMAT_VERSION;

/// Which command made the report.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Command {
    /// `tcppolicy plan`: nothing touched.
    Plan,
    /// `tcppolicy apply`.
    Apply,
    /// `tcppolicy recover`: restore the values an interrupted apply recorded.
    Recover,
}

/// How the command ended.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Status {
    /// Plan: the target already matches.
    InSync,
    /// Plan: applying would change something.
    ChangesPending,
    /// Apply/recover: every change was written and verified.
    Applied,
    /// Apply/recover: everything was in sync; nothing was written.
    NothingToDo,
    /// Apply/recover: a write or read-back failed; see `restored` and
    /// `rollback_failures`.
    Failed,
    /// Nothing was done: the policy does not compile, the kernel is out of range, the
    /// lock was not free, a preflight check failed, the saved plan is stale...
    Refused,
    /// A signal stopped the apply; every value written was rolled back (see
    /// `rollback_failures`).
    Interrupted,
}

/// Where a refused command stopped.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// The policy has errors.
    Compile,
    /// The running kernel is outside the policy's range.
    Kernel,
    /// An interrupted apply left a journal, or the journal cannot be written.
    Journal,
    /// Another apply holds the lock.
    Lock,
    /// Reading the target failed.
    Observe,
    /// A change cannot be made here (not writable, not allowed, a foreign file).
    Preflight,
    /// The saved plan no longer matches the system or its policy.
    Stale,
    /// Writing failed (file targets: nothing was changed).
    Write,
}

/// How the command ended, with the details that go with it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Outcome {
    /// The status.
    pub status: Status,
    /// Where a refused command stopped.
    pub stage: Option<Stage>,
    /// What went wrong.
    pub error: Option<String>,
    /// The parameter whose write or read-back failed.
    pub failed: Option<String>,
    /// Parameters restored to their previous value, in restore order.
    pub restored: Vec<String>,
    /// Restores that failed: when not empty, the system is NOT back as it was.
    pub rollback_failures: Vec<String>,
    /// The signal that interrupted the apply (`SIGTERM`).
    pub signal: Option<String>,
}

impl Outcome {
    /// An outcome with only a status.
    pub fn new(status: Status) -> Outcome {
        Outcome {
            status,
            stage: None,
            error: None,
            failed: None,
            restored: Vec::new(),
            rollback_failures: Vec::new(),
            signal: None,
        }
    }

    /// Refused at `stage` because of `error`; nothing was done.
    pub fn refused(stage: Stage, error: impl Into<String>) -> Outcome {
        Outcome {
            stage: Some(stage),
            error: Some(error.into()),
            ..Outcome::new(Status::Refused)
        }
    }
}

/// What happened to one entry during an apply.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum EntryResult {
    /// Written and read back; it stays.
    Written,
    /// Written, then restored to its previous value by the rollback.
    RolledBack,
}

/// One setting of the report: the plan entry and, after an apply, what became of it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Entry {
    /// The plan entry.
    #[serde(flatten)]
    pub plan: PlanEntry,
    /// What the apply did with it (`null` for a plan, or when nothing was written).
    pub result: Option<EntryResult>,
}

/// A file target: the file's path, what apply does or did to it, its content.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct FileReport {
    /// The path on the target system (`/etc/sysctl.d/90-tcppolicy-web.conf`).
    pub path: PathBuf,
    /// Where that is here (`--root` applied).
    pub host_path: PathBuf,
    /// `create`, `update` or `unchanged` (plan); `created`, `updated` or `unchanged`
    /// (apply).
    pub action: String,
    /// The content there before (`null` when there was no file).
    pub before: Option<String>,
    /// The content tcppolicy writes.
    pub after: String,
    /// Whether systemd-sysctl or `sysctl --system` read the file at boot (drop-ins).
    pub read_at_boot: Option<bool>,
}

impl FileReport {
    /// The report of a file target at `path` (as on the target system) under `root`, whose
    /// content is `before` (`None`: absent) and will be `after`.
    pub fn new(
        root: &crate::files::Root,
        path: &std::path::Path,
        before: Option<String>,
        after: &str,
        read_at_boot: Option<bool>,
    ) -> Self {
        FileReport {
            path: path.to_path_buf(),
            host_path: root.display(path),
            action: Self::action_for(before.as_deref(), after).into(),
            before,
            after: after.to_owned(),
            read_at_boot,
        }
    }

    /// The plan-time action for a file's current and new content.
    pub fn action_for(before: Option<&str>, after: &str) -> &'static str {
        match before {
            None => "create",
            Some(b) if b == after => "unchanged",
            Some(_) => "update",
        }
    }

    /// Whether applying changes the file.
    pub fn changes(&self) -> bool {
        self.action != "unchanged"
    }

    /// Record what the write did.
    pub fn written(&mut self, outcome: WriteOutcome) {
        self.action = match outcome {
            WriteOutcome::Created => "created",
            WriteOutcome::Updated => "updated",
            WriteOutcome::Unchanged => "unchanged",
        }
        .into();
    }
}

/// An apply that did not finish: what its journal says.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Interrupted {
    /// The journal file.
    pub journal: PathBuf,
    /// The process that wrote it.
    pub pid: u32,
    /// When it started (seconds since the epoch).
    pub started: u64,
    /// The policy it applied.
    pub policy: String,
    /// The values before it started, in write order.
    pub entries: Vec<JournalEntry>,
}

/// One parameter an interrupted apply was about to change.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct JournalEntry {
    /// Parameter.
    pub name: String,
    /// Its value before the apply (kernel text, normalised).
    pub before: String,
    /// The value the apply was writing.
    pub after: String,
}

/// The report of one `plan`, `apply` or `recover`.
#[derive(Clone, Debug, Serialize)]
pub struct Report {
    /// [`FORMAT_VERSION`].
    pub format_version: u32,
    /// Which command.
    pub command: Command,
    /// Whether it succeeded (not refused, failed or interrupted).
    pub ok: bool,
    /// Whether the target was modified and stays modified.
    pub changed: bool,
    /// The policy's name (`null` when it did not compile).
    pub policy: Option<String>,
    /// The effective policy's digest (hex SHA-256).
    pub digest: Option<String>,
    /// The policy files, top-level first.
    pub files: Vec<String>,
    /// The target: `live`, `sysctl.d:/etc/sysctl.d/...`, `ansible:PATH`.
    pub target: String,
    /// `--root`, for file targets.
    pub root: Option<PathBuf>,
    /// `uname -r`.
    pub kernel_release: String,
    /// The network namespace the values were read (and written) in.
    pub netns: String,
    /// How it ended.
    pub outcome: Outcome,
    /// Counts by action.
    pub summary: Summary,
    /// One entry per setting, in policy order.
    pub entries: Vec<Entry>,
    /// The settings that are not applicable here (their reasons are in `entries`).
    pub not_applicable: Vec<String>,
    /// The file, for file targets.
    pub file: Option<FileReport>,
    /// Per key, which file sets it at boot (the `sysctl.d` target).
    pub shadowing: Option<Vec<KeyShadow>>,
    /// Things the user should know that are not errors.
    pub warnings: Vec<String>,
    /// An earlier apply in this network namespace that did not finish.
    pub interrupted_apply: Option<Interrupted>,
    /// Milliseconds spent waiting for the apply lock (`null` when none was taken).
    pub lock_waited_ms: Option<u64>,
    /// Diagnostics of the policy (filled in by the CLI, which renders them).
    pub diagnostics: Vec<serde_json::Value>,
}

impl Report {
    /// An empty report for `command` on `target`; the executor fills it in.
    pub fn new(command: Command, target: String, kernel_release: String, netns: String) -> Report {
        Report {
            format_version: FORMAT_VERSION,
            command,
            ok: true,
            changed: false,
            policy: None,
            digest: None,
            files: Vec::new(),
            target,
            root: None,
            kernel_release,
            netns,
            outcome: Outcome::new(match command {
                Command::Plan => Status::InSync,
                Command::Apply | Command::Recover => Status::NothingToDo,
            }),
            summary: Summary::default(),
            entries: Vec::new(),
            not_applicable: Vec::new(),
            file: None,
            shadowing: None,
            warnings: Vec::new(),
            interrupted_apply: None,
            lock_waited_ms: None,
            diagnostics: Vec::new(),
        }
    }

    /// Take the plan's identity and entries.
    pub fn set_plan(&mut self, plan: &Plan) {
        self.policy = Some(plan.policy.clone());
        self.digest = Some(plan.digest.clone());
        self.files.clone_from(&plan.files);
        self.summary = plan.summary;
        self.entries = plan
            .entries
            .iter()
            .map(|e| Entry {
                plan: e.clone(),
                result: None,
            })
            .collect();
        self.not_applicable = plan
            .entries
            .iter()
            .filter(|e| e.action == Action::NotApplicable)
            .map(|e| e.name.clone())
            .collect();
    }

    /// Set the outcome, and `ok` and `changed` with it.
    pub fn finish(&mut self, outcome: Outcome) {
        self.ok = !matches!(
            outcome.status,
            Status::Failed | Status::Refused | Status::Interrupted
        );
        let file_changed = self
            .file
            .as_ref()
            .is_some_and(|f| matches!(f.action.as_str(), "created" | "updated"));
        let kept = self
            .entries
            .iter()
            .any(|e| e.result == Some(EntryResult::Written));
        self.changed = match self.command {
            Command::Plan => false,
            Command::Apply | Command::Recover => kept || file_changed,
        };
        self.outcome = outcome;
    }

    /// Refuse: nothing was done.
    pub fn refuse(&mut self, stage: Stage, error: impl Into<String>) {
        self.finish(Outcome::refused(stage, error));
    }

    /// The exit status: plan 0 in sync / 2 changes pending / 1 error; apply and recover
    /// 0 / 1; 128 + N after signal N.
    pub fn exit_code(&self) -> u8 {
        match self.outcome.status {
            Status::InSync | Status::Applied | Status::NothingToDo => 0,
            Status::ChangesPending => 2,
            Status::Failed | Status::Refused => 1,
            Status::Interrupted => self
                .outcome
                .signal
                .as_deref()
                .and_then(crate::signals::number)
                .map_or(1, |n| 128 + n),
        }
    }
}

/// A plan saved with `plan --out`, as `apply --plan` reads it: only the fields that bind
/// it to its policy and to the system. Everything else is recomputed.
#[derive(Clone, Debug, Deserialize)]
pub struct SavedPlan {
    /// Must be [`FORMAT_VERSION`].
    pub format_version: u32,
    /// Must be `plan`.
    pub command: Command,
    /// The policy's name.
    pub policy: Option<String>,
    /// The effective policy's digest the plan was made from.
    pub digest: Option<String>,
    /// The policy files, top-level first.
    #[serde(default)]
    pub files: Vec<String>,
    /// The target the plan is for.
    pub target: String,
    /// The kernel it was made on.
    pub kernel_release: String,
    /// The network namespace it was made in.
    pub netns: String,
    /// The entries.
    pub entries: Vec<SavedEntry>,
}

/// One entry of a saved plan.
#[derive(Clone, Debug, PartialEq, Eq, Deserialize)]
pub struct SavedEntry {
    /// Parameter.
    pub name: String,
    /// Action.
    pub action: Action,
    /// Value observed when the plan was made.
    pub before: Option<String>,
    /// Value to write.
    pub after: Option<String>,
}
