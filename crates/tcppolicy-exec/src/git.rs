//! Policy files as of a git revision, read with the real `git` command line
//! (`tcppolicy diff --git REV`).
//!
//! [`GitRevision`] is a [`PolicyReader`]: the compiler reads a policy and everything it
//! extends from the revision's tree exactly as it reads them from the disk, with the same
//! checks of `extends` (relative paths, no escape from the top-level policy's directory,
//! cycles, not found). Paths are the working tree's: `REV`'s version of
//! `/repo/policies/web.yaml` is the blob at `policies/web.yaml` in `REV`'s tree, and
//! symbolic links stored in the tree are followed inside it as the file system would.
//!
//! One `git cat-file --batch` process serves every tree and blob read; `git diff` and
//! `git ls-files` list what changed.

use std::cell::RefCell;
use std::collections::{BTreeSet, HashMap};
use std::ffi::{OsStr, OsString};
use std::io::{BufRead, BufReader, Read, Write};
use std::os::unix::ffi::{OsStrExt, OsStringExt};
use std::path::{Component, Path, PathBuf};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};
use std::rc::Rc;
use tcppolicy_core::diagnostic::{Diagnostic, Label};
use tcppolicy_core::load::{self, MAX_FILE_BYTES, UNREADABLE_FILE};
use tcppolicy_core::reader::{PolicyReader, normalize};
use tcppolicy_core::source::{FileId, SourceFile, SourceMap, Span};

/// Most symbolic links followed while resolving one path (Linux's limit).
const MAX_LINKS: usize = 40;

/// What can go wrong talking to git.
#[derive(Debug, thiserror::Error)]
pub enum GitError {
    /// `git` could not be started.
    #[error("cannot run `git`: {0}")]
    Spawn(#[source] std::io::Error),
    /// A git command failed.
    #[error("`git {command}` failed: {message}")]
    Failed {
        /// The command line after `git`.
        command: String,
        /// What git said on stderr.
        message: String,
    },
    /// The revision names nothing.
    #[error("unknown git revision: `{0}`")]
    UnknownRevision(String),
}

/// Run `git ARGS` in `dir` and return its stdout.
fn git(dir: &Path, args: &[&OsStr]) -> Result<Vec<u8>, GitError> {
    let out = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .env("GIT_OPTIONAL_LOCKS", "0")
        .stdin(Stdio::null())
        .output()
        .map_err(GitError::Spawn)?;
    if !out.status.success() {
        return Err(GitError::Failed {
            command: args
                .iter()
                .map(|a| a.to_string_lossy())
                .collect::<Vec<_>>()
                .join(" "),
            message: String::from_utf8_lossy(&out.stderr).trim().to_string(),
        });
    }
    Ok(out.stdout)
}

/// One entry of a git tree.
#[derive(Clone, Debug)]
struct Entry {
    name: OsString,
    mode: u32,
    oid: String,
}

impl Entry {
    fn is_tree(&self) -> bool {
        self.mode == 0o040000
    }
    fn is_symlink(&self) -> bool {
        self.mode == 0o120000
    }
    fn is_file(&self) -> bool {
        self.mode == 0o100644 || self.mode == 0o100755
    }
}

/// The `git cat-file --batch` process.
#[derive(Debug)]
struct Batch {
    child: Child,
    stdin: Option<ChildStdin>,
    stdout: BufReader<ChildStdout>,
}

impl Batch {
    fn start(dir: &Path) -> Result<Batch, GitError> {
        let mut child = Command::new("git")
            .arg("-C")
            .arg(dir)
            .args(["cat-file", "--batch"])
            .env("GIT_OPTIONAL_LOCKS", "0")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .map_err(GitError::Spawn)?;
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().map(BufReader::new);
        match stdout {
            Some(stdout) => Ok(Batch {
                child,
                stdin,
                stdout,
            }),
            None => Err(GitError::Spawn(std::io::Error::other("no pipe to git"))),
        }
    }

