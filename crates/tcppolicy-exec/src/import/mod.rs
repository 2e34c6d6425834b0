//! `tcppolicy import`: a starter policy from the live kernel, sysctl.d files, `sysctl -a`
//! dumps or TuneD profiles, so a team can adopt tcppolicy on a fleet that already has
//! settings.
//!
//! Files are read as `sysctl -p` reads them (`files`) or as TuneD reads a profile
//! (`tuned`), and every value goes through [`tcppolicy_core::value::kernel_write`]: the
//! policy holds what the kernel would hold after the file was applied, not the text.
//! `32768 # note` imports 32768; a value the kernel rejects leaves the earlier one in
//! place. Every line that does not become a setting is kept, with the reason, and ends up
//! as a comment in the output (`render`). Secrets (`tcp_fastopen_key`) never enter a
//! policy from any source.

mod files;
mod render;
mod tuned;

pub use render::{KernelChoice, Rendered, describe, render};

use crate::sysctl::{Sysctl, SysctlError};
use indexmap::IndexMap;
use std::io::Read;
use std::path::Path;
use tcppolicy_core::catalog::{self, DefaultValue, PARAMS, Param};
use tcppolicy_core::plan;
use tcppolicy_core::value::{KernelWrite, Value, kernel_write, prefix_message};
use tcppolicy_core::version::Version;

/// The one parameter whose value is a secret: it is never imported.
const SECRET: &str = "net.ipv4.tcp_fastopen_key";

/// Parameters whose default the kernel derives from this host's memory or hash sizes:
/// their value says nothing about tuning, so a starter policy from the live kernel leaves
/// them out unless `--all` asks for everything. Other computed defaults (`tcp_rmem`,
/// `tcp_wmem`, the congestion control) are commonly tuned and are imported.
const HOST_DERIVED: &[&str] = &[
    "net.ipv4.tcp_mem",
    "net.ipv4.tcp_max_orphans",
    "net.ipv4.tcp_max_syn_backlog",
    "net.ipv4.tcp_max_tw_buckets",
    "net.ipv4.tcp_allowed_congestion_control",
];

/// Largest file `import` reads.
const MAX_FILE_BYTES: u64 = 4 * 1024 * 1024;

/// What a setting of the starter policy asks for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Desired {
    /// `value:`.
    Value(Value),
    /// `at_least:` (TuneD's `>` prefix).
    AtLeast(i128),
    /// `at_most:` (TuneD's `<` prefix).
    AtMost(i128),
}

/// One setting of the starter policy, with where it came from.
#[derive(Debug, Clone)]
pub struct Found {
    /// The parameter.
    pub param: &'static Param,
    /// What the setting asks for.
    pub desired: Desired,
    /// Where it came from (`file:line`, or the running kernel).
    pub origin: String,
    /// What a reader should know about how the value was read (a comment the kernel
    /// ignores, a `-` prefix, a hex number).
    pub notes: Vec<String>,
    /// The kernel's own value (its default, or one it derives from this host), imported
    /// only because `--all` asks for every parameter: left out when the compiler warns
    /// about it, since leaving it out changes nothing.
    pub kernel_own: bool,
}

/// A line (or key) that did not become a setting, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    /// `file:line`, or the running kernel.
    pub origin: String,
    /// The key as written (empty when the line has none).
    pub key: String,
    /// Why it is not a setting (lower case, no trailing period).
    pub reason: String,
}

/// What was read: the settings, what was left out, and notes for the header.
#[derive(Debug, Clone, Default)]
pub struct Import {
    /// The settings, in the order their parameter first appeared.
    pub found: Vec<Found>,
    /// Every line or key that did not become a setting.
    pub skipped: Vec<Skipped>,
    /// Notes for the policy's header (how the sources are read by their tools).
    pub notes: Vec<String>,
}

/// Why `import` could not read its input.
#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// A file could not be read.
    #[error("cannot read `{path}`: {source}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// A file is not a regular file or is too large.
    #[error("cannot import `{path}`: {why}")]
    NotAFile {
        /// The file.
        path: String,
        /// Why.
        why: String,
    },
    /// Reading the live kernel failed.
    #[error(transparent)]
    Sysctl(#[from] SysctlError),
}

