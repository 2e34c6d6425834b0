//! Typed kernel values, and the exact conversion of what a policy writes (`16MiB`, `10m`,
//! `[4KiB, 128KiB, 16MiB]`, `{low: 32768, high: 60999}`) into them.
//!
//! Unit parsing is written here rather than taken from a crate on purpose: the policy
//! language accepts a closed set of binary size units and kernel time units, must reject
//! every inexact conversion, and must never accept decimal `KB` (1000) or month/year
//! units that general-purpose parsers allow.

mod kernel;

pub use kernel::{KernelWrite, kernel_takes, kernel_write, prefix_message};

use crate::catalog::{Kind, NameKind, Param, Unit};
use crate::model::{RawScalar, RawValue};
use serde::Serialize;
use std::fmt;

/// Bytes per page used to convert sizes written for `tcp_mem` (x86_64 and most arm64).
pub const PAGE_SIZE: u128 = 4096;

/// A value of a kernel parameter, in the kernel's own unit.
#[derive(Clone, Debug, PartialEq, Eq, Hash, Serialize)]
#[serde(untagged)]
pub enum Value {
    /// One integer (booleans are 0/1).
    Int(i128),
    /// A fixed-length integer vector.
    Vector(Vec<i128>),
    /// One name.
    Name(String),
    /// A list of names.
    Names(Vec<String>),
    /// Port ranges, sorted and merged.
    Ports(Vec<(u16, u16)>),
    /// Opaque text.
    Text(String),
}

impl Value {
    /// The text to write to `/proc/sys` (and into a sysctl.d file).
    pub fn to_kernel(&self) -> String {
        match self {
            Value::Int(i) => i.to_string(),
            Value::Vector(v) => join(v.iter().map(ToString::to_string), " "),
            Value::Name(n) | Value::Text(n) => n.clone(),
            Value::Names(n) => n.join(" "),
            Value::Ports(p) => join(
                p.iter().map(|(a, b)| {
                    if a == b {
                        a.to_string()
                    } else {
                        format!("{a}-{b}")
                    }
                }),
                ",",
            ),
        }
    }

    /// Parse what the kernel prints for a parameter of `kind`, ignoring tabs, spacing and
    /// boolean spellings, so that comparison is semantic.
    pub fn parse_kernel(kind: Kind, text: &str) -> Option<Value> {
        let text = text.trim();
        match kind {
            Kind::Integer | Kind::Boolean => parse_int_word(text).map(Value::Int),
            Kind::Vector(labels) => {
                let v: Option<Vec<i128>> = text.split_whitespace().map(parse_int_word).collect();
                let v = v?;
                (v.len() == labels.len()).then_some(Value::Vector(v))
            }
            Kind::Name(_) => Some(Value::Name(text.to_string())),
            Kind::NameList(_) => Some(Value::Names(
                text.split_whitespace().map(str::to_string).collect(),
            )),
            Kind::PortList => parse_port_text(text).ok().map(Value::Ports),
            Kind::Text => Some(Value::Text(text.to_string())),
        }
    }

    /// The integer, for scalar values.
    pub fn as_int(&self) -> Option<i128> {
        match self {
            Value::Int(i) => Some(*i),
            _ => None,
        }
    }

    /// The integers of a scalar or vector.
    pub fn ints(&self) -> Vec<i128> {
        match self {
            Value::Int(i) => vec![*i],
            Value::Vector(v) => v.clone(),
            _ => Vec::new(),
        }
    }
}

impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_kernel())
    }
}

fn join(items: impl Iterator<Item = String>, sep: &str) -> String {
    items.collect::<Vec<_>>().join(sep)
}

fn parse_int_word(w: &str) -> Option<i128> {
    match w {
        "true" | "yes" | "on" => Some(1),
        "false" | "no" | "off" => Some(0),
        _ => w.parse().ok(),
    }
}

