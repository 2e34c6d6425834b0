//! Shadowing: for each key, which files in the sysctl.d search path set it and which one
//! wins at boot.
//!
//! Two sets of rules apply a sysctl.d tree, and they differ:
//!
//! - **systemd-sysctl** (sysctl.d(5), systemd 252): `*.conf` in `/etc/sysctl.d`,
//!   `/run/sysctl.d`, `/usr/local/lib/sysctl.d`, `/usr/lib/sysctl.d` (and `/lib/sysctl.d`
//!   on split-`/usr` builds, modelled here as "when it is not the same directory as
//!   `/usr/lib/sysctl.d`"), highest precedence first. A file masks same-named files in
//!   lower directories; a link to `/dev/null` (or any empty file) masks without setting
//!   anything. Names starting with `.` are ignored. Any other entry named `*.conf` takes
//!   its name even when it cannot be read: a dangling link masks silently, a directory
//!   masks with an error (measured with systemd 252). The remaining files are applied in
//!   lexicographic order of file name, whatever their directory; a later assignment wins. `/etc/sysctl.conf` is not read (Debian links it in as
//!   `/etc/sysctl.d/99-sysctl.conf`, which then counts as any other drop-in).
//! - **`sysctl --system`** (procps-ng 4, `man sysctl`, SYSTEM FILE PRECEDENCE): the same
//!   directories plus `/lib/sysctl.d`; the first entry of a name wins it (every entry
//!   ending in `.conf`, hidden or not, even one that cannot be read); all files are applied
//!   in lexicographic order of file name, then `/etc/sysctl.conf` last if it is a regular
//!   file.
//!
//! Both were checked against the real tools on fixture trees (`tests/suites/sysctld.rs`).
//! Keys compare after [`normalize_key`]; glob keys
//! (`net.ipv4.conf.*.rp_filter`) are compared literally, so a glob never matches a key here.

use super::parse::{Assignment, normalize_key, parse_as};
use crate::files::{Found, MAX_READ_BYTES, Root};
use serde::Serialize;
use std::collections::HashSet;
use std::ffi::OsString;
use std::io;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

/// Which tool's rules apply a sysctl.d tree.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Rules {
    /// systemd-sysctl at boot (`systemd-sysctl.service`).
    Systemd,
    /// procps `sysctl --system` (sysvinit, some container images, many runbooks).
    Procps,
}

/// One assignment of a key in one file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Setter {
    /// The file as seen on the target (`/etc/sysctl.d/99-x.conf`), not prefixed by the
    /// root; for a link, the link's own path.
    pub file: PathBuf,
    /// 1-based line.
    pub line: usize,
    /// The value as written (trimmed).
    pub value: String,
    /// Why the kernel refuses this value when the tool writes it at boot
    /// (`value::kernel_takes`); `None` when it takes it. A refused write leaves the
    /// value of the assignment before it in force.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub rejected: Option<String>,
}

/// Who sets one key, and who wins at boot.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct KeyShadow {
    /// The key, normalised to dots.
    pub key: String,
    /// Every assignment of the key in a file that systemd-sysctl applies, in systemd
    /// application order, followed by those in files only `sysctl --system` applies
    /// (`/etc/sysctl.conf`, hidden files, ...) in its order. Masked files are not listed.
    pub setters: Vec<Setter>,
    /// The assignment in force after systemd-sysctl.
    pub systemd_winner: Option<Setter>,
    /// The assignment in force after `sysctl --system`.
    pub procps_winner: Option<Setter>,
    /// Our drop-in sets the key and wins under systemd-sysctl.
    pub ours_wins_systemd: bool,
    /// Our drop-in sets the key and wins under `sysctl --system`.
    pub ours_wins_procps: bool,
    /// The assignment in force after systemd-sysctl: the winner if the kernel takes its
    /// value, else none. systemd-sysctl keeps only the last assignment of each key and
    /// writes it once (measured with systemd 252): when the kernel refuses it, the key
    /// keeps the value it had at boot, not an earlier file's.
    pub systemd_effective: Option<Setter>,
    /// The assignment in force after `sysctl --system`: the last one the kernel takes.
    /// procps writes every assignment in order, so a refused one leaves the one before it
    /// in force.
    pub procps_effective: Option<Setter>,
    /// Our setting holds at boot under systemd-sysctl: our drop-in is in force, or the
    /// value in force is ours (the same value, or one that meets our `at_least` or
    /// `at_most`). Set by [`judge`]; false until then.
    pub in_effect_systemd: bool,
    /// Our setting holds after `sysctl --system`, likewise.
    pub in_effect_procps: bool,
}

