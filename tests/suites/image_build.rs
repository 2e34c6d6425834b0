//! The documented image-build recipe (`examples/image-build/build-dropin.sh`) run on a
//! temporary root tree: it writes the drop-in under the root only, and fails the build
//! when another file of the image would win at boot.

use std::process::Command;
use tcppolicy_tests::{describe, path_with_bin, repo};

fn recipe(root: &std::path::Path, policy: &std::path::Path) -> std::process::Output {
    let path = path_with_bin();
    Command::new("bash")
        .arg(repo().join("examples/image-build/build-dropin.sh"))
        .arg(root)
        .arg(policy)
        .env("PATH", path)
        .output()
        .expect("bash runs the recipe")
}

#[test]
fn the_recipe_writes_the_drop_in_under_the_root_and_reports_shadowing() {
    let root = tempfile::tempdir().unwrap();
    let vendor = root.path().join("usr/lib/sysctl.d");
    std::fs::create_dir_all(&vendor).unwrap();
    // A vendor file sorting after ours sets one of the policy's keys.
    std::fs::write(
        vendor.join("99-vendor.conf"),
        "net.ipv4.tcp_keepalive_time = 7200\n",
    )
    .unwrap();
    let policy = repo().join("examples/container.yaml");
    let out = recipe(root.path(), &policy);
    assert_eq!(
        out.status.code(),
        Some(1),
        "a shadowed drop-in fails the build: {}",
        describe(&out)
    );
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains(
            "net.ipv4.tcp_keepalive_time: wins at boot: /usr/lib/sysctl.d/99-vendor.conf:1 = 7200"
        ),
        "{}",
        describe(&out)
    );
    let dropin = root.path().join("etc/sysctl.d/90-tcppolicy-container.conf");
    let text = std::fs::read_to_string(&dropin).expect("the drop-in is written under the root");
    assert!(text.contains("net.ipv4.tcp_keepalive_time = "), "{text}");
    assert!(!std::path::Path::new("/etc/sysctl.d/90-tcppolicy-container.conf").exists());
    // Without the conflict the build passes, and the drop-in is left as it was.
    let mtime = std::fs::metadata(&dropin).unwrap().modified().unwrap();
    std::fs::remove_file(vendor.join("99-vendor.conf")).unwrap();
    let out = recipe(root.path(), &policy);
    assert!(out.status.success(), "{}", describe(&out));
    assert!(
        String::from_utf8_lossy(&out.stdout).contains("unchanged"),
        "{}",
        describe(&out)
    );
    assert_eq!(
        std::fs::metadata(&dropin).unwrap().modified().unwrap(),
        mtime
    );
}
