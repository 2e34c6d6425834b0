//! `tcppolicy drift`: builds the layers' executors, runs `tcppolicy_exec::drift::check`,
//! writes the textfile, and renders the report. Every string that comes from a policy, a
//! file or the kernel is escaped before it is shown.

use super::policy;
use super::report::{refusal, wrap};
use crate::cli::DriftArgs;
use std::fmt::Write as _;
use std::path::Path;
use std::process::ExitCode;
use tcppolicy_core::diagnostic::Severity;
use tcppolicy_core::text::{escape_line, escape_text};
use tcppolicy_core::version::Version;
use tcppolicy_exec::drift::{
    self, DriftReport, DriftStatus, DropInDrift, DropInState, KeyDrift, KeyState, Layer, textfile,
};
use tcppolicy_exec::files::Root;
use tcppolicy_exec::live::Live;
use tcppolicy_exec::report::Stage;
use tcppolicy_exec::sysctl::LiveSysctl;
use tcppolicy_exec::sysctld::DropIn;
use tcppolicy_exec::system;

pub fn run(args: &DriftArgs) -> anyhow::Result<ExitCode> {
    let layers = layers(args);
    let refused = |stage, error: String| {
        let mut r = DriftReport::new(layers.clone());
        r.refuse(stage, error);
        r
    };
    let mut report = if let Err(e) = usage(args, &layers) {
        refused(Stage::Observe, e)
    } else if let Err(e) = policy::enter_netns(args.netns.as_deref()) {
        refused(Stage::Observe, e)
    } else {
        let (compilation, compiled) = policy::compile(&args.policy, args.format);
        let mut report = match &compiled {
            None => {
                let mut r = refused(
                    Stage::Compile,
                    format!(
                        "`{}` has {} error(s); nothing was checked",
                        escape_line(&args.policy.display().to_string()),
                        compilation.count(Severity::Error)
                    ),
                );
                r.files = vec![args.policy.display().to_string()];
                r
            }
            Some(p) => check(args, &layers, p),
        };
        report.diagnostics = policy::diagnostics_json(&compilation);
        report
    };
    if let Some(dir) = &args.textfile {
        textfile_out(dir, &mut report);
    }
    policy::show(args.format, report.ok, || human(&report), &report);
    Ok(ExitCode::from(report.exit_code()))
}

/// The layers to check: as `--layer` says, else both, only `boot` with `--root` alone, only
/// `live` with `--netns` alone.
fn layers(args: &DriftArgs) -> Vec<Layer> {
    let mut asked: Vec<Layer> = args.layer.iter().map(|l| l.layer()).collect();
    if asked.is_empty() {
        asked = match (args.root.is_some(), args.netns.is_some()) {
            (true, false) => vec![Layer::Boot],
            (false, true) => vec![Layer::Live],
            _ => vec![Layer::Live, Layer::Boot],
        };
    }
    let mut out = Vec::new();
    for l in [Layer::Live, Layer::Boot] {
        if asked.contains(&l) {
            out.push(l);
        }
    }
    out
}

/// Options that make no sense for the layers checked.
fn usage(args: &DriftArgs, layers: &[Layer]) -> Result<(), String> {
    if args.root.is_some() && !layers.contains(&Layer::Boot) {
        return Err("`--root` only applies to the boot layer (`--layer boot`)".into());
    }
    if args.netns.is_some() && !layers.contains(&Layer::Live) {
        return Err("`--netns` only applies to the live layer (`--layer live`)".into());
    }
    Ok(())
}

