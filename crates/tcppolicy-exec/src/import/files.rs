//! sysctl.d files, `/etc/sysctl.conf` and `sysctl -a` dumps, read as `sysctl -p` reads
//! them (procps: lines end at `\n`, a value at `\r`, a NUL ends a line).

use super::{Bound, State};
use crate::sysctld::Rules;
use crate::sysctld::parse::{Line, lines_as, parse_as};

/// Read one file into `state`.
pub(super) fn read(path: &str, text: &str, state: &mut State) {
    // systemd-sysctl ends lines at `\r` and NUL too; say when that changes the meaning.
    let key_values = |rules| {
        parse_as(text, rules)
            .into_iter()
            .map(|a| (a.key, a.value, a.ignore_failure))
            .collect::<Vec<_>>()
    };
    if key_values(Rules::Procps) != key_values(Rules::Systemd) {
        state.notes.push(format!(
            "{path} has carriage returns or NUL bytes inside lines: systemd-sysctl reads it \
             differently from `sysctl -p`; this import follows `sysctl -p`"
        ));
    }
    for line in lines_as(text, Rules::Procps) {
        match line {
            Line::Assignment(a) => {
                let origin = format!("{path}:{}", a.line);
                let notes = if a.ignore_failure {
                    vec![
                        "The `-` prefix made failures to set it silent at boot; `apply` \
                         reports them."
                            .to_string(),
                    ]
                } else {
                    Vec::new()
                };
                state.assign(&origin, &a.key, &a.value, Bound::Exact, &notes);
            }
            Line::Exclusion { key, line } => state.skip(
                &format!("{path}:{line}"),
                &key,
                "`-key` without a value excludes the key from glob assignments under \
                 systemd-sysctl; `sysctl -p` ignores the line",
            ),
            Line::Invalid { text, line } => {
                let origin = format!("{path}:{line}");
                let reason = if text.starts_with('[') {
                    "a section header: this looks like an INI or TuneD file; TuneD profiles \
                     are read as such only when named `tuned.conf` or when the header comes \
                     first"
                } else {
                    "not an assignment: `sysctl -p` reports invalid syntax, systemd-sysctl \
                     ignores the line"
                };
                state.skip(&origin, &super::clip(&text), reason);
            }
        }
    }
}
