//! The parameter catalog: what tcppolicy knows about every parameter in scope.
//!
//! The catalog is data, reviewed like code: [`params::PARAMS`] holds one [`Param`] per
//! sysctl, each with its type, kernel-enforced bounds, documented domain, unit, default
//! history, namespace scope, lifetime and sources. The `catalog_kernel` test suite checks
//! it against the running kernel inside a fresh network namespace.
//!
//! **Architecture Invariant:** a parameter name becomes a path only through
//! [`Param::proc_path`], and only for names in this catalog.

mod netns_start;
mod params;

use crate::version::{Version, VersionRange};
use std::fmt;

pub use netns_start::{
    NETNS_HISTORY_FLOOR, NETNS_START, NetnsStart, Start, netns_start, per_netns_on,
    per_netns_params,
};
pub use params::PARAMS;

/// The C storage type behind the sysctl, which decides the limits the kernel's parser
/// enforces when no explicit bound is set.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Storage {
    /// `int` via `proc_dointvec[_minmax]`: `INT_MIN..=INT_MAX`.
    Int,
    /// `u8` via `proc_dou8vec_minmax`: `0..=255`.
    U8,
    /// `unsigned int` via `proc_douintvec[_minmax]`: `0..=UINT_MAX`.
    UInt,
    /// `unsigned long` via `proc_doulongvec_minmax`: `0..=ULONG_MAX` (64-bit).
    ULong,
    /// `int` seconds stored as jiffies (`proc_dointvec_jiffies`): `±INT_MAX/HZ`.
    Jiffies,
    /// `int` milliseconds stored as jiffies (`proc_dointvec_ms_jiffies`): `0..=INT_MAX`.
    MsJiffies,
    /// Not a number (names, port lists, text).
    Text,
}

impl Storage {
    /// How the kernel stores the value, for people (`explain`); `None` for text.
    pub fn describe(self) -> Option<&'static str> {
        Some(match self {
            Storage::Int => "stored by the kernel as a C `int`",
            Storage::U8 => "stored by the kernel as a `u8` (0 to 255)",
            Storage::UInt => "stored by the kernel as a C `unsigned int`",
            Storage::ULong => "stored by the kernel as a C `unsigned long`",
            Storage::Jiffies => {
                "seconds, stored by the kernel as clock ticks (jiffies, `CONFIG_HZ` per second)"
            }
            Storage::MsJiffies => {
                "milliseconds, stored by the kernel as clock ticks (jiffies, `CONFIG_HZ` per \
                 second): rounded to a whole tick"
            }
            Storage::Text => return None,
        })
    }

    /// The range the kernel's parser accepts for this storage type.
    ///
    /// `hz` matters only for [`Storage::Jiffies`]; `None` gives the widest range any
    /// common `CONFIG_HZ` (100) accepts.
    pub fn type_range(self, hz: Option<u32>) -> (i128, i128) {
        const INT_MAX: i128 = i32::MAX as i128;
        match self {
            Storage::Int => (i128::from(i32::MIN), INT_MAX),
            Storage::U8 => (0, 255),
            Storage::UInt => (0, i128::from(u32::MAX)),
            Storage::ULong => (0, i128::from(u64::MAX)),
            Storage::Jiffies => {
                let max = INT_MAX / i128::from(hz.unwrap_or(100));
                (-max, max)
            }
            Storage::MsJiffies => (0, INT_MAX),
            Storage::Text => (0, 0),
        }
    }
}

/// One end of the kernel-enforced range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Limit {
    /// Only the storage type limits it.
    Type,
    /// A fixed limit (`extra1`/`extra2` in the kernel table).
    Value(i128),
    /// Another parameter of the same namespace is the limit (e.g. `tcp_reordering` ≤
    /// `tcp_max_reordering`); the kernel checks it only when this parameter is written.
    Param(&'static str),
    /// `UINT_MAX / HZ` (e.g. `tcp_probe_interval`): depends on `CONFIG_HZ`.
    UIntPerHz,
}

/// What values the documentation gives meaning to. Outside it is a warning, not an error.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Domain {
    /// Everything the kernel accepts is meaningful.
    Bounds,
    /// An inclusive range narrower than the kernel's.
    Range(i128, i128),
    /// An enumeration.
    Set(&'static [i128]),
    /// A bit mask: only these bits mean anything.
    Mask(i128),
}

