//! TuneD profiles (`tuned.conf`), read as TuneD reads them: Python's `configparser` with
//! `delimiters=('=',)`, `inline_comment_prefixes=('#',)` and `strict=False`
//! (`tuned/profiles/loader.py`), then, for each option of a `sysctl` unit, the value
//! unquoted (`^"(.*)"$`), `${...}` expanded and a leading `>` or `<` applied
//! (`plugin_sysctl.py`, `base.py` `_process_assignment_modifiers`): `>2048` writes 2048
//! only when the current value is lower, which a policy says as `at_least: 2048`.

use super::{Bound, State};
use crate::sysctld::normalize_key;
use std::path::Path;

/// Options of a TuneD unit section that are not plugin options (`tuned/profiles/unit.py`).
const UNIT_OPTIONS: &[&str] = &[
    "type",
    "enabled",
    "devices",
    "devices_udev_regex",
    "cpuinfo_regex",
    "uname_regex",
    "script_pre",
    "script_post",
    "drop",
    "replace",
    "prepend",
    "priority",
];

/// Whether `text` is a TuneD profile: the file is named `tuned.conf`, or its first line
/// that is not blank or a comment is a `[section]` header.
pub(super) fn is_profile(path: &Path, text: &str) -> bool {
    if path.file_name().is_some_and(|n| n == "tuned.conf") {
        return true;
    }
    text.lines()
        .map(str::trim)
        .find(|l| !l.is_empty() && !l.starts_with(['#', ';']))
        .is_some_and(|l| l.starts_with('[') && l.contains(']'))
}

/// One option line of a section.
#[derive(Debug)]
struct Option_ {
    key: String,
    value: String,
    line: usize,
    /// The value continued on indented lines.
    multiline: bool,
}

/// One section, in file order.
#[derive(Debug)]
struct Section {
    name: String,
    first: usize,
    last: usize,
    options: Vec<Option_>,
}

/// What `configparser` makes of the file: the sections, and the first line it cannot
/// parse (TuneD then refuses the whole profile).
fn parse(text: &str) -> (Vec<Section>, Option<(usize, String)>) {
    let mut sections: Vec<Section> = Vec::new();
    let mut error = None;
    let mut indent_level = 0usize;
    let mut in_option = false;
    for (index, raw) in text.lines().enumerate() {
        let line = index + 1;
        let stripped = raw.trim();
        let comment_start = if stripped.starts_with(['#', ';']) {
            Some(0)
        } else {
            inline_comment(raw)
        };
        let value = raw[..comment_start.unwrap_or(raw.len())].trim();
        if value.is_empty() {
            continue;
        }
        let indent = raw.len() - raw.trim_start().len();
        if let Some(section) = sections.last_mut() {
            section.last = line;
        }
        if in_option && indent > indent_level {
            if let Some(o) = sections.last_mut().and_then(|s| s.options.last_mut()) {
                o.value.push('\n');
                o.value.push_str(value);
                o.multiline = true;
            }
            continue;
        }
        indent_level = indent;
        if let Some(name) = value
            .strip_prefix('[')
            .and_then(|rest| rest.rfind(']').map(|end| &rest[..end]))
            .filter(|n| !n.is_empty())
        {
            sections.push(Section {
                name: name.to_string(),
                first: line,
                last: line,
                options: Vec::new(),
            });
            in_option = false;
            continue;
        }
        match (sections.last_mut(), value.split_once('=')) {
            (Some(section), Some((key, val))) if !key.trim().is_empty() => {
                section.options.push(Option_ {
                    key: key.trim().to_string(),
                    value: val.trim().to_string(),
                    line,
                    multiline: false,
                });
                in_option = true;
            }
            _ => {
                error.get_or_insert((line, value.to_string()));
                in_option = false;
            }
        }
    }
    (sections, error)
}

/// Where an inline `#` comment starts: a `#` at the start or after white space.
fn inline_comment(line: &str) -> Option<usize> {
    line.char_indices()
        .find(|&(i, c)| {
            c == '#'
                && (i == 0
                    || line[..i]
                        .chars()
                        .next_back()
                        .is_some_and(char::is_whitespace))
        })
        .map(|(i, _)| i)
}

