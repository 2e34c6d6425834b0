//! `tcppolicy emit`.

use super::policy;
use crate::cli::{EmitArgs, EmitFormat, K8sKind, ReportFormat};
use crate::{output, render};
use anyhow::{Context, bail};
use std::process::ExitCode;
use tcppolicy_core::compile::{Compilation, DEFAULT_KERNEL_FLOOR};
use tcppolicy_core::effective::EffectivePolicy;
use tcppolicy_core::version::{Edge, Version};
use tcppolicy_exec::k8s::{self, Refusal, Workload};
use tcppolicy_exec::{ansible, sysctld, system, systemd};

pub fn run(args: &EmitArgs) -> anyhow::Result<ExitCode> {
    if args.format != EmitFormat::K8s
        && (args.k8s_version.is_some() || args.kernel.is_some() || args.name.is_some())
    {
        bail!("`--k8s-version`, `--kernel` and `--name` only apply to `emit k8s`");
    }
    if args.format != EmitFormat::Systemd
        && (args.binary.is_some()
            || args.policy_path.is_some()
            || args.textfile_dir.is_some()
            || args.interval.is_some()
            || !args.layer.is_empty()
            || args.reapply)
    {
        bail!(
            "`--binary`, `--policy-path`, `--textfile-dir`, `--interval`, `--layer` and `--reapply` only \
             apply to `emit systemd`"
        );
    }
    let (compilation, policy) = policy::compile(&args.policy, ReportFormat::Human);
    let Some(policy) = policy else {
        return Ok(ExitCode::from(1));
    };
    if args.format == EmitFormat::Systemd {
        return emit_systemd(args, &policy);
    }
    let kernel = Version::parse_release(&system::kernel_release());
    let text = match args.format {
        EmitFormat::Ansible => {
            let file = args
                .sysctl_file
                .clone()
                .unwrap_or_else(|| sysctld::default_path(&policy.name));
            ansible::render(&policy, kernel, &file)
        }
        EmitFormat::SysctlD => sysctld::render(&policy, kernel),
        EmitFormat::K8s => match emit_k8s(args, &compilation, &policy)? {
            Some(text) => text,
            None => return Ok(ExitCode::from(1)),
        },
        EmitFormat::Systemd => unreachable!("rendered above"),
    };
    match &args.out {
        None => output::out(&text),
        Some(out) => {
            let outcome = tcppolicy_exec::files::write_file_atomic(
                out,
                text.as_bytes(),
                tcppolicy_exec::files::FILE_MODE,
            )?;
            wrote(out, outcome);
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// Say what `-o` did to a file: `PATH created|updated|unchanged` (the path as given,
/// escaped).
fn wrote(path: &std::path::Path, outcome: tcppolicy_exec::files::WriteOutcome) {
    output::err(&format!(
        "{} {}\n",
        tcppolicy_core::text::escape_line(&path.display().to_string()),
        format!("{outcome:?}").to_lowercase()
    ));
}

/// The service and the timer: into `-o DIR`, or both to stdout, each after a comment line
/// naming its file (as `systemctl cat` prints units), so the output reads as the two
/// files it stands for and is never mistaken for one unit.
fn emit_systemd(args: &EmitArgs, policy: &EffectivePolicy) -> anyhow::Result<ExitCode> {
    let policy_path = match &args.policy_path {
        Some(p) => p.clone(),
        None => std::path::absolute(&args.policy)
            .with_context(|| format!("cannot make `{}` absolute", args.policy.display()))?,
    };
    let options = systemd::Options {
        binary: args
            .binary
            .clone()
            .unwrap_or_else(|| systemd::DEFAULT_BINARY.into()),
        policy: policy_path,
        textfile_dir: args
            .textfile_dir
            .clone()
            .unwrap_or_else(|| systemd::DEFAULT_TEXTFILE_DIR.into()),
        interval: args
            .interval
            .clone()
            .unwrap_or_else(|| systemd::DEFAULT_INTERVAL.into()),
        layers: args.layer.iter().map(|l| l.layer()).collect(),
        reapply: args.reapply,
    };
    let units = systemd::render(policy, &options).map_err(anyhow::Error::msg)?;
    match &args.out {
        None => {
            let text: Vec<String> = units
                .iter()
                .map(|u| format!("# {}\n{}", u.name, u.text))
                .collect();
            output::out(&text.join("\n"));
        }
        Some(dir) => {
            if !dir.is_dir() {
                bail!(
                    "`-o` for `emit systemd` is a directory, and `{}` is not one",
                    dir.display()
                );
            }
            for u in &units {
                let path = dir.join(&u.name);
                let outcome = tcppolicy_exec::files::write_file_atomic(
                    &path,
                    u.text.as_bytes(),
                    tcppolicy_exec::files::FILE_MODE,
                )?;
                wrote(&path, outcome);
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The Kubernetes patch, or `None` after printing the diagnostics of settings a pod
/// cannot have.
fn emit_k8s(
    args: &EmitArgs,
    c: &Compilation,
    policy: &EffectivePolicy,
) -> anyhow::Result<Option<String>> {
    let version = args.k8s_version.as_deref().unwrap_or_default();
    let kubernetes = tcppolicy_core::k8s::parse_kubernetes_version(version).with_context(|| {
        format!("not a Kubernetes version: `{version}` (write e.g. `1.32` or `v1.32.3`)")
    })?;
    let kernel = match &args.kernel {
        Some(text) => Version::parse_release(text)
            .with_context(|| format!("not a kernel version: `{text}` (write e.g. `6.1`)"))?,
        None => match policy.kernel.map(|r| r.lower) {
            Some(Edge::Inclusive(v)) => v,
            Some(Edge::Exclusive(v)) => Version {
                patch: v.patch + 1,
                ..v
            },
            Some(Edge::Open) | None => DEFAULT_KERNEL_FLOOR,
        },
    };
    let options = k8s::Options {
        kubernetes,
        kernel,
        workload: match args.kind {
            K8sKind::Deployment => Workload::Deployment,
            K8sKind::Statefulset => Workload::StatefulSet,
            K8sKind::Daemonset => Workload::DaemonSet,
            K8sKind::Pod => Workload::Pod,
        },
        name: args.name.clone().unwrap_or_else(|| policy.name.clone()),
    };
    match k8s::classify(policy, &c.spans, options) {
        Ok(pod) => {
            let unsafe_names = pod.unsafe_names();
            if !unsafe_names.is_empty() {
                output::err(&format!(
                    "note: {} sysctl(s) need the kubelet's allowedUnsafeSysctls on every node \
                     (see the comment at the top): {}\n",
                    unsafe_names.len(),
                    unsafe_names.join(", ")
                ));
            }
            Ok(Some(k8s::render(policy, &pod)))
        }
        Err(Refusal::Setup(e)) => bail!(e),
        Err(Refusal::Diagnostics(diagnostics)) => {
            for d in &diagnostics {
                output::err(&format!(
                    "{}\n\n",
                    render::human(d, &c.sources, output::colored(output::Stream::Err))
                ));
            }
            output::err(&format!(
                "error: `{}` has {} setting(s) a pod cannot have; nothing was rendered\n",
                args.policy.display(),
                diagnostics.len()
            ));
            Ok(None)
        }
    }
}