/// Build the executors of the layers and check.
fn check(
    args: &DriftArgs,
    layers: &[Layer],
    p: &tcppolicy_core::effective::EffectivePolicy,
) -> DriftReport {
    let sysctl = LiveSysctl::new();
    let mut live = layers
        .contains(&Layer::Live)
        .then(|| Live::new(&sysctl, policy::live_options(None)));
    let mut boot = None;
    if layers.contains(&Layer::Boot) {
        let root = match Root::open(args.root.as_deref().unwrap_or(Path::new("/"))) {
            Ok(root) => root,
            Err(e) => {
                let mut r = DriftReport::new(layers.to_vec());
                r.refuse(Stage::Observe, e.to_string());
                return r;
            }
        };
        let kernel = Version::parse_release(&system::kernel_release());
        boot = Some(DropIn::new(root, args.target.0.clone(), kernel, false).for_policy(p));
    }
    drift::check(p, live.as_mut(), boot.as_mut())
}

/// Write the textfile of a completed check; a check that could not be made leaves the
/// previous file (its timestamp then ages, which is what a staleness alert watches).
fn textfile_out(dir: &Path, report: &mut DriftReport) {
    match textfile::write(dir, report) {
        Ok(Some(path)) => report.textfile = Some(path),
        Ok(None) => report.warnings.push(format!(
            "`{}` was not updated: the check could not be made",
            dir.display()
        )),
        Err(e) => report.refuse(Stage::Write, format!("cannot write the textfile: {e}")),
    }
}

/// The report for people.
fn human(r: &DriftReport) -> String {
    let mut s = String::new();
    if r.outcome.status == DriftStatus::Refused && r.keys.is_empty() {
        return refusal(&r.warnings, r.outcome.error.as_deref());
    }
    let policy = escape_line(r.policy.as_deref().unwrap_or_default());
    let _ = writeln!(
        s,
        "drift of `{policy}` (kernel {}, {})",
        escape_line(&r.kernel_release),
        escape_line(&r.netns)
    );
    if r.layers.contains(&Layer::Live) {
        let _ = writeln!(s, "  live: the running kernel");
    }
    if let Some(d) = &r.drop_in {
        let _ = writeln!(s, "  boot: {}", drop_in_line(d, r));
    }
    s.push('\n');
    let width = r.keys.iter().map(|k| k.name.len()).max().unwrap_or(0);
    for k in &r.keys {
        key(&mut s, k, &r.layers, width);
    }
    if let Some(d) = r
        .drop_in
        .as_ref()
        .filter(|d| d.state == DropInState::Differs)
    {
        let what = if d.assignments_differ {
            "its assignments differ"
        } else {
            "only comments or spacing differ (another tcppolicy version, or the policy given \
             by another path)"
        };
        let _ = writeln!(
            s,
            "\nthe drop-in is not what the policy renders now: {what}"
        );
        if let Some(diff) = &d.first_difference {
            let show = |t: &Option<String>| {
                t.as_deref().map_or_else(
                    || "(end of file)".to_string(),
                    |t| escape_line(t).into_owned(),
                )
            };
            let _ = writeln!(s, "  first at line {}:", diff.line);
            let _ = writeln!(s, "    on disk:  {}", show(&diff.found));
            let _ = writeln!(s, "    rendered: {}", show(&diff.expected));
        }
    }
    if !r.warnings.is_empty() {
        s.push('\n');
        for w in &r.warnings {
            let _ = writeln!(s, "warning: {}", escape_text(w));
        }
    }
    s.push('\n');
    let counts = |layer: Layer| match layer {
        Layer::Live => r.summary.live,
        Layer::Boot => r.summary.boot,
    };
    let per_layer: Vec<String> = r
        .layers
        .iter()
        .filter_map(|&l| counts(l).map(|c| format!("{} {}", l.name(), c.drift)))
        .collect();
    let not_applicable: usize = r
        .layers
        .iter()
        .filter_map(|&l| counts(l).map(|c| c.not_applicable))
        .sum();
    let file_drifts = r.drop_in.as_ref().is_some_and(DropInDrift::drifts);
    match r.outcome.status {
        DriftStatus::Drift => {
            let _ = writeln!(
                s,
                "Drift: {} of {} keys ({}){}, {not_applicable} not applicable.",
                r.summary.drift,
                r.keys.len(),
                per_layer.join(", "),
                if file_drifts { " and the drop-in" } else { "" }
            );
        }
        DriftStatus::InSync => {
            let _ = writeln!(
                s,
                "No drift: {} keys checked ({}), {not_applicable} not applicable.",
                r.keys.len(),
                r.layers
                    .iter()
                    .map(|l| l.name())
                    .collect::<Vec<_>>()
                    .join(" and ")
            );
        }
        DriftStatus::Refused => {
            let _ = writeln!(
                s,
                "error: {}",
                escape_text(r.outcome.error.as_deref().unwrap_or("refused"))
            );
        }
    }
    if let Some(path) = &r.textfile {
        let _ = writeln!(s, "wrote {}", escape_line(&path.display().to_string()));
    }
    s
}

