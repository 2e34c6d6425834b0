//! Observing a drop-in for the plan: what the file at the target path says for each
//! parameter. The diff itself is `tcppolicy_core::plan::diff(policy, &ctx, |p| observe(..))`.

use super::parse::{Assignment, parse};
use super::root::resolve;
use super::write::PathError;
use std::io;
use std::path::Path;
use tcppolicy_core::catalog::Param;
use tcppolicy_core::plan::Observed;

/// Read and parse the drop-in at `path` (a target path) under `root`, following links
/// inside the root. `Ok(None)` when there is no such file.
///
/// # Errors
/// When the file exists but cannot be read; the message names the path.
pub fn load(root: &Path, path: &Path) -> io::Result<Option<Vec<Assignment>>> {
    let r = resolve(root, path)?;
    if r.is_dev_null() {
        return Ok(Some(Vec::new()));
    }
    match std::fs::read(&r.host) {
        Ok(bytes) => Ok(Some(parse(&String::from_utf8_lossy(&bytes)))),
        Err(e)
            if matches!(
                e.kind(),
                io::ErrorKind::NotFound | io::ErrorKind::NotADirectory
            ) =>
        {
            Ok(None)
        }
        Err(e) => Err(PathError::wrap("read", &r.host)(e)),
    }
}

/// What parsed drop-in assignments say for `param`: the last assignment of its key
/// (a later one wins, as with both tools) as written, or `Unset`.
pub fn observed(assignments: &[Assignment], param: &Param) -> Observed {
    assignments
        .iter()
        .rev()
        .find(|a| a.key == param.name)
        .map_or(Observed::Unset, |a| Observed::Value(a.value.clone()))
}

/// What the drop-in at `path` under `root` says for `param`: `Observed::Value` with the
/// text as written when the key is there (the plan normalises it), `Observed::Unset`
/// when the key or the file is missing.
///
/// A file that exists but cannot be read also counts as `Unset` (the plan then shows the
/// key as to be added, and the write reports the real error); use [`load`] and
/// [`observed`] to see that error, and to read the file once for a whole policy.
pub fn observe(root: &Path, path: &Path, param: &Param) -> Observed {
    match load(root, path) {
        Ok(Some(a)) => observed(&a, param),
        Ok(None) | Err(_) => Observed::Unset,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tcppolicy_core::catalog::lookup;

    #[test]
    fn observe_reads_the_drop_in_under_the_root() {
        let t = tempfile::tempdir().unwrap();
        let root = t.path();
        let path = Path::new("/etc/sysctl.d/90-tcppolicy-x.conf");
        let sack = lookup("net.ipv4.tcp_sack").unwrap();
        let rmem = lookup("net.ipv4.tcp_rmem").unwrap();
        assert_eq!(observe(root, path, sack), Observed::Unset, "no file");
        std::fs::create_dir_all(root.join("etc/sysctl.d")).unwrap();
        std::fs::write(
            root.join("etc/sysctl.d/90-tcppolicy-x.conf"),
            "# net.ipv4.tcp_sack = 0\nnet/ipv4/tcp_rmem =\t4096 131072\t6291456 \n\
             net.ipv4.tcp_rmem = 4096 131072 6291457\n",
        )
        .unwrap();
        assert_eq!(observe(root, path, sack), Observed::Unset, "comment only");
        assert_eq!(
            observe(root, path, rmem),
            Observed::Value("4096 131072 6291457".into()),
            "the last assignment wins"
        );
    }
}
