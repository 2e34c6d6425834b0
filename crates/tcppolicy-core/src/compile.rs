//! The compiler: read → parse → schema → extends → types and units → rules → effective
//! policy.
//!
//! **Architecture Invariant:** the compiler does no I/O beyond reading policy files; it
//! returns the effective policy together with every diagnostic, and never stops at the
//! first error of a phase.

use crate::allow;
use crate::diagnostic::code;
use crate::diagnostic::{self, Diagnostic, Label, Severity};
use crate::effective::{EffectivePolicy, EffectiveSetting, Origin};
use crate::load::{self, Document, SpanTable, child_pointer};
use crate::model::Policy;
use crate::reader::{Disk, PolicyReader, normalize};
use crate::rules::{self, Ctx};
use crate::schema;
use crate::source::{FileId, SourceMap};
use crate::typecheck;
use crate::version::{Version, VersionRange, v};
use indexmap::IndexMap;
use std::collections::HashMap;
use std::path::{Path, PathBuf};

code!(
    EXTENDS_ESCAPE,
    "TP201",
    "extends-escape",
    Error,
    "an `extends` path leaves the directory tree of the top-level policy",
    "`extends` paths are relative to the file that names them and must stay inside the \
     directory of the top-level policy (after following symbolic links). Absolute paths \
     and paths climbing out with `..` are refused, so that checking a policy from an \
     untrusted branch cannot read arbitrary files on the CI runner."
);
code!(
    EXTENDS_NOT_FOUND,
    "TP202",
    "extends-not-found",
    Error,
    "an `extends` path does not name a readable file",
    "The policy named in `extends` does not exist or cannot be read. Paths are resolved \
     relative to the directory of the file that contains the `extends` entry."
);
code!(
    EXTENDS_CYCLE,
    "TP203",
    "extends-cycle",
    Error,
    "policies extend each other in a cycle",
    "A policy extends, directly or through others, itself. The diagnostic names the chain. \
     Break the cycle by moving the shared settings into a base that extends nothing."
);
code!(
    EXTENDS_TOO_DEEP,
    "TP204",
    "extends-too-deep",
    Error,
    "`extends` chains more policies than tcppolicy follows",
    "A policy may extend a base that extends another base, and so on, up to 32 levels. A \
     longer chain is refused with this error rather than followed without end: real policy \
     trees are two or three levels deep, and a generated chain of thousands of files would \
     otherwise exhaust the stack."
);
code!(
    INVALID_KERNEL_RANGE,
    "TP401",
    "invalid-kernel-range",
    Error,
    "the `kernel` range cannot be read",
    "`kernel` is a comma-separated list of comparators on kernel versions: `>=5.15`, \
     `>=4.19, <6.0`, `=6.1`. Versions are `MAJOR.MINOR` or `MAJOR.MINOR.PATCH`. A bare \
     version without a comparator is refused because tools disagree on what it means."
);

/// How many levels of `extends` are followed (the top-level policy is level 0).
pub const MAX_EXTENDS_DEPTH: usize = 32;

/// The range assumed when a policy names none: every kernel from the oldest long-term
/// kernel maintained when this catalog was written.
pub const DEFAULT_KERNEL_FLOOR: Version = v(5, 10);

/// The result of compiling one top-level policy.
#[derive(Debug)]
pub struct Compilation {
    /// Every file read, for rendering diagnostics.
    pub sources: SourceMap,
    /// Every diagnostic, sorted by file and position.
    pub diagnostics: Vec<Diagnostic>,
    /// The effective policy, when there are no errors.
    pub policy: Option<EffectivePolicy>,
    /// Source spans of every file, for tools that point into policies (plan provenance).
    pub spans: HashMap<FileId, SpanTable>,
}

impl Compilation {
    /// Whether any diagnostic is an error.
    pub fn has_errors(&self) -> bool {
        self.diagnostics.iter().any(Diagnostic::is_error)
    }

    /// Number of diagnostics at `severity`.
    pub fn count(&self, severity: Severity) -> usize {
        self.diagnostics
            .iter()
            .filter(|d| d.severity == severity)
            .count()
    }
}

/// Compile the policy at `path` (displayed as given).
pub fn compile_file(path: &Path) -> Compilation {
    compile_with(&Disk, path)
}

