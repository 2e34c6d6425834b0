//! What each command's `--help` says after its options and what its man page says beyond
//! them: a description, examples, the exit status and related pages. One source for both,
//! so the help and the man pages cannot drift apart.
//!
//! Everything here is laid out for 80 columns: prose is wrapped at [`WIDTH`] before clap
//! sees it (clap only breaks lines longer than the terminal, and a broken example cannot
//! be copied), and every example line fits the 71 columns an example keeps inside a man
//! page's indent at 80 columns. `tests/suites/assets.rs` renders both at
//! `COLUMNS=80` and fails on a split line.

use crate::commands::report::wrap;

/// The width prose is wrapped at in `--help` (80 columns, two to spare).
pub const WIDTH: usize = 78;

/// One example: what it does (a comment line) and the command line(s).
#[derive(Debug)]
pub struct Example {
    /// What it does, shown as a `#` comment above the command.
    pub what: &'static str,
    /// The command; several lines for a pipeline continued with `|`.
    pub command: &'static str,
}

/// A part of a description.
#[derive(Debug)]
pub enum Block {
    /// A paragraph, wrapped.
    Text(&'static str),
    /// A definition list: a term and its text, wrapped under itself.
    Terms(&'static [(&'static str, &'static str)]),
}

/// The documentation of one command beyond its options.
#[derive(Debug)]
pub struct Doc {
    /// The command (`plan`), or `""` for `tcppolicy` itself.
    pub name: &'static str,
    /// What a reader needs beyond the one-line summary.
    pub description: &'static [Block],
    /// Examples.
    pub examples: &'static [Example],
    /// Exit statuses and what they mean, in the order worth reading.
    pub exit: &'static [(&'static str, &'static str)],
    /// Related tcppolicy pages besides `tcppolicy(1)` and `tcppolicy-policy(5)`, and
    /// other manual pages (`sysctl.d(5)`).
    pub see_also: &'static [&'static str],
}

/// The exit status of most commands.
const EXIT_DEFAULT: &[(&str, &str)] = &[("0", "success"), ("1", "error"), ("2", "usage")];

/// Every command's documentation; `tcppolicy` itself first.
pub const DOCS: &[Doc] = &[
    Doc {
        name: "",
        description: &[
            Block::Text(
                "tcppolicy manages Linux TCP kernel parameters as code. A policy is a YAML \
                 file that states TCP parameters (`net.ipv4.tcp_*`, the related `net.core.*`, \
                 the local port range) together with the reason for each; \
                 tcppolicy-policy(5) describes the language.",
            ),
            Block::Text(
                "`check` holds policies against what the kernel accepts and reports every \
                 problem with its file, line and column; `explain` describes a parameter or \
                 a diagnostic code. `plan` shows what applying a policy would change, and \
                 `apply` makes the running kernel match it (with read-back and rollback), or \
                 writes it as a sysctl.d drop-in or an Ansible tasks file. `drift` checks \
                 that a host still matches a policy, on the running kernel and for the next \
                 boot. `diff` shows what a change to a policy does, `import` writes a \
                 starter policy from a running kernel or existing files, and `emit` renders \
                 a policy for Ansible, sysctl.d, Kubernetes or systemd.",
            ),
        ],
        examples: &[
            Example {
                what: "check every policy below policies/",
                command: "tcppolicy check policies/",
            },
            Example {
                what: "what applying a policy would change here",
                command: "tcppolicy plan examples/web-frontend.yaml",
            },
            Example {
                what: "apply it to the running kernel",
                command: "sudo tcppolicy apply examples/web-frontend.yaml",
            },
        ],
        exit: &[],
        see_also: &["sysctl.d(5)", "sysctl(8)"],
    },
    Doc {
        name: "check",
        description: &[
            Block::Text(
                "Compiles each policy, with everything it `extends`, against the catalog of \
                 kernel parameters and the rules, and reports every error, warning and note \
                 with its file, line and column. A directory is searched for `.yaml` and \
                 `.yml` files with a top-level `tcppolicy:` key (hidden directories and \
                 `target/` are skipped). A base that several of the policies checked extend \
                 is reported once.",
            ),
            Block::Text(
                "A policy accepts a warning with an `allow` entry and a reason; `tcppolicy \
                 explain CODE` describes each code.",
            ),
        ],
        examples: &[
            Example {
                what: "one policy",
                command: "tcppolicy check examples/web-frontend.yaml",
            },
            Example {
                what: "every policy file below policies/",
                command: "tcppolicy check policies/",
            },
            Example {
                what: "annotations on the lines at fault in GitHub Actions",
                command: "tcppolicy check --format github policies/",
            },
            Example {
                what: "warnings fail the check (the CI recipe and the pre-commit hook)",
                command: "tcppolicy check --deny warnings policies/",
            },
        ],
        exit: &[
            ("0", "clean (warnings allowed)"),
            ("1", "errors, or warnings with --deny warnings"),
            (
                "2",
                "usage or internal failure, e.g. a path that does not exist",
            ),
        ],
        see_also: &["tcppolicy-explain(1)"],
    },
    Doc {
        name: "explain",
        description: &[Block::Text(
            "For a parameter: its type and how the kernel stores it, the bounds the kernel \
             enforces, the values its documentation gives meaning to, its unit, its default, \
             whether each network namespace has its own value, the kernels that have it and \
             where these facts come from; for the SYN retry, keepalive and retransmission \
             parameters also the timeouts they lead to. For a diagnostic code (`TP306`) or \
             its name (`value-above-max`): what it means and how to fix it.",
        )],
        examples: &[
            Example {
                what: "a parameter",
                command: "tcppolicy explain net.ipv4.tcp_syn_retries",
            },
            Example {
                what: "the connect() timeout with 2 SYN retries",
                command: "tcppolicy explain tcp_syn_retries --value 2",
            },
            Example {
                what: "a diagnostic code",
                command: "tcppolicy explain TP507",
            },
            Example {
                what: "every diagnostic code",
                command: "tcppolicy explain --list",
            },
        ],
        exit: &[
            ("0", "explained"),
            ("1", "neither a parameter nor a code"),
            ("2", "usage"),
        ],
        see_also: &["tcppolicy-catalog(1)", "tcppolicy-check(1)"],
    },
    Doc {
        name: "plan",
        description: &[
            Block::Text(
                "Compares the policy with the target and prints one line per setting: `~` to \
                 change (before → after), `=` in sync, `-` not applicable here (a parameter \
                 this kernel or network namespace does not have), each with its rationale \
                 and the line that set it. Nothing is touched.",
            ),
            Block::Terms(&[
                (
                    "live",
                    "the running kernel of this network namespace (the default; `--netns` \
                     for another)",
                ),
                (
                    "sysctl.d",
                    "the drop-in /etc/sysctl.d/90-tcppolicy-NAME.conf, or another path with \
                     `sysctl.d:PATH`, with every file that sets one of its keys and which \
                     one wins at boot",
                ),
                ("ansible:PATH", "an Ansible tasks file"),
            ]),
            Block::Text(
                "`--root DIR` resolves the file targets inside an image tree. `--format json` \
                 prints the versioned report (`format_version`), which `--out FILE` saves \
                 for `apply --plan`.",
            ),
        ],
        examples: &[
            Example {
                what: "against the running kernel",
                command: "tcppolicy plan examples/web-frontend.yaml",
            },
            Example {
                what: "save the plan for `apply --plan`",
                command: "tcppolicy plan --out plan.json examples/web-frontend.yaml",
            },
            Example {
                what: "against the drop-in, with the files that win at boot",
                command: "tcppolicy plan --target sysctl.d examples/web-frontend.yaml",
            },
            Example {
                what: "against the drop-in of an image tree",
                command: "tcppolicy plan --target sysctl.d --root /mnt/image web.yaml",
            },
        ],
        exit: &[
            ("0", "in sync"),
            (
                "2",
                "changes pending (like `terraform plan -detailed-exitcode`)",
            ),
            ("1", "error"),
        ],
        see_also: &["tcppolicy-apply(1)", "sysctl.d(5)"],
    },
    Doc {
        name: "apply",
        description: &[
            Block::Text(
                "Makes the target match the policy. On the running kernel it first checks \
                 that the policy compiles, that the kernel is inside the policy's `kernel` \
                 range and that every parameter to change exists and is writable (a caller \
                 who is not root is told to run as root); then it takes a lock (one per \
                 network namespace), records the values it is about to change in a journal, \
                 writes in dependency order and reads every value back. After any failed \
                 write or read-back it restores every value it wrote.",
            ),
            Block::Text(
                "Interrupted by SIGINT, SIGTERM or SIGHUP, it rolls back and exits with 128 \
                 + the signal number; after SIGKILL or a power cut, `tcppolicy recover` \
                 restores the journal. A drop-in or tasks file is written atomically, only \
                 when its content changes, and never over a file tcppolicy did not write \
                 unless `--force`. `--plan FILE` applies exactly a plan saved by `plan \
                 --out` and refuses it when anything it was made from has changed.",
            ),
        ],
        examples: &[
            Example {
                what: "the running kernel",
                command: "tcppolicy apply examples/web-frontend.yaml",
            },
            Example {
                what: "exactly a saved plan",
                command: "tcppolicy apply --plan plan.json",
            },
            Example {
                what: "the drop-in /etc/sysctl.d/90-tcppolicy-web-frontend.conf",
                command: "tcppolicy apply --target sysctl.d examples/web-frontend.yaml",
            },
            Example {
                what: "the drop-in inside an image tree, not on this host",
                command: "tcppolicy apply --target sysctl.d --root /mnt/image web.yaml",
            },
        ],
        exit: &[
            ("0", "applied, or nothing to do"),
            (
                "1",
                "error; after a failed write every earlier write is rolled back and the \
                 report says so",
            ),
            (
                "128+N",
                "interrupted by signal N (SIGINT 130, SIGTERM 143, SIGHUP 129); every write \
                 rolled back",
            ),
            ("2", "usage"),
        ],
        see_also: &["tcppolicy-plan(1)", "tcppolicy-recover(1)", "sysctl.d(5)"],
    },
    Doc {
        name: "recover",
        description: &[Block::Text(
            "A live apply records the values it is about to change in \
             /run/tcppolicy/netns-ID.journal before its first write and removes the journal \
             when it finishes or has rolled back. If the apply was killed half-way, `plan` \
             and `apply` report it, `apply` refuses to run over it, and `recover` writes \
             every recorded value back, reads it back, and removes the journal.",
        )],
        examples: &[
            Example {
                what: "this network namespace",
                command: "tcppolicy recover",
            },
            Example {
                what: "a container's network namespace",
                command: "tcppolicy recover --netns /proc/4242/ns/net",
            },
        ],
        exit: &[
            ("0", "recovered, or nothing to recover"),
            ("1", "error (the journal is kept)"),
            ("2", "usage"),
        ],
        see_also: &["tcppolicy-apply(1)"],
    },
    Doc {
        name: "drift",
        description: &[
            Block::Text(
                "live: a key drifts when the running kernel does not have the policy's value \
                 (`at_least`/`at_most` respected); a parameter absent or read-only here is \
                 not applicable, not drift.",
            ),
            Block::Text(
                "boot: a key drifts when the policy's drop-in is missing or not tcppolicy's, \
                 is not read at boot, sets another value, or loses to another file with \
                 another value under systemd-sysctl or `sysctl --system`; a drop-in that is \
                 not byte-identical to what the policy renders now is drift of the file.",
            ),
            Block::Text(
                "Nothing is written, except the textfile for node_exporter (replaced \
                 atomically, and only after a check that could be made).",
            ),
        ],
        examples: &[
            Example {
                what: "live and boot, for people",
                command: "tcppolicy drift /etc/tcppolicy/web.yaml",
            },
            Example {
                what: "one JSON document",
                command: "tcppolicy drift --format json web.yaml",
            },
            Example {
                what: "for node_exporter's textfile collector",
                command: "tcppolicy drift --textfile /var/lib/prometheus/node-exporter \\\n  \
                          web.yaml",
            },
            Example {
                what: "the boot layer of an image",
                command: "tcppolicy drift --root /mnt/image web.yaml",
            },
            Example {
                what: "a container's kernel values",
                command: "tcppolicy drift --netns /proc/4242/ns/net container.yaml",
            },
            Example {
                what: "run it every 15 minutes",
                command: "tcppolicy emit systemd -o /etc/systemd/system web.yaml",
            },
        ],
        exit: &[
            ("0", "no drift"),
            ("2", "drift"),
            ("1", "error: the check could not be made"),
        ],
        see_also: &["tcppolicy-apply(1)", "tcppolicy-emit(1)", "sysctl.d(5)"],
    },
    Doc {
        name: "diff",
        description: &[Block::Text(
            "Policies are compared after `extends`, units and defaults are resolved: \
             reformatting, reordering and `10m` instead of `600` are no change, and a change \
             in a base shows in every policy that extends it. Per key: the old and new \
             value, the kernel default, the derived timeouts that change, the rationale, \
             and the diagnostics the change introduces or resolves. `--format markdown` is \
             a pull-request comment; `--format json` a versioned document \
             (`format_version`).",
        )],
        examples: &[
            Example {
                what: "two policy files",
                command: "tcppolicy diff old/web.yaml web.yaml",
            },
            Example {
                what: "two directories, policies paired by path",
                command: "tcppolicy diff old-policies/ policies/",
            },
            Example {
                what: "a policy and its bases as of the previous commit",
                command: "tcppolicy diff --git HEAD~1 policies/web.yaml",
            },
            Example {
                what: "every policy a branch changes, as a pull-request comment",
                command: "tcppolicy diff --git origin/main --format markdown",
            },
        ],
        exit: &[
            ("0", "the effective policies are equal"),
            ("2", "they differ"),
            (
                "1",
                "error, including a policy that does not compile on the new side",
            ),
        ],
        see_also: &["tcppolicy-check(1)", "git(1)"],
    },
    Doc {
        name: "import",
        description: &[
            Block::Text(
                "From the running kernel, only the values that differ from the kernel \
                 default are written (host-sized ones such as `tcp_mem` are left out); \
                 `--all` writes every parameter. Files are read as `sysctl -p` reads them, \
                 later files overriding earlier ones, and each value as the kernel takes it \
                 (`32768 # note` imports 32768); TuneD's `>` and `<` become `at_least` and \
                 `at_most`.",
            ),
            Block::Text(
                "The result passes `tcppolicy check`: every line that did not become a \
                 setting is listed, with why, as a comment at the end and on stderr. With \
                 `--all`, the kernel's own values the compiler would warn about are left \
                 out too, so only a value chosen on the host can fail `--deny warnings`. \
                 Secrets (`tcp_fastopen_key`) are never imported. Each rationale says \
                 where the value came from: replace it with the real reason.",
            ),
        ],
        examples: &[
            Example {
                what: "the values that differ from the kernel defaults",
                command: "tcppolicy import --name web -o web.yaml",
            },
            Example {
                what: "every parameter, to stdout",
                command: "tcppolicy import --all --name snapshot",
            },
            Example {
                what: "existing drop-ins, for a fleet of 5.15 and later kernels",
                command: "tcppolicy import --kernel '>=5.15' /etc/sysctl.d/*.conf",
            },
            Example {
                what: "a TuneD profile",
                command: "tcppolicy import /usr/lib/tuned/network-throughput/tuned.conf",
            },
        ],
        exit: EXIT_DEFAULT,
        see_also: &["tcppolicy-check(1)", "sysctl.d(5)"],
    },
    Doc {
        name: "emit",
        description: &[
            Block::Text(
                "`emit k8s` renders a `container: true` policy as a strategic-merge patch of \
             the pod's securityContext.sysctls (for `kubectl patch` or a kustomization), \
             each sysctl classified as safe or unsafe for that Kubernetes version and node \
             kernel, with the kubelet configuration the unsafe ones need. It fails for a \
             setting a pod cannot have.",
            ),
            Block::Text(
                "`emit systemd` writes tcppolicy-drift-NAME.service, which runs `tcppolicy \
             drift --textfile DIR POLICY` (with `--reapply`, then `apply` to the kernel and \
             the drop-in), and tcppolicy-drift-NAME.timer, which starts it every \
             `--interval` (default 15min). With `-o DIR` both files are written there; \
             without, both are printed, each after a comment line naming its file, as \
             `systemctl cat` shows units.",
            ),
        ],
        examples: &[
            Example {
                what: "an Ansible tasks file",
                command: "tcppolicy emit ansible examples/web-frontend.yaml -o sysctl.yml",
            },
            Example {
                what: "the drop-in, to stdout",
                command: "tcppolicy emit sysctl.d examples/web-frontend.yaml",
            },
            Example {
                what: "a pod's sysctls for Kubernetes 1.32",
                command: "tcppolicy emit k8s --k8s-version 1.32 examples/container.yaml",
            },
            Example {
                what: "units that check for drift every 15 minutes",
                command: "tcppolicy emit systemd /etc/tcppolicy/web.yaml -o /etc/systemd/system",
            },
            Example {
                what: "the same, putting drift back every hour, to stdout",
                command: "tcppolicy emit systemd --reapply --interval 1h web.yaml",
            },
        ],
        exit: &[
            ("0", "rendered"),
            (
                "1",
                "the policy has errors, sets something a pod cannot (k8s), or an option \
                 cannot be expressed",
            ),
            ("2", "usage"),
        ],
        see_also: &[
            "tcppolicy-apply(1)",
            "tcppolicy-drift(1)",
            "systemd.timer(5)",
        ],
    },
    Doc {
        name: "schema",
        description: &[Block::Text(
            "Editors that speak the YAML language server protocol complete and check a \
             policy with it through a modeline on its first line, `# \
             yaml-language-server: $schema=PATH`. The repository commits it as \
             schemas/tcppolicy.schema.json.",
        )],
        examples: &[Example {
            what: "save it next to the policies",
            command: "tcppolicy schema > tcppolicy.schema.json",
        }],
        exit: EXIT_DEFAULT,
        see_also: &[],
    },
    Doc {
        name: "catalog",
        description: &[
            Block::Text("The columns of the table:"),
            Block::Terms(&[
                ("PARAMETER", "the sysctl name"),
                (
                    "BOUNDS",
                    "the values the kernel accepts; `INT_MAX/HZ` and `UINT_MAX/HZ` depend on \
                     the kernel's clock rate (`tcppolicy explain PARAM` gives the figures)",
                ),
                (
                    "UNIT",
                    "what a number means; a policy may write sizes and durations instead \
                     (`16MiB`, `10m`)",
                ),
                (
                    "SCOPE",
                    "where the parameter lives; every container has a network namespace of \
                     its own:",
                ),
                (
                    "  netns",
                    "each network namespace has its own value, set inside it (in a \
                     container: a `container: true` policy)",
                ),
                (
                    "  host",
                    "only the host's initial network namespace has it; absent in \
                     containers",
                ),
                (
                    "  global",
                    "one value for the whole machine; containers see it read-only",
                ),
                (
                    "  read-only",
                    "the kernel does not let it be written; listed for reference",
                ),
                ("KERNELS", "the kernel versions that have it"),
            ]),
            Block::Text(
                "`--format json` gives every field, and the scope with the same names \
                 (`netns`, `host`, `global`) plus `read_only`.",
            ),
        ],
        examples: &[
            Example {
                what: "the table",
                command: "tcppolicy catalog",
            },
            Example {
                what: "the names of the per-namespace parameters",
                command: "tcppolicy catalog --format json |\n  \
                          jq -r '.parameters[] | select(.scope == \"netns\") | .name'",
            },
        ],
        exit: EXIT_DEFAULT,
        see_also: &["tcppolicy-explain(1)"],
    },
    Doc {
        name: "completions",
        description: &[Block::Text(
            "Generated from the command-line definitions: commands, options, their values \
             (`--target` offers `live`, `sysctl.d`, `sysctl.d:` and `ansible:`), and for \
             `explain` every parameter name and diagnostic code. The repository commits \
             them under assets/completions/.",
        )],
        examples: &[
            Example {
                what: "bash",
                command: "tcppolicy completions bash > /etc/bash_completion.d/tcppolicy",
            },
            Example {
                what: "zsh, with ~/.zfunc in $fpath",
                command: "tcppolicy completions zsh > ~/.zfunc/_tcppolicy",
            },
            Example {
                what: "fish",
                command: "tcppolicy completions fish > tcppolicy.fish",
            },
        ],
        exit: EXIT_DEFAULT,
        see_also: &[],
    },
    Doc {
        name: "man",
        description: &[Block::Text(
            "Without `--out-dir`, prints tcppolicy(1). With it, writes tcppolicy.1, one \
             tcppolicy-COMMAND.1 per command and tcppolicy-policy.5, the policy language: \
             install the .1 files under man1/ and the .5 file under man5/ of a manual \
             directory such as /usr/local/share/man. The repository commits them under \
             assets/man/.",
        )],
        examples: &[
            Example {
                what: "read the main page",
                command: "tcppolicy man | man -l -",
            },
            Example {
                what: "every page",
                command: "tcppolicy man --out-dir pages",
            },
        ],
        exit: EXIT_DEFAULT,
        see_also: &[],
    },
];

/// The documentation of a command (`""` for `tcppolicy` itself).
///
/// # Panics
/// When the command has none (a test holds every command to having one).
pub fn doc(name: &str) -> &'static Doc {
    DOCS.iter()
        .find(|d| d.name == name)
        .unwrap_or_else(|| panic!("no documentation for `{name}`"))
}

