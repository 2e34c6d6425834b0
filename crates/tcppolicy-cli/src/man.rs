//! The man pages: tcppolicy(1), one tcppolicy-COMMAND(1) per command, and
//! tcppolicy-policy(5), the policy language.
//!
//! Built from the clap definitions (synopsis, options), [`crate::docs`] (description,
//! examples, exit status, related pages) and, for the policy language, the JSON Schema,
//! the catalog, the unit tables and the diagnostic codes, so nothing is written twice.
//! Examples are set with `.EX` (never refilled), exit statuses as a `tbl` table, and
//! hyphenation is off: what a page shows can be copied as it stands.

use crate::docs::{self, Block, Doc};
use clap::ArgAction;
use roff::{Inline, Roff, bold, italic, roman};
use serde_json::Value as Json;
use tcppolicy_core::catalog::PARAMS;
use tcppolicy_core::diagnostic::Severity;
use tcppolicy_core::value::{SIZE_UNITS, TIME_UNITS};

/// One page: its file name (`tcppolicy-plan.1`) and roff source.
#[derive(Debug)]
pub struct Page {
    /// The file name.
    pub file: String,
    /// The roff source.
    pub text: String,
}

/// The command-line definitions, built (value counts and defaults filled in).
fn cli() -> clap::Command {
    let mut cmd = crate::cli::command(true);
    cmd.build();
    cmd
}

/// tcppolicy(1).
pub fn main_page() -> String {
    command_page(&cli(), "")
}

/// Every page: tcppolicy(1), the commands' pages, tcppolicy-policy(5).
pub fn pages() -> Vec<Page> {
    let top = cli();
    let mut pages = vec![Page {
        file: "tcppolicy.1".into(),
        text: main_page(),
    }];
    for sub in documented(&top) {
        pages.push(Page {
            file: format!("tcppolicy-{}.1", sub.get_name()),
            text: command_page(sub, sub.get_name()),
        });
    }
    pages.push(Page {
        file: "tcppolicy-policy.5".into(),
        text: policy_page(),
    });
    pages
}

/// The subcommands with a page of their own (not clap's `help`).
fn documented(top: &clap::Command) -> impl Iterator<Item = &clap::Command> {
    top.get_subcommands()
        .filter(|s| !s.is_hide_set() && s.get_name() != "help")
}

/// `tcppolicy-plan`, or `tcppolicy` for the top level.
fn page_name(command: &str) -> String {
    if command.is_empty() {
        "tcppolicy".into()
    } else {
        format!("tcppolicy-{command}")
    }
}

/// The first lines of every page: `tbl` wanted, title, no hyphenation, ragged right.
fn header(name: &str, section: &str) -> String {
    format!(
        "'\\\" t\n.TH {} {section} \"\" \"tcppolicy {}\" \"tcppolicy manual\"\n",
        name.to_uppercase().replace('-', "\\-"),
        env!("CARGO_PKG_VERSION")
    )
}

/// The start of the body: hyphenation off (also after `.EE`), ragged right.
fn body() -> Roff {
    let mut r = Roff::new();
    r.control("nh", [])
        .control("nr", ["HY", "0"])
        .control("ad", ["l"]);
    r
}

/// Text with `code` spans set in bold.
fn inline(text: &str) -> Vec<Inline> {
    text.split('`')
        .enumerate()
        .filter(|(_, part)| !part.is_empty())
        .map(|(i, part)| if i % 2 == 1 { bold(part) } else { roman(part) })
        .collect()
}

/// A control-line argument with its dashes as minus signs.
fn arg(text: &str) -> String {
    text.replace('-', "\\-")
}

/// `name - summary`, as `whatis` and `apropos` read it.
fn name_line(r: &mut Roff, name: &str, summary: &str) {
    let summary = summary.trim().trim_end_matches('.');
    r.control("SH", ["NAME"]);
    r.text([roman(format!("{name} - {summary}"))]);
}

