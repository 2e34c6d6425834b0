//! Values outside what the kernel itself accepts.

use super::{Ctx, Rule};
use crate::catalog::{Limit, Param, Storage};
use crate::diagnostic::code;
use crate::diagnostic::{Diagnostic, Severity};
use crate::effective::{EffectiveSetting, Target};

code!(
    OUT_OF_BOUNDS,
    "TP306",
    "out-of-bounds",
    Error,
    "a value the kernel rejects: below its minimum or above its maximum",
    "Each parameter has limits the kernel enforces when it is written (`extra1`/`extra2` in \
     its sysctl table, or the range of its C type): `tcp_syn_retries` takes 1..127 \
     (MAX_TCP_SYNCNT, not 255 as tcp(7) says), the `u8` flags 0..255, `tcp_rto_max_ms` \
     1000..120000. A value outside would fail with EINVAL at apply time, so it is an \
     error now. `tcppolicy explain <parameter>` shows the limits."
);
code!(
    HZ_DEPENDENT_BOUND,
    "TP314",
    "hz-dependent-bound",
    Warning,
    "a value only some kernels accept, depending on `CONFIG_HZ`",
    "Parameters stored in jiffies (`tcp_keepalive_time`, `tcp_keepalive_intvl`, \
     `tcp_fin_timeout`, and `tcp_probe_interval`) accept at most INT_MAX/HZ (or \
     UINT_MAX/HZ) seconds: 21474836 at HZ=100, 8589934 at HZ=250, 2147483 at HZ=1000. A \
     value above the HZ=1000 limit is rejected by kernels built with HZ=1000."
);

pub(super) static RULE: Rule = Rule {
    codes: &[&OUT_OF_BOUNDS, &HZ_DEPENDENT_BOUND],
    check,
};

fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    for s in &ctx.policy.settings {
        let p = s.param;
        if !p.kind.is_numeric() {
            continue;
        }
        let values: Vec<i128> = match &s.target {
            Target::Value(v) => v.ints(),
            Target::AtLeast(n) | Target::AtMost(n) => vec![*n],
            Target::KernelDefault => continue,
        };
        for (i, &v) in values.iter().enumerate() {
            let element = if values.len() > 1 {
                format!("/{i}")
            } else {
                String::new()
            };
            check_one(ctx, s, p, v, &element, out);
        }
    }
}

fn check_one(
    ctx: &Ctx<'_>,
    s: &EffectiveSetting,
    p: &Param,
    v: i128,
    element: &str,
    out: &mut Vec<Diagnostic>,
) {
    // Limits tied to another parameter are the cross-parameter rules' business.
    let other = |_: &str| None;
    let lo = (!matches!(p.min, Limit::Param(_))).then(|| p.limit_value(p.min, false, None, &other));
    let hi = (!matches!(p.max, Limit::Param(_))).then(|| p.limit_value(p.max, true, None, &other));
    // The label and the name are built only for a diagnostic: most values are in bounds.
    let label = || ctx.value_at(s, element);
    let what = || element_name(p, element);
    if let Some(lo) = lo.filter(|lo| v < *lo) {
        out.push(
            Diagnostic::new(
                &OUT_OF_BOUNDS,
                label(),
                format!("{} is below the kernel's minimum of {lo}: {v}", what()),
            )
            .help(range_help(p, lo, hi)),
        );
    } else if let Some(hi) = hi.filter(|hi| v > *hi) {
        out.push(
            Diagnostic::new(
                &OUT_OF_BOUNDS,
                label(),
                format!("{} is above the kernel's maximum of {hi}: {v}", what()),
            )
            .help(range_help(p, lo.unwrap_or(0), Some(hi))),
        );
    } else {
        let hz_max = match (p.storage, p.max) {
            (Storage::Jiffies, Limit::Type) => Some(Storage::Jiffies.type_range(Some(1000)).1),
            (_, Limit::UIntPerHz) => Some(i128::from(u32::MAX) / 1000),
            _ => None,
        };
        if let Some(m) = hz_max.filter(|m| v.abs() > *m) {
            out.push(
                Diagnostic::new(
                    &HZ_DEPENDENT_BOUND,
                    label(),
                    format!(
                        "{} is rejected by kernels built with CONFIG_HZ=1000 (maximum {m}): {v}",
                        what()
                    ),
                )
                .severity(Severity::Warning)
                .help("no real workload needs a value this large; use a smaller one"),
            );
        }
    }
}

fn element_name(p: &Param, element: &str) -> String {
    match (p.kind, element.trim_start_matches('/').parse::<usize>()) {
        (crate::catalog::Kind::Vector(labels), Ok(i)) if i < labels.len() => {
            format!("`{}` {}", p.name, labels[i])
        }
        _ => format!("`{}`", p.name),
    }
}

fn range_help(p: &Param, lo: i128, hi: Option<i128>) -> String {
    match hi {
        Some(hi) => format!("`{}` accepts {lo} to {hi}", p.name),
        None => format!("`{}` accepts {lo} or more", p.name),
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{only, settings};

    #[test]
    fn syn_retries_128_is_out_of_bounds_not_255() {
        let found = settings("  net.ipv4.tcp_syn_retries:\n    value: 128\n    rationale: r\n");
        assert_eq!(only("TP306", found), vec![6]);
        let found = settings("  net.ipv4.tcp_syn_retries:\n    value: 127\n    rationale: r\n");
        assert_eq!(only("TP306", found), Vec::<u32>::new());
        let found = settings("  net.ipv4.tcp_syn_retries:\n    value: 0\n    rationale: r\n");
        assert_eq!(only("TP306", found), vec![6]);
    }

    #[test]
    fn flags_each_vector_element_on_its_own_line() {
        let found = settings(
            "  net.ipv4.tcp_wmem:\n    value:\n      - 4096\n      - 16384\n      - 4GiB\n    rationale: r\n",
        );
        assert_eq!(only("TP306", found), vec![9]);
    }

    #[test]
    fn jiffies_values_above_the_hz_1000_limit_warn() {
        let found =
            settings("  net.ipv4.tcp_keepalive_time:\n    value: 3000000\n    rationale: r\n");
        assert_eq!(only("TP314", found), vec![6]);
        let found =
            settings("  net.ipv4.tcp_keepalive_time:\n    value: 30000000\n    rationale: r\n");
        assert_eq!(only("TP306", found), vec![6]);
    }
}
