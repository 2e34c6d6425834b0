//! Real Ansible against the real kernel (SPEC §6): the `ansible/` collection is built with
//! `ansible-galaxy collection build` and installed from the tarball, then real
//! `ansible-playbook` runs (connection local, inventory `localhost,`) inside fresh network
//! namespaces: the role and the module apply, check and diff; failures surface the
//! compiler's diagnostics and the rollback report; `tcppolicy emit ansible` output runs
//! with the real `ansible.posix.sysctl`. `ansible-doc` renders the module's documentation,
//! `ansible-lint` passes at the collection's root and `ansible-test sanity` on it (offline,
//! in the environments `scripts/python-env` prepared).
//!
//! The tools come from the virtualenv that `scripts/python-env` builds (`.venv`, or
//! `$TCPPOLICY_VENV`); without it every test fails with a message saying so. Nothing is
//! written outside temporary directories: Ansible's home, temp and collections paths, the
//! role's install and policy directories, lock files and drop-ins all live in them, and
//! kernel values are only ever written inside fresh network namespaces.

use serde_json::{Value, json};
use std::collections::BTreeMap;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::OnceLock;
use tcppolicy_tests::{bin, describe, netns, repo, run_dir};

// ---------------------------------------------------------------------------------------
// The environment: venv, built collection, per-test directories.

/// What every test shares: the venv, and the collection built and installed once.
struct Suite {
    venv: PathBuf,
    /// `ansible_collections/` lives here (`ANSIBLE_COLLECTIONS_PATH`).
    collections: PathBuf,
    /// The tarball `ansible-galaxy collection build` wrote.
    tarball: PathBuf,
    /// A stripped copy of the tcppolicy binary (the role copies it around).
    binary: PathBuf,
}

fn venv_dir() -> PathBuf {
    std::env::var_os("TCPPOLICY_VENV")
        .map(PathBuf::from)
        .unwrap_or_else(|| repo().join(".venv"))
}

/// The venv, checked: fails (never skips) when it or a tool in it is missing.
fn checked_venv() -> PathBuf {
    let venv = venv_dir();
    for tool in [
        "python",
        "ansible-playbook",
        "ansible-galaxy",
        "ansible-doc",
        "ansible-test",
        "ansible-lint",
    ] {
        let path = venv.join("bin").join(tool);
        assert!(
            path.exists(),
            "{} is missing: the Ansible suite needs the Python virtualenv that \
             `scripts/python-env` creates (./scripts/test runs it first), at {} or \
             $TCPPOLICY_VENV",
            path.display(),
            venv.display()
        );
    }
    let posix = Command::new(venv.join("bin/python"))
        .args(["-c", "import ansible_collections.ansible.posix"])
        .output()
        .expect("the venv's python runs");
    assert!(
        posix.status.success(),
        "ansible.posix is missing from {} (it comes with the `ansible` package): run \
         scripts/python-env\n{}",
        venv.display(),
        describe(&posix)
    );
    venv
}

fn suite() -> &'static Suite {
    static SUITE: OnceLock<Suite> = OnceLock::new();
    SUITE.get_or_init(|| {
        let venv = checked_venv();
        let work = shared_work_dir();
        let scratch = Scratch::new_in(&work);

        let out = ansible_command(&venv, "ansible-galaxy", &scratch, None)
            .args(["collection", "build", "--output-path"])
            .arg(&work)
            .arg(repo().join("ansible"))
            .output()
            .expect("ansible-galaxy runs");
        assert!(
            out.status.success(),
            "ansible-galaxy collection build failed\n{}",
            describe(&out)
        );
        let tarball = work.join(format!(
            "tcppolicy-tcppolicy-{}.tar.gz",
            env!("CARGO_PKG_VERSION")
        ));
        assert!(
            tarball.exists(),
            "the build did not write {}: the collection's version must match the workspace \
             version\n{}",
            tarball.display(),
            describe(&out)
        );

        let collections = work.join("collections");
        let out = ansible_command(&venv, "ansible-galaxy", &scratch, None)
            .args(["collection", "install", "--offline", "-p"])
            .arg(&collections)
            .arg(&tarball)
            .output()
            .expect("ansible-galaxy runs");
        assert!(
            out.status.success(),
            "ansible-galaxy collection install of the built tarball failed\n{}",
            describe(&out)
        );

        // The debug binary is over 100 MB; the role copies and checksums it on every run.
        let binary = work.join("tcppolicy");
        let stripped = Command::new("strip")
            .arg("-o")
            .arg(&binary)
            .arg(bin())
            .output()
            .is_ok_and(|o| o.status.success());
        if !stripped {
            std::fs::copy(bin(), &binary).expect("copy the tcppolicy binary");
        }
        Suite {
            venv,
            collections,
            tarball,
            binary,
        }
    })
}

/// `<target>/tmp/ansible-<pid>`, for the collection this run builds. Directories of earlier
/// runs whose process is gone are removed.
fn shared_work_dir() -> PathBuf {
    let base = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    if let Ok(entries) = std::fs::read_dir(&base) {
        for entry in entries.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            if let Some(pid) = name.strip_prefix("ansible-")
                && pid.parse::<u32>().is_ok()
                && !Path::new(&format!("/proc/{pid}")).exists()
            {
                let _ = std::fs::remove_dir_all(entry.path());
            }
        }
    }
    let dir = base.join(format!("ansible-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("create the shared work directory");
    dir
}

/// A test's private directory: Ansible's home, temp and config, plus whatever the test
/// puts there (install dir, policy dir, drop-in root, lock file).
struct Scratch {
    dir: tempfile::TempDir,
}

impl Scratch {
    fn new() -> Scratch {
        Scratch::new_in(Path::new(env!("CARGO_TARGET_TMPDIR")))
    }

    fn new_in(parent: &Path) -> Scratch {
        let dir = tempfile::Builder::new()
            .prefix("ansible-test-")
            .tempdir_in(parent)
            .expect("create a scratch directory");
        for sub in ["home", "tmp/local", "tmp/remote", "tmp/system"] {
            std::fs::create_dir_all(dir.path().join(sub)).unwrap();
        }
        std::fs::write(dir.path().join("ansible.cfg"), "[defaults]\n").unwrap();
        Scratch { dir }
    }

    fn path(&self) -> &Path {
        self.dir.path()
    }

    fn join(&self, p: &str) -> PathBuf {
        self.dir.path().join(p)
    }
}

/// A command for a tool of the venv whose every Ansible path points into `scratch`, so
/// nothing reads or writes the user's home, /etc/ansible or a stray ansible.cfg.
fn ansible_command(venv: &Path, tool: &str, scratch: &Scratch, callback: Option<&str>) -> Command {
    let mut c = Command::new(venv.join("bin").join(tool));
    for (key, _) in std::env::vars_os() {
        if key.to_string_lossy().starts_with("ANSIBLE_") {
            c.env_remove(key);
        }
    }
    let path = std::env::var_os("PATH").unwrap_or_default();
    let mut paths = vec![venv.join("bin")];
    paths.extend(std::env::split_paths(&path));
    let home = scratch.join("home");
    c.current_dir(scratch.path())
        .env("PATH", std::env::join_paths(paths).unwrap())
        .env("HOME", &home)
        .env("XDG_CACHE_HOME", home.join(".cache"))
        .env("XDG_CONFIG_HOME", home.join(".config"))
        .env("XDG_DATA_HOME", home.join(".local/share"))
        .env("TMPDIR", scratch.join("tmp/system"))
        .env("PYTHONDONTWRITEBYTECODE", "1")
        .env("NO_COLOR", "1")
        .env("ANSIBLE_NOCOLOR", "1")
        .env("ANSIBLE_CONFIG", scratch.join("ansible.cfg"))
        .env("ANSIBLE_HOME", home.join(".ansible"))
        .env("ANSIBLE_LOCAL_TEMP", scratch.join("tmp/local"))
        .env("ANSIBLE_REMOTE_TEMP", scratch.join("tmp/remote"))
        .env("ANSIBLE_GALAXY_CACHE_DIR", home.join("galaxy-cache"))
        .env("ANSIBLE_ROLES_PATH", scratch.join("roles"))
        .env("ANSIBLE_PYTHON_INTERPRETER", venv.join("bin/python"))
        .env("ANSIBLE_RETRY_FILES_ENABLED", "0")
        .env("ANSIBLE_LOCALHOST_WARNING", "0")
        .env("ANSIBLE_INVENTORY_UNPARSED_WARNING", "0")
        .env("ANSIBLE_LINT_SKIP_SCHEMA_UPDATE", "1")
        // The module's tcppolicy keeps its locks and journals there, not in /run/tcppolicy.
        .env("TCPPOLICY_RUN_DIR", run_dir());
    if let Some(collections) = SUITE_COLLECTIONS.get() {
        c.env("ANSIBLE_COLLECTIONS_PATH", collections);
    }
    if let Some(cb) = callback {
        c.env("ANSIBLE_STDOUT_CALLBACK", cb);
    }
    c
}

/// Set once the collection is installed; `ansible_command` points Ansible at it.
static SUITE_COLLECTIONS: OnceLock<PathBuf> = OnceLock::new();

fn tool(name: &str, scratch: &Scratch, callback: Option<&str>) -> Command {
    let s = suite();
    SUITE_COLLECTIONS.get_or_init(|| s.collections.clone());
    ansible_command(&s.venv, name, scratch, callback)
}

// ---------------------------------------------------------------------------------------
// Running playbooks.

fn fixture(name: &str) -> PathBuf {
    repo().join("tests/fixtures/ansible").join(name)
}

/// An example playbook of the installed collection, by its FQCN (`tcppolicy.tcppolicy.check`
/// for `playbooks/check.yml`): what a user of the collection runs.
fn example_playbook(name: &str) -> PathBuf {
    PathBuf::from(format!(
        "tcppolicy.tcppolicy.{}",
        name.trim_end_matches(".yml")
    ))
}

/// A finished `ansible-playbook` run with the JSON callback.
struct Play {
    output: Output,
    doc: Value,
}

impl Play {
    /// A summary for assertion messages: each task's status and message, the stats, and
    /// stderr (the whole JSON document is long).
    fn text(&self) -> String {
        let mut s = format!("exit status {:?}\n", self.output.status.code());
        for t in self.tasks() {
            let r = &t["hosts"]["localhost"];
            let status = if r["failed"] == true {
                "FAILED"
            } else if r["skipped"] == true {
                "skipped"
            } else if r["changed"] == true {
                "changed"
            } else {
                "ok"
            };
            s += &format!(
                "  {status:8} {}\n",
                t["task"]["name"].as_str().unwrap_or("?")
            );
            if let Some(m) = r["msg"].as_str().filter(|m| !m.is_empty()) {
                s += &format!("           msg: {m}\n");
            }
        }
        s += &format!(
            "stats: {}\nstderr:\n{}",
            self.doc["stats"],
            String::from_utf8_lossy(&self.output.stderr)
        );
        s
    }

    fn tasks(&self) -> impl Iterator<Item = &Value> {
        self.doc["plays"]
            .as_array()
            .into_iter()
            .flatten()
            .flat_map(|p| p["tasks"].as_array().into_iter().flatten())
    }

    /// The `stats` entry of localhost.
    fn stat(&self, key: &str) -> u64 {
        self.doc["stats"]["localhost"][key]
            .as_u64()
            .unwrap_or_else(|| panic!("no stats.localhost.{key} in\n{}", self.text()))
    }

    fn changed(&self) -> u64 {
        self.stat("changed")
    }

    fn failures(&self) -> u64 {
        self.stat("failures")
    }

    /// The localhost result of the (last) task called `name` (role tasks are shown as
    /// `role : name`).
    fn task(&self, name: &str) -> &Value {
        self.tasks()
            .filter(|t| {
                t["task"]["name"].as_str().is_some_and(|n| {
                    n == name || n.rsplit_once(" : ").is_some_and(|(_, n)| n == name)
                })
            })
            .last()
            .map(|t| &t["hosts"]["localhost"])
            .unwrap_or_else(|| panic!("no task {name:?} in the run\n{}", self.text()))
    }

    fn assert_ok(&self) {
        assert!(
            self.output.status.success() && self.failures() == 0,
            "the play failed\n{}",
            self.text()
        );
    }
}

/// Extra variables for a run, written as JSON so their types are exact.
fn vars_file(scratch: &Scratch, vars: &Value) -> PathBuf {
    let path = scratch.join(&format!(
        "vars-{}.json",
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap()
            .as_nanos()
    ));
    std::fs::write(&path, serde_json::to_vec_pretty(vars).unwrap()).unwrap();
    path
}

fn playbook_command(
    scratch: &Scratch,
    playbook: &Path,
    vars: &Value,
    flags: &[&str],
    callback: &str,
) -> Command {
    let mut vars = vars.clone();
    // The example playbooks say `become: true`; the tests already run as root and the
    // machine may have no sudo.
    vars["ansible_become"] = json!(false);
    let mut c = tool("ansible-playbook", scratch, Some(callback));
    c.args(["-i", "localhost,", "-c", "local"])
        .arg("-e")
        .arg(format!("@{}", vars_file(scratch, &vars).display()))
        .args(flags)
        .arg(playbook);
    c
}

/// Run a playbook with the JSON callback (in the calling thread's network namespace).
fn play(scratch: &Scratch, playbook: &Path, vars: &Value, flags: &[&str]) -> Play {
    let output = playbook_command(scratch, playbook, vars, flags, "ansible.posix.json")
        .output()
        .expect("ansible-playbook runs");
    let doc: Value = serde_json::from_slice(&output.stdout).unwrap_or_else(|e| {
        panic!(
            "ansible-playbook did not print the JSON callback's document ({e})\n{}",
            describe(&output)
        )
    });
    Play { output, doc }
}

/// Run a playbook with the default callback: what a person sees. Returns stdout and the
/// `changed=` and `failed=` counts of the PLAY RECAP.
fn play_text(
    scratch: &Scratch,
    playbook: &Path,
    vars: &Value,
    flags: &[&str],
) -> (String, u64, u64) {
    let output = playbook_command(scratch, playbook, vars, flags, "ansible.builtin.default")
        .output()
        .expect("ansible-playbook runs");
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    let (changed, failed) = recap(&output, "localhost");
    (stdout, changed, failed)
}

/// The `changed=` and `failed=` counts of `host` in the PLAY RECAP of a run with the
/// default callback.
fn recap(output: &Output, host: &str) -> (u64, u64) {
    let stdout = String::from_utf8_lossy(&output.stdout);
    let line = stdout
        .lines()
        .skip_while(|l| !l.starts_with("PLAY RECAP"))
        .find(|l| l.split_whitespace().next() == Some(host))
        .unwrap_or_else(|| panic!("no PLAY RECAP for {host}\n{}", describe(output)));
    let count = |key: &str| -> u64 {
        line.split_whitespace()
            .find_map(|w| w.strip_prefix(&format!("{key}=")))
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("no {key}= in {line:?}"))
    };
    (count("changed"), count("failed"))
}

