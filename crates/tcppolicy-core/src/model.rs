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

// `Deserialize` is written out (module `untagged` below) rather than derived as untagged;
// a plain comment, as doc comments become the schema's descriptions.
/// A value as written in the policy, before the catalog gives it a type.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
#[serde(untagged)]
pub enum RawValue {
    /// A single scalar.
    Scalar(RawScalar),
    /// A list (tuples, port lists, name lists).
    List(Vec<RawScalar>),
    /// A map form of a tuple, e.g. `{min: 4KiB, default: 128KiB, max: 16MiB}`.
    Map(IndexMap<String, RawScalar>),
}

// `Deserialize` is written out (module `untagged` below), as for `RawValue`.
/// A scalar as written.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
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

/// `Deserialize` for [`RawValue`] and [`RawScalar`], with the meaning (and the error
/// message) of `#[serde(untagged)]`: the first variant, in declaration order, that the
/// value fits. A derived untagged enum buffers every value and tries each variant in
/// turn, building an error for each miss; these dispatch on the value's type once.
mod untagged {
    use super::{RawScalar, RawValue};
    use indexmap::IndexMap;
    use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
    use std::fmt;

    const NOT_A_SCALAR: &str = "data did not match any variant of untagged enum RawScalar";
    const NOT_A_VALUE: &str = "data did not match any variant of untagged enum RawValue";

    /// A scalar: `Int` before `UInt`, as the variants are declared.
    fn scalar_from_u64(v: u64) -> RawScalar {
        i64::try_from(v).map_or(RawScalar::UInt(v), RawScalar::Int)
    }

    /// Visits a scalar; `message` is what anything else fails with.
    struct ScalarVisitor {
        message: &'static str,
    }

    macro_rules! reject {
        ($($name:ident($($arg:ty)?)),* $(,)?) => {
            $(fn $name<E: de::Error>(self $(, _: $arg)?) -> Result<Self::Value, E> {
                Err(E::custom(self.message))
            })*
        };
    }

    impl<'de> Visitor<'de> for ScalarVisitor {
        type Value = RawScalar;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a boolean, an integer or a string")
        }

        fn visit_bool<E: de::Error>(self, v: bool) -> Result<RawScalar, E> {
            Ok(RawScalar::Bool(v))
        }

        fn visit_i64<E: de::Error>(self, v: i64) -> Result<RawScalar, E> {
            Ok(RawScalar::Int(v))
        }

        fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawScalar, E> {
            Ok(scalar_from_u64(v))
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<RawScalar, E> {
            Ok(RawScalar::Text(v.to_owned()))
        }

        fn visit_string<E: de::Error>(self, v: String) -> Result<RawScalar, E> {
            Ok(RawScalar::Text(v))
        }

        reject!(
            visit_f64(f64),
            visit_unit(),
            visit_none(),
            visit_bytes(&[u8])
        );

        fn visit_i128<E: de::Error>(self, v: i128) -> Result<RawScalar, E> {
            match (i64::try_from(v), u64::try_from(v)) {
                (Ok(i), _) => Ok(RawScalar::Int(i)),
                (_, Ok(u)) => Ok(RawScalar::UInt(u)),
                _ => Err(E::custom(self.message)),
            }
        }

        fn visit_u128<E: de::Error>(self, v: u128) -> Result<RawScalar, E> {
            u64::try_from(v)
                .map(scalar_from_u64)
                .map_err(|_| E::custom(self.message))
        }

        fn visit_some<D: Deserializer<'de>>(self, _: D) -> Result<RawScalar, D::Error> {
            Err(de::Error::custom(self.message))
        }

        fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<RawScalar, A::Error> {
            Err(de::Error::custom(self.message))
        }

        fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<RawScalar, A::Error> {
            Err(de::Error::custom(self.message))
        }
    }

    impl<'de> Deserialize<'de> for RawScalar {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            d.deserialize_any(ScalarVisitor {
                message: NOT_A_SCALAR,
            })
        }
    }

    struct ValueVisitor;

    impl<'de> Visitor<'de> for ValueVisitor {
        type Value = RawValue;

        fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
            f.write_str("a scalar, a list of scalars or a map of scalars")
        }

        fn visit_bool<E: de::Error>(self, v: bool) -> Result<RawValue, E> {
            Ok(RawValue::Scalar(RawScalar::Bool(v)))
        }

        fn visit_i64<E: de::Error>(self, v: i64) -> Result<RawValue, E> {
            Ok(RawValue::Scalar(RawScalar::Int(v)))
        }

        fn visit_u64<E: de::Error>(self, v: u64) -> Result<RawValue, E> {
            Ok(RawValue::Scalar(scalar_from_u64(v)))
        }

        fn visit_i128<E: de::Error>(self, v: i128) -> Result<RawValue, E> {
            ScalarVisitor {
                message: NOT_A_VALUE,
            }
            .visit_i128(v)
            .map(RawValue::Scalar)
        }

        fn visit_u128<E: de::Error>(self, v: u128) -> Result<RawValue, E> {
            ScalarVisitor {
                message: NOT_A_VALUE,
            }
            .visit_u128(v)
            .map(RawValue::Scalar)
        }

        fn visit_str<E: de::Error>(self, v: &str) -> Result<RawValue, E> {
            Ok(RawValue::Scalar(RawScalar::Text(v.to_owned())))
        }

        fn visit_string<E: de::Error>(self, v: String) -> Result<RawValue, E> {
            Ok(RawValue::Scalar(RawScalar::Text(v)))
        }

        fn visit_f64<E: de::Error>(self, _: f64) -> Result<RawValue, E> {
            Err(E::custom(NOT_A_VALUE))
        }

        fn visit_unit<E: de::Error>(self) -> Result<RawValue, E> {
            Err(E::custom(NOT_A_VALUE))
        }

        fn visit_none<E: de::Error>(self) -> Result<RawValue, E> {
            Err(E::custom(NOT_A_VALUE))
        }

        fn visit_bytes<E: de::Error>(self, _: &[u8]) -> Result<RawValue, E> {
            Err(E::custom(NOT_A_VALUE))
        }

        fn visit_some<D: Deserializer<'de>>(self, _: D) -> Result<RawValue, D::Error> {
            Err(de::Error::custom(NOT_A_VALUE))
        }

        fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<RawValue, A::Error> {
            let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
            while let Some(item) = seq
                .next_element::<RawScalar>()
                .map_err(|_| de::Error::custom(NOT_A_VALUE))?
            {
                items.push(item);
            }
            Ok(RawValue::List(items))
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<RawValue, A::Error> {
            let mut entries = IndexMap::with_capacity(map.size_hint().unwrap_or(0));
            while let Some((k, v)) = map
                .next_entry::<String, RawScalar>()
                .map_err(|_| de::Error::custom(NOT_A_VALUE))?
            {
                entries.insert(k, v);
            }
            Ok(RawValue::Map(entries))
        }
    }

    impl<'de> Deserialize<'de> for RawValue {
        fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
            d.deserialize_any(ValueVisitor)
        }
    }

    #[cfg(test)]
    mod tests {
        use super::super::{RawScalar, RawValue};
        use serde::Deserialize;
        use serde_json::json;

        /// What `#[serde(untagged)]` derives, for comparison.
        #[derive(Debug, PartialEq, Deserialize)]
        #[serde(untagged)]
        enum DerivedScalar {
            Bool(bool),
            Int(i64),
            UInt(u64),
            Text(String),
        }

        #[derive(Debug, PartialEq, Deserialize)]
        #[serde(untagged)]
        enum DerivedValue {
            Scalar(DerivedScalar),
            List(Vec<DerivedScalar>),
            Map(indexmap::IndexMap<String, DerivedScalar>),
        }

        fn same_scalar(a: &RawScalar, b: &DerivedScalar) -> bool {
            match (a, b) {
                (RawScalar::Bool(x), DerivedScalar::Bool(y)) => x == y,
                (RawScalar::Int(x), DerivedScalar::Int(y)) => x == y,
                (RawScalar::UInt(x), DerivedScalar::UInt(y)) => x == y,
                (RawScalar::Text(x), DerivedScalar::Text(y)) => x == y,
                _ => false,
            }
        }

        #[test]
        fn the_written_out_impls_agree_with_derived_untagged_enums() {
            let values = [
                json!(true),
                json!(0),
                json!(-5),
                json!(i64::MAX),
                json!(u64::MAX),
                json!(1.5),
                json!(null),
                json!("16MiB"),
                json!([1, "2-3", true]),
                json!([1, 1.5]),
                json!([[1]]),
                json!([]),
                json!({"min": "4KiB", "max": u64::MAX}),
                json!({"min": null}),
                json!({}),
            ];
            for v in values {
                let ours = RawValue::deserialize(&v).map_err(|e| e.to_string());
                let derived = DerivedValue::deserialize(&v).map_err(|e| e.to_string());
                let same = match (&ours, &derived) {
                    (Ok(RawValue::Scalar(a)), Ok(DerivedValue::Scalar(b))) => same_scalar(a, b),
                    (Ok(RawValue::List(a)), Ok(DerivedValue::List(b))) => {
                        a.len() == b.len() && a.iter().zip(b).all(|(x, y)| same_scalar(x, y))
                    }
                    (Ok(RawValue::Map(a)), Ok(DerivedValue::Map(b))) => {
                        a.len() == b.len()
                            && a.iter()
                                .zip(b)
                                .all(|((k, x), (l, y))| k == l && same_scalar(x, y))
                    }
                    (Err(a), Err(b)) => a.replace("RawValue", "DerivedValue") == *b,
                    _ => false,
                };
                assert!(same, "{v}: {ours:?} vs {derived:?}");
                let ours = RawScalar::deserialize(&v).map_err(|e| e.to_string());
                let derived = DerivedScalar::deserialize(&v).map_err(|e| e.to_string());
                let same = match (&ours, &derived) {
                    (Ok(a), Ok(b)) => same_scalar(a, b),
                    (Err(a), Err(b)) => a.replace("RawScalar", "DerivedScalar") == *b,
                    _ => false,
                };
                assert!(same, "{v}: {ours:?} vs {derived:?}");
            }
        }
    }
}