/// The unit of an integer parameter, which decides which human units a policy may use.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    /// A plain count, ratio or flag.
    None,
    /// Bytes (sizes such as `4KiB` are accepted).
    Bytes,
    /// Memory pages (sizes are converted with the page size).
    Pages,
    /// Seconds (durations are accepted).
    Seconds,
    /// Milliseconds.
    Milliseconds,
    /// Microseconds.
    Microseconds,
    /// Nanoseconds.
    Nanoseconds,
    /// Percent (of a window, of RTT...).
    Percent,
    /// Packets.
    Packets,
}

impl Unit {
    /// How the unit is written after a number in output.
    pub fn suffix(self) -> &'static str {
        match self {
            Unit::None => "",
            Unit::Bytes => "bytes",
            Unit::Pages => "pages",
            Unit::Seconds => "s",
            Unit::Milliseconds => "ms",
            Unit::Microseconds => "us",
            Unit::Nanoseconds => "ns",
            Unit::Percent => "%",
            Unit::Packets => "packets",
        }
    }

    /// Nanoseconds per unit for time units.
    pub fn nanos(self) -> Option<u128> {
        match self {
            Unit::Seconds => Some(1_000_000_000),
            Unit::Milliseconds => Some(1_000_000),
            Unit::Microseconds => Some(1_000),
            Unit::Nanoseconds => Some(1),
            _ => None,
        }
    }
}

/// The kinds of names a parameter can take.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum NameKind {
    /// A TCP congestion control algorithm (`cubic`, `bbr`, ...).
    CongestionControl,
    /// A queueing discipline (`fq`, `fq_codel`, ...).
    Qdisc,
}

/// The shape of a parameter's value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Kind {
    /// One integer.
    Integer,
    /// An integer flag written as `true`/`false` (or 1/0).
    Boolean,
    /// A fixed-length vector of integers; the labels name the elements for the map form
    /// (`{min, default, max}`) and for messages.
    Vector(&'static [&'static str]),
    /// One name.
    Name(NameKind),
    /// A space-separated list of names.
    NameList(NameKind),
    /// A list of ports and port ranges (`ip_local_reserved_ports`).
    PortList,
    /// Free text with a parameter-specific format (`tcp_fastopen_key`).
    Text,
}

impl Kind {
    /// A short description for messages (`an integer`, `a [min, default, max] triple`).
    pub fn describe(self) -> String {
        match self {
            Kind::Integer => "an integer".into(),
            Kind::Boolean => "a boolean (`true`/`false` or 1/0)".into(),
            Kind::Vector(labels) => format!("a list `[{}]`", labels.join(", ")),
            Kind::Name(NameKind::CongestionControl) => "a congestion control name".into(),
            Kind::Name(NameKind::Qdisc) => "a queueing discipline name".into(),
            Kind::NameList(_) => "a list of names".into(),
            Kind::PortList => "a list of ports and port ranges".into(),
            Kind::Text => "a string".into(),
        }
    }

    /// Whether values of this kind are integers (or vectors of them).
    pub fn is_numeric(self) -> bool {
        matches!(self, Kind::Integer | Kind::Boolean | Kind::Vector(_))
    }
}

/// Where the parameter lives with respect to network namespaces.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Scope {
    /// Every network namespace has its own copy, writable there.
    Netns,
    /// Only the initial namespace has it; it is absent in a child namespace.
    InitNetns,
    /// One global value, visible in a child namespace but read-only there.
    GlobalReadOnlyInChild,
}

impl Scope {
    /// The one word `catalog` shows: `netns`, `host` or `global`.
    pub fn short_name(self) -> &'static str {
        match self {
            Scope::Netns => "netns",
            Scope::InitNetns => "host",
            Scope::GlobalReadOnlyInChild => "global",
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Scope::Netns => "per network namespace",
            Scope::InitNetns => "initial network namespace only (absent in containers)",
            Scope::GlobalReadOnlyInChild => {
                "global; visible but read-only in child network namespaces"
            }
        })
    }
}