/// Variables for `module.yml`: the policy, the binary, and a private lock file.
fn module_vars(scratch: &Scratch, policy: &Path) -> Value {
    json!({
        "policy": policy,
        "binary": suite().binary,
        "lock_file": scratch.join("apply.lock"),
    })
}

/// Variables that point the role's install and policy directories and its lock file into
/// `scratch`, and install the suite's binary and the example policies.
fn role_vars(scratch: &Scratch) -> Value {
    let bin_dir = scratch.join("usr-local-bin");
    std::fs::create_dir_all(&bin_dir).unwrap();
    json!({
        "tcppolicy_binary_src": suite().binary,
        "tcppolicy_policy_files": [
            repo().join("examples/base.yaml"),
            repo().join("examples/web-frontend.yaml"),
        ],
        "tcppolicy_install_dir": bin_dir,
        "tcppolicy_policy_dir": scratch.join("etc-tcppolicy"),
        "tcppolicy_lock_file": scratch.join("apply.lock"),
    })
}

/// [`role_vars`] with `tcppolicy_persist` on and the drop-in under `<scratch>/image` (an
/// image root, which must exist); and where that drop-in is.
fn persisting_role_vars(scratch: &Scratch) -> (Value, PathBuf) {
    std::fs::create_dir_all(scratch.join("image")).unwrap();
    let mut vars = role_vars(scratch);
    vars["tcppolicy_persist"] = json!(true);
    vars["tcppolicy_root"] = json!(scratch.join("image"));
    let dropin = scratch.join("image/etc/sysctl.d/90-tcppolicy-web-frontend.conf");
    (vars, dropin)
}

// ---------------------------------------------------------------------------------------
// The kernel side.