/// The text after a command's options in `--help`: description, examples, exit status.
pub fn after_help(name: &str) -> String {
    let d = doc(name);
    let mut s = String::new();
    for block in d.description {
        text_block(&mut s, block);
        s.push('\n');
    }
    s.push_str("Examples:\n");
    for e in d.examples {
        s.push_str(&format!("  # {}\n", e.what));
        for line in e.command.lines() {
            s.push_str(&format!("  {line}\n"));
        }
    }
    if name.is_empty() {
        s.push_str("\nExit status (`tcppolicy help COMMAND` for the others):\n");
        for (command, exit) in exit_table() {
            for (i, (code, meaning)) in exit.iter().enumerate() {
                let first = if i == 0 { command } else { "" };
                terms(&mut s, &format!("{first:<8}  {code:<5}"), meaning, 2);
            }
        }
    } else if !d.exit.is_empty() {
        s.push_str("\nExit status:\n");
        for (code, meaning) in d.exit {
            terms(&mut s, &format!("{code:<5}"), meaning, 2);
        }
    }
    s.trim_end().to_string()
}

/// The commands whose exit status means more than success, error and usage.
const EXIT_NOTABLE: &[&str] = &["check", "plan", "apply", "drift", "diff"];

/// The exit status of [`EXIT_NOTABLE`] commands, then `others`.
pub fn exit_table() -> Vec<(&'static str, &'static [(&'static str, &'static str)])> {
    let mut rows: Vec<_> = EXIT_NOTABLE.iter().map(|c| (*c, doc(c).exit)).collect();
    rows.push(("others", EXIT_DEFAULT));
    rows
}