/// The sysctl.d directories, highest precedence first.
pub const SEARCH_PATH: [&str; 5] = [
    "/etc/sysctl.d",
    "/run/sysctl.d",
    "/usr/local/lib/sysctl.d",
    "/usr/lib/sysctl.d",
    "/lib/sysctl.d",
];

/// The file `sysctl --system` applies last.
pub const SYSCTL_CONF: &str = "/etc/sysctl.conf";

/// One file a tool applies, with the assignments it reads there.
#[derive(Debug)]
struct Applied {
    /// Path on the target.
    file: PathBuf,
    /// Whether this is our drop-in.
    ours: bool,
    assignments: Vec<Assignment>,
}

/// The shadowing analysis of a set of keys.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize)]
pub struct Analysis {
    /// One entry per key, in the order asked.
    pub keys: Vec<KeyShadow>,
    /// Files skipped because they cannot be read (a link loop, no permission), as
    /// systemd-sysctl skips them with a warning.
    pub warnings: Vec<String>,
}

/// Analyse, inside `root` (`/` normally, the image tree with `--root`), which file sets
/// each of `keys` and which one wins at boot under both rule sets.
///
/// `ours` is our drop-in's target path (`/etc/sysctl.d/90-tcppolicy-web.conf`);
/// `our_content` the text we would write there (`None`: what is on disk). A drop-in
/// outside the search path, or not named `*.conf`, is never applied and never wins.
///
/// # Errors
/// I/O errors listing a search directory; the message names the path. A file that
/// cannot be read is not an error: it is skipped with a warning, as systemd-sysctl does.
pub fn analyse(
    root: &Root,
    ours: &Path,
    our_content: Option<&str>,
    keys: &[&str],
) -> io::Result<Analysis> {
    let dir_path = ours.parent().map(Path::to_path_buf);
    let ours = Ours {
        dir: match &dir_path {
            Some(dir) => root.dir_id(dir)?,
            None => None,
        },
        dir_path,
        name: ours.file_name().map(|n| n.to_os_string()),
        content: our_content,
    };
    let mut warnings = Vec::new();
    let systemd = applied(root, Rules::Systemd, &ours, &mut warnings)?;
    let procps = applied(root, Rules::Procps, &ours, &mut warnings)?;
    warnings.dedup();
    let systemd_files: HashSet<&Path> = systemd.iter().map(|a| a.file.as_path()).collect();

    let mut out = Vec::with_capacity(keys.len());
    for key in keys {
        let key = normalize_key(key);
        let param = tcppolicy_core::catalog::lookup(&key);
        let setter = |file: &Applied, a: &Assignment| Setter {
            file: file.file.clone(),
            line: a.line,
            value: a.value.clone(),
            rejected: param.and_then(|p| tcppolicy_core::value::kernel_takes(p, &a.value).err()),
        };
        let mut setters = Vec::new();
        let mut systemd_winner = None;
        for (file, a) in assignments_of(&systemd, &key) {
            let s = setter(file, a);
            setters.push(s.clone());
            systemd_winner = Some((file.ours, s));
        }
        let systemd_effective = systemd_winner
            .as_ref()
            .map(|(_, s)| s)
            .filter(|s| s.rejected.is_none())
            .cloned();
        let mut procps_winner = None;
        let mut procps_effective = None;
        for (file, a) in assignments_of(&procps, &key) {
            let s = setter(file, a);
            if s.rejected.is_none() {
                procps_effective = Some(s.clone());
            }
            if !systemd_files.contains(file.file.as_path()) && !setters.contains(&s) {
                setters.push(s.clone());
            }
            procps_winner = Some((file.ours, s));
        }
        out.push(KeyShadow {
            key,
            setters,
            ours_wins_systemd: systemd_winner.as_ref().is_some_and(|(ours, _)| *ours),
            ours_wins_procps: procps_winner.as_ref().is_some_and(|(ours, _)| *ours),
            systemd_winner: systemd_winner.map(|(_, s)| s),
            procps_winner: procps_winner.map(|(_, s)| s),
            systemd_effective,
            procps_effective,
            in_effect_systemd: false,
            in_effect_procps: false,
        });
    }
    Ok(Analysis {
        keys: out,
        warnings,
    })
}