/// A kernel default.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DefaultValue {
    /// A fixed value, as the kernel prints it (e.g. `"4096 131072 6291456"`).
    Fixed(&'static str),
    /// Computed at boot or inherited; the text gives the formula.
    Computed(&'static str),
}

/// The default in force from a kernel version on.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct DefaultSince {
    /// First kernel with this default (`None`: since the parameter was added).
    pub since: Option<Version>,
    /// The default.
    pub value: DefaultValue,
    /// Where the change of default is recorded (commit, file and line, man page); empty
    /// for the default the parameter was added with.
    pub source: &'static str,
}

/// The namespace scope a parameter had before it changed (e.g. `net.core.optmem_max`
/// became per network namespace in 6.8).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct EarlierScope {
    /// First kernel with the current scope.
    pub until: Version,
    /// The scope before `until`.
    pub scope: Scope,
    /// Where the change is recorded.
    pub source: &'static str,
}

/// A no-op or obsolete parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Obsolete {
    /// First kernel where it has no effect or is documented obsolete.
    pub since: Version,
    /// What happened (commit, replacement).
    pub note: &'static str,
}

/// Everything tcppolicy knows about one parameter.
#[derive(Clone, Copy, Debug)]
pub struct Param {
    /// Dotted sysctl name, e.g. `net.ipv4.tcp_syn_retries`.
    pub name: &'static str,
    /// Value shape.
    pub kind: Kind,
    /// C storage type (decides the parser's limits).
    pub storage: Storage,
    /// Unit of integer values.
    pub unit: Unit,
    /// Kernel-enforced minimum (per element for vectors).
    pub min: Limit,
    /// Kernel-enforced maximum (per element for vectors).
    pub max: Limit,
    /// Documented meaningful values.
    pub domain: Domain,
    /// Default history, oldest first; empty when unknown.
    pub defaults: &'static [DefaultSince],
    /// Namespace scope (on current kernels).
    pub scope: Scope,
    /// The scope before a change, if it changed.
    pub earlier_scope: Option<EarlierScope>,
    /// Read-only everywhere (e.g. `tcp_available_congestion_control`).
    pub read_only: bool,
    /// First kernel with the parameter.
    pub added: Version,
    /// Where `added` is recorded (commit, file and line, man page).
    pub added_source: &'static str,
    /// First kernel without it.
    pub removed: Option<Version>,
    /// Where `removed` is recorded; empty when it was not removed.
    pub removed_source: &'static str,
    /// First kernel where it does nothing (or is documented obsolete).
    pub obsolete: Option<Obsolete>,
    /// What it does, in our words.
    pub summary: &'static str,
    /// What the entry was checked against.
    pub source: &'static str,
}

impl Param {
    /// The `/proc/sys` path of this parameter. Catalog names are fixed strings of
    /// `[a-z0-9_.]`, so the result can never leave `/proc/sys`.
    pub fn proc_path(&self) -> String {
        format!("/proc/sys/{}", self.name.replace('.', "/"))
    }

    /// The name without the `net.ipv4.` / `net.core.` prefix.
    pub fn short_name(&self) -> &'static str {
        self.name.rsplit('.').next().unwrap_or(self.name)
    }

    /// Resolve a limit to a number, given the values of other parameters (for
    /// [`Limit::Param`]) and `CONFIG_HZ` if known.
    pub fn limit_value(
        &self,
        limit: Limit,
        upper: bool,
        hz: Option<u32>,
        other: &dyn Fn(&str) -> Option<i128>,
    ) -> i128 {
        let (type_min, type_max) = self.storage.type_range(hz);
        match limit {
            Limit::Type => {
                if upper {
                    type_max
                } else {
                    type_min
                }
            }
            Limit::Value(v) => v,
            Limit::Param(name) => other(name).unwrap_or_else(|| {
                lookup(name)
                    .and_then(|p| p.fixed_default(None))
                    .and_then(|d| d.trim().parse().ok())
                    .unwrap_or(if upper { type_max } else { type_min })
            }),
            Limit::UIntPerHz => i128::from(u32::MAX) / i128::from(hz.unwrap_or(100)),
        }
    }

    /// The default in force on `kernel` (the newest entry if `None`).
    pub fn default_for(&self, kernel: Option<Version>) -> Option<DefaultValue> {
        self.defaults
            .iter()
            .rev()
            .find(|d| match (kernel, d.since) {
                (Some(k), Some(since)) => k >= since,
                _ => true,
            })
            .map(|d| d.value)
    }

    /// The fixed default on `kernel`, if the default is fixed there.
    pub fn fixed_default(&self, kernel: Option<Version>) -> Option<&'static str> {
        match self.default_for(kernel)? {
            DefaultValue::Fixed(text) => Some(text),
            DefaultValue::Computed(_) => None,
        }
    }

    /// Whether the parameter exists on `kernel`.
    pub fn exists_on(&self, kernel: Version) -> bool {
        kernel >= self.added && self.removed.is_none_or(|r| kernel < r)
    }

    /// Whether the parameter exists somewhere in `range`.
    pub fn exists_in(&self, range: &VersionRange) -> bool {
        !range.all_below(self.added) && self.removed.is_none_or(|r| !range.all_at_least(r))
    }

    /// The namespace scope on `kernel`.
    pub fn scope_on(&self, kernel: Version) -> Scope {
        match self.earlier_scope {
            Some(e) if kernel < e.until => e.scope,
            _ => self.scope,
        }
    }

    /// Whether a child network namespace can write it.
    pub fn writable_in_child_netns(&self) -> bool {
        !self.read_only && self.scope == Scope::Netns
    }
}

