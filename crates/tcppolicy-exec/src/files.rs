//! Files tcppolicy reads and writes as root (SPEC §9), all through this module.
//!
//! - [`Root`] is a directory (`/`, or the image tree of `--root`) opened once; every path
//!   below it is resolved **by the kernel** with `openat2(2)` and `RESOLVE_IN_ROOT`: `..`
//!   stops at the root and absolute symbolic links are read relative to it, exactly as
//!   the booted target will see them, and no race (a directory swapped for a link while
//!   we work) can lead outside it.
//! - Reads accept regular files only, opened with `O_NONBLOCK` so a FIFO cannot hang us,
//!   and read at most a cap, so `/dev/zero` or a huge file cannot exhaust memory.
//! - Writes are atomic and never go through a symbolic link: a temporary file created
//!   with `O_EXCL` in the target's directory (held open as a descriptor), `fchmod`,
//!   `fsync`, `renameat` over the name, `fsync` of the directory. Missing directories
//!   are created one component at a time below an open descriptor, never by path.
//!
//! **Architecture Invariant:** tcppolicy-exec opens files it was pointed at (targets,
//! sysctl.d trees, saved plans, lock and journal files, `--out`) only through this
//! module. `/proc/sys` is reached through [`crate::sysctl`].

use rustix::fs::{AtFlags, FileType, Mode, OFlags, ResolveFlags};
use serde::Serialize;
use std::ffi::{OsStr, OsString};
use std::fs::File;
use std::io::{self, Read as _, Write as _};
use std::os::fd::OwnedFd;
use std::os::unix::ffi::OsStrExt as _;
use std::path::{Component, Path, PathBuf};

/// Largest drop-in, tasks file or saved plan tcppolicy reads (they are a few KiB; the
/// cap only keeps a hostile or mistaken path from exhausting memory).
pub const MAX_READ_BYTES: u64 = 16 * 1024 * 1024;

/// The mode of a generated file: world-readable like every file under `/etc/sysctl.d`.
pub const FILE_MODE: u32 = 0o644;
/// The mode of directories created on the way.
pub const DIR_MODE: u32 = 0o755;

/// An I/O error on a path: what was attempted, where, and why. Functions of this module
/// return it inside an [`io::Error`] of the original kind, so messages name the path;
/// get it back with `err.get_ref().and_then(|e| e.downcast_ref::<PathError>())`.
#[derive(Debug, thiserror::Error)]
#[error("cannot {op} `{}`: {cause}", path.display())]
pub struct PathError {
    /// What was attempted (`write`, `create directory`, ...).
    pub op: &'static str,
    /// The path, as shown to the user (with `--root` applied).
    pub path: PathBuf,
    /// The underlying error.
    pub cause: io::Error,
}

impl PathError {
    /// A closure wrapping an error with `op` and `path`.
    pub fn wrap(op: &'static str, path: &Path) -> impl FnOnce(io::Error) -> io::Error {
        let path = path.to_path_buf();
        move |cause| {
            let kind = cause.kind();
            io::Error::new(kind, PathError { op, path, cause })
        }
    }
}

fn err(kind: io::ErrorKind, text: impl Into<String>) -> io::Error {
    io::Error::new(kind, text.into())
}

/// What sits at a path, without following a final symbolic link.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Found {
    /// Nothing (or a missing directory on the way).
    Missing,
    /// A regular file and its bytes.
    File(Vec<u8>),
    /// A symbolic link, and what it points to.
    Link(PathBuf),
    /// Something that is neither: a directory, FIFO, device or socket (described).
    Other(&'static str),
}

/// What a write must survive.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Durability {
    /// A crash of the machine: the file and its directory are fsynced (drop-ins, plans,
    /// everything meant to outlive a reboot).
    Reboot,
    /// A crash of the process (SIGKILL, an OOM kill): the rename alone makes it atomic
    /// and the page cache keeps it. For state about the running kernel, which a reboot
    /// resets anyway (the apply journal).
    Process,
}

/// What [`Root::write_atomic`] did.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WriteOutcome {
    /// The file did not exist.
    Created,
    /// The file existed with other bytes (or another mode, or was a link) and was
    /// replaced.
    Updated,
    /// The file already had these bytes and mode; nothing was touched, not even its
    /// modification time.
    Unchanged,
}

