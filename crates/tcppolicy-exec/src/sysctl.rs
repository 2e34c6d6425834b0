//! Reading and writing kernel parameters, behind a small trait so tests can inject faults.

use std::io;
use tcppolicy_core::catalog::Param;

/// Why a read or write failed.
#[derive(Debug, thiserror::Error)]
pub enum SysctlError {
    /// The parameter does not exist here (kernel version, namespace).
    #[error("`{0}` does not exist here")]
    Absent(&'static str),
    /// Permission denied (not root, or read-only in this namespace).
    #[error("permission denied writing `{name}`: {hint}")]
    PermissionDenied {
        /// Parameter.
        name: &'static str,
        /// What to do about it.
        hint: &'static str,
    },
    /// `/proc/sys` is mounted read-only.
    #[error(
        "`{0}`: /proc/sys is mounted read-only (inside a container without a writable /proc/sys?)"
    )]
    ReadOnlyFs(&'static str),
    /// The kernel refused the value (EINVAL, EPERM, ENOENT for names...).
    #[error("the kernel rejected `{name} = {value}`: {source}")]
    Rejected {
        /// Parameter.
        name: &'static str,
        /// Value written.
        value: String,
        /// The errno.
        source: io::Error,
    },
    /// Any other I/O error.
    #[error("`{name}`: {source}")]
    Io {
        /// Parameter.
        name: &'static str,
        /// The error.
        source: io::Error,
    },
}

