//! The one printer. Nothing else in tcppolicy writes to stdout or stderr.
//!
//! Output goes through `anstream`, which strips colour when the stream is not a terminal
//! or `NO_COLOR` is set.
//!
//! **The exit status is never lost to the output (SPEC §9).** A write that fails does
//! not end the process: the command goes on (an apply is never abandoned half-way
//! because its reader went away), later writes to that stream are skipped, and
//! [`exit_status`] decides at the end. A closed pipe (`tcppolicy check | head -1`)
//! keeps the command's own status; any other failure (`> /dev/full`, EIO) means the
//! output is lost, so a success becomes a failure, with a message on stderr if stderr
//! still works.

use std::io::{ErrorKind, Write};
use std::process::ExitCode;
use std::sync::Mutex;

/// The first write error of each stream (stdout, stderr).
static FAILED: Mutex<[Option<std::io::Error>; 2]> = Mutex::new([None, None]);

/// Write to stdout.
pub fn out(text: &str) {
    write(0, &mut anstream::stdout(), text);
}

/// Write to stderr.
pub fn err(text: &str) {
    write(1, &mut anstream::stderr(), text);
}

fn write(index: usize, stream: &mut impl Write, text: &str) {
    let mut failed = FAILED
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if failed[index].is_some() {
        return;
    }
    if let Err(e) = stream
        .write_all(text.as_bytes())
        .and_then(|()| stream.flush())
    {
        failed[index] = Some(e);
    }
}

/// The process's exit status: `code` as the command decided it, unless output was lost.
/// `ok` lists the statuses that mean the command did its job (`0`, and `2` for `plan`'s
/// "changes pending"); `failure` is the command's failure status.
pub fn exit_status(code: ExitCode, ok: &[u8], failure: u8) -> ExitCode {
    // Flush what anstream may still hold; a failure here counts like any other.
    out("");
    let failed = FAILED
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    let lost = failed
        .iter()
        .flatten()
        .find(|e| e.kind() != ErrorKind::BrokenPipe);
    let Some(e) = lost else {
        return code;
    };
    let which = if failed[0].as_ref().is_some_and(|x| x.kind() == e.kind()) {
        "standard output"
    } else {
        "standard error"
    };
    let message = format!("error: cannot write to {which}, output was lost: {e}\n");
    drop(failed);
    err(&message);
    if ok.iter().any(|c| ExitCode::from(*c) == code) {
        ExitCode::from(failure)
    } else {
        code
    }
}