/// A directory that paths are resolved in, by the kernel (`RESOLVE_IN_ROOT`).
#[derive(Debug)]
pub struct Root {
    fd: OwnedFd,
    path: PathBuf,
}

/// Describe a file type for messages.
pub(crate) fn describe(t: FileType) -> &'static str {
    match t {
        FileType::RegularFile => "a regular file",
        FileType::Directory => "a directory",
        FileType::Symlink => "a symbolic link",
        FileType::Fifo => "a FIFO",
        FileType::Socket => "a socket",
        FileType::CharacterDevice => "a character device",
        FileType::BlockDevice => "a block device",
        FileType::Unknown => "not a regular file",
    }
}

/// The normal components of a path below a root (`/`, `.` dropped; `..` kept so the
/// kernel clamps it at the root).
fn relative(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::Normal(n) => out.push(n),
            Component::ParentDir => out.push(".."),
            Component::RootDir | Component::CurDir | Component::Prefix(_) => {}
        }
    }
    if out.as_os_str().is_empty() {
        out.push(".");
    }
    out
}

impl Root {
    /// Open `path` as a root. It must exist and be a directory (SPEC §9: `--root` that
    /// does not exist is an error, never created).
    ///
    /// # Errors
    /// When `path` is missing or not a directory; the message names it.
    pub fn open(path: &Path) -> io::Result<Root> {
        let fd = rustix::fs::open(
            path,
            OFlags::PATH | OFlags::DIRECTORY | OFlags::CLOEXEC,
            Mode::empty(),
        )
        .map_err(io::Error::from)
        .map_err(|e| {
            let why = match e.kind() {
                io::ErrorKind::NotFound => "it does not exist".to_string(),
                io::ErrorKind::NotADirectory => "it is not a directory".to_string(),
                _ => e.to_string(),
            };
            err(
                e.kind(),
                format!("cannot use `{}` as the root: {why}", path.display()),
            )
        })?;
        Ok(Root {
            fd,
            path: path.to_path_buf(),
        })
    }

    /// The root of this machine.
    ///
    /// # Errors
    /// Only if `/` cannot be opened.
    pub fn host() -> io::Result<Root> {
        Root::open(Path::new("/"))
    }

    /// The root's own path.
    pub fn path(&self) -> &Path {
        &self.path
    }

    /// Whether this is `/`.
    pub fn is_host(&self) -> bool {
        self.path == Path::new("/")
    }

    /// The root as reports name it: `None` for `/`, the directory of `--root` otherwise.
    pub fn reported(&self) -> Option<PathBuf> {
        (!self.is_host()).then(|| self.path.clone())
    }

    /// Where a target path is on this machine, for messages: the root joined with it.
    pub fn display(&self, path: &Path) -> PathBuf {
        if self.is_host() {
            return Path::new("/").join(relative(path));
        }
        self.path.join(relative(path))
    }

    fn openat2(&self, path: &Path, flags: OFlags) -> io::Result<OwnedFd> {
        let rel = relative(path);
        loop {
            match rustix::fs::openat2(
                &self.fd,
                &rel,
                flags | OFlags::CLOEXEC,
                Mode::empty(),
                ResolveFlags::IN_ROOT | ResolveFlags::NO_MAGICLINKS,
            ) {
                // The kernel asks to retry when a rename raced the lookup.
                Err(rustix::io::Errno::AGAIN) => {}
                Err(rustix::io::Errno::NOSYS) => {
                    return Err(err(
                        io::ErrorKind::Unsupported,
                        "this kernel lacks openat2(2) (Linux 5.6 or newer is needed to \
                         resolve paths safely inside a root)",
                    ));
                }
                other => return other.map_err(io::Error::from),
            }
        }
    }

    /// Read a regular file at `path` (inside the root), following links inside the root
    /// unless `follow` is false, in which case a final link is reported, not followed.
    ///
    /// # Errors
    /// I/O errors other than "not found"; a file over `cap` bytes. Messages name the path.
    pub fn read(&self, path: &Path, follow: bool, cap: u64) -> io::Result<Found> {
        let shown = self.display(path);
        let mut flags = OFlags::RDONLY | OFlags::NONBLOCK;
        if !follow {
            flags |= OFlags::NOFOLLOW;
        }
        let fd = match self.openat2(path, flags) {
            Ok(fd) => fd,
            Err(e) if is_missing(&e) => return Ok(Found::Missing),
            Err(e)
                if !follow && e.raw_os_error() == Some(rustix::io::Errno::LOOP.raw_os_error()) =>
            {
                return self.link_or_loop(path);
            }
            Err(e) => return Err(PathError::wrap("read", &shown)(e)),
        };
        read_fd(fd, &shown, cap)
    }