fn assignments_of<'a>(
    files: &'a [Applied],
    key: &'a str,
) -> impl Iterator<Item = (&'a Applied, &'a Assignment)> {
    files
        .iter()
        .flat_map(move |f| f.assignments.iter().map(move |a| (f, a)))
        .filter(move |(_, a)| a.key == key)
}

/// Decide, for each key of `policy`, whether its setting holds at boot under each rule
/// set (issue 10): our drop-in (at `ours`) is the assignment in force, or the value in
/// force is what the policy asks — the same value as ours, or one meeting its
/// `at_least`/`at_most`. A winner with the same value is the normal state of a fleet
/// that adopted tcppolicy over its old files, not a loss.
pub fn judge(
    keys: &mut [KeyShadow],
    ours: &Path,
    policy: &tcppolicy_core::effective::EffectivePolicy,
    kernel: Option<tcppolicy_core::version::Version>,
) {
    for k in keys {
        let Some(s) = policy.get(&k.key) else {
            continue;
        };
        let ours_value = super::render::rendered_value(s, kernel);
        k.in_effect_systemd = holds(k.systemd_effective.as_ref(), ours, s, ours_value.as_deref());
        k.in_effect_procps = holds(k.procps_effective.as_ref(), ours, s, ours_value.as_deref());
    }
}

fn holds(
    effective: Option<&Setter>,
    ours: &Path,
    s: &tcppolicy_core::effective::EffectiveSetting,
    ours_value: Option<&str>,
) -> bool {
    use tcppolicy_core::effective::Target;
    use tcppolicy_core::value::{Value, kernel_takes};
    let Some(e) = effective else { return false };
    if e.file == ours {
        return true;
    }
    let p = s.param;
    let Ok(v) = kernel_takes(p, &e.value) else {
        return false;
    };
    match &s.target {
        Target::AtLeast(n) => v.as_int().is_some_and(|x| x >= *n),
        Target::AtMost(n) => v.as_int().is_some_and(|x| x <= *n),
        Target::Value(_) | Target::KernelDefault => ours_value
            .and_then(|o| Value::parse_kernel(p.kind, o))
            .is_some_and(|o| tcppolicy_core::plan::same(p, &v, &o)),
    }
}

/// Our drop-in, located by its directory's identity (or, while that directory does not
/// exist yet, its path) and its file name.
struct Ours<'a> {
    dir: Option<DirId>,
    dir_path: Option<PathBuf>,
    name: Option<OsString>,
    content: Option<&'a str>,
}

use crate::files::DirId;

/// What a directory entry turned out to be.
enum Entry {
    /// A regular file's text.
    File(String),
    /// A link to `/dev/null`, a device or an empty file: takes the name, sets nothing.
    Masked,
    /// A directory, a dangling link, a socket, or a file that cannot be read: takes the
    /// name, nothing can be read.
    Other,
}