/// What went wrong converting a written value.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ConvertError {
    /// Which problem (decides the diagnostic code).
    pub kind: ConvertErrorKind,
    /// JSON-pointer suffix below the value (`/1`, `/max`) of the element at fault.
    pub element: Option<String>,
    /// The message (lower case, value last).
    pub message: String,
    /// How to fix it.
    pub help: Option<String>,
}

/// The classes of conversion error; each maps to one diagnostic code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ConvertErrorKind {
    /// The value's shape does not fit the parameter (list for a scalar, name for an integer).
    WrongKind,
    /// A unit of the wrong dimension or on a unitless parameter.
    UnitNotAllowed,
    /// The conversion would round.
    Inexact,
    /// Not a number, unknown unit, leading zeros, overflow.
    Malformed,
    /// An invalid name.
    InvalidName,
    /// An invalid port list.
    InvalidPorts,
    /// Text that does not have the parameter's format.
    InvalidText,
}

impl ConvertError {
    fn new(kind: ConvertErrorKind, message: impl Into<String>) -> Self {
        ConvertError {
            kind,
            element: None,
            message: message.into(),
            help: None,
        }
    }

    fn help(mut self, help: impl Into<String>) -> Self {
        self.help = Some(help.into());
        self
    }

    fn at(mut self, element: String) -> Self {
        if self.element.is_none() {
            self.element = Some(element);
        }
        self
    }
}

/// Convert a written value for `param` into a kernel value.
pub fn convert(param: &Param, raw: &RawValue) -> Result<Value, ConvertError> {
    match (param.kind, raw) {
        (Kind::Integer | Kind::Boolean, RawValue::Scalar(s)) => {
            convert_int(param, s).map(Value::Int)
        }
        (Kind::Vector(labels), RawValue::List(items)) => {
            if items.len() != labels.len() {
                return Err(ConvertError::new(
                    ConvertErrorKind::WrongKind,
                    format!(
                        "`{}` takes {} values `[{}]`: found {}",
                        param.name,
                        labels.len(),
                        labels.join(", "),
                        items.len()
                    ),
                ));
            }
            let mut out = Vec::with_capacity(items.len());
            for (i, item) in items.iter().enumerate() {
                out.push(convert_int(param, item).map_err(|e| e.at(format!("/{i}")))?);
            }
            Ok(Value::Vector(out))
        }
        (Kind::Vector(labels), RawValue::Map(map)) => {
            if let Some(extra) = map.keys().find(|k| !labels.contains(&k.as_str())) {
                return Err(ConvertError::new(
                    ConvertErrorKind::WrongKind,
                    format!("`{}` has no element named `{extra}`", param.name),
                )
                .help(format!("the elements are `{}`", labels.join("`, `")))
                .at(format!("/{extra}")));
            }
            let mut out = Vec::with_capacity(labels.len());
            for label in labels {
                let item = map.get(*label).ok_or_else(|| {
                    ConvertError::new(
                        ConvertErrorKind::WrongKind,
                        format!(
                            "`{}` needs all of `{}`: `{label}` is missing",
                            param.name,
                            labels.join("`, `")
                        ),
                    )
                })?;
                out.push(convert_int(param, item).map_err(|e| e.at(format!("/{label}")))?);
            }
            Ok(Value::Vector(out))
        }
        (Kind::Vector(labels), RawValue::Scalar(RawScalar::Text(t)))
            if t.split_whitespace().count() == labels.len() =>
        {
            let items: Vec<RawScalar> = t
                .split_whitespace()
                .map(|w| RawScalar::Text(w.to_string()))
                .collect();
            convert(param, &RawValue::List(items))
        }
        (Kind::Name(kind), RawValue::Scalar(RawScalar::Text(t))) => {
            check_name(kind, t).map(|()| Value::Name(t.clone()))
        }
        (Kind::NameList(kind), RawValue::List(items)) => {
            let mut names = Vec::new();
            for (i, item) in items.iter().enumerate() {
                match item {
                    RawScalar::Text(t) => {
                        check_name(kind, t).map_err(|e| e.at(format!("/{i}")))?;
                        names.push(t.clone());
                    }
                    other => {
                        return Err(ConvertError::new(
                            ConvertErrorKind::WrongKind,
                            format!("expected a name: found `{}`", other.display()),
                        )
                        .at(format!("/{i}")));
                    }
                }
            }
            Ok(Value::Names(names))
        }
        (Kind::NameList(kind), RawValue::Scalar(RawScalar::Text(t))) => {
            let names: Vec<String> = t.split_whitespace().map(str::to_string).collect();
            for n in &names {
                check_name(kind, n)?;
            }
            Ok(Value::Names(names))
        }
        (Kind::PortList, RawValue::List(items)) => {
            let mut ranges = Vec::new();
            for (i, item) in items.iter().enumerate() {
                let r = match item {
                    RawScalar::Int(p) => port(i128::from(*p)).map(|p| (p, p)),
                    RawScalar::UInt(p) => port(i128::from(*p)).map(|p| (p, p)),
                    RawScalar::Text(t) => parse_port_range(t),
                    RawScalar::Bool(b) => Err(ConvertError::new(
                        ConvertErrorKind::InvalidPorts,
                        format!("expected a port or `low-high` range: found `{b}`"),
                    )),
                };
                ranges.push(r.map_err(|e| e.at(format!("/{i}")))?);
            }
            Ok(Value::Ports(normalize_ports(ranges)))
        }
        (Kind::PortList, RawValue::Scalar(RawScalar::Text(t))) => {
            parse_port_text(t).map(Value::Ports)
        }
        (Kind::PortList, RawValue::Scalar(RawScalar::Int(p))) => {
            port(i128::from(*p)).map(|p| Value::Ports(vec![(p, p)]))
        }
        (Kind::Text, RawValue::Scalar(RawScalar::Text(t))) => {
            check_text(param, t).map(|()| Value::Text(t.clone()))
        }
        (kind, raw) => Err(ConvertError::new(
            ConvertErrorKind::WrongKind,
            format!(
                "`{}` takes {}: found `{}`",
                param.name,
                kind.describe(),
                raw.display()
            ),
        )
        .help(kind_help(param))),
    }
}