fn command_page(cmd: &clap::Command, command: &str) -> String {
    let doc = docs::doc(command);
    let name = page_name(command);
    let mut r = body();
    name_line(
        &mut r,
        &name,
        &cmd.get_about().map(ToString::to_string).unwrap_or_default(),
    );
    synopsis(&mut r, cmd, command);
    r.control("SH", ["DESCRIPTION"]);
    blocks(&mut r, doc.description);
    if command.is_empty() {
        r.control("SH", ["COMMANDS"]);
        for sub in documented(cmd) {
            r.control("TP", []);
            r.text([bold(format!("tcppolicy {}", sub.get_name()))]);
            let about = sub.get_about().map(ToString::to_string).unwrap_or_default();
            let mut line = inline(about.trim_end_matches('.'));
            line.push(roman(format!("; see {}(1).", page_name(sub.get_name()))));
            r.text(line);
        }
    }
    options(&mut r, cmd);
    exit_status(&mut r, doc, command);
    examples(&mut r, doc);
    see_also(&mut r, doc, command);
    header(&name, "1") + &r.render()
}

fn blocks(r: &mut Roff, description: &[Block]) {
    for block in description {
        match block {
            Block::Text(text) => {
                r.control("PP", []);
                r.text(inline(text));
            }
            Block::Terms(items) => {
                for (term, text) in *items {
                    let term = term.trim_start();
                    r.control("TP", []);
                    r.text(inline(&format!("`{term}`")));
                    r.text(inline(text));
                }
            }
        }
    }
}

/// `.SY`/`.OP`: every option with its value placeholder, then the positionals.
fn synopsis(r: &mut Roff, cmd: &clap::Command, command: &str) {
    r.control("SH", ["SYNOPSIS"]);
    if command.is_empty() {
        r.control("SY", ["tcppolicy"]);
        r.text([italic("COMMAND"), roman(" ["), italic("ARGS"), roman("]")]);
        r.control("YS", []);
        r.control("SY", ["tcppolicy"]);
        r.text([bold("--version")]);
        r.control("YS", []);
        return;
    }
    let head = format!("tcppolicy {command}");
    r.control("SY", [head.as_str()]);
    for a in cmd.get_arguments().filter(|a| !a.is_hide_set()) {
        if a.is_positional() || matches!(a.get_action(), ArgAction::Help) {
            continue;
        }
        let flag = match (a.get_short(), a.get_long()) {
            (_, Some(long)) => format!("--{long}"),
            (Some(short), None) => format!("-{short}"),
            (None, None) => continue,
        };
        match value_name(a) {
            Some(v) => r.control("OP", [arg(&flag).as_str(), v.as_str()]),
            None => r.control("OP", [arg(&flag).as_str()]),
        };
    }
    for a in cmd.get_positionals().filter(|a| !a.is_hide_set()) {
        let many = a.get_num_args().is_some_and(|n| n.max_values() > 1);
        let v = value_name(a).unwrap_or_default();
        let dots = if many { "..." } else { "" };
        if a.is_required_set() {
            r.text([italic(v), roman(dots)]);
        } else {
            r.text([roman("["), italic(v), roman(format!("{dots}]"))]);
        }
    }
    r.control("YS", []);
}

/// The placeholder of an argument's value (`TARGET`), if it takes one.
fn value_name(a: &clap::Arg) -> Option<String> {
    if !a.get_num_args().is_some_and(|n| n.takes_values()) {
        return None;
    }
    Some(match a.get_value_names() {
        Some(names) => names
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>()
            .join(" "),
        None => a.get_id().as_str().to_uppercase(),
    })
}

fn options(r: &mut Roff, cmd: &clap::Command) {
    let args: Vec<_> = cmd.get_arguments().filter(|a| !a.is_hide_set()).collect();
    if args.is_empty() {
        return;
    }
    r.control("SH", ["OPTIONS"]);
    for a in args.iter().filter(|a| !a.is_positional()) {
        let mut head = Vec::new();
        if let Some(short) = a.get_short() {
            head.push(bold(format!("-{short}")));
            if a.get_long().is_some() {
                head.push(roman(", "));
            }
        }
        if let Some(long) = a.get_long() {
            head.push(bold(format!("--{long}")));
        }
        if let Some(v) = value_name(a) {
            head.push(roman(" "));
            head.push(italic(v));
        }
        r.control("TP", []);
        r.text(head);
        argument_body(r, a);
    }
    for a in args.iter().filter(|a| a.is_positional()) {
        r.control("TP", []);
        r.text([italic(value_name(a).unwrap_or_default())]);
        argument_body(r, a);
    }
}

