//! Writing a drop-in: only when its content changes, atomically, mode 0644.

use atomic_write_file::AtomicWriteFile;
use atomic_write_file::unix::OpenOptionsExt as _;
use serde::Serialize;
use std::fs::{DirBuilder, File, Permissions};
use std::io::{self, Write as _};
use std::os::unix::fs::PermissionsExt as _;
use std::os::unix::fs::{DirBuilderExt as _, MetadataExt as _, OpenOptionsExt as _};
use std::path::{Path, PathBuf};

/// The mode of a drop-in: world-readable like every file under `/etc/sysctl.d`.
pub const FILE_MODE: u32 = 0o644;
/// The mode of directories created on the way.
pub const DIR_MODE: u32 = 0o755;

/// What [`write_atomic`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WriteOutcome {
    /// The file did not exist.
    Created,
    /// The file existed with other bytes (or another mode, or was not a regular file)
    /// and was replaced.
    Updated,
    /// The file already had these bytes and mode 0644; nothing was touched (not even its
    /// modification time).
    Unchanged,
}

/// An I/O error on a path: what was attempted, where, and why.
///
/// Every function of the `sysctld` module that touches the file system ([`write_atomic`],
/// `analyse`, `load`, `target_path`) returns it inside an [`io::Error`] that keeps the
/// original [`io::ErrorKind`], so the message names the path (``cannot write
/// `/etc/sysctl.d/x.conf`: Permission denied (os error 13)``). Get it back with
/// `err.get_ref().and_then(|e| e.downcast_ref::<PathError>())`.
#[derive(Debug, thiserror::Error)]
#[error("cannot {op} `{}`: {cause}", path.display())]
pub struct PathError {
    /// What was attempted (`write`, `create directory`, ...).
    pub op: &'static str,
    /// The path, as given (with `--root` already applied).
    pub path: PathBuf,
    /// The underlying error.
    pub cause: io::Error,
}

impl PathError {
    pub(crate) fn wrap(op: &'static str, path: &Path) -> impl FnOnce(io::Error) -> io::Error {
        let path = path.to_path_buf();
        move |cause| {
            let kind = cause.kind();
            io::Error::new(kind, PathError { op, path, cause })
        }
    }
}

/// Write `content` to `path` (a path on this machine: apply `--root` first, e.g. with
/// [`target_path`](super::root::target_path)) if it differs from what is there.
///
/// - Same bytes in a regular file with mode 0644: nothing is written → `Unchanged`.
/// - Otherwise a temporary file is created in the same directory, written, set to mode
///   0644 with `fchmod` (so the umask cannot narrow it), fsynced, renamed over `path`,
///   and the directory is fsynced (the `atomic-write-file` crate does the temp file,
///   fsync, rename and directory fsync; we turn off its copying of the old file's mode
///   and owner). A link at `path` is replaced, not written through.
/// - Missing parent directories are created with mode 0755 (set explicitly, whatever the
///   umask), and their parents fsynced.
///
/// # Errors
/// Any I/O failure, as an [`io::Error`] of the original kind wrapping a [`PathError`]
/// that names the path.
pub fn write_atomic(path: &Path, content: &str) -> io::Result<WriteOutcome> {
    let existing = match std::fs::symlink_metadata(path) {
        Ok(meta) => Some(meta),
        Err(e) if e.kind() == io::ErrorKind::NotFound => None,
        Err(e) => return Err(PathError::wrap("inspect", path)(e)),
    };
    if let Some(meta) = &existing
        && meta.is_file()
        && meta.mode() & 0o7777 == FILE_MODE
        && meta.len() == content.len() as u64
    {
        let bytes = std::fs::read(path).map_err(PathError::wrap("read", path))?;
        if bytes == content.as_bytes() {
            return Ok(WriteOutcome::Unchanged);
        }
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        create_dirs(dir)?;
    }
    let wrap = || PathError::wrap("write", path);
    let mut file = AtomicWriteFile::options()
        .preserve_mode(false)
        .preserve_owner(false)
        .mode(FILE_MODE)
        .open(path)
        .map_err(wrap())?;
    file.as_file()
        .set_permissions(Permissions::from_mode(FILE_MODE))
        .map_err(wrap())?;
    file.write_all(content.as_bytes()).map_err(wrap())?;
    file.commit().map_err(wrap())?;
    Ok(if existing.is_some() {
        WriteOutcome::Updated
    } else {
        WriteOutcome::Created
    })
}

/// Create `dir` and missing ancestors with mode 0755, fsyncing each new entry's parent.
fn create_dirs(dir: &Path) -> io::Result<()> {
    let mut missing = Vec::new();
    let mut cur = dir;
    loop {
        match std::fs::metadata(cur) {
            Ok(m) if m.is_dir() => break,
            Ok(_) => {
                return Err(PathError::wrap("create directory", cur)(io::Error::from(
                    io::ErrorKind::NotADirectory,
                )));
            }
            Err(e) if e.kind() == io::ErrorKind::NotFound => {
                missing.push(cur);
                match cur.parent().filter(|p| !p.as_os_str().is_empty()) {
                    Some(p) => cur = p,
                    None => break,
                }
            }
            Err(e) => return Err(PathError::wrap("inspect", cur)(e)),
        }
    }
    for d in missing.into_iter().rev() {
        let wrap = || PathError::wrap("create directory", d);
        match DirBuilder::new().mode(DIR_MODE).create(d) {
            Ok(()) => {
                std::fs::set_permissions(d, Permissions::from_mode(DIR_MODE)).map_err(wrap())?;
                if let Some(parent) = d.parent().filter(|p| !p.as_os_str().is_empty()) {
                    sync_dir(parent)?;
                }
            }
            // Created concurrently: leave its mode to whoever made it.
            Err(e) if e.kind() == io::ErrorKind::AlreadyExists && d.is_dir() => {}
            Err(e) => return Err(wrap()(e)),
        }
    }
    Ok(())
}