fn kind_help(param: &Param) -> String {
    match param.kind {
        Kind::Vector(labels) => format!(
            "write `[{}]` or `{{{}}}`",
            labels.join(", "),
            labels
                .iter()
                .map(|l| format!("{l}: ..."))
                .collect::<Vec<_>>()
                .join(", ")
        ),
        Kind::Boolean => "write `true` or `false`".into(),
        Kind::Integer => match param.unit {
            Unit::Bytes => "write an integer number of bytes or a size such as `16MiB`".into(),
            Unit::Pages => "write an integer number of pages or a size such as `1GiB`".into(),
            u if u.nanos().is_some() => format!(
                "write an integer number of {} or a duration such as `10m`",
                unit_word(u)
            ),
            _ => "write an integer".into(),
        },
        Kind::Name(_) => "write a name, e.g. `bbr`".into(),
        Kind::NameList(_) => "write a list of names".into(),
        Kind::PortList => "write a list such as `[8080, \"9000-9100\"]`".into(),
        Kind::Text => "write a string".into(),
    }
}

fn unit_word(unit: Unit) -> &'static str {
    match unit {
        Unit::Seconds => "seconds",
        Unit::Milliseconds => "milliseconds",
        Unit::Microseconds => "microseconds",
        Unit::Nanoseconds => "nanoseconds",
        Unit::Bytes => "bytes",
        Unit::Pages => "pages",
        Unit::Percent => "percent",
        Unit::Packets => "packets",
        Unit::None => "units",
    }
}