/// Read every catalog parameter present and writable in this network namespace whose
/// value differs from its fixed default on this kernel (all of them with `all`).
pub fn from_live(
    sysctl: &dyn Sysctl,
    kernel: Option<Version>,
    netns: &str,
    all: bool,
) -> Result<Import, ImportError> {
    let mut out = Import::default();
    let origin = format!(
        "the running kernel {} ({netns})",
        kernel.map(|k| k.to_string()).unwrap_or_default()
    );
    for p in PARAMS.iter().filter(|p| !p.read_only) {
        if p.name == SECRET {
            continue; // key material never goes into a policy, nor into a comment
        }
        if sysctl.check_writable(p).is_err() {
            continue; // absent, or read-only here (global parameters in a container)
        }
        let Some(text) = sysctl.read(p)? else {
            continue;
        };
        let Some(value) = Value::parse_kernel(p.kind, &text) else {
            continue;
        };
        let default = match p.default_for(kernel) {
            Some(DefaultValue::Fixed(d)) => Value::parse_kernel(p.kind, d),
            _ => None,
        };
        let differs = default.as_ref().is_none_or(|d| !plan::same(p, &value, d));
        let chosen = differs && !HOST_DERIVED.contains(&p.name);
        if all || chosen {
            out.found.push(Found {
                param: p,
                desired: Desired::Value(value),
                origin: origin.clone(),
                notes: Vec::new(),
                kernel_own: !chosen,
            });
        }
    }
    Ok(out)
}

/// Read sysctl.d files, `sysctl -a` dumps and TuneD profiles; later files override
/// earlier ones, as at boot (and as TuneD merges an included profile under its includer).
pub fn from_files(paths: &[&Path]) -> Result<Import, ImportError> {
    let mut state = State::default();
    for path in paths {
        let shown = path.display().to_string();
        let text = read_file(path)?;
        if tuned::is_profile(path, &text) {
            tuned::read(&shown, &text, &mut state);
        } else {
            files::read(&shown, &text, &mut state);
        }
    }
    Ok(state.finish())
}

/// Read a file as root would: a regular file only (a FIFO is refused, never waited on),
/// at most [`MAX_FILE_BYTES`], bytes that are not UTF-8 replaced (comments in legacy
/// encodings are common; keys and values are ASCII).
fn read_file(path: &Path) -> Result<String, ImportError> {
    use std::os::unix::fs::OpenOptionsExt;
    let shown = path.display().to_string();
    let err = |source| ImportError::Read {
        path: shown.clone(),
        source,
    };
    let file = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(rustix::fs::OFlags::NONBLOCK.bits() as i32)
        .open(path)
        .map_err(err)?;
    let meta = file.metadata().map_err(err)?;
    if !meta.is_file() {
        return Err(ImportError::NotAFile {
            path: shown,
            why: "not a regular file".into(),
        });
    }
    let mut bytes = Vec::new();
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(err)?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(ImportError::NotAFile {
            path: shown,
            why: format!("larger than {MAX_FILE_BYTES} bytes"),
        });
    }
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// What the files set so far: the settings by parameter, and what was left out.
#[derive(Debug, Default)]
pub(crate) struct State {
    found: IndexMap<&'static str, Found>,
    skipped: Vec<Skipped>,
    notes: Vec<String>,
}

/// How a value is to be taken.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Bound {
    /// As written.
    Exact,
    /// TuneD's `>`: only ever raise.
    AtLeast,
    /// TuneD's `<`: only ever lower.
    AtMost,
}

impl State {
    fn skip(&mut self, origin: &str, key: &str, reason: impl Into<String>) {
        self.skipped.push(Skipped {
            origin: origin.to_string(),
            key: key.to_string(),
            reason: reason.into(),
        });
    }

    /// The value a parameter holds after what was read so far, if known exactly.
    fn current(&self, name: &str) -> Option<Value> {
        match &self.found.get(name)?.desired {
            Desired::Value(v) => Some(v.clone()),
            _ => None,
        }
    }

    /// Assign `value` to `key` (normalised, as a tool would write it), from `origin`.
    fn assign(&mut self, origin: &str, key: &str, value: &str, bound: Bound, notes: &[String]) {
        if key.starts_with('\u{feff}') {
            return self.skip(
                origin,
                key,
                "the key starts with a UTF-8 byte order mark, which `sysctl -p` and \
                 systemd-sysctl keep in the name: they find no such parameter",
            );
        }
        if key.contains(char::is_whitespace) {
            let hint = catalog::suggest(key)
                .map(|s| format!(" (`{s}`?)"))
                .unwrap_or_default();
            return self.skip(
                origin,
                key,
                format!(
                    "not a parameter name: the tools look up the whole text before `=` and \
                     find nothing{hint}; a shell command such as `sysctl -w` does nothing in \
                     a sysctl.d file"
                ),
            );
        }
        if key.contains(['*', '?', '[']) {
            return self.assign_glob(origin, key, value, bound, notes);
        }
        match catalog::lookup(key) {
            Some(param) => self.assign_param(origin, key, param, value, bound, notes),
            None => {
                let reason = unknown_reason(key);
                self.skip(origin, key, reason);
            }
        }
    }