/// What the drop-in is, in one line.
fn drop_in_line(d: &DropInDrift, r: &DriftReport) -> String {
    let mut line = escape_line(&d.host_path.display().to_string()).into_owned();
    if d.host_path != d.path {
        let _ = write!(
            line,
            " (`{}` under root {})",
            escape_line(&d.path.display().to_string()),
            escape_line(
                &r.root
                    .as_ref()
                    .map(|p| p.display().to_string())
                    .unwrap_or_default()
            )
        );
    }
    match (d.state, &d.detail) {
        (DropInState::Identical, _) => line.push_str(": identical to what the policy renders"),
        (DropInState::Missing, _) => line.push_str(": missing"),
        (DropInState::Differs, _) => line.push_str(": differs from what the policy renders"),
        (DropInState::NotOurs, Some(why)) => {
            let _ = write!(line, "\n        {}", escape_line(why));
        }
        (DropInState::NotOurs, None) => line.push_str(": not written by tcppolicy"),
    }
    if !d.read_at_boot {
        // The drop-in executor's warning says why.
        line.push_str("\n        not read at boot");
    }
    line
}

/// One key: a line, and a line per layer that is not in sync.
fn key(s: &mut String, k: &KeyDrift, layers: &[Layer], width: usize) {
    let states: Vec<KeyState> = layers.iter().filter_map(|&l| k.state(l)).collect();
    if states.iter().all(|st| *st == KeyState::InSync) {
        let style = anstyle::AnsiColor::Green.on_default();
        let _ = writeln!(s, "{style}  = {:<width$}  in sync{style:#}", k.name);
        return;
    }
    let (mark, style) = if k.drifts() {
        ('~', anstyle::AnsiColor::Yellow.on_default().bold())
    } else {
        ('-', anstyle::Style::new().dimmed())
    };
    let _ = writeln!(s, "{style}  {mark} {}{style:#}", k.name);
    let mut line = |layer: &str, text: &str| {
        for (i, l) in wrap(text, 80).iter().enumerate() {
            let head = if i == 0 {
                format!("{layer}:")
            } else {
                String::new()
            };
            let _ = writeln!(s, "      {head:<6}{l}");
        }
    };
    if let Some(live) = &k.live {
        match live.state {
            KeyState::InSync => line("live", "in sync"),
            KeyState::Drift => line(
                "live",
                &format!(
                    "{}, the policy wants {}",
                    live.observed
                        .as_deref()
                        .map_or_else(|| "(absent)".to_string(), |v| escape_line(v).into_owned()),
                    escape_line(&k.desired)
                ),
            ),
            KeyState::NotApplicable => line(
                "live",
                &format!(
                    "not applicable: {}",
                    escape_line(live.reason.as_deref().unwrap_or(""))
                ),
            ),
        }
    }
    if let Some(boot) = &k.boot {
        match boot.state {
            KeyState::InSync => line("boot", "in sync"),
            KeyState::Drift => {
                for d in &boot.details {
                    line("boot", &escape_line(d));
                }
            }
            KeyState::NotApplicable => line(
                "boot",
                &format!(
                    "not applicable: {}",
                    escape_line(boot.reason.as_deref().unwrap_or(""))
                ),
            ),
        }
    }
}
