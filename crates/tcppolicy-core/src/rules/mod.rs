//! Rules over the effective policy. One rule per file: its code(s), its `explain` text,
//! its check and its tests side by side (cargo's lint layout). Rules are named after the
//! pattern they flag, so that `allow: syncookies-disabled` reads well.

use crate::diagnostic::{Code, Diagnostic, Label};
use crate::effective::{EffectivePolicy, EffectiveSetting};
use crate::load::SpanTable;
use crate::source::{FileId, SourceMap};
use crate::value::Value;
use crate::version::VersionRange;
use std::collections::HashMap;

mod base_mss_below_probe_floor;
mod bounds;
mod connect_timeout;
mod container_restates_default;
mod container_scope;
mod domain;
mod dsack_without_sack;
mod equals_kernel_default;
mod established_timeout;
mod fack_without_sack;
mod fastopen_key_in_policy;
mod fin_timeout_not_time_wait;
mod keepalive_detection;
mod keepalive_outside_sockopt_range;
mod lifetime;
mod lowering_safety_limits;
mod no_op_parameter;
mod not_seen_by_containers;
mod port_range;
mod read_only;
mod reordering_above_max;
mod reserved_ports;
mod retries2_below_rfc1122;
mod rmem_below_stable_floor;
mod rto_min_not_below_max;
mod syn_backlog_with_syncookies;
mod syncookies_disabled;
mod tcp_mem_as_bytes;
mod tuple_order;
mod tw_reuse_without_timestamps;
mod unknown_congestion_control;
mod window_scaling_disabled;

/// A rule: the codes it reports and its check.
#[derive(Debug)]
pub struct Rule {
    /// Codes this rule reports.
    pub codes: &'static [&'static Code],
    /// The check.
    pub check: fn(&Ctx<'_>, &mut Vec<Diagnostic>),
}

/// Every rule, in reporting order.
pub static RULES: &[&Rule] = &[
    &bounds::RULE,
    &domain::RULE,
    &tuple_order::RULE,
    &read_only::RULE,
    &lifetime::RULE,
    &no_op_parameter::RULE,
    &container_scope::RULE,
    &not_seen_by_containers::RULE,
    &container_restates_default::RULE,
    &fack_without_sack::RULE,
    &dsack_without_sack::RULE,
    &tw_reuse_without_timestamps::RULE,
    &reordering_above_max::RULE,
    &window_scaling_disabled::RULE,
    &rto_min_not_below_max::RULE,
    &syncookies_disabled::RULE,
    &port_range::RULE,
    &reserved_ports::RULE,
    &base_mss_below_probe_floor::RULE,
    &rmem_below_stable_floor::RULE,
    &retries2_below_rfc1122::RULE,
    &lowering_safety_limits::RULE,
    &fin_timeout_not_time_wait::RULE,
    &syn_backlog_with_syncookies::RULE,
    &tcp_mem_as_bytes::RULE,
    &equals_kernel_default::RULE,
    &keepalive_outside_sockopt_range::RULE,
    &fastopen_key_in_policy::RULE,
    &unknown_congestion_control::RULE,
    &connect_timeout::RULE,
    &keepalive_detection::RULE,
    &established_timeout::RULE,
];

/// Run every rule.
pub fn check_all(ctx: &Ctx<'_>, out: &mut Vec<Diagnostic>) {
    for rule in RULES {
        (rule.check)(ctx, out);
    }
}

/// What a rule sees: the effective policy, the kernel range, and spans to point with.
#[derive(Debug)]
pub struct Ctx<'a> {
    /// The effective policy.
    pub policy: &'a EffectivePolicy,
    /// The kernel range (the policy's, or the default floor).
    pub range: VersionRange,
    pub(crate) spans: &'a HashMap<FileId, SpanTable>,
    pub(crate) sources: &'a SourceMap,
}

impl Ctx<'_> {
    /// The setting for `name`.
    pub fn get(&self, name: &str) -> Option<&EffectiveSetting> {
        self.policy.get(name)
    }

    /// The exact integer a setting sets (`value: default` resolves to the newest fixed
    /// default); `None` for bounds and absent settings.
    pub fn int(&self, name: &str) -> Option<i128> {
        self.exact(name)?.as_int()
    }

    /// The exact value a setting sets, resolving `value: default`.
    pub fn exact(&self, name: &str) -> Option<Value> {
        self.policy.exact(name)
    }

    /// The value a setting leaves in place: the exact value if set, else the kernel's
    /// fixed default (for rules about parameters the policy does not set).
    pub fn int_or_default(&self, name: &str) -> Option<i128> {
        self.policy.int_or_default(name)
    }

    /// Label on the setting's key.
    pub fn key(&self, s: &EffectiveSetting) -> Label {
        Label::new(s.origin.file, self.span_table(s).key(&s.origin.pointer))
    }

    /// Label on the setting's value.
    pub fn value(&self, s: &EffectiveSetting) -> Label {
        self.value_at(s, "")
    }

    /// Label on an element of the setting's value (`/1`, `/max`), falling back to the value.
    pub fn value_at(&self, s: &EffectiveSetting, element: &str) -> Label {
        let mut pointer = crate::load::child_pointer(&s.origin.pointer, s.target.field());
        pointer.push_str(element);
        let table = self.span_table(s);
        let pointer = if table.get(&pointer).is_some() || element.is_empty() {
            pointer
        } else {
            // The map form names elements; translate an index to its label.
            let idx: Option<usize> = element.trim_start_matches('/').parse().ok();
            match (idx, s.param.kind) {
                (Some(i), crate::catalog::Kind::Vector(labels)) if i < labels.len() => {
                    format!("{}/{}/{}", s.origin.pointer, s.target.field(), labels[i])
                }
                _ => pointer,
            }
        };
        Label::new(s.origin.file, table.value(&pointer))
    }

    fn span_table(&self, s: &EffectiveSetting) -> &SpanTable {
        static EMPTY: std::sync::OnceLock<SpanTable> = std::sync::OnceLock::new();
        self.spans
            .get(&s.origin.file)
            .unwrap_or_else(|| EMPTY.get_or_init(SpanTable::default))
    }

    /// The source map (for rules that quote text).
    pub fn sources(&self) -> &SourceMap {
        self.sources
    }
}

#[cfg(test)]
pub(crate) mod testing {
    //! Compile policy text and list `(code, line)` pairs.

    use crate::compile::compile_str;

    /// Header lines prepended by [`settings`]: settings start on line 5.
    pub const HEADER: &str = "tcppolicy: 1\nname: t\nkernel: \">=6.12\"\nsettings:\n";

    /// Compile a whole policy text.
    pub fn run(text: &str) -> Vec<(&'static str, u32)> {
        let c = compile_str(std::path::Path::new("t.yaml"), text);
        c.diagnostics
            .iter()
            .map(|d| {
                let f = c.sources.get(d.primary.file);
                (d.code.id, f.line_col(d.primary.span.start).line)
            })
            .collect()
    }

    /// Compile `HEADER` + settings text (indented by two spaces already).
    pub fn settings(body: &str) -> Vec<(&'static str, u32)> {
        run(&format!("{HEADER}{body}"))
    }

    /// Only the pairs for `code`.
    pub fn only(code: &str, found: Vec<(&'static str, u32)>) -> Vec<u32> {
        found
            .into_iter()
            .filter(|(c, _)| *c == code)
            .map(|(_, l)| l)
            .collect()
    }
}