/// Compile the policy at `path` (displayed as given), reading it and everything it
/// extends through `reader` (e.g. as of a git revision).
pub fn compile_with(reader: &dyn PolicyReader, path: &Path) -> Compilation {
    let mut c = Compiler::new(reader);
    let root = c.load_root(path);
    c.finish(path, root)
}

/// Compile policy text that is not on disk (`extends` is then refused). For fuzzing,
/// editors and tests.
pub fn compile_str(display: &Path, text: &str) -> Compilation {
    let mut c = Compiler::new(&Disk);
    let (file, err) = load::from_bytes(
        text.as_bytes().to_vec(),
        display.to_path_buf(),
        &mut c.sources,
    );
    let root = match err {
        Some(d) => {
            c.diagnostics.push(d);
            None
        }
        None => c.parse_and_check(file),
    };
    c.finish(
        display,
        root.map(|(doc, policy)| Loaded {
            doc,
            policy,
            real: None,
        }),
    )
}

struct Loaded {
    doc: Document,
    policy: Policy,
    /// Canonical path, for cycle and escape checks (None when not on disk).
    real: Option<PathBuf>,
}

struct Compiler<'r> {
    reader: &'r dyn PolicyReader,
    sources: SourceMap,
    diagnostics: Vec<Diagnostic>,
    spans: HashMap<FileId, SpanTable>,
    /// Canonical directory of the top-level policy: `extends` may not leave it.
    root_dir: Option<PathBuf>,
    /// Did-you-mean suggestions still to compute. A file with thousands of unknown names
    /// is not a typo, and suggestions cost a string distance per catalog entry.
    suggestions: usize,
}

impl<'r> Compiler<'r> {
    fn new(reader: &'r dyn PolicyReader) -> Self {
        Compiler {
            reader,
            sources: SourceMap::default(),
            diagnostics: Vec::new(),
            spans: HashMap::new(),
            root_dir: None,
            suggestions: 100,
        }
    }

    fn load_root(&mut self, path: &Path) -> Option<Loaded> {
        let real = self.reader.canonicalize(path).ok();
        self.root_dir = real
            .as_ref()
            .and_then(|r| r.parent().map(Path::to_path_buf));
        self.load(path, path.to_path_buf(), real)
    }

    fn load(&mut self, path: &Path, display: PathBuf, real: Option<PathBuf>) -> Option<Loaded> {
        let (file, err) = self.reader.read(path, display, &mut self.sources);
        if let Some(d) = err {
            self.diagnostics.push(d);
            return None;
        }
        let (doc, policy) = self.parse_and_check(file)?;
        Some(Loaded { doc, policy, real })
    }

    fn parse_and_check(&mut self, file: FileId) -> Option<(Document, Policy)> {
        let doc = match load::parse(file, &self.sources) {
            Ok(doc) => doc,
            Err(diags) => {
                self.diagnostics.extend(diags);
                return None;
            }
        };
        self.spans.insert(file, doc.spans.clone());
        match schema::check(&doc) {
            Ok(policy) => Some((doc, policy)),
            Err(diags) => {
                self.diagnostics.extend(diags);
                None
            }
        }
    }

