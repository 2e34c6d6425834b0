//! The committed JSON Schema, used the way an editor uses it: YAML read into JSON, checked
//! with the `jsonschema` crate against `schemas/tcppolicy.schema.json` (the file, not the
//! in-memory schema). Every example passes; every corpus case the compiler rejects for its
//! shape (TP101–TP107) fails.

use std::path::Path;
use tcppolicy_tests::repo;

fn validator() -> jsonschema::Validator {
    let text = std::fs::read_to_string(repo().join("schemas/tcppolicy.schema.json")).unwrap();
    let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
    jsonschema::validator_for(&schema).expect("the committed schema is a valid JSON Schema")
}

/// YAML as an editor's language server reads it (no tcppolicy structure checks).
fn yaml_to_json(path: &Path) -> Option<serde_json::Value> {
    let text = std::fs::read_to_string(path).ok()?;
    serde_saphyr::from_str(&text).ok()
}

fn yaml_files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    out.sort();
    out
}

#[test]
fn the_committed_schema_accepts_every_example() {
    let v = validator();
    let examples = yaml_files(&repo().join("examples"));
    assert!(examples.len() >= 5);
    for path in examples {
        let doc = yaml_to_json(&path).unwrap_or_else(|| panic!("{} is not YAML", path.display()));
        let errors: Vec<String> = v
            .iter_errors(&doc)
            .map(|e| format!("{}: {e}", e.instance_path()))
            .collect();
        assert!(
            errors.is_empty(),
            "{} fails the schema: {errors:#?}",
            path.display()
        );
    }
}

#[test]
fn the_committed_schema_rejects_every_shape_error_of_the_corpus() {
    let v = validator();
    let mut checked = 0;
    let mut failures = Vec::new();
    for path in yaml_files(&repo().join("tests/corpus")) {
        let text = std::fs::read_to_string(&path).unwrap_or_default();
        let shape_error = text.lines().take_while(|l| l.starts_with('#')).any(|l| {
            ["TP101", "TP102", "TP104", "TP105", "TP106", "TP107"]
                .iter()
                .any(|c| l.starts_with(&format!("# expect: {c}")))
        });
        // Rationales made only of escape sequences are TP105 as well, found by the
        // compiler after the schema (a pattern cannot parse escape sequences).
        let after_schema = text.lines().any(|l| l.starts_with("# after the schema:"));
        if !shape_error || after_schema {
            continue;
        }
        let Some(doc) = yaml_to_json(&path) else {
            continue;
        };
        checked += 1;
        if v.is_valid(&doc) {
            failures.push(path.display().to_string());
        }
    }
    assert!(
        checked >= 15,
        "only {checked} corpus cases have shape errors"
    );
    assert!(
        failures.is_empty(),
        "the schema accepts these broken policies: {failures:#?}"
    );
}

/// The compiler's fast path (typed model plus the schema's extra constraints, used to
/// avoid building the validator for well-formed policies) never accepts a document the
/// schema rejects, and accepts the well-formed ones.
#[test]
fn the_fast_path_agrees_with_the_schema_validator_on_the_corpus_and_examples() {
    use tcppolicy_core::schema;
    let (mut accepted, mut rejected) = (0, 0);
    let mut disagreements = Vec::new();
    for (path, _, doc) in parsed_files(&["tests/corpus", "examples"]) {
        let fast = schema::fast_path(&doc).is_some();
        let valid = schema::validate(&doc).is_empty();
        match (fast, valid) {
            (true, true) => accepted += 1,
            (false, false) => rejected += 1,
            (true, false) => disagreements.push(format!(
                "{}: fast path accepts what the schema rejects",
                path.display()
            )),
            (false, true) => disagreements.push(format!(
                "{}: fast path rejects a valid document",
                path.display()
            )),
        }
    }
    assert!(disagreements.is_empty(), "{disagreements:#?}");
    assert!(
        accepted >= 100 && rejected >= 30,
        "accepted {accepted}, rejected {rejected}"
    );
}

/// Every YAML file below the given directories that reads and parses as YAML: its path,
/// its source map and the loaded document.
fn parsed_files(
    dirs: &[&str],
) -> impl Iterator<
    Item = (
        std::path::PathBuf,
        tcppolicy_core::source::SourceMap,
        tcppolicy_core::load::Document,
    ),
> {
    use tcppolicy_core::{load, source::SourceMap};
    policy_like_files(dirs).into_iter().filter_map(|path| {
        let mut sources = SourceMap::new();
        let (file, err) = load::read_file(&path, path.clone(), &mut sources);
        if err.is_some() {
            return None;
        }
        let doc = load::parse(file, &sources).ok()?;
        Some((path, sources, doc))
    })
}

/// Every YAML file below the given directories of the repository.
fn policy_like_files(dirs: &[&str]) -> Vec<std::path::PathBuf> {
    let mut files = Vec::new();
    let mut dirs: Vec<_> = dirs.iter().map(|d| repo().join(d)).collect();
    while let Some(dir) = dirs.pop() {
        for e in std::fs::read_dir(&dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                dirs.push(p);
            } else if p.extension().is_some_and(|x| x == "yaml" || x == "yml") {
                files.push(p);
            }
        }
    }
    files.sort();
    files
}

/// The loader builds a policy's JSON value in the walk that builds the span table; it is
/// the value `serde-saphyr` reads from the same text (what the loader used before), for
/// every corpus case, example and fixture it accepts. A file `serde-saphyr` rejects is
/// never accepted.
#[test]
fn the_loader_reads_every_file_as_serde_saphyr_does() {
    use tcppolicy_core::load;
    let mut compared = 0;
    let mut problems = Vec::new();
    for (path, sources, doc) in parsed_files(&["tests/corpus", "examples", "tests/fixtures"]) {
        let text = sources.get(doc.file).text();
        match serde_saphyr::from_str_with_options::<serde_json::Value>(
            text,
            load::reference_options(),
        ) {
            Ok(reference) if reference == doc.value => compared += 1,
            Ok(reference) => problems.push(format!(
                "{}: the loader reads {}, serde-saphyr {reference}",
                path.display(),
                doc.value
            )),
            Err(e) => problems.push(format!(
                "{}: the loader accepts what serde-saphyr rejects: {e}",
                path.display()
            )),
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
    assert!(compared >= 150, "only {compared} files compared");
}