    /// The object `name` as `(oid, type, first `keep` bytes of the content)`, or `None`
    /// when it does not exist.
    fn get(&mut self, name: &str, keep: u64) -> std::io::Result<Option<(String, String, Vec<u8>)>> {
        let stdin = self
            .stdin
            .as_mut()
            .ok_or_else(|| std::io::Error::other("git cat-file is closed"))?;
        stdin.write_all(name.as_bytes())?;
        stdin.write_all(b"\n")?;
        stdin.flush()?;
        let mut header = String::new();
        if self.stdout.read_line(&mut header)? == 0 {
            return Err(std::io::Error::other("git cat-file ended early"));
        }
        let fields: Vec<&str> = header.trim_end().split(' ').collect();
        let [oid, kind, size] = fields[..] else {
            // `<name> missing`, `<name> ambiguous`
            return Ok(None);
        };
        let size: u64 = size
            .parse()
            .map_err(|_| std::io::Error::other(format!("bad git cat-file header: {header}")))?;
        let mut content = Vec::new();
        (&mut self.stdout)
            .take(size.min(keep))
            .read_to_end(&mut content)?;
        // The rest of an oversized object, and the newline after every object.
        let rest = size - content.len() as u64 + 1;
        std::io::copy(&mut (&mut self.stdout).take(rest), &mut std::io::sink())?;
        Ok(Some((oid.to_string(), kind.to_string(), content)))
    }
}

impl Drop for Batch {
    fn drop(&mut self) {
        drop(self.stdin.take()); // EOF: cat-file exits
        let _ = self.child.wait();
    }
}

/// A git revision's tree, read as policy files.
#[derive(Debug)]
pub struct GitRevision {
    rev: String,
    toplevel: PathBuf,
    cwd: PathBuf,
    commit: String,
    root: String,
    batch: RefCell<Batch>,
    trees: RefCell<HashMap<String, Rc<Vec<Entry>>>>,
}

impl GitRevision {
    /// The revision `rev` of the repository the current directory is in.
    pub fn open(rev: &str) -> Result<GitRevision, GitError> {
        let cwd = std::env::current_dir().map_err(GitError::Spawn)?;
        if rev.is_empty() || rev.starts_with('-') || rev.contains(['\0', '\n']) {
            return Err(GitError::UnknownRevision(rev.escape_debug().to_string()));
        }
        // Started first so that its start-up overlaps `rev-parse`.
        let mut batch = Batch::start(&cwd)?;
        // One process for both: the work tree's top, then the commit (or nothing, with
        // status 1, for an unknown revision).
        let spec = format!("{rev}^{{commit}}");
        let out = Command::new("git")
            .args(["rev-parse", "--show-toplevel", "--verify", "--quiet", &spec])
            .current_dir(&cwd)
            .stdin(Stdio::null())
            .output()
            .map_err(GitError::Spawn)?;
        let mut lines = out.stdout.split(|b| *b == b'\n').filter(|l| !l.is_empty());
        let (Some(top), commit) = (lines.next(), lines.next()) else {
            return Err(GitError::Failed {
                command: format!("rev-parse --show-toplevel {}", spec.escape_debug()),
                message: String::from_utf8_lossy(&out.stderr).trim().to_string(),
            });
        };
        let Some(commit) = commit.filter(|_| out.status.success()) else {
            return Err(GitError::UnknownRevision(rev.escape_debug().to_string()));
        };
        let commit = String::from_utf8_lossy(commit).trim().to_string();
        let toplevel = std::fs::canonicalize(OsStr::from_bytes(top)).map_err(GitError::Spawn)?;
        let root = match batch.get(&format!("{commit}^{{tree}}"), 0) {
            Ok(Some((oid, kind, _))) if kind == "tree" => oid,
            _ => return Err(GitError::UnknownRevision(rev.escape_debug().to_string())),
        };
        Ok(GitRevision {
            rev: rev.to_string(),
            toplevel,
            cwd,
            commit,
            root,
            batch: RefCell::new(batch),
            trees: RefCell::new(HashMap::new()),
        })
    }

    /// The revision as given.
    pub fn rev(&self) -> &str {
        &self.rev
    }

    /// The commit it resolves to (full object id).
    pub fn commit(&self) -> &str {
        &self.commit
    }

    /// The work tree's top-level directory (canonical).
    pub fn toplevel(&self) -> &Path {
        &self.toplevel
    }

