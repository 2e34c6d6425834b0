//! `tcppolicy diff`: what a policy change does, for people, for tools and for a pull
//! request.
//!
//! The comparison itself is `tcppolicy_core::review::compare`; this module finds the
//! pairs to compare (two files, two directories, or the working tree against a git
//! revision read through `tcppolicy_exec::git::GitRevision`) and renders the result.
//! Every string that comes from a policy or a path is escaped before it is shown: control
//! and invisible characters in every format, and Markdown and HTML syntax in the
//! pull-request comment.

use super::check::{POLICY_HEAD_BYTES, is_policy_text, is_yaml, policy_files, skipped_in_walk};
use super::report::wrap;
use crate::cli::{DiffArgs, DiffFormat};
use crate::output;
use anstyle::{AnsiColor, Style};
use anyhow::{Context, bail};
use serde_json::{Value as Json, json};
use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use tcppolicy_core::compile::{Compilation, EXTENDS_NOT_FOUND, compile_file, compile_with};
use tcppolicy_core::diagnostic::Severity;
use tcppolicy_core::review::{
    self, Change, DerivedChange, DiagnosticChange, PolicyReview, SettingChange, Status,
};
use tcppolicy_core::text;
use tcppolicy_exec::git::GitRevision;

/// The hidden marker that opens the Markdown comment, so a CI job can find and update
/// its own comment.
pub const MARKDOWN_MARKER: &str = "<!-- tcppolicy-diff -->";

/// Width of wrapped rationale text in human output.
const WIDTH: usize = 80;

pub fn run(args: &DiffArgs) -> anyhow::Result<ExitCode> {
    let report = match &args.git {
        None => between_paths(&args.paths)?,
        Some(rev) => against_git(rev, &args.paths)?,
    };
    let text = match args.format {
        DiffFormat::Human => human(&report),
        DiffFormat::Json => format!("{}\n", serde_json::to_string_pretty(&to_json(&report))?),
        DiffFormat::Markdown => markdown(&report),
    };
    output::out(&text);
    Ok(ExitCode::from(report.exit_code()))
}

/// Every comparison of one `diff` run.
struct Report {
    /// What the old side is: a path, or the git revision.
    old: String,
    /// What the new side is: a path, or `working tree`.
    new: String,
    /// The revision and the commit it resolved to, in `--git` mode.
    git: Option<(String, String)>,
    /// One review per policy compared.
    reviews: Vec<PolicyReview>,
    /// The directories whose policies were paired by path (old, new): a policy whose
    /// path below them differs was renamed. `None` when two files were named.
    roots: Option<(PathBuf, PathBuf)>,
    /// Policies found by the walk that the change does not touch (not compiled twice).
    untouched: usize,
}

impl Report {
    fn count(&self, status: Status) -> usize {
        let listed = self.reviews.iter().filter(|r| r.status == status).count();
        if status == Status::Unchanged {
            listed + self.untouched
        } else {
            listed
        }
    }

    fn differs(&self) -> bool {
        self.reviews.iter().any(PolicyReview::differs)
    }

    fn broken(&self) -> bool {
        self.reviews.iter().any(|r| r.status == Status::Broken)
    }

    /// 0 equal, 2 different, 1 when a policy does not compile on the new side.
    fn exit_code(&self) -> u8 {
        if self.broken() {
            1
        } else if self.differs() {
            2
        } else {
            0
        }
    }

    /// The old path of a renamed policy (a deleted and an added file with the same policy
    /// name, paired).
    fn renamed_from<'a>(&self, r: &'a PolicyReview) -> Option<&'a str> {
        let (old_root, new_root) = self.roots.as_ref()?;
        let (o, n) = (r.old.as_ref()?, r.new.as_ref()?);
        let rel = |p: &str, root: &Path| {
            Path::new(p)
                .strip_prefix(root)
                .map(Path::to_path_buf)
                .unwrap_or_else(|_| PathBuf::from(p))
        };
        (rel(&o.path, old_root) != rel(&n.path, new_root)).then_some(o.path.as_str())
    }

    fn summary(&self) -> Vec<(Status, usize)> {
        [
            Status::Changed,
            Status::Added,
            Status::Removed,
            Status::Broken,
            Status::Fixed,
            Status::Unchanged,
        ]
        .into_iter()
        .map(|s| (s, self.count(s)))
        .collect()
    }
}

