//! Reading sysctl.d files the way the tools that apply them at boot do.
//!
//! The format (sysctl.d(5)): blank lines and lines whose first non-blank character is `#`
//! or `;` are comments; every other line is `key = value`, whitespace trimmed around both;
//! keys may use `/` as the separator; a `-` before the key means "ignore failures".
//!
//! The two readers split lines differently (measured with procps-ng 4.0.2 and systemd
//! 252): systemd-sysctl ends a line at `\n`, `\r` and NUL, so `# note\rkey = 1` sets `key`;
//! `sysctl -p`/`--system` ends a line at `\n` only, drops everything after a NUL and ends
//! the value at `\r`. [`parse`] reads like systemd-sysctl; [`parse_as`] takes the rules.

use super::shadow::Rules;
use serde::Serialize;

/// One `key = value` line.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Assignment {
    /// The key, normalised to dots ([`normalize_key`]).
    pub key: String,
    /// The value with surrounding whitespace trimmed; inner whitespace as written.
    pub value: String,
    /// 1-based line number.
    pub line: usize,
    /// The key was written with a leading `-`: failures to set it are ignored.
    pub ignore_failure: bool,
}

/// Parse a sysctl.d file as systemd-sysctl reads it (sysctl.d(5)).
///
/// Lines that are neither comments nor assignments are skipped (systemd-sysctl logs
/// "Line is not an assignment, ignoring" and exits with a failure status; `sysctl -p`
/// reports "invalid syntax, continuing"). So are `-key` lines without `=`, which exclude
/// a key from glob assignments rather than set anything.
pub fn parse(text: &str) -> Vec<Assignment> {
    parse_as(text, Rules::Systemd)
}

/// Parse a sysctl.d file as the tool of `rules` reads it.
pub fn parse_as(text: &str, rules: Rules) -> Vec<Assignment> {
    lines_as(text, rules)
        .into_iter()
        .filter_map(|l| match l {
            Line::Assignment(a) => Some(a),
            _ => None,
        })
        .collect()
}

/// A line that is neither blank nor a comment.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Line {
    /// `key = value`.
    Assignment(Assignment),
    /// `-key` without `=`: excludes the key from glob assignments (systemd-sysctl).
    Exclusion {
        /// The key, normalised.
        key: String,
        /// 1-based line number.
        line: usize,
    },
    /// Anything else: `sysctl -p` reports "invalid syntax", systemd-sysctl "not an
    /// assignment" (or, for `= value`, an empty key).
    Invalid {
        /// The line, trimmed.
        text: String,
        /// 1-based line number.
        line: usize,
    },
}

/// Every line of a sysctl.d file that is not blank or a comment, as the tool of `rules`
/// reads it.
pub fn lines_as(text: &str, rules: Rules) -> Vec<Line> {
    let mut out = Vec::new();
    for (index, raw) in lines(text, rules).into_iter().enumerate() {
        let raw = match rules {
            Rules::Systemd => raw,
            // C strings: a NUL ends the line.
            Rules::Procps => raw.split('\0').next().unwrap_or(""),
        };
        if let Some(l) = classify_line(raw, index + 1, rules) {
            out.push(l);
        }
    }
    out
}

fn classify_line(raw: &str, line: usize, rules: Rules) -> Option<Line> {
    let l = raw.trim_matches(is_blank);
    if l.is_empty() || l.starts_with(['#', ';']) {
        return None;
    }
    let invalid = || Line::Invalid {
        text: l.to_string(),
        line,
    };
    let Some((key, value)) = l.split_once('=') else {
        return Some(match l.strip_prefix('-') {
            Some(key) if !normalize_key(key).is_empty() => Line::Exclusion {
                key: normalize_key(key),
                line,
            },
            _ => invalid(),
        });
    };
    let (key, ignore_failure) = match key.strip_prefix('-') {
        Some(rest) => (rest, true),
        None => (key, false),
    };
    let value = match rules {
        Rules::Systemd => value,
        // procps takes the value with strtok(NULL, "\n\r").
        Rules::Procps => value.split('\r').next().unwrap_or(""),
    };
    let key = normalize_key(key.trim_matches(is_blank));
    if key.is_empty() {
        return Some(invalid());
    }
    Some(Line::Assignment(Assignment {
        key,
        value: value.trim_matches(is_blank).to_string(),
        line,
        ignore_failure,
    }))
}

/// Whitespace as both tools strip it (`" \t\n\r"`, plus the other C `isspace` bytes).
fn is_blank(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\r' | '\x0b' | '\x0c')
}

/// Split into lines as the tool reads them. systemd: `\n`, `\r`, NUL each end a line and
/// `\r\n` counts once; procps: `\n` only.
fn lines(text: &str, rules: Rules) -> Vec<&str> {
    match rules {
        Rules::Procps => {
            let mut v: Vec<&str> = text.split('\n').collect();
            if text.ends_with('\n') {
                v.pop();
            }
            v
        }
        Rules::Systemd => {
            let mut v = Vec::new();
            let bytes = text.as_bytes();
            let (mut start, mut i) = (0, 0);
            while i < bytes.len() {
                match bytes[i] {
                    b'\r' if bytes.get(i + 1) == Some(&b'\n') => {
                        v.push(&text[start..i]);
                        i += 2;
                        start = i;
                    }
                    b'\n' | b'\r' | b'\0' => {
                        v.push(&text[start..i]);
                        i += 1;
                        start = i;
                    }
                    _ => i += 1,
                }
            }
            if start < bytes.len() {
                v.push(&text[start..]);
            }
            v
        }
    }
}

