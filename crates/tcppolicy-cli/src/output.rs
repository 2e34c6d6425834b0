//! The one printer. Nothing else in tcppolicy writes to stdout or stderr.
//!
//! Output goes through `anstream`, which strips colour when the stream is not a terminal
//! or `NO_COLOR` is set. A closed pipe (`tcppolicy catalog | head`) ends the process with
//! status 0, as ripgrep does.

use std::io::{ErrorKind, Write};

/// Write to stdout.
pub fn out(text: &str) {
    write(&mut anstream::stdout(), text);
}

/// Write to stderr.
pub fn err(text: &str) {
    write(&mut anstream::stderr(), text);
}

fn write(stream: &mut impl Write, text: &str) {
    if let Err(e) = stream
        .write_all(text.as_bytes())
        .and_then(|()| stream.flush())
        && e.kind() == ErrorKind::BrokenPipe
    {
        std::process::exit(0);
    }
}