fn convert_int(param: &Param, raw: &RawScalar) -> Result<i128, ConvertError> {
    match raw {
        RawScalar::Int(i) => Ok(i128::from(*i)),
        RawScalar::UInt(u) => Ok(i128::from(*u)),
        RawScalar::Bool(b) if param.kind == Kind::Boolean => Ok(i128::from(*b)),
        RawScalar::Bool(b) => Err(ConvertError::new(
            ConvertErrorKind::WrongKind,
            format!(
                "`{}` takes {}: found `{b}`",
                param.name,
                param.kind.describe()
            ),
        )
        .help(kind_help(param))),
        RawScalar::Text(t) => parse_quantity(param, t),
    }
}

/// Parse `16MiB`, `1.5s`, `300`, `-1` for `param`'s unit.
fn parse_quantity(param: &Param, text: &str) -> Result<i128, ConvertError> {
    let t = text.trim();
    if param.kind == Kind::Boolean {
        let lower = t.to_ascii_lowercase();
        if lower == "true" || lower == "false" {
            return Err(ConvertError::new(
                ConvertErrorKind::WrongKind,
                format!("`{}` is a boolean: found the string `\"{t}\"`", param.name),
            )
            .help(format!("write `{lower}` without quotes")));
        }
        if ["yes", "no", "on", "off", "y", "n"].contains(&lower.as_str()) {
            return Err(ConvertError::new(
                ConvertErrorKind::WrongKind,
                format!(
                    "`{}` is a boolean: found the YAML 1.1 spelling `{t}`",
                    param.name
                ),
            )
            .help("write `true` or `false`; other YAML tools read `yes`/`on` differently"));
        }
    }
    let split = t
        .find(|c: char| !(c.is_ascii_digit() || c == '.' || c == '-' || c == '+'))
        .unwrap_or(t.len());
    let (number, unit) = (t[..split].trim(), t[split..].trim());
    if number.is_empty() {
        return Err(ConvertError::new(
            ConvertErrorKind::WrongKind,
            format!(
                "`{}` takes {}: found `{t}`",
                param.name,
                param.kind.describe()
            ),
        )
        .help(kind_help(param)));
    }
    let (mantissa, scale) = parse_decimal(number).ok_or_else(|| {
        ConvertError::new(ConvertErrorKind::Malformed, format!("not a number: `{t}`"))
    })?;
    let digits = number.trim_start_matches(['-', '+']);
    if digits.len() > 1 && digits.starts_with('0') && !digits.starts_with("0.") {
        return Err(ConvertError::new(
            ConvertErrorKind::Malformed,
            format!("number with a leading zero is ambiguous (octal in YAML 1.1): `{t}`"),
        )
        .help(format!("write `{}`", digits.trim_start_matches('0'))));
    }
    // value = mantissa / 10^scale * factor_num / factor_den, in the parameter's unit
    let (num, den) = unit_factor(param, unit)?;
    let numerator = mantissa.checked_mul(num).ok_or_else(|| overflow(t))?;
    let denominator = 10i128
        .checked_pow(scale)
        .and_then(|p| p.checked_mul(den))
        .ok_or_else(|| overflow(t))?;
    if numerator % denominator != 0 {
        let exact = numerator as f64 / denominator as f64;
        return Err(ConvertError::new(
            ConvertErrorKind::Inexact,
            format!(
                "`{t}` is not a whole number of {} for `{}`: it would be {exact}",
                unit_word(param.unit),
                param.name
            ),
        )
        .help(format!(
            "`{}` is set in {}; give a value that converts exactly",
            param.name,
            unit_word(param.unit)
        )));
    }
    Ok(numerator / denominator)
}

fn overflow(t: &str) -> ConvertError {
    ConvertError::new(
        ConvertErrorKind::Malformed,
        format!("number is too large: `{t}`"),
    )
}

