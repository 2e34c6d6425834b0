//! The JSON Schema of the policy language, derived from [`crate::model`], and validation
//! of a parsed document against it.
//!
//! The committed `schemas/tcppolicy.schema.json` is [`json_schema`] pretty-printed; a test
//! fails when it is stale. Editors use it through the modeline
//! `# yaml-language-server: $schema=<path>`.

use crate::catalog::PARAMS;
use crate::diagnostic::{Diagnostic, Label, code};
use crate::load::{Document, OddNumber, escape_token};
use crate::model::Policy;
use jsonschema::error::ValidationErrorKind;
use serde::Deserialize;
use serde_json::{Value, json};
use std::sync::OnceLock;

code!(
    SCHEMA_VIOLATION,
    "TP100",
    "schema-violation",
    Error,
    "the policy does not have the shape the schema requires",
    "The policy does not match `schemas/tcppolicy.schema.json`. The message names the \
     constraint; run `tcppolicy schema` to see the whole schema."
);
code!(
    UNKNOWN_KEY,
    "TP101",
    "unknown-key",
    Error,
    "a key the policy language does not define",
    "Every key in a policy is defined by the schema; anything else is an error, so that a \
     misspelt key (`rationle:`, `at-least:`) is caught instead of silently ignored.\n\nThe \
     top level takes `tcppolicy`, `name`, `description`, `owner`, `extends`, `kernel`, \
     `container`, `allow` and `settings`; a setting takes `value`, `at_least` or `at_most`, \
     and `rationale`; an `allow` entry takes `code` and `reason`."
);
code!(
    MISSING_KEY,
    "TP102",
    "missing-key",
    Error,
    "a required key is missing",
    "`tcppolicy` (the format version) and `name` are required at the top level; every \
     setting needs a `rationale`; every `allow` entry needs a `code` and a `reason`."
);
code!(
    WRONG_TYPE,
    "TP103",
    "wrong-type",
    Error,
    "a key has a value of the wrong YAML type",
    "The schema expects a different kind of value here, e.g. a mapping for `settings`, a \
     list for `extends`, a string for `rationale`. Values of settings may be integers, \
     booleans, strings, lists or maps; floating-point numbers are never accepted because \
     no kernel parameter takes one."
);
code!(
    VALUE_CHOICE,
    "TP104",
    "value-choice",
    Error,
    "a setting needs exactly one of `value`, `at_least`, `at_most`",
    "A setting says what to do with the parameter in exactly one way: `value` sets it, \
     `at_least` only ever raises it, `at_most` only ever lowers it. Giving none or more \
     than one is ambiguous."
);
code!(
    EMPTY_TEXT,
    "TP105",
    "empty-rationale",
    Error,
    "a rationale or reason is empty",
    "Every setting carries its rationale and every `allow` its reason: they are what \
     reviewers read and what tcppolicy writes into drop-ins and plans. Say why the value \
     is what it is (the incident, the measurement, the vendor advice)."
);
code!(
    TEXT_TOO_LONG,
    "TP108",
    "rationale-too-long",
    Error,
    "a rationale or reason is longer than 4000 characters",
    "A rationale is carried into every plan, report and generated file, where each line \
     must stay under 4 KiB for every consumer to read it (systemd-sysctl ignores a whole \
     file with a longer line). Say why in a few sentences and link to the long story (a \
     ticket, a document)."
);
code!(
    INVALID_NAME,
    "TP106",
    "invalid-policy-name",
    Error,
    "the policy name is not lower-case letters, digits and `-`",
    "The policy name is used in file names (e.g. `/etc/sysctl.d/60-tcppolicy-<name>.conf`) \
     and must match `^[a-z0-9][a-z0-9-]*$`, at most 64 characters."
);
code!(
    UNSUPPORTED_VERSION,
    "TP107",
    "unsupported-format-version",
    Error,
    "the `tcppolicy` format version is not 1",
    "`tcppolicy: 1` declares the version of the policy language. This tcppolicy reads \
     version 1 only."
);