/// Look a parameter up by its dotted name.
pub fn lookup(name: &str) -> Option<&'static Param> {
    PARAMS.iter().find(|p| p.name == name)
}

/// The catalog name closest to `name`, if one is close enough to be a likely typo.
///
/// Also accepts slash-separated and prefix-less spellings (`net/ipv4/tcp_sack`,
/// `tcp_sack`), which are common mistakes rather than typos.
pub fn suggest(name: &str) -> Option<&'static str> {
    let normalized = name
        .trim()
        .to_ascii_lowercase()
        .trim_start_matches("/proc/sys/")
        .replace('/', ".");
    if let Some(p) = lookup(&normalized) {
        return Some(p.name);
    }
    // Compare the parts of the name, not the whole: typos are in the parameter, not the
    // prefix (whose length would make every name look alike), and mangled names
    // (`net.ipv4.tcp_sack/../x`, `net.ipv4~1tcp_sack`) still contain the intended one.
    let tokens: Vec<&str> = normalized
        .split(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .filter(|t| t.len() >= 3)
        .collect();
    for t in tokens.iter().rev() {
        if let Some(p) = PARAMS.iter().find(|p| p.short_name() == *t) {
            return Some(p.name);
        }
    }
    tokens
        .iter()
        .flat_map(|t| {
            PARAMS
                .iter()
                .filter(|p| p.short_name().len().abs_diff(t.len()) <= 3)
                .map(move |p| {
                    (
                        strsim::normalized_damerau_levenshtein(t, p.short_name()),
                        p.name,
                    )
                })
        })
        .filter(|(score, _)| *score >= 0.75)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, name)| name)
}

/// Human descriptions of catalog fields, shared by `explain`, `catalog` and messages.
impl Param {
    /// `1 to 127`, `0 to 255`, `1 to tcp_max_reordering`, `±INT_MAX/HZ (8589934 at HZ=250)`.
    pub fn bounds_text(&self) -> String {
        if !self.kind.is_numeric() {
            return "n/a".into();
        }
        let end = |limit: Limit, upper: bool| match limit {
            Limit::Param(other) => format!("`{other}`"),
            Limit::UIntPerHz => "UINT_MAX/HZ".into(),
            Limit::Type if self.storage == Storage::Jiffies => {
                if upper {
                    "INT_MAX/HZ".into()
                } else {
                    "-INT_MAX/HZ".into()
                }
            }
            _ => self.limit_value(limit, upper, None, &|_| None).to_string(),
        };
        format!("{} to {}", end(self.min, false), end(self.max, true))
    }

