//! The type and unit phase: every setting's name is looked up in the catalog and its
//! written value converted exactly into the parameter's type and unit.

use crate::catalog::{self, Kind, Param};
use crate::diagnostic::{Diagnostic, Label, code};
use crate::effective::Target;
use crate::load::{Document, child_pointer};
use crate::model::{RawScalar, RawValue, Setting};
use crate::value::{self, ConvertErrorKind};

code!(
    UNKNOWN_PARAMETER,
    "TP301",
    "unknown-parameter",
    Error,
    "the catalog does not know this parameter",
    "Settings are keyed by dotted sysctl names that tcppolicy's catalog knows \
     (`tcppolicy catalog` lists them). A name the catalog does not know is an error: it is \
     usually a typo, a slash-separated path (`net/ipv4/tcp_sack`), or a parameter outside \
     tcppolicy's scope (`net.ipv4.tcp_*`, the related `net.core.*` and the local port \
     range). The help suggests the closest known name.\n\nNames are never turned into \
     `/proc/sys` paths except through the catalog, so a name like `../../kernel/panic` can \
     never reach the file system."
);
code!(
    WRONG_VALUE_KIND,
    "TP302",
    "wrong-value-kind",
    Error,
    "the value does not have the parameter's shape",
    "Each parameter takes one kind of value: an integer, a boolean, a fixed-length list \
     (`tcp_rmem` takes `[min, default, max]`, also written as a map), a name, a list of \
     ports. A value of another kind, or a list of the wrong length, is an error. Booleans \
     must be written `true`/`false` (or 1/0): the YAML 1.1 spellings `yes`/`no`/`on`/`off` \
     mean different things to different YAML tools and are rejected."
);
code!(
    UNIT_NOT_ALLOWED,
    "TP303",
    "unit-not-allowed",
    Error,
    "a unit that does not fit the parameter",
    "Sizes (`B`, `KiB`, `MiB`, `GiB`, `TiB`) are accepted for parameters in bytes and in \
     pages; durations (`ns`, `us`, `ms`, `s`, `m`, `h`, `d`) for parameters in a time unit. \
     A duration for a byte parameter, a size for a time parameter, or any unit on a plain \
     count (`tcp_syn_retries: 5s`) is an error: the number would mean something other than \
     what was written."
);
code!(
    INEXACT_CONVERSION,
    "TP304",
    "inexact-conversion",
    Error,
    "the value does not convert exactly into the parameter's unit",
    "tcppolicy converts units exactly or not at all: `1500ms` for a parameter in seconds \
     would have to be rounded to 1 or 2, and silently rounding a timeout is how outages \
     start. Give a value that is a whole number of the parameter's unit. `tcp_mem` is in \
     pages of 4 KiB: a size there must be a multiple of 4 KiB."
);
code!(
    MALFORMED_NUMBER,
    "TP305",
    "malformed-number",
    Error,
    "a number that cannot be read",
    "The value is not a number tcppolicy can read: an unknown unit (`16MB`: tcppolicy uses \
     binary units, write `16MiB`), a leading zero (`0755` is octal to YAML 1.1 and decimal \
     to YAML 1.2, so it is refused), or a number too large for any kernel parameter."
);
code!(
    INVALID_NAME,
    "TP309",
    "invalid-name",
    Error,
    "a congestion control or qdisc name with invalid characters",
    "Congestion control and queueing discipline names are short identifiers (`bbr`, \
     `cubic`, `fq_codel`): letters, digits, `_` and `-`, at most 15 characters. Anything \
     else, including spaces, newlines and `=`, is rejected so that a value can never \
     inject a second line into a sysctl.d file."
);
code!(
    INVALID_PORTS,
    "TP310",
    "invalid-port-list",
    Error,
    "a port list entry that is not a port or a `low-high` range",
    "`ip_local_reserved_ports` takes ports (0–65535) and ranges `low-high` with low ≤ high, \
     as a YAML list (`[8080, \"9000-9100\"]`) or as the kernel's own comma-separated text."
);
code!(
    BOUND_NEEDS_INTEGER,
    "TP312",
    "bound-needs-integer",
    Error,
    "`at_least`/`at_most` on a parameter that is not a single integer",
    "`at_least` and `at_most` compare the current value with a bound, which only makes \
     sense for parameters holding one integer. For lists, names and flags use `value`."
);
code!(
    NO_FIXED_DEFAULT,
    "TP313",
    "no-fixed-default",
    Error,
    "`value: default` for a parameter whose default is computed at boot",
    "`value: default` sets the kernel's compiled-in default. Some parameters have no fixed \
     default: it is computed from the machine's memory (`tcp_mem`, `tcp_max_orphans`), \
     from the hash table size (`tcp_max_syn_backlog`, `tcp_max_tw_buckets`), copied from the \
     initial namespace (`tcp_rmem`, `tcp_wmem`) or chosen at build time \
     (`tcp_congestion_control`). Give the value explicitly."
);
code!(
    INVALID_TEXT,
    "TP315",
    "invalid-text",
    Error,
    "text that does not have the parameter's format",
    "Free-text parameters have a fixed format the kernel enforces; `tcp_fastopen_key` is \
     four groups of up to eight hex digits separated by `-`, optionally followed by `,` \
     and a backup key. Control characters (newlines) are never accepted."
);