/// `diff OLD NEW`: two files, or two directories whose policies are paired by path.
fn between_paths(paths: &[PathBuf]) -> anyhow::Result<Report> {
    let [old, new] = paths else {
        bail!(
            "`tcppolicy diff` compares OLD and NEW (two policy files or two directories), or \
             the working tree with a git revision (`--git REV`): got {} path(s)",
            paths.len()
        );
    };
    let is_dir = |p: &Path| -> anyhow::Result<bool> {
        Ok(std::fs::metadata(p)
            .with_context(|| format!("cannot read `{}`", text::escape(&p.display().to_string())))?
            .is_dir())
    };
    let (pairs, roots) = match (is_dir(old)?, is_dir(new)?) {
        (false, false) => (
            vec![(Some(compile_file(old)), Some(compile_file(new)))],
            None,
        ),
        (true, true) => {
            let by_path = |root: &Path| -> anyhow::Result<BTreeMap<PathBuf, PathBuf>> {
                Ok(policy_files(root)?
                    .into_iter()
                    .filter_map(|p| Some((p.strip_prefix(root).ok()?.to_path_buf(), p)))
                    .collect())
            };
            let (olds, news) = (by_path(old)?, by_path(new)?);
            let names: BTreeSet<&PathBuf> = olds.keys().chain(news.keys()).collect();
            let pairs = names
                .into_iter()
                .map(|name| {
                    (
                        olds.get(name).map(|p| compile_file(p)),
                        news.get(name).map(|p| compile_file(p)),
                    )
                })
                .collect();
            (pairs, Some((old.clone(), new.clone())))
        }
        _ => bail!(
            "OLD and NEW must both be policy files or both be directories: `{}`, `{}`",
            text::escape(&old.display().to_string()),
            text::escape(&new.display().to_string())
        ),
    };
    Ok(Report {
        old: old.display().to_string(),
        new: new.display().to_string(),
        git: None,
        reviews: compare_pairs(pairs),
        roots,
        untouched: 0,
    })
}

/// A policy before and after (`None`: no such file on that side).
type Pair = (Option<Compilation>, Option<Compilation>);

/// Review every pair, first joining a deleted and an added file that hold the same
/// policy (by name, when exactly one of each does) into one rename.
fn compare_pairs(mut pairs: Vec<Pair>) -> Vec<PolicyReview> {
    let name = |c: &Option<Compilation>| {
        c.as_ref()
            .and_then(|c| c.policy.as_ref())
            .map(|p| p.name.clone())
    };
    let mut deleted: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    let mut added: BTreeMap<String, Vec<usize>> = BTreeMap::new();
    for (i, (o, n)) in pairs.iter().enumerate() {
        match (name(o), name(n), o.is_some(), n.is_some()) {
            (Some(x), None, true, false) => deleted.entry(x).or_default().push(i),
            (None, Some(x), false, true) => added.entry(x).or_default().push(i),
            _ => {}
        }
    }
    let mut gone = BTreeSet::new();
    for (policy, d) in &deleted {
        if let (&[from], Some(&[to])) = (d.as_slice(), added.get(policy).map(Vec::as_slice)) {
            pairs[to].0 = pairs[from].0.take();
            gone.insert(from);
        }
    }
    pairs
        .into_iter()
        .enumerate()
        .filter(|(i, _)| !gone.contains(i))
        .map(|(_, (o, n))| review::compare(o.as_ref(), n.as_ref()))
        .collect()
}

