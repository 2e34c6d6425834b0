//! Paths on a target system seen through `--root`.
//!
//! An image build runs tcppolicy with `--root /build/rootfs`: `/etc/sysctl.d/x.conf` on
//! the target is `/build/rootfs/etc/sysctl.d/x.conf` here, and a symbolic link in the tree
//! (`/etc/sysctl.d/99-sysctl.conf -> ../sysctl.conf`, or an absolute `/usr/lib/...`) means
//! what it will mean on the booted target. `resolve` therefore follows links itself,
//! component by component, reading absolute targets relative to the root and clamping `..`
//! at it, so a link can never lead outside the root.

use super::write::PathError;
use std::ffi::OsString;
use std::io;
use std::path::{Component, Path, PathBuf};

/// Symbolic links followed before giving up, as Linux does (`ELOOP` after 40).
const MAX_LINKS: usize = 40;

/// A target path with every symbolic link resolved inside the root.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Resolved {
    /// The path as the target sees it, absolute, without links, `.` or `..`.
    pub logical: PathBuf,
    /// Where that is here: the root joined with `logical`.
    pub host: PathBuf,
}

impl Resolved {
    /// Whether the path leads to `/dev/null` (how sysctl.d(5) masks a vendor file).
    pub fn is_dev_null(&self) -> bool {
        self.logical == Path::new("/dev/null")
    }
}

/// The host path of `path` (absolute or relative to `/` of the target) under `root`,
/// without following any link.
pub fn host_path(root: &Path, path: &Path) -> PathBuf {
    let mut out = root.to_path_buf();
    for c in path.components() {
        if let Component::Normal(name) = c {
            out.push(name);
        }
    }
    out
}

/// Where to write the target file `path` under `root`: its directory resolved inside the
/// root (links followed as the target would, never leaving the root), joined with its
/// file name. The file name itself is not followed: writing replaces a link rather than
/// writing through it.
///
/// # Errors
/// When `path` has no file name, or a link loop in its directory.
pub fn target_path(root: &Path, path: &Path) -> io::Result<PathBuf> {
    let name = path.file_name().ok_or_else(|| {
        io::Error::new(
            io::ErrorKind::InvalidInput,
            format!("not a file path: `{}`", path.display()),
        )
    })?;
    let dir = resolve(root, path.parent().unwrap_or(Path::new("/")))?;
    Ok(dir.host.join(name))
}

/// Resolve `path` (a target path) inside `root`, following symbolic links as the target
/// would but never leaving `root`. Components that do not exist are kept as written.
///
/// # Errors
/// A link loop (more than 40 links), or an I/O error other than "not found" while
/// inspecting a component; messages name the path.
pub(crate) fn resolve(root: &Path, path: &Path) -> io::Result<Resolved> {
    // Pending components, last to visit first.
    let mut pending: Vec<OsString> = components(path);
    pending.reverse();
    let mut logical = PathBuf::from("/");
    let mut links = 0;
    let mut missing = false;
    while let Some(name) = pending.pop() {
        if name == ".." {
            logical.pop();
            continue;
        }
        let candidate = logical.join(&name);
        if missing {
            logical = candidate;
            continue;
        }
        let host = host_path(root, &candidate);
        match std::fs::symlink_metadata(&host) {
            Ok(meta) if meta.file_type().is_symlink() => {
                links += 1;
                if links > MAX_LINKS {
                    return Err(io::Error::other(format!(
                        "too many levels of symbolic links resolving `{}` under `{}`",
                        path.display(),
                        root.display()
                    )));
                }
                let target = std::fs::read_link(&host)
                    .map_err(|e| PathError::wrap("read link", &host)(e))?;
                if target.is_absolute() {
                    logical = PathBuf::from("/");
                }
                let mut more = components(&target);
                more.reverse();
                pending.extend(more);
            }
            Ok(_) => logical = candidate,
            Err(e)
                if matches!(
                    e.kind(),
                    io::ErrorKind::NotFound | io::ErrorKind::NotADirectory
                ) =>
            {
                missing = true;
                logical = candidate;
            }
            Err(e) => {
                return Err(PathError::wrap("inspect", &host)(e));
            }
        }
    }
    let host = host_path(root, &logical);
    Ok(Resolved { logical, host })
}