fn argument_body(r: &mut Roff, a: &clap::Arg) {
    let help = a
        .get_long_help()
        .or_else(|| a.get_help())
        .map(ToString::to_string)
        .unwrap_or_default();
    // clap drops the period of a one-sentence doc comment; the page has more after it.
    let help = if help.is_empty() || help.ends_with(['.', ':', ')']) {
        help
    } else {
        format!("{help}.")
    };
    let mut text = inline(&help);
    let defaults: Vec<String> = a
        .get_default_values()
        .iter()
        .map(|v| v.to_string_lossy().into_owned())
        .collect();
    if !defaults.is_empty() && a.get_num_args().is_some_and(|n| n.takes_values()) {
        text.push(roman(" Default: "));
        text.push(bold(defaults.join(",")));
        text.push(roman("."));
    }
    if let Some(env) = a.get_env() {
        text.push(roman(" Also read from the environment variable "));
        text.push(bold(env.to_string_lossy().into_owned()));
        text.push(roman("."));
    }
    r.text(text);
    if a.is_hide_possible_values_set() || !a.get_num_args().is_some_and(|n| n.takes_values()) {
        return;
    }
    let values: Vec<_> = a
        .get_possible_values()
        .into_iter()
        .filter(|v| !v.is_hide_set())
        .collect();
    if values.is_empty() {
        return;
    }
    r.control("RS", []);
    for v in values {
        r.control("TP", []);
        r.text([bold(v.get_name())]);
        r.text(inline(
            &v.get_help().map(ToString::to_string).unwrap_or_default(),
        ));
    }
    r.control("RE", []);
}

/// A `tbl` table: per command on tcppolicy(1), per status on a command's page.
fn exit_status(r: &mut Roff, doc: &Doc, command: &str) {
    let rows: Vec<(String, &str, &str)> = if command.is_empty() {
        docs::exit_table()
            .into_iter()
            .flat_map(|(c, exit)| {
                exit.iter().enumerate().map(move |(i, (code, meaning))| {
                    (
                        if i == 0 { c.to_string() } else { String::new() },
                        *code,
                        *meaning,
                    )
                })
            })
            .collect()
    } else {
        doc.exit
            .iter()
            .map(|(code, meaning)| (String::new(), *code, *meaning))
            .collect()
    };
    if rows.is_empty() {
        return;
    }
    r.control("SH", ["EXIT STATUS"]);
    if command.is_empty() {
        r.text(inline(
            "Each command's page gives its own; the commands whose exit status means more \
             than success, error and usage:",
        ));
    }
    r.control("TS", []);
    r.text([roman(if command.is_empty() {
        "lb l lx."
    } else {
        "lb lx."
    })]);
    for (c, code, meaning) in rows {
        let lead = if command.is_empty() {
            format!("{c}\t{code}\t")
        } else {
            format!("{code}\t")
        };
        r.text([roman(format!("{lead}T{{"))]);
        r.text(inline(meaning));
        r.text([roman("T}")]);
    }
    r.control("TE", []);
}

fn examples(r: &mut Roff, doc: &Doc) {
    if doc.examples.is_empty() {
        return;
    }
    r.control("SH", ["EXAMPLES"]);
    r.control("EX", []);
    for (i, e) in doc.examples.iter().enumerate() {
        if i > 0 {
            r.text([roman("")]);
        }
        r.text([roman(format!("# {}", e.what))]);
        for line in e.command.lines() {
            r.text([roman(line)]);
        }
    }
    r.control("EE", []);
}

