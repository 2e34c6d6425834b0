//! Run code inside a fresh network namespace.
//!
//! A network namespace belongs to a thread, and `/proc/sys/net` shows the namespace of the
//! thread that reads it. [`in_fresh_netns`] therefore runs the closure on a new thread that
//! first calls `unshare(CLONE_NEWNET)`; processes it spawns inherit that namespace. The
//! host's namespace is never written.

use std::path::Path;

/// Run `f` on a new thread inside a fresh network namespace and return its result.
///
/// # Panics
/// Fails loudly (never skips) when the namespace cannot be created: the suites must run
/// as root, or under `unshare --map-root-user`.
pub fn in_fresh_netns<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> T {
    let handle = std::thread::spawn(move || {
        enter_fresh_netns();
        f()
    });
    match handle.join() {
        Ok(v) => v,
        Err(panic) => std::panic::resume_unwind(panic),
    }
}

/// Move the calling thread into a fresh network namespace.
///
/// # Panics
/// When `unshare(CLONE_NEWNET)` fails (not root, no user namespace).
pub fn enter_fresh_netns() {
    let before = netns_id();
    // SAFETY: only CLONE_NEWNET is requested; it does not unshare the file descriptor
    // table, which is the hazard `unshare_unsafe` documents.
    let result = unsafe { rustix::thread::unshare_unsafe(rustix::thread::UnshareFlags::NEWNET) };
    if let Err(e) = result {
        panic!(
            "cannot create a network namespace ({e}): run the suites as root, or under \
             `unshare --map-root-user --net`"
        );
    }
    let after = netns_id();
    assert_ne!(
        before, after,
        "unshare(CLONE_NEWNET) did not change namespace"
    );
}

/// The inode of the calling thread's network namespace.
pub fn netns_id() -> String {
    let tid = rustix::thread::gettid().as_raw_nonzero();
    std::fs::read_link(format!("/proc/self/task/{tid}/ns/net"))
        .map(|p| p.display().to_string())
        .unwrap_or_else(|e| panic!("cannot read /proc/self/task/{tid}/ns/net: {e}"))
}

/// The path of a sysctl under `/proc/sys`.
pub fn proc_path(name: &str) -> String {
    format!("/proc/sys/{}", name.replace('.', "/"))
}

/// Read a sysctl in the calling thread's namespace, trimmed.
pub fn read(name: &str) -> std::io::Result<String> {
    std::fs::read_to_string(proc_path(name)).map(|s| s.trim().to_string())
}

/// Write a sysctl in the calling thread's namespace.
pub fn write(name: &str, value: &str) -> std::io::Result<()> {
    std::fs::write(proc_path(name), value)
}

/// Whether a sysctl exists in the calling thread's namespace.
pub fn exists(name: &str) -> bool {
    Path::new(&proc_path(name)).exists()
}

/// Every readable top-level value under `/proc/sys/net/{ipv4,core}` in the calling thread's
/// namespace, whitespace-normalised, by dotted name.
pub fn snapshot() -> std::collections::BTreeMap<String, String> {
    let mut out = std::collections::BTreeMap::new();
    for dir in ["/proc/sys/net/ipv4", "/proc/sys/net/core"] {
        for entry in std::fs::read_dir(dir).unwrap().flatten() {
            if !entry.file_type().is_ok_and(|t| t.is_file()) {
                continue;
            }
            if let Ok(v) = std::fs::read_to_string(entry.path()) {
                let name = entry
                    .path()
                    .display()
                    .to_string()
                    .trim_start_matches("/proc/sys/")
                    .replace('/', ".");
                out.insert(name, v.split_whitespace().collect::<Vec<_>>().join(" "));
            }
        }
    }
    out
}

/// The values that differ between two snapshots: name → (before, after).
pub fn changed(
    before: &std::collections::BTreeMap<String, String>,
    after: &std::collections::BTreeMap<String, String>,
) -> std::collections::BTreeMap<String, (String, String)> {
    before
        .iter()
        .filter_map(|(k, v)| {
            let a = after.get(k)?;
            (a != v).then(|| (k.clone(), (v.clone(), a.clone())))
        })
        .collect()
}