/// The JSON Schema for policies, with editor completions and hover text for every
/// catalog parameter under `settings`.
pub fn json_schema() -> Value {
    let mut schema = serde_json::to_value(schemars::schema_for!(Policy))
        .expect("a derived schema always serialises");
    schema["$id"] = json!("https://tcppolicy.dev/schemas/tcppolicy.schema.json");
    let properties: serde_json::Map<String, Value> = PARAMS
        .iter()
        .map(|p| {
            let mut description = p.summary.to_string();
            if let Some(r) = p.removed {
                description = format!("Removed in Linux {r}. {description}");
            }
            (
                p.name.to_string(),
                json!({ "$ref": "#/$defs/Setting", "description": description }),
            )
        })
        .collect();
    let settings = &mut schema["properties"]["settings"];
    settings["properties"] = Value::Object(properties);
    schema
}

/// The schema the compiler validates with: the derived schema without the per-parameter
/// `settings.properties` (editor help that validates exactly like `additionalProperties`),
/// compiled once per process. Building the validator dominates the cost of checking one
/// policy, and `check`/`apply` run once per file in CI and per host in a fleet.
fn validator() -> &'static jsonschema::Validator {
    static VALIDATOR: OnceLock<jsonschema::Validator> = OnceLock::new();
    VALIDATOR.get_or_init(|| {
        let mut schema = serde_json::to_value(schemars::schema_for!(Policy))
            .expect("a derived schema always serialises");
        schema["$schema"] = json!(VALIDATION_DRAFT);
        jsonschema::validator_for(&schema).expect("the derived schema is a valid schema")
    })
}

/// The draft the compiler validates under. The derived schema uses only keywords whose
/// meaning is the same in draft 7 and draft 2020-12, and draft 7's meta-schema is much
/// cheaper to build, which matters for a one-shot command.
const VALIDATION_DRAFT: &str = "http://json-schema.org/draft-07/schema#";

/// Validate `doc` against the schema and deserialize it. All schema errors are reported,
/// not just the first.
pub fn check(doc: &Document) -> Result<Policy, Vec<Diagnostic>> {
    if let Some(policy) = fast_path(doc) {
        return Ok(policy);
    }
    let diagnostics = validate(doc);
    if !diagnostics.is_empty() {
        return Err(diagnostics);
    }
    Policy::deserialize(&doc.value).map_err(|e| {
        vec![Diagnostic::new(
            &SCHEMA_VIOLATION,
            Label::new(doc.file, doc.spans.value("")),
            format!("policy does not match the model: {e}"),
        )]
    })
}

/// The well-formed case without building the validator: the typed model (which denies
/// unknown fields and requires what the schema requires) plus the few constraints the
/// schema states that the types do not. It accepts only documents the schema accepts
/// (checked over the corpus by `tests/suites/corpus.rs`); anything else goes through the
/// validator, which reports every error.
pub fn fast_path(doc: &Document) -> Option<Policy> {
    if !doc.odd_numbers.is_empty() {
        return None;
    }
    let policy = Policy::deserialize(&doc.value).ok()?;
    let has_text = |s: &str| {
        crate::text::has_visible_char(s) && s.chars().count() <= crate::text::MAX_RATIONALE_CHARS
    };
    let not_null = |v: &Value, key: &str| v.get(key).is_none_or(|x| !x.is_null());
    let name_ok = !policy.name.is_empty()
        && policy.name.len() <= 64
        && policy
            .name
            .bytes()
            .next()
            .is_some_and(|b| b.is_ascii_lowercase() || b.is_ascii_digit())
        && policy
            .name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    let top_ok = ["description", "owner", "kernel"]
        .iter()
        .all(|k| not_null(&doc.value, k));
    let settings_ok = policy.settings.iter().all(|(name, s)| {
        let raw = &doc.value["settings"][name];
        let given = [&s.value, &s.at_least, &s.at_most]
            .iter()
            .filter(|v| v.is_some())
            .count();
        given == 1
            && has_text(&s.rationale)
            && ["value", "at_least", "at_most"]
                .iter()
                .all(|k| not_null(raw, k))
    });
    let allow_ok = policy.allow.iter().all(|a| has_text(&a.reason));
    (policy.tcppolicy == 1 && name_ok && top_ok && settings_ok && allow_ok).then_some(policy)
}

