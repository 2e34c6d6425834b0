//! What the kernel takes when a text is written to a parameter.
//!
//! `sysctl -p`, `sysctl --system` and systemd-sysctl write the whole text after `=`
//! (trimmed, followed by a newline) to the parameter's `/proc/sys` file; TuneD writes it
//! without the newline. Real files carry comments after the number (`32768 # note`), and
//! the kernel's handlers decide what survives. This module models those handlers as they
//! are in `kernel/sysctl.c` and `net/ipv4/sysctl_net_ipv4.c` (checked against the 6.12 and
//! current sources, and against the running kernel by the `catalog_kernel` suite):
//!
//! - Integer handlers (`__do_proc_dointvec`, `do_proc_douintvec_w` behind
//!   `proc_dou8vec_minmax`/`proc_douintvec_minmax`, `__do_proc_doulongvec_minmax`): skip
//!   leading white space (`proc_skip_spaces`, C `isspace`), then read one integer per
//!   element with `proc_get_long`: an optional `-`, then digits in base 0 as `strtoul`
//!   reads them (`0x1f` is hex, `010` is octal), which must be followed by a space, a tab
//!   or a newline, or end the text. Whatever follows the last element is ignored, so
//!   `32768 # note` sets 32768 and `1 2` sets a scalar to 1. Each element is range
//!   checked; vector handlers store element by element, so a short vector
//!   (`4096 87380` for `tcp_rmem`) changes only the first elements, and an error on a
//!   later element leaves the earlier ones written.
//! - String handlers (`proc_dostring` behind `tcp_congestion_control` and
//!   `default_qdisc`): the text up to the first newline or NUL is the name, whole:
//!   `reno # note` names no algorithm and fails with ENOENT.
//! - `proc_do_large_bitmap` (`ip_local_reserved_ports`): ports and ranges separated by
//!   commas, no spaces; anything else is EINVAL.
//!
//! A well-formed name is taken as written: whether an algorithm or qdisc of that name is
//! registered (or loadable) depends on the host, not on the text.
//!
//! Checks the handlers make against other parameters (`tcp_reordering` against
//! `tcp_max_reordering`, the port range against `ip_unprivileged_port_start`) use the
//! values the caller knows, else the other parameter's fixed default.

use super::Value;
use crate::catalog::{self, Kind, Limit, NameKind, Param, Storage};

/// What the kernel does with one write to a parameter.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum KernelWrite {
    /// The write succeeds and the parameter then holds `value`.
    Takes {
        /// The value the parameter holds after the write.
        value: Value,
        /// Text after the value that the kernel skipped, trimmed (empty when none), e.g.
        /// `# 64 MB` after a `tcp_rmem` triple.
        ignored: String,
    },
    /// Only the first elements of a vector are stored; the others keep their value.
    Prefix {
        /// The elements stored, in order.
        elements: Vec<i128>,
        /// Set when the write then fails (EINVAL) on the next element: the elements
        /// above were written all the same.
        error: Option<String>,
    },
    /// The write fails and the parameter keeps its value.
    Rejects(String),
}

/// What the kernel takes when `written` (the text after `=` in a sysctl.d file, or what
/// TuneD writes) is written to `param`: `Ok` with the value the parameter then holds,
/// `Err` with why it is not that simple — the kernel rejects the text, or stores only
/// part of a vector.
///
/// Checks against other parameters use their fixed defaults; [`kernel_write`] takes
/// their actual values and tells a partial write apart.
pub fn kernel_takes(param: &Param, written: &str) -> Result<Value, String> {
    match kernel_write(param, written, &|_| None) {
        KernelWrite::Takes { value, .. } => Ok(value),
        KernelWrite::Prefix { elements, error } => Err(prefix_message(param, &elements, error)),
        KernelWrite::Rejects(why) => Err(why),
    }
}