/// `diff --git REV [PATH...]`: the working tree against a revision. Named files are
/// always compared; policies found by walking a directory are compared when the change
/// touches them or a file they extend.
fn against_git(rev: &str, paths: &[PathBuf]) -> anyhow::Result<Report> {
    let repo = GitRevision::open(rev)?;
    let roots = if paths.is_empty() {
        vec![PathBuf::from(".")]
    } else {
        paths.to_vec()
    };
    // Only a directory walk needs to know what changed; named files are compared anyway.
    let changed = if roots.iter().any(|r| r.is_dir()) {
        repo.changed_paths()?
    } else {
        BTreeSet::new()
    };
    let touched = |p: &Path| repo.absolute(p).ancestors().any(|a| changed.contains(a));
    // Absolute path → (path as shown, named on the command line, a policy on disk).
    let mut candidates: BTreeMap<PathBuf, (PathBuf, bool, bool)> = BTreeMap::new();
    for root in &roots {
        if root.is_dir() {
            let on_disk = policy_files(root)?.into_iter().map(|p| (p, true));
            let gone = deleted_policies(&repo, root, &changed)
                .into_iter()
                .map(|p| (p, false));
            for (p, exists) in on_disk.chain(gone) {
                // `./web.yaml` → `web.yaml`, as the compiler shows the files it extends.
                let p = p.strip_prefix(".").map(Path::to_path_buf).unwrap_or(p);
                candidates
                    .entry(repo.absolute(&p))
                    .or_insert((p, false, exists));
            }
        } else if root.exists() || repo.exists(root) {
            candidates.insert(repo.absolute(root), (root.clone(), true, root.exists()));
        } else {
            bail!(
                "`{}` exists neither in the working tree nor at `{}`",
                text::escape(&root.display().to_string()),
                text::escape(rev)
            );
        }
    }
    let mut pairs = Vec::new();
    let mut untouched = 0;
    for (path, named, on_disk) in candidates.into_values() {
        let new = on_disk.then(|| compile_file(&path));
        if !named && !new.as_ref().is_none_or(|c| affected(c, &touched)) {
            untouched += 1;
            continue;
        }
        // A file that was not a policy at the revision (a YAML file that became one) is
        // an added policy, unless it was named.
        let old = (if named {
            repo.exists(&path)
        } else {
            policy_at(&repo, &path)
        })
        .then(|| compile_with(&repo, &path));
        pairs.push((old, new));
    }
    Ok(Report {
        old: rev.to_string(),
        new: "working tree".to_string(),
        git: Some((rev.to_string(), repo.commit().to_string())),
        reviews: compare_pairs(pairs),
        roots: Some((PathBuf::new(), PathBuf::new())),
        untouched,
    })
}

/// Whether the change can have changed a policy: it touches one of the files the policy
/// reads (or a directory or link on their way), or a base it names that is missing now.
fn affected(c: &Compilation, touched: &dyn Fn(&Path) -> bool) -> bool {
    c.sources.files().any(|(_, f)| touched(f.path()))
        || c.diagnostics
            .iter()
            .filter(|d| d.code.id == EXTENDS_NOT_FOUND.id)
            .any(|d| {
                // The `extends` entry the diagnostic points at, relative to its file.
                let f = c.sources.get(d.primary.file);
                let entry = f.text().get(d.primary.span.range()).unwrap_or_default();
                let entry = entry.trim().trim_matches(['"', '\'']);
                touched(&f.path().parent().unwrap_or(Path::new("")).join(entry))
            })
}

/// Whether the revision has a policy file (a top-level `tcppolicy:` key) at `path`.
fn policy_at(repo: &GitRevision, path: &Path) -> bool {
    repo.read_bytes(path, POLICY_HEAD_BYTES)
        .is_ok_and(|head| is_policy_text(&head))
}

/// Policy files below `root` that the revision has and the working tree no longer has
/// (deleted, or no longer a policy), found as the directory walk of `check` would have
/// found them.
fn deleted_policies(repo: &GitRevision, root: &Path, changed: &BTreeSet<PathBuf>) -> Vec<PathBuf> {
    let base = repo.absolute(root);
    changed
        .iter()
        .filter(|p| is_yaml(p))
        .filter_map(|p| {
            let rel = p.strip_prefix(&base).ok()?;
            let count = rel.components().count();
            let walked = rel
                .components()
                .enumerate()
                .all(|(i, c)| !skipped_in_walk(&c.as_os_str().to_string_lossy(), i + 1 < count));
            let display = root.join(rel);
            (walked && policy_at(repo, &display)).then_some(display)
        })
        .collect()
}

// ---------------------------------------------------------------------------------------
// Human output