/// Every schema error of `doc`, as diagnostics (empty when the document conforms).
pub fn validate(doc: &Document) -> Vec<Diagnostic> {
    let odd: Vec<Diagnostic> = doc
        .odd_numbers
        .iter()
        .map(|(pointer, kind)| {
            let tokens: Vec<&str> = pointer.split('/').skip(1).collect();
            let label = Label::new(doc.file, doc.spans.value(pointer));
            match kind {
                OddNumber::Float => Diagnostic::new(
                    &WRONG_TYPE,
                    label,
                    format!(
                        "`{}` must be {}: found a floating-point number",
                        display_path(&tokens),
                        expected_type(&tokens)
                    ),
                )
                .help("no kernel parameter takes a fraction; write an integer, or a size or duration such as `1500ms`"),
                OddNumber::TooLarge => Diagnostic::new(
                    &crate::typecheck::MALFORMED_NUMBER,
                    label,
                    format!("number is too large for any kernel parameter: `{}`", display_path(&tokens)),
                )
                .help("the largest kernel value is 18446744073709551615 (an unsigned long)"),
            }
        })
        .collect();
    let mut diagnostics: Vec<Diagnostic> = validator()
        .iter_errors(&doc.value)
        .filter(|e| {
            // Drop what the odd number itself causes: errors at it, and combinator errors
            // (oneOf/anyOf) of the nodes containing it.
            let path = e.instance_path().as_str();
            let combinator = matches!(
                e.kind(),
                ValidationErrorKind::OneOfNotValid { .. }
                    | ValidationErrorKind::OneOfMultipleValid { .. }
                    | ValidationErrorKind::AnyOf { .. }
            );
            !doc.odd_numbers
                .iter()
                .any(|(p, _)| p == path || (combinator && p.starts_with(&format!("{path}/"))))
        })
        .filter_map(|e| to_diagnostic(doc, &e))
        .chain(odd)
        .collect();
    dedup(&mut diagnostics);
    diagnostics
}

fn dedup(diagnostics: &mut Vec<Diagnostic>) {
    let mut seen = std::collections::HashSet::new();
    diagnostics.retain(|d| seen.insert((d.code.id, d.primary.span, d.message.clone())));
}

