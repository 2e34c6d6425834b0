//! The apply journal (SPEC §9): before its first write, a live apply records the value
//! of every parameter it is about to change in `/run/tcppolicy/netns-<id>.journal`
//! (written atomically, fsynced, mode 0600). The journal is removed after a successful
//! apply and after a verified rollback. If it is still there when the next `plan`,
//! `apply` or `recover` runs in that network namespace and no apply holds the lock, an
//! apply was killed (SIGKILL, a power cut, an OOM kill) half-way: `plan` and `apply`
//! report it, `apply` refuses to run over it, and `recover` writes the recorded values
//! back and verifies them.

use crate::files;
use crate::lock;
use crate::report::{Interrupted, JournalEntry};
use serde::{Deserialize, Serialize};
use std::io;
use std::path::{Path, PathBuf};

/// Largest journal read back (it lists at most every catalog parameter).
const MAX_JOURNAL_BYTES: u64 = 4 * 1024 * 1024;

/// The journal file of a network namespace (`net:[4026531840]`) in `run_dir`.
pub fn path(run_dir: &Path, netns: &str) -> PathBuf {
    run_dir.join(format!("netns-{}.journal", lock::netns_key(netns)))
}

/// What is written to disk.
#[derive(Debug, Serialize, Deserialize)]
struct OnDisk {
    format_version: u32,
    pid: u32,
    started: u64,
    policy: String,
    netns: String,
    kernel_release: String,
    entries: Vec<JournalEntry>,
}

/// Record the values before an apply. Written atomically (temporary file, fsync, rename,
/// directory fsync) with mode 0600 in the root-only run directory.
///
/// # Errors
/// When the journal cannot be written; the apply must then not write anything.
pub fn record(
    run_dir: &Path,
    netns: &str,
    kernel_release: &str,
    policy: &str,
    entries: Vec<JournalEntry>,
) -> io::Result<PathBuf> {
    let path = path(run_dir, netns);
    let doc = OnDisk {
        format_version: crate::report::FORMAT_VERSION,
        pid: std::process::id(),
        started: std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map_or(0, |d| d.as_secs()),
        policy: policy.to_string(),
        netns: netns.to_string(),
        kernel_release: kernel_release.to_string(),
        entries,
    };
    let text = serde_json::to_string_pretty(&doc).map_err(io::Error::other)? + "\n";
    files::write_file_atomic(&path, text.as_bytes(), 0o600)?;
    Ok(path)
}

/// The journal left in this network namespace, if any.
///
/// # Errors
/// When the journal exists but cannot be read or is not a journal.
pub fn find(run_dir: &Path, netns: &str) -> io::Result<Option<Interrupted>> {
    let path = path(run_dir, netns);
    let bytes = match files::read_regular(&path, MAX_JOURNAL_BYTES) {
        Ok(b) => b,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
        Err(e) => return Err(e),
    };
    let doc: OnDisk = serde_json::from_slice(&bytes).map_err(|e| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("`{}` is not a tcppolicy journal: {e}", path.display()),
        )
    })?;
    Ok(Some(Interrupted {
        journal: path,
        pid: doc.pid,
        started: doc.started,
        policy: doc.policy,
        entries: doc.entries,
    }))
}

/// Remove the journal after success or a verified rollback.
///
/// # Errors
/// When it cannot be removed.
pub fn remove(path: &Path) -> io::Result<()> {
    files::remove_file(path)
}
