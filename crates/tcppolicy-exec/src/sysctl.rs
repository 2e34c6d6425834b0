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
}

/// The running kernel's `/proc/sys`, through the `sysctl` crate.
#[derive(Debug, Default, Clone, Copy)]
pub struct LiveSysctl;

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

fn from_crate(param: &'static Param, value: Option<&str>, e: sysctl::SysctlError) -> SysctlError {
    match e {
        sysctl::SysctlError::NotFound(_) => SysctlError::Absent(param.name),
        sysctl::SysctlError::IoError(io) => classify(param, value, io),
        other => SysctlError::Io {
            name: param.name,
            source: io::Error::other(other.to_string()),
        },
    }
}

impl Sysctl for LiveSysctl {
    fn read(&self, param: &'static Param) -> Result<Option<String>, SysctlError> {
        use sysctl::Sysctl as _;
        // `Ctl::new` only opens the file to see that it exists.
        let ctl = match sysctl::Ctl::new(param.name) {
            Ok(ctl) => ctl,
            Err(sysctl::SysctlError::NotFound(_)) => {
                return if std::path::Path::new(&param.proc_path()).exists() {
                    Err(SysctlError::PermissionDenied {
                        name: param.name,
                        hint: "run as root to read it",
                    })
                } else {
                    Ok(None)
                };
            }
            Err(e) => return Err(from_crate(param, None, e)),
        };
        match ctl.value_string() {
            Ok(v) => Ok(Some(v.trim().to_string())),
            Err(e) => Err(from_crate(param, None, e)),
        }
    }

    fn write(&self, param: &'static Param, value: &str) -> Result<String, SysctlError> {
        use sysctl::Sysctl as _;
        let ctl = sysctl::Ctl::new(param.name).map_err(|e| from_crate(param, None, e))?;
        ctl.set_value_string(value)
            .map(|read_back| read_back.trim().to_string())
            .map_err(|e| from_crate(param, Some(value), e))
    }

    fn check_writable(&self, param: &'static Param) -> Result<(), SysctlError> {
        // Opening for writing changes nothing; the kernel checks permissions at open.
        std::fs::OpenOptions::new()
            .write(true)
            .open(param.proc_path())
            .map(drop)
            .map_err(|e| classify(param, None, e))
    }
}