    /// Every path (absolute, in the work tree) that differs between the revision and the
    /// work tree: modified, added, deleted, type-changed, and files git does not track
    /// yet (unless ignored). A rename counts as a deletion and an addition.
    pub fn changed_paths(&self) -> Result<BTreeSet<PathBuf>, GitError> {
        let diff = git(
            &self.toplevel,
            &[
                "diff".as_ref(),
                "--name-only".as_ref(),
                "--no-renames".as_ref(),
                "-z".as_ref(),
                self.commit.as_ref(),
                "--".as_ref(),
            ],
        )?;
        let untracked = git(
            &self.toplevel,
            &[
                "ls-files".as_ref(),
                "-z".as_ref(),
                "--others".as_ref(),
                "--exclude-standard".as_ref(),
            ],
        )?;
        Ok(diff
            .split(|b| *b == 0)
            .chain(untracked.split(|b| *b == 0))
            .filter(|p| !p.is_empty())
            .map(|p| self.toplevel.join(OsStr::from_bytes(p)))
            .collect())
    }

    /// `path` made absolute against the current directory and lexically normalised, as
    /// the work-tree paths [`changed_paths`](Self::changed_paths) returns.
    pub fn absolute(&self, path: &Path) -> PathBuf {
        normalize(&self.cwd.join(path))
    }

    /// The first `keep` bytes of the file at `path` in the revision.
    pub fn read_bytes(&self, path: &Path, keep: u64) -> std::io::Result<Vec<u8>> {
        let real = self.canonicalize(path)?;
        let entry = self.entry(&real)?.ok_or_else(|| self.not_found())?;
        if !entry.is_file() {
            return Err(std::io::Error::other(format!(
                "not a file at `{}`",
                self.rev.escape_debug()
            )));
        }
        match self.batch.borrow_mut().get(&entry.oid, keep)? {
            Some((_, _, content)) => Ok(content),
            None => Err(self.not_found()),
        }
    }

    /// Whether `path` names a file in the revision.
    pub fn exists(&self, path: &Path) -> bool {
        self.canonicalize(path)
            .ok()
            .is_some_and(|real| self.is_file(&real))
    }

    fn not_found(&self) -> std::io::Error {
        std::io::Error::new(
            std::io::ErrorKind::NotFound,
            format!("no such file at `{}`", self.rev.escape_debug()),
        )
    }

    fn tree(&self, oid: &str) -> std::io::Result<Rc<Vec<Entry>>> {
        if let Some(t) = self.trees.borrow().get(oid) {
            return Ok(Rc::clone(t));
        }
        let (_, kind, content) = self
            .batch
            .borrow_mut()
            .get(oid, u64::MAX)?
            .ok_or_else(|| std::io::Error::other(format!("git object {oid} is missing")))?;
        if kind != "tree" {
            return Err(std::io::Error::other(format!(
                "git object {oid} is not a tree"
            )));
        }
        let entries = Rc::new(parse_tree(&content, oid.len() / 2)?);
        self.trees
            .borrow_mut()
            .insert(oid.to_string(), Rc::clone(&entries));
        Ok(entries)
    }