/// Describe a partial vector write.
pub fn prefix_message(param: &Param, elements: &[i128], error: Option<String>) -> String {
    let Kind::Vector(labels) = param.kind else {
        return error.unwrap_or_default();
    };
    let set = labels[..elements.len().min(labels.len())].join("`, `");
    let kept = labels[elements.len().min(labels.len())..].join("`, `");
    match error {
        Some(e) if elements.is_empty() => e,
        Some(e) => format!("{e}, after storing `{set}` and keeping `{kept}`"),
        None => format!(
            "the kernel stores only `{set}` and keeps the current `{kept}`: `{}`",
            elements
                .iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(" ")
        ),
    }
}

/// What the kernel does when `written` is written to `param`, given the current values of
/// other parameters (`other`; `None` falls back to their fixed defaults).
pub fn kernel_write(
    param: &Param,
    written: &str,
    other: &dyn Fn(&str) -> Option<Value>,
) -> KernelWrite {
    if param.read_only {
        return KernelWrite::Rejects("the parameter is read-only".into());
    }
    // The tools write the text followed by a newline; the kernel looks at no more than
    // one page minus one byte of it.
    let mut buf = written.as_bytes().to_vec();
    buf.push(b'\n');
    buf.truncate(PAGE_SIZE - 1);
    let other_int = |name: &str| -> Option<i128> {
        match other(name) {
            Some(v) => v.as_int(),
            None => catalog::lookup(name)?
                .fixed_default(None)?
                .trim()
                .parse()
                .ok(),
        }
    };
    match (param.kind, param.storage) {
        (Kind::Name(kind), _) => name(kind, &buf),
        (Kind::NameList(_), _) => name_list(&buf),
        (Kind::PortList, _) => ports(&buf),
        (Kind::Text, _) => text(param, &buf),
        (Kind::Vector(labels), storage) => {
            let result = integers(param, storage, labels.len(), &buf, &other_int);
            if param.name == "net.ipv4.ip_local_port_range" {
                port_range(result, other, &other_int)
            } else {
                result
            }
        }
        (Kind::Integer | Kind::Boolean, storage) => {
            let result = integers(param, storage, 1, &buf, &other_int);
            match (param.name, &result) {
                ("net.ipv4.ip_unprivileged_port_start", KernelWrite::Takes { value, .. }) => {
                    let low = other("net.ipv4.ip_local_port_range")
                        .map(|v| v.ints())
                        .and_then(|v| v.first().copied())
                        .or_else(|| {
                            default_ints("net.ipv4.ip_local_port_range")
                                .first()
                                .copied()
                        });
                    match (value.as_int(), low) {
                        (Some(start), Some(low)) if start > low => KernelWrite::Rejects(format!(
                            "the kernel keeps it at or below the low end of \
                             `ip_local_port_range` ({low}): `{start}`"
                        )),
                        _ => result,
                    }
                }
                _ => result,
            }
        }
    }
}

const PAGE_SIZE: usize = 4096;

/// `proc_get_long` copies at most this many bytes (`TMPBUFLEN - 1`) and refuses a number
/// that fills them.
const TMP_LEN: usize = 21;

/// C `isspace`.
fn is_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | b'\r' | 0x0b | 0x0c)
}

/// The characters `proc_get_long` accepts after a number (`proc_wspace_sep`).
const WSPACE_SEP: &[u8] = b" \t\n";

/// Text for messages: what was written, without the newline the tools add.
fn shown(buf: &[u8]) -> String {
    let s = String::from_utf8_lossy(buf);
    s.strip_suffix('\n')
        .unwrap_or(&s)
        .escape_debug()
        .to_string()
}