fn normalise(v: &str) -> String {
    v.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `tcppolicy plan --format json` in this thread's namespace.
fn plan_json(policy: &Path, extra: &[&str]) -> Value {
    let out = Command::new(bin())
        .arg("plan")
        .args(["--format", "json"])
        .args(extra)
        .arg(policy)
        .output()
        .expect("tcppolicy runs");
    assert!(
        matches!(out.status.code(), Some(0 | 2)),
        "tcppolicy plan failed\n{}",
        describe(&out)
    );
    serde_json::from_slice(&out.stdout).expect("plan prints JSON")
}

/// The changes of a plan: name → (before, after).
fn planned_changes(plan: &Value) -> BTreeMap<String, (String, String)> {
    plan["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "change")
        .map(|e| {
            (
                e["name"].as_str().unwrap().to_string(),
                (
                    normalise(e["before"].as_str().unwrap()),
                    normalise(e["after"].as_str().unwrap()),
                ),
            )
        })
        .collect()
}

/// The module's `changes` return value: name → (before, after).
fn returned_changes(result: &Value) -> BTreeMap<String, (String, String)> {
    result["changes"]
        .as_array()
        .unwrap_or_else(|| panic!("no `changes` in {result:#}"))
        .iter()
        .map(|c| {
            (
                c["name"].as_str().unwrap().to_string(),
                (
                    normalise(c["before"].as_str().unwrap_or("")),
                    normalise(c["after"].as_str().unwrap_or("")),
                ),
            )
        })
        .collect()
}

fn assert_kernel_has(expected: &BTreeMap<String, String>) {
    for (name, value) in expected {
        let now = normalise(&netns::read(name).unwrap());
        assert_eq!(&now, value, "{name} in the namespace after the play");
    }
}

fn mode(path: &Path) -> u32 {
    std::fs::metadata(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .permissions()
        .mode()
        & 0o7777
}

fn msg(result: &Value) -> String {
    result["msg"].as_str().unwrap_or_default().to_string()
}

// ---------------------------------------------------------------------------------------
// The collection itself.

#[test]
fn the_collection_builds_and_installs_from_its_tarball() {
    let s = suite();
    let installed = s
        .collections
        .join("ansible_collections/tcppolicy/tcppolicy");
    for file in [
        "MANIFEST.json",
        "README.md",
        "meta/runtime.yml",
        "plugins/modules/policy.py",
        "plugins/action/policy.py",
        "plugins/module_utils/report.py",
        "plugins/callback/drift_report.py",
        "roles/tcppolicy/defaults/main.yml",
        "roles/tcppolicy/meta/argument_specs.yml",
        "roles/tcppolicy/meta/main.yml",
        "roles/tcppolicy/tasks/main.yml",
        "roles/tcppolicy/README.md",
        "playbooks/apply_live.yml",
        "playbooks/check.yml",
        "playbooks/render_dropin.yml",
        "LICENSE",
        "changelogs/changelog.yaml",
        "changelogs/config.yaml",
        "roles/tcppolicy/files/elf_machine.py",
        "roles/tcppolicy/tasks/present.yml",
        "roles/tcppolicy/tasks/absent.yml",
    ] {
        assert!(
            installed.join(file).is_file(),
            "{file} is missing from the collection built into {}",
            s.tarball.display()
        );
    }
    for junk in [".ansible", ".gitignore", ".ansible-lint"] {
        assert!(
            !installed.join(junk).exists(),
            "{junk} should not be in the built collection (build_ignore)"
        );
    }
    let manifest: Value =
        serde_json::from_slice(&std::fs::read(installed.join("MANIFEST.json")).unwrap()).unwrap();
    let info = &manifest["collection_info"];
    assert_eq!(info["namespace"], "tcppolicy");
    assert_eq!(info["name"], "tcppolicy");
    assert_eq!(
        info["version"],
        env!("CARGO_PKG_VERSION"),
        "ansible/galaxy.yml's version follows the workspace version"
    );
}

/// `ansible-doc ARGS` succeeds without an error and its text has every one of `words`.
fn assert_ansible_doc(scratch: &Scratch, args: &[&str], words: &[&str]) {
    let out = tool("ansible-doc", scratch, None)
        .args(args)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && !String::from_utf8_lossy(&out.stderr).contains("ERROR"),
        "ansible-doc {args:?}\n{}",
        describe(&out)
    );
    for word in words {
        assert!(text.contains(word), "{word:?} missing from\n{text}");
    }
}

#[test]
fn ansible_doc_renders_the_module_callback_and_role_documentation() {
    let scratch = Scratch::new();
    assert_ansible_doc(
        &scratch,
        &["tcppolicy.tcppolicy.policy"],
        &[
            "OPTIONS",
            "EXAMPLES",
            "RETURN VALUES",
            "lock_timeout",
            "sysctl.d",
            "netns",
        ],
    );

    let out = tool("ansible-doc", &scratch, None)
        .args(["--json", "tcppolicy.tcppolicy.policy"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", describe(&out));
    let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
    let module = &doc["tcppolicy.tcppolicy.policy"];
    let options: Vec<&str> = module["doc"]["options"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    assert_eq!(
        options,
        [
            "binary",
            "lock_file",
            "lock_timeout",
            "netns",
            "path",
            "policy",
            "root",
            "target"
        ]
    );
    assert_eq!(module["doc"]["options"]["policy"]["required"], true);
    assert_eq!(
        module["doc"]["options"]["target"]["choices"],
        json!(["live", "sysctl.d"])
    );
    assert_eq!(module["doc"]["attributes"]["check_mode"]["support"], "full");
    assert_eq!(module["doc"]["attributes"]["diff_mode"]["support"], "full");
    // RETURN documents every field of tcppolicy's report (but `warnings`, which Ansible
    // reserves: `report_warnings`), and what the module adds.
    let out = Command::new(bin())
        .args(["plan", "--format", "json", "/nonexistent/policy.yaml"])
        .output()
        .unwrap();
    let report: Value = serde_json::from_slice(&out.stdout).expect("a report");
    let mut documented: Vec<&str> = module["return"]
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .collect();
    documented.sort_unstable();
    let mut expected: Vec<&str> = report
        .as_object()
        .unwrap()
        .keys()
        .map(String::as_str)
        .filter(|k| !matches!(*k, "changed" | "warnings"))
        .chain([
            "report_warnings",
            "changes",
            "ansible_facts",
            "cmd",
            "rc",
            "stderr",
        ])
        .collect();
    expected.sort_unstable();
    assert_eq!(documented, expected, "RETURN");
    assert!(
        module["examples"]
            .as_str()
            .is_some_and(|e| e.contains("tcppolicy.tcppolicy.policy:")),
        "EXAMPLES use the module's FQCN"
    );

    assert_ansible_doc(
        &scratch,
        &["-t", "callback", "tcppolicy.tcppolicy.drift_report"],
        &[
            "json_path",
            "markdown_path",
            "TCPPOLICY_DRIFT_JSON",
            "callbacks_enabled",
        ],
    );
    assert_ansible_doc(
        &scratch,
        &["-t", "role", "tcppolicy.tcppolicy.tcppolicy"],
        &["tcppolicy_policy_files"],
    );
}

/// The module's own consistency, beyond ansible-test's validate-modules (which compares
/// DOCUMENTATION with the argument spec): DOCUMENTATION, EXAMPLES and RETURN are YAML,
/// the documented options are exactly the argument spec (type, required, default,
/// choices), and the examples of the module use only real options and every required one.
#[test]
fn the_module_documentation_matches_its_argument_spec() {
    let s = suite();
    let out = Command::new(s.venv.join("bin/python"))
        .env("PYTHONDONTWRITEBYTECODE", "1")
        // Where the module's `ansible_collections.tcppolicy...` imports resolve.
        .env("PYTHONPATH", &s.collections)
        .args([
            "-c",
            r#"
import importlib.util, json, sys, yaml
spec = importlib.util.spec_from_file_location("policy", sys.argv[1])
m = importlib.util.module_from_spec(spec)
spec.loader.exec_module(m)
doc, examples = yaml.safe_load(m.DOCUMENTATION), yaml.safe_load(m.EXAMPLES)
yaml.safe_load(m.RETURN)
problems = []
opts, args = doc["options"], m.ARGUMENT_SPEC
for name in sorted(set(opts) | set(args)):
    if name not in opts or name not in args:
        problems.append(name + " is not in " + ("DOCUMENTATION" if name in args else "the argument spec"))
        continue
    for key, unset in (("type", "str"), ("required", False), ("default", None), ("choices", None)):
        d, a = opts[name].get(key, unset), args[name].get(key, unset)
        if d != a:
            problems.append("%s.%s: documented %r, argument spec %r" % (name, key, d, a))
for task in examples:
    if "tcppolicy.tcppolicy.policy" not in task:
        continue  # a task using the module's facts
    for key in set(task["tcppolicy.tcppolicy.policy"]) - set(args):
        problems.append("example %r uses unknown option %s" % (task["name"], key))
    if not set(task["tcppolicy.tcppolicy.policy"]) >= {n for n, a in args.items() if a.get("required")}:
        problems.append("example %r misses a required option" % task["name"])
print(json.dumps(problems))
"#,
        ])
        .arg(repo().join("ansible/plugins/modules/policy.py"))
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", describe(&out));
    let problems: Vec<String> = serde_json::from_slice(&out.stdout).unwrap();
    assert!(problems.is_empty(), "{problems:#?}");
}

/// ansible-lint at the collection's root, as Galaxy's and Automation Hub's checks run it:
/// every file (roles, playbooks, galaxy.yml and its changelog, meta/runtime.yml, the
/// sanity ignore files), profile production.
#[test]
fn ansible_lint_passes_at_the_collection_root() {
    let scratch = Scratch::new();
    // A copy, so the linter's cache (.ansible/) does not land in the work tree.
    let copy = scratch.join("ansible");
    copy_tree(&repo().join("ansible"), &copy);
    let out = tool("ansible-lint", &scratch, None)
        .current_dir(&copy)
        .arg("--nocolor")
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "ansible-lint at the collection root (profile from ansible/.ansible-lint)\n{}",
        describe(&out)
    );
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(
        text.contains("0 failure(s), 0 warning(s)"),
        "ansible-lint reported something\n{text}"
    );
}

/// What `tcppolicy emit ansible` writes passes ansible-lint too (profile production), so
/// it can sit in a linted role as it is.
#[test]
fn ansible_lint_passes_on_emitted_tasks() {
    let scratch = Scratch::new();
    let project = scratch.join("project");
    let tasks = project.join("roles/tcp/tasks");
    std::fs::create_dir_all(&tasks).unwrap();
    std::fs::write(
        project.join(".ansible-lint"),
        "---\nprofile: production\noffline: true\n",
    )
    .unwrap();
    for (file, policy) in [
        (
            "main.yml",
            repo().join("tests/fixtures/live/twenty-four.yaml"),
        ),
        ("tricky.yml", fixture("yaml-tricky.yaml")),
        ("bounds.yml", fixture("bounds.yaml")),
    ] {
        let out = Command::new(bin())
            .args(["emit", "ansible"])
            .arg(&policy)
            .arg("-o")
            .arg(tasks.join(file))
            .output()
            .unwrap();
        assert!(out.status.success(), "{}", describe(&out));
    }
    let out = tool("ansible-lint", &scratch, None)
        .current_dir(&project)
        .args(["--nocolor", "roles/tcp"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "ansible-lint on emitted tasks\n{}",
        describe(&out)
    );
}

/// ansible-test's home that scripts/python-env prepared: the sanity tests' virtualenvs and
/// a pip configuration that installs only from its wheelhouse, so no test needs a network.
fn sanity_home(venv: &Path) -> PathBuf {
    let dir = venv.join("ansible-test");
    assert!(
        dir.join("primed").is_file(),
        "{} is not prepared: scripts/python-env builds ansible-test's sanity environments \
         there (./scripts/test runs it first)",
        dir.display()
    );
    dir.join("home")
}

/// `ansible-test sanity` on the collection (at `ansible_collections/tcppolicy/tcppolicy`,
/// where ansible-test needs it), every test, offline: pep8, pylint, validate-modules (the
/// documentation against the argument spec), yamllint, the changelog fragments,
/// runtime metadata, imports, the ignore files.
#[test]
fn ansible_test_sanity_passes_for_the_collection() {
    let s = suite();
    let home = sanity_home(&s.venv);
    let scratch = Scratch::new();
    // Outside the work tree: inside a git checkout ansible-test lists the files git knows,
    // and target/ is ignored.
    let outside = tempfile::Builder::new()
        .prefix("tcppolicy-sanity-")
        .tempdir()
        .unwrap();
    let copy = outside
        .path()
        .join("ansible_collections/tcppolicy/tcppolicy");
    copy_tree(&repo().join("ansible"), &copy);
    let version = Command::new(s.venv.join("bin/python"))
        .args(["-c", "import sys; print('%d.%d' % sys.version_info[:2])"])
        .output()
        .unwrap();
    let version = String::from_utf8(version.stdout).unwrap();
    let out = tool("ansible-test", &scratch, None)
        .current_dir(&copy)
        .env("HOME", &home)
        .args([
            "sanity",
            "--local",
            "--color",
            "no",
            "--python",
            version.trim(),
        ])
        .output()
        .unwrap();
    let text = describe(&out);
    assert!(out.status.success(), "ansible-test sanity\n{text}");
    for test in [
        "pep8",
        "pylint",
        "validate-modules",
        "yamllint",
        "changelog",
        "import",
    ] {
        assert!(
            text.contains(&format!("Running sanity test \"{test}\"")),
            "{test} ran\n{text}"
        );
    }
    assert!(!text.contains("ERROR:"), "{text}");
}

/// The collection says the workspace's license everywhere: galaxy.yml's license file, the
/// role's metadata, and the SPDX header of every Python file.
#[test]
fn the_collection_license_is_the_workspace_license_everywhere() {
    let license = env!("CARGO_PKG_LICENSE");
    assert_eq!(license, "MIT OR Apache-2.0");
    let root = repo().join("ansible");
    let galaxy = std::fs::read_to_string(root.join("galaxy.yml")).unwrap();
    assert!(
        galaxy.lines().any(|l| l == "license_file: LICENSE")
            && !galaxy.lines().any(|l| l.starts_with("license:")),
        "galaxy.yml names its license file (its `license` list cannot say \"or\")"
    );
    let text = std::fs::read_to_string(root.join("LICENSE")).unwrap();
    assert!(
        text.starts_with(&format!("SPDX-License-Identifier: {license}\n")),
        "LICENSE"
    );
    assert!(text.contains("\nMIT License\n") && text.contains("Apache License\n"));
    let meta = std::fs::read_to_string(root.join("roles/tcppolicy/meta/main.yml")).unwrap();
    assert!(
        meta.lines().any(|l| l == format!("  license: {license}")),
        "roles/tcppolicy/meta/main.yml"
    );
    for file in [
        "plugins/modules/policy.py",
        "plugins/action/policy.py",
        "plugins/module_utils/report.py",
        "plugins/callback/drift_report.py",
        "roles/tcppolicy/files/elf_machine.py",
    ] {
        let text = std::fs::read_to_string(root.join(file)).unwrap();
        assert!(
            text.lines()
                .take(10)
                .any(|l| l == format!("# SPDX-License-Identifier: {license}")),
            "{file}"
        );
    }
}

fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let name = entry.file_name();
        let skip = name == ".ansible"
            || entry.path().ends_with("tests/output")
            || name == "__pycache__"
            || name.to_string_lossy().ends_with(".tar.gz");
        if skip {
            continue;
        }
        let (src, dst) = (entry.path(), to.join(&name));
        if entry.file_type().unwrap().is_dir() {
            copy_tree(&src, &dst);
        } else {
            std::fs::copy(&src, &dst).unwrap();
        }
    }
}

// ---------------------------------------------------------------------------------------
// The role and the module on the live kernel.

#[test]
fn the_role_applies_the_policy_then_a_second_run_changes_nothing() {
    let s = suite();
    let binary = s.binary.clone();
    netns::in_fresh_netns(move || {
        let scratch = Scratch::new();
        let (vars, dropin) = persisting_role_vars(&scratch);
        let before = netns::snapshot();
        let plan = plan_json(&repo().join("examples/web-frontend.yaml"), &[]);
        let expected = planned_changes(&plan);
        assert!(expected.len() >= 5, "the example changes a fresh namespace");

        let first = play(&scratch, &example_playbook("apply_live.yml"), &vars, &[]);
        first.assert_ok();
        assert!(first.changed() > 0, "first run: changed\n{}", first.text());
        let result = first.task("Run tcppolicy on the managed host");
        assert_eq!(result["changed"], true, "{}", first.text());
        assert_eq!(
            returned_changes(result),
            expected,
            "the module reports what it wrote"
        );
        assert_eq!(result["outcome"]["status"], "applied");
        assert_report(result, &plan, "apply");
        let written: Vec<&str> = result["entries"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|e| e["result"] == "written")
            .map(|e| e["name"].as_str().unwrap())
            .collect();
        assert_eq!(written, expected_order(&plan), "every change was written");
        assert_eq!(
            facts(result, "web-frontend", "live"),
            json!({"in_sync": true, "drifted": expected_order(&plan), "command": "apply"}),
        );
        assert_eq!(
            netns::changed(&before, &netns::snapshot()),
            expected,
            "the kernel changed in exactly the planned places, to the planned values"
        );

        let persisted = first.task("Write the policy as a drop-in for the next boot");
        assert_eq!(persisted["changed"], true);
        assert_eq!(persisted["file"]["action"], "created");
        // The drop-in's facts join the live kernel's: one policy, two targets.
        let targets: Vec<&String> =
            persisted["ansible_facts"]["tcppolicy"]["policies"]["web-frontend"]
                .as_object()
                .unwrap_or_else(|| panic!("no facts in {persisted:#}"))
                .keys()
                .collect();
        assert_eq!(
            targets,
            [
                "live",
                &format!(
                    "sysctl.d:/etc/sysctl.d/90-tcppolicy-web-frontend.conf@{}",
                    scratch.join("image").display()
                )
            ]
        );
        assert_eq!(
            std::fs::read_to_string(&dropin).unwrap(),
            emit_dropin(&scratch.join("etc-tcppolicy/web-frontend.yaml")),
            "tcppolicy_persist writes the policy's drop-in"
        );

        let installed = scratch.join("usr-local-bin/tcppolicy");
        assert_eq!(mode(&installed), 0o755, "the binary is installed 0755");
        assert_eq!(
            std::fs::read(&installed).unwrap(),
            std::fs::read(&binary).unwrap()
        );
        for policy in ["base.yaml", "web-frontend.yaml"] {
            let copy = scratch.join("etc-tcppolicy").join(policy);
            assert_eq!(mode(&copy), 0o644, "{policy} is installed 0644");
            assert_eq!(
                std::fs::read(&copy).unwrap(),
                std::fs::read(repo().join("examples").join(policy)).unwrap()
            );
        }

        let applied = netns::snapshot();
        let second = play(&scratch, &example_playbook("apply_live.yml"), &vars, &[]);
        second.assert_ok();
        assert_eq!(
            second.changed(),
            0,
            "second run: changed=0\n{}",
            second.text()
        );
        let result = second.task("Run tcppolicy on the managed host");
        assert_eq!(result["changed"], false);
        assert_eq!(result["outcome"]["status"], "nothing_to_do");
        assert_eq!(result["changes"], json!([]));
        assert_eq!(
            facts(result, "web-frontend", "live"),
            json!({"in_sync": true, "drifted": [], "command": "apply"}),
        );
        assert_eq!(
            second.task("Write the policy as a drop-in for the next boot")["file"]["action"],
            "unchanged"
        );
        assert_eq!(netns::snapshot(), applied);
    });
}

/// The module returns tcppolicy's report: the policy, digest, target, kernel and network
/// namespace of the plan `plan` made outside Ansible, and the settings that do not apply
/// here, each named in `not_applicable` and with its reason in `entries`.
fn assert_report(result: &Value, plan: &Value, command: &str) {
    assert_eq!(result["format_version"], 2, "{result:#}");
    assert_eq!(result["command"], command);
    for key in [
        "policy",
        "digest",
        "target",
        "kernel_release",
        "netns",
        "not_applicable",
        "summary",
    ] {
        assert_eq!(result[key], plan[key], "{key}");
    }
    let reasons: Vec<(&Value, &Value)> = result["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "not_applicable")
        .map(|e| (&e["name"], &e["reason"]))
        .collect();
    assert!(!reasons.is_empty(), "the example has a not-applicable key");
    for (name, reason) in reasons {
        assert!(
            result["not_applicable"].as_array().unwrap().contains(name)
                && reason.as_str().is_some_and(|r| !r.is_empty()),
            "{name} is named, with a reason: {reason}"
        );
    }
}

/// A plan entry's `source` (`/dir/web.yaml:8`) relative to the directory of `policy`
/// (`web.yaml:8`), as the diff and the drift report name it.
fn relative(source: &Value, policy: &Path) -> String {
    let source = source.as_str().expect("a source");
    let dir = format!("{}/", policy.parent().unwrap().display());
    source
        .strip_prefix(&dir)
        .unwrap_or_else(|| panic!("{source} is not under {dir}"))
        .to_string()
}

/// The keys a plan changes, in its order.
fn expected_order(plan: &Value) -> Vec<&str> {
    plan["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] == "change")
        .map(|e| e["name"].as_str().unwrap())
        .collect()
}

/// `in_sync`, `drifted` and `command` of the facts a module result sets for `policy` on
/// `target`.
fn facts(result: &Value, policy: &str, target: &str) -> Value {
    let f = &result["ansible_facts"]["tcppolicy"]["policies"][policy][target];
    assert!(
        f.is_object(),
        "no facts for {policy} on {target} in {result:#}"
    );
    assert_eq!(f["policy"], policy);
    assert_eq!(f["digest"], result["digest"]);
    json!({"in_sync": f["in_sync"], "drifted": f["drifted"], "command": f["command"]})
}

/// `tcppolicy emit sysctl.d POLICY`: the drop-in a policy renders as.
fn emit_dropin(policy: &Path) -> String {
    let out = Command::new(bin())
        .args(["emit", "sysctl.d"])
        .arg(policy)
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", describe(&out));
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn check_mode_changes_nothing_and_reports_what_would_change() {
    suite();
    netns::in_fresh_netns(move || {
        let scratch = Scratch::new();
        let (vars, dropin) = persisting_role_vars(&scratch);
        let before = netns::snapshot();
        let plan = plan_json(&repo().join("examples/web-frontend.yaml"), &[]);
        let expected = planned_changes(&plan);

        // A host that has never seen tcppolicy: the role stages the binary and the
        // policies in a temporary directory to plan with them.
        let check = play(&scratch, &example_playbook("check.yml"), &vars, &[]);
        check.assert_ok();
        assert!(
            check.changed() > 0,
            "check mode reports changes\n{}",
            check.text()
        );
        let result = check.task("Run tcppolicy on the managed host");
        assert_eq!(result["changed"], true);
        assert_eq!(
            returned_changes(result),
            expected,
            "check mode reports the plan"
        );
        assert_eq!(result["summary"]["change"], json!(expected.len()));
        assert_report(result, &plan, "plan");
        assert_eq!(result["outcome"]["status"], "changes_pending");
        assert_eq!(
            facts(result, "web-frontend", "live"),
            json!({"in_sync": false, "drifted": expected_order(&plan), "command": "plan"}),
        );
        let planned = result.clone();
        let diff = &result["diff"];
        for (name, (old, new)) in &expected {
            assert!(
                diff["before"]
                    .as_str()
                    .unwrap()
                    .contains(&format!("{name} = {old}\n")),
                "{diff:#}"
            );
            assert!(
                diff["after"]
                    .as_str()
                    .unwrap()
                    .contains(&format!("{name} = {new}\n")),
                "{diff:#}"
            );
        }
        assert_eq!(
            netns::snapshot(),
            before,
            "check mode wrote no kernel value"
        );
        assert!(
            std::fs::read_dir(scratch.join("usr-local-bin"))
                .unwrap()
                .next()
                .is_none(),
            "check mode installed no binary"
        );
        assert!(
            !scratch.join("etc-tcppolicy").exists(),
            "check mode copied no policy"
        );
        let persist = check.task("Write the policy as a drop-in for the next boot");
        assert_eq!(persist["changed"], true, "{persist:#}");
        assert_eq!(persist["file"]["action"], "create");
        assert!(
            !scratch.join("image/etc").exists() && !dropin.exists(),
            "check mode wrote no drop-in"
        );
        let stage = check.task("Create a staging directory for the plan (check mode)");
        let stage = PathBuf::from(stage["path"].as_str().expect("the role staged"));
        assert!(
            !stage.exists(),
            "the staging directory {} is removed",
            stage.display()
        );

        // Apply mode returns the same fields (the report of SPEC §5).
        let apply = play(&scratch, &example_playbook("apply_live.yml"), &vars, &[]);
        apply.assert_ok();
        let applied = apply.task("Run tcppolicy on the managed host");
        let fields = |r: &Value| -> Vec<String> {
            let mut k: Vec<String> = r
                .as_object()
                .unwrap()
                .keys()
                .filter(|k| !matches!(k.as_str(), "diff" | "invocation"))
                .cloned()
                .collect();
            k.sort();
            k
        };
        assert_eq!(fields(&planned), fields(applied));
        assert_eq!(returned_changes(applied), expected);

        // Once applied, check mode reports nothing to change.
        let check = play(&scratch, &example_playbook("check.yml"), &vars, &[]);
        check.assert_ok();
        assert_eq!(check.changed(), 0, "{}", check.text());
        let result = check.task("Run tcppolicy on the managed host");
        assert_eq!(result["changes"], json!([]));
        assert_eq!(result["summary"]["change"], 0);
    });
}

/// The first 64 bytes of an ELF executable for `machine` (`e_machine`, little endian,
/// 64-bit): all the role's architecture check reads.
fn elf_header(machine: u16) -> Vec<u8> {
    let mut h = vec![0u8; 64];
    h[..7].copy_from_slice(b"\x7fELF\x02\x01\x01");
    h[16..18].copy_from_slice(&2u16.to_le_bytes()); // ET_EXEC
    h[18..20].copy_from_slice(&machine.to_le_bytes());
    h
}

/// The message of the role's architecture check in a run that failed there.
fn architecture_message(run: &Play) -> String {
    assert_eq!(run.failures(), 1, "{}", run.text());
    msg(run.task("Check that the tcppolicy binary is built for the managed host's architecture"))
}

/// A binary for another architecture (or none at all) fails the role with a message that
/// says which binary to build, before anything is copied to the host.
#[test]
fn the_role_refuses_a_binary_built_for_another_architecture() {
    suite();
    netns::in_fresh_netns(move || {
        let scratch = Scratch::new();
        let machine = rustix::system::uname()
            .machine()
            .to_string_lossy()
            .into_owned();
        let before = netns::snapshot();
        let (foreign, arch) = if machine == "aarch64" {
            (elf_header(62), "x86_64")
        } else {
            (elf_header(183), "aarch64")
        };
        let path = scratch.join("tcppolicy-foreign");
        std::fs::write(&path, foreign).unwrap();
        let mut vars = role_vars(&scratch);
        vars["tcppolicy_binary_src"] = json!(path);
        let run = play(&scratch, &example_playbook("apply_live.yml"), &vars, &[]);
        assert_eq!(
            architecture_message(&run),
            format!(
                "tcppolicy_binary_src ({}) is built for {arch}, but localhost is {machine}: build \
                 tcppolicy for {machine} (cargo build --release --target \
                 {machine}-unknown-linux-musl) and point tcppolicy_binary_src at it, or install it \
                 otherwise and set tcppolicy_install_binary to false",
                path.display()
            )
        );

        // A project's playbook naming the binary relative to itself, as copy finds it.
        let site = scratch.join("site");
        std::fs::create_dir_all(site.join("files")).unwrap();
        std::fs::copy(&path, site.join("files/tcppolicy")).unwrap();
        std::fs::write(
            site.join("site.yml"),
            "- name: TCP settings\n  hosts: all\n  gather_facts: false\n  roles:\n    \
             - role: tcppolicy.tcppolicy.tcppolicy\n      vars:\n        \
             tcppolicy_binary_src: files/tcppolicy\n",
        )
        .unwrap();
        let mut site_vars = vars.clone();
        site_vars
            .as_object_mut()
            .unwrap()
            .remove("tcppolicy_binary_src");
        let run = play(&scratch, &site.join("site.yml"), &site_vars, &[]);
        assert!(
            architecture_message(&run).starts_with(&format!(
                "tcppolicy_binary_src (files/tcppolicy) is built for {arch}, but localhost is \
                 {machine}: "
            )),
            "{}",
            run.text()
        );

        let script = scratch.join("not-elf");
        std::fs::write(&script, "#!/bin/sh\necho tcppolicy\n").unwrap();
        vars["tcppolicy_binary_src"] = json!(script);
        let run = play(&scratch, &example_playbook("check.yml"), &vars, &[]);
        assert_eq!(
            architecture_message(&run),
            format!(
                "the tcppolicy binary `{}` is not an ELF executable: point tcppolicy_binary_src at \
                 the tcppolicy binary built for the managed hosts",
                script.display()
            )
        );

        assert!(
            std::fs::read_dir(scratch.join("usr-local-bin"))
                .unwrap()
                .next()
                .is_none(),
            "nothing was installed"
        );
        assert!(!scratch.join("etc-tcppolicy").exists());
        assert_eq!(netns::snapshot(), before);
    });
}

/// A playbook of the installed collection run without `tcppolicy_binary_src`: the default
/// (`files/tcppolicy` next to the playbook) is not there, and the message says what to set.
#[test]
fn the_installed_playbooks_say_which_variables_they_need() {
    let s = suite();
    netns::in_fresh_netns(move || {
        let scratch = Scratch::new();
        let mut vars = role_vars(&scratch);
        vars.as_object_mut().unwrap().remove("tcppolicy_binary_src");
        let run = play(&scratch, &example_playbook("check.yml"), &vars, &[]);
        let expected = s
            .collections
            .join("ansible_collections/tcppolicy/tcppolicy/playbooks/files/tcppolicy");
        assert_eq!(
            architecture_message(&run),
            format!(
                "cannot read the tcppolicy binary `{}` on the controller: No such file or \
                 directory: point tcppolicy_binary_src at the tcppolicy binary built for the \
                 managed hosts",
                expected.display()
            )
        );

        vars = role_vars(&scratch);
        vars.as_object_mut()
            .unwrap()
            .remove("tcppolicy_policy_files");
        let run = play(&scratch, &example_playbook("apply_live.yml"), &vars, &[]);
        assert_eq!(run.failures(), 1, "{}", run.text());
        assert!(
            run.text()
                .contains("missing required arguments: tcppolicy_policy_files"),
            "{}",
            run.text()
        );
    });
}

/// Which role tasks ran (were not skipped) in a run, by name.
fn ran(run: &Play, name: &str) -> bool {
    run.tasks().any(|t| {
        t["task"]["name"]
            .as_str()
            .is_some_and(|n| n.rsplit_once(" : ").map_or(n, |(_, n)| n) == name)
            && t["hosts"]["localhost"]["skipped"] != true
    })
}

/// The role's tags one by one on a new host, then `tcppolicy_state: absent`.
#[test]
fn tags_select_install_plan_apply_and_persist_then_absent_removes_the_dropin() {
    suite();
    netns::in_fresh_netns(move || {
        let scratch = Scratch::new();
        let (mut vars, dropin) = persisting_role_vars(&scratch);
        let installed = scratch.join("usr-local-bin/tcppolicy");
        let playbook = example_playbook("apply_live.yml");
        let before = netns::snapshot();
        let expected = planned_changes(&plan_json(&repo().join("examples/web-frontend.yaml"), &[]));
        let (run_task, persist_task) = (
            "Run tcppolicy on the managed host",
            "Write the policy as a drop-in for the next boot",
        );

        // plan: on a new host, staged like check mode; nothing is installed or changed.
        let plan = play(&scratch, &playbook, &vars, &["--tags", "plan"]);
        plan.assert_ok();
        assert_eq!(returned_changes(plan.task(run_task)), expected);
        assert_eq!(plan.task(persist_task)["file"]["action"], "create");
        assert!(!installed.exists() && !dropin.exists());
        assert!(!scratch.join("etc-tcppolicy").exists());
        assert_eq!(netns::snapshot(), before, "--tags plan changed nothing");

        // install: the binary and the policies, nothing else.
        let install = play(&scratch, &playbook, &vars, &["--tags", "install"]);
        install.assert_ok();
        assert!(installed.exists() && scratch.join("etc-tcppolicy/web-frontend.yaml").exists());
        assert!(!ran(&install, run_task) && !ran(&install, persist_task));
        assert!(!dropin.exists());
        assert_eq!(netns::snapshot(), before);

        // apply: the running kernel, not the drop-in.
        let apply = play(&scratch, &playbook, &vars, &["--tags", "apply"]);
        apply.assert_ok();
        assert_eq!(returned_changes(apply.task(run_task)), expected);
        assert!(!ran(&apply, persist_task));
        assert!(!dropin.exists());
        assert_eq!(netns::changed(&before, &netns::snapshot()), expected);

        // persist: the drop-in, not the kernel again.
        let applied = netns::snapshot();
        let persist = play(&scratch, &playbook, &vars, &["--tags", "persist"]);
        persist.assert_ok();
        assert!(!ran(&persist, run_task));
        assert_eq!(persist.task(persist_task)["file"]["action"], "created");
        assert!(dropin.exists());
        assert_eq!(
            persist.changed(),
            2,
            "the drop-in and its record\n{}",
            persist.text()
        );

        let all = play(&scratch, &playbook, &vars, &[]);
        all.assert_ok();
        assert_eq!(all.changed(), 0, "{}", all.text());
        assert_eq!(netns::snapshot(), applied);

        // tcppolicy_state: absent removes the persisted drop-in; the kernel keeps every
        // value, and the role lists them.
        vars["tcppolicy_state"] = json!("absent");
        let check = play(&scratch, &playbook, &vars, &["--check"]);
        check.assert_ok();
        assert_eq!(
            check.task("Say what stays")["msg"][0],
            format!("would remove {}", dropin.display())
        );
        assert!(dropin.exists());

        let absent = play(&scratch, &playbook, &vars, &[]);
        absent.assert_ok();
        assert!(!dropin.exists());
        assert_eq!(netns::snapshot(), applied, "the kernel keeps every value");
        let lines: Vec<String> = absent.task("Say what stays")["msg"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l.as_str().unwrap().to_string())
            .collect();
        assert_eq!(lines[0], format!("removed {}", dropin.display()));
        assert!(
            lines[1].starts_with("tcppolicy does not reset kernel parameters"),
            "{lines:#?}"
        );
        for (name, value) in [
            ("net.core.somaxconn", "32768"),
            ("net.ipv4.tcp_synack_retries", "3"),
        ] {
            assert_eq!(applied[name], value);
            assert!(
                lines
                    .iter()
                    .any(|l| normalise(l) == format!("{name} = {value}")),
                "{name} = {value} in {lines:#?}"
            );
        }
        assert!(
            !lines
                .iter()
                .any(|l| l.starts_with("net.core.netdev_max_backlog")),
            "absent in this namespace, so not listed: {lines:#?}"
        );
    });
}

/// `sysctl.d` files in `dir`: name → content.
fn dropins(dir: &Path) -> BTreeMap<String, String> {
    std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| {
            (
                e.file_name().to_string_lossy().into_owned(),
                std::fs::read_to_string(e.path()).unwrap(),
            )
        })
        .collect()
}

/// Renaming the policy moves its drop-in: the role removes the one it wrote under the old
/// name (and only that one); `tcppolicy_state: absent` then removes the current one.
#[test]
fn a_renamed_policy_replaces_its_old_dropin_and_absent_removes_it() {
    suite();
    netns::in_fresh_netns(move || {
        let scratch = Scratch::new();
        let (sources, image, mut vars) = image_role(&scratch);
        let dir = image.join("etc/sysctl.d");
        let playbook = example_playbook("render_dropin.yml");
        play(&scratch, &playbook, &vars, &[]).assert_ok();

        // Files the role did not write: another policy's drop-in (tcppolicy's header, other
        // source) and a hand-written one.
        let foreign = emit_dropin(&repo().join("examples/latency-sensitive.yaml"));
        std::fs::write(dir.join("90-tcppolicy-latency-sensitive.conf"), &foreign).unwrap();
        std::fs::write(dir.join("50-local.conf"), "net.ipv4.tcp_sack = 1\n").unwrap();
        let old = dir.join("90-tcppolicy-web-frontend.conf");
        assert!(old.exists());

        let web = sources.join("web-frontend.yaml");
        let text = std::fs::read_to_string(&web).unwrap();
        std::fs::write(
            &web,
            text.replacen("name: web-frontend\n", "name: web-edge\n", 1),
        )
        .unwrap();
        let remove = "Remove the drop-in written for an earlier name or path of the policy";
        let check = play(&scratch, &playbook, &vars, &["--check"]);
        check.assert_ok();
        assert_eq!(check.task(remove)["changed"], true, "{}", check.text());
        assert!(old.exists(), "check mode removed nothing");

        let run = play(&scratch, &playbook, &vars, &[]);
        run.assert_ok();
        assert_eq!(run.task(remove)["changed"], true);
        let files = dropins(&dir);
        assert_eq!(
            files.keys().collect::<Vec<_>>(),
            [
                "50-local.conf",
                "90-tcppolicy-latency-sensitive.conf",
                "90-tcppolicy-web-edge.conf"
            ]
        );
        assert_eq!(files["90-tcppolicy-latency-sensitive.conf"], foreign);
        let again = play(&scratch, &playbook, &vars, &[]);
        again.assert_ok();
        assert_eq!(again.changed(), 0, "{}", again.text());

        // absent: only this policy's drop-in goes; the image's kernel is not a concern.
        vars["tcppolicy_state"] = json!("absent");
        let absent = play(&scratch, &playbook, &vars, &[]);
        absent.assert_ok();
        let path = dir.join("90-tcppolicy-web-edge.conf");
        assert_eq!(
            absent.task("Say what stays")["msg"],
            json!([
                format!("removed {}", path.display()),
                format!(
                    "the drop-in was under {} (an image); no running kernel was touched",
                    image.display()
                )
            ])
        );
        assert_eq!(
            dropins(&dir).keys().collect::<Vec<_>>(),
            ["50-local.conf", "90-tcppolicy-latency-sensitive.conf"]
        );
        assert!(
            !image
                .join("etc/tcppolicy/.web-frontend.yaml.dropin")
                .exists()
        );
    });
}

#[test]
fn diff_shows_each_kernel_key_before_and_after() {
    suite();
    netns::in_fresh_netns(move || {
        let scratch = Scratch::new();
        let policy = repo().join("tests/fixtures/live/twenty-four.yaml");
        let vars = module_vars(&scratch, &policy);
        let playbook = fixture("module.yml");
        let before = netns::snapshot();
        let expected = planned_changes(&plan_json(&policy, &[]));
        assert_eq!(expected.len(), 24);

        // Each key's old value right above its new one, under a line saying what the
        // policy asks for and where (relative to the policy's directory): 24 pairs, not
        // 24 old lines then 24 new ones.
        let sources: BTreeMap<String, (String, String)> = plan_json(&policy, &[])["entries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| {
                (
                    e["name"].as_str().unwrap().to_string(),
                    (
                        e["desired"].as_str().unwrap().to_string(),
                        relative(&e["source"], &policy),
                    ),
                )
            })
            .collect();
        let assert_diff = |stdout: &str| {
            let lines: Vec<&str> = stdout.lines().collect();
            for (name, (old, new)) in &expected {
                let (desired, source) = &sources[name];
                let at = lines
                    .iter()
                    .position(|l| *l == format!("-{name} = {old}"))
                    .unwrap_or_else(|| panic!("no `-{name} = {old}` line in\n{stdout}"));
                assert_eq!(
                    lines[at - 1..=at + 1],
                    [
                        format!(" # {name}: {desired} ({source})").as_str(),
                        &format!("-{name} = {old}"),
                        &format!("+{name} = {new}"),
                    ],
                    "{stdout}"
                );
            }
            assert!(stdout.contains("--- before: live kernel"), "{stdout}");
        };

        let (stdout, changed, failed) =
            play_text(&scratch, &playbook, &vars, &["--check", "--diff"]);
        assert_eq!((changed, failed), (1, 0), "{stdout}");
        assert_diff(&stdout);
        assert_eq!(netns::snapshot(), before, "--check --diff wrote nothing");

        let (stdout, changed, failed) = play_text(&scratch, &playbook, &vars, &["--diff"]);
        assert_eq!((changed, failed), (1, 0), "{stdout}");
        assert_diff(&stdout);
        assert_eq!(netns::changed(&before, &netns::snapshot()), expected);

        let (stdout, changed, failed) = play_text(&scratch, &playbook, &vars, &["--diff"]);
        assert_eq!((changed, failed), (0, 0), "{stdout}");
        assert!(
            !stdout.contains("--- before") && !stdout.lines().any(|l| l.starts_with("+net.")),
            "nothing changed, so no diff\n{stdout}"
        );
    });
}

#[test]
fn compile_errors_fail_with_the_diagnostics_in_the_message() {
    suite();
    netns::in_fresh_netns(move || {
        let scratch = Scratch::new();
        let policy = fixture("compile-errors.yaml");
        let vars = module_vars(&scratch, &policy);
        let before = netns::snapshot();
        let file = policy.display().to_string();
        for (flags, verb) in [(&[][..], "applied"), (&["--check"][..], "planned")] {
            let run = play(&scratch, &fixture("module.yml"), &vars, flags);
            assert_eq!(run.failures(), 1, "{flags:?}\n{}", run.text());
            assert!(!run.output.status.success());
            let result = run.task("Apply the policy");
            assert_eq!(result["failed"], true);
            assert_eq!(result["changed"], false);
            assert_eq!(result["outcome"]["stage"], "compile");
            assert_eq!(result["policy"], Value::Null);
            assert_eq!(result["changes"], json!([]));
            let m = msg(result);
            assert!(
                m.starts_with(&format!(
                    "tcppolicy: `{file}` has 2 error(s); nothing was {verb}\n"
                )),
                "{m}"
            );
            assert!(
                m.contains(&format!("{file}:11:12: error[TP306]: `net.ipv4.tcp_syn_retries` is above the kernel's maximum of 127: 128")),
                "{m}"
            );
            assert!(
                m.contains("  help: `net.ipv4.tcp_syn_retries` accepts 1 to 127"),
                "{m}"
            );
            assert!(m.contains(&format!("{file}:14:12: error[TP302]")), "{m}");
            let codes: Vec<(&str, &str)> = result["diagnostics"]
                .as_array()
                .unwrap()
                .iter()
                .map(|d| (d["code"].as_str().unwrap(), d["severity"].as_str().unwrap()))
                .collect();
            assert_eq!(
                codes,
                [("TP702", "note"), ("TP306", "error"), ("TP302", "error")],
                "{flags:?}: every diagnostic, as the report has them"
            );
            assert!(!m.contains("TP702"), "only errors in the message: {m}");
            assert_eq!(netns::snapshot(), before, "{flags:?}: nothing written");
        }
    });
}

#[test]
fn a_value_the_kernel_rejects_fails_and_every_value_is_restored() {
    suite();
    netns::in_fresh_netns(move || {
        let scratch = Scratch::new();
        netns::write("net.ipv4.ip_unprivileged_port_start", "2000").unwrap();
        let policy = fixture("rejected-port-range.yaml");
        let before = netns::snapshot();
        let run = play(
            &scratch,
            &fixture("module.yml"),
            &module_vars(&scratch, &policy),
            &[],
        );
        assert_eq!(run.failures(), 1, "{}", run.text());
        let result = run.task("Apply the policy");
        let m = msg(result);
        assert!(
            m.contains("failed at `net.ipv4.ip_local_port_range`")
                && m.contains("the kernel rejected `net.ipv4.ip_local_port_range = 1500 60999`"),
            "the message says what failed: {m}"
        );
        assert!(
            m.contains("rolled back (restored ")
                && m.contains("every value is back to what it was"),
            "the message reports the rollback: {m}"
        );
        let outcome = &result["outcome"];
        assert_eq!(outcome["status"], "failed");
        assert_eq!(outcome["failed"], "net.ipv4.ip_local_port_range");
        assert!(
            outcome["restored"].as_array().unwrap().len() >= 2,
            "earlier writes were restored: {outcome:#}"
        );
        assert_eq!(outcome["rollback_failures"], json!([]));
        assert_eq!(result["changed"], false, "rolled back: nothing changed");
        assert_eq!(result["changes"], json!([]), "no value stayed applied");
        let results: Vec<&Value> = result["entries"]
            .as_array()
            .unwrap()
            .iter()
            .map(|e| &e["result"])
            .collect();
        assert!(
            results.iter().all(|r| *r == "rolled_back"),
            "every entry written was rolled back: {results:?}"
        );
        assert_eq!(
            netns::changed(&before, &netns::snapshot()),
            BTreeMap::new(),
            "every value is as it was"
        );
    });
}

/// In a child namespace the kernel refuses (EPERM) a congestion control that is available
/// but not in `tcp_allowed_congestion_control`: tcppolicy refuses it when it plans, before
/// any write, and the task fails with its message, in check mode and in apply mode.
#[test]
fn a_congestion_control_outside_the_allowed_list_is_refused_before_any_write() {
    suite();
    netns::in_fresh_netns(move || {
        let scratch = Scratch::new();
        let available = netns::read("net.ipv4.tcp_available_congestion_control").unwrap();
        let allowed = netns::read("net.ipv4.tcp_allowed_congestion_control").unwrap();
        let refused = available
            .split_whitespace()
            .find(|cc| !allowed.split_whitespace().any(|a| a == *cc))
            .unwrap_or_else(|| {
                panic!(
                    "every available congestion control ({available}) is allowed ({allowed}) \
                     in a child namespace, so none is refused: load another one \
                     (modprobe tcp_cubic or tcp_bbr) or remove one from \
                     net.ipv4.tcp_allowed_congestion_control on the host"
                )
            })
            .to_string();
        let policy = scratch.join("refused-cc.yaml");
        std::fs::write(
            &policy,
            format!(
                "tcppolicy: 1\nname: refused-cc\ncontainer: true\nsettings:\n  \
                 net.ipv4.tcp_syn_retries:\n    value: 3\n    rationale: Written first.\n  \
                 net.ipv4.tcp_keepalive_intvl:\n    value: 15s\n    rationale: Written first.\n  \
                 net.ipv4.tcp_congestion_control:\n    value: {refused}\n    rationale: \
                 Available but not allowed in a child namespace.\n"
            ),
        )
        .unwrap();
        let before = netns::snapshot();
        let expected = format!(
            "tcppolicy: `net.ipv4.tcp_congestion_control` cannot be set to `{refused}` in this \
             network namespace: a child namespace may only choose what \
             `net.ipv4.tcp_allowed_congestion_control` lists, and it is `{allowed}` (set from \
             the initial namespace)"
        );
        for (flags, command) in [(&["--check"][..], "plan"), (&[][..], "apply")] {
            let run = play(
                &scratch,
                &fixture("module.yml"),
                &module_vars(&scratch, &policy),
                flags,
            );
            assert_eq!(run.failures(), 1, "{}", run.text());
            let result = run.task("Apply the policy");
            assert_eq!(msg(result), expected, "{command}");
            assert_eq!(result["command"], command);
            assert_eq!(
                result["outcome"],
                json!({"status": "refused", "stage": "preflight", "error": expected
                    .strip_prefix("tcppolicy: ").unwrap(), "failed": null, "restored": [],
                    "rollback_failures": [], "signal": null})
            );
            assert_eq!(
                (&result["changed"], &result["changes"]),
                (&json!(false), &json!([]))
            );
            assert_eq!(netns::snapshot(), before, "{command}: nothing was written");
        }
    });
}

#[test]
fn errors_before_any_write_fail_with_tcppolicys_message() {
    suite();
    netns::in_fresh_netns(move || {
        let scratch = Scratch::new();
        let before = netns::snapshot();

        // The running kernel is outside the policy's range: apply stops at preflight.
        let policy = fixture("kernel-out-of-range.yaml");
        let vars = module_vars(&scratch, &policy);
        let run = play(&scratch, &fixture("module.yml"), &vars, &[]);
        assert_eq!(run.failures(), 1, "{}", run.text());
        let result = run.task("Apply the policy");
        assert_eq!(result["outcome"]["stage"], "kernel");
        assert_eq!(result["policy"], "kernel-out-of-range");
        let release = rustix::system::uname()
            .release()
            .to_string_lossy()
            .into_owned();
        assert_eq!(
            msg(result),
            format!(
                "tcppolicy: the running kernel {release} is outside the policy's kernel range \
                 >=99.0"
            )
        );
        let run = play(&scratch, &fixture("module.yml"), &vars, &["--check"]);
        assert_eq!(run.failures(), 1, "{}", run.text());
        let m = msg(run.task("Apply the policy"));
        assert!(
            m.contains("is outside the policy's kernel range >=99.0"),
            "check mode fails too: {m}"
        );

        // Another apply holds the lock.
        let lock_path = scratch.join("apply.lock");
        let lock = std::fs::File::create(&lock_path).unwrap();
        lock.try_lock().expect("take the apply lock");
        let mut vars = module_vars(
            &scratch,
            &repo().join("tests/fixtures/live/twenty-four.yaml"),
        );
        vars["lock_timeout"] = json!(0);
        let run = play(&scratch, &fixture("module.yml"), &vars, &[]);
        drop(lock);
        assert_eq!(run.failures(), 1, "{}", run.text());
        let result = run.task("Apply the policy");
        assert_eq!(result["outcome"]["stage"], "lock");
        let m = msg(result);
        assert!(
            m.starts_with(&format!(
                "tcppolicy: another tcppolicy apply holds the apply lock of this network \
                 namespace ({}); gave up after ",
                lock_path.display()
            )),
            "{m}"
        );
        assert_eq!(netns::snapshot(), before, "nothing was written");
    });
}

#[test]
fn the_module_refuses_options_that_do_not_fit_with_a_clear_message() {
    suite();
    netns::in_fresh_netns(move || {
        let scratch = Scratch::new();
        let policy = repo().join("tests/fixtures/live/twenty-four.yaml");
        let mut vars = module_vars(&scratch, &policy);
        vars["root"] = json!(scratch.join("image"));
        // A binary of another version, printing the report format before version 2.
        let old = scratch.join("tcppolicy-old");
        std::fs::write(&old, "#!/bin/sh\necho '{\"format\": 1, \"ok\": true}'\n").unwrap();
        std::fs::set_permissions(&old, std::fs::Permissions::from_mode(0o755)).unwrap();
        vars["old_binary"] = json!(old);
        let before = netns::snapshot();
        let run = play(&scratch, &fixture("bad-options.yml"), &vars, &[]);
        assert_eq!(run.stat("ignored"), 7, "{}", run.text());
        let cases = [
            (
                "A drop-in path for the live target",
                "`path` only applies to target=sysctl.d",
            ),
            ("A relative drop-in path", "`path` must be absolute"),
            (
                "A binary that is not there",
                "cannot find `tcppolicy-not-installed-anywhere`",
            ),
            (
                "A policy file that is not there",
                "cannot read `/nonexistent/policy.yaml`",
            ),
            (
                "A network namespace for the drop-in target",
                "`netns` only applies to target=live",
            ),
            (
                "A network namespace that does not exist",
                "tcppolicy: cannot open the network namespace \
                 `/run/netns/tcppolicy-test-no-such-namespace`: No such file or directory",
            ),
            (
                "A tcppolicy that prints reports of another format",
                "prints reports of format version 1; this collection reads version 2",
            ),
        ];
        for (task, expected) in cases {
            let m = msg(run.task(task));
            assert!(
                m.contains(expected),
                "{task}: {m:?} should say {expected:?}"
            );
        }
        assert_eq!(netns::snapshot(), before);
        assert!(!scratch.join("image").exists());
    });
}

// ---------------------------------------------------------------------------------------
// The drop-in target.

/// For `render_dropin.yml`: the example policies copied to `<scratch>/policies` (for the
/// test to edit), an (empty) image root `<scratch>/image` whose `etc/tcppolicy` gets them,
/// and the role's variables. Returns (policies, image, variables).
fn image_role(scratch: &Scratch) -> (PathBuf, PathBuf, Value) {
    let sources = scratch.join("policies");
    std::fs::create_dir_all(&sources).unwrap();
    for f in ["base.yaml", "web-frontend.yaml"] {
        std::fs::copy(repo().join("examples").join(f), sources.join(f)).unwrap();
    }
    // An image root exists (the image is mounted there) before anything is rendered into it.
    let image = scratch.join("image");
    std::fs::create_dir_all(&image).unwrap();
    let mut vars = role_vars(scratch);
    vars["image_root"] = json!(image);
    // The playbook puts the policies into the image (`<image_root>/etc/tcppolicy`).
    vars.as_object_mut().unwrap().remove("tcppolicy_policy_dir");
    vars["tcppolicy_policy_files"] =
        json!([sources.join("base.yaml"), sources.join("web-frontend.yaml")]);
    (sources, image, vars)
}

/// The `sysctl.d` target through the role: check mode on a new host (binary and policies
/// staged) predicts the drop-in byte for byte, apply writes exactly that once, and after
/// an edit the check-mode diff shows only that key's line and the digest. The drop-in
/// names its sources relative to the policy's directory, so staging changes nothing in it.
#[test]
fn the_dropin_target_writes_what_check_mode_predicts_once_and_diffs_it_per_key() {
    suite();
    netns::in_fresh_netns(move || {
        let scratch = Scratch::new();
        // Policies on the controller that the test can edit.
        let (sources, image, vars) = image_role(&scratch);
        let playbook = example_playbook("render_dropin.yml");
        let dropin = image.join("etc/sysctl.d/90-tcppolicy-web-frontend.conf");
        let task = "Run tcppolicy on the managed host";
        let staged = |run: &Play| {
            run.task("Create a staging directory for the plan (check mode)")["path"]
                .as_str()
                .is_some()
        };
        let kernel = netns::snapshot();

        let check = play(&scratch, &playbook, &vars, &["--check", "--diff"]);
        check.assert_ok();
        assert!(staged(&check), "the policies were staged");
        assert!(!dropin.exists(), "check mode wrote no drop-in");
        let predicted = check.task(task)["diff"]["after"]
            .as_str()
            .unwrap_or_else(|| panic!("no diff in check mode\n{}", check.text()))
            .to_string();
        assert!(
            predicted
                .lines()
                .any(|l| l == "net.ipv4.tcp_synack_retries = 3"),
            "the diff shows the drop-in's new lines\n{predicted}"
        );

        let run = play(&scratch, &playbook, &vars, &[]);
        run.assert_ok();
        let result = run.task(task);
        assert_eq!(result["changed"], true);
        assert_eq!(result["file"]["action"], "created");
        assert_eq!(
            result["file"]["path"],
            "/etc/sysctl.d/90-tcppolicy-web-frontend.conf"
        );
        assert_eq!(mode(&dropin), 0o644);
        let written = std::fs::read_to_string(&dropin).unwrap();
        assert_eq!(
            written, predicted,
            "check mode predicted the file byte for byte"
        );
        assert_eq!(
            written,
            emit_dropin(&image.join("etc/tcppolicy/web-frontend.yaml")),
            "the drop-in is what `tcppolicy emit sysctl.d` renders"
        );
        assert!(
            written.contains("\n# source: web-frontend.yaml\n# source: base.yaml\n")
                && written.contains("\n# source: base.yaml:10\n"),
            "sources are named relative to the policy's directory\n{written}"
        );
        let returned: BTreeMap<String, String> = returned_changes(result)
            .into_iter()
            .map(|(k, (_, after))| (k, after))
            .collect();
        assert!(returned.len() >= 10, "{result:#}");
        assert_eq!(returned["net.ipv4.tcp_synack_retries"], "3");

        let again = play(&scratch, &playbook, &vars, &[]);
        again.assert_ok();
        assert_eq!(again.changed(), 0, "{}", again.text());
        assert_eq!(again.task(task)["file"]["action"], "unchanged");

        // The installed policy, planned from another directory by a relative path, and by
        // its absolute path: the drop-in is unchanged either way.
        let installed = image.join("etc/tcppolicy");
        for (dir, policy) in [
            (
                image.clone(),
                PathBuf::from("etc/tcppolicy/web-frontend.yaml"),
            ),
            (
                scratch.path().to_path_buf(),
                installed.join("web-frontend.yaml"),
            ),
        ] {
            let out = Command::new(bin())
                .current_dir(&dir)
                .args(["plan", "--format", "json", "--target", "sysctl.d", "--root"])
                .arg(&image)
                .arg(&policy)
                .output()
                .unwrap();
            assert_eq!(out.status.code(), Some(0), "{}", describe(&out));
            let doc: Value = serde_json::from_slice(&out.stdout).unwrap();
            assert_eq!(doc["file"]["action"], "unchanged", "{}", policy.display());
        }

        // Edit one value on the controller: check mode stages the new policy, and its diff
        // shows that key's line and the digest, nothing else.
        let web = sources.join("web-frontend.yaml");
        let text = std::fs::read_to_string(&web).unwrap();
        let edited = text.replacen(
            "  net.ipv4.tcp_synack_retries:\n    value: 3",
            "  net.ipv4.tcp_synack_retries:\n    value: 4",
            1,
        );
        assert_ne!(edited, text);
        std::fs::write(&web, edited).unwrap();
        let check = play(&scratch, &playbook, &vars, &["--check", "--diff"]);
        check.assert_ok();
        assert!(staged(&check), "the edited policy was staged");
        let diff = &check.task(task)["diff"];
        let (before, after) = (
            diff["before"].as_str().unwrap(),
            diff["after"].as_str().unwrap(),
        );
        assert_eq!(before, written);
        let removed = lines_missing(before, after);
        let added = lines_missing(after, before);
        assert_eq!(removed.len(), 2, "{removed:#?}");
        assert_eq!(added.len(), 2, "{added:#?}");
        assert!(
            removed[0].starts_with("# digest: sha256:")
                && added[0].starts_with("# digest: sha256:")
        );
        assert_eq!(removed[1], "net.ipv4.tcp_synack_retries = 3");
        assert_eq!(added[1], "net.ipv4.tcp_synack_retries = 4");
        let predicted = after.to_string();

        // Applied with --diff: what a person sees is the key's old and new line.
        let (stdout, changed, failed) = play_text(&scratch, &playbook, &vars, &["--diff"]);
        assert_eq!(failed, 0, "{stdout}");
        assert!(
            changed >= 2,
            "the policy copy and the drop-in changed\n{stdout}"
        );
        assert!(
            stdout
                .lines()
                .any(|l| l == "-net.ipv4.tcp_synack_retries = 3")
                && stdout
                    .lines()
                    .any(|l| l == "+net.ipv4.tcp_synack_retries = 4"),
            "{stdout}"
        );
        assert_eq!(std::fs::read_to_string(&dropin).unwrap(), predicted);
        assert_eq!(
            netns::snapshot(),
            kernel,
            "the drop-in target never touches the kernel"
        );
    });
}

/// Lines of `a` that `b` lacks (as a multiset), in order.
fn lines_missing(a: &str, b: &str) -> Vec<String> {
    let mut rest: Vec<&str> = b.lines().collect();
    a.lines()
        .filter(|l| match rest.iter().position(|r| r == l) {
            Some(i) => {
                rest.remove(i);
                false
            }
            None => true,
        })
        .map(str::to_string)
        .collect()
}

// ---------------------------------------------------------------------------------------
// Fleets: several inventory hosts, each in a network namespace of its own, and the
// drift_report callback.

/// A job for the thread that holds a namespace.
type Job = Box<dyn FnOnce() + Send>;

/// A fresh network namespace, held by a thread of this process until the value is
/// dropped; other processes enter it by [`HeldNetns::path`]
/// (`/proc/PID/task/TID/ns/net`), and [`HeldNetns::run`] runs code in it.
struct HeldNetns {
    path: PathBuf,
    jobs: Option<std::sync::mpsc::Sender<Job>>,
    thread: Option<std::thread::JoinHandle<()>>,
}

impl HeldNetns {
    fn new() -> HeldNetns {
        let (jobs, queue) = std::sync::mpsc::channel::<Job>();
        let (path_tx, path_rx) = std::sync::mpsc::channel();
        let thread = std::thread::spawn(move || {
            netns::enter_fresh_netns();
            let tid = rustix::thread::gettid().as_raw_nonzero();
            let path = format!("/proc/{}/task/{tid}/ns/net", std::process::id());
            path_tx.send(PathBuf::from(path)).unwrap();
            for job in queue {
                job();
            }
        });
        let path = path_rx.recv().expect("the namespace's thread started");
        HeldNetns {
            path,
            jobs: Some(jobs),
            thread: Some(thread),
        }
    }

    /// Run `f` on the namespace's thread; its panic is this thread's.
    fn run<T: Send + 'static>(&self, f: impl FnOnce() -> T + Send + 'static) -> T {
        let (tx, rx) = std::sync::mpsc::channel();
        let job: Job = Box::new(move || {
            let _ = tx.send(std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)));
        });
        self.jobs.as_ref().unwrap().send(job).unwrap();
        match rx.recv().expect("the namespace's thread ran the job") {
            Ok(v) => v,
            Err(panic) => std::panic::resume_unwind(panic),
        }
    }
}

impl Drop for HeldNetns {
    /// The thread ends, and the namespace with it.
    fn drop(&mut self) {
        drop(self.jobs.take());
        if let Some(thread) = self.thread.take() {
            let _ = thread.join();
        }
    }
}

/// The Markdown report rendered by markdown-it (CommonMark and GFM tables, raw HTML on as
/// on GitHub): every HTML tag it produced, and each table as rows of cell texts.
/// markdown-it-py is in the venv, pinned in scripts/requirements-test.txt (it comes with
/// ansible-lint, through rich).
fn render_markdown(python: &Path, markdown: &Path) -> Value {
    let out = Command::new(python)
        .args([
            "-c",
            r#"
import html.parser, json, sys
from markdown_it import MarkdownIt
page = MarkdownIt("commonmark").enable("table").render(open(sys.argv[1], encoding="utf-8").read())
class P(html.parser.HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags, self.tables, self.cell = set(), [], None
    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        if tag == "table": self.tables.append([])
        elif tag == "tr": self.tables[-1].append([])
        elif tag in ("td", "th"): self.cell = ""
        elif tag == "br" and self.cell is not None: self.cell += "\n"
    def handle_endtag(self, tag):
        if tag in ("td", "th"):
            self.tables[-1][-1].append(self.cell)
            self.cell = None
    def handle_data(self, data):
        if self.cell is not None: self.cell += data
p = P()
p.feed(page)
print(json.dumps({"tags": sorted(p.tags), "tables": p.tables}))
"#,
        ])
        .arg(markdown)
        .output()
        .unwrap();
    assert!(out.status.success(), "markdown-it\n{}", describe(&out));
    serde_json::from_slice(&out.stdout).unwrap()
}

/// Four inventory hosts: three in network namespaces of their own, each with another
/// drift from two policies, and one whose namespace is gone. One playbook run in check
/// mode, then one that applies; the drift_report callback (enabled in ansible.cfg) names
/// exactly the drifted keys of each host, with what the policy wants, what the host had
/// and the rationale, at the end of the output and in its JSON and Markdown files. The
/// facts keep both policies per host.
#[test]
fn the_drift_report_names_exactly_the_drifted_keys_of_each_host() {
    let s = suite();
    let python = s.venv.join("bin/python");
    netns::in_fresh_netns(move || {
        let scratch = Scratch::new();
        let (web, extra) = (fixture("fleet-web.yaml"), fixture("fleet-extra.yaml"));
        // Everywhere the policies' values, then a drift of its own on each host (web1 and
        // web2 share one key): web3's somaxconn above the floor is no drift.
        let in_policy = [
            ("net.ipv4.tcp_syn_retries", "3"),
            ("net.ipv4.tcp_keepalive_time", "120"),
            ("net.core.somaxconn", "8192"),
            ("net.ipv4.tcp_fin_timeout", "30"),
        ];
        let drift: [(&str, &[(&str, &str)]); 3] = [
            (
                "web1",
                &[
                    ("net.ipv4.tcp_syn_retries", "6"),
                    ("net.ipv4.tcp_keepalive_time", "300"),
                ],
            ),
            (
                "web2",
                &[
                    ("net.ipv4.tcp_keepalive_time", "7200"),
                    ("net.core.somaxconn", "1024"),
                ],
            ),
            (
                "web3",
                &[
                    ("net.ipv4.tcp_fin_timeout", "60"),
                    ("net.core.somaxconn", "65535"),
                ],
            ),
        ];
        let hosts: Vec<(&str, HeldNetns)> = drift
            .iter()
            .map(|(host, changes)| {
                let ns = HeldNetns::new();
                let values: Vec<(String, String)> = in_policy
                    .iter()
                    .chain(changes.iter())
                    .map(|(k, v)| (k.to_string(), v.to_string()))
                    .collect();
                ns.run(move || {
                    for (k, v) in values {
                        netns::write(&k, &v).unwrap();
                    }
                });
                (*host, ns)
            })
            .collect();
        // (policy, key, host, observed) in the report's order (by policy, then key), and
        // per host and policy the drifted keys.
        let web_name = "fleet-web";
        let expected_drift: Vec<(&str, &str, &str, &str)> = vec![
            ("fleet-extra", "net.ipv4.tcp_fin_timeout", "web3", "60"),
            (web_name, "net.core.somaxconn", "web2", "1024"),
            (web_name, "net.ipv4.tcp_keepalive_time", "web1", "300"),
            (web_name, "net.ipv4.tcp_keepalive_time", "web2", "7200"),
            (web_name, "net.ipv4.tcp_syn_retries", "web1", "6"),
        ];
        let drifted = |host: &str, policy: &str| -> Vec<&str> {
            let order = [
                "net.ipv4.tcp_syn_retries",
                "net.ipv4.tcp_keepalive_time",
                "net.core.somaxconn",
                "net.ipv4.tcp_fin_timeout",
            ];
            order
                .into_iter()
                .filter(|k| {
                    expected_drift
                        .iter()
                        .any(|(p, key, h, _)| (*p, *key, *h) == (policy, *k, host))
                })
                .collect()
        };
        let plans: BTreeMap<&str, Value> = [(web_name, &web), ("fleet-extra", &extra)]
            .into_iter()
            .map(|(name, path)| (name, plan_json(path, &[])))
            .collect();
        let entry = |policy: &str, key: &str| -> Value {
            plans[policy]["entries"]
                .as_array()
                .unwrap()
                .iter()
                .find(|e| e["name"] == key)
                .unwrap()
                .clone()
        };

        let mut inventory = json!({
            "all": {
                "vars": {
                    "ansible_connection": "local",
                    "ansible_python_interpreter": s.venv.join("bin/python"),
                    "ansible_become": false,
                },
                "hosts": {"web4": {"tcppolicy_netns": "tcppolicy-test-gone"}},
            }
        });
        for (host, ns) in &hosts {
            inventory["all"]["hosts"][*host] = json!({ "tcppolicy_netns": ns.path });
        }
        let inventory_file = scratch.join("inventory.yml");
        std::fs::write(&inventory_file, inventory.to_string()).unwrap();
        let reports = scratch.join("reports");
        std::fs::create_dir_all(&reports).unwrap();
        let facts_dir = scratch.join("facts");
        std::fs::create_dir_all(&facts_dir).unwrap();
        // The JSON path from ansible.cfg, the Markdown path from the environment.
        std::fs::write(
            scratch.join("ansible.cfg"),
            format!(
                "[defaults]\ncallbacks_enabled = tcppolicy.tcppolicy.drift_report\n\n\
                 [tcppolicy_drift_report]\njson_path = {}\n",
                reports.join("drift.json").display()
            ),
        )
        .unwrap();
        let vars = vars_file(
            &scratch,
            &json!({
                "web_policy": web, "extra_policy": extra, "binary": s.binary,
                "facts_dir": facts_dir,
            }),
        );
        let run = |flags: &[&str]| -> Output {
            let out = tool(
                "ansible-playbook",
                &scratch,
                Some("ansible.builtin.default"),
            )
            .env("TCPPOLICY_DRIFT_MARKDOWN", reports.join("drift.md"))
            .arg("-i")
            .arg(&inventory_file)
            .arg("-e")
            .arg(format!("@{}", vars.display()))
            .args(flags)
            .arg(fixture("fleet.yml"))
            .output()
            .expect("ansible-playbook runs");
            assert_eq!(
                out.status.code(),
                Some(2),
                "web4 fails, the others do not\n{}",
                describe(&out)
            );
            for host in ["web1", "web2", "web3"] {
                assert_eq!(recap(&out, host), (1, 0), "{host}\n{}", describe(&out));
            }
            assert_eq!(recap(&out, "web4").1, 1);
            out
        };
        let snapshots = || -> Vec<BTreeMap<String, String>> {
            hosts
                .iter()
                .map(|(_, ns)| ns.run(netns::snapshot))
                .collect()
        };
        let before = snapshots();

        for (flags, result) in [(&["--check"][..], "pending"), (&[][..], "corrected")] {
            let out = run(flags);
            let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
            if result == "pending" {
                assert_eq!(snapshots(), before, "check mode wrote nothing");
            }

            // The JSON file.
            let doc: Value =
                serde_json::from_slice(&std::fs::read(reports.join("drift.json")).unwrap())
                    .unwrap();
            assert_eq!(doc["format_version"], 2);
            assert_eq!(doc["playbook"], "fleet.yml");
            assert_eq!(
                doc["summary"],
                json!({"hosts": 4, "drifted": ["web1", "web2", "web3"], "in_sync": [],
                       "failed": ["web4"], "unreachable": [], "keys": 4}),
                "{flags:?}"
            );
            let rows: Vec<(&str, &str, &str, &str)> = doc["drift"]
                .as_array()
                .unwrap()
                .iter()
                .flat_map(|g| {
                    let e = entry(g["policy"].as_str().unwrap(), g["key"].as_str().unwrap());
                    for field in ["desired", "rationale"] {
                        assert_eq!(g[field], e[field], "{field} of {g:#}");
                    }
                    assert_eq!(g["source"], relative(&e["source"], &web), "{g:#}");
                    assert_eq!(g["target"], "live");
                    g["hosts"].as_array().unwrap().iter().map(move |h| {
                        assert_eq!(h["result"], result, "{flags:?}");
                        assert_eq!(h["after"], e["after"]);
                        (
                            g["policy"].as_str().unwrap(),
                            g["key"].as_str().unwrap(),
                            h["host"].as_str().unwrap(),
                            h["observed"].as_str().unwrap(),
                        )
                    })
                })
                .collect();
            assert_eq!(
                rows, expected_drift,
                "exactly the drifted keys of each host"
            );
            let reason = entry(web_name, "net.core.netdev_max_backlog")["reason"].clone();
            assert!(reason.as_str().is_some_and(|r| !r.is_empty()));
            for (host, _) in &hosts {
                for policy in [web_name, "fleet-extra"] {
                    let run = &doc["hosts"][*host]["policies"][policy]["live"];
                    assert_eq!(
                        run["drifted"],
                        json!(drifted(host, policy)),
                        "{host} {policy}"
                    );
                    assert_eq!(run["error"], Value::Null);
                }
                assert_eq!(
                    doc["hosts"][*host]["policies"][web_name]["live"]["not_applicable"],
                    json!({"net.core.netdev_max_backlog": reason})
                );
            }
            let failed =
                doc["hosts"]["web4"]["policies"][web.display().to_string()]["live"]["error"]
                    .as_str()
                    .unwrap_or_else(|| panic!("web4 failed: {doc:#}"))
                    .to_string();
            assert!(
                failed.starts_with(
                    "tcppolicy: cannot open the network namespace \
                     `/run/netns/tcppolicy-test-gone`: No such file or directory"
                ),
                "{failed}"
            );

            // At the end of the output, for people.
            let report: Vec<&str> = stdout
                .lines()
                .skip_while(|l| !l.starts_with("TCPPOLICY DRIFT REPORT"))
                .skip(1)
                .collect();
            let mut expected = vec![
                "4 host(s): 3 with drift, 0 in sync, 1 failed, 0 unreachable; 4 key(s) drifted"
                    .to_string(),
            ];
            let mut heading = "";
            for (i, (policy, key, host, observed)) in expected_drift.iter().enumerate() {
                let e = entry(policy, key);
                if heading != *policy {
                    heading = policy;
                    expected.push(String::new());
                    expected.push(format!("policy `{policy}` on live:"));
                }
                let first = i == 0 || expected_drift[i - 1].1 != *key;
                let last = expected_drift.get(i + 1).is_none_or(|next| next.1 != *key);
                if first {
                    expected.push(format!(
                        "  {key}: desired {} ({})",
                        e["desired"].as_str().unwrap(),
                        relative(&e["source"], &web)
                    ));
                }
                expected.push(format!("    {host}: {observed} ({result})"));
                if last {
                    expected.push(format!("    why: {}", e["rationale"].as_str().unwrap()));
                }
            }
            expected.push(format!(
                "failed: web4, policy `{}` on live: {failed}",
                web.display()
            ));
            expected.push(format!(
                "written: {}, {}",
                reports.join("drift.json").display(),
                reports.join("drift.md").display()
            ));
            expected.push(String::new());
            assert_eq!(report, expected, "{stdout}");

            // The Markdown file: the rationale's `|`, backticks and HTML stay text in the
            // rendered page, in the one cell they belong to.
            let page = render_markdown(&python, &reports.join("drift.md"));
            let tags: Vec<&str> = page["tags"]
                .as_array()
                .unwrap()
                .iter()
                .map(|t| t.as_str().unwrap())
                .collect();
            assert_eq!(
                tags,
                [
                    "br", "h1", "h2", "p", "table", "tbody", "td", "th", "thead", "tr"
                ],
                "no other HTML than the report's own"
            );
            let tables = page["tables"].as_array().unwrap();
            let cells = |t: usize| -> Vec<Vec<String>> {
                serde_json::from_value(tables[t].clone()).unwrap()
            };
            // One row per key; its hosts one per line (`<br>`).
            let header = ["key", "desired", "hosts: observed (result)", "rationale"];
            let mut by_policy: Vec<Vec<Vec<String>>> = Vec::new();
            for policy in ["fleet-extra", web_name] {
                let mut table: Vec<Vec<String>> =
                    vec![header.iter().map(|h| h.to_string()).collect()];
                for (p, key, host, observed) in &expected_drift {
                    if *p != policy {
                        continue;
                    }
                    let seen = format!("{host}: {observed} ({result})");
                    match table.last_mut() {
                        Some(row) if row[0] == *key => row[2] = format!("{}\n{seen}", row[2]),
                        _ => {
                            let e = entry(p, key);
                            table.push(vec![
                                key.to_string(),
                                e["desired"].as_str().unwrap().to_string(),
                                seen,
                                format!(
                                    "{} ({})",
                                    e["rationale"].as_str().unwrap(),
                                    relative(&e["source"], &web)
                                ),
                            ]);
                        }
                    }
                }
                by_policy.push(table);
            }
            assert_eq!(tables.len(), 3, "{page:#}");
            assert_eq!(cells(0), by_policy[0]);
            assert_eq!(cells(1), by_policy[1]);
            let host_rows: Vec<Vec<String>> = cells(2);
            assert_eq!(host_rows.len(), 1 + 3 * 2 + 1, "{host_rows:#?}");

            // The facts each host ends with: both policies, keyed by the namespace.
            for (host, ns) in &hosts {
                let facts: Value = serde_json::from_slice(
                    &std::fs::read(facts_dir.join(format!("{host}.json"))).unwrap(),
                )
                .unwrap();
                let key = format!("live@{}", ns.path.display());
                for policy in [web_name, "fleet-extra"] {
                    let f = &facts["policies"][policy][&key];
                    assert_eq!(
                        f["drifted"],
                        json!(drifted(host, policy)),
                        "{host} {policy}"
                    );
                    assert_eq!(
                        f["in_sync"],
                        json!(drifted(host, policy).is_empty() || result == "corrected"),
                        "{host} {policy}"
                    );
                }
            }

            // The compiler's warning, with its help, is an Ansible warning.
            let all = format!("{stdout}{}", String::from_utf8_lossy(&out.stderr));
            assert!(
                all.contains("warning[TP404]: `net.ipv4.tcp_fack` has no effect since Linux 4.15")
                    && all.contains("  help: remove the setting"),
                "{all}"
            );
        }

        // The apply changed exactly the drifted keys, to the policies' values.
        let after = snapshots();
        for (((host, changes), before), after) in drift.iter().zip(&before).zip(&after) {
            let expected: BTreeMap<String, (String, String)> = changes
                .iter()
                .filter(|(k, v)| !(*k == "net.core.somaxconn" && *v == "65535"))
                .map(|(k, v)| {
                    let want = in_policy.iter().find(|(n, _)| n == k).unwrap().1;
                    (k.to_string(), (v.to_string(), want.to_string()))
                })
                .collect();
            assert_eq!(netns::changed(before, after), expected, "{host}");
        }
        drop(hosts);
    });
}

// ---------------------------------------------------------------------------------------
// `tcppolicy emit ansible` with the real ansible.posix.sysctl.

/// Emit `policy` as a tasks file persisting to `<scratch>/sysctl.d/x.conf`.
fn emit(scratch: &Scratch, policy: &Path) -> (PathBuf, PathBuf) {
    let tasks = scratch.join("tasks.yml");
    let conf = scratch.join("sysctl.d/x.conf");
    std::fs::create_dir_all(conf.parent().unwrap()).unwrap();
    let out = Command::new(bin())
        .args(["emit", "ansible", "--sysctl-file"])
        .arg(&conf)
        .arg(policy)
        .arg("-o")
        .arg(&tasks)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "tcppolicy emit ansible\n{}",
        describe(&out)
    );
    (tasks, conf)
}

/// What emitted tasks write in this namespace, by the plan of the same policy: name →
/// kernel text. An exact value is always written (and persisted); `at_least`/`at_most`
/// only where the plan changes the value; not-applicable parameters never.
fn written_by_emitted_tasks(policy: &Path) -> BTreeMap<String, String> {
    plan_json(policy, &[])["entries"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|e| e["action"] != "not_applicable")
        .filter(|e| {
            let desired = e["desired"].as_str().unwrap_or_default();
            let bounded = desired.starts_with(">=") || desired.starts_with("<=");
            !bounded || e["action"] == "change"
        })
        .map(|e| {
            (
                e["name"].as_str().unwrap().to_string(),
                normalise(e["after"].as_str().unwrap()),
            )
        })
        .collect()
}

/// `key=value` lines of the file `ansible.posix.sysctl` persisted values in.
fn persisted(conf: &Path) -> BTreeMap<String, String> {
    std::fs::read_to_string(conf)
        .unwrap_or_default()
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.trim().to_string(), normalise(v)))
        .collect()
}