    /// The entry at the canonical path `real` (no links are followed), `None` when
    /// nothing is there.
    fn entry(&self, real: &Path) -> std::io::Result<Option<Entry>> {
        let Ok(rel) = real.strip_prefix(&self.toplevel) else {
            return Ok(None);
        };
        let mut current = Entry {
            name: OsString::new(),
            mode: 0o040000,
            oid: self.root.clone(),
        };
        for c in rel.components() {
            let Component::Normal(name) = c else {
                return Ok(None);
            };
            if !current.is_tree() {
                return Ok(None);
            }
            let tree = self.tree(&current.oid)?;
            match tree.iter().find(|e| e.name == name) {
                Some(e) => current = e.clone(),
                None => return Ok(None),
            }
        }
        Ok(Some(current))
    }
}

/// Parse a raw git tree object: `<mode> SP <name> NUL <raw oid>`, repeated.
fn parse_tree(mut data: &[u8], oid_len: usize) -> std::io::Result<Vec<Entry>> {
    let bad = || std::io::Error::other("malformed git tree object");
    let mut out = Vec::new();
    while !data.is_empty() {
        let space = data.iter().position(|b| *b == b' ').ok_or_else(bad)?;
        let mode = u32::from_str_radix(std::str::from_utf8(&data[..space]).map_err(|_| bad())?, 8)
            .map_err(|_| bad())?;
        let rest = &data[space + 1..];
        let nul = rest.iter().position(|b| *b == 0).ok_or_else(bad)?;
        let name = OsString::from_vec(rest[..nul].to_vec());
        let raw = rest.get(nul + 1..nul + 1 + oid_len).ok_or_else(bad)?;
        let oid = raw.iter().map(|b| format!("{b:02x}")).collect();
        out.push(Entry { name, mode, oid });
        data = &rest[nul + 1 + oid_len..];
    }
    Ok(out)
}

impl PolicyReader for GitRevision {
    /// Resolve `path` inside the revision's tree, following the symbolic links stored
    /// there. A path that leaves the work tree is returned lexically normalised (so the
    /// compiler reports it as an escape); a missing component is `NotFound`.
    fn canonicalize(&self, path: &Path) -> std::io::Result<PathBuf> {
        let abs = normalize(&self.cwd.join(path));
        let Ok(rel) = abs.strip_prefix(&self.toplevel) else {
            return Ok(abs);
        };
        let mut todo: Vec<OsString> = rel
            .components()
            .rev()
            .map(|c| c.as_os_str().to_os_string())
            .collect();
        let mut done: Vec<OsString> = Vec::new();
        let mut links = 0;
        while let Some(name) = todo.pop() {
            if name == ".." {
                if done.pop().is_none() {
                    // Above the work tree: outside, lexically.
                    let mut out = self.toplevel.join("..");
                    out.extend(todo.iter().rev());
                    return Ok(normalize(&out));
                }
                continue;
            }
            if name == "." || name.is_empty() {
                continue;
            }
            let here = self.toplevel.join(done.iter().collect::<PathBuf>());
            let dir = self.entry(&here)?.filter(Entry::is_tree);
            let Some(dir) = dir else {
                return Err(self.not_found());
            };
            let tree = self.tree(&dir.oid)?;
            let Some(entry) = tree.iter().find(|e| e.name == name) else {
                return Err(self.not_found());
            };
            if !entry.is_symlink() {
                done.push(name);
                continue;
            }
            links += 1;
            if links > MAX_LINKS {
                return Err(std::io::Error::other(
                    "too many levels of symbolic links in the git tree",
                ));
            }
            let target = match self.batch.borrow_mut().get(&entry.oid, 4096)? {
                Some((_, _, t)) => PathBuf::from(OsString::from_vec(t)),
                None => return Err(self.not_found()),
            };
            if target.is_absolute() {
                let target = normalize(&target);
                let Ok(inside) = target.strip_prefix(&self.toplevel) else {
                    let mut out = target;
                    out.extend(todo.iter().rev());
                    return Ok(normalize(&out));
                };
                done.clear();
                todo.extend(
                    inside
                        .components()
                        .rev()
                        .map(|c| c.as_os_str().to_os_string()),
                );
                continue;
            }
            todo.extend(
                target
                    .components()
                    .rev()
                    .map(|c| c.as_os_str().to_os_string()),
            );
        }
        Ok(self.toplevel.join(done.iter().collect::<PathBuf>()))
    }

    fn is_file(&self, real: &Path) -> bool {
        self.entry(real).ok().flatten().is_some_and(|e| e.is_file())
    }

    fn read(
        &self,
        path: &Path,
        display: PathBuf,
        sources: &mut SourceMap,
    ) -> (FileId, Option<Diagnostic>) {
        match self.read_bytes(path, MAX_FILE_BYTES + 1) {
            Ok(bytes) => load::from_bytes(bytes, display, sources),
            Err(e) => {
                let id = sources.add(SourceFile::new(display, String::new()));
                let diag = Diagnostic::new(
                    &UNREADABLE_FILE,
                    Label::new(id, Span::point(0)),
                    format!(
                        "cannot read `{}` at `{}`: {e}",
                        path.display(),
                        self.rev.escape_debug()
                    ),
                );
                (id, Some(diag))
            }
        }
    }
}
