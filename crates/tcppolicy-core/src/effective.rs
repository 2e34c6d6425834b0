//! The effective policy: what a policy and everything it extends add up to, with the
//! provenance of every setting.

use crate::catalog::{DefaultValue, Param};
use crate::source::FileId;
use crate::value::Value;
use crate::version::VersionRange;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::path::{Component, Path, PathBuf};

/// What a setting asks for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "mode", content = "value", rename_all = "snake_case")]
pub enum Target {
    /// Set exactly this value.
    Value(Value),
    /// Raise to at least this integer; keep a larger value.
    AtLeast(i128),
    /// Lower to at most this integer; keep a smaller value.
    AtMost(i128),
    /// The kernel's own default for this parameter on the running kernel.
    KernelDefault,
}

impl Target {
    /// The policy field that states it.
    pub fn field(&self) -> &'static str {
        match self {
            Target::Value(_) | Target::KernelDefault => "value",
            Target::AtLeast(_) => "at_least",
            Target::AtMost(_) => "at_most",
        }
    }

    /// Human form: `6`, `>= 4096`, `<= 30`, `default`.
    pub fn describe(&self) -> String {
        match self {
            Target::Value(v) => v.to_kernel(),
            Target::AtLeast(n) => format!(">= {n}"),
            Target::AtMost(n) => format!("<= {n}"),
            Target::KernelDefault => "kernel default".into(),
        }
    }
}

/// Where a setting was written.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Origin {
    /// The file.
    pub file: FileId,
    /// The file's path as displayed.
    pub path: PathBuf,
    /// 1-based line of the setting's key.
    pub line: u32,
    /// JSON pointer of the setting (`/settings/<name>`).
    pub pointer: String,
}

/// One parameter of the effective policy.
#[derive(Clone, Debug)]
pub struct EffectiveSetting {
    /// The catalog entry.
    pub param: &'static Param,
    /// What to do with it.
    pub target: Target,
    /// Why.
    pub rationale: String,
    /// Where the winning definition is.
    pub origin: Origin,
    /// Earlier definitions it overrides (from policies it extends), oldest first.
    pub overrides: Vec<Origin>,
}

/// The policy after `extends` is resolved: the input to plan, apply and emit.
#[derive(Clone, Debug)]
pub struct EffectivePolicy {
    /// The top-level policy's name.
    pub name: String,
    /// Its description.
    pub description: Option<String>,
    /// Its owner.
    pub owner: Option<String>,
    /// The target kernel range as written, if any.
    pub kernel: Option<VersionRange>,
    /// Whether it is meant for containers.
    pub container: bool,
    /// Settings, in order of first appearance (bases first).
    pub settings: Vec<EffectiveSetting>,
    /// The top-level file.
    pub root: PathBuf,
    /// Every file that contributed, top-level first.
    pub files: Vec<PathBuf>,
}

impl EffectivePolicy {
    /// The setting for a parameter.
    pub fn get(&self, name: &str) -> Option<&EffectiveSetting> {
        self.settings.iter().find(|s| s.param.name == name)
    }

    /// The exact value the policy sets for `name`, resolving `value: default` to the
    /// newest fixed kernel default; `None` for bounds, computed defaults and absent
    /// settings.
    pub fn exact(&self, name: &str) -> Option<Value> {
        let s = self.get(name)?;
        match &s.target {
            Target::Value(v) => Some(v.clone()),
            Target::KernelDefault => match s.param.default_for(None)? {
                DefaultValue::Fixed(text) => Value::parse_kernel(s.param.kind, text),
                DefaultValue::Computed(_) => None,
            },
            Target::AtLeast(_) | Target::AtMost(_) => None,
        }
    }

    /// The integer the policy leaves in place for `name`: its exact value if it sets
    /// one, else the kernel's fixed default when it does not set the parameter at all.
    pub fn int_or_default(&self, name: &str) -> Option<i128> {
        if self.get(name).is_some() {
            return self.exact(name)?.as_int();
        }
        crate::catalog::lookup(name)?
            .fixed_default(None)?
            .trim()
            .parse()
            .ok()
    }

