//! `tcppolicy explain`: a parameter or a diagnostic code in full.

use crate::cli::ExplainArgs;
use crate::commands::report::wrap;
use crate::output;
use std::fmt::Write;
use std::process::ExitCode;
use tcppolicy_core::catalog::{self, Param};
use tcppolicy_core::codes;
use tcppolicy_core::derived::{self, RTO_MAX_MS, human_ms};
use tcppolicy_core::model::{RawScalar, RawValue};
use tcppolicy_core::value;

pub fn run(args: &ExplainArgs) -> anyhow::Result<ExitCode> {
    if args.list {
        let mut s = String::new();
        for c in codes::all() {
            writeln!(
                s,
                "{}  {:<8} {:<34} {}",
                c.id,
                c.severity.to_string(),
                c.name,
                c.summary
            )?;
        }
        output::out(&s);
        return Ok(ExitCode::SUCCESS);
    }
    let topic = args.topic.as_deref().unwrap_or_default();
    if let Some(code) = codes::find(topic) {
        output::out(&format!(
            "{} {} ({})\n\n{}\n\n{}\n",
            code.id, code.name, code.severity, code.summary, code.explain
        ));
        return Ok(ExitCode::SUCCESS);
    }
    let param = catalog::lookup(topic).or_else(|| {
        catalog::suggest(topic)
            .filter(|s| s.ends_with(&format!(".{topic}")))
            .and_then(catalog::lookup)
    });
    let Some(param) = param else {
        let hint = catalog::suggest(topic)
            .map(|s| format!(" (did you mean `{s}`?)"))
            .or_else(|| codes::suggest(topic).map(|c| format!(" (did you mean `{}`?)", c.id)))
            .unwrap_or_default();
        anyhow::bail!(
            "`{topic}` is neither a parameter in the catalog nor a diagnostic code{hint}"
        );
    };
    let mut s = parameter(param);
    let given = match &args.value {
        Some(v) => Some(parse_value(param, v)?),
        None => None,
    };
    // A value outside the kernel's bounds gets no figure: the kernel would refuse it.
    let outside = given.and_then(|v| outside_bounds(param, v));
    s.push_str(&derived_figures(param, given.filter(|_| outside.is_none())));
    if let (Some(v), Some(why)) = (given, outside) {
        let _ = writeln!(s, "\n  value {v}: {why}; the kernel rejects it with EINVAL");
    }
    output::out(&s);
    Ok(ExitCode::SUCCESS)
}

fn parse_value(param: &Param, text: &str) -> anyhow::Result<i128> {
    let raw = match text.parse::<i64>() {
        Ok(i) => RawValue::Scalar(RawScalar::Int(i)),
        Err(_) => RawValue::Scalar(RawScalar::Text(text.to_string())),
    };
    let v = value::convert(param, &raw).map_err(|e| anyhow::anyhow!("{}", e.message))?;
    v.as_int()
        .ok_or_else(|| anyhow::anyhow!("--value needs an integer parameter"))
}

/// Why `value` is outside what the kernel accepts for `p`, if it is. Limits that depend on
/// another parameter use its default; those that depend on `CONFIG_HZ` the widest range.
fn outside_bounds(p: &Param, value: i128) -> Option<String> {
    let other = |name: &str| {
        catalog::lookup(name)?
            .fixed_default(None)?
            .trim()
            .parse()
            .ok()
    };
    let min = p.limit_value(p.min, false, None, &other);
    let max = p.limit_value(p.max, true, None, &other);
    if value > max {
        Some(format!("above the kernel's maximum of {max}"))
    } else if value < min {
        Some(format!("below the kernel's minimum of {min}"))
    } else {
        None
    }
}

/// The width `explain` wraps its text at.
const WIDTH: usize = 80;