fn see_also(r: &mut Roff, doc: &Doc, command: &str) {
    let mut refs: Vec<String> = Vec::new();
    if command.is_empty() {
        refs.extend(documented(&cli()).map(|s| format!("{}(1)", page_name(s.get_name()))));
    } else {
        refs.push("tcppolicy(1)".into());
    }
    refs.push("tcppolicy-policy(5)".into());
    refs.extend(doc.see_also.iter().map(ToString::to_string));
    see_also_refs(r, &refs);
}

fn see_also_refs(r: &mut Roff, refs: &[String]) {
    r.control("SH", ["SEE ALSO"]);
    let mut line = Vec::new();
    for (i, reference) in refs.iter().enumerate() {
        let (page, section) = reference.split_once('(').unwrap_or((reference, ""));
        line.push(bold(page));
        line.push(roman(format!(
            "({section}{}",
            if i + 1 < refs.len() { ", " } else { "" }
        )));
    }
    r.text(line);
}

/// The schema's description of a field, as one paragraph.
fn described(schema: &Json) -> String {
    schema["description"]
        .as_str()
        .unwrap_or_default()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// tcppolicy-policy(5): the language, from the JSON Schema, the catalog, the unit tables
/// and the codes.
fn policy_page() -> String {
    let schema = tcppolicy_core::schema::json_schema();
    let mut r = body();
    name_line(&mut r, "tcppolicy-policy", "the tcppolicy policy language");
    r.control("SH", ["SYNOPSIS"]);
    r.control("EX", []);
    for line in POLICY_SYNOPSIS.lines() {
        r.text([roman(line)]);
    }
    r.control("EE", []);

    r.control("SH", ["DESCRIPTION"]);
    for p in POLICY_DESCRIPTION {
        r.control("PP", []);
        r.text(inline(p));
    }

    r.control("SH", ["FIELDS"]);
    let required: Vec<&str> = schema["required"]
        .as_array()
        .map(|a| a.iter().filter_map(Json::as_str).collect())
        .unwrap_or_default();
    let fields = schema["properties"]
        .as_object()
        .cloned()
        .unwrap_or_default();
    for (name, field) in &fields {
        r.control("TP", []);
        let mut head = vec![bold(name.as_str())];
        if required.contains(&name.as_str()) {
            head.push(roman(" (required)"));
        }
        r.text(head);
        r.text(inline(&described(field)));
    }

    r.control("SH", ["SETTINGS"]);
    let setting = &schema["$defs"]["Setting"];
    r.text(inline(&described(setting)));
    for (name, field) in setting["properties"].as_object().into_iter().flatten() {
        r.control("TP", []);
        r.text([bold(name.as_str())]);
        r.text(inline(&described(field)));
    }

    r.control("SH", ["VALUES"]);
    r.text(inline(
        "A value is converted exactly into the parameter's kernel unit, or refused; \
         nothing is rounded. Numbers may carry a unit where the parameter has one (see \
         UNIT in PARAMETERS):",
    ));
    let units = |table: &[(&[&str], i128)]| {
        table
            .iter()
            .map(|(names, _)| names.join(" or "))
            .collect::<Vec<_>>()
            .join(", ")
    };
    r.control("TP", []);
    r.text([roman("sizes")]);
    r.text(inline(&format!(
        "{} (binary: 1 KiB is 1024 bytes; `KB` is refused); for a parameter in pages, \
         converted with the page size",
        units(SIZE_UNITS)
    )));
    r.control("TP", []);
    r.text([roman("durations")]);
    r.text(inline(&format!(
        "{}; a duration that is not a whole number of the parameter's unit is refused",
        units(TIME_UNITS)
    )));
    r.control("TP", []);
    r.text([roman("vectors")]);
    r.text(inline(
        "`[4KiB, 128KiB, 16MiB]`, or the map `{min: 4KiB, default: 128KiB, max: 16MiB}` with \
         the names `tcppolicy explain PARAM` gives",
    ));
    r.control("TP", []);
    r.text([roman("booleans")]);
    r.text(inline(
        "`true` and `false`, or 1 and 0; `yes` and `on` are refused",
    ));
    r.control("TP", []);
    r.text([roman("default")]);
    r.text(inline("`value: default` sets the kernel's own default"));

    r.control("SH", ["ALLOW"]);
    let allow = &schema["$defs"]["Allow"];
    r.text(inline(&format!(
        "{} Each entry names a warning by code or name:",
        described(allow)
    )));
    for (name, field) in allow["properties"].as_object().into_iter().flatten() {
        r.control("TP", []);
        r.text([bold(name.as_str())]);
        r.text(inline(&described(field)));
    }
    r.control("PP", []);
    r.text(inline(
        "The warnings (`tcppolicy explain CODE` describes each; errors cannot be allowed):",
    ));
    for c in tcppolicy_core::codes::all()
        .iter()
        .filter(|c| c.severity == Severity::Warning)
    {
        r.control("TP", []);
        r.text([bold(c.id), roman(" "), bold(c.name)]);
        r.text(inline(c.summary));
    }

    r.control("SH", ["PARAMETERS"]);
    r.text(inline(
        "The parameters a policy may set, as `tcppolicy catalog` lists them; `tcppolicy \
         explain PARAM` gives defaults by kernel version and sources. Scope: `netns`, each \
         network namespace (container) has its own value; `host`, only the host's initial \
         namespace has it; `global`, one value for the machine, read-only in containers.",
    ));
    for p in PARAMS {
        r.control("TP", []);
        r.text([bold(p.name)]);
        let mut facts = vec![p.kind.describe()];
        if p.kind.is_numeric() {
            facts.push(format!("bounds {}", p.bounds_text()));
        }
        if !p.unit.suffix().is_empty() {
            facts.push(format!("unit {}", p.unit.suffix()));
        }
        let scope = if p.read_only {
            "read-only"
        } else {
            p.scope.short_name()
        };
        facts.push(format!("scope {scope}"));
        facts.push(p.lifetime_text());
        r.text(inline(&format!("{}.", facts.join("; "))));
        r.text([Inline::LineBreak]);
        r.text(inline(p.summary));
    }

    r.control("SH", ["EXAMPLES"]);
    r.control("EX", []);
    for line in POLICY_EXAMPLE.lines() {
        r.text([roman(line)]);
    }
    r.control("EE", []);
    see_also_refs(
        &mut r,
        &[
            "tcppolicy(1)".into(),
            "tcppolicy-check(1)".into(),
            "tcppolicy-explain(1)".into(),
            "tcppolicy-catalog(1)".into(),
            "tcppolicy-schema(1)".into(),
            "sysctl.d(5)".into(),
        ],
    );
    header("tcppolicy-policy", "5") + &r.render()
}

const POLICY_SYNOPSIS: &str = "\
tcppolicy: 1
name: NAME
settings:
  PARAMETER:
    value: VALUE        # or at_least: VALUE, or at_most: VALUE
    rationale: WHY";

const POLICY_DESCRIPTION: &[&str] = &[
    "A policy is a YAML file (one document, no anchors, aliases or tags) that states Linux \
     TCP kernel parameters and why each has its value. `tcppolicy check` holds it against \
     the catalog of parameters: names, value kinds, units, the bounds the kernel enforces, \
     cross-parameter constraints and parameters newer kernels removed.",
    "A policy may extend others (`extends`): they are applied in order, then the policy's \
     own settings, so a base states what every host needs and a service policy what it \
     needs beyond. The JSON Schema (`tcppolicy schema`) describes the same language for \
     editors.",
];

const POLICY_EXAMPLE: &str = "\
# yaml-language-server: $schema=../schemas/tcppolicy.schema.json
tcppolicy: 1
name: web
extends: [base.yaml]
kernel: \">=5.15\"
settings:
  net.ipv4.tcp_syn_retries:
    value: 2
    rationale: Fail fast on dead upstreams.
  net.ipv4.tcp_keepalive_time:
    value: 10m
    rationale: Before the load balancer's 15 min idle timeout.
  net.core.somaxconn:
    at_least: 4096
    rationale: Accept bursts of new connections.";