/// `proc_get_long`: one integer at the start of `buf` (no leading space). Returns the
/// magnitude, the sign and the bytes consumed, or why the kernel refuses it.
fn get_long(buf: &[u8], trailers: &[u8]) -> Result<(u64, bool, usize), String> {
    if buf.is_empty() {
        return Err("the kernel finds no number".into());
    }
    let tmp = &buf[..buf.len().min(TMP_LEN)];
    let neg = tmp[0] == b'-' && buf.len() > 1;
    let digits = if neg { &tmp[1..] } else { tmp };
    if !digits.first().is_some_and(u8::is_ascii_digit) {
        return Err(format!(
            "the kernel reads a number and finds `{}`",
            shown(&buf[..buf.iter().position(|&b| b == b'\n').unwrap_or(buf.len())])
        ));
    }
    // strtoul base 0: `0x` + hex digit is hex, a leading 0 octal, else decimal.
    let (base, skip) = if digits[0] == b'0' {
        if digits.get(1).is_some_and(|&b| b | 0x20 == b'x')
            && digits.get(2).is_some_and(u8::is_ascii_hexdigit)
        {
            (16, 2)
        } else {
            (8, 0)
        }
    } else {
        (10, 0)
    };
    let mut value: u64 = 0;
    let mut end = skip;
    while let Some(d) = digits.get(end).and_then(|&b| (b as char).to_digit(base)) {
        value = value
            .checked_mul(u64::from(base))
            .and_then(|v| v.checked_add(u64::from(d)))
            .ok_or_else(|| format!("the number is too large for the kernel: `{}`", shown(buf)))?;
        end += 1;
    }
    let len = end + usize::from(neg);
    if len == TMP_LEN {
        return Err(format!(
            "the kernel refuses numbers of {TMP_LEN} characters or more: `{}`",
            shown(buf)
        ));
    }
    if len < buf.len() && !trailers.contains(&buf[len]) {
        let word_end = buf[len..]
            .iter()
            .position(|&b| is_space(b))
            .map_or(buf.len(), |i| len + i);
        return Err(format!(
            "the kernel needs a space, a tab or the end of the line after a number: `{}`",
            shown(&buf[..word_end])
        ));
    }
    Ok((value, neg, len))
}

/// The integer handlers: `elements` values (1 for scalars), each checked against the
/// storage type and the catalog's bounds.
fn integers(
    param: &Param,
    storage: Storage,
    elements: usize,
    buf: &[u8],
    other: &dyn Fn(&str) -> Option<i128>,
) -> KernelWrite {
    let mut stored = Vec::new();
    let mut rest = buf;
    let mut error = None;
    while stored.len() < elements {
        rest = skip_spaces(rest);
        if rest.is_empty() {
            break;
        }
        match get_long(rest, WSPACE_SEP).and_then(|(magnitude, neg, len)| {
            convert(param, storage, magnitude, neg, other).map(|v| (v, len))
        }) {
            Ok((v, len)) => {
                stored.push(v);
                rest = &rest[len..];
            }
            Err(e) => {
                error = Some(e);
                break;
            }
        }
    }
    if stored.is_empty() {
        return KernelWrite::Rejects(
            error.unwrap_or_else(|| "the kernel rejects an empty value".to_string()),
        );
    }
    // The unsigned handlers (u8, unsigned int) take one value and never store part of it.
    if error.is_some() && matches!(storage, Storage::U8 | Storage::UInt) {
        return KernelWrite::Rejects(error.unwrap_or_default());
    }
    if stored.len() < elements || error.is_some() {
        return KernelWrite::Prefix {
            elements: stored,
            error,
        };
    }
    let ignored = shown(skip_spaces(rest)).trim().to_string();
    let value = match param.kind {
        Kind::Vector(_) => Value::Vector(stored),
        _ => Value::Int(stored[0]),
    };
    KernelWrite::Takes { value, ignored }
}

fn skip_spaces(mut buf: &[u8]) -> &[u8] {
    while let Some((&b, rest)) = buf.split_first() {
        if !is_space(b) {
            break;
        }
        buf = rest;
    }
    buf
}