fn text_block(s: &mut String, block: &Block) {
    match block {
        Block::Text(text) => {
            for line in wrap(text, WIDTH) {
                s.push_str(&line);
                s.push('\n');
            }
        }
        Block::Terms(items) => {
            let width = items.iter().map(|(t, _)| t.len()).max().unwrap_or(0);
            for (term, text) in *items {
                terms(s, &format!("{term:<width$}"), text, 2);
            }
        }
    }
}

/// `term  text`, the text wrapped under itself, indented by `indent`.
fn terms(s: &mut String, term: &str, text: &str, indent: usize) {
    let hang = indent + term.chars().count() + 2;
    for (i, line) in wrap(text, WIDTH - hang).iter().enumerate() {
        if i == 0 {
            s.push_str(&format!("{:indent$}{term}  {line}\n", ""));
        } else {
            s.push_str(&format!("{:hang$}{line}\n", ""));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The longest example line: a man page indents examples by 7 columns, and man-db
    /// sets the line length to 78 at 80 columns.
    const EXAMPLE_WIDTH: usize = 71;

    #[test]
    fn every_example_line_fits_a_man_page_at_80_columns() {
        for d in DOCS {
            for e in d.examples {
                for line in e.command.lines().chain([format!("# {}", e.what).as_str()]) {
                    assert!(
                        line.chars().count() <= EXAMPLE_WIDTH,
                        "`{}` example is longer than {EXAMPLE_WIDTH}: {line}",
                        d.name
                    );
                }
            }
        }
    }

    #[test]
    fn every_help_line_fits_80_columns() {
        for d in DOCS {
            for line in after_help(d.name).lines() {
                assert!(line.chars().count() <= WIDTH, "`{}`: {line}", d.name);
            }
        }
    }
}
