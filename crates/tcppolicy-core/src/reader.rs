//! Where the compiler reads policy files from: the disk, or (outside this crate) another
//! source such as a git revision (`tcppolicy diff --git`).
//!
//! The compiler's checks of `extends` (relative paths only, no escape from the top-level
//! policy's directory, cycles, not-found) work on the canonical paths a reader returns, so
//! they hold for every reader alike.

use crate::diagnostic::Diagnostic;
use crate::load;
use crate::source::{FileId, SourceMap};
use std::path::{Component, Path, PathBuf};

/// Reads policy files and resolves the paths `extends` names.
///
/// Canonical paths are absolute, free of `.`, `..` and symbolic links, and identify a
/// file: the compiler compares them for cycles and diamonds and checks that they stay
/// inside the top-level policy's directory.
pub trait PolicyReader {
    /// The canonical path of `path` (relative paths are relative to the current
    /// directory). An error when it does not exist.
    fn canonicalize(&self, path: &Path) -> std::io::Result<PathBuf>;

    /// Whether the canonical path `real` names a file (not a directory).
    fn is_file(&self, real: &Path) -> bool;

    /// Read the policy at `path` into `sources` under the name `display`, with the size
    /// and encoding checks of [`load::from_bytes`]. Returns the file id and, on failure,
    /// the diagnostic.
    fn read(
        &self,
        path: &Path,
        display: PathBuf,
        sources: &mut SourceMap,
    ) -> (FileId, Option<Diagnostic>);
}

/// Policy files on the local file system.
#[derive(Clone, Copy, Debug, Default)]
pub struct Disk;

impl PolicyReader for Disk {
    fn canonicalize(&self, path: &Path) -> std::io::Result<PathBuf> {
        std::fs::canonicalize(path)
    }

    fn is_file(&self, real: &Path) -> bool {
        real.is_file()
    }

    fn read(
        &self,
        path: &Path,
        display: PathBuf,
        sources: &mut SourceMap,
    ) -> (FileId, Option<Diagnostic>) {
        load::read_file(path, display, sources)
    }
}

/// Lexically normalise `a/./b/../c` to `a/c`: leading `..` of a relative path stay,
/// `/..` is `/`.
pub fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => match out.components().next_back() {
                Some(Component::Normal(_)) => {
                    out.pop();
                }
                // `/..` is `/`; `../..` stays.
                Some(Component::RootDir | Component::Prefix(_)) => {}
                _ => out.push(".."),
            },
            other => out.push(other),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::normalize;
    use std::path::Path;

    #[test]
    fn normalizes_lexically() {
        let n = |p: &str| normalize(Path::new(p)).display().to_string();
        assert_eq!(n("a/./b/../c"), "a/c");
        assert_eq!(n("../../x"), "../../x");
        assert_eq!(n("a/../../x"), "../x");
        assert_eq!(n("/a/../../x"), "/x");
        assert_eq!(n("/r/p/./base.yaml"), "/r/p/base.yaml");
    }
}