/// Run emitted tasks twice in this namespace: the first run changes exactly the planned
/// values, the second reports changed=0; the kernel and the sysctl file hold every value.
fn run_emitted_twice(scratch: &Scratch, tasks: &Path, conf: &Path, policy: &Path) {
    let written = written_by_emitted_tasks(policy);
    let expected_changes = planned_changes(&plan_json(policy, &[]));
    assert!(
        !expected_changes.is_empty(),
        "the policy changes a fresh namespace"
    );
    let before = netns::snapshot();
    let vars = json!({ "tasks_file": tasks });
    let first = play(scratch, &fixture("emitted.yml"), &vars, &[]);
    first.assert_ok();
    assert_eq!(
        first.changed(),
        written.len() as u64,
        "every task that writes reports changed (each also writes the sysctl file)\n{}",
        first.text()
    );
    assert_kernel_has(&written);
    assert_eq!(
        netns::changed(&before, &netns::snapshot()),
        expected_changes,
        "the kernel changed in exactly the planned places, to the planned values"
    );
    assert_eq!(
        persisted(conf),
        written,
        "ansible.posix.sysctl persisted every value it set"
    );

    let applied = netns::snapshot();
    let second = play(scratch, &fixture("emitted.yml"), &vars, &[]);
    second.assert_ok();
    assert_eq!(
        second.changed(),
        0,
        "second run: changed=0\n{}",
        second.text()
    );
    assert_eq!(netns::snapshot(), applied);
}

