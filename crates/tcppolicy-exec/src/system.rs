//! Facts about the running system: kernel release and network namespace.

/// `uname -r`.
pub fn kernel_release() -> String {
    rustix::system::uname()
        .release()
        .to_string_lossy()
        .into_owned()
}

/// The calling thread's network namespace, as `/proc/thread-self/ns/net` names it
/// (`net:[4026531840]`).
pub fn netns_id() -> String {
    std::fs::read_link("/proc/thread-self/ns/net")
        .map(|p| p.display().to_string())
        .unwrap_or_else(|_| "unknown".into())
}