    /// What is at `path` when `O_NOFOLLOW` refused to open it: a link (and its text), or
    /// a genuine loop further up.
    fn link_or_loop(&self, path: &Path) -> io::Result<Found> {
        let shown = self.display(path);
        let fd = self
            .openat2(path, OFlags::PATH | OFlags::NOFOLLOW)
            .map_err(PathError::wrap("inspect", &shown))?;
        let stat =
            rustix::fs::fstat(&fd).map_err(|e| PathError::wrap("inspect", &shown)(e.into()))?;
        if FileType::from_raw_mode(stat.st_mode) != FileType::Symlink {
            return Ok(Found::Other(describe(FileType::from_raw_mode(
                stat.st_mode,
            ))));
        }
        let target = rustix::fs::readlinkat(&fd, "", Vec::new())
            .map_err(|e| PathError::wrap("read link", &shown)(e.into()))?;
        Ok(Found::Link(PathBuf::from(OsStr::from_bytes(
            target.as_bytes(),
        ))))
    }

    /// Open a directory inside the root (links followed inside the root); `None` when it
    /// does not exist.
    ///
    /// # Errors
    /// I/O errors other than "not found"; the message names the path.
    pub fn open_dir(&self, path: &Path) -> io::Result<Option<OwnedFd>> {
        match self.openat2(path, OFlags::RDONLY | OFlags::DIRECTORY) {
            Ok(fd) => Ok(Some(fd)),
            Err(e) if is_missing(&e) => Ok(None),
            Err(e) => Err(PathError::wrap("open directory", &self.display(path))(e)),
        }
    }

    /// The entry names of a directory inside the root (none when it does not exist), and
    /// its identity (device, inode) to tell two paths to the same directory apart.
    ///
    /// # Errors
    /// I/O errors other than "not found"; the message names the path.
    pub fn list(&self, path: &Path) -> io::Result<Option<(DirId, Vec<OsString>)>> {
        let Some(fd) = self.open_dir(path)? else {
            return Ok(None);
        };
        let shown = self.display(path);
        let wrap = |e: rustix::io::Errno| PathError::wrap("list", &shown)(e.into());
        let stat = rustix::fs::fstat(&fd).map_err(wrap)?;
        let mut names = Vec::new();
        let dir = rustix::fs::Dir::read_from(&fd).map_err(wrap)?;
        for entry in dir {
            let entry = entry.map_err(wrap)?;
            let name = entry.file_name().to_bytes();
            if name != b"." && name != b".." {
                names.push(OsStr::from_bytes(name).to_os_string());
            }
        }
        Ok(Some((DirId(stat.st_dev, stat.st_ino), names)))
    }

    /// The identity of a directory inside the root, if it exists.
    ///
    /// # Errors
    /// As [`Root::open_dir`].
    pub fn dir_id(&self, path: &Path) -> io::Result<Option<DirId>> {
        let Some(fd) = self.open_dir(path)? else {
            return Ok(None);
        };
        let stat = rustix::fs::fstat(&fd)
            .map_err(|e| PathError::wrap("inspect", &self.display(path))(e.into()))?;
        Ok(Some(DirId(stat.st_dev, stat.st_ino)))
    }

