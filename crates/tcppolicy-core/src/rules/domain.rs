//! Values the kernel accepts but its documentation gives no meaning to.

use super::{Ctx, Rule};
use crate::catalog::Domain;
use crate::diagnostic::Diagnostic;
use crate::diagnostic::code;
use crate::effective::Target;

code!(
    OUT_OF_DOMAIN,
    "TP307",
    "out-of-domain",
    Warning,
    "a value the kernel accepts but the documentation gives no meaning to",
    "Many parameters documented as booleans or small enumerations are stored as `u8` and \
     accept 0..255: `tcp_sack: 7` is accepted and behaves like 1 today, but nothing \
     promises it will. Values outside the documented domain (booleans 0/1, \
     `tcp_mtu_probing` 0..2, `tcp_tw_reuse` 0..2, the defined bits of `tcp_fastopen`) are \
     flagged so the policy says what it means."
);

pub(super) static RULE: Rule = Rule {
    codes: &[&OUT_OF_DOMAIN],
    check,
};

fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    for s in &ctx.policy.settings {
        let p = s.param;
        let Target::Value(v) = &s.target else {
            continue;
        };
        let Some(v) = v.as_int() else { continue };
        let other = |_: &str| None;
        let (lo, hi) = (
            p.limit_value(p.min, false, None, &other),
            p.limit_value(p.max, true, None, &other),
        );
        if v < lo || v > hi {
            continue; // out of bounds is an error already
        }
        let (ok, meaning) = match p.domain {
            Domain::Bounds => (true, String::new()),
            Domain::Range(lo, hi) => (v >= lo && v <= hi, format!("{lo} to {hi}")),
            Domain::Set(set) => (
                set.contains(&v),
                set.iter()
                    .map(ToString::to_string)
                    .collect::<Vec<_>>()
                    .join(", "),
            ),
            Domain::Mask(mask) => (v >= 0 && v & !mask == 0, format!("the bits of {mask:#x}")),
        };
        if !ok {
            out.push(
                Diagnostic::new(
                    &OUT_OF_DOMAIN,
                    ctx.value(s),
                    format!("`{}` is documented for {meaning} only: {v}", p.name),
                )
                .note("the kernel accepts the value, but its meaning is undocumented"),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{only, settings};

    #[test]
    fn boolean_two_is_out_of_domain_but_accepted() {
        let found = settings("  net.ipv4.tcp_sack:\n    value: 2\n    rationale: r\n");
        assert_eq!(only("TP307", found.clone()), vec![6]);
        assert_eq!(only("TP306", found), Vec::<u32>::new());
        let found = settings("  net.ipv4.tcp_sack:\n    value: true\n    rationale: r\n");
        assert_eq!(only("TP307", found), Vec::<u32>::new());
    }
}