/// `-12.50` → (-1250, 2).
fn parse_decimal(s: &str) -> Option<(i128, u32)> {
    let (neg, body) = match s.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    let (int, frac) = body.split_once('.').unwrap_or((body, ""));
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    if !int.bytes().all(|b| b.is_ascii_digit()) || !frac.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    if body.contains('.') && frac.is_empty() {
        return None;
    }
    let scale = u32::try_from(frac.len()).ok()?;
    let joined = format!("{int}{frac}");
    let m: i128 = joined.parse().ok()?;
    Some((if neg { -m } else { m }, scale))
}

/// The size units a policy may write (binary only), each with its spellings and bytes.
pub const SIZE_UNITS: &[(&[&str], i128)] = &[
    (&["B"], 1),
    (&["KiB", "K", "k"], 1 << 10),
    (&["MiB", "M"], 1 << 20),
    (&["GiB", "G"], 1 << 30),
    (&["TiB", "T"], 1 << 40),
];

/// The duration units a policy may write, each with its spellings and nanoseconds.
pub const TIME_UNITS: &[(&[&str], i128)] = &[
    (&["ns"], 1),
    (&["us", "µs"], 1_000),
    (&["ms"], 1_000_000),
    (&["s", "sec"], 1_000_000_000),
    (&["m", "min"], 60_000_000_000),
    (&["h"], 3_600_000_000_000),
    (&["d"], 86_400_000_000_000),
];

/// The factor (numerator, denominator) turning one `unit` into the parameter's unit.
fn unit_factor(param: &Param, unit: &str) -> Result<(i128, i128), ConvertError> {
    if unit.is_empty() {
        return Ok((1, 1));
    }
    let find = |table: &[(&[&str], i128)]| {
        table
            .iter()
            .find(|(names, _)| names.contains(&unit))
            .map(|(_, factor)| *factor)
    };
    let size = find(SIZE_UNITS);
    let nanos = find(TIME_UNITS);
    let not_allowed = |what: &str| {
        ConvertError::new(
            ConvertErrorKind::UnitNotAllowed,
            format!(
                "`{}` is {}: a {what} unit does not apply: `{unit}`",
                param.name,
                match param.unit {
                    Unit::Bytes => "in bytes".to_string(),
                    Unit::Pages => "in pages".to_string(),
                    Unit::None => "a plain number".to_string(),
                    u => format!("in {}", unit_word(u)),
                }
            ),
        )
        .help(kind_help(param))
    };
    match (param.unit, size, nanos) {
        (Unit::Bytes, Some(bytes), _) => Ok((bytes, 1)),
        (Unit::Pages, Some(bytes), _) => Ok((bytes, PAGE_SIZE as i128)),
        (u, _, Some(n)) if u.nanos().is_some() => {
            let per = u.nanos().map_or(1, |p| p as i128);
            Ok((n, per))
        }
        (_, Some(_), _) => Err(not_allowed("size")),
        (_, _, Some(_)) => Err(not_allowed("time")),
        _ => {
            let help = match unit {
                "KB" | "kB" | "MB" | "GB" | "TB" => {
                    format!(
                        "write `{}iB`: tcppolicy uses binary units only (1 KiB = 1024 bytes)",
                        &unit[..1].to_uppercase()
                    )
                }
                _ => "sizes: B, KiB, MiB, GiB, TiB; durations: ns, us, ms, s, m, h, d".to_string(),
            };
            Err(ConvertError::new(
                ConvertErrorKind::Malformed,
                format!("unknown unit: `{unit}`"),
            )
            .help(help))
        }
    }
}

fn check_name(kind: NameKind, name: &str) -> Result<(), ConvertError> {
    let ok = !name.is_empty()
        && name.len() <= 15
        && name
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'_' || b == b'-');
    if ok {
        Ok(())
    } else {
        let what = match kind {
            NameKind::CongestionControl => "congestion control",
            NameKind::Qdisc => "queueing discipline",
        };
        Err(ConvertError::new(
            ConvertErrorKind::InvalidName,
            format!(
                "not a valid {what} name (letters, digits, `_`, `-`; at most 15): `{}`",
                name.escape_debug()
            ),
        ))
    }
}