    /// A glob key (`net.ipv4.tcp_ecn*`): `sysctl -p` and systemd-sysctl expand it over
    /// the parameters that exist, `*` not crossing a `.`.
    fn assign_glob(
        &mut self,
        origin: &str,
        key: &str,
        value: &str,
        bound: Bound,
        notes: &[String],
    ) {
        let pattern = match glob::Pattern::new(&key.replace('.', "/")) {
            Ok(p) => p,
            Err(e) => return self.skip(origin, key, format!("not a valid glob: {e}")),
        };
        let options = glob::MatchOptions {
            case_sensitive: true,
            require_literal_separator: true,
            require_literal_leading_dot: false,
        };
        let matches: Vec<&'static Param> = PARAMS
            .iter()
            .filter(|p| p.removed.is_none())
            .filter(|p| pattern.matches_with(&p.name.replace('.', "/"), options))
            .collect();
        if matches.is_empty() {
            return self.skip(
                origin,
                key,
                "the glob matches no parameter in tcppolicy's catalog (it manages TCP \
                 parameters only)",
            );
        }
        let mut notes = notes.to_vec();
        notes.push(format!(
            "Set by the glob `{key}`, which may also match parameters outside tcppolicy's \
             catalog."
        ));
        for p in matches {
            self.assign_param(origin, key, p, value, bound, &notes);
        }
    }

    fn assign_param(
        &mut self,
        origin: &str,
        key: &str,
        param: &'static Param,
        value: &str,
        bound: Bound,
        notes: &[String],
    ) {
        if param.name == SECRET {
            // Never echo the value: not in a comment, not in a message.
            return self.skip(
                origin,
                key,
                "a secret (TCP Fast Open key material) never enters a policy; manage it \
                 with a secrets tool",
            );
        }
        if param.read_only {
            return self.skip(
                origin,
                key,
                "read-only: the kernel reports it, nobody sets it",
            );
        }
        let outcome = kernel_write(param, value, &|name| self.current(name));
        let mut notes = notes.to_vec();
        let taken = match outcome {
            KernelWrite::Takes { value: v, ignored } => {
                if !ignored.is_empty() {
                    notes.push(format!(
                        "The kernel ignores `{}` after the value.",
                        clip(&ignored)
                    ));
                }
                if let Some(note) = reading_note(param, value, &v) {
                    notes.push(note);
                }
                v
            }
            KernelWrite::Prefix { elements, error } => match self.current(param.name) {
                Some(Value::Vector(mut before)) if error.is_none() => {
                    before[..elements.len()].copy_from_slice(&elements);
                    notes.push(format!(
                        "The line sets only the first {} values; the others stay as set \
                         before.",
                        elements.len()
                    ));
                    Value::Vector(before)
                }
                _ => {
                    return self.skip(
                        origin,
                        key,
                        format!(
                            "{}; a policy sets whole values",
                            prefix_message(param, &elements, error)
                        ),
                    );
                }
            },
            KernelWrite::Rejects(why) => {
                let kept = self
                    .found
                    .get(param.name)
                    .map(|f| format!("; `{}` from {} stays", param.name, f.origin))
                    .unwrap_or_default();
                return self.skip(origin, key, format!("rejected: {why}{kept}"));
            }
        };
        let desired = match (bound, taken.as_int()) {
            (Bound::AtLeast, Some(n)) => Desired::AtLeast(n),
            (Bound::AtMost, Some(n)) => Desired::AtMost(n),
            _ => Desired::Value(taken),
        };
        let found = Found {
            param,
            desired,
            origin: origin.to_string(),
            notes,
            kernel_own: false,
        };
        if let Some(old) = self.found.insert(param.name, found) {
            let new = &self.found[param.name].origin;
            let reason = format!("overridden by {new}");
            self.skip(&old.origin, param.name, reason);
        }
    }

    fn finish(self) -> Import {
        Import {
            found: self.found.into_values().collect(),
            skipped: self.skipped,
            notes: self.notes,
        }
    }
}

