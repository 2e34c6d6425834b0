//! Kernel versions and version ranges (`>=5.15`, `>=4.19, <6.0`).
//!
//! Kernel releases are not semver (`6.18.44-fc-v657`, no caret semantics), so this is a
//! small purpose-built grammar: comma-separated comparators `>=`, `>`, `<=`, `<`, `=`
//! followed by `MAJOR.MINOR[.PATCH]`.

use std::fmt;

/// A kernel version `major.minor.patch`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct Version {
    /// Major number.
    pub major: u16,
    /// Minor number.
    pub minor: u16,
    /// Patch (stable) number.
    pub patch: u16,
}

/// Shorthand for a `major.minor` version, for catalog data.
pub const fn v(major: u16, minor: u16) -> Version {
    Version {
        major,
        minor,
        patch: 0,
    }
}

impl Version {
    /// The smallest version.
    pub const MIN: Version = v(0, 0);

    /// Parse the leading `X.Y[.Z]` of a release string such as `uname -r` prints
    /// (`6.18.44-fc-v657` → 6.18.44). Returns `None` without a `X.Y` prefix.
    pub fn parse_release(release: &str) -> Option<Version> {
        let numeric: String = release
            .chars()
            .take_while(|c| c.is_ascii_digit() || *c == '.')
            .collect();
        Version::parse(numeric.trim_end_matches('.'))
    }

    /// Parse exactly `X.Y` or `X.Y.Z`.
    pub fn parse(text: &str) -> Option<Version> {
        let mut parts = text.split('.');
        let major = parts.next()?.parse().ok()?;
        let minor = parts.next()?.parse().ok()?;
        let patch = match parts.next() {
            Some(p) => p.parse().ok()?,
            None => 0,
        };
        if parts.next().is_some() {
            return None;
        }
        Some(Version {
            major,
            minor,
            patch,
        })
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.patch == 0 {
            write!(f, "{}.{}", self.major, self.minor)
        } else {
            write!(f, "{}.{}.{}", self.major, self.minor, self.patch)
        }
    }
}

/// One end of a range.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Edge {
    /// The range includes this version.
    Inclusive(Version),
    /// The range stops just short of this version.
    Exclusive(Version),
    /// No limit on this side.
    Open,
}

/// A contiguous range of kernel versions.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VersionRange {
    /// Lower end.
    pub lower: Edge,
    /// Upper end.
    pub upper: Edge,
}

/// Why a range did not parse.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RangeError {
    /// A comparator was not understood.
    #[error("expected a comparator such as `>=5.15` or `<6.0`, found `{0}`")]
    BadComparator(String),
    /// A version was not `X.Y[.Z]`.
    #[error("`{0}` is not a kernel version of the form `X.Y` or `X.Y.Z`")]
    BadVersion(String),
    /// The comparators admit no version.
    #[error("the range admits no kernel version")]
    Empty,
}

impl VersionRange {
    /// Every version.
    pub const ANY: VersionRange = VersionRange {
        lower: Edge::Open,
        upper: Edge::Open,
    };

    /// Parse `>=5.15`, `>=4.19, <6.0`, `=6.1` and the like.
    pub fn parse(text: &str) -> Result<VersionRange, RangeError> {
        let mut range = VersionRange::ANY;
        for part in text.split(',').map(str::trim) {
            let (op, rest) = ["<=", ">=", "<", ">", "="]
                .iter()
                .find_map(|op| part.strip_prefix(op).map(|rest| (*op, rest.trim())))
                .ok_or_else(|| RangeError::BadComparator(part.to_string()))?;
            let version =
                Version::parse(rest).ok_or_else(|| RangeError::BadVersion(rest.to_string()))?;
            match op {
                ">=" => range.raise_lower(Edge::Inclusive(version)),
                ">" => range.raise_lower(Edge::Exclusive(version)),
                "<=" => range.lower_upper(Edge::Inclusive(version)),
                "<" => range.lower_upper(Edge::Exclusive(version)),
                _ => {
                    range.raise_lower(Edge::Inclusive(version));
                    range.lower_upper(Edge::Inclusive(version));
                }
            }
        }
        if range.is_empty() {
            return Err(RangeError::Empty);
        }
        Ok(range)
    }