fn style(status: Status) -> (char, Style) {
    match status {
        Status::Changed => ('~', AnsiColor::Yellow.on_default().bold()),
        Status::Added | Status::Fixed => ('+', AnsiColor::Green.on_default().bold()),
        Status::Removed => ('-', AnsiColor::Red.on_default().bold()),
        Status::Broken => ('!', AnsiColor::Red.on_default().bold()),
        Status::Unchanged => ('=', AnsiColor::Green.on_default()),
    }
}

fn severity_style(s: Severity) -> Style {
    match s {
        Severity::Error => AnsiColor::Red.on_default().bold(),
        Severity::Warning => AnsiColor::Yellow.on_default().bold(),
        Severity::Note => AnsiColor::Cyan.on_default(),
    }
}

/// A value with its unit: `600 s`, `>= 4096`, `kernel default`.
fn with_unit(desired: &str, unit: Option<&str>) -> String {
    match unit {
        Some(u) if desired != "kernel default" => format!("{desired} {u}"),
        _ => desired.to_string(),
    }
}

/// A kernel default for a one-line display: `(empty)` for an empty value (the default of
/// `ip_local_reserved_ports`), `computed at boot` for a formula (JSON has it in full).
fn short_default(value: &str) -> &str {
    if value.is_empty() {
        "(empty)"
    } else if value.starts_with("computed:") {
        "computed at boot"
    } else {
        value
    }
}

/// The kernel default of a key for one line, with the unit of its values.
fn default_text(c: &SettingChange) -> Option<String> {
    let d = c.kernel_default.as_deref()?;
    let short = short_default(d);
    Some(if short == d {
        with_unit(d, c.unit)
    } else {
        short.to_string()
    })
}

fn plural(n: usize, word: &str) -> String {
    format!("{n} {word}{}", if n == 1 { "" } else { "s" })
}

fn human(r: &Report) -> String {
    let mut s = String::new();
    let dim = Style::new().dimmed();
    let _ = writeln!(
        s,
        "{dim}diff {} → {}{dim:#}\n",
        text::escape(&side_label(r, true)),
        text::escape(&side_label(r, false))
    );
    for review in &r.reviews {
        human_policy(&mut s, review, r.renamed_from(review));
    }
    if r.reviews.is_empty() {
        let _ = writeln!(s, "No policy is touched by the change.\n");
    }
    let parts: Vec<String> = r
        .summary()
        .into_iter()
        .filter(|(status, n)| *n > 0 || *status == Status::Changed)
        .map(|(status, n)| format!("{n} {}", status.describe()))
        .collect();
    let _ = writeln!(s, "Diff: {}.", parts.join(", "));
    s
}

fn side_label(r: &Report, old: bool) -> String {
    match (&r.git, old) {
        (Some((rev, commit)), true) => format!("{rev} ({})", &commit[..commit.len().min(12)]),
        _ if old => r.old.clone(),
        _ => r.new.clone(),
    }
}

fn human_policy(s: &mut String, r: &PolicyReview, renamed_from: Option<&str>) {
    let (mark, st) = style(r.status);
    let name = r
        .name()
        .map_or(String::new(), |n| format!("`{}` ", text::escape(n)));
    let mut status = r.status.describe().to_string();
    if r.status == Status::Broken {
        let errors = r.new.as_ref().map_or(0, |n| n.errors);
        status = format!("{status} ({})", plural(errors, "error"));
        if r.old.is_none() {
            status.push_str(", new file");
        }
    }
    if let Some(from) = renamed_from {
        status = format!("{status}, renamed from {}", text::escape(from));
    }
    let _ = writeln!(
        s,
        "{st}{mark} {name}({}): {status}{st:#}",
        text::escape(r.path())
    );
    for m in &r.metadata {
        let show = |v: &Option<String>| {
            v.as_deref()
                .map_or("(none)".to_string(), |t| text::escape(t).into_owned())
        };
        let _ = writeln!(s, "    {}: {} → {}", m.field, show(&m.old), show(&m.new));
    }
    let width = r.settings.iter().map(|c| c.name.len()).max().unwrap_or(0);
    let mut figures_shown = BTreeSet::new();
    for c in &r.settings {
        human_setting(s, r, c, width, &mut figures_shown);
    }
    for d in &r.diagnostics.introduced {
        human_diagnostic(s, '+', d);
    }
    for d in r
        .errors
        .iter()
        .filter(|e| !r.diagnostics.introduced.contains(e))
    {
        human_diagnostic(s, '!', d);
    }
    for d in &r.diagnostics.resolved {
        human_diagnostic(s, '-', d);
    }
    s.push('\n');
}

