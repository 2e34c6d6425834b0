//! The one printer. Nothing else in tcppolicy writes to stdout or stderr.
//!
//! Output goes through `anstream`, which strips colour when the stream is not a terminal
//! or `NO_COLOR` is set. On such a stream, text is stripped here instead and written with
//! one system call (anstream writes each run of plain text between two escape sequences
//! on its own), and [`colored`] lets renderers not add colour in the first place.
//!
//! **The exit status is never lost to the output (SPEC §9).** A write that fails does
//! not end the process: the command goes on (an apply is never abandoned half-way
//! because its reader went away), later writes to that stream are skipped, and
//! [`exit_status`] decides at the end. A closed pipe (`tcppolicy check | head -1`)
//! keeps the command's own status; any other failure (`> /dev/full`, EIO) means the
//! output is lost, so a success becomes a failure, with a message on stderr if stderr
//! still works.

use anstream::ColorChoice;
use std::io::{ErrorKind, Write};
use std::process::ExitCode;
use std::sync::{Mutex, OnceLock};

/// The first write error of each stream (stdout, stderr).
static FAILED: Mutex<[Option<std::io::Error>; 2]> = Mutex::new([None, None]);

/// The two streams.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stream {
    /// Standard output.
    Out,
    /// Standard error.
    Err,
}

/// Whether text written to `stream` keeps its colour (a terminal, `NO_COLOR` unset):
/// decided once per stream, as anstream decides it.
pub fn colored(stream: Stream) -> bool {
    static CHOICE: [OnceLock<bool>; 2] = [OnceLock::new(), OnceLock::new()];
    *CHOICE[stream as usize].get_or_init(|| {
        let choice = match stream {
            Stream::Out => anstream::AutoStream::choice(&std::io::stdout()),
            Stream::Err => anstream::AutoStream::choice(&std::io::stderr()),
        };
        choice != ColorChoice::Never
    })
}

/// Write to stdout.
pub fn out(text: &str) {
    write(Stream::Out, text);
}

/// Write to stderr.
pub fn err(text: &str) {
    write(Stream::Err, text);
}

fn write(stream: Stream, text: &str) {
    let index = stream as usize;
    let mut failed = FAILED
        .lock()
        .unwrap_or_else(std::sync::PoisonError::into_inner);
    if failed[index].is_some() {
        return;
    }
    let result = if colored(stream) {
        match stream {
            Stream::Out => write_flush(&mut anstream::stdout(), text.as_bytes()),
            Stream::Err => write_flush(&mut anstream::stderr(), text.as_bytes()),
        }
    } else {
        // What anstream's stripping keeps, written at once.
        let plain = if text.bytes().all(kept_when_stripped) {
            std::borrow::Cow::Borrowed(text)
        } else {
            std::borrow::Cow::Owned(anstream::adapter::strip_str(text).to_string())
        };
        match stream {
            Stream::Out => write_flush(&mut std::io::stdout().lock(), plain.as_bytes()),
            Stream::Err => write_flush(&mut std::io::stderr().lock(), plain.as_bytes()),
        }
    };
    if let Err(e) = result {
        failed[index] = Some(e);
    }
}

fn write_flush(stream: &mut impl Write, bytes: &[u8]) -> std::io::Result<()> {
    stream.write_all(bytes).and_then(|()| stream.flush())
}

/// Whether anstream's stripping keeps this byte as it is: printable ASCII, ASCII white
/// space and any byte of a multi-byte UTF-8 character (not ESC, other C0 controls, DEL).
fn kept_when_stripped(b: u8) -> bool {
    (b >= 0x20 && b != 0x7f) || b.is_ascii_whitespace()
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_fast_path_keeps_what_anstream_keeps() {
        for text in [
            "plain ascii, tabs\tand\nnewlines\r\n",
            "non-ASCII: → é 世界 and C1 as UTF-8: \u{85}\u{9b}[31m",
            "form feed \x0c and space",
        ] {
            assert!(text.bytes().all(kept_when_stripped), "{text:?}");
            assert_eq!(anstream::adapter::strip_str(text).to_string(), text);
        }
        for text in ["\x1b[1mbold\x1b[0m", "bell\x07", "del\x7f", "nul\0"] {
            assert!(!text.bytes().all(kept_when_stripped), "{text:?}");
            assert_ne!(anstream::adapter::strip_str(text).to_string(), text);
        }
    }
}