    /// Depth-first resolution of `extends`: bases in order, then the file itself.
    fn resolve(&mut self, loaded: Loaded, stack: &mut Vec<PathBuf>, chain: &mut Vec<Loaded>) {
        if let Some(real) = &loaded.real {
            stack.push(real.clone());
        }
        let including_display = self.sources.get(loaded.doc.file).path().to_path_buf();
        for (i, entry) in loaded.policy.extends.iter().enumerate() {
            let pointer = format!("/extends/{i}");
            let label = Label::new(loaded.doc.file, loaded.doc.spans.value(&pointer));
            let Some(real_including) = &loaded.real else {
                self.diagnostics.push(Diagnostic::new(
                    &EXTENDS_NOT_FOUND,
                    label,
                    format!(
                        "`extends` needs a policy on disk: `{}`",
                        entry.escape_debug()
                    ),
                ));
                continue;
            };
            match self.locate(real_including, entry) {
                Err(d) => self.diagnostics.push(d(label)),
                Ok(real) => {
                    if chain
                        .iter()
                        .any(|l: &Loaded| l.real.as_ref() == Some(&real))
                    {
                        continue; // already applied through another base (diamond)
                    }
                    if let Some(pos) = stack.iter().position(|p| *p == real) {
                        let cycle: Vec<String> = stack[pos..]
                            .iter()
                            .chain(std::iter::once(&real))
                            .map(|p| {
                                p.file_name()
                                    .unwrap_or_default()
                                    .to_string_lossy()
                                    .into_owned()
                            })
                            .collect();
                        self.diagnostics.push(
                            Diagnostic::new(
                                &EXTENDS_CYCLE,
                                label,
                                format!(
                                    "policies extend each other in a cycle: {}",
                                    cycle.join(" → ")
                                ),
                            )
                            .help("move the shared settings into a base that extends nothing"),
                        );
                        continue;
                    }
                    if stack.len() >= MAX_EXTENDS_DEPTH {
                        self.diagnostics.push(
                            Diagnostic::new(
                                &EXTENDS_TOO_DEEP,
                                label,
                                format!(
                                    "`extends` is nested deeper than {MAX_EXTENDS_DEPTH} levels: `{}`",
                                    entry.escape_debug()
                                ),
                            )
                            .help("flatten the chain: extend a few shared bases directly"),
                        );
                        continue;
                    }
                    let display = normalize(
                        &including_display
                            .parent()
                            .unwrap_or(Path::new(""))
                            .join(entry),
                    );
                    if let Some(base) = self.load(&real, display, Some(real.clone())) {
                        self.resolve(base, stack, chain);
                    }
                }
            }
        }
        if loaded.real.is_some() {
            stack.pop();
        }
        chain.push(loaded);
    }

    #[allow(clippy::type_complexity)]
    fn locate(
        &self,
        including: &Path,
        entry: &str,
    ) -> Result<PathBuf, Box<dyn FnOnce(Label) -> Diagnostic>> {
        let entry_owned = entry.escape_debug().to_string();
        let rel = Path::new(entry);
        if rel.is_absolute() || entry.contains('\0') {
            let what = if entry.contains('\0') {
                "`extends` paths cannot contain NUL characters"
            } else {
                "`extends` paths must be relative"
            };
            return Err(Box::new(move |l| {
                Diagnostic::new(&EXTENDS_ESCAPE, l, format!("{what}: `{entry_owned}`"))
                    .help("name the base policy relative to this file, e.g. `base.yaml`")
            }));
        }
        let dir = including.parent().unwrap_or(Path::new("/"));
        let real = match self.reader.canonicalize(&dir.join(rel)) {
            Ok(r) => r,
            Err(e) => {
                return Err(Box::new(move |l| {
                    Diagnostic::new(
                        &EXTENDS_NOT_FOUND,
                        l,
                        format!("cannot read extended policy: `{entry_owned}`: {e}"),
                    )
                }));
            }
        };
        let root = self.root_dir.clone().unwrap_or_default();
        if !real.starts_with(&root) {
            return Err(Box::new(move |l| {
                Diagnostic::new(
                    &EXTENDS_ESCAPE,
                    l,
                    format!("`extends` leaves the policy's directory tree: `{entry_owned}`"),
                )
                .note(format!(
                    "it resolves to `{}`, outside `{}`",
                    real.display(),
                    root.display()
                ))
                .help("keep base policies in the same directory as the policy, or below it")
            }));
        }
        if !self.reader.is_file(&real) {
            return Err(Box::new(move |l| {
                Diagnostic::new(
                    &EXTENDS_NOT_FOUND,
                    l,
                    format!("`extends` must name a policy file: `{entry_owned}` is not a file"),
                )
            }));
        }
        Ok(real)
    }

    fn finish(mut self, display: &Path, root: Option<Loaded>) -> Compilation {
        let mut chain = Vec::new();
        if let Some(root) = root {
            self.resolve(root, &mut Vec::new(), &mut chain);
        }
        let policy = self.merge(display, &chain);
        let policy = policy.map(|(policy, range, allows)| {
            let ctx = Ctx {
                policy: &policy,
                range,
                spans: &self.spans,
                sources: &self.sources,
            };
            let mut found = Vec::new();
            rules::check_all(&ctx, &mut found);
            allow::apply(allows, &mut found, &self.spans);
            self.diagnostics.extend(found);
            policy
        });
        diagnostic::sort(&mut self.diagnostics);
        let has_errors = self.diagnostics.iter().any(Diagnostic::is_error);
        Compilation {
            sources: self.sources,
            diagnostics: self.diagnostics,
            policy: if has_errors { None } else { policy },
            spans: self.spans,
        }
    }