/// Python's `int()` on a string: optional white space and sign, decimal digits with
/// single underscores between them.
fn python_int(text: &str) -> Option<i128> {
    let t = text.trim();
    let (neg, digits) = match t.strip_prefix('-') {
        Some(rest) => (true, rest),
        None => (false, t.strip_prefix('+').unwrap_or(t)),
    };
    let ok = !digits.is_empty()
        && !digits.starts_with('_')
        && !digits.ends_with('_')
        && !digits.contains("__")
        && digits.bytes().all(|b| b.is_ascii_digit() || b == b'_');
    if !ok {
        return None;
    }
    let n: i128 = digits.replace('_', "").parse().ok()?;
    Some(if neg { -n } else { n })
}

/// Read one profile into `state`.
pub(super) fn read(path: &str, text: &str, state: &mut State) {
    state.notes.push(format!(
        "{path} is a TuneD profile. By default TuneD applies /etc/sysctl.d/*.conf and \
         /etc/sysctl.conf again after a profile's [sysctl] section (reapply_sysctl in \
         tuned-main.conf), so values set there win over these."
    ));
    let (sections, error) = parse(text);
    let origin = |line: usize| format!("{path}:{line}");
    if let Some((line, bad)) = error {
        state.skip(
            &origin(line),
            &super::clip(&bad),
            "TuneD cannot parse this line, and refuses the whole profile: nothing of it is \
             imported",
        );
        return;
    }
    for section in &sections {
        let unit_type = section
            .options
            .iter()
            .find(|o| o.key == "type")
            .map_or(section.name.as_str(), |o| o.value.as_str());
        let range = format!("{path}:{}-{}", section.first, section.last);
        let name = format!("[{}]", section.name);
        match (section.name.as_str(), unit_type) {
            (_, "sysctl") => read_sysctl(path, section, state),
            ("main", _) => {
                for o in &section.options {
                    let reason = if o.key == "include" {
                        format!(
                            "TuneD merges the included profile `{}` under this one: import its \
                             tuned.conf first (earlier on the command line) to include its \
                             settings",
                            super::clip(&o.value)
                        )
                    } else {
                        "profile metadata, not a setting".to_string()
                    };
                    state.skip(&origin(o.line), &format!("[main] {}", o.key), reason);
                }
            }
            ("variables", _) => state.skip(
                &range,
                &name,
                "TuneD variables, used only through `${...}` in this profile",
            ),
            (_, plugin) => state.skip(
                &range,
                &name,
                format!(
                    "a section of TuneD's `{}` plugin, not sysctl settings",
                    super::clip(plugin)
                ),
            ),
        }
    }
}