/// The conversion each handler applies to one number: the storage type's range, then
/// the table's `extra1`/`extra2` bounds.
fn convert(
    param: &Param,
    storage: Storage,
    magnitude: u64,
    neg: bool,
    other: &dyn Fn(&str) -> Option<i128>,
) -> Result<i128, String> {
    let m = i128::from(magnitude);
    let written = if neg { -m } else { m };
    let shown_value = || written.to_string();
    let value = match storage {
        Storage::U8 | Storage::UInt | Storage::ULong if neg => {
            return Err(format!(
                "the kernel takes no negative number here: `{}`",
                shown_value()
            ));
        }
        Storage::MsJiffies => {
            // msecs_to_jiffies takes an unsigned int and treats (int) < 0 as infinite,
            // which the handler refuses.
            let ms = (written.rem_euclid(1 << 32)) as u32;
            if ms > i32::MAX as u32 {
                return Err(format!(
                    "the kernel accepts 0 to {} milliseconds: `{}`",
                    i32::MAX,
                    shown_value()
                ));
            }
            i128::from(ms)
        }
        _ => written,
    };
    let (type_min, type_max) = storage.type_range(None);
    let min = param.limit_value(param.min, false, None, other);
    let max = param.limit_value(param.max, true, None, other);
    let (lo, hi) = (min.max(type_min), max.min(type_max));
    if value < lo || value > hi {
        let bound = match (param.max, value > hi) {
            (Limit::Param(name), true) => format!(
                "the kernel keeps it at or below `{name}` ({hi})",
                name = name.rsplit('.').next().unwrap_or(name)
            ),
            _ => format!("the kernel accepts {lo} to {hi}"),
        };
        return Err(format!("{bound}: `{}`", shown_value()));
    }
    Ok(value)
}

/// `ipv4_local_port_range`: the handler parses into a copy, so nothing is stored on an
/// error, and then wants `low <= high` and `low >= ip_unprivileged_port_start`.
fn port_range(
    result: KernelWrite,
    other: &dyn Fn(&str) -> Option<Value>,
    other_int: &dyn Fn(&str) -> Option<i128>,
) -> KernelWrite {
    let current = other("net.ipv4.ip_local_port_range")
        .map(|v| v.ints())
        .unwrap_or_else(|| default_ints("net.ipv4.ip_local_port_range"));
    let (range, ignored) = match result {
        KernelWrite::Takes { value, ignored } => (value.ints(), ignored),
        KernelWrite::Prefix { error: Some(e), .. } => return KernelWrite::Rejects(e),
        KernelWrite::Prefix {
            elements,
            error: None,
        } => {
            let mut range = elements;
            range.extend(current.iter().skip(range.len()).copied());
            if range.len() < 2 {
                return KernelWrite::Prefix {
                    elements: range,
                    error: None,
                };
            }
            (range, String::new())
        }
        rejects @ KernelWrite::Rejects(_) => return rejects,
    };
    let (low, high) = (range[0], range[1]);
    let start = other_int("net.ipv4.ip_unprivileged_port_start").unwrap_or(1024);
    if high < low {
        return KernelWrite::Rejects(format!(
            "the kernel wants the high end at or above the low end: `{low} {high}`"
        ));
    }
    if low < start {
        return KernelWrite::Rejects(format!(
            "the kernel keeps the low end at or above `ip_unprivileged_port_start` \
             ({start}): `{low} {high}`"
        ));
    }
    KernelWrite::Takes {
        value: Value::Vector(vec![low, high]),
        ignored,
    }
}

fn default_ints(name: &str) -> Vec<i128> {
    catalog::lookup(name)
        .and_then(|p| p.fixed_default(None))
        .and_then(|d| Value::parse_kernel(Kind::Vector(&["", ""]), d))
        .map(|v| v.ints())
        .unwrap_or_default()
}

/// What `proc_dostring` stores: the text up to the first newline or NUL.
fn dostring(buf: &[u8]) -> String {
    let end = buf
        .iter()
        .position(|&b| b == b'\n' || b == 0)
        .unwrap_or(buf.len());
    String::from_utf8_lossy(&buf[..end]).into_owned()
}

