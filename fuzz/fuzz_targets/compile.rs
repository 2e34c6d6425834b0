//! The whole compiler on arbitrary text: never a panic, every diagnostic located inside
//! its file, and a policy that compiles renders to a drop-in whose only non-comment
//! lines are its own assignments.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tcppolicy_core::compile::compile_str;
use tcppolicy_exec::sysctld;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else { return };
    let c = compile_str(std::path::Path::new("fuzz.yaml"), text);
    for d in &c.diagnostics {
        let f = c.sources.get(d.primary.file);
        assert!(d.primary.span.start <= f.text().len(), "{}", d.code.id);
        let _ = f.line_col(d.primary.span.end);
    }
    if let Some(policy) = &c.policy {
        let dropin = sysctld::render(policy, None);
        let keys: Vec<&str> = policy.settings.iter().map(|s| s.param.name).collect();
        for line in dropin.lines() {
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let key = line.split(" =").next().unwrap_or("");
            assert!(keys.contains(&key), "non-comment line not from a setting: {line:?}");
        }
    }
});
