//! Crash safety of drop-ins: `tcppolicy apply --target sysctl.d` killed with SIGKILL at
//! many points leaves the drop-in either complete and old or complete and new, never
//! partial, and no stray file that sysctl would read.

use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Instant;
use tcppolicy_tests::{bin, cli, describe, repo};

/// `twenty-four-b.yaml` with every rationale made long (near the 4,000-character cap),
/// so that rendering and writing take a measurable share of the run (the drop-in is
/// about 100 KiB).
fn big_policy(dir: &Path) -> std::path::PathBuf {
    let text =
        std::fs::read_to_string(repo().join("tests/fixtures/live/twenty-four-b.yaml")).unwrap();
    let long = "Measured under load; see the capacity review. ".repeat(80);
    let out: String = text
        .lines()
        .map(|l| match l.strip_prefix("    rationale: ") {
            Some(r) => format!("    rationale: {r} {long}\n"),
            None => format!("{l}\n"),
        })
        .collect();
    let path = dir.join("big.yaml");
    std::fs::write(&path, out).unwrap();
    path
}

fn apply_args<'a>(root: &'a Path, policy: &'a Path) -> Vec<&'a std::ffi::OsStr> {
    vec![
        "apply".as_ref(),
        "--target".as_ref(),
        "sysctl.d:/etc/sysctl.d/90-tcppolicy-x.conf".as_ref(),
        "--root".as_ref(),
        root.as_os_str(),
        policy.as_os_str(),
    ]
}

#[test]
fn a_drop_in_is_always_the_complete_old_or_new_file_after_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path().join("root");
    std::fs::create_dir(&root).unwrap();
    let file = root.join("etc/sysctl.d/90-tcppolicy-x.conf");
    let old_policy = repo().join("tests/fixtures/live/twenty-four.yaml");
    let new_policy = big_policy(dir.path());
    // The two complete versions.
    let out = cli(&apply_args(&root, &new_policy));
    assert!(out.status.success(), "{}", describe(&out));
    let new = std::fs::read(&file).unwrap();
    let out = cli(&apply_args(&root, &old_policy));
    assert!(out.status.success(), "{}", describe(&out));
    let old = std::fs::read(&file).unwrap();
    assert_ne!(old, new);
    // How long an uninterrupted run takes, to spread the kills over it.
    let start = Instant::now();
    let out = cli(&apply_args(&root, &new_policy));
    assert!(out.status.success(), "{}", describe(&out));
    let run = start.elapsed();

    let kills = 200u32;
    let (mut saw_old, mut saw_new, mut killed) = (0, 0, 0);
    for i in 0..kills {
        std::fs::write(&file, &old).unwrap();
        let delay = run.mul_f64(f64::from(i) / f64::from(kills) * 1.2);
        let mut child = Command::new(bin())
            .args(apply_args(&root, &new_policy))
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(delay);
        let _ = child.kill(); // SIGKILL
        let status = child.wait().unwrap();
        killed += u32::from(status.signal() == Some(9));
        let now = std::fs::read(&file).unwrap();
        if now == old {
            saw_old += 1;
        } else if now == new {
            saw_new += 1;
        } else {
            panic!(
                "kill {i} after {delay:?} left a partial drop-in of {} bytes",
                now.len()
            );
        }
        let stray: Vec<String> = std::fs::read_dir(file.parent().unwrap())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|n| n.ends_with(".conf") && n != "90-tcppolicy-x.conf")
            .collect();
        assert!(
            stray.is_empty(),
            "kill {i} left files sysctl would read: {stray:?}"
        );
    }
    assert!(
        killed > kills / 4,
        "only {killed} of {kills} runs were killed before they finished"
    );
    assert!(
        saw_old > 0 && saw_new > 0,
        "kills landed only on one side of the rename (old {saw_old}, new {saw_new}); the test did not exercise the write"
    );
}