/// The normal and `..` components of a path (`/` and `.` dropped).
fn components(path: &Path) -> Vec<OsString> {
    path.components()
        .filter_map(|c| match c {
            Component::Normal(n) => Some(n.to_os_string()),
            Component::ParentDir => Some(OsString::from("..")),
            Component::RootDir | Component::CurDir | Component::Prefix(_) => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    #[test]
    fn links_resolve_inside_the_root_and_never_leave_it() {
        let t = tempfile::tempdir().unwrap();
        let root = t.path();
        std::fs::create_dir_all(root.join("etc/sysctl.d")).unwrap();
        std::fs::create_dir_all(root.join("usr/lib/sysctl.d")).unwrap();
        std::fs::write(root.join("etc/sysctl.conf"), "x = 1\n").unwrap();
        symlink("../sysctl.conf", root.join("etc/sysctl.d/99-sysctl.conf")).unwrap();
        symlink("/etc/sysctl.conf", root.join("etc/sysctl.d/abs.conf")).unwrap();
        symlink(
            "../../../../../../etc/passwd",
            root.join("etc/sysctl.d/escape.conf"),
        )
        .unwrap();
        symlink("usr/lib", root.join("lib")).unwrap();
        symlink("/dev/null", root.join("etc/sysctl.d/masked.conf")).unwrap();
        symlink("loop.conf", root.join("etc/sysctl.d/loop.conf")).unwrap();

        let r = resolve(root, Path::new("/etc/sysctl.d/99-sysctl.conf")).unwrap();
        assert_eq!(r.logical, Path::new("/etc/sysctl.conf"));
        assert_eq!(r.host, root.join("etc/sysctl.conf"));
        let r = resolve(root, Path::new("/etc/sysctl.d/abs.conf")).unwrap();
        assert_eq!(r.host, root.join("etc/sysctl.conf"));
        let r = resolve(root, Path::new("/etc/sysctl.d/escape.conf")).unwrap();
        assert_eq!(r.logical, Path::new("/etc/passwd"));
        assert_eq!(
            r.host,
            root.join("etc/passwd"),
            "`..` is clamped at the root"
        );
        let r = resolve(root, Path::new("/lib/sysctl.d")).unwrap();
        assert_eq!(r.logical, Path::new("/usr/lib/sysctl.d"));
        assert!(
            resolve(root, Path::new("/etc/sysctl.d/masked.conf"))
                .unwrap()
                .is_dev_null()
        );
        let err = resolve(root, Path::new("/etc/sysctl.d/loop.conf")).unwrap_err();
        assert!(err.to_string().contains("loop.conf"), "{err}");
        let r = resolve(root, Path::new("/run/sysctl.d/x.conf")).unwrap();
        assert_eq!(r.host, root.join("run/sysctl.d/x.conf"));
    }

    #[test]
    fn target_path_follows_the_directory_but_not_the_file() {
        let t = tempfile::tempdir().unwrap();
        let root = t.path();
        std::fs::create_dir_all(root.join("data/sysctl.d")).unwrap();
        std::fs::create_dir_all(root.join("etc")).unwrap();
        symlink("/data/sysctl.d", root.join("etc/sysctl.d")).unwrap();
        symlink("/elsewhere", root.join("data/sysctl.d/90-x.conf")).unwrap();
        assert_eq!(
            target_path(root, Path::new("/etc/sysctl.d/90-x.conf")).unwrap(),
            root.join("data/sysctl.d/90-x.conf")
        );
        assert_eq!(
            target_path(Path::new("/"), Path::new("/etc/sysctl.d/90-x.conf")).unwrap(),
            Path::new("/etc/sysctl.d/90-x.conf")
        );
    }
}
