//! The apply lock: one apply at a time per network namespace (SPEC §5, §9).
//!
//! Two locks are taken, both released by the kernel when the process dies:
//!
//! 1. **A listening abstract Unix socket** named `tcppolicy-apply-lock`, bound in the
//!    target network namespace. Abstract socket names belong to the network namespace,
//!    not to a file system, so every process in the namespace sees the same lock whatever
//!    `/run` it has (the containers of a pod share a namespace, not `/run`). A waiting
//!    process connects to it and learns the holder's pid and uid (`SO_PEERCRED`). Any
//!    user may bind an abstract name, so a holder that is not root is not a tcppolicy
//!    apply: it is reported and ignored rather than waited for (the file lock below still
//!    serialises root's applies).
//! 2. **A `flock` on a file** in a directory only root can write (`/run/tcppolicy`, mode
//!    0700; the file mode 0600), opened with `O_NOFOLLOW | O_NONBLOCK` and checked to be
//!    a regular file owned by us, so a planted symbolic link or FIFO is refused instead
//!    of followed or blocked on. The holder writes its pid into it.

use rustix::fs::{FileType, FlockOperation, Mode, OFlags};
use rustix::net::{AddressFamily, SocketAddrUnix, SocketFlags, SocketType};
use std::io::{Read as _, Seek as _, Write as _};
use std::os::fd::OwnedFd;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// The directory of locks and journals.
pub const RUN_DIR: &str = "/run/tcppolicy";

/// The abstract socket name (without the leading NUL).
const SOCKET_NAME: &[u8] = b"tcppolicy-apply-lock";

/// The lock file of a network namespace (`net:[4026531840]`) in `run_dir` by default.
pub fn default_path(run_dir: &Path, netns: &str) -> PathBuf {
    run_dir.join(format!("netns-{}.lock", netns_key(netns)))
}

/// The digits of a namespace id (`net:[4026531840]` → `4026531840`).
pub fn netns_key(netns: &str) -> String {
    let id: String = netns.chars().filter(char::is_ascii_digit).collect();
    if id.is_empty() { "unknown".into() } else { id }
}