/// `proc_dostring`, then the handler looks the name up as a whole.
fn name(kind: NameKind, buf: &[u8]) -> KernelWrite {
    let text = dostring(buf);
    let (what, errno) = match kind {
        NameKind::CongestionControl => ("congestion control algorithm", "ENOENT"),
        NameKind::Qdisc => ("queueing discipline", "ENOENT"),
    };
    let valid = !text.is_empty()
        && text.len() <= 15
        && text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if valid {
        KernelWrite::Takes {
            value: Value::Name(text),
            ignored: String::new(),
        }
    } else {
        KernelWrite::Rejects(format!(
            "the kernel looks the whole text up as a {what} name and finds none \
             ({errno}): `{}`",
            text.escape_debug()
        ))
    }
}

/// `tcp_allowed_congestion_control`: names separated by white space, each looked up.
fn name_list(buf: &[u8]) -> KernelWrite {
    let text = dostring(buf);
    let names: Vec<String> = text.split_whitespace().map(str::to_string).collect();
    match names.iter().find(|n| {
        n.len() > 15
            || !n
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-')
    }) {
        Some(bad) => KernelWrite::Rejects(format!(
            "the kernel looks each word up as a congestion control algorithm and finds \
             none (ENOENT): `{}`",
            bad.escape_debug()
        )),
        None => KernelWrite::Takes {
            value: Value::Names(names),
            ignored: String::new(),
        },
    }
}

/// `proc_do_large_bitmap`: `port` or `low-high`, separated by commas, no spaces.
fn ports(buf: &[u8]) -> KernelWrite {
    const BITS: u64 = 65536;
    let mut rest = buf;
    while rest.first() == Some(&b'\n') {
        rest = &rest[1..];
    }
    let mut ranges = Vec::new();
    while !rest.is_empty() {
        let (a, neg, len) = match get_long(rest, b"-,\n") {
            Ok(x) => x,
            Err(e) => return KernelWrite::Rejects(e),
        };
        if neg || a >= BITS {
            return KernelWrite::Rejects(format!(
                "the kernel accepts ports 0 to 65535: `{}`",
                shown(buf)
            ));
        }
        let trailer = rest.get(len).copied();
        rest = &rest[(len + 1).min(rest.len())..];
        let mut b = a;
        if trailer == Some(b'-') {
            let (hi, neg, len) = match get_long(rest, b",\n\0") {
                Ok(x) => x,
                Err(e) => return KernelWrite::Rejects(e),
            };
            if neg || hi >= BITS || hi < a {
                return KernelWrite::Rejects(format!(
                    "the kernel wants ranges `low-high` of ports 0 to 65535: `{}`",
                    shown(buf)
                ));
            }
            b = hi;
            rest = &rest[(len + 1).min(rest.len())..];
        }
        ranges.push((a as u16, b as u16));
        while rest.first() == Some(&b'\n') {
            rest = &rest[1..];
        }
    }
    KernelWrite::Takes {
        value: Value::Ports(super::normalize_ports(ranges)),
        ignored: String::new(),
    }
}

/// `tcp_fastopen_key`: `proc_dostring`, then up to two keys of four `%x` groups
/// separated by `-`, the second after a comma.
fn text(param: &Param, buf: &[u8]) -> KernelWrite {
    let text = dostring(buf);
    if param.name == "net.ipv4.tcp_fastopen_key" {
        let mut keys = text.splitn(2, ',');
        let ok = keys.all(scan_key);
        if !ok {
            // The value is a secret: never echo it.
            return KernelWrite::Rejects(
                "the kernel wants `xxxxxxxx-xxxxxxxx-xxxxxxxx-xxxxxxxx` in hex, optionally \
                 `,` and a backup key"
                    .into(),
            );
        }
    }
    KernelWrite::Takes {
        value: Value::Text(text),
        ignored: String::new(),
    }
}