fn check_text(param: &Param, text: &str) -> Result<(), ConvertError> {
    if param.name == "net.ipv4.tcp_fastopen_key" {
        let key_ok = |k: &str| {
            let groups: Vec<&str> = k.split('-').collect();
            groups.len() == 4
                && groups.iter().all(|g| {
                    !g.is_empty() && g.len() <= 8 && g.bytes().all(|b| b.is_ascii_hexdigit())
                })
        };
        let keys: Vec<&str> = text.split(',').collect();
        if keys.len() > 2 || !keys.iter().all(|k| key_ok(k)) {
            return Err(ConvertError::new(
                ConvertErrorKind::InvalidText,
                format!("not a TCP Fast Open key: `{}`", text.escape_debug()),
            )
            .help("write `xxxxxxxx-xxxxxxxx-xxxxxxxx-xxxxxxxx` in hex, optionally `,` and a backup key"));
        }
        return Ok(());
    }
    if text.chars().any(char::is_control) {
        return Err(ConvertError::new(
            ConvertErrorKind::InvalidText,
            format!(
                "control characters are not allowed in `{}`: `{}`",
                param.name,
                text.escape_debug()
            ),
        ));
    }
    Ok(())
}

fn port(p: i128) -> Result<u16, ConvertError> {
    u16::try_from(p).map_err(|_| {
        ConvertError::new(
            ConvertErrorKind::InvalidPorts,
            format!("not a port number (0 to 65535): `{p}`"),
        )
    })
}

fn parse_port_range(t: &str) -> Result<(u16, u16), ConvertError> {
    let t = t.trim();
    let parse = |s: &str| {
        s.trim().parse::<i128>().map_err(|_| {
            ConvertError::new(
                ConvertErrorKind::InvalidPorts,
                format!(
                    "expected a port or `low-high` range: found `{}`",
                    t.escape_debug()
                ),
            )
        })
    };
    let (lo, hi) = match t.split_once('-') {
        Some((a, b)) => (port(parse(a)?)?, port(parse(b)?)?),
        None => {
            let p = port(parse(t)?)?;
            (p, p)
        }
    };
    if hi < lo {
        return Err(ConvertError::new(
            ConvertErrorKind::InvalidPorts,
            format!("port range runs backwards: `{t}`"),
        )
        .help(format!("write `{hi}-{lo}`")));
    }
    Ok((lo, hi))
}

fn parse_port_text(t: &str) -> Result<Vec<(u16, u16)>, ConvertError> {
    if t.trim().is_empty() {
        return Ok(Vec::new());
    }
    let ranges: Result<Vec<_>, _> = t.split(',').map(parse_port_range).collect();
    Ok(normalize_ports(ranges?))
}