/// Convert one setting written in `doc` at `/settings/<name>` into a target, or report
/// why not. Returns `None` when the setting is unusable.
pub fn convert_setting(
    doc: &Document,
    name: &str,
    setting: &Setting,
    out: &mut Vec<Diagnostic>,
    suggestions: &mut usize,
) -> Option<(&'static Param, Target)> {
    let base = child_pointer("/settings", name);
    let Some(param) = catalog::lookup(name) else {
        let mut d = Diagnostic::new(
            &UNKNOWN_PARAMETER,
            Label::new(doc.file, doc.spans.key(&base)),
            format!("unknown parameter: `{}`", name.escape_debug()),
        );
        let suggestion = (*suggestions > 0).then(|| catalog::suggest(name)).flatten();
        *suggestions = suggestions.saturating_sub(1);
        d = match suggestion {
            Some(s) => d.help(format!("did you mean `{s}`?")),
            None => d.help("`tcppolicy catalog` lists every parameter tcppolicy knows"),
        };
        out.push(d);
        return None;
    };
    let (field, raw) = match (&setting.value, &setting.at_least, &setting.at_most) {
        (Some(v), None, None) => ("value", v),
        (None, Some(v), None) => ("at_least", v),
        (None, None, Some(v)) => ("at_most", v),
        _ => return None, // the schema reported it
    };
    let pointer = child_pointer(&base, field);
    if matches!(raw, RawValue::Scalar(RawScalar::Text(t)) if t == "default") {
        if field != "value" {
            out.push(
                Diagnostic::new(
                    &WRONG_VALUE_KIND,
                    Label::new(doc.file, doc.spans.value(&pointer)),
                    format!("`{field}` needs a number: found `default`"),
                )
                .help("use `value: default` for the kernel's default"),
            );
            return None;
        }
        if param.fixed_default(None).is_none() {
            out.push(
                Diagnostic::new(
                    &NO_FIXED_DEFAULT,
                    Label::new(doc.file, doc.spans.value(&pointer)),
                    format!("`{}` has no fixed kernel default to set", param.name),
                )
                .note(match param.default_for(None) {
                    Some(crate::catalog::DefaultValue::Computed(how)) => {
                        format!("the default is computed: {how}")
                    }
                    _ => "the default is not recorded in the catalog".into(),
                })
                .help("give the value explicitly"),
            );
            return None;
        }
        return Some((param, Target::KernelDefault));
    }
    if field != "value" && param.kind != Kind::Integer {
        out.push(
            Diagnostic::new(
                &BOUND_NEEDS_INTEGER,
                Label::new(doc.file, doc.spans.key(&pointer)),
                format!(
                    "`{field}` needs a parameter holding one integer: `{}` takes {}",
                    param.name,
                    param.kind.describe()
                ),
            )
            .help("use `value`"),
        );
        return None;
    }
    match value::convert(param, raw) {
        Ok(v) => Some((
            param,
            match (field, v) {
                ("at_least", value::Value::Int(n)) => Target::AtLeast(n),
                ("at_most", value::Value::Int(n)) => Target::AtMost(n),
                (_, v) => Target::Value(v),
            },
        )),
        Err(e) => {
            let at = format!("{pointer}{}", e.element.as_deref().unwrap_or(""));
            let code = match e.kind {
                ConvertErrorKind::WrongKind => &WRONG_VALUE_KIND,
                ConvertErrorKind::UnitNotAllowed => &UNIT_NOT_ALLOWED,
                ConvertErrorKind::Inexact => &INEXACT_CONVERSION,
                ConvertErrorKind::Malformed => &MALFORMED_NUMBER,
                ConvertErrorKind::InvalidName => &INVALID_NAME,
                ConvertErrorKind::InvalidPorts => &INVALID_PORTS,
                ConvertErrorKind::InvalidText => &INVALID_TEXT,
            };
            let mut d =
                Diagnostic::new(code, Label::new(doc.file, doc.spans.value(&at)), e.message);
            if let Some(h) = e.help {
                d = d.help(h);
            }
            out.push(d);
            None
        }
    }
}
