//! What a new network namespace starts with (`catalog::NETNS_START`, SPEC §10), checked
//! against the running kernel.
//!
//! The test works two levels deep so that it never needs the host: in a fresh namespace A
//! it records every per-netns value, then changes every writable one (and sets
//! `tcp_child_ehash_entries`), then creates namespace B from inside A. B must show
//! - for "kernel default" records: A's fresh value (and the catalog's fixed default),
//!   not A's changed one;
//! - for "copy of init" records: A's fresh value too, which A itself copied from the
//!   initial namespace — not A's changed one, because the kernel copies from `init_net`,
//!   never from the creating namespace;
//! - for "computed from the hash size" records: the figures `tcp_set_hashinfo()` derives
//!   from A's `tcp_child_ehash_entries`.

use std::collections::BTreeMap;

use tcppolicy_core::catalog::{
    self, Domain, Kind, NETNS_START, NameKind, Param, Start, Storage, per_netns_params,
};
use tcppolicy_core::version::Version;
use tcppolicy_tests::netns;

/// The hash size A asks for its children (a power of two, far from any real default).
const CHILD_EHASH: i128 = 1024;

#[test]
fn a_new_namespace_starts_where_the_catalog_says_not_where_its_creator_is() {
    let kernel = Version::parse_release(&tcppolicy_exec::system::kernel_release())
        .expect("the running kernel's release parses");
    let failures = netns::in_fresh_netns(move || {
        let mut failures = Vec::new();
        // A, fresh.
        let mut fresh = BTreeMap::new();
        for p in per_netns_params() {
            match netns::read(p.name) {
                Ok(value) => {
                    fresh.insert(p.name, value);
                }
                Err(_) if !p.exists_on(kernel) => {} // newer than this kernel
                Err(e) => failures.push(format!(
                    "`{}` should exist on {kernel} but cannot be read in a fresh namespace: {e}",
                    p.name
                )),
            }
        }
        // A, changed.
        let mut changed = BTreeMap::new();
        for p in per_netns_params().filter(|p| fresh.contains_key(p.name) && !p.read_only) {
            let Some(other) = another_value(p, &fresh[p.name]) else {
                failures.push(format!("`{}`: no other value to write", p.name));
                continue;
            };
            match netns::write(p.name, &other) {
                Ok(()) => {
                    changed.insert(p.name, netns::read(p.name).unwrap_or(other));
                }
                Err(e) => failures.push(format!("`{}`: writing `{other}` in A: {e}", p.name)),
            }
        }
        // B, created from A.
        let child: BTreeMap<&str, String> = netns::in_fresh_netns({
            let names: Vec<&'static str> = fresh.keys().copied().collect();
            move || {
                names
                    .into_iter()
                    .filter_map(|n| Some((n, netns::read(n).ok()?)))
                    .collect()
            }
        });
        let mut checked = BTreeMap::<Start, usize>::new();
        for record in NETNS_START {
            let Some(a_fresh) = fresh.get(record.name) else {
                continue;
            };
            let p = catalog::lookup(record.name).expect("records name catalog parameters");
            let Some(b) = child.get(record.name) else {
                failures.push(format!("`{}`: missing in the child namespace", record.name));
                continue;
            };
            *checked.entry(record.start).or_default() += 1;
            let differs_from_changed = changed
                .get(record.name)
                .is_none_or(|c| words(c) != words(b));
            match record.start {
                Start::KernelDefault | Start::CopyOfInit => {
                    if words(b) != words(a_fresh) || !differs_from_changed {
                        failures.push(format!(
                            "`{}` ({:?}): the child shows `{b}`; A started at `{a_fresh}` \
                             and was changed to `{}`",
                            record.name,
                            record.start,
                            changed.get(record.name).map_or("-", String::as_str)
                        ));
                    }
                    if record.start == Start::KernelDefault
                        && let Some(default) = p.fixed_default(Some(kernel))
                        && words(default) != words(b)
                    {
                        failures.push(format!(
                            "`{}`: a new namespace starts at `{b}`, the catalog's default for \
                             {kernel} is `{default}`",
                            record.name
                        ));
                    }
                }
                Start::FromHashSize => {
                    let expected = match p.short_name() {
                        "tcp_ehash_entries" => CHILD_EHASH,
                        "tcp_max_tw_buckets" => CHILD_EHASH / 2,
                        "tcp_max_syn_backlog" => (CHILD_EHASH / 128).max(128),
                        other => panic!("no hash-size formula for `{other}`"),
                    };
                    if b.trim() != expected.to_string() || !differs_from_changed {
                        failures.push(format!(
                            "`{}`: the child of a namespace with tcp_child_ehash_entries \
                             {CHILD_EHASH} shows `{b}`, expected {expected}",
                            record.name
                        ));
                    }
                }
            }
        }
        for (start, min) in [
            (Start::KernelDefault, 80),
            (Start::CopyOfInit, 3),
            (Start::FromHashSize, 3),
        ] {
            let n = checked.get(&start).copied().unwrap_or(0);
            if n < min {
                failures.push(format!("only {n} {start:?} records were checked"));
            }
        }
        failures
    });
    assert!(
        failures.is_empty(),
        "{} mismatch(es):\n  - {}",
        failures.len(),
        failures.join("\n  - ")
    );
}

/// A valid value other than `current` for `p`, within the catalog's bounds and domain.
/// `tcp_child_ehash_entries` gets [`CHILD_EHASH`], so that A's children get a hash table
/// of known size.
fn another_value(p: &Param, current: &str) -> Option<String> {
    if p.short_name() == "tcp_child_ehash_entries" {
        return Some(CHILD_EHASH.to_string());
    }
    match p.kind {
        Kind::Integer | Kind::Boolean => {
            let c: i128 = current.trim().parse().ok()?;
            // ms stored as jiffies: a whole second survives the rounding at any HZ.
            let step = if p.storage == Storage::MsJiffies {
                1000
            } else {
                1
            };
            let (lo, hi) = (
                p.limit_value(p.min, false, None, &|_| None),
                p.limit_value(p.max, true, None, &|_| None),
            );
            [c + step, c - step, c + 2 * step, c - 2 * step]
                .into_iter()
                .find(|v| {
                    (lo..=hi).contains(v)
                        && match p.domain {
                            Domain::Bounds => true,
                            Domain::Range(a, b) => (a..=b).contains(v),
                            Domain::Set(set) => set.contains(v),
                            Domain::Mask(m) => v & !m == 0,
                        }
                })
                .map(|v| v.to_string())
        }
        Kind::Vector(_) => {
            let mut parts: Vec<i128> = current
                .split_whitespace()
                .map(|w| w.parse().ok())
                .collect::<Option<_>>()?;
            *parts.last_mut()? -= 1;
            Some(
                parts
                    .iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(" "),
            )
        }
        Kind::Name(NameKind::CongestionControl) => {
            netns::read("net.ipv4.tcp_allowed_congestion_control")
                .ok()?
                .split_whitespace()
                .find(|n| *n != current.trim())
                .map(str::to_string)
        }
        Kind::PortList => Some(
            if current.trim().is_empty() {
                "5000"
            } else {
                ""
            }
            .into(),
        ),
        Kind::Text => Some("00000001-00000002-00000003-00000004".into()),
        Kind::Name(_) | Kind::NameList(_) => None,
    }
}

/// A value's whitespace-separated words (the kernel separates vector elements by tabs).
fn words(value: &str) -> Vec<&str> {
    value.split_whitespace().collect()
}
