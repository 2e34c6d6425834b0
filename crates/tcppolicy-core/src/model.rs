//! The policy language (format version 1) as Rust types.
//!
//! These types are the single source of truth for the shape of a policy: the JSON Schema
//! in `schemas/` is derived from them with `schemars`. They carry no source positions;
//! see [`crate::load::SpanTable`].

use indexmap::IndexMap;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};

/// A tcppolicy policy: the TCP kernel parameters a host or container should have, each
/// with the reason why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "tcppolicy policy (format version 1)")]
pub struct Policy {
    /// Format version of the policy language. Always `1`.
    #[schemars(range(min = 1, max = 1))]
    pub tcppolicy: u32,
    /// Name of the policy: lower-case letters, digits and `-`, starting with a letter or
    /// digit. Used in file names, e.g. the sysctl.d drop-in.
    #[schemars(regex(pattern = r"^[a-z0-9][a-z0-9-]*$"), length(max = 64))]
    pub name: String,
    /// What the policy is for.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pub description: Option<String>,
    /// Who owns the policy (a team or person to ask about it).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pub owner: Option<String>,
    /// Policies this one builds on, as paths relative to this file. They are applied in
    /// order, then this file's own settings.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub extends: Vec<String>,
    /// Kernel versions the policy targets, e.g. `>=5.15` or `>=4.19, <6.0`. Parameters
    /// are checked against it; plan and apply refuse a kernel outside it. Without it the
    /// compiler assumes every kernel from 5.10 (the oldest long-term kernel) on.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "String")]
    pub kernel: Option<String>,
    /// The policy is applied inside containers (child network namespaces): every
    /// parameter must be per-namespace and writable there.
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub container: bool,
    /// Warnings this policy accepts, each with the reason.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub allow: Vec<Allow>,
    /// The parameters, by dotted sysctl name (e.g. `net.ipv4.tcp_syn_retries`).
    #[serde(default)]
    pub settings: IndexMap<String, Setting>,
}

/// A warning the policy accepts.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Allow {
    /// The warning's code (e.g. `TP602`) or name (e.g. `syncookies-disabled`).
    pub code: String,
    /// Why the warning does not apply here.
    #[schemars(regex(pattern = crate::text::VISIBLE_PATTERN), length(max = crate::text::MAX_RATIONALE_CHARS))]
    pub reason: String,
}

/// One parameter: exactly one of `value`, `at_least`, `at_most`, and the rationale.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(extend("oneOf" = [
    {"required": ["value"]},
    {"required": ["at_least"]},
    {"required": ["at_most"]},
]))]
pub struct Setting {
    /// The value to set. Integers, booleans, `[min, default, max]` lists or maps, names,
    /// port lists; sizes (`4KiB`, `16MiB`) and durations (`10m`, `200ms`) where the
    /// parameter has a unit; or `default` for the kernel's own default.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "RawValue")]
    pub value: Option<RawValue>,
    /// Only ever raise the parameter to this value; a larger current value is kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "RawValue")]
    pub at_least: Option<RawValue>,
    /// Only ever lower the parameter to this value; a smaller current value is kept.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(with = "RawValue")]
    pub at_most: Option<RawValue>,
    /// Why this value: carried into plans, drop-ins and reports.
    #[schemars(regex(pattern = crate::text::VISIBLE_PATTERN), length(max = crate::text::MAX_RATIONALE_CHARS))]
    pub rationale: String,
}

/// A value as written in the policy, before the catalog gives it a type.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum RawValue {
    /// A single scalar.
    Scalar(RawScalar),
    /// A list (tuples, port lists, name lists).
    List(Vec<RawScalar>),
    /// A map form of a tuple, e.g. `{min: 4KiB, default: 128KiB, max: 16MiB}`.
    Map(IndexMap<String, RawScalar>),
}

/// A scalar as written.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, JsonSchema)]
#[serde(untagged)]
pub enum RawScalar {
    /// `true` / `false`.
    Bool(bool),
    /// A signed integer.
    Int(i64),
    /// An integer above `i64::MAX` (unsigned long parameters).
    UInt(u64),
    /// Text: a number with a unit, a name, a port range, or `default`.
    Text(String),
}

impl RawScalar {
    /// The scalar as the user wrote it, for messages.
    pub fn display(&self) -> String {
        match self {
            RawScalar::Bool(b) => b.to_string(),
            RawScalar::Int(i) => i.to_string(),
            RawScalar::UInt(u) => u.to_string(),
            RawScalar::Text(t) => t.clone(),
        }
    }
}

impl RawValue {
    /// The value as the user wrote it, for messages.
    pub fn display(&self) -> String {
        match self {
            RawValue::Scalar(s) => s.display(),
            RawValue::List(items) => format!(
                "[{}]",
                items
                    .iter()
                    .map(RawScalar::display)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            RawValue::Map(map) => format!(
                "{{{}}}",
                map.iter()
                    .map(|(k, v)| format!("{k}: {}", v.display()))
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
        }
    }
}