    /// Open the directory `dir` (a target path), creating missing components with mode
    /// 0755 one at a time below an open descriptor (`mkdirat`, then `openat` with
    /// `O_NOFOLLOW`, so a link planted in between is refused, not followed).
    ///
    /// # Errors
    /// I/O failures; a component that exists and is not a directory (a dangling link is
    /// refused rather than created through).
    pub fn create_dirs(&self, dir: &Path) -> io::Result<OwnedFd> {
        let rel = relative(dir);
        let comps: Vec<&OsStr> = rel.iter().filter(|c| *c != ".").collect();
        let dir_flags = OFlags::RDONLY | OFlags::DIRECTORY;
        // The longest prefix that exists, resolved by the kernel inside the root.
        let mut existing = comps.len();
        let mut fd = loop {
            let prefix: PathBuf = comps[..existing].iter().collect();
            match self.openat2(&prefix, dir_flags) {
                Ok(fd) => break fd,
                Err(e) if is_missing(&e) && existing > 0 => existing -= 1,
                Err(e) => {
                    return Err(PathError::wrap("open directory", &self.display(&prefix))(e));
                }
            }
        };
        for (i, name) in comps.iter().enumerate().skip(existing) {
            let shown = self.display(&comps[..=i].iter().collect::<PathBuf>());
            let wrap = |op| PathError::wrap(op, &shown);
            if *name == ".." {
                return Err(wrap("create directory")(err(
                    io::ErrorKind::InvalidInput,
                    "`..` below a directory that does not exist",
                )));
            }
            let created = match rustix::fs::mkdirat(&fd, *name, Mode::from_raw_mode(DIR_MODE)) {
                Ok(()) => true,
                Err(rustix::io::Errno::EXIST) => false,
                Err(e) => return Err(wrap("create directory")(e.into())),
            };
            let next = rustix::fs::openat(
                &fd,
                *name,
                dir_flags | OFlags::NOFOLLOW | OFlags::CLOEXEC,
                Mode::empty(),
            )
            .map_err(|e| wrap("open directory")(e.into()))?;
            if created {
                // The umask may have narrowed the mode; make the new entry durable.
                rustix::fs::fchmod(&next, Mode::from_raw_mode(DIR_MODE))
                    .and_then(|()| rustix::fs::fsync(&fd))
                    .map_err(|e| wrap("create directory")(e.into()))?;
            }
            fd = next;
        }
        Ok(fd)
    }

    /// Write `content` to the target path `path` atomically, unless it already has
    /// exactly these bytes and `mode`. Missing directories are created (see
    /// [`Root::create_dirs`]). A link at `path` is replaced, never written through.
    ///
    /// # Errors
    /// Any I/O failure, naming the path; the target is then untouched.
    pub fn write_atomic(&self, path: &Path, content: &[u8], mode: u32) -> io::Result<WriteOutcome> {
        let shown = self.display(path);
        let name = path.file_name().ok_or_else(|| {
            PathError::wrap("write", &shown)(err(io::ErrorKind::InvalidInput, "not a file path"))
        })?;
        let dir = self.create_dirs(path.parent().unwrap_or(Path::new("/")))?;
        write_atomic_at(&dir, name, content, mode, &shown, Durability::Reboot)
    }
}

/// The identity of a directory: (device, inode).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub struct DirId(u64, u64);

fn is_missing(e: &io::Error) -> bool {
    matches!(
        e.kind(),
        io::ErrorKind::NotFound | io::ErrorKind::NotADirectory
    )
}

/// Read an open descriptor if it is a regular file, up to `cap` bytes.
fn read_fd(fd: OwnedFd, shown: &Path, cap: u64) -> io::Result<Found> {
    let stat = rustix::fs::fstat(&fd).map_err(|e| PathError::wrap("read", shown)(e.into()))?;
    let kind = FileType::from_raw_mode(stat.st_mode);
    if kind != FileType::RegularFile {
        return Ok(Found::Other(describe(kind)));
    }
    let mut bytes = Vec::new();
    File::from(fd)
        .take(cap + 1)
        .read_to_end(&mut bytes)
        .map_err(PathError::wrap("read", shown))?;
    if bytes.len() as u64 > cap {
        return Err(PathError::wrap("read", shown)(err(
            io::ErrorKind::InvalidData,
            format!(
                "larger than the {} MiB tcppolicy reads",
                cap / (1024 * 1024)
            ),
        )));
    }
    Ok(Found::File(bytes))
}

/// Read the regular file at `path` (a path on this machine, links followed), at most
/// `cap` bytes. A FIFO, device, directory or socket is an error that says what it is.
///
/// # Errors
/// Missing file, not a regular file, over the cap, I/O; the message names the path.
pub fn read_regular(path: &Path, cap: u64) -> io::Result<Vec<u8>> {
    let fd = rustix::fs::open(
        path,
        OFlags::RDONLY | OFlags::NONBLOCK | OFlags::CLOEXEC,
        Mode::empty(),
    )
    .map_err(|e| PathError::wrap("read", path)(e.into()))?;
    match read_fd(fd, path, cap)? {
        Found::File(bytes) => Ok(bytes),
        Found::Other(what) => Err(PathError::wrap("read", path)(err(
            io::ErrorKind::InvalidInput,
            format!("it is {what}, not a regular file"),
        ))),
        Found::Missing | Found::Link(_) => Err(PathError::wrap("read", path)(
            io::ErrorKind::NotFound.into(),
        )),
    }
}

