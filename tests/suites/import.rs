//! `tcppolicy import`: starter policies from the live kernel and from sysctl.d files pass
//! `check`, record where each value came from, and reproduce the values they read.

use std::process::Command;
use tcppolicy_tests::{bin, describe as text, netns, repo};

fn check(path: &std::path::Path) {
    let out = Command::new(bin())
        .args(["check", "--deny", "warnings"])
        .arg(path)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "the imported policy must pass check: {}\n{}",
        text(&out),
        std::fs::read_to_string(path).unwrap()
    );
}

#[test]
fn import_from_the_live_kernel_reproduces_its_values_elsewhere() {
    let dir = tempfile::tempdir().unwrap();
    let policy = dir.path().join("imported.yaml");
    let p = policy.clone();
    netns::in_fresh_netns(move || {
        netns::write("net.ipv4.tcp_syn_retries", "3").unwrap();
        netns::write("net.ipv4.tcp_rmem", "8192 262144 8388608").unwrap();
        netns::write("net.ipv4.tcp_slow_start_after_idle", "0").unwrap();
        netns::write("net.core.somaxconn", "16384").unwrap();
        let out = Command::new(bin())
            .args(["import", "--name", "fleet", "-o"])
            .arg(&p)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", text(&out));
    });
    check(&policy);
    let yaml = std::fs::read_to_string(&policy).unwrap();
    for name in [
        "net.ipv4.tcp_syn_retries",
        "net.ipv4.tcp_rmem",
        "net.ipv4.tcp_slow_start_after_idle",
        "net.core.somaxconn",
    ] {
        assert!(
            yaml.contains(&format!("  {name}:\n")),
            "{name} missing:\n{yaml}"
        );
    }
    assert!(yaml.contains("Imported from the running kernel"), "{yaml}");
    assert!(
        !yaml.contains("net.ipv4.tcp_sack:"),
        "values at their default are left out:\n{yaml}"
    );
    // Applied to another fresh namespace, the starter policy reproduces the values.
    netns::in_fresh_netns(move || {
        let lock = policy.with_extension("lock");
        let out = Command::new(bin())
            .args(["apply", "--lock-file"])
            .arg(&lock)
            .arg(&policy)
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", text(&out));
        assert_eq!(netns::read("net.ipv4.tcp_syn_retries").unwrap(), "3");
        assert_eq!(
            netns::read("net.ipv4.tcp_rmem")
                .unwrap()
                .split_whitespace()
                .collect::<Vec<_>>(),
            ["8192", "262144", "8388608"]
        );
        assert_eq!(
            netns::read("net.ipv4.tcp_slow_start_after_idle").unwrap(),
            "0"
        );
        assert_eq!(netns::read("net.core.somaxconn").unwrap(), "16384");
    });
}

#[test]
fn import_from_files_keeps_the_boot_order_and_comments_out_what_cannot_be_held() {
    let dir = tempfile::tempdir().unwrap();
    let fixtures = repo().join("tests/fixtures/import");
    let out = Command::new(bin())
        .args(["import", "--name", "from-files"])
        .arg(fixtures.join("10-vendor.conf"))
        .arg(fixtures.join("99-local.conf"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", text(&out));
    let yaml = String::from_utf8(out.stdout).unwrap();
    let policy = dir.path().join("p.yaml");
    std::fs::write(&policy, &yaml).unwrap();
    check(&policy);
    // The later file wins, and the rationale names the file and line it came from.
    assert!(
        yaml.contains("  net.core.somaxconn:\n    value: 8192\n"),
        "{yaml}"
    );
    assert!(yaml.contains("99-local.conf:2."), "{yaml}");
    assert!(
        yaml.contains("  net.ipv4.tcp_keepalive_time:\n    value: 600\n"),
        "slash-separated keys are read: {yaml}"
    );
    assert!(
        yaml.contains("  net.ipv4.tcp_rmem:\n    value: [4096, 87380, 6291456]\n"),
        "{yaml}"
    );
    assert!(
        yaml.contains("  net.ipv4.ip_local_port_range:\n    value: [10240, 65535]\n"),
        "{yaml}"
    );
    // What a policy cannot hold is listed, with the reason, as comments.
    for (key, why) in [
        ("net.ipv4.tcp_tw_recycle", "does not exist"),
        ("net.ipv4.tcp_retries2", "maximum"),
        ("net.ipv4.tcp_made_up_parameter", "catalog"),
    ] {
        let line = yaml
            .lines()
            .find(|l| l.starts_with(&format!("# not imported: {key}")))
            .unwrap_or_else(|| panic!("{key} not listed:\n{yaml}"));
        assert!(line.contains(why), "{line}");
    }
    assert!(
        !yaml.contains("kernel.pid_max"),
        "keys outside tcppolicy's scope are ignored:\n{yaml}"
    );
}
