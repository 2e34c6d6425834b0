//! The registry of every diagnostic code, for `explain`, `allow` and documentation.

use crate::diagnostic::Code;
use crate::{allow, compile, k8s, load, rules, schema, typecheck};

/// Codes reported outside the rules (loading, schema, extends, types, allow).
static PHASE_CODES: &[&Code] = &[
    &load::YAML_SYNTAX,
    &load::DUPLICATE_KEY,
    &load::ANCHOR_OR_ALIAS,
    &load::MERGE_KEY,
    &load::NESTING_TOO_DEEP,
    &load::FILE_TOO_LARGE,
    &load::INVALID_UTF8,
    &load::YAML_TAG,
    &load::MULTIPLE_DOCUMENTS,
    &load::UNREADABLE_FILE,
    &load::COMPLEX_KEY,
    &load::TOO_MANY_NODES,
    &schema::SCHEMA_VIOLATION,
    &schema::UNKNOWN_KEY,
    &schema::MISSING_KEY,
    &schema::WRONG_TYPE,
    &schema::VALUE_CHOICE,
    &schema::EMPTY_TEXT,
    &schema::TEXT_TOO_LONG,
    &schema::INVALID_NAME,
    &schema::UNSUPPORTED_VERSION,
    &compile::EXTENDS_ESCAPE,
    &compile::EXTENDS_NOT_FOUND,
    &compile::EXTENDS_CYCLE,
    &compile::EXTENDS_TOO_DEEP,
    &typecheck::UNKNOWN_PARAMETER,
    &typecheck::WRONG_VALUE_KIND,
    &typecheck::UNIT_NOT_ALLOWED,
    &typecheck::INEXACT_CONVERSION,
    &typecheck::MALFORMED_NUMBER,
    &typecheck::INVALID_NAME,
    &typecheck::INVALID_PORTS,
    &typecheck::BOUND_NEEDS_INTEGER,
    &typecheck::NO_FIXED_DEFAULT,
    &typecheck::INVALID_TEXT,
    &compile::INVALID_KERNEL_RANGE,
    &allow::UNKNOWN_ALLOW_CODE,
    &allow::ALLOW_NOT_A_WARNING,
    &allow::UNUSED_ALLOW,
    &k8s::NOT_SETTABLE_IN_POD,
    &k8s::POD_SYSCTL_ORDER,
];

/// Every code, sorted by id.
pub fn all() -> &'static [&'static Code] {
    static ALL: std::sync::OnceLock<Vec<&'static Code>> = std::sync::OnceLock::new();
    ALL.get_or_init(|| {
        let mut all: Vec<&'static Code> = PHASE_CODES
            .iter()
            .copied()
            .chain(rules::RULES.iter().flat_map(|r| r.codes.iter().copied()))
            .collect();
        all.sort_by_key(|c| c.id);
        all
    })
}

/// Find a code by id (case-insensitive) or name.
pub fn find(text: &str) -> Option<&'static Code> {
    all().iter().copied().find(|c| c.matches(text.trim()))
}

/// The code closest to a misspelt id or name.
pub fn suggest(text: &str) -> Option<&'static Code> {
    all()
        .iter()
        .copied()
        .map(|c| {
            let score = strsim::jaro_winkler(text, c.name)
                .max(strsim::jaro_winkler(&text.to_uppercase(), c.id));
            (score, c)
        })
        .filter(|(s, _)| *s > 0.85)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, c)| c)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_are_unique_well_formed_and_documented() {
        let all = all();
        let mut ids = std::collections::HashSet::new();
        let mut names = std::collections::HashSet::new();
        for c in all {
            assert!(ids.insert(c.id), "duplicate id {}", c.id);
            assert!(names.insert(c.name), "duplicate name {}", c.name);
            assert!(c.id.starts_with("TP") && c.id.len() == 5, "{}", c.id);
            assert!(
                c.name
                    .bytes()
                    .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
                "{}",
                c.name
            );
            assert!(c.explain.len() > 80, "{} needs a real explanation", c.id);
            assert!(
                !c.summary.ends_with('.'),
                "{} summary ends with a period",
                c.id
            );
        }
    }
}
