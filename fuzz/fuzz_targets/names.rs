//! Parameter-name handling: catalog lookup and suggestions on arbitrary names never
//! panic and never yield a name outside the catalog; /proc paths exist only for catalog
//! names; sysctl.d key normalisation and parsing accept any text.
#![no_main]

use libfuzzer_sys::fuzz_target;
use tcppolicy_core::catalog;
use tcppolicy_exec::sysctld;

fuzz_target!(|data: &[u8]| {
    let name = String::from_utf8_lossy(data);
    if let Some(p) = catalog::lookup(&name) {
        assert_eq!(p.name, name);
        assert!(p.proc_path().starts_with("/proc/sys/net/"));
        assert!(!p.proc_path().contains(".."));
    }
    if let Some(s) = catalog::suggest(&name) {
        assert!(catalog::lookup(s).is_some(), "suggested a name outside the catalog: {s}");
    }
    let key = sysctld::normalize_key(&name);
    let _ = catalog::lookup(&key);
    for a in sysctld::parse(&name) {
        assert!(!a.key.contains('\n') && !a.value.contains('\n'));
    }
});