fn normalize_ports(mut ranges: Vec<(u16, u16)>) -> Vec<(u16, u16)> {
    ranges.sort_unstable();
    let mut out: Vec<(u16, u16)> = Vec::new();
    for (lo, hi) in ranges {
        match out.last_mut() {
            Some(last) if u32::from(lo) <= u32::from(last.1) + 1 => last.1 = last.1.max(hi),
            _ => out.push((lo, hi)),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::lookup;

    fn text(s: &str) -> RawValue {
        RawValue::Scalar(RawScalar::Text(s.into()))
    }

    fn conv(name: &str, raw: RawValue) -> Result<Value, ConvertError> {
        convert(lookup(name).unwrap(), &raw)
    }

    #[test]
    fn sizes_and_durations_convert_exactly() {
        assert_eq!(
            conv("net.core.somaxconn", RawValue::Scalar(RawScalar::Int(4096))),
            Ok(Value::Int(4096))
        );
        assert_eq!(
            conv("net.ipv4.tcp_syn_retries", text("2")),
            Ok(Value::Int(2))
        );
        let e = conv("net.ipv4.tcp_syn_retries", text("2s")).unwrap_err();
        assert_eq!(e.kind, ConvertErrorKind::UnitNotAllowed);
        let e = conv("net.ipv4.tcp_syn_retries", text("0755")).unwrap_err();
        assert_eq!(e.kind, ConvertErrorKind::Malformed);
    }

    #[test]
    fn decimal_parsing_is_exact() {
        assert_eq!(parse_decimal("1.5"), Some((15, 1)));
        assert_eq!(parse_decimal("-20"), Some((-20, 0)));
        assert_eq!(parse_decimal("1."), None);
        assert_eq!(parse_decimal("."), None);
        assert_eq!(parse_decimal("1e3"), None);
    }

    #[test]
    fn booleans_reject_yaml_11_spellings() {
        assert_eq!(
            conv(
                "net.ipv4.tcp_sack",
                RawValue::Scalar(RawScalar::Bool(false))
            ),
            Ok(Value::Int(0))
        );
        let e = conv("net.ipv4.tcp_sack", text("yes")).unwrap_err();
        assert_eq!(e.kind, ConvertErrorKind::WrongKind);
    }

    #[test]
    fn ports_normalize_and_round_trip() {
        let v = parse_port_text("3000,1000-2000,2001").unwrap();
        assert_eq!(v, vec![(1000, 2001), (3000, 3000)]);
        assert_eq!(Value::Ports(v).to_kernel(), "1000-2001,3000");
        assert!(parse_port_text("2000-1000").is_err());
        assert!(parse_port_text("65536").is_err());
        assert_eq!(parse_port_text("").unwrap(), vec![]);
    }

    #[test]
    fn kernel_text_compares_semantically() {
        let k = Kind::Vector(&["min", "default", "max"]);
        assert_eq!(
            Value::parse_kernel(k, "4096\t131072\t33554432\n"),
            Some(Value::Vector(vec![4096, 131072, 33554432]))
        );
        assert_eq!(
            Value::parse_kernel(Kind::Boolean, " 1 "),
            Some(Value::Int(1))
        );
        assert_eq!(Value::parse_kernel(k, "1 2"), None);
    }

    mod properties {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            /// Sizes convert exactly, whatever the unit.
            #[test]
            fn sizes_convert_exactly(n in 0i64..1_000_000, unit in 0usize..4) {
                let (suffix, factor) = [("B", 1i128), ("KiB", 1 << 10), ("MiB", 1 << 20), ("GiB", 1 << 30)][unit];
                let got = conv("net.ipv4.tcp_notsent_lowat", text(&format!("{n}{suffix}")));
                let want = i128::from(n) * factor;
                if want <= i128::from(u32::MAX) {
                    prop_assert_eq!(got, Ok(Value::Int(want)));
                }
            }

            /// A duration converts to seconds exactly when it is a whole number of them,
            /// and is refused otherwise.
            #[test]
            fn durations_are_exact_or_refused(ms in 0i64..10_000_000) {
                let got = conv("net.ipv4.tcp_keepalive_time", text(&format!("{ms}ms")));
                if ms % 1000 == 0 {
                    prop_assert_eq!(got, Ok(Value::Int(i128::from(ms / 1000))));
                } else {
                    prop_assert_eq!(got.unwrap_err().kind, ConvertErrorKind::Inexact);
                }
            }

            /// Port lists normalise to a canonical form the kernel's text reads back as.
            #[test]
            fn port_lists_round_trip(ranges in proptest::collection::vec((0u16..65535, 0u16..200), 0..20)) {
                let text = ranges
                    .iter()
                    .map(|(a, len)| format!("{a}-{}", a.saturating_add(*len)))
                    .collect::<Vec<_>>()
                    .join(",");
                let parsed = parse_port_text(&text).unwrap();
                let canonical = Value::Ports(parsed.clone()).to_kernel();
                prop_assert_eq!(parse_port_text(&canonical).unwrap(), parsed);
            }
        }
    }
}