    /// What a bound that depends on the kernel's clock rate (`INT_MAX/HZ`, `UINT_MAX/HZ`)
    /// means, with its value at the common `CONFIG_HZ` settings; `None` for other bounds.
    pub fn bounds_note(&self) -> Option<String> {
        let (name, max, what) = if [self.min, self.max].contains(&Limit::UIntPerHz) {
            ("UINT_MAX/HZ", i128::from(u32::MAX), "a C `unsigned int`")
        } else if self.storage == Storage::Jiffies && [self.min, self.max].contains(&Limit::Type) {
            ("INT_MAX/HZ", i128::from(i32::MAX), "a C `int`")
        } else {
            return None;
        };
        let at = [100, 250, 1000]
            .iter()
            .map(|hz| format!("{} at HZ={hz}", max / hz))
            .collect::<Vec<_>>()
            .join(", ");
        Some(format!(
            "{name}: the most seconds whose clock ticks fit in {what}; it depends on the \
             kernel's `CONFIG_HZ`: {at}"
        ))
    }

    /// `{0, 1}`, `0 to 2`, `bits 0x607`, or `any value the kernel accepts`.
    pub fn domain_text(&self) -> String {
        match self.domain {
            Domain::Bounds => "any value the kernel accepts".into(),
            Domain::Range(0, 1) if self.kind == Kind::Boolean => "0 or 1 (false/true)".into(),
            Domain::Range(lo, hi) => format!("{lo} to {hi}"),
            Domain::Set(set) => format!(
                "one of {}",
                set.iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", ")
            ),
            Domain::Mask(m) => format!("bits of {m:#x}"),
        }
    }

    /// The default history: `6 (since 3.7); 5 before`.
    pub fn defaults_text(&self) -> String {
        if self.defaults.is_empty() {
            return "not recorded".into();
        }
        let mut parts: Vec<String> = self
            .defaults
            .iter()
            .rev()
            .map(|d| {
                let value = match d.value {
                    DefaultValue::Fixed(t) => t.to_string(),
                    DefaultValue::Computed(how) => format!("computed: {how}"),
                };
                match d.since {
                    Some(v) => format!("{value} (since {v})"),
                    None => value,
                }
            })
            .collect();
        if parts.len() > 1 {
            let oldest = parts.pop().unwrap_or_default();
            parts.push(format!("{oldest} before"));
        }
        parts.join("; ")
    }

    /// `since 2.2`, `4.12 to 4.11 (removed in 4.12)`, `since 4.2, no effect since 4.15`.
    pub fn lifetime_text(&self) -> String {
        let mut s = format!("since {}", self.added);
        if let Some(r) = self.removed {
            s = format!("{} to before {r} (removed in {r})", self.added);
        }
        if let Some(o) = self.obsolete {
            s.push_str(&format!("; no effect since {}", o.since));
        }
        s
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_unique_sorted_within_prefix_and_path_safe() {
        let mut seen = std::collections::HashSet::new();
        for p in PARAMS {
            assert!(seen.insert(p.name), "duplicate catalog entry {}", p.name);
            assert!(
                p.name.bytes().all(|b| b.is_ascii_lowercase()
                    || b.is_ascii_digit()
                    || b == b'_'
                    || b == b'.'),
                "unsafe name {}",
                p.name
            );
            assert!(p.name.starts_with("net.ipv4.") || p.name.starts_with("net.core."));
            assert!(!p.summary.is_empty() && !p.source.is_empty(), "{}", p.name);
            if let Some(r) = p.removed {
                assert!(r > p.added, "{} removed before added", p.name);
            }
        }
    }

    #[test]
    fn suggests_close_names() {
        assert_eq!(
            suggest("net.ipv4.tcp_syn_retrie"),
            Some("net.ipv4.tcp_syn_retries")
        );
        assert_eq!(suggest("net/ipv4/tcp_sack"), Some("net.ipv4.tcp_sack"));
        assert_eq!(suggest("tcp_fin_timeout"), Some("net.ipv4.tcp_fin_timeout"));
        assert_eq!(suggest("completely.unrelated"), None);
        assert_eq!(suggest("NET.IPV4.TCP_SACK"), Some("net.ipv4.tcp_sack"));
        assert_eq!(
            suggest("net.ipv4.tcp_syn_retrys"),
            Some("net.ipv4.tcp_syn_retries")
        );
        assert_eq!(suggest("net.ipv4.tcp_x0"), None);
    }

    #[test]
    fn proc_path_stays_under_proc_sys() {
        let p = lookup("net.ipv4.tcp_sack").unwrap();
        assert_eq!(p.proc_path(), "/proc/sys/net/ipv4/tcp_sack");
    }
}