#[test]
fn emitted_tasks_reproduce_every_value_and_a_second_run_changes_nothing() {
    suite();
    netns::in_fresh_netns(move || {
        let scratch = Scratch::new();
        let policy = repo().join("tests/fixtures/live/twenty-four.yaml");
        let (tasks, conf) = emit(&scratch, &policy);
        assert_eq!(written_by_emitted_tasks(&policy).len(), 24);
        run_emitted_twice(&scratch, &tasks, &conf, &policy);
    });
}

#[test]
fn emitted_tasks_keep_rationale_in_comments_and_every_value_a_string() {
    let s = suite();
    let python = s.venv.join("bin/python");
    netns::in_fresh_netns(move || {
        let scratch = Scratch::new();
        let policy = fixture("yaml-tricky.yaml");
        let (tasks, conf) = emit(&scratch, &policy);
        let written = written_by_emitted_tasks(&policy);

        // Load it with PyYAML (YAML 1.1, what Ansible uses) and print it as JSON.
        let out = Command::new(&python)
            .args([
                "-c",
                "import json, sys, yaml\n\
                 text = open(sys.argv[1], encoding='utf-8').read()\n\
                 comments = [l[2:] if l.startswith('# ') else l[1:] for l in text.splitlines() if l.startswith('#')]\n\
                 print(json.dumps({'tasks': yaml.safe_load(text), 'comments': comments}))",
            ])
            .arg(&tasks)
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "PyYAML loads the tasks file\n{}",
            describe(&out)
        );
        let loaded: Value = serde_json::from_slice(&out.stdout).unwrap();
        let loaded_tasks = loaded["tasks"].as_array().expect("a list of tasks");
        // In a fresh namespace somaxconn (at_least 8192) is below its floor: a guarded task.
        let expected: Vec<Value> = written
            .iter()
            .map(|(name, value)| {
                let path = format!("/proc/sys/{}", name.replace('.', "/"));
                let mut when = vec![format!("'{path}' in __tcppolicy_writable")];
                let task_name = if name == "net.core.somaxconn" {
                    when.push(format!("__tcppolicy_current['{name}'] | int < {value}"));
                    format!("Raise {name} to {value} where it is lower")
                } else {
                    format!("Set {name} = {value}")
                };
                json!({
                    "name": task_name,
                    "ansible.posix.sysctl": {
                        "name": name,
                        "value": value,
                        "sysctl_file": conf,
                        "sysctl_set": true,
                        "reload": false,
                        "state": "present",
                    },
                    "when": when,
                })
            })
            .collect();
        let (mut got, preamble): (Vec<Value>, Vec<Value>) = loaded_tasks
            .iter()
            .cloned()
            .partition(|t| t.get("ansible.posix.sysctl").is_some());
        got.sort_by_key(|t| {
            t["ansible.posix.sysctl"]["name"]
                .as_str()
                .unwrap_or("")
                .to_string()
        });
        assert_eq!(
            Value::Array(got),
            Value::Array(expected),
            "exactly one task per setting, every scalar a string (no YAML 1.1 booleans, octals \
             or sexagesimals), each run only where the parameter is writable"
        );
        let modules: Vec<Vec<&String>> = preamble
            .iter()
            .map(|t| {
                let mut keys: Vec<&String> = t.as_object().unwrap().keys().collect();
                keys.sort();
                keys
            })
            .collect();
        assert_eq!(
            modules,
            [
                vec!["ansible.builtin.find", "name", "register"],
                vec![
                    "ansible.builtin.command",
                    "changed_when",
                    "check_mode",
                    "name",
                    "register"
                ],
                vec!["ansible.builtin.set_fact", "name"],
            ],
            "before the settings: find the writable parameters, read the one at_least \
             compares with"
        );
        assert_eq!(
            preamble[1]["ansible.builtin.command"]["argv"],
            json!(["sysctl", "-e", "net.core.somaxconn"])
        );

        // Every rationale survives in the comments, line by line (control characters
        // escaped, the line breaks of every kind splitting lines).
        let comments = loaded["comments"].as_array().unwrap();
        let comment_text: String = comments
            .iter()
            .map(|c| c.as_str().unwrap())
            .collect::<Vec<_>>()
            .join("\n");
        let flat = comment_text.replace('\n', " ");
        for fragment in [
            "Fail fast: connect() gives up after 19 s # not a comment: key: value",
            "yes, on, no, off, y, n, Yes, ON, true, False: YAML 1.1 booleans all",
            "It's \"reno\" — 'single' and \"double\" quotes, \\backslash\\ and `backticks`.",
            "- name: not a task",
            "  ansible.builtin.shell: rm -rf /",
            "net.ipv4.tcp_sack = 0",
            "'quoted in single' \"and double\" # hash at the start of a word",
        ] {
            assert!(
                comments.iter().any(|c| c == fragment),
                "comment line {fragment:?} missing from\n{comment_text}"
            );
        }
        for fragment in [
            "0755 010 0o17 0x1F 1e3 1_000 12:30:45 ~ null Null .inf .NaN <<: *anchor &a !!python/object:os.system {a: b} [x] %YAML 1.1 @ `",
            "Line breaks: CR LF CRLF NEL LS PS VT FF tab\\u{9}here, a NUL \\u{0} and ESC \\u{1b} [31mred",
        ] {
            assert!(
                flat.contains(fragment),
                "{fragment:?} missing from\n{comment_text}"
            );
        }
        for word in ["on", "0755"] {
            assert!(
                comments.iter().any(|c| c == word),
                "rationale {word:?} kept verbatim"
            );
        }

        run_emitted_twice(&scratch, &tasks, &conf, &policy);
    });
}

