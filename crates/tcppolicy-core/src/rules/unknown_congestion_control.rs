//! Congestion control algorithms Linux does not ship.

use super::{Ctx, Rule};
use crate::diagnostic::Diagnostic;
use crate::diagnostic::code;
use crate::value::Value;

code!(
    UNKNOWN_CONGESTION_CONTROL,
    "TP611",
    "unknown-congestion-control",
    Warning,
    "a congestion control algorithm that Linux does not ship",
    "Linux ships these congestion control modules: bbr, bic, cdg, cubic, dctcp, highspeed, \
     htcp, hybla, illinois, lp, nv, reno, scalable, vegas, veno, westwood, yeah. Another \
     name needs an out-of-tree module; without it the write fails with ENOENT. Inside a \
     container, the algorithm must also be listed in the host's \
     `tcp_allowed_congestion_control` (EPERM otherwise)."
);

const SHIPPED: &[&str] = &[
    "bbr",
    "bic",
    "cdg",
    "cubic",
    "dctcp",
    "highspeed",
    "htcp",
    "hybla",
    "illinois",
    "lp",
    "nv",
    "reno",
    "scalable",
    "vegas",
    "veno",
    "westwood",
    "yeah",
];

pub(super) static RULE: Rule = Rule {
    codes: &[&UNKNOWN_CONGESTION_CONTROL],
    check,
};

fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    for name in [
        "net.ipv4.tcp_congestion_control",
        "net.ipv4.tcp_allowed_congestion_control",
    ] {
        let Some(s) = ctx.get(name) else { continue };
        let names = match ctx.exact(name) {
            Some(Value::Name(n)) => vec![n],
            Some(Value::Names(n)) => n,
            _ => continue,
        };
        for n in names.iter().filter(|n| !SHIPPED.contains(&n.as_str())) {
            let mut d = Diagnostic::new(
                &UNKNOWN_CONGESTION_CONTROL,
                ctx.value(s),
                format!("not a congestion control algorithm shipped with Linux: `{n}`"),
            );
            if let Some(best) = SHIPPED
                .iter()
                .max_by(|a, b| strsim::jaro_winkler(n, a).total_cmp(&strsim::jaro_winkler(n, b)))
                && strsim::jaro_winkler(n, best) > 0.8
            {
                d = d.help(format!("did you mean `{best}`?"));
            }
            out.push(d);
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{only, settings};

    #[test]
    fn flags_misspelt_algorithm() {
        assert_eq!(
            only(
                "TP611",
                settings(
                    "  net.ipv4.tcp_congestion_control:\n    value: cubik\n    rationale: r\n"
                )
            ),
            vec![6]
        );
        assert_eq!(
            only(
                "TP611",
                settings("  net.ipv4.tcp_congestion_control:\n    value: bbr\n    rationale: r\n")
            ),
            Vec::<u32>::new()
        );
    }
}