/// Write `content` to `path` (a path on this machine, for `--out`/`-o`) atomically with
/// `mode`: the directory is opened as given, the file itself is replaced by a rename and
/// never written through a link.
///
/// # Errors
/// Any I/O failure, naming the path; the file is then untouched.
pub fn write_file_atomic(path: &Path, content: &[u8], mode: u32) -> io::Result<WriteOutcome> {
    write_file(path, content, mode, Durability::Reboot)
}

/// [`write_file_atomic`] with the durability the caller needs.
///
/// # Errors
/// As [`write_file_atomic`].
pub fn write_file(
    path: &Path,
    content: &[u8],
    mode: u32,
    durability: Durability,
) -> io::Result<WriteOutcome> {
    let name = path.file_name().ok_or_else(|| {
        PathError::wrap("write", path)(err(io::ErrorKind::InvalidInput, "not a file path"))
    })?;
    let dir = match path.parent().filter(|p| !p.as_os_str().is_empty()) {
        Some(p) => p,
        None => Path::new("."),
    };
    let dirfd = rustix::fs::open(
        dir,
        OFlags::RDONLY | OFlags::DIRECTORY | OFlags::CLOEXEC,
        Mode::empty(),
    )
    .map_err(|e| PathError::wrap("open directory", dir)(e.into()))?;
    write_atomic_at(&dirfd, name, content, mode, path, durability)
}

/// The atomic write itself, relative to an open directory.
fn write_atomic_at(
    dir: &OwnedFd,
    name: &OsStr,
    content: &[u8],
    mode: u32,
    shown: &Path,
    durability: Durability,
) -> io::Result<WriteOutcome> {
    let wrap = |op| PathError::wrap(op, shown);
    // What is there now, without following a link.
    let existing = match rustix::fs::openat(
        dir,
        name,
        OFlags::RDONLY | OFlags::NOFOLLOW | OFlags::NONBLOCK | OFlags::CLOEXEC,
        Mode::empty(),
    ) {
        Ok(fd) => {
            let stat = rustix::fs::fstat(&fd).map_err(|e| wrap("inspect")(e.into()))?;
            let kind = FileType::from_raw_mode(stat.st_mode);
            if kind == FileType::Directory {
                return Err(wrap("write")(err(
                    io::ErrorKind::IsADirectory,
                    "it is a directory",
                )));
            }
            if kind == FileType::RegularFile
                && stat.st_mode & 0o7777 == mode
                && stat.st_size as u64 == content.len() as u64
            {
                let mut bytes = Vec::new();
                File::from(fd)
                    .take(content.len() as u64 + 1)
                    .read_to_end(&mut bytes)
                    .map_err(wrap("read"))?;
                if bytes == content {
                    return Ok(WriteOutcome::Unchanged);
                }
            }
            true
        }
        Err(rustix::io::Errno::NOENT) => false,
        // A link (ELOOP with O_NOFOLLOW) or a FIFO we may not open: it is replaced.
        Err(_) => true,
    };
    let tmp = temp_name(name);
    let file = rustix::fs::openat(
        dir,
        &tmp,
        OFlags::WRONLY | OFlags::CREATE | OFlags::EXCL | OFlags::NOFOLLOW | OFlags::CLOEXEC,
        Mode::from_raw_mode(mode),
    )
    .map_err(|e| wrap("write")(e.into()))?;
    let result = (|| -> io::Result<()> {
        rustix::fs::fchmod(&file, Mode::from_raw_mode(mode))?;
        let mut f = File::from(file);
        f.write_all(content)?;
        if durability == Durability::Reboot {
            f.sync_all()?;
        }
        drop(f);
        rustix::fs::renameat(dir, &tmp, dir, name)?;
        if durability == Durability::Reboot {
            rustix::fs::fsync(dir)?;
        }
        Ok(())
    })();
    if let Err(e) = result {
        let _ = rustix::fs::unlinkat(dir, &tmp, AtFlags::empty());
        return Err(wrap("write")(e));
    }
    Ok(if existing {
        WriteOutcome::Updated
    } else {
        WriteOutcome::Created
    })
}