fn parameter(p: &Param) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "{}\n", p.name);
    for line in wrap(p.summary, WIDTH - 2) {
        let _ = writeln!(s, "  {line}");
    }
    s.push('\n');
    // A row's value wraps under itself, so the output reads at 80 columns.
    let row = |s: &mut String, k: &str, v: &str| {
        for (i, line) in wrap(v, WIDTH - 14).iter().enumerate() {
            let key = if i == 0 { k } else { "" };
            let _ = writeln!(s, "  {key:<12}{line}");
        }
    };
    let kind = p.kind.describe();
    match p.storage.describe() {
        Some(storage) => row(&mut s, "type", &format!("{kind}, {storage}")),
        None => row(&mut s, "type", &kind),
    }
    row(
        &mut s,
        "bounds",
        &format!("{} (enforced by the kernel)", p.bounds_text()),
    );
    if let Some(note) = p.bounds_note() {
        row(&mut s, "", &note);
    }
    row(&mut s, "domain", &p.domain_text());
    row(
        &mut s,
        "unit",
        match p.unit.suffix() {
            "" => "none",
            u => u,
        },
    );
    row(&mut s, "default", &p.defaults_text());
    row(&mut s, "scope", &p.scope.to_string());
    row(
        &mut s,
        "access",
        if p.read_only {
            "read-only"
        } else {
            "read-write"
        },
    );
    row(&mut s, "kernels", &p.lifetime_text());
    if let Some(o) = p.obsolete {
        row(&mut s, "obsolete", o.note);
    }
    row(&mut s, "source", p.source);
    s
}

fn default_int(name: &str) -> Option<i128> {
    catalog::lookup(name)?
        .fixed_default(None)?
        .trim()
        .parse()
        .ok()
}

/// The derived figure for the parameter's default and, if given, for `value`.
fn derived_figures(p: &Param, value: Option<i128>) -> String {
    let figure: Box<dyn Fn(i128) -> Option<String>> = match p.short_name() {
        "tcp_syn_retries" | "tcp_syn_linear_timeouts" => {
            let is_retries = p.short_name() == "tcp_syn_retries";
            Box::new(move |v| {
                let (n, l) = if is_retries {
                    (v, default_int("net.ipv4.tcp_syn_linear_timeouts")?)
                } else {
                    (default_int("net.ipv4.tcp_syn_retries")?, v)
                };
                let (n, l) = (u64::try_from(n).ok()?, u64::try_from(l).ok()?);
                let new = derived::connect_timeout(n, l, RTO_MAX_MS);
                let old = derived::connect_timeout(n, 0, RTO_MAX_MS);
                Some(format!(
                    "connect() gives up after {} ({} SYNs) on 6.5+ with tcp_syn_retries={n}, tcp_syn_linear_timeouts={l}; after {} ({} SYNs) on older kernels",
                    human_ms(new.gives_up_after_ms),
                    new.syns_sent,
                    human_ms(old.gives_up_after_ms),
                    old.syns_sent
                ))
            })
        }
        "tcp_keepalive_time" | "tcp_keepalive_intvl" | "tcp_keepalive_probes" => {
            let which = p.short_name();
            Box::new(move |v| {
                let mut t = default_int("net.ipv4.tcp_keepalive_time")?;
                let mut i = default_int("net.ipv4.tcp_keepalive_intvl")?;
                let mut n = default_int("net.ipv4.tcp_keepalive_probes")?;
                match which {
                    "tcp_keepalive_time" => t = v,
                    "tcp_keepalive_intvl" => i = v,
                    _ => n = v,
                }
                let total = derived::keepalive_detection_s(t, i, n);
                Some(format!(
                    "a dead peer is detected after {} ({t} s + {n} × {i} s) on keepalive sockets",
                    human_ms(u64::try_from(total * 1000).ok()?)
                ))
            })
        }
        "tcp_retries2" => Box::new(|v| {
            let ms = derived::retries2_timeout_ms(u64::try_from(v).ok()?, RTO_MAX_MS);
            Some(format!(
                "an established connection gives up after at least {} of retransmissions",
                human_ms(ms)
            ))
        }),
        _ => return String::new(),
    };
    let mut s = String::from("\n  derived figures\n");
    if let Some(d) = default_int(p.name).and_then(|d| figure(d).map(|f| (d, f))) {
        figure_line(&mut s, &format!("default ({}): {}", d.0, d.1));
    }
    if let Some(v) = value {
        match figure(v) {
            Some(f) => {
                figure_line(&mut s, &format!("value {v}: {f}"));
            }
            None => {
                let _ = writeln!(s, "    value {v}: no figure (out of range)");
            }
        }
    }
    s
}

/// One derived figure, wrapped at [`WIDTH`] under itself.
fn figure_line(s: &mut String, text: &str) {
    for (i, line) in wrap(text, WIDTH - 6).iter().enumerate() {
        let indent = if i == 0 { "    " } else { "      " };
        let _ = writeln!(s, "{indent}{line}");
    }
}