/// Why the lock could not be taken.
#[derive(Debug, thiserror::Error)]
pub enum LockError {
    /// Another apply held the lock for the whole timeout.
    #[error("another tcppolicy apply{} holds the apply lock of this network namespace ({what}); gave up after {waited:?}", holder.map(|p| format!(" (pid {p})")).unwrap_or_default())]
    Timeout {
        /// Which lock.
        what: String,
        /// The holder's pid, when it can be known.
        holder: Option<u32>,
        /// How long we waited.
        waited: Duration,
    },
    /// A signal arrived while waiting.
    #[error("interrupted by {0} while waiting for the apply lock")]
    Interrupted(&'static str),
    /// The lock file or its directory is unsafe or cannot be used.
    #[error("cannot use the lock file `{}`: {why}", path.display())]
    Unsafe {
        /// The lock file.
        path: PathBuf,
        /// Why.
        why: String,
    },
    /// Another system error.
    #[error("cannot take the apply lock: {0}")]
    Io(#[from] std::io::Error),
}

/// Both locks, held until dropped.
#[derive(Debug)]
pub struct ApplyLock {
    _socket: Option<OwnedFd>,
    _file: std::fs::File,
    /// How long it took to get.
    pub waited: Duration,
    /// Things to tell the user (a non-root process squatting the socket name).
    pub warnings: Vec<String>,
}

/// Take both locks for the calling thread's network namespace, waiting up to `timeout`.
/// `interrupted` is polled while waiting (a signal ends the wait).
///
/// # Errors
/// See [`LockError`].
pub fn acquire(
    run_dir: &Path,
    path: &Path,
    timeout: Duration,
    interrupted: &dyn Fn() -> Option<&'static str>,
) -> Result<ApplyLock, LockError> {
    let start = Instant::now();
    let mut warnings = Vec::new();
    // Who holds the socket, learned once (each probe connection waits in the holder's
    // accept queue until it exits, so probing on every poll would fill that queue).
    let mut holder: Option<Holder> = None;
    let socket = loop {
        if let Some(fd) = try_bind()? {
            break Some(fd);
        }
        let h = *holder.get_or_insert_with(probe);
        if let Some(uid) = h.uid.filter(|uid| *uid != 0) {
            warnings.push(format!(
                "the apply lock socket `@{}` is held by pid {} of uid {uid}, which is not \
                 root and so not a tcppolicy apply: ignored",
                String::from_utf8_lossy(SOCKET_NAME),
                h.pid.unwrap_or(0)
            ));
            break None;
        }
        wait(start, timeout, interrupted, "socket", h.pid)?;
    };
    ensure_run_dir(run_dir)?;
    let file = open_lock_file(path)?;
    loop {
        match rustix::fs::flock(&file, FlockOperation::NonBlockingLockExclusive) {
            Ok(()) => break,
            Err(rustix::io::Errno::WOULDBLOCK) => {
                let holder = read_pid(&file);
                wait(
                    start,
                    timeout,
                    interrupted,
                    &path.display().to_string(),
                    holder,
                )?;
            }
            Err(e) => return Err(LockError::Io(e.into())),
        }
    }
    write_pid_line(&file, std::process::id());
    Ok(ApplyLock {
        _socket: socket,
        _file: file,
        waited: start.elapsed(),
        warnings,
    })
}

/// Whether another process holds the lock of this namespace right now (for `plan`,
/// which does not take it): its pid when known.
pub fn holder(path: &Path) -> Option<u32> {
    if let Ok(None) = try_bind() {
        let h = probe();
        if h.uid.is_none_or(|uid| uid == 0) {
            return Some(h.pid.unwrap_or(0));
        }
    }
    let file = std::fs::File::open(path).ok()?;
    match rustix::fs::flock(&file, FlockOperation::NonBlockingLockShared) {
        Err(rustix::io::Errno::WOULDBLOCK) => read_pid(&file).or(Some(0)),
        _ => None,
    }
}

fn wait(
    start: Instant,
    timeout: Duration,
    interrupted: &dyn Fn() -> Option<&'static str>,
    what: &str,
    holder: Option<u32>,
) -> Result<(), LockError> {
    if let Some(sig) = interrupted() {
        return Err(LockError::Interrupted(sig));
    }
    if start.elapsed() >= timeout {
        return Err(LockError::Timeout {
            what: what.to_string(),
            holder,
            waited: start.elapsed(),
        });
    }
    std::thread::sleep(Duration::from_millis(20));
    Ok(())
}

/// The process bound to the lock socket, as far as `SO_PEERCRED` tells.
#[derive(Clone, Copy, Debug)]
struct Holder {
    pid: Option<u32>,
    uid: Option<u32>,
}

fn socket() -> std::io::Result<OwnedFd> {
    Ok(rustix::net::socket_with(
        AddressFamily::UNIX,
        SocketType::STREAM,
        SocketFlags::CLOEXEC | SocketFlags::NONBLOCK,
        None,
    )?)
}

/// Bind and listen on the abstract name: the socket, or `None` when someone holds it.
fn try_bind() -> std::io::Result<Option<OwnedFd>> {
    let addr = SocketAddrUnix::new_abstract_name(SOCKET_NAME)?;
    let fd = socket()?;
    match rustix::net::bind(&fd, &addr) {
        Ok(()) => {
            rustix::net::listen(&fd, 64)?;
            Ok(Some(fd))
        }
        Err(rustix::io::Errno::ADDRINUSE) => Ok(None),
        Err(e) => Err(e.into()),
    }
}

/// Learn who holds the socket: connect (without blocking) and ask for its credentials.
fn probe() -> Holder {
    let unknown = Holder {
        pid: None,
        uid: None,
    };
    let Ok(addr) = SocketAddrUnix::new_abstract_name(SOCKET_NAME) else {
        return unknown;
    };
    let Ok(fd) = socket() else { return unknown };
    if rustix::net::connect(&fd, &addr).is_err() {
        return unknown; // not listening (yet), or its queue is full
    }
    match rustix::net::sockopt::socket_peercred(&fd) {
        Ok(cred) => Holder {
            pid: Some(cred.pid.as_raw_nonzero().get().unsigned_abs()),
            uid: Some(cred.uid.as_raw()),
        },
        Err(_) => unknown,
    }
}

/// Create the run directory (mode 0700) if it is missing, and check it is a directory of
/// ours that nobody else can write.
///
/// # Errors
/// When it cannot be created or is not safe.
pub fn ensure_run_dir(dir: &Path) -> Result<(), LockError> {
    let fail = |why: String| LockError::Unsafe {
        path: dir.to_path_buf(),
        why,
    };
    match rustix::fs::mkdir(dir, Mode::from_raw_mode(0o700)) {
        Ok(()) | Err(rustix::io::Errno::EXIST) => {}
        Err(rustix::io::Errno::NOENT) => {
            if let Some(parent) = dir.parent() {
                std::fs::create_dir_all(parent)
                    .map_err(|e| fail(format!("cannot create it: {e}")))?;
            }
            match rustix::fs::mkdir(dir, Mode::from_raw_mode(0o700)) {
                Ok(()) | Err(rustix::io::Errno::EXIST) => {}
                Err(e) => return Err(fail(format!("cannot create it: {e}"))),
            }
        }
        Err(e) => return Err(fail(format!("cannot create it: {e}"))),
    }
    check_private_dir(dir).map_err(fail)
}

/// A directory nobody but us can write: not a link, ours, no group or other write bit.
fn check_private_dir(dir: &Path) -> Result<(), String> {
    let st =
        rustix::fs::lstat(dir).map_err(|e| format!("cannot inspect `{}`: {e}", dir.display()))?;
    if FileType::from_raw_mode(st.st_mode) != FileType::Directory {
        return Err(format!("`{}` is not a directory", dir.display()));
    }
    if st.st_mode & 0o022 != 0 {
        return Err(format!(
            "`{}` is writable by other users (mode {:o}): anyone could replace the lock",
            dir.display(),
            st.st_mode & 0o7777
        ));
    }
    let euid = rustix::process::geteuid().as_raw();
    if st.st_uid != euid {
        return Err(format!(
            "`{}` belongs to uid {}, not to us",
            dir.display(),
            st.st_uid
        ));
    }
    Ok(())
}

/// Open (creating) the lock file safely: in a directory only we can write, a regular
/// file of ours, never through a link, never blocking on a FIFO.
fn open_lock_file(path: &Path) -> Result<std::fs::File, LockError> {
    let unsafe_ = |why: String| LockError::Unsafe {
        path: path.to_path_buf(),
        why,
    };
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        check_private_dir(dir).map_err(|why| unsafe_(format!("its directory: {why}")))?;
    }
    let fd = rustix::fs::open(
        path,
        OFlags::RDWR | OFlags::CREATE | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::CLOEXEC,
        Mode::from_raw_mode(0o600),
    )
    .map_err(|e| match e {
        rustix::io::Errno::LOOP => unsafe_("it is a symbolic link".into()),
        rustix::io::Errno::NXIO => unsafe_("it is a FIFO without a reader".into()),
        e => unsafe_(std::io::Error::from(e).to_string()),
    })?;
    let st = rustix::fs::fstat(&fd).map_err(|e| LockError::Io(e.into()))?;
    let kind = FileType::from_raw_mode(st.st_mode);
    if kind != FileType::RegularFile {
        return Err(unsafe_(format!(
            "it is {}, not a regular file",
            crate::files::describe(kind)
        )));
    }
    let euid = rustix::process::geteuid().as_raw();
    if st.st_uid != euid {
        return Err(unsafe_(format!(
            "it belongs to uid {}, not to us",
            st.st_uid
        )));
    }
    if st.st_mode & 0o077 != 0 {
        rustix::fs::fchmod(&fd, Mode::from_raw_mode(0o600)).map_err(|e| LockError::Io(e.into()))?;
    }
    Ok(std::fs::File::from(fd))
}

/// Leave `pid` and a newline as the lock file's whole content, best effort. One write of
/// the whole line (`writeln!` makes one per piece); `write`, not `pwrite`: the signal
/// tests count `pwrite64` calls as parameter writes. The file is shortened only when an
/// earlier holder's line was longer: truncating a file on a disk file system
/// (`--lock-file`) costs a journal transaction, a third of a millisecond, on every apply.
fn write_pid_line(file: &std::fs::File, pid: u32) {
    let line = format!("{pid}\n");
    let mut f = file;
    let _ = f.rewind();
    let _ = f.write_all(line.as_bytes());
    let len = line.len() as u64;
    if f.metadata().is_ok_and(|m| m.len() > len) {
        let _ = f.set_len(len);
    }
}

fn read_pid(file: &std::fs::File) -> Option<u32> {
    let mut text = String::new();
    let mut f = file;
    f.rewind().ok()?;
    f.take(32).read_to_string(&mut text).ok()?;
    text.trim().parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::PermissionsExt as _;

    fn never() -> Option<&'static str> {
        None
    }