fn read_sysctl(path: &str, section: &Section, state: &mut State) {
    // A unit that is disabled, or that applies only on machines whose `uname -m` or
    // /proc/cpuinfo match a pattern, is not what every host gets: reported, not imported.
    let option = |key: &str| section.options.iter().find(|o| o.key == key);
    // `unit.py`: `config.pop("enabled", True) in [True, "True", "true", 1, "1"]`.
    let disabled =
        option("enabled").is_some_and(|o| !matches!(o.value.as_str(), "True" | "true" | "1"));
    let condition = ["uname_regex", "cpuinfo_regex"]
        .iter()
        .filter_map(|k| option(k))
        .map(|o| format!("{} `{}`", o.key, super::clip(&o.value)))
        .collect::<Vec<_>>();
    if disabled || !condition.is_empty() {
        let reason = if disabled {
            "the unit is disabled (`enabled`): TuneD does not apply it".to_string()
        } else {
            format!(
                "TuneD applies this unit only on machines that match {}: not a setting for \
                 every host",
                condition.join(" and ")
            )
        };
        for o in &section.options {
            state.skip(&format!("{path}:{}", o.line), &o.key, reason.clone());
        }
        return;
    }
    for o in &section.options {
        let origin = format!("{path}:{}", o.line);
        if UNIT_OPTIONS.contains(&o.key.as_str()) {
            let reason = match o.key.as_str() {
                "replace" => {
                    "a TuneD unit option: this unit replaces the included profiles' \
                              [sysctl] units instead of merging with them"
                }
                "drop" => {
                    "a TuneD unit option: it drops options inherited from included \
                           profiles"
                }
                _ => "a TuneD unit option, not a parameter",
            };
            state.skip(&origin, &o.key, reason);
            continue;
        }
        if o.multiline {
            state.skip(
                &origin,
                &o.key,
                "a value continued on indented lines: TuneD writes the lines joined by \
                 newlines, which no TCP parameter takes",
            );
            continue;
        }
        // unquote, as `commands.unquote`: a value wrapped in double quotes loses them
        let value = o
            .value
            .strip_prefix('"')
            .and_then(|v| v.strip_suffix('"'))
            .unwrap_or(&o.value);
        if value.contains("${") {
            state.skip(
                &origin,
                &o.key,
                format!(
                    "TuneD expands `${{...}}` (variables and functions) when it loads the \
                     profile; import cannot: `{}`",
                    super::clip(value)
                ),
            );
            continue;
        }
        let key = normalize_key(&o.key);
        let (bound, written) = match value.chars().next() {
            Some(op @ ('>' | '<')) if value.len() > 1 => {
                let rest = &value[1..];
                if python_int(rest).is_none() {
                    state.skip(
                        &origin,
                        &o.key,
                        format!(
                            "TuneD compares a `{op}` value as one integer; `{}` is not one, so \
                             TuneD writes the text as is and the kernel rejects it",
                            super::clip(rest)
                        ),
                    );
                    continue;
                }
                let bound = if op == '>' {
                    Bound::AtLeast
                } else {
                    Bound::AtMost
                };
                (bound, rest)
            }
            _ => (Bound::Exact, value),
        };
        state.assign(&origin, &key, written, bound, &[]);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::import::{Desired, State};
    use tcppolicy_core::value::Value;

    fn import(text: &str) -> crate::import::Import {
        let mut state = State::default();
        read("tuned.conf", text, &mut state);
        state.finish()
    }

    #[test]
    fn prefixes_become_bounds_and_quotes_go() {
        let i = import(
            "[main]\nsummary=x\ninclude=throughput-performance\n\n[sysctl]\n\
             net.core.somaxconn=>2048\nnet.ipv4.tcp_rmem=\"4096 87380 16777216\"\n\
             net.ipv4.tcp_fin_timeout=<30 # short\nnet.ipv4.tcp_wmem=>4096 65536 16777216\n\
             net.core.busy_read=${var}\n[cpu]\ngovernor=performance\n",
        );
        let got: Vec<(&str, Desired)> = i
            .found
            .iter()
            .map(|f| (f.param.name, f.desired.clone()))
            .collect();
        assert_eq!(
            got,
            [
                ("net.core.somaxconn", Desired::AtLeast(2048)),
                (
                    "net.ipv4.tcp_rmem",
                    Desired::Value(Value::Vector(vec![4096, 87380, 16777216]))
                ),
                ("net.ipv4.tcp_fin_timeout", Desired::AtMost(30)),
            ]
        );
        let reasons: Vec<&str> = i.skipped.iter().map(|s| s.reason.as_str()).collect();
        assert_eq!(reasons.len(), 5, "{reasons:#?}");
        assert!(reasons[1].contains("included profile `throughput-performance`"));
        assert!(reasons[2].contains("as one integer"));
        assert!(reasons[3].contains("`${...}`"));
        assert!(reasons[4].contains("`cpu` plugin"));
    }

    #[test]
    fn conditional_and_disabled_units_are_reported_not_imported() {
        let i = import(
            "[sysctl]\nnet.core.somaxconn=>2048\n\n[sysctl.thunderx]\ntype=sysctl\n\
             uname_regex=aarch64\nnet.ipv4.tcp_fin_timeout=15\n\n[off]\ntype=sysctl\n\
             enabled=false\nnet.ipv4.tcp_syn_retries=3\n",
        );
        let names: Vec<&str> = i.found.iter().map(|f| f.param.name).collect();
        assert_eq!(names, ["net.core.somaxconn"]);
        let fin = i
            .skipped
            .iter()
            .find(|s| s.key == "net.ipv4.tcp_fin_timeout")
            .unwrap();
        assert!(fin.reason.contains("uname_regex `aarch64`"), "{fin:?}");
        let syn = i
            .skipped
            .iter()
            .find(|s| s.key == "net.ipv4.tcp_syn_retries")
            .unwrap();
        assert!(syn.reason.contains("disabled"), "{syn:?}");
    }

    #[test]
    fn an_unparsable_line_refuses_the_profile() {
        let i = import("[sysctl]\nnet.core.somaxconn=4096\nnot an option\n");
        assert!(i.found.is_empty());
        assert!(i.skipped[0].reason.contains("refuses the whole profile"));
    }

    #[test]
    fn python_int_is_python_int() {
        assert_eq!(python_int(" 1_000 "), Some(1000));
        assert_eq!(python_int("+5"), Some(5));
        assert_eq!(python_int("010"), Some(10));
        assert_eq!(python_int("0x10"), None);
        assert_eq!(python_int("1__0"), None);
        assert_eq!(python_int("4096 87380"), None);
    }
}