fn to_diagnostic(doc: &Document, e: &jsonschema::ValidationError<'_>) -> Option<Diagnostic> {
    let path = e.instance_path().as_str().to_string();
    let tokens: Vec<&str> = path.split('/').skip(1).collect();
    let at_setting = tokens.len() == 2 && tokens[0] == "settings";
    let label = |pointer: &str, key: bool| {
        let span = if key {
            doc.spans.key(pointer)
        } else {
            doc.spans.value(pointer)
        };
        Label::new(doc.file, span)
    };
    let field = tokens.last().copied().unwrap_or("");
    let d = match e.kind() {
        ValidationErrorKind::AdditionalProperties { unexpected } => {
            let key = unexpected.first()?;
            let pointer = format!("{path}/{}", escape_token(key));
            let allowed = allowed_keys(&tokens);
            let mut d = Diagnostic::new(
                &UNKNOWN_KEY,
                label(&pointer, true),
                format!("unknown key: `{key}`"),
            );
            if let Some(best) = closest(key, allowed) {
                d = d.help(format!("did you mean `{best}`?"));
            } else if !allowed.is_empty() {
                d = d.help(format!("expected one of: {}", allowed.join(", ")));
            }
            d
        }
        ValidationErrorKind::Required { property } => {
            let name = property.as_str().unwrap_or("?");
            let (where_, help) = if at_setting {
                (
                    format!("setting `{}`", tokens[1]),
                    "say why this value: it is written next to the setting in drop-ins and plans",
                )
            } else if tokens.first() == Some(&"allow") {
                ("`allow` entry".to_string(), "give the code and the reason")
            } else {
                (
                    "policy".to_string(),
                    "a policy starts with `tcppolicy: 1` and `name: <name>`",
                )
            };
            Diagnostic::new(
                &MISSING_KEY,
                label(&path, true),
                format!("{where_} is missing a required key: `{name}`"),
            )
            .help(help)
        }
        ValidationErrorKind::OneOfNotValid { .. }
        | ValidationErrorKind::OneOfMultipleValid { .. }
            if at_setting && !e.instance().is_object() =>
        {
            return None; // the type error says it better
        }
        ValidationErrorKind::OneOfNotValid { .. }
        | ValidationErrorKind::OneOfMultipleValid { .. }
            if at_setting =>
        {
            let given: Vec<&str> = ["value", "at_least", "at_most"]
                .into_iter()
                .filter(|k| e.instance().get(*k).is_some())
                .collect();
            let message = if given.is_empty() {
                format!(
                    "setting `{}` has none of `value`, `at_least`, `at_most`",
                    tokens[1]
                )
            } else {
                format!(
                    "setting `{}` has more than one of `value`, `at_least`, `at_most`: {}",
                    tokens[1],
                    given
                        .iter()
                        .map(|g| format!("`{g}`"))
                        .collect::<Vec<_>>()
                        .join(", ")
                )
            };
            Diagnostic::new(&VALUE_CHOICE, label(&path, true), message)
                .help("give exactly one of `value`, `at_least` or `at_most`")
        }
        ValidationErrorKind::Pattern { .. } if field == "rationale" || field == "reason" => {
            let text = e.instance().as_str().unwrap_or_default();
            let message = if text.chars().all(crate::text::is_blank) {
                format!("`{field}` is empty")
            } else {
                format!(
                    "`{field}` has no visible character: `{}`",
                    crate::text::escape_line(text)
                )
            };
            Diagnostic::new(&EMPTY_TEXT, label(&path, true), message)
                .help("say why: the rationale is what reviewers and drop-in readers see")
        }
        ValidationErrorKind::MaxLength { .. } if field == "rationale" || field == "reason" => {
            Diagnostic::new(
                &TEXT_TOO_LONG,
                label(&path, false),
                format!(
                    "`{field}` is longer than {} characters: {}",
                    crate::text::MAX_RATIONALE_CHARS,
                    e.instance().as_str().map_or(0, |s| s.chars().count())
                ),
            )
            .help("keep the rationale to a few sentences and link to the long story")
        }
        ValidationErrorKind::Pattern { .. } | ValidationErrorKind::MaxLength { .. }
            if path == "/name" =>
        {
            Diagnostic::new(
                &INVALID_NAME,
                label(&path, false),
                format!(
                    "policy name must be lower-case letters, digits and `-` (at most 64): `{}`",
                    e.instance().as_str().unwrap_or_default().escape_debug()
                ),
            )
            .help("the name is used in file names, e.g. `web-frontend`")
        }
        ValidationErrorKind::Minimum { .. } | ValidationErrorKind::Maximum { .. }
            if path == "/tcppolicy" =>
        {
            Diagnostic::new(
                &UNSUPPORTED_VERSION,
                label(&path, false),
                format!("unsupported policy format version: {}", e.instance()),
            )
            .help("this tcppolicy reads `tcppolicy: 1`")
        }
        ValidationErrorKind::Type { .. } | ValidationErrorKind::AnyOf { .. } => {
            let expected = expected_type(&tokens);
            Diagnostic::new(
                &WRONG_TYPE,
                label(&path, false),
                format!(
                    "`{}` must be {expected}: found {}",
                    display_path(&tokens),
                    describe(e.instance())
                ),
            )
        }
        _ => Diagnostic::new(
            &SCHEMA_VIOLATION,
            label(&path, false),
            format!("`{}` is invalid: {}", display_path(&tokens), e.masked()),
        ),
    };
    Some(d)
}

fn display_path(tokens: &[&str]) -> String {
    if tokens.is_empty() {
        "policy".to_string()
    } else {
        let mut out = String::new();
        for t in tokens {
            if t.bytes().all(|b| b.is_ascii_digit()) {
                out.push_str(&format!("[{t}]"));
            } else {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(&t.replace("~1", "/").replace("~0", "~"));
            }
        }
        out
    }
}