    #[test]
    fn default_path_is_per_namespace() {
        assert_eq!(
            default_path(Path::new(RUN_DIR), "net:[4026531840]"),
            Path::new("/run/tcppolicy/netns-4026531840.lock")
        );
    }

    #[test]
    fn planted_links_fifos_and_open_directories_are_refused() {
        let t = tempfile::tempdir().unwrap();
        let dir = t.path();
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700)).unwrap();
        let victim = dir.join("victim");
        std::fs::write(&victim, "keep").unwrap();
        std::os::unix::fs::symlink(&victim, dir.join("link.lock")).unwrap();
        let e = open_lock_file(&dir.join("link.lock"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("symbolic link"), "{e}");
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep");
        rustix::fs::mkfifoat(
            rustix::fs::CWD,
            dir.join("fifo.lock"),
            Mode::from_raw_mode(0o600),
        )
        .unwrap();
        let e = open_lock_file(&dir.join("fifo.lock"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("FIFO"), "{e}");
        let open = dir.join("open");
        std::fs::create_dir(&open).unwrap();
        std::fs::set_permissions(&open, std::fs::Permissions::from_mode(0o1777)).unwrap();
        let e = open_lock_file(&open.join("x.lock"))
            .unwrap_err()
            .to_string();
        assert!(e.contains("writable by other users"), "{e}");
        let f = open_lock_file(&dir.join("ok.lock")).unwrap();
        assert_eq!(f.metadata().unwrap().permissions().mode() & 0o777, 0o600);
    }

    #[test]
    fn the_pid_line_replaces_a_longer_or_shorter_one() {
        let t = tempfile::tempdir().unwrap();
        let path = t.path().join("x.lock");
        for (before, pid) in [("4194303\n", 42), ("7\n", 123_456), ("", 99), ("99\n", 98)] {
            std::fs::write(&path, before).unwrap();
            let file = std::fs::OpenOptions::new()
                .read(true)
                .write(true)
                .open(&path)
                .unwrap();
            write_pid_line(&file, pid);
            assert_eq!(std::fs::read_to_string(&path).unwrap(), format!("{pid}\n"));
            assert_eq!(read_pid(&file), Some(pid));
        }
    }

    #[test]
    fn the_file_lock_times_out_naming_the_holder() {
        let t = tempfile::tempdir().unwrap();
        std::fs::set_permissions(t.path(), std::fs::Permissions::from_mode(0o700)).unwrap();
        let path = t.path().join("x.lock");
        let file = open_lock_file(&path).unwrap();
        rustix::fs::flock(&file, FlockOperation::NonBlockingLockExclusive).unwrap();
        let mut f = &file;
        writeln!(f, "4242").unwrap();
        // The socket lock is per network namespace and may be taken by a concurrent test
        // in this one; what matters here is the file lock's answer.
        let second = open_lock_file(&path).unwrap();
        assert_eq!(read_pid(&second), Some(4242));
        assert!(matches!(
            rustix::fs::flock(&second, FlockOperation::NonBlockingLockExclusive),
            Err(rustix::io::Errno::WOULDBLOCK)
        ));
        let _ = never;
    }
}