    /// A SHA-256 digest of everything that decides what the policy does (name, kernel
    /// range, every setting's target and rationale), hex encoded. Two policies with the
    /// same digest render identical drop-ins.
    pub fn digest(&self) -> String {
        let mut h = Sha256::new();
        h.update(b"tcppolicy-effective-v1\0");
        h.update(self.name.as_bytes());
        h.update(b"\0");
        if let Some(k) = &self.kernel {
            h.update(k.to_string().as_bytes());
        }
        h.update(b"\0");
        for s in &self.settings {
            h.update(s.param.name.as_bytes());
            h.update(b"\0");
            h.update(
                serde_json::to_string(&s.target)
                    .unwrap_or_default()
                    .as_bytes(),
            );
            h.update(b"\0");
            h.update(s.rationale.as_bytes());
            h.update(b"\0");
        }
        const HEX: &[u8; 16] = b"0123456789abcdef";
        let mut hex = String::with_capacity(64);
        for b in h.finalize() {
            hex.push(char::from(HEX[usize::from(b >> 4)]));
            hex.push(char::from(HEX[usize::from(b & 15)]));
        }
        hex
    }

    /// `path` (one of [`files`](Self::files), or a setting's origin) relative to the
    /// directory of the top-level policy: `web.yaml`, `base.yaml`, `common/tcp.yaml`.
    /// Rendered files name their sources this way, so that their content depends only on
    /// the policy tree, not on where it was read from or whether its path was given
    /// relative or absolute. `extends` cannot leave that directory, so every file of the
    /// policy has such a name; a path outside it is returned as it is.
    pub fn source_path(&self, path: &Path) -> PathBuf {
        let dir = crate::reader::normalize(self.root.parent().unwrap_or(Path::new("")));
        let path = crate::reader::normalize(path);
        let (d, p): (Vec<_>, Vec<_>) = (dir.components().collect(), path.components().collect());
        let common = d.iter().zip(&p).take_while(|(a, b)| a == b).count();
        // Climbing out of `dir` lexically is exact only through plain names.
        let climbable = d[common..]
            .iter()
            .all(|c| matches!(c, Component::Normal(_)));
        if dir.is_absolute() != path.is_absolute() || !climbable || common == p.len() {
            return path;
        }
        let mut out = PathBuf::new();
        for _ in common..d.len() {
            out.push("..");
        }
        out.extend(&p[common..]);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn policy(root: &str) -> EffectivePolicy {
        EffectivePolicy {
            name: "web".into(),
            description: None,
            owner: None,
            kernel: None,
            container: false,
            settings: Vec::new(),
            root: PathBuf::from(root),
            files: vec![PathBuf::from(root)],
        }
    }

    #[test]
    fn source_paths_are_relative_to_the_top_level_policy() {
        // The display paths the compiler gives a policy's files, however the top-level
        // path was written: the same relative names come out.
        for (root, base, sub) in [
            ("web.yaml", "base.yaml", "common/tcp.yaml"),
            ("./web.yaml", "base.yaml", "common/tcp.yaml"),
            (
                "policies/web.yaml",
                "policies/base.yaml",
                "policies/common/tcp.yaml",
            ),
            ("../p/web.yaml", "../p/base.yaml", "../p/common/tcp.yaml"),
            (
                "/etc/tcppolicy/web.yaml",
                "/etc/tcppolicy/base.yaml",
                "/etc/tcppolicy/common/tcp.yaml",
            ),
            (
                "/tmp/stage.x/./web.yaml",
                "/tmp/stage.x/base.yaml",
                "/tmp/stage.x/common/../common/tcp.yaml",
            ),
        ] {
            let p = policy(root);
            assert_eq!(
                p.source_path(Path::new(root)),
                Path::new("web.yaml"),
                "{root}"
            );
            assert_eq!(
                p.source_path(Path::new(base)),
                Path::new("base.yaml"),
                "{root}"
            );
            assert_eq!(
                p.source_path(Path::new(sub)),
                Path::new("common/tcp.yaml"),
                "{root}"
            );
        }
        // A sibling reached lexically (through a symbolic link inside the tree).
        let p = policy("/srv/p/web.yaml");
        assert_eq!(
            p.source_path(Path::new("/srv/q/base.yaml")),
            Path::new("../q/base.yaml")
        );
        assert_eq!(
            policy("p/web.yaml").source_path(Path::new("q/b.yaml")),
            Path::new("../q/b.yaml")
        );
        // Paths that cannot be expressed that way are kept.
        assert_eq!(
            policy("/p/web.yaml").source_path(Path::new("b.yaml")),
            Path::new("b.yaml")
        );
        assert_eq!(
            policy("../web.yaml").source_path(Path::new("x/b.yaml")),
            Path::new("x/b.yaml")
        );
        assert_eq!(
            crate::reader::normalize(Path::new("/../a/./b/../c")),
            Path::new("/a/c")
        );
        assert_eq!(
            crate::reader::normalize(Path::new("../a/../../b")),
            Path::new("../../b")
        );
    }
}
