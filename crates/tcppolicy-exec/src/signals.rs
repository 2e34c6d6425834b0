//! SIGINT, SIGTERM and SIGHUP during a live apply (SPEC §9).
//!
//! While an apply may write, these signals do not kill the process: a handler (from the
//! `signal-hook` crate, which keeps the handler async-signal-safe) records the signal,
//! the apply notices it between writes, rolls back every value it wrote, verifies the
//! rollback, and the process exits with 128 + the signal number, as a shell reports a
//! process killed by it. SIGKILL cannot be caught; the journal covers it.

use std::sync::atomic::{AtomicUsize, Ordering};

static CAUGHT: AtomicUsize = AtomicUsize::new(0);

/// The signals an apply rolls back on, with their names.
pub const HANDLED: [(i32, &str); 3] = [
    (signal_hook::consts::SIGHUP, "SIGHUP"),
    (signal_hook::consts::SIGINT, "SIGINT"),
    (signal_hook::consts::SIGTERM, "SIGTERM"),
];

/// Start recording SIGINT, SIGTERM and SIGHUP instead of dying of them. Idempotent.
///
/// # Errors
/// When a handler cannot be installed.
pub fn install() -> std::io::Result<()> {
    static INSTALLED: std::sync::OnceLock<Result<(), String>> = std::sync::OnceLock::new();
    INSTALLED
        .get_or_init(|| {
            for (sig, _) in HANDLED {
                signal_hook::flag::register_usize(sig, &CAUGHT, sig as usize)
                    .map_err(|e| e.to_string())?;
            }
            Ok(())
        })
        .clone()
        .map_err(std::io::Error::other)
}

/// The name of the first handled signal received since [`install`], if any.
pub fn caught() -> Option<&'static str> {
    let n = CAUGHT.load(Ordering::SeqCst);
    HANDLED
        .iter()
        .find(|(sig, _)| *sig as usize == n)
        .map(|(_, name)| *name)
}

/// The number of a signal by name (`SIGTERM` → 15), for exit statuses.
pub fn number(name: &str) -> Option<u8> {
    HANDLED
        .iter()
        .find(|(_, n)| *n == name)
        .and_then(|(sig, _)| u8::try_from(*sig).ok())
}
