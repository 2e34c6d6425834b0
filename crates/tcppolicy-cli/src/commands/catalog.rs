//! `tcppolicy catalog`: every parameter tcppolicy knows.

use crate::cli::{CatalogArgs, CatalogFormat};
use crate::output;
use serde_json::json;
use std::fmt::Write;
use std::process::ExitCode;
use tcppolicy_core::catalog::{PARAMS, Scope};

pub fn run(args: &CatalogArgs) -> anyhow::Result<ExitCode> {
    match args.format {
        CatalogFormat::Json => {
            let all: Vec<_> = PARAMS
                .iter()
                .map(|p| {
                    json!({
                        "name": p.name,
                        "type": p.kind.describe(),
                        "bounds": p.bounds_text(),
                        "domain": p.domain_text(),
                        "unit": p.unit.suffix(),
                        "default": p.defaults_text(),
                        "scope": match p.scope {
                            Scope::Netns => "netns",
                            Scope::InitNetns => "init-netns",
                            Scope::GlobalReadOnlyInChild => "global",
                        },
                        "read_only": p.read_only,
                        "added": p.added.to_string(),
                        "removed": p.removed.map(|v| v.to_string()),
                        "obsolete_since": p.obsolete.map(|o| o.since.to_string()),
                        "summary": p.summary,
                        "source": p.source,
                    })
                })
                .collect();
            output::out(&format!("{}\n", serde_json::to_string_pretty(&all)?));
        }
        CatalogFormat::Table => {
            let mut s = String::new();
            writeln!(
                s,
                "{:<46} {:<26} {:<7} {:<9} KERNELS",
                "PARAMETER", "BOUNDS", "UNIT", "SCOPE"
            )?;
            for p in PARAMS {
                let scope = match p.scope {
                    Scope::Netns => "netns",
                    Scope::InitNetns => "host",
                    Scope::GlobalReadOnlyInChild => "global",
                };
                let scope = if p.read_only { "read-only" } else { scope };
                writeln!(
                    s,
                    "{:<46} {:<26} {:<7} {:<9} {}",
                    p.name,
                    p.bounds_text(),
                    p.unit.suffix(),
                    scope,
                    p.lifetime_text()
                )?;
            }
            output::out(&s);
        }
    }
    Ok(ExitCode::SUCCESS)
}