/// Access to kernel parameters in the caller's network namespace.
pub trait Sysctl {
    /// Read the current value (trimmed), or `None` when the parameter does not exist.
    fn read(&self, param: &'static Param) -> Result<Option<String>, SysctlError>;
    /// Write a value and return what the parameter reads back right after (the `sysctl`
    /// crate reads every value back after writing it; the executor compares that read-back
    /// with what it wrote).
    fn write(&self, param: &'static Param, value: &str) -> Result<String, SysctlError>;
    /// Check, without changing anything, that the parameter can be written.
    fn check_writable(&self, param: &'static Param) -> Result<(), SysctlError>;
    /// Whether the parameter exists but is read-only for everyone in this network
    /// namespace (no write permission bit: a global parameter seen from a child
    /// namespace), as opposed to merely not writable by this user.
    fn read_only(&self, param: &'static Param) -> bool {
        let _ = param;
        false
    }
}

/// The running kernel's `/proc/sys`.
///
/// Each parameter's file is opened once and the descriptor kept for the whole run:
/// reading, writing and reading back are `pread`/`pwrite` at offset 0 on it. A
/// `/proc/sys` handler formats and parses the whole value at every call, so this is
/// exactly what opening the file for each access does, with a fifth of the system calls.
/// Files are opened with `rustix` (one `open`; musl's `open` adds an `fcntl` for
/// `O_CLOEXEC`), and a value shorter than the buffer is read with one `pread`.
#[derive(Debug, Default)]
pub struct LiveSysctl {
    files: std::cell::RefCell<std::collections::HashMap<&'static str, Handle>>,
}

#[derive(Debug)]
struct Handle {
    file: std::fs::File,
    writable: bool,
    /// No write bit in the file's mode: read-only for everyone here.
    read_only: bool,
}

impl LiveSysctl {
    /// A fresh handle cache.
    pub fn new() -> Self {
        Self::default()
    }

    /// Run `f` on the parameter's open file, opening it (read-write if possible) first.
    fn with_file<T>(
        &self,
        param: &'static Param,
        want_write: bool,
        f: impl FnOnce(&Handle) -> io::Result<T>,
    ) -> Result<Option<io::Result<T>>, io::Error> {
        let mut files = self.files.borrow_mut();
        let reopen = files
            .get(param.name)
            .is_none_or(|h| want_write && !h.writable);
        if reopen {
            let path = param.proc_path();
            let open = |flags: rustix::fs::OFlags| {
                rustix::fs::open(
                    &path,
                    flags | rustix::fs::OFlags::CLOEXEC,
                    rustix::fs::Mode::empty(),
                )
                .map(std::fs::File::from)
                .map_err(io::Error::from)
            };
            // A file that opens for writing has a write bit, so it is not read-only
            // for everyone; only a file that does not is inspected.
            let handle = match open(rustix::fs::OFlags::RDWR) {
                Ok(file) => Handle {
                    file,
                    writable: true,
                    read_only: false,
                },
                Err(e) if want_write => return Err(e),
                Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
                Err(_) => match open(rustix::fs::OFlags::RDONLY) {
                    Ok(file) => {
                        let read_only = file.metadata().is_ok_and(|m| {
                            std::os::unix::fs::PermissionsExt::mode(&m.permissions()) & 0o222 == 0
                        });
                        Handle {
                            file,
                            writable: false,
                            read_only,
                        }
                    }
                    Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(None),
                    Err(e) => return Err(e),
                },
            };
            files.insert(param.name, handle);
        }
        Ok(files.get(param.name).map(f))
    }
}

fn pread_all(file: &std::fs::File) -> io::Result<String> {
    use std::os::unix::fs::FileExt;
    let mut buf = vec![0u8; 256];
    let mut len = 0;
    loop {
        let want = buf.len() - len;
        let n = file.read_at(&mut buf[len..], len as u64)?;
        len += n;
        // A sysctl handler formats the whole value at every read, so a read that does
        // not fill the buffer has returned all of it.
        if n < want {
            break;
        }
        buf.resize(buf.len() * 2, 0);
    }
    buf.truncate(len);
    Ok(String::from_utf8_lossy(&buf).trim().to_string())
}

fn classify(param: &'static Param, value: Option<&str>, e: io::Error) -> SysctlError {
    match (e.kind(), e.raw_os_error()) {
        (io::ErrorKind::NotFound, _) if value.is_none() => SysctlError::Absent(param.name),
        (_, Some(libc_erofs)) if libc_erofs == rustix::io::Errno::ROFS.raw_os_error() => {
            SysctlError::ReadOnlyFs(param.name)
        }
        (io::ErrorKind::PermissionDenied, _) if value.is_none() => SysctlError::PermissionDenied {
            name: param.name,
            hint: if rustix::process::geteuid().is_root() {
                "the parameter is read-only in this network namespace"
            } else {
                "run as root (or with CAP_NET_ADMIN over this network namespace)"
            },
        },
        _ => match value {
            Some(v) => SysctlError::Rejected {
                name: param.name,
                value: v.to_string(),
                source: e,
            },
            None => SysctlError::Io {
                name: param.name,
                source: e,
            },
        },
    }
}

impl Sysctl for LiveSysctl {
    fn read(&self, param: &'static Param) -> Result<Option<String>, SysctlError> {
        match self.with_file(param, false, |h| pread_all(&h.file)) {
            Ok(None) => Ok(None),
            Ok(Some(Ok(v))) => Ok(Some(v)),
            Ok(Some(Err(e))) | Err(e) => Err(classify(param, None, e)),
        }
    }

    fn write(&self, param: &'static Param, value: &str) -> Result<String, SysctlError> {
        use std::os::unix::fs::FileExt;
        let written = self.with_file(param, true, |h| h.file.write_all_at(value.as_bytes(), 0));
        match written {
            Ok(Some(Ok(()))) => {}
            Ok(None) => return Err(SysctlError::Absent(param.name)),
            Ok(Some(Err(e))) => return Err(classify(param, Some(value), e)),
            Err(e) => return Err(classify(param, None, e)),
        }
        match self.with_file(param, true, |h| pread_all(&h.file)) {
            Ok(Some(Ok(v))) => Ok(v),
            Ok(None) => Err(SysctlError::Absent(param.name)),
            Ok(Some(Err(e))) | Err(e) => Err(SysctlError::Io {
                name: param.name,
                source: e,
            }),
        }
    }

    fn read_only(&self, param: &'static Param) -> bool {
        matches!(
            self.with_file(param, false, |h| Ok(h.read_only)),
            Ok(Some(Ok(true)))
        )
    }

    fn check_writable(&self, param: &'static Param) -> Result<(), SysctlError> {
        match self.with_file(param, true, |_| Ok(())) {
            Ok(Some(_)) => Ok(()),
            Ok(None) => Err(SysctlError::Absent(param.name)),
            Err(e) => Err(classify(param, None, e)),
        }
    }
}
