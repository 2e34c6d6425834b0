//! `[min, default, max]` triples out of order.

use super::{Ctx, Rule};
use crate::catalog::Kind;
use crate::diagnostic::Diagnostic;
use crate::diagnostic::code;
use crate::effective::Target;

code!(
    TUPLE_ORDER,
    "TP308",
    "tuple-order",
    Warning,
    "a `[min, default, max]` triple whose elements are not in increasing order",
    "`tcp_rmem`, `tcp_wmem` (`[min, default, max]` bytes per socket) and `tcp_mem` (`[min, \
     pressure, max]` pages) only make sense in increasing order. The kernel does not check \
     (`8192 4096 1` is accepted), so a swapped pair goes unnoticed until sockets behave \
     oddly under memory pressure."
);

pub(super) static RULE: Rule = Rule {
    codes: &[&TUPLE_ORDER],
    check,
};

fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    for s in &ctx.policy.settings {
        let (Kind::Vector(labels), Target::Value(v)) = (s.param.kind, &s.target) else {
            continue;
        };
        if labels.len() != 3 {
            continue; // the port range has its own rule
        }
        let v = v.ints();
        for i in 1..v.len() {
            if v[i] < v[i - 1] {
                out.push(
                    Diagnostic::new(
                        &TUPLE_ORDER,
                        ctx.value_at(s, &format!("/{i}")),
                        format!(
                            "`{}` {} is smaller than {}: {} < {}",
                            s.param.name,
                            labels[i],
                            labels[i - 1],
                            v[i],
                            v[i - 1]
                        ),
                    )
                    .help(format!("order the values as [{}]", labels.join(", "))),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{only, settings};

    #[test]
    fn flags_default_above_max() {
        let found = settings(
            "  net.ipv4.tcp_rmem:\n    value: {min: 4KiB, default: 1MiB, max: 512KiB}\n    rationale: r\n",
        );
        assert_eq!(only("TP308", found), vec![6]);
    }
}