fn human_setting(
    s: &mut String,
    r: &PolicyReview,
    c: &SettingChange,
    width: usize,
    figures_shown: &mut BTreeSet<&'static str>,
) {
    let value = |side: &Option<review::SettingSide>| {
        side.as_ref().map_or(String::new(), |v| {
            text::escape(&with_unit(&v.desired, c.unit)).into_owned()
        })
    };
    let (mark, st, values) = match c.change {
        Change::Added => ('+', AnsiColor::Green.on_default(), value(&c.new)),
        Change::Removed => ('-', AnsiColor::Red.on_default(), value(&c.old)),
        Change::Changed if c.value_changed => (
            '~',
            AnsiColor::Yellow.on_default(),
            format!("{} → {}", value(&c.old), value(&c.new)),
        ),
        Change::Changed => (
            '~',
            AnsiColor::Yellow.on_default(),
            format!("{} (rationale only)", value(&c.new)),
        ),
    };
    let default = default_text(c).map_or(String::new(), |d| {
        format!("  (kernel default {})", text::escape(&d))
    });
    let dim = Style::new().dimmed();
    let _ = writeln!(
        s,
        "    {st}{mark} {:<width$}  {values}{st:#}{dim}{default}{dim:#}",
        c.name
    );
    for d in r
        .derived
        .iter()
        .filter(|d| d.because.first() == Some(&c.name))
    {
        if figures_shown.insert(d.figure) {
            let _ = writeln!(s, "        {}", derived_text(r, d, false));
        }
    }
    let rationale = |side: &Option<review::SettingSide>| {
        side.as_ref().map_or(String::new(), |v| v.rationale.clone())
    };
    if c.rationale_changed && r.status != Status::Removed {
        match c.change {
            Change::Changed => {
                human_text(s, "rationale was: ", &rationale(&c.old));
                human_text(s, "rationale now: ", &rationale(&c.new));
            }
            Change::Added => human_text(s, "rationale: ", &rationale(&c.new)),
            Change::Removed => human_text(s, "rationale: ", &rationale(&c.old)),
        }
    }
    let source = match (&c.old, &c.new) {
        (Some(o), Some(n)) if o.source != n.source => format!("{} → {}", o.source, n.source),
        (_, Some(n)) => n.source.clone(),
        (Some(o), None) => o.source.clone(),
        (None, None) => String::new(),
    };
    let _ = writeln!(s, "        {dim}({}){dim:#}", text::escape(&source));
}

/// `connect() gives up after 2 min 11 s (11 SYNs) → 7 s (6 SYNs)`; one side only for a
/// policy that is added or removed. `short` leaves out the detail in parentheses.
fn derived_text(r: &PolicyReview, d: &DerivedChange, short: bool) -> String {
    let side = |f: &Option<review::FigureSide>| match f {
        Some(f) if short => f.text.split(" (").next().unwrap_or(&f.text).to_string(),
        Some(f) => f.text.clone(),
        None => "unknown".to_string(),
    };
    match (r.status, &d.old, &d.new) {
        (Status::Added, None, Some(_)) => format!("{} {}", d.label, side(&d.new)),
        (Status::Removed, Some(_), None) => format!("{} {}", d.label, side(&d.old)),
        _ => {
            let mut t = format!("{} {} → {}", d.label, side(&d.old), side(&d.new));
            if d.because.len() > 1 && !short {
                t.push_str(&format!(" (with {})", d.because[1..].join(", ")));
            }
            t
        }
    }
}

/// Rationale text after a label, wrapped, every line escaped.
fn human_text(s: &mut String, label: &str, body: &str) {
    let indent = " ".repeat(8 + label.chars().count());
    let mut first = true;
    for line in text::escaped_lines(body) {
        for part in wrap(&line, WIDTH.saturating_sub(label.len())) {
            if first {
                let _ = writeln!(s, "        {label}{part}");
                first = false;
            } else {
                let _ = writeln!(s, "{indent}{part}");
            }
        }
    }
}

