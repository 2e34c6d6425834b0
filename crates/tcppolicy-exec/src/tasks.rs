//! The `ansible:PATH` target: an Ansible tasks file ([`crate::ansible::render`]) as an
//! [`Executor`]. The file is the unit that is written; per key, a setting is in sync when
//! the file's task for it already carries the same value.

use crate::executor::{Executor, Observations, Refusal};
use crate::files::Root;
use crate::report::{Command, FileReport, Outcome, Report};
use crate::sysctld::default_path;
use crate::sysctld::target::{existing, refuse_foreign, write_file};
use serde_json::Value as Json;
use std::collections::HashMap;
use std::path::PathBuf;
use tcppolicy_core::effective::EffectivePolicy;
use tcppolicy_core::plan::{Action, Observed, Plan};
use tcppolicy_core::version::Version;

/// An Ansible tasks file target.
#[derive(Debug)]
pub struct TasksFile {
    root: Root,
    path: PathBuf,
    kernel: Option<Version>,
    force: bool,
    content: String,
    before: Option<String>,
    foreign: Option<String>,
}

impl TasksFile {
    /// The tasks file at `path` inside `root`, rendered for `kernel`.
    pub fn new(root: Root, path: PathBuf, kernel: Option<Version>, force: bool) -> Self {
        TasksFile {
            root,
            path,
            kernel,
            force,
            content: String::new(),
            before: None,
            foreign: None,
        }
    }
}

/// The `value` of every `ansible.posix.sysctl` task, by `name`, in a tasks file (blocks
/// included); the last task of a name wins. Unparsable files give nothing.
fn task_values(text: &str) -> HashMap<String, String> {
    fn walk(v: &Json, out: &mut HashMap<String, String>) {
        match v {
            Json::Array(items) => items.iter().for_each(|i| walk(i, out)),
            Json::Object(map) => {
                for (k, v) in map {
                    if k == "ansible.posix.sysctl"
                        && let (Some(Json::String(n)), Some(value)) =
                            (v.get("name"), v.get("value"))
                    {
                        out.insert(
                            n.clone(),
                            value
                                .as_str()
                                .map_or_else(|| value.to_string(), str::to_string),
                        );
                    } else if matches!(k.as_str(), "block" | "rescue" | "always") {
                        walk(v, out);
                    }
                }
            }
            _ => {}
        }
    }
    let mut out = HashMap::new();
    if let Ok(v) = serde_saphyr::from_str::<Json>(text) {
        walk(&v, &mut out);
    }
    out
}

impl Executor for TasksFile {
    fn target(&self) -> String {
        format!("ansible:{}", self.path.display())
    }

    fn root(&self) -> Option<PathBuf> {
        self.root.reported()
    }

    fn observe(
        &mut self,
        policy: &EffectivePolicy,
        report: &mut Report,
    ) -> Result<Observations, Refusal> {
        self.content = crate::ansible::render(policy, self.kernel, &default_path(&policy.name));
        let existing = existing(&self.root, &self.path)?;
        self.foreign = existing.foreign;
        self.before = existing.text.clone();
        report.file = Some(FileReport::new(
            &self.root,
            &self.path,
            existing.text,
            &self.content,
            None,
        ));
        // The tasks file does not hold kernel values: every setting is "to be written",
        // and `preflight` compares task by task.
        Ok(policy
            .settings
            .iter()
            .map(|s| (s.param.name, Observed::Unset))
            .collect())
    }

    fn preflight(
        &mut self,
        _: Command,
        _: &EffectivePolicy,
        plan: &mut Plan,
        _: &mut Report,
    ) -> Result<(), Refusal> {
        refuse_foreign(self.foreign.as_deref(), self.force)?;
        let old = self.before.as_deref().map(task_values).unwrap_or_default();
        let new = task_values(&self.content);
        for e in &mut plan.entries {
            if e.action == Action::NotApplicable {
                continue;
            }
            e.before = old.get(&e.name).cloned();
            let same = match (old.get(&e.name), new.get(&e.name)) {
                (Some(a), Some(b)) => a == b,
                (None, None) => self.before.as_deref() == Some(self.content.as_str()),
                _ => false,
            };
            e.action = if same { Action::InSync } else { Action::Change };
        }
        Ok(())
    }

    fn execute(&mut self, _: &EffectivePolicy, plan: &Plan, report: &mut Report) -> Outcome {
        write_file(&self.root, &self.path, &self.content, plan, report)
    }
}