#[test]
fn emitted_tasks_set_limits_before_the_values_they_limit() {
    suite();
    netns::in_fresh_netns(move || {
        let scratch = Scratch::new();
        let policy = fixture("limits-last.yaml");
        let (tasks, conf) = emit(&scratch, &policy);
        run_emitted_twice(&scratch, &tasks, &conf, &policy);
    });
}

/// The settings of a run's `ansible.posix.sysctl` tasks (named `Set NAME = …`,
/// `Raise NAME …`, `Lower NAME …`) by status: `changed`, `ok` or `skipped`.
fn sysctl_tasks(run: &Play) -> BTreeMap<String, &'static str> {
    run.tasks()
        .filter(|t| {
            ["Set ", "Raise ", "Lower "]
                .iter()
                .any(|p| t["task"]["name"].as_str().unwrap_or("").starts_with(p))
        })
        .map(|t| {
            let name = t["task"]["name"].as_str().unwrap();
            let param = name.split(' ').nth(1).unwrap().to_string();
            let r = &t["hosts"]["localhost"];
            let status = if r["skipped"] == true {
                "skipped"
            } else if r["changed"] == true {
                "changed"
            } else {
                "ok"
            };
            (param, status)
        })
        .collect()
}

/// `at_least`/`at_most` keep their meaning: a value already beyond the bound is left alone
/// (here `somaxconn`, raised to 65535 before the run, over a floor of 8192), one short of
/// it is moved exactly to the bound, and parameters the namespace does not have or cannot
/// write are skipped. Check mode predicts the run; a second run reports changed=0.
#[test]
fn emitted_tasks_keep_at_least_and_at_most_and_skip_absent_parameters() {
    suite();
    netns::in_fresh_netns(move || {
        let scratch = Scratch::new();
        netns::write("net.core.somaxconn", "65535").unwrap();
        let policy = fixture("bounds.yaml");
        let (tasks, conf) = emit(&scratch, &policy);
        let before = netns::snapshot();
        let int = |name: &str| -> i64 { before[name].parse().unwrap() };
        // What the fixture relies on in a fresh namespace.
        assert!(int("net.ipv4.tcp_synack_retries") < 8);
        assert!(int("net.ipv4.tcp_keepalive_intvl") >= 30);
        assert!(int("net.ipv4.tcp_keepalive_probes") > 5);
        assert!(int("net.ipv4.tcp_fin_timeout") <= 90);
        assert_ne!(before["net.ipv4.tcp_syn_retries"], "4");
        assert!(!netns::exists("net.core.netdev_max_backlog"));
        assert!(!netns::exists("net.core.default_qdisc"));
        assert!(
            netns::write("net.core.rmem_max", &before["net.core.rmem_max"]).is_err(),
            "net.core.rmem_max is read-only in a child namespace"
        );

        let expected_kernel: BTreeMap<String, (String, String)> = [
            ("net.ipv4.tcp_synack_retries", "8"),
            ("net.ipv4.tcp_keepalive_probes", "5"),
            ("net.ipv4.tcp_syn_retries", "4"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), (before[k].clone(), v.to_string())))
        .collect();
        let expected_tasks: BTreeMap<String, &str> = [
            ("net.core.somaxconn", "skipped"),
            ("net.ipv4.tcp_synack_retries", "changed"),
            ("net.ipv4.tcp_keepalive_intvl", "skipped"),
            ("net.ipv4.tcp_keepalive_probes", "changed"),
            ("net.ipv4.tcp_fin_timeout", "skipped"),
            ("net.ipv4.tcp_syn_retries", "changed"),
            ("net.core.netdev_max_backlog", "skipped"),
            ("net.core.default_qdisc", "skipped"),
            ("net.core.rmem_max", "skipped"),
        ]
        .into_iter()
        .map(|(k, v)| (k.to_string(), v))
        .collect();

        let vars = json!({ "tasks_file": tasks });
        let check = play(&scratch, &fixture("emitted.yml"), &vars, &["--check"]);
        check.assert_ok();
        assert_eq!(sysctl_tasks(&check), expected_tasks, "{}", check.text());
        assert_eq!(netns::snapshot(), before, "check mode wrote nothing");
        assert!(!conf.exists(), "check mode persisted nothing");

        let first = play(&scratch, &fixture("emitted.yml"), &vars, &[]);
        first.assert_ok();
        assert_eq!(sysctl_tasks(&first), expected_tasks, "{}", first.text());
        assert_eq!(first.changed(), 3, "{}", first.text());
        assert_eq!(
            netns::changed(&before, &netns::snapshot()),
            expected_kernel,
            "exactly the values short of their bound (and the exact value) changed; \
             somaxconn stays at 65535"
        );
        assert_eq!(
            persisted(&conf),
            expected_kernel
                .iter()
                .map(|(k, (_, v))| (k.clone(), v.clone()))
                .collect(),
            "only what was set is persisted"
        );

        let applied = netns::snapshot();
        let second = play(&scratch, &fixture("emitted.yml"), &vars, &[]);
        second.assert_ok();
        assert_eq!(second.changed(), 0, "{}", second.text());
        assert_eq!(netns::snapshot(), applied);

        // Below the floor again: the next run raises it to the floor, not beyond.
        netns::write("net.core.somaxconn", "1024").unwrap();
        let third = play(&scratch, &fixture("emitted.yml"), &vars, &[]);
        third.assert_ok();
        assert_eq!(third.changed(), 1, "{}", third.text());
        assert_eq!(netns::read("net.core.somaxconn").unwrap(), "8192");
        assert_eq!(persisted(&conf)["net.core.somaxconn"], "8192");
    });
}