fn human_diagnostic(s: &mut String, mark: char, d: &DiagnosticChange) {
    let st = severity_style(d.severity);
    let what = match mark {
        '+' => "introduced",
        '-' => "resolved",
        _ => "still",
    };
    let _ = writeln!(
        s,
        "    {mark} {what} {st}{}[{}]{st:#}: {} ({})",
        d.severity,
        d.code,
        text::escape(&d.message),
        text::escape(&d.location)
    );
}

// ---------------------------------------------------------------------------------------
// JSON

fn to_json(r: &Report) -> Json {
    let policies: Vec<Json> = r
        .reviews
        .iter()
        .map(|review| {
            let mut obj = serde_json::Map::new();
            obj.insert("path".into(), json!(review.path()));
            obj.insert("name".into(), json!(review.name()));
            obj.insert("renamed_from".into(), json!(r.renamed_from(review)));
            if let Ok(Json::Object(fields)) = serde_json::to_value(review) {
                obj.extend(fields);
            }
            Json::Object(obj)
        })
        .collect();
    let summary: serde_json::Map<String, Json> = r
        .summary()
        .into_iter()
        .map(|(status, n)| {
            let key = serde_json::to_value(status)
                .ok()
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_default();
            (key, json!(n))
        })
        .collect();
    json!({
        "format_version": review::FORMAT_VERSION,
        "command": "diff",
        "ok": !r.broken(),
        "equal": !r.differs(),
        "old": r.old,
        "new": r.new,
        "git": r.git.as_ref().map(|(rev, commit)| json!({"rev": rev, "commit": commit})),
        "summary": summary,
        "policies": policies,
    })
}

// ---------------------------------------------------------------------------------------
// Markdown (a GitHub pull-request comment)

/// Text safe in GitHub-flavoured Markdown, table cells included: control and invisible
/// characters escaped, HTML special characters as entities, the characters that start
/// emphasis, links, code, strikethrough, math and table cells backslash-escaped (and
/// those that start a block where they begin the text), line breaks as spaces, and `@`
/// kept from becoming a mention.
fn md(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    // Where a block marker would be: the first character after leading blanks.
    let start = text.len() - text.trim_start_matches([' ', '\t']).len();
    let digits = start + text[start..].bytes().take_while(u8::is_ascii_digit).count();
    for (i, c) in text.char_indices() {
        match c {
            '\n' | '\r' => out.push(' '),
            c if text::is_unsafe(c) => {
                let _ = write!(out, "\\\\u{{{:x}}}", u32::from(c));
            }
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '@' => out.push_str("@&#8203;"),
            '\\' | '`' | '*' | '_' | '[' | ']' | '|' | '~' | '$' => {
                out.push('\\');
                out.push(c);
            }
            // A list item, heading or thematic break where the text starts a line.
            '#' | '+' | '-' | '=' if i == start => {
                out.push('\\');
                out.push(c);
            }
            '.' | ')' if i == digits && digits > start => {
                out.push('\\');
                out.push(c);
            }
            c => out.push(c),
        }
    }
    out
}

/// An inline code span safe in a table cell: a fence longer than any run of backticks
/// inside, `|` escaped (GitHub splits cells before it parses code spans), control and
/// invisible characters escaped, line breaks as `\u{a}`.
fn md_code(text: &str) -> String {
    let escaped = text::escape(text).replace('|', "\\|");
    let longest = escaped.split(|c| c != '`').map(str::len).max().unwrap_or(0);
    let fence = "`".repeat(longest + 1);
    let pad = if escaped.starts_with('`') || escaped.ends_with('`') || escaped.starts_with(' ') {
        " "
    } else {
        ""
    };
    format!("{fence}{pad}{escaped}{pad}{fence}")
}

/// A multi-line text as a Markdown block quote.
fn md_quote(out: &mut String, text: &str) {
    for line in text.split('\n') {
        let _ = writeln!(out, "> {}", md(line.trim_end_matches('\r')));
    }
}

