//! The apply lock: one apply at a time per network namespace.

use std::fs::{File, TryLockError};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// Where applies lock by default: one file per network namespace under `/run/tcppolicy`.
pub fn default_path(netns: &str) -> PathBuf {
    let id: String = netns.chars().filter(char::is_ascii_digit).collect();
    PathBuf::from(format!(
        "/run/tcppolicy/netns-{}.lock",
        if id.is_empty() { "unknown" } else { &id }
    ))
}

/// Why the lock could not be taken.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// Another apply held the lock for the whole timeout.
    #[error("another tcppolicy apply holds `{path}`; gave up after {waited:?}")]
    Timeout {
        /// The lock file.
        path: PathBuf,
        /// How long we waited.
        waited: Duration,
    },
    /// The lock file could not be opened.
    #[error("cannot open lock file `{path}`: {source}")]
    Io {
        /// The lock file.
        path: PathBuf,
        /// The error.
        source: std::io::Error,
    },
}

/// An exclusive lock, held until dropped (the kernel releases it if the process dies).
#[derive(Debug)]
pub struct ApplyLock {
    _file: File,
    /// How long it took to get.
    pub waited: Duration,
}

/// Take the exclusive lock at `path`, waiting up to `timeout`.
pub fn acquire(path: &Path, timeout: Duration) -> Result<ApplyLock, LockError> {
    let io = |source| LockError::Io {
        path: path.to_path_buf(),
        source,
    };
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(io)?;
    }
    let file = File::options()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
        .map_err(io)?;
    let start = Instant::now();
    loop {
        match file.try_lock() {
            Ok(()) => {
                return Ok(ApplyLock {
                    _file: file,
                    waited: start.elapsed(),
                });
            }
            Err(TryLockError::WouldBlock) => {
                if start.elapsed() >= timeout {
                    return Err(LockError::Timeout {
                        path: path.to_path_buf(),
                        waited: start.elapsed(),
                    });
                }
                std::thread::sleep(Duration::from_millis(20));
            }
            Err(TryLockError::Error(e)) => return Err(io(e)),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_holder_times_out_until_the_first_releases() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.lock");
        let first = acquire(&path, Duration::from_secs(1)).unwrap();
        let second = acquire(&path, Duration::from_millis(100));
        assert!(matches!(second, Err(LockError::Timeout { .. })));
        drop(first);
        acquire(&path, Duration::from_millis(100)).unwrap();
    }

    #[test]
    fn default_path_is_per_namespace() {
        assert_eq!(
            default_path("net:[4026531840]"),
            PathBuf::from("/run/tcppolicy/netns-4026531840.lock")
        );
    }
}