/// Why a key that is not in the catalog is not imported, with a did-you-mean for names
/// in tcppolicy's scope.
fn unknown_reason(key: &str) -> String {
    let in_scope = key.starts_with("net.ipv4.tcp_")
        || key.starts_with("net.core.")
        || key.starts_with("net.ipv4.ip_local_")
        || key.starts_with("net.ipv4.ip_unprivileged");
    match catalog::suggest(key) {
        Some(s) if s != key => format!("unknown parameter (did you mean `{s}`?)"),
        _ if in_scope => "not a parameter tcppolicy knows".into(),
        _ => "outside tcppolicy's scope (TCP parameters only)".into(),
    }
}

/// A note when the kernel reads the written number differently from how it looks
/// (`0x403` is 1027, `010` is 8).
fn reading_note(param: &Param, written: &str, taken: &Value) -> Option<String> {
    if !param.kind.is_numeric() {
        return None;
    }
    let ints = taken.ints();
    let words: Vec<&str> = written.split_whitespace().take(ints.len()).collect();
    let plain = words
        .iter()
        .zip(&ints)
        .all(|(w, i)| w.parse::<i128>().ok() == Some(*i));
    (!plain).then(|| {
        format!(
            "The kernel reads `{}` as {}.",
            clip(&words.join(" ")),
            taken.to_kernel()
        )
    })
}

/// Text for a comment or rationale: escaped, at most 80 characters.
pub(crate) fn clip(text: &str) -> String {
    let escaped = render::escape(text);
    if escaped.chars().count() > 80 {
        format!("{}…", escaped.chars().take(79).collect::<String>())
    } else {
        escaped
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(text: &str) -> Import {
        let mut state = State::default();
        files::read("f.conf", text, &mut state);
        state.finish()
    }

    fn value(i: &Import, name: &str) -> Option<Desired> {
        i.found
            .iter()
            .find(|f| f.param.name == name)
            .map(|f| f.desired.clone())
    }

    #[test]
    fn a_trailing_comment_keeps_the_value() {
        let i = read(
            "net.core.somaxconn = 32768 # 监听队列\nnet.ipv4.tcp_rmem = 4096 87380 6291456 # 64 MB\n",
        );
        assert_eq!(
            value(&i, "net.core.somaxconn"),
            Some(Desired::Value(Value::Int(32768)))
        );
        assert_eq!(
            value(&i, "net.ipv4.tcp_rmem"),
            Some(Desired::Value(Value::Vector(vec![4096, 87380, 6291456])))
        );
        assert!(i.skipped.is_empty(), "{:?}", i.skipped);
    }

    #[test]
    fn a_rejected_line_does_not_erase_an_earlier_good_one() {
        let i = read("net.core.somaxconn = 1024\nnet.core.somaxconn = 2048#x\n");
        assert_eq!(
            value(&i, "net.core.somaxconn"),
            Some(Desired::Value(Value::Int(1024)))
        );
        assert_eq!(i.skipped.len(), 1);
        assert!(
            i.skipped[0]
                .reason
                .ends_with("`net.core.somaxconn` from f.conf:1 stays"),
            "{:?}",
            i.skipped
        );
    }

    #[test]
    fn secrets_never_enter_and_are_never_echoed() {
        let i = read("net.ipv4.tcp_fastopen_key = 01234567-89abcdef-01234567-89abcdef\n");
        assert!(i.found.is_empty());
        assert!(!format!("{:?}", i.skipped).contains("89abcdef"));
    }

    #[test]
    fn unknown_names_get_a_did_you_mean() {
        let i = read("net.ipv4.tcp_keepalive_intval = 30\nkernel.pid_max = 4194304\n");
        assert!(
            i.skipped[0]
                .reason
                .contains("`net.ipv4.tcp_keepalive_intvl`"),
            "{:?}",
            i.skipped
        );
        assert!(
            i.skipped[1].reason.contains("outside tcppolicy's scope"),
            "{:?}",
            i.skipped
        );
    }

    #[test]
    fn globs_expand_over_the_catalog() {
        let i = read("net.ipv4.tcp_ecn_option* = 1\n");
        assert_eq!(
            value(&i, "net.ipv4.tcp_ecn_option_beacon"),
            Some(Desired::Value(Value::Int(1)))
        );
        assert!(value(&i, "net.ipv4.tcp_ecn").is_none());
    }
}