fn markdown(r: &Report) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "{MARKDOWN_MARKER}");
    let _ = writeln!(
        s,
        "### tcppolicy diff: {} → {}\n",
        md_code(&side_label(r, true)),
        md_code(&side_label(r, false))
    );
    let counts: Vec<String> = r
        .summary()
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .map(|(status, n)| format!("{n} {}", status.describe()))
        .collect();
    if !r.differs() {
        let _ = writeln!(
            s,
            "No effective policy changes ({}).",
            if counts.is_empty() {
                "no policies".to_string()
            } else {
                counts.join(", ")
            }
        );
        return s;
    }
    let _ = writeln!(s, "**{}**\n", counts.join(" · "));
    let _ = writeln!(
        s,
        "| policy | file | status | keys | consequences | diagnostics |"
    );
    let _ = writeln!(s, "|---|---|---|---|---|---|");
    for review in r.reviews.iter().filter(|r| r.differs()) {
        let keys = {
            let n = |c: Change| review.settings.iter().filter(|s| s.change == c).count();
            let parts: Vec<String> = [
                (n(Change::Changed), "changed"),
                (n(Change::Added), "added"),
                (n(Change::Removed), "removed"),
            ]
            .into_iter()
            .filter(|(n, _)| *n > 0)
            .map(|(n, w)| format!("{n} {w}"))
            .collect();
            if parts.is_empty() {
                "—".to_string()
            } else {
                parts.join(", ")
            }
        };
        let consequences: Vec<String> = review
            .derived
            .iter()
            .map(|d| md(&derived_text(review, d, true)))
            .collect();
        let diags = &review.diagnostics;
        let diagnostics = match (diags.introduced.len(), diags.resolved.len()) {
            (0, 0) => "—".to_string(),
            (i, r) => format!("{i} introduced, {r} resolved"),
        };
        let _ = writeln!(
            s,
            "| {} | {} | {} | {} | {} | {} |",
            review.name().map_or("—".into(), md_code),
            md_code(review.path()),
            md_status(review, r.renamed_from(review)),
            keys,
            if consequences.is_empty() {
                "—".into()
            } else {
                consequences.join("<br>")
            },
            diagnostics
        );
    }
    s.push('\n');
    for review in r.reviews.iter().filter(|r| r.differs()) {
        markdown_policy(&mut s, review, r.renamed_from(review));
    }
    s
}

/// One diagnostic as a list item, after `what` (`introduced`, `resolved`) if given.
fn md_diagnostic(s: &mut String, what: Option<&str>, d: &DiagnosticChange) {
    let _ = writeln!(
        s,
        "- {}**{}** {} {}: {} ({})",
        what.map_or(String::new(), |w| format!("{w} ")),
        d.severity,
        d.code,
        md_code(d.name),
        md(&d.message),
        md_code(&d.location)
    );
}

fn md_status(r: &PolicyReview, renamed_from: Option<&str>) -> String {
    let status = match r.status {
        Status::Broken => "**does not compile**".to_string(),
        other => other.describe().to_string(),
    };
    match renamed_from {
        Some(from) => format!("{status}, renamed from {}", md_code(from)),
        None => status,
    }
}