/// The files a tool applies, in application order.
fn applied(
    root: &Root,
    rules: Rules,
    ours: &Ours<'_>,
    warnings: &mut Vec<String>,
) -> io::Result<Vec<Applied>> {
    let usr_lib = root.dir_id(Path::new("/usr/lib/sysctl.d"))?;
    // name → (target path, what it is (None: our content), ours)
    let mut chosen: Vec<(OsString, PathBuf, Option<Entry>, bool)> = Vec::new();
    let mut taken: HashSet<OsString> = HashSet::new();
    for dir in SEARCH_PATH {
        let ours_by_path = ours.dir.is_none() && ours.dir_path.as_deref() == Some(Path::new(dir));
        let (id, mut names) = match root.list(Path::new(dir)) {
            Ok(Some((id, names))) => (Some(id), names),
            Ok(None) if ours_by_path => (None, Vec::new()),
            Ok(None) => continue,
            Err(e) => {
                warnings.push(format!("skipped: {e}"));
                continue;
            }
        };
        if rules == Rules::Systemd && dir == "/lib/sysctl.d" && id.is_some() && id == usr_lib {
            continue;
        }
        names.sort();
        let is_ours_dir = ours_by_path || (id.is_some() && ours.dir == id);
        if is_ours_dir
            && ours.content.is_some()
            && let Some(name) = &ours.name
            && !names.contains(name)
        {
            names.push(name.clone());
        }
        // The same directory reached twice (`/lib` -> `usr/lib`): its names are taken.
        for name in names {
            let bytes = name.as_bytes();
            if !bytes.ends_with(b".conf") || taken.contains(&name) {
                continue;
            }
            if rules == Rules::Systemd && bytes.starts_with(b".") {
                continue;
            }
            let is_ours = is_ours_dir && ours.name.as_ref() == Some(&name);
            let path = Path::new(dir).join(&name);
            let entry = if is_ours && ours.content.is_some() {
                None
            } else {
                Some(classify(root, &path, warnings))
            };
            taken.insert(name.clone());
            chosen.push((name, path, entry, is_ours));
        }
    }
    chosen.sort_by(|a, b| a.0.as_bytes().cmp(b.0.as_bytes()));
    let mut out = Vec::new();
    for (_, path, entry, is_ours) in chosen {
        let text = match entry {
            None => ours.content.map(str::to_string),
            Some(Entry::File(text)) => Some(text),
            Some(Entry::Masked | Entry::Other) => None,
        };
        if let Some(text) = text {
            out.push(Applied {
                file: path,
                ours: is_ours,
                assignments: parse_as(&text, rules),
            });
        }
    }
    if rules == Rules::Procps {
        let conf = Path::new(SYSCTL_CONF);
        let is_ours = ours.name.as_deref() == Some(std::ffi::OsStr::new("sysctl.conf"))
            && ours.dir.is_some()
            && ours.dir == root.dir_id(Path::new("/etc"))?;
        let text = match ours.content {
            Some(content) if is_ours => Some(content.to_string()),
            // stat(2) and S_ISREG, as procps does.
            _ => match classify(root, conf, warnings) {
                Entry::File(text) => Some(text),
                Entry::Masked | Entry::Other => None,
            },
        };
        if let Some(text) = text {
            out.push(Applied {
                file: PathBuf::from(SYSCTL_CONF),
                ours: is_ours,
                assignments: parse_as(&text, rules),
            });
        }
    }
    Ok(out)
}

/// What the entry at `path` is, read inside the root. A file that cannot be read is
/// skipped with a warning, as systemd-sysctl does.
fn classify(root: &Root, path: &Path, warnings: &mut Vec<String>) -> Entry {
    match root.read(path, false, MAX_READ_BYTES) {
        Ok(Found::Link(target)) if target == Path::new("/dev/null") => return Entry::Masked,
        Ok(Found::Link(_)) => {}
        Ok(Found::File(bytes)) => return file_entry(bytes),
        Ok(Found::Missing) => return Entry::Other,
        Ok(Found::Other(what)) => return other(what),
        Err(e) => {
            warnings.push(format!("skipped `{}`: {e}", path.display()));
            return Entry::Other;
        }
    }
    match root.read(path, true, MAX_READ_BYTES) {
        Ok(Found::File(bytes)) => file_entry(bytes),
        Ok(Found::Missing) => Entry::Other, // a dangling link masks silently
        Ok(Found::Other(what)) => other(what),
        Ok(Found::Link(_)) => Entry::Other,
        Err(e) => {
            warnings.push(format!(
                "skipped `{}`, as systemd-sysctl would: {}",
                path.display(),
                e.get_ref()
                    .map_or_else(|| e.to_string(), ToString::to_string)
            ));
            Entry::Other
        }
    }
}

fn file_entry(bytes: Vec<u8>) -> Entry {
    if bytes.is_empty() {
        Entry::Masked
    } else {
        // Invalid UTF-8 replaced, as both tools treat bytes.
        Entry::File(String::from_utf8_lossy(&bytes).into_owned())
    }
}