fn sync_dir(dir: &Path) -> io::Result<()> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(PathError::wrap("sync directory", dir))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::{Duration, SystemTime};

    fn mode(p: &Path) -> u32 {
        std::fs::metadata(p).unwrap().mode() & 0o7777
    }

    #[test]
    fn created_then_unchanged_with_mtime_untouched_then_updated() {
        let t = tempfile::tempdir().unwrap();
        let path = t.path().join("etc/sysctl.d/90-tcppolicy-x.conf");
        assert_eq!(
            write_atomic(&path, "a = 1\n").unwrap(),
            WriteOutcome::Created
        );
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "a = 1\n");
        // Push the mtime into the past so an accidental rewrite would be visible.
        let past = SystemTime::now() - Duration::from_secs(3600);
        File::options()
            .write(true)
            .open(&path)
            .unwrap()
            .set_modified(past)
            .unwrap();
        let before = std::fs::metadata(&path).unwrap();
        assert_eq!(
            write_atomic(&path, "a = 1\n").unwrap(),
            WriteOutcome::Unchanged
        );
        let after = std::fs::metadata(&path).unwrap();
        assert_eq!(before.modified().unwrap(), after.modified().unwrap());
        assert_eq!(before.ino(), after.ino(), "the file was not replaced");
        assert_eq!(
            write_atomic(&path, "a = 2\n").unwrap(),
            WriteOutcome::Updated
        );
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "a = 2\n");
        assert_eq!(mode(&path), 0o644);
        let leftovers: Vec<_> = std::fs::read_dir(path.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(leftovers.len(), 1, "no temporary file left: {leftovers:?}");
    }

    #[test]
    fn wrong_mode_or_a_link_is_replaced() {
        let t = tempfile::tempdir().unwrap();
        let path = t.path().join("x.conf");
        std::fs::write(&path, "a = 1\n").unwrap();
        std::fs::set_permissions(&path, Permissions::from_mode(0o600)).unwrap();
        assert_eq!(
            write_atomic(&path, "a = 1\n").unwrap(),
            WriteOutcome::Updated
        );
        assert_eq!(mode(&path), 0o644);

        let elsewhere = t.path().join("elsewhere");
        std::fs::write(&elsewhere, "a = 1\n").unwrap();
        let link = t.path().join("link.conf");
        std::os::unix::fs::symlink(&elsewhere, &link).unwrap();
        assert_eq!(
            write_atomic(&link, "a = 1\n").unwrap(),
            WriteOutcome::Updated
        );
        assert!(std::fs::symlink_metadata(&link).unwrap().is_file());
    }

    #[test]
    fn errors_name_the_path() {
        let t = tempfile::tempdir().unwrap();
        let blocker = t.path().join("file");
        std::fs::write(&blocker, "").unwrap();
        let path = blocker.join("sysctl.d/x.conf");
        let err = write_atomic(&path, "a = 1\n").unwrap_err();
        let msg = err.to_string();
        assert!(msg.contains(&blocker.display().to_string()), "{msg}");
        let inner = err.get_ref().and_then(|e| e.downcast_ref::<PathError>());
        assert!(inner.is_some(), "{err:?}");
    }

    /// The umask is process-wide, so this runs in a child process: the test binary
    /// re-executes itself with only this test selected and an environment flag.
    #[test]
    fn mode_is_0644_and_dirs_0755_even_with_umask_077() {
        const FLAG: &str = "TCPPOLICY_UMASK_CHILD";
        if let Some(dir) = std::env::var_os(FLAG) {
            rustix::process::umask(rustix::fs::Mode::from_raw_mode(0o077));
            let dir = PathBuf::from(dir);
            let path = dir.join("new/sysctl.d/x.conf");
            assert_eq!(
                write_atomic(&path, "a = 1\n").unwrap(),
                WriteOutcome::Created
            );
            assert_eq!(
                write_atomic(&path, "a = 2\n").unwrap(),
                WriteOutcome::Updated
            );
            return;
        }
        let t = tempfile::tempdir().unwrap();
        let out = std::process::Command::new(std::env::current_exe().unwrap())
            .args([
                "--exact",
                "sysctld::write::tests::mode_is_0644_and_dirs_0755_even_with_umask_077",
                "--test-threads=1",
            ])
            .env(FLAG, t.path())
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "child test failed:\n{}{}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        let path = t.path().join("new/sysctl.d/x.conf");
        assert_eq!(std::fs::read_to_string(&path).unwrap(), "a = 2\n");
        assert_eq!(mode(&path), 0o644);
        assert_eq!(mode(&t.path().join("new")), 0o755);
        assert_eq!(mode(&t.path().join("new/sysctl.d")), 0o755);
    }
}