/// `sscanf(key, "%x-%x-%x-%x")` matches all four groups.
fn scan_key(key: &str) -> bool {
    let mut rest = key;
    for i in 0..4 {
        rest = rest.trim_start();
        let body = rest
            .strip_prefix("0x")
            .or_else(|| rest.strip_prefix("0X"))
            .filter(|b| b.starts_with(|c: char| c.is_ascii_hexdigit()))
            .unwrap_or(rest);
        let n = body.bytes().take_while(u8::is_ascii_hexdigit).count();
        if n == 0 {
            return false;
        }
        rest = &body[n..];
        if i < 3 {
            match rest.strip_prefix('-') {
                Some(r) => rest = r,
                None => return false,
            }
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::lookup;

    fn takes(name: &str, written: &str) -> Result<Value, String> {
        kernel_takes(lookup(name).unwrap(), written)
    }

    fn write(name: &str, written: &str) -> KernelWrite {
        kernel_write(lookup(name).unwrap(), written, &|_| None)
    }

    #[test]
    fn trailing_comments_after_a_number_are_ignored() {
        assert_eq!(
            takes("net.core.somaxconn", "32768 # 监听队列"),
            Ok(Value::Int(32768))
        );
        assert_eq!(
            write("net.ipv4.tcp_max_syn_backlog", "1024 # 16384"),
            KernelWrite::Takes {
                value: Value::Int(1024),
                ignored: "# 16384".into()
            }
        );
        assert_eq!(
            takes("net.ipv4.tcp_rmem", "4096 87380 6291456 # 64 MB"),
            Ok(Value::Vector(vec![4096, 87380, 6291456]))
        );
        assert_eq!(takes("net.core.somaxconn", "1 2"), Ok(Value::Int(1)));
        assert_eq!(takes("net.core.somaxconn", "77\t# x"), Ok(Value::Int(77)));
    }

    #[test]
    fn a_comment_touching_the_number_is_rejected() {
        let e = takes("net.core.somaxconn", "32768# x").unwrap_err();
        assert_eq!(
            e,
            "the kernel needs a space, a tab or the end of the line after a number: `32768#`"
        );
        assert!(takes("net.core.somaxconn", "16M").is_err());
        assert!(takes("net.core.somaxconn", "1.5").is_err());
        assert!(takes("net.core.somaxconn", "\"3\"").is_err());
        assert!(takes("net.core.somaxconn", "").is_err());
        assert!(takes("net.core.somaxconn", "+5").is_err());
        assert!(takes("net.core.somaxconn", "- 5").is_err());
        assert!(takes("net.core.somaxconn", "4096,").is_err());
    }

    #[test]
    fn numbers_are_read_as_strtoul_base_0() {
        assert_eq!(takes("net.core.somaxconn", "010"), Ok(Value::Int(8)));
        assert_eq!(takes("net.core.somaxconn", "0x10"), Ok(Value::Int(16)));
        assert_eq!(
            takes("net.ipv4.tcp_fastopen", "0x403"),
            Ok(Value::Int(1027))
        );
        assert!(takes("net.core.somaxconn", "08").is_err());
        assert!(takes("net.core.somaxconn", "0x").is_err());
        assert!(takes("net.core.somaxconn", "99999999999999999999").is_err());
        assert!(takes("net.core.somaxconn", "000000000000000000001").is_err());
    }

    #[test]
    fn ranges_follow_the_storage_and_the_bounds() {
        assert!(takes("net.core.somaxconn", "2147483648").is_err());
        assert!(takes("net.core.somaxconn", "-5").is_err()); // extra1 = 0
        assert!(takes("net.ipv4.tcp_syn_retries", "300").is_err());
        assert!(takes("net.ipv4.tcp_syn_retries", "-3").is_err());
        assert_eq!(
            takes("net.ipv4.tcp_fin_timeout", "-15"),
            Ok(Value::Int(-15))
        );
        assert!(takes("net.ipv4.tcp_notsent_lowat", "-1").is_err());
        assert_eq!(takes("net.ipv4.tcp_sack", "2"), Ok(Value::Int(2)));
        assert!(takes("net.ipv4.tcp_reordering", "301").is_err());
        assert_eq!(
            kernel_write(lookup("net.ipv4.tcp_reordering").unwrap(), "301", &|n| (n
                == "net.ipv4.tcp_max_reordering")
                .then_some(Value::Int(1000))),
            KernelWrite::Takes {
                value: Value::Int(301),
                ignored: String::new()
            }
        );
        // msecs_to_jiffies takes an unsigned int
        assert_eq!(
            takes("net.ipv4.tcp_invalid_ratelimit", "4294967296"),
            Ok(Value::Int(0))
        );
        assert!(takes("net.ipv4.tcp_invalid_ratelimit", "-1").is_err());
    }

    #[test]
    fn short_vectors_store_a_prefix() {
        assert_eq!(
            write("net.ipv4.tcp_rmem", "4096 87380"),
            KernelWrite::Prefix {
                elements: vec![4096, 87380],
                error: None
            }
        );
        match write("net.ipv4.tcp_rmem", "4096 87380 # c") {
            KernelWrite::Prefix {
                elements,
                error: Some(_),
            } => assert_eq!(elements, [4096, 87380]),
            other => panic!("{other:?}"),
        }
        assert_eq!(
            takes("net.ipv4.tcp_rmem", "4096 87380").unwrap_err(),
            "the kernel stores only `min`, `default` and keeps the current `max`: `4096 87380`"
        );
        // the port range handler works on a copy: all or nothing, then its own checks
        assert_eq!(
            takes("net.ipv4.ip_local_port_range", "40000"),
            Ok(Value::Vector(vec![40000, 60999]))
        );
        assert!(takes("net.ipv4.ip_local_port_range", "1000 65000").is_err());
        assert!(takes("net.ipv4.ip_local_port_range", "50000 40000").is_err());
        assert!(takes("net.ipv4.ip_unprivileged_port_start", "40000").is_err());
    }

    #[test]
    fn names_are_taken_whole() {
        assert_eq!(
            takes("net.ipv4.tcp_congestion_control", "bbr"),
            Ok(Value::Name("bbr".into()))
        );
        assert!(takes("net.ipv4.tcp_congestion_control", "reno # c").is_err());
        assert!(takes("net.ipv4.tcp_congestion_control", " reno").is_err());
    }

    #[test]
    fn port_lists_take_no_spaces() {
        assert_eq!(
            takes("net.ipv4.ip_local_reserved_ports", "9000-9100,8080"),
            Ok(Value::Ports(vec![(8080, 8080), (9000, 9100)]))
        );
        assert_eq!(
            takes("net.ipv4.ip_local_reserved_ports", ""),
            Ok(Value::Ports(vec![]))
        );
        assert_eq!(
            takes("net.ipv4.ip_local_reserved_ports", "8080,"),
            Ok(Value::Ports(vec![(8080, 8080)]))
        );
        assert!(takes("net.ipv4.ip_local_reserved_ports", "8080, 9000").is_err());
        assert!(takes("net.ipv4.ip_local_reserved_ports", "8080 # c").is_err());
        assert!(takes("net.ipv4.ip_local_reserved_ports", "9100-9000").is_err());
        assert!(takes("net.ipv4.ip_local_reserved_ports", "65536").is_err());
    }

    #[test]
    fn secrets_are_never_echoed() {
        let e = takes("net.ipv4.tcp_fastopen_key", "deadbeef-secret").unwrap_err();
        assert!(!e.contains("deadbeef"), "{e}");
        assert!(takes("net.ipv4.tcp_fastopen_key", "1-2-3-4,a-b-c-d").is_ok());
    }

    #[test]
    fn read_only_parameters_reject_writes() {
        assert!(takes("net.ipv4.tcp_available_congestion_control", "reno").is_err());
    }
}
