//! `tcppolicy catalog`: every parameter tcppolicy knows.

use crate::cli::{CatalogArgs, CatalogFormat};
use crate::output;
use serde_json::json;
use std::fmt::Write;
use std::process::ExitCode;
use tcppolicy_core::catalog::PARAMS;

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
                        "scope": p.scope.short_name(),
                        "read_only": p.read_only,
                        "added": p.added.to_string(),
                        "removed": p.removed.map(|v| v.to_string()),
                        "obsolete_since": p.obsolete.map(|o| o.since.to_string()),
                        "summary": p.summary,
                        "source": p.source,
                    })
                })
                .collect();
            let doc = json!({
                "format_version": tcppolicy_core::FORMAT_VERSION,
                "parameters": all,
            });
            output::out(&format!("{}\n", serde_json::to_string_pretty(&doc)?));
        }
        CatalogFormat::Table => {
            let rows: Vec<[String; 5]> = PARAMS
                .iter()
                .map(|p| {
                    let scope = if p.read_only {
                        "read-only"
                    } else {
                        p.scope.short_name()
                    };
                    [
                        p.name.to_string(),
                        p.bounds_text(),
                        p.unit.suffix().to_string(),
                        scope.to_string(),
                        p.lifetime_text(),
                    ]
                })
                .collect();
            let header = ["PARAMETER", "BOUNDS", "UNIT", "SCOPE", "KERNELS"].map(String::from);
            // Each column as wide as its widest cell, so the columns line up.
            let width = |i: usize| {
                rows.iter()
                    .chain([&header])
                    .map(|r| r[i].chars().count())
                    .max()
                    .unwrap_or(0)
            };
            let (w0, w1, w2, w3) = (width(0), width(1), width(2), width(3));
            let mut s = String::new();
            for r in std::iter::once(&header).chain(&rows) {
                writeln!(
                    s,
                    "{:<w0$} {:<w1$} {:<w2$} {:<w3$} {}",
                    r[0], r[1], r[2], r[3], r[4]
                )?;
            }
            output::out(&s);
        }
    }
    Ok(ExitCode::SUCCESS)
}