fn markdown_policy(s: &mut String, r: &PolicyReview, renamed_from: Option<&str>) {
    let _ = writeln!(
        s,
        "#### {} · {} — {}\n",
        r.name().map_or("—".into(), md_code),
        md_code(r.path()),
        md_status(r, renamed_from)
    );
    if r.status == Status::Broken {
        let errors = r.new.as_ref().map_or(0, |n| n.errors);
        let _ = writeln!(
            s,
            "The new version does not compile ({}):\n",
            plural(errors, "error")
        );
        for d in &r.errors {
            md_diagnostic(s, None, d);
        }
        s.push('\n');
    }
    if !r.metadata.is_empty() {
        let _ = writeln!(s, "| field | old | new |\n|---|---|---|");
        for m in &r.metadata {
            let v = |x: &Option<String>| x.as_deref().map_or("—".into(), md);
            let _ = writeln!(s, "| {} | {} | {} |", m.field, v(&m.old), v(&m.new));
        }
        s.push('\n');
    }
    if !r.settings.is_empty() {
        let _ = writeln!(s, "| key | old | new | kernel default | consequence |");
        let _ = writeln!(s, "|---|---|---|---|---|");
        for c in &r.settings {
            let v = |side: &Option<review::SettingSide>| {
                side.as_ref()
                    .map_or("—".into(), |x| md_code(&with_unit(&x.desired, c.unit)))
            };
            let new = if c.change == Change::Changed && !c.value_changed {
                format!("{} (rationale only)", v(&c.new))
            } else {
                v(&c.new)
            };
            let consequence: Vec<String> = r
                .derived
                .iter()
                .filter(|d| d.because.first() == Some(&c.name))
                .map(|d| md(&derived_text(r, d, false)))
                .collect();
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} | {} |",
                md_code(c.name),
                v(&c.old),
                new,
                default_text(c).map_or("—".into(), |d| md_code(&d)),
                if consequence.is_empty() {
                    String::new()
                } else {
                    consequence.join("<br>")
                }
            );
        }
        s.push('\n');
    }
    // The errors of a policy that does not compile are listed above.
    let introduced: Vec<&DiagnosticChange> = r
        .diagnostics
        .introduced
        .iter()
        .filter(|d| !r.errors.contains(d))
        .collect();
    let resolved: Vec<&DiagnosticChange> = r.diagnostics.resolved.iter().collect();
    if !introduced.is_empty() || !resolved.is_empty() {
        let _ = writeln!(s, "Diagnostics:\n");
        for (what, list) in [("introduced", introduced), ("resolved", resolved)] {
            for d in list {
                md_diagnostic(s, Some(what), d);
            }
        }
        s.push('\n');
    }
    // A deleted policy's rationales are going away with it: not worth a review.
    let rationale: Vec<&SettingChange> = r
        .settings
        .iter()
        .filter(|c| c.rationale_changed && r.status != Status::Removed)
        .collect();
    if !rationale.is_empty() {
        let _ = writeln!(
            s,
            "<details><summary>Rationale ({} {})</summary>\n",
            rationale.len(),
            if rationale.len() == 1 { "key" } else { "keys" }
        );
        for c in rationale {
            let _ = writeln!(
                s,
                "{} ({})\n",
                md_code(c.name),
                match c.change {
                    Change::Added => "added",
                    Change::Removed => "removed",
                    Change::Changed => "changed",
                }
            );
            if let (Change::Changed, Some(o)) = (c.change, &c.old) {
                let _ = writeln!(s, "Before:\n");
                md_quote(s, &o.rationale);
                s.push('\n');
                let _ = writeln!(s, "After:\n");
            }
            if let Some(side) = c.new.as_ref().or(c.old.as_ref()) {
                md_quote(s, &side.rationale);
                s.push('\n');
            }
        }
        let _ = writeln!(s, "</details>\n");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_text_cannot_break_tables_or_inject_html() {
        let hostile = "a | b `c` </details><script>x</script> @team \u{1b}[2K\u{202e} *y*";
        let out = md(hostile);
        assert!(!out.contains('<'), "{out}");
        assert!(
            !out.contains('\u{1b}') && !out.contains('\u{202e}'),
            "{out}"
        );
        assert!(!out.contains(" | "), "{out}");
        assert!(out.contains("@&#8203;team"), "{out}");
        assert!(!out.contains(" `c` "), "{out}");
    }

    #[test]
    fn markdown_text_cannot_start_a_block() {
        assert_eq!(md("- item"), "\\- item");
        assert_eq!(md("  # title"), "  \\# title");
        assert_eq!(md("12. point"), "12\\. point");
        assert_eq!(md("a - b. 3.5 s (x)"), "a - b. 3.5 s (x)");
    }

    #[test]
    fn code_spans_survive_backticks_and_pipes() {
        assert_eq!(md_code("6"), "`6`");
        assert_eq!(md_code("a`b"), "``a`b``");
        assert_eq!(md_code("`x"), "`` `x ``");
        assert_eq!(md_code("a|b"), "`a\\|b`");
        assert_eq!(md_code("a\nb\u{1b}"), "`a\\u{a}b\\u{1b}`");
    }
}