/// Normalise a key to its dotted form, as systemd-sysctl's `sysctl_normalize` does but
/// the other way round: when the first separator is `/`, slashes and dots swap
/// (`net/ipv4/conf/eth0.100/rp_filter` → `net.ipv4.conf.eth0/100.rp_filter`); empty and
/// `.` path components are dropped. Keys written with dots are kept as they are.
pub fn normalize_key(key: &str) -> String {
    let key = key.trim_matches(is_blank);
    let slash_first = key
        .find(['/', '.'])
        .is_some_and(|i| key.as_bytes()[i] == b'/');
    if !slash_first {
        return key.to_string();
    }
    key.split('/')
        .filter(|c| !c.is_empty() && *c != ".")
        .map(|c| c.replace('.', "/"))
        .collect::<Vec<_>>()
        .join(".")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kv(a: &[Assignment]) -> Vec<(&str, &str, usize, bool)> {
        a.iter()
            .map(|a| (a.key.as_str(), a.value.as_str(), a.line, a.ignore_failure))
            .collect()
    }

    #[test]
    fn comments_blank_lines_and_whitespace() {
        let text = "# comment\n; also a comment\n   # indented comment\n\n\
                    net.ipv4.tcp_sack=1\n  net.ipv4.tcp_rmem \t=\t4096\t131072   6291456  \n\
                    not an assignment\nnet.ipv4.tcp_dsack = 0 # not a comment\n";
        assert_eq!(
            kv(&parse(text)),
            [
                ("net.ipv4.tcp_sack", "1", 5, false),
                ("net.ipv4.tcp_rmem", "4096\t131072   6291456", 6, false),
                ("net.ipv4.tcp_dsack", "0 # not a comment", 8, false),
            ]
        );
    }

    #[test]
    fn slashes_dashes_and_empty_values() {
        let text = "net/ipv4/tcp_syn_retries = 3\n-net.ipv4.tcp_ecn = 1\n- net.ipv4.tcp_frto=2\n\
                    -net.ipv4.conf.*.rp_filter\nnet.ipv4.ip_local_reserved_ports =\n= 5\n\
                    net/ipv4/conf/eth0.100/rp_filter = 2\nkey = a = b\n";
        assert_eq!(
            kv(&parse(text)),
            [
                ("net.ipv4.tcp_syn_retries", "3", 1, false),
                ("net.ipv4.tcp_ecn", "1", 2, true),
                ("net.ipv4.tcp_frto", "2", 3, true),
                ("net.ipv4.ip_local_reserved_ports", "", 5, false),
                ("net.ipv4.conf.eth0/100.rp_filter", "2", 7, false),
                ("key", "a = b", 8, false),
            ]
        );
    }

    #[test]
    fn lines_that_set_nothing_are_classified() {
        let text = "# c\nnot an assignment\n-net.ipv4.conf.*.rp_filter\n= 5\nnet.ipv4.tcp_sack=1\n";
        assert_eq!(
            lines_as(text, Rules::Procps),
            [
                Line::Invalid {
                    text: "not an assignment".into(),
                    line: 2
                },
                Line::Exclusion {
                    key: "net.ipv4.conf.*.rp_filter".into(),
                    line: 3
                },
                Line::Invalid {
                    text: "= 5".into(),
                    line: 4
                },
                Line::Assignment(Assignment {
                    key: "net.ipv4.tcp_sack".into(),
                    value: "1".into(),
                    line: 5,
                    ignore_failure: false
                }),
            ]
        );
    }

    #[test]
    fn normalize_key_matches_systemd() {
        assert_eq!(normalize_key("net.ipv4.tcp_sack"), "net.ipv4.tcp_sack");
        assert_eq!(normalize_key("net/ipv4/tcp_sack"), "net.ipv4.tcp_sack");
        assert_eq!(normalize_key("/net//ipv4/./tcp_sack"), "net.ipv4.tcp_sack");
        assert_eq!(
            normalize_key("net.ipv4.conf.enp3s0/200.forwarding"),
            "net.ipv4.conf.enp3s0/200.forwarding"
        );
        assert_eq!(
            normalize_key("net/ipv4/conf/enp3s0.200/forwarding"),
            "net.ipv4.conf.enp3s0/200.forwarding"
        );
    }

    #[test]
    fn systemd_ends_lines_at_cr_and_nul_procps_does_not() {
        let text = "# c\rnet.ipv4.tcp_sack = 0\r\nnet.ipv4.tcp_ecn = 1\0net.ipv4.tcp_frto = 1\n\
                    net.ipv4.tcp_fin_timeout = 33\r\n";
        assert_eq!(
            kv(&parse_as(text, Rules::Systemd)),
            [
                ("net.ipv4.tcp_sack", "0", 2, false),
                ("net.ipv4.tcp_ecn", "1", 3, false),
                ("net.ipv4.tcp_frto", "1", 4, false),
                ("net.ipv4.tcp_fin_timeout", "33", 5, false),
            ]
        );
        assert_eq!(
            kv(&parse_as(text, Rules::Procps)),
            [
                ("net.ipv4.tcp_ecn", "1", 2, false),
                ("net.ipv4.tcp_fin_timeout", "33", 3, false),
            ]
        );
    }
}
