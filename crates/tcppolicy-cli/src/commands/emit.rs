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
use tcppolicy_exec::{ansible, sysctld, system};

pub fn run(args: &EmitArgs) -> anyhow::Result<ExitCode> {
    if args.format != EmitFormat::K8s
        && (args.k8s_version.is_some() || args.kernel.is_some() || args.name.is_some())
    {
        bail!("`--k8s-version`, `--kernel` and `--name` only apply to `emit k8s`");
    }
    let (compilation, policy) = policy::compile(&args.policy, ReportFormat::Human);
    let Some(policy) = policy else {
        return Ok(ExitCode::from(1));
    };
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
    };
    match &args.out {
        None => output::out(&text),
        Some(out) => {
            let outcome = tcppolicy_exec::files::write_file_atomic(
                out,
                text.as_bytes(),
                tcppolicy_exec::files::FILE_MODE,
            )?;
            output::err(&format!("{} {:?}\n", out.display(), outcome).to_lowercase());
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