    fn raise_lower(&mut self, edge: Edge) {
        let keep = match (self.lower, edge) {
            (Edge::Open, _) => false,
            (Edge::Inclusive(a) | Edge::Exclusive(a), Edge::Inclusive(b)) => a >= b,
            (Edge::Inclusive(a), Edge::Exclusive(b)) => a > b,
            (Edge::Exclusive(a), Edge::Exclusive(b)) => a >= b,
            (_, Edge::Open) => true,
        };
        if !keep {
            self.lower = edge;
        }
    }

    fn lower_upper(&mut self, edge: Edge) {
        let keep = match (self.upper, edge) {
            (Edge::Open, _) => false,
            (Edge::Inclusive(a) | Edge::Exclusive(a), Edge::Exclusive(b)) => a <= b,
            (Edge::Inclusive(a), Edge::Inclusive(b)) => a <= b,
            (Edge::Exclusive(a), Edge::Inclusive(b)) => a <= b,
            (_, Edge::Open) => true,
        };
        if !keep {
            self.upper = edge;
        }
    }

    fn is_empty(&self) -> bool {
        match (self.lower, self.upper) {
            (Edge::Inclusive(a), Edge::Inclusive(b)) => a > b,
            (Edge::Inclusive(a) | Edge::Exclusive(a), Edge::Exclusive(b))
            | (Edge::Exclusive(a), Edge::Inclusive(b)) => a >= b,
            _ => false,
        }
    }

    /// Whether `version` lies in the range.
    pub fn contains(&self, version: Version) -> bool {
        let above = match self.lower {
            Edge::Open => true,
            Edge::Inclusive(l) => version >= l,
            Edge::Exclusive(l) => version > l,
        };
        let below = match self.upper {
            Edge::Open => true,
            Edge::Inclusive(u) => version <= u,
            Edge::Exclusive(u) => version < u,
        };
        above && below
    }

    /// Whether every version in the range is at least `version`.
    pub fn all_at_least(&self, version: Version) -> bool {
        match self.lower {
            Edge::Open => version == Version::MIN,
            Edge::Inclusive(l) => l >= version,
            Edge::Exclusive(l) => l >= version,
        }
    }

    /// Whether every version in the range is below `version`.
    pub fn all_below(&self, version: Version) -> bool {
        match self.upper {
            Edge::Open => false,
            Edge::Inclusive(u) => u < version,
            Edge::Exclusive(u) => u <= version,
        }
    }
}

impl fmt::Display for VersionRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut parts = Vec::new();
        match self.lower {
            Edge::Inclusive(v) => parts.push(format!(">={v}")),
            Edge::Exclusive(v) => parts.push(format!(">{v}")),
            Edge::Open => {}
        }
        match self.upper {
            Edge::Inclusive(v) => parts.push(format!("<={v}")),
            Edge::Exclusive(v) => parts.push(format!("<{v}")),
            Edge::Open => {}
        }
        if parts.is_empty() {
            f.write_str("any")
        } else {
            f.write_str(&parts.join(", "))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_uname_release() {
        assert_eq!(
            Version::parse_release("6.18.44-fc-v657"),
            Some(Version {
                major: 6,
                minor: 18,
                patch: 44
            })
        );
        assert_eq!(Version::parse_release("5.15.0-91-generic"), Some(v(5, 15)));
        assert_eq!(Version::parse_release("garbage"), None);
    }

    #[test]
    fn ranges_intersect_their_comparators() {
        let r = VersionRange::parse(">=4.19, <6.0").unwrap();
        assert!(r.contains(v(4, 19)));
        assert!(r.contains(v(5, 15)));
        assert!(!r.contains(v(6, 0)));
        assert!(!r.contains(v(4, 18)));
        assert!(r.all_at_least(v(4, 12)));
        assert!(!r.all_at_least(v(5, 0)));
        assert!(r.all_below(v(6, 0)));
        assert_eq!(r.to_string(), ">=4.19, <6.0");
    }

    #[test]
    fn rejects_malformed_and_empty_ranges() {
        assert!(matches!(
            VersionRange::parse("5.15"),
            Err(RangeError::BadComparator(_))
        ));
        assert!(matches!(
            VersionRange::parse(">=5"),
            Err(RangeError::BadVersion(_))
        ));
        assert_eq!(VersionRange::parse(">=6.0, <5.0"), Err(RangeError::Empty));
        assert_eq!(VersionRange::parse(">6.0, <=6.0"), Err(RangeError::Empty));
    }
}
