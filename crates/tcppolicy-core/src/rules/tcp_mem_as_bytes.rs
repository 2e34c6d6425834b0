//! `tcp_mem` written in bytes.

use super::{Ctx, Rule};
use crate::diagnostic::Diagnostic;
use crate::diagnostic::code;

code!(
    TCP_MEM_AS_BYTES,
    "TP606",
    "tcp-mem-as-bytes",
    Warning,
    "`tcp_mem` given numbers that look like bytes; it is in pages",
    "`tcp_mem` (`[min, pressure, max]`) counts pages of 4 KiB for all TCP sockets together, \
     unlike `tcp_rmem`/`tcp_wmem`, which are bytes per socket. A classic mistake copies \
     `16777216 16777216 16777216` into it, which means 64 GiB. Plain numbers of 2^24 pages \
     (64 GiB) or more are flagged; write sizes (`[1GiB, 2GiB, 4GiB]`) to let tcppolicy \
     convert."
);

pub(super) static RULE: Rule = Rule {
    codes: &[&TCP_MEM_AS_BYTES],
    check,
};

fn check(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    let (Some(s), Some(v)) = (ctx.get("net.ipv4.tcp_mem"), ctx.exact("net.ipv4.tcp_mem")) else {
        return;
    };
    for (i, pages) in v.ints().iter().enumerate() {
        if *pages >= 1 << 24 {
            let gib = pages * 4096 / (1 << 30);
            out.push(
                Diagnostic::new(
                    &TCP_MEM_AS_BYTES,
                    ctx.value_at(s, &format!("/{i}")),
                    format!("`tcp_mem` is in pages of 4 KiB: {pages} pages is {gib} GiB"),
                )
                .help("write sizes such as `[1GiB, 2GiB, 4GiB]`, or page counts"),
            );
            break;
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::rules::testing::{only, settings};

    #[test]
    fn flags_byte_values_in_tcp_mem() {
        assert_eq!(
            only(
                "TP606",
                settings(
                    "  net.ipv4.tcp_mem:\n    value: [16777216, 16777216, 16777216]\n    rationale: r\n"
                )
            ),
            vec![6]
        );
        assert_eq!(
            only(
                "TP606",
                settings("  net.ipv4.tcp_mem:\n    value: [1GiB, 2GiB, 4GiB]\n    rationale: r\n")
            ),
            Vec::<u32>::new()
        );
    }
}
