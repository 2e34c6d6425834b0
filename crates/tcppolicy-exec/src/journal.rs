//! The apply journal (SPEC §9): before its first write, a live apply records the value
//! of every parameter it is about to change in `/run/tcppolicy/netns-<id>.journal`
//! (written atomically, mode 0600). The journal is removed after a successful apply and
//! after a verified rollback. If it is still there when the next `plan`, `apply` or
//! `recover` runs in that network namespace and no apply holds the lock, an apply was
//! killed (SIGKILL, an OOM kill) half-way: `plan` and `apply` report it, `apply` refuses
//! to run over it, and `recover` writes the recorded values back and verifies them.
//!
//! The journal describes the running kernel, which a reboot resets: it records the boot
//! (`/proc/sys/kernel/random/boot_id`), and a journal of an earlier boot (where `/run`
//! is not a tmpfs) is stale, never recovered from. For the same reason it is not
//! fsynced: the rename makes it atomic, and the page cache keeps it through any crash
//! of the process; only a crash of the machine loses it, and with it the values it was
//! about.

use crate::files::{self, Durability};
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
    /// The kernel's boot id when the apply ran.
    #[serde(default)]
    boot_id: String,
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
        boot_id: boot_id(),
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
    files::write_file(&path, text.as_bytes(), 0o600, Durability::Process)?;
    Ok(path)
}

/// This boot of the kernel (`/proc/sys/kernel/random/boot_id`).
fn boot_id() -> String {
    std::fs::read_to_string("/proc/sys/kernel/random/boot_id")
        .map(|s| s.trim().to_string())
        .unwrap_or_default()
}

/// What [`find`] found.
#[derive(Debug)]
pub enum Found {
    /// No journal.
    None,
    /// An apply of this boot did not finish.
    Interrupted(Interrupted),
    /// A journal of an earlier boot: the reboot reset every value it is about.
    Stale(PathBuf),
}

/// The journal left in this network namespace, if any.
///
/// # Errors
/// When the journal exists but cannot be read or is not a journal.
pub fn find(run_dir: &Path, netns: &str) -> io::Result<Found> {
    let path = path(run_dir, netns);
    let bytes = match files::read_regular(&path, MAX_JOURNAL_BYTES) {
        Ok(b) => b,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(Found::None),
        Err(e) => return Err(e),
    };
    let doc: OnDisk = serde_json::from_slice(&bytes).map_err(|e| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("`{}` is not a tcppolicy journal: {e}", path.display()),
        )
    })?;
    if doc.boot_id != boot_id() {
        return Ok(Found::Stale(path));
    }
    Ok(Found::Interrupted(Interrupted {
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
    files::remove_file(path, Durability::Process)
}