    /// Merge the chain (bases first, the top-level policy last) into the effective policy.
    fn merge(
        &mut self,
        display: &Path,
        chain: &[Loaded],
    ) -> Option<(EffectivePolicy, VersionRange, Vec<allow::AllowEntry>)> {
        let top = chain.last()?;
        let mut settings: IndexMap<&'static str, EffectiveSetting> = IndexMap::new();
        let mut allows = Vec::new();
        let mut kernel: Option<(VersionRange, bool)> = None;
        for loaded in chain {
            let doc = &loaded.doc;
            let path = self.sources.get(doc.file).path().to_path_buf();
            if let Some(text) = &loaded.policy.kernel {
                match VersionRange::parse(text) {
                    Ok(r) => kernel = Some((r, true)),
                    Err(e) => self.diagnostics.push(
                        Diagnostic::new(
                            &INVALID_KERNEL_RANGE,
                            Label::new(doc.file, doc.spans.value("/kernel")),
                            format!("invalid kernel range: {e}"),
                        )
                        .help("write e.g. `>=5.15` or `>=4.19, <6.0`"),
                    ),
                }
            }
            for (i, a) in loaded.policy.allow.iter().enumerate() {
                self.check_visible(doc, || format!("/allow/{i}/reason"), "reason", &a.reason);
                allows.push(allow::AllowEntry::new(
                    a,
                    doc.file,
                    format!("/allow/{i}"),
                    &mut self.diagnostics,
                    &doc.spans,
                    &mut self.suggestions,
                ));
            }
            for (name, setting) in &loaded.policy.settings {
                let Some((param, target)) = typecheck::convert_setting(
                    doc,
                    name,
                    setting,
                    &mut self.diagnostics,
                    &mut self.suggestions,
                ) else {
                    continue;
                };
                let pointer = child_pointer("/settings", name);
                let line = self
                    .sources
                    .get(doc.file)
                    .line_col(doc.spans.key(&pointer).start)
                    .line;
                let origin = Origin {
                    file: doc.file,
                    path: path.clone(),
                    line,
                    pointer,
                };
                self.check_visible(
                    doc,
                    || child_pointer(&origin.pointer, "rationale"),
                    "rationale",
                    &setting.rationale,
                );
                let rationale = setting.rationale.trim().to_string();
                match settings.get_mut(param.name) {
                    Some(existing) => {
                        let old = std::mem::replace(&mut existing.origin, origin);
                        existing.overrides.push(old);
                        existing.target = target;
                        existing.rationale = rationale;
                    }
                    None => {
                        settings.insert(
                            param.name,
                            EffectiveSetting {
                                param,
                                target,
                                rationale,
                                origin,
                                overrides: Vec::new(),
                            },
                        );
                    }
                }
            }
        }
        let range = kernel.map_or(
            VersionRange {
                lower: crate::version::Edge::Inclusive(DEFAULT_KERNEL_FLOOR),
                upper: crate::version::Edge::Open,
            },
            |(r, _)| r,
        );
        let mut files: Vec<PathBuf> = chain
            .iter()
            .rev()
            .map(|l| self.sources.get(l.doc.file).path().to_path_buf())
            .collect();
        files.dedup();
        let policy = EffectivePolicy {
            name: top.policy.name.clone(),
            description: top.policy.description.clone(),
            owner: top.policy.owner.clone(),
            kernel: kernel.map(|(r, _)| r),
            container: top.policy.container,
            settings: settings.into_values().collect(),
            root: display.to_path_buf(),
            files,
        };
        Some((policy, range, allows))
    }
}

impl Compiler<'_> {
    /// A rationale or reason whose only "text" is a terminal escape sequence
    /// (`"\e[8m"`) passes the schema's pattern but shows nothing: TP105 as well.
    /// `pointer` (of the text) is built only when there is something to report.
    fn check_visible(
        &mut self,
        doc: &Document,
        pointer: impl FnOnce() -> String,
        field: &str,
        text: &str,
    ) {
        if !crate::text::has_visible(text) {
            self.diagnostics.push(
                Diagnostic::new(
                    &schema::EMPTY_TEXT,
                    Label::new(doc.file, doc.spans.value(&pointer())),
                    format!(
                        "`{field}` has no visible character: `{}`",
                        crate::text::escape_line(text)
                    ),
                )
                .help("say why: the rationale is what reviewers and drop-in readers see"),
            );
        }
    }
}
