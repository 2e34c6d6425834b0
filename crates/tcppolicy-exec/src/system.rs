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

/// Move the calling thread into the network namespace `spec` names: a name under
/// `/run/netns/` (as `ip netns` creates) or a path such as `/proc/PID/ns/net`. Done before
/// any `/proc/sys` access: `/proc/sys/net` shows the namespace of the thread that opens
/// it, and processes the thread starts inherit it. Returns the namespace id.
///
/// # Errors
/// When `spec` names no network namespace, or `setns(2)` is refused (not root).
pub fn enter_netns(spec: &str) -> std::io::Result<String> {
    use std::os::fd::AsFd as _;
    let path = if spec.contains('/') {
        std::path::PathBuf::from(spec)
    } else {
        std::path::Path::new("/run/netns").join(spec)
    };
    let file = std::fs::File::open(&path).map_err(|e| {
        std::io::Error::new(
            e.kind(),
            format!(
                "cannot open the network namespace `{}`: {e}",
                path.display()
            ),
        )
    })?;
    rustix::thread::move_into_link_name_space(
        file.as_fd(),
        Some(rustix::thread::LinkNameSpaceType::Network),
    )
    .map_err(|e| {
        let why = match e {
            rustix::io::Errno::INVAL => "it is not a network namespace".to_string(),
            rustix::io::Errno::PERM => {
                "permission denied (entering a network namespace needs root)".to_string()
            }
            e => std::io::Error::from(e).to_string(),
        };
        std::io::Error::other(format!("cannot enter `{}`: {why}", path.display()))
    })?;
    Ok(netns_id())
}
