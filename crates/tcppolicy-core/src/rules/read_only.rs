//! Parameters that cannot be written.

use super::{Ctx, Rule};
use crate::diagnostic::Diagnostic;
use crate::diagnostic::code;

code!(
    READ_ONLY_PARAMETER,
    "TP311",
    "read-only-parameter",
    Error,
    "a read-only parameter",
    "Some entries under /proc/sys only report state: `tcp_available_congestion_control` \
     lists the loaded algorithms, `tcp_ehash_entries` the hash size. They cannot be set."
);

pub(super) static RULE: Rule = Rule {
    codes: &[&READ_ONLY_PARAMETER],
    check,
};

fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    for s in ctx.policy.settings.iter().filter(|s| s.param.read_only) {
        out.push(
            Diagnostic::new(
                &READ_ONLY_PARAMETER,
                ctx.key(s),
                format!("parameter is read-only: `{}`", s.param.name),
            )
            .help("remove the setting; the kernel only reports this value"),
        );
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{only, settings};

    #[test]
    fn flags_available_congestion_control() {
        let found = settings(
            "  net.ipv4.tcp_available_congestion_control:\n    value: [reno, cubic]\n    rationale: r\n",
        );
        assert_eq!(only("TP311", found), vec![5]);
    }
}