/// A temporary name next to `name`: hidden, and never a `*.conf` name, so that neither
/// systemd-sysctl nor `sysctl --system` would apply a leftover.
fn temp_name(name: &OsStr) -> OsString {
    use std::sync::atomic::{AtomicU32, Ordering};
    static COUNTER: AtomicU32 = AtomicU32::new(0);
    let nanos = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(0, |d| d.subsec_nanos());
    let mut tmp = OsString::from(".");
    tmp.push(name);
    tmp.push(format!(
        ".tcppolicy-{}-{}-{nanos:08x}.tmp",
        std::process::id(),
        COUNTER.fetch_add(1, Ordering::Relaxed)
    ));
    tmp
}

/// Remove `path` (a path on this machine) if it exists; with [`Durability::Reboot`],
/// fsync its directory.
///
/// # Errors
/// I/O errors other than "not found", naming the path.
pub fn remove_file(path: &Path, durability: Durability) -> io::Result<()> {
    match std::fs::remove_file(path) {
        Ok(()) => {}
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(PathError::wrap("remove", path)(e)),
    }
    if durability == Durability::Reboot
        && let Some(dir) = path.parent()
    {
        File::open(dir)
            .and_then(|d| d.sync_all())
            .map_err(PathError::wrap("sync directory", dir))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::{MetadataExt as _, PermissionsExt as _, symlink};

    fn mode(p: &Path) -> u32 {
        std::fs::metadata(p).unwrap().mode() & 0o7777
    }

    #[test]
    fn links_resolve_inside_the_root_and_never_leave_it() {
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret"), "secret\n").unwrap();
        let t = tempfile::tempdir().unwrap();
        let root = t.path();
        std::fs::create_dir_all(root.join("etc/sysctl.d")).unwrap();
        std::fs::write(root.join("etc/sysctl.conf"), "x = 1\n").unwrap();
        symlink("../sysctl.conf", root.join("etc/sysctl.d/99-sysctl.conf")).unwrap();
        symlink("/etc/sysctl.conf", root.join("etc/sysctl.d/abs.conf")).unwrap();
        symlink(
            outside.path().join("secret"),
            root.join("etc/sysctl.d/escape.conf"),
        )
        .unwrap();
        symlink(
            "../../../../../../../../../../".to_string()
                + &outside.path().join("secret").display().to_string(),
            root.join("etc/sysctl.d/climb.conf"),
        )
        .unwrap();
        let r = Root::open(root).unwrap();
        let read = |p: &str| r.read(Path::new(p), true, 1024).unwrap();
        assert_eq!(
            read("/etc/sysctl.d/99-sysctl.conf"),
            Found::File(b"x = 1\n".to_vec())
        );
        assert_eq!(
            read("/etc/sysctl.d/abs.conf"),
            Found::File(b"x = 1\n".to_vec())
        );
        assert_eq!(
            read("/etc/sysctl.d/escape.conf"),
            Found::Missing,
            "absolute link read in the root"
        );
        assert_eq!(
            read("/etc/sysctl.d/climb.conf"),
            Found::Missing,
            "`..` clamped at the root"
        );
        assert_eq!(read("/nonexistent/x"), Found::Missing);
        assert_eq!(
            r.read(Path::new("/etc/sysctl.d/abs.conf"), false, 1024)
                .unwrap(),
            Found::Link(PathBuf::from("/etc/sysctl.conf"))
        );
    }

    #[test]
    fn fifos_devices_and_huge_files_are_refused_without_hanging() {
        let t = tempfile::tempdir().unwrap();
        rustix::fs::mkfifoat(
            rustix::fs::CWD,
            t.path().join("fifo"),
            Mode::from_raw_mode(0o644),
        )
        .unwrap();
        symlink("/dev/zero", t.path().join("zero")).unwrap();
        std::fs::write(t.path().join("big"), vec![b'x'; 2048]).unwrap();
        let r = Root::host().unwrap();
        let p = |n: &str| t.path().join(n);
        assert_eq!(
            r.read(&p("fifo"), true, 1024).unwrap(),
            Found::Other("a FIFO")
        );
        assert_eq!(
            r.read(&p("zero"), true, 1024).unwrap(),
            Found::Other("a character device")
        );
        assert!(
            r.read(&p("big"), true, 1024)
                .unwrap_err()
                .to_string()
                .contains("larger")
        );
        let e = read_regular(&p("fifo"), 1024).unwrap_err().to_string();
        assert!(e.contains("FIFO") && e.contains("fifo"), "{e}");
        let e = read_regular(Path::new("/dev/zero"), 1024)
            .unwrap_err()
            .to_string();
        assert!(e.contains("character device"), "{e}");
    }

    #[test]
    fn a_missing_root_is_an_error_not_created() {
        let t = tempfile::tempdir().unwrap();
        let e = Root::open(&t.path().join("nope")).unwrap_err().to_string();
        assert!(e.contains("does not exist"), "{e}");
        assert!(!t.path().join("nope").exists());
    }

    #[test]
    fn write_created_unchanged_updated_and_links_replaced() {
        let t = tempfile::tempdir().unwrap();
        let r = Root::open(t.path()).unwrap();
        let p = Path::new("/etc/sysctl.d/90-x.conf");
        assert_eq!(
            r.write_atomic(p, b"a = 1\n", FILE_MODE).unwrap(),
            WriteOutcome::Created
        );
        let host = t.path().join("etc/sysctl.d/90-x.conf");
        let before = std::fs::metadata(&host).unwrap();
        assert_eq!(
            r.write_atomic(p, b"a = 1\n", FILE_MODE).unwrap(),
            WriteOutcome::Unchanged
        );
        assert_eq!(std::fs::metadata(&host).unwrap().ino(), before.ino());
        assert_eq!(
            r.write_atomic(p, b"a = 2\n", FILE_MODE).unwrap(),
            WriteOutcome::Updated
        );
        assert_eq!(mode(&host), 0o644);
        assert_eq!(mode(&t.path().join("etc")), 0o755);
        std::fs::set_permissions(&host, std::fs::Permissions::from_mode(0o600)).unwrap();
        assert_eq!(
            r.write_atomic(p, b"a = 2\n", FILE_MODE).unwrap(),
            WriteOutcome::Updated
        );
        assert_eq!(mode(&host), 0o644);
        // A link at the target is replaced, not written through.
        let victim = t.path().join("victim");
        std::fs::write(&victim, "keep\n").unwrap();
        std::fs::remove_file(&host).unwrap();
        symlink(&victim, &host).unwrap();
        assert_eq!(
            r.write_atomic(p, b"a = 3\n", FILE_MODE).unwrap(),
            WriteOutcome::Updated
        );
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep\n");
        assert!(std::fs::symlink_metadata(&host).unwrap().is_file());
        let names: Vec<_> = std::fs::read_dir(t.path().join("etc/sysctl.d"))
            .unwrap()
            .collect();
        assert_eq!(names.len(), 1, "no temporary file left");
    }

    #[test]
    fn a_directory_swapped_for_a_link_cannot_lead_outside_the_root() {
        let outside = tempfile::tempdir().unwrap();
        let t = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(t.path().join("etc")).unwrap();
        let r = Root::open(t.path()).unwrap();
        let p = Path::new("/etc/sysctl.d/90-x.conf");
        for link in [
            outside.path().display().to_string(),
            format!("../../../../../../../..{}", outside.path().display()),
        ] {
            let _ = std::fs::remove_file(t.path().join("etc/sysctl.d"));
            symlink(&link, t.path().join("etc/sysctl.d")).unwrap();
            // The link is read inside the root, where it leads nowhere: refused.
            assert!(r.write_atomic(p, b"a = 1\n", FILE_MODE).is_err(), "{link}");
            assert_eq!(
                std::fs::read_dir(outside.path()).unwrap().count(),
                0,
                "{link}"
            );
        }
        // Where the link's target exists inside the root, the write lands there.
        let inside = t.path().join(outside.path().strip_prefix("/").unwrap());
        std::fs::create_dir_all(&inside).unwrap();
        r.write_atomic(p, b"a = 1\n", FILE_MODE).unwrap();
        assert!(inside.join("90-x.conf").is_file());
        assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 0);
    }

    #[test]
    fn write_file_atomic_replaces_a_planted_link() {
        let t = tempfile::tempdir().unwrap();
        let victim = t.path().join("victim");
        std::fs::write(&victim, "keep\n").unwrap();
        let out = t.path().join("plan.json");
        symlink(&victim, &out).unwrap();
        write_file_atomic(&out, b"{}\n", FILE_MODE).unwrap();
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep\n");
        assert_eq!(std::fs::read_to_string(&out).unwrap(), "{}\n");
    }
}