fn allowed_keys(tokens: &[&str]) -> &'static [&'static str] {
    match tokens {
        [] => &[
            "tcppolicy",
            "name",
            "description",
            "owner",
            "extends",
            "kernel",
            "container",
            "allow",
            "settings",
        ],
        ["settings", _] => &["value", "at_least", "at_most", "rationale"],
        ["allow", _] => &["code", "reason"],
        _ => &[],
    }
}

fn closest(key: &str, allowed: &[&'static str]) -> Option<&'static str> {
    let normalized = key.replace('-', "_").to_lowercase();
    allowed
        .iter()
        .map(|a| (strsim::jaro_winkler(&normalized, a), *a))
        .filter(|(score, _)| *score > 0.8)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, a)| a)
}

fn expected_type(tokens: &[&str]) -> &'static str {
    match tokens {
        [] => "a mapping",
        ["tcppolicy"] => "the integer 1",
        ["settings"] => "a mapping of parameter names to settings",
        ["settings", _] => "a mapping with `value`, `at_least` or `at_most`, and `rationale`",
        ["settings", _, "rationale"] | ["allow", _, _] => "a string",
        ["settings", _, _] | ["settings", _, _, _] => {
            "an integer, boolean, string, list or map of those (no floating-point numbers)"
        }
        ["extends"] => "a list of paths",
        ["extends", _] => "a path (string)",
        ["allow"] => "a list of `{code, reason}` entries",
        ["allow", _] => "a mapping with `code` and `reason`",
        ["container"] => "a boolean",
        _ => "a string",
    }
}

fn describe(v: &Value) -> String {
    match v {
        Value::Null => "nothing (null)".into(),
        Value::Bool(b) => format!("boolean `{b}`"),
        Value::Number(n) => format!("number `{n}`"),
        Value::String(s) => format!("string {}", crate::text::quoted_excerpt(s, 60)),
        Value::Array(_) => "a list".into(),
        Value::Object(_) => "a mapping".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The committed schema is what the model derives; regenerate with
    /// `tcppolicy schema > schemas/tcppolicy.schema.json`.
    #[test]
    fn committed_schema_is_fresh() {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../../schemas/tcppolicy.schema.json"
        );
        let committed =
            std::fs::read_to_string(path).expect("schemas/tcppolicy.schema.json is committed");
        let fresh = format!(
            "{}\n",
            serde_json::to_string_pretty(&json_schema()).unwrap()
        );
        assert!(
            committed == fresh,
            "schemas/tcppolicy.schema.json is stale: run `cargo run -q -- schema > schemas/tcppolicy.schema.json`"
        );
    }

    #[test]
    fn every_schema_error_pointer_has_a_span() {
        // Broken in as many places as possible: each schema error must map to a real span.
        let text = "tcppolicy: 2\nname: Bad Name\nbogus: 1\nallow:\n  - code: 5\n    extra: x\nsettings:\n  net.ipv4.tcp_sack:\n    value: 1\n    at_most: 1\n    rationale: \"\"\n  net.ipv4.tcp_dsack: 3\n  net.ipv4.tcp_fack:\n    value: 1.5\n";
        let mut sources = crate::source::SourceMap::new();
        let (id, err) =
            crate::load::from_bytes(text.as_bytes().to_vec(), "t.yaml".into(), &mut sources);
        assert!(err.is_none());
        let doc = crate::load::parse(id, &sources).unwrap();
        let diags = check(&doc).unwrap_err();
        assert!(diags.len() >= 8, "{diags:#?}");
        for d in &diags {
            assert!(
                d.primary.span.end > 0,
                "{} has no span: {}",
                d.code.id,
                d.message
            );
        }
        let codes: std::collections::BTreeSet<_> = diags.iter().map(|d| d.code.id).collect();
        for c in ["TP101", "TP103", "TP104", "TP105", "TP106", "TP107"] {
            assert!(codes.contains(c), "{c} missing from {codes:?}");
        }
    }
}
