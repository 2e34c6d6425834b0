//! Lowering `tcp_max_tw_buckets` and `tcp_max_orphans`.

use super::{Ctx, Rule};
use crate::diagnostic::code;
use crate::diagnostic::{Code, Diagnostic};
use crate::effective::Target;

code!(
    LOWERING_TW_BUCKETS,
    "TP602",
    "lowering-tw-buckets",
    Warning,
    "lowering `tcp_max_tw_buckets`",
    "`tcp_max_tw_buckets` is a DoS safety limit on TIME_WAIT sockets (default: half the \
     established hash, 131072 on a typical host). Past it, TIME_WAIT sockets are destroyed \
     immediately, which lets old duplicates corrupt new connections. The kernel \
     documentation says it must not be lowered artificially; raise it if memory allows."
);
code!(
    LOWERING_MAX_ORPHANS,
    "TP603",
    "lowering-max-orphans",
    Warning,
    "lowering `tcp_max_orphans`",
    "`tcp_max_orphans` caps sockets closed by their application but still in the kernel. \
     Past it, orphans are reset at once and a warning is logged. The kernel documentation \
     says not to rely on lowering it or to lower it artificially; it exists against simple \
     DoS attacks. Its default is computed from memory."
);

pub(super) static RULE: Rule = Rule {
    codes: &[&LOWERING_TW_BUCKETS, &LOWERING_MAX_ORPHANS],
    check,
};

/// Below this, a value is lower than the default of any host with a few GiB of memory.
const TYPICAL_DEFAULT: i128 = 131_072;

fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    for (name, code) in [
        ("net.ipv4.tcp_max_tw_buckets", &LOWERING_TW_BUCKETS),
        ("net.ipv4.tcp_max_orphans", &LOWERING_MAX_ORPHANS),
    ] {
        lower(ctx, name, code, out);
    }
}

fn lower(ctx: &Ctx<'_>, name: &str, code: &'static Code, out: &mut Vec<Diagnostic>) {
    let Some(s) = ctx.get(name) else { return };
    let flagged = match &s.target {
        Target::AtMost(_) => true,
        Target::Value(v) => v.as_int().is_some_and(|n| n < TYPICAL_DEFAULT),
        _ => false,
    };
    if flagged {
        out.push(
            Diagnostic::new(
                code,
                ctx.value(s),
                format!(
                    "lowering a DoS safety limit the kernel documentation says not to lower: `{}`",
                    s.param.name
                ),
            )
            .help("use `at_least` to only ever raise it"),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{only, run, settings};

    #[test]
    fn flags_lowering_tw_buckets() {
        assert_eq!(
            only(
                "TP602",
                settings("  net.ipv4.tcp_max_tw_buckets:\n    value: 5000\n    rationale: r\n")
            ),
            vec![6]
        );
        assert_eq!(
            only(
                "TP602",
                settings(
                    "  net.ipv4.tcp_max_tw_buckets:\n    at_least: 262144\n    rationale: r\n"
                )
            ),
            Vec::<u32>::new()
        );
    }

    #[test]
    fn flags_capping_orphans() {
        let text = "tcppolicy: 1\nname: t\nkernel: \">=6.12\"\nsettings:\n  net.ipv4.tcp_max_orphans:\n    at_most: 4096\n    rationale: r\n";
        assert_eq!(only("TP603", run(text)), vec![6]);
    }
}