fn other(what: &str) -> Entry {
    if what.contains("device") {
        Entry::Masked
    } else {
        Entry::Other
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::symlink;

    const KA: &str = "net.ipv4.tcp_keepalive_time";
    const FIN: &str = "net.ipv4.tcp_fin_timeout";
    const OURS: &str = "/etc/sysctl.d/90-tcppolicy-x.conf";

    fn tree(files: &[(&str, &str)]) -> tempfile::TempDir {
        let t = tempfile::tempdir().unwrap();
        for (path, text) in files {
            let p = t.path().join(path);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(p, text).unwrap();
        }
        t
    }

    fn s(file: &str, line: usize, value: &str) -> Setter {
        Setter {
            file: PathBuf::from(file),
            line,
            value: value.into(),
            rejected: None,
        }
    }

    fn one(root: &Path, content: Option<&str>, key: &str) -> KeyShadow {
        analyse(&Root::open(root).unwrap(), Path::new(OURS), content, &[key])
            .unwrap()
            .keys
            .remove(0)
    }

    #[test]
    fn etc_masks_same_name_and_later_names_win_across_directories() {
        let t = tree(&[
            (
                "usr/lib/sysctl.d/10-a.conf",
                "net.ipv4.tcp_keepalive_time = 1\n",
            ),
            (
                "etc/sysctl.d/10-a.conf",
                "\nnet.ipv4.tcp_keepalive_time = 2\n",
            ),
            (
                "run/sysctl.d/50-b.conf",
                "net/ipv4/tcp_keepalive_time = 3\n",
            ),
            (
                "usr/lib/sysctl.d/99-vendor.conf",
                "net.ipv4.tcp_keepalive_time = 4\n",
            ),
            (
                "usr/local/lib/sysctl.d/60-local.conf",
                "-net.ipv4.tcp_keepalive_time = 5\n",
            ),
        ]);
        let k = one(t.path(), Some("net.ipv4.tcp_keepalive_time = 9\n"), KA);
        assert_eq!(
            k.setters,
            [
                s("/etc/sysctl.d/10-a.conf", 2, "2"),
                s("/run/sysctl.d/50-b.conf", 1, "3"),
                s("/usr/local/lib/sysctl.d/60-local.conf", 1, "5"),
                s(OURS, 1, "9"),
                s("/usr/lib/sysctl.d/99-vendor.conf", 1, "4"),
            ]
        );
        assert_eq!(
            k.systemd_winner,
            Some(s("/usr/lib/sysctl.d/99-vendor.conf", 1, "4"))
        );
        assert_eq!(k.procps_winner, k.systemd_winner);
        assert!(!k.ours_wins_systemd && !k.ours_wins_procps);
    }

    #[test]
    fn dev_null_and_empty_files_mask() {
        let t = tree(&[
            (
                "usr/lib/sysctl.d/95-vendor.conf",
                "net.ipv4.tcp_keepalive_time = 4\n",
            ),
            (
                "usr/lib/sysctl.d/96-other.conf",
                "net.ipv4.tcp_keepalive_time = 5\n",
            ),
            ("etc/sysctl.d/96-other.conf", ""),
        ]);
        symlink("/dev/null", t.path().join("etc/sysctl.d/95-vendor.conf")).unwrap();
        let k = one(t.path(), Some("net.ipv4.tcp_keepalive_time = 9\n"), KA);
        assert_eq!(k.setters, [s(OURS, 1, "9")]);
        assert!(k.ours_wins_systemd && k.ours_wins_procps);
    }

    #[test]
    fn sysctl_conf_counts_for_procps_only_unless_linked() {
        let t = tree(&[
            (
                "etc/sysctl.conf",
                "# admin\nnet.ipv4.tcp_fin_timeout = 20\n",
            ),
            (
                "usr/lib/sysctl.d/95-vendor.conf",
                "net.ipv4.tcp_fin_timeout = 40\n",
            ),
        ]);
        let k = one(t.path(), Some("net.ipv4.tcp_fin_timeout = 30\n"), FIN);
        assert_eq!(
            k.systemd_winner,
            Some(s("/usr/lib/sysctl.d/95-vendor.conf", 1, "40"))
        );
        assert_eq!(k.procps_winner, Some(s("/etc/sysctl.conf", 2, "20")));
        assert_eq!(k.setters.last(), Some(&s("/etc/sysctl.conf", 2, "20")));

        // Debian's link: /etc/sysctl.d/99-sysctl.conf -> ../sysctl.conf.
        std::fs::create_dir_all(t.path().join("etc/sysctl.d")).unwrap();
        symlink(
            "../sysctl.conf",
            t.path().join("etc/sysctl.d/99-sysctl.conf"),
        )
        .unwrap();
        let k = one(t.path(), Some("net.ipv4.tcp_fin_timeout = 30\n"), FIN);
        assert_eq!(
            k.systemd_winner,
            Some(s("/etc/sysctl.d/99-sysctl.conf", 2, "20"))
        );
        assert_eq!(k.procps_winner, Some(s("/etc/sysctl.conf", 2, "20")));
        assert_eq!(
            k.setters,
            [
                s(OURS, 1, "30"),
                s("/usr/lib/sysctl.d/95-vendor.conf", 1, "40"),
                s("/etc/sysctl.d/99-sysctl.conf", 2, "20"),
                s("/etc/sysctl.conf", 2, "20"),
            ]
        );
    }

    #[test]
    fn our_content_or_the_file_on_disk() {
        let t = tree(&[
            (
                "usr/lib/sysctl.d/50-vendor.conf",
                "net.ipv4.tcp_fin_timeout = 40\n",
            ),
            (
                "etc/sysctl.d/90-tcppolicy-x.conf",
                "net.ipv4.tcp_fin_timeout = 10\n",
            ),
        ]);
        let k = one(t.path(), None, FIN);
        assert_eq!(k.systemd_winner, Some(s(OURS, 1, "10")));
        assert!(k.ours_wins_systemd && k.ours_wins_procps);
        let k = one(t.path(), Some("# nothing\n"), FIN);
        assert_eq!(
            k.systemd_winner,
            Some(s("/usr/lib/sysctl.d/50-vendor.conf", 1, "40"))
        );
        assert!(!k.ours_wins_systemd && !k.ours_wins_procps);
        // A drop-in outside the search path is never applied.
        let k = analyse(
            &Root::open(t.path()).unwrap(),
            Path::new("/tmp/x.conf"),
            Some("net.ipv4.tcp_fin_timeout = 1\n"),
            &[FIN],
        )
        .unwrap()
        .keys
        .remove(0);
        assert!(!k.ours_wins_systemd && !k.setters.iter().any(|s| s.value == "1"));
    }

    #[test]
    fn hidden_files_and_dangling_links() {
        let t = tree(&[
            (
                "run/sysctl.d/.hidden.conf",
                "net.ipv4.tcp_fin_timeout = 7\n",
            ),
            (
                "usr/lib/sysctl.d/10-a.conf",
                "net.ipv4.tcp_fin_timeout = 8\n",
            ),
        ]);
        std::fs::create_dir_all(t.path().join("etc/sysctl.d")).unwrap();
        symlink("/nonexistent", t.path().join("etc/sysctl.d/10-a.conf")).unwrap();
        let k = analyse(
            &Root::open(t.path()).unwrap(),
            Path::new(OURS),
            None,
            &[FIN],
        )
        .unwrap()
        .keys
        .remove(0);
        assert_eq!(
            k.systemd_winner, None,
            "hidden ignored, dangling link masks"
        );
        assert_eq!(
            k.procps_winner,
            Some(s("/run/sysctl.d/.hidden.conf", 1, "7"))
        );
        assert_eq!(k.setters, [s("/run/sysctl.d/.hidden.conf", 1, "7")]);
    }

    #[test]
    fn lib_sysctl_d_counts_for_systemd_only_when_distinct() {
        let t = tree(&[("lib/sysctl.d/99-old.conf", "net.ipv4.tcp_fin_timeout = 5\n")]);
        let k = one(t.path(), None, FIN);
        assert_eq!(
            k.systemd_winner,
            Some(s("/lib/sysctl.d/99-old.conf", 1, "5"))
        );
        assert_eq!(k.procps_winner, k.systemd_winner);

        let t = tree(&[(
            "usr/lib/sysctl.d/99-x.conf",
            "net.ipv4.tcp_fin_timeout = 5\n",
        )]);
        symlink("usr/lib", t.path().join("lib")).unwrap();
        let k = one(t.path(), None, FIN);
        assert_eq!(k.setters, [s("/usr/lib/sysctl.d/99-x.conf", 1, "5")]);
        assert_eq!(k.procps_winner, k.systemd_winner);
    }

    #[test]
    fn absolute_links_stay_in_the_root() {
        let t = tree(&[("srv/conf/x.conf", "net.ipv4.tcp_fin_timeout = 3\n")]);
        std::fs::create_dir_all(t.path().join("etc/sysctl.d")).unwrap();
        symlink("/srv/conf/x.conf", t.path().join("etc/sysctl.d/50-x.conf")).unwrap();
        let k = one(t.path(), None, FIN);
        assert_eq!(k.systemd_winner, Some(s("/etc/sysctl.d/50-x.conf", 1, "3")));
    }
}
