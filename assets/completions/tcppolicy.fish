# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_tcppolicy_global_optspecs
    string join \n h/help V/version
end

function __fish_tcppolicy_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_tcppolicy_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_tcppolicy_using_subcommand
    set -l cmd (__fish_tcppolicy_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c tcppolicy -n "__fish_tcppolicy_needs_command" -s h -l help -d 'Print help'
complete -c tcppolicy -n "__fish_tcppolicy_needs_command" -s V -l version -d 'Print version'
complete -c tcppolicy -n "__fish_tcppolicy_needs_command" -f -a "check" -d 'Check policies against the catalog and the rules (a directory is searched for policy files)'
complete -c tcppolicy -n "__fish_tcppolicy_needs_command" -f -a "explain" -d 'Explain a parameter (type, bounds, default, derived timeouts) or a diagnostic code'
complete -c tcppolicy -n "__fish_tcppolicy_needs_command" -f -a "plan" -d 'Show what applying a policy would change (nothing is touched)'
complete -c tcppolicy -n "__fish_tcppolicy_needs_command" -f -a "apply" -d 'Make the target match the policy: write, read back, roll back on failure'
complete -c tcppolicy -n "__fish_tcppolicy_needs_command" -f -a "recover" -d 'Restore the values an interrupted apply recorded (after SIGKILL or a power cut)'
complete -c tcppolicy -n "__fish_tcppolicy_needs_command" -f -a "drift" -d 'Check whether the host still matches a policy: the running kernel (live) and what the next boot will set (boot: the drop-in and the files that win over it)'
complete -c tcppolicy -n "__fish_tcppolicy_needs_command" -f -a "diff" -d 'Show what a policy change does: per key the old and new value, the kernel default, the derived timeouts, the rationale, and the diagnostics introduced or resolved'
complete -c tcppolicy -n "__fish_tcppolicy_needs_command" -f -a "import" -d 'Write a starter policy from the running kernel, sysctl.d files, `sysctl -a` dumps or TuneD profiles'
complete -c tcppolicy -n "__fish_tcppolicy_needs_command" -f -a "emit" -d 'Render a policy for other tools: an Ansible tasks file, a sysctl.d drop-in, a Kubernetes pod\'s sysctls, or systemd units that check it for drift'
complete -c tcppolicy -n "__fish_tcppolicy_needs_command" -f -a "schema" -d 'Print the JSON Schema of the policy language'
complete -c tcppolicy -n "__fish_tcppolicy_needs_command" -f -a "catalog" -d 'List every parameter in the catalog'
complete -c tcppolicy -n "__fish_tcppolicy_needs_command" -f -a "completions" -d 'Print shell completions'
complete -c tcppolicy -n "__fish_tcppolicy_needs_command" -f -a "man" -d 'Print the man page (roff), or write every page to a directory'
complete -c tcppolicy -n "__fish_tcppolicy_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c tcppolicy -n "__fish_tcppolicy_using_subcommand check" -l format -d 'Output format' -r -f -a "human\t'rustc-style snippets for people'
json\t'One JSON document with every diagnostic'
github\t'GitHub Actions workflow commands (annotations on the lines at fault)'"
complete -c tcppolicy -n "__fish_tcppolicy_using_subcommand check" -l deny -d 'Treat warnings as errors' -r -f -a "warnings\t'Warnings fail the check'"
complete -c tcppolicy -n "__fish_tcppolicy_using_subcommand check" -l no-notes -d 'Leave out notes (derived figures and hints)'
complete -c tcppolicy -n "__fish_tcppolicy_using_subcommand check" -l policies-only -d 'Skip named files without a top-level `tcppolicy:` key, as directory walks do (for hooks that pass every staged YAML file)'
complete -c tcppolicy -n "__fish_tcppolicy_using_subcommand check" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tcppolicy -n "__fish_tcppolicy_using_subcommand explain" -l value -d 'For a parameter: show the derived figures for this value too' -r
complete -c tcppolicy -n "__fish_tcppolicy_using_subcommand explain" -l list -d 'List every diagnostic code'
complete -c tcppolicy -n "__fish_tcppolicy_using_subcommand explain" -s h -l help -d 'Print help'
complete -c tcppolicy -n "__fish_tcppolicy_using_subcommand plan" -l target -d 'The target: `live` (the running kernel), `sysctl.d` or `sysctl.d:PATH` (a drop-in), `ansible:PATH` (an Ansible tasks file)' -r
complete -c tcppolicy -n "__fish_tcppolicy_using_subcommand plan" -l root -d 'Resolve every file path inside this directory (image builds); it must exist. Only for file targets' -r -F
complete -c tcppolicy -n "__fish_tcppolicy_using_subcommand plan" -l netns -d 'Act in this network namespace: a name under /run/netns/ or a path such as /proc/PID/ns/net (live target)' -r
complete -c tcppolicy -n "__fish_tcppolicy_using_subcommand plan" -l format -d 'Output format' -r -f -a "human\t'For people'
json\t'A versioned JSON document (`format_version`)'"
complete -c tcppolicy -n "__fish_tcppolicy_using_subcommand plan" -l out -d 'Also save the plan (JSON) here, for `apply --plan`; replaced atomically, never written through a link' -r -F
complete -c tcppolicy -n "__fish_tcppolicy_using_subcommand plan" -l force -d 'Replace a file at the target that tcppolicy did not write (no tcppolicy header)'
complete -c tcppolicy -n "__fish_tcppolicy_using_subcommand plan" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tcppolicy -n "__fish_tcppolicy_using_subcommand apply" -l plan -d 'Apply exactly this saved plan; refused unless it was made from this policy (same digest) and the system still has its "before" values, kernel and network namespace' -r -F
complete -c tcppolicy -n "__fish_tcppolicy_using_subcommand apply" -l target -d 'The target: `live` (the running kernel), `sysctl.d` or `sysctl.d:PATH` (a drop-in), `ansible:PATH` (an Ansible tasks file)' -r
complete -c tcppolicy -n "__fish_tcppolicy_using_subcommand apply" -l root -d 'Resolve every file path inside this directory (image builds); it must exist. Only for file targets' -r -F
complete -c tcppolicy -n "__fish_tcppolicy_using_subcommand apply" -l netns -d 'Act in this network namespace: a name under /run/netns/ or a path such as /proc/PID/ns/net (live target)' -r
complete -c tcppolicy -n "__fish_tcppolicy_using_subcommand apply" -l format -d 'Output format' -r -f -a "human\t'For people'
json\t'A versioned JSON document (`format_version`)'"
complete -c tcppolicy -n "__fish_tcppolicy_using_subcommand apply" -l lock-file -d 'The lock file that serialises applies (default: one per network namespace under /run/tcppolicy). Applies in one network namespace also exclude each other through a lock of the namespace itself, whatever the file' -r -F
complete -c tcppolicy -n "__fish_tcppolicy_using_subcommand apply" -l lock-timeout -d 'Seconds to wait for another apply to release the lock' -r
complete -c tcppolicy -n "__fish_tcppolicy_using_subcommand apply" -l force -d 'Replace a file at the target that tcppolicy did not write (no tcppolicy header)'
complete -c tcppolicy -n "__fish_tcppolicy_using_subcommand apply" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tcppolicy -n "__fish_tcppolicy_using_subcommand recover" -l netns -d 'Recover in this network namespace: a name under /run/netns/ or a path such as /proc/PID/ns/net' -r
complete -c tcppolicy -n "__fish_tcppolicy_using_subcommand recover" -l format -d 'Output format' -r -f -a "human\t'For people'
json\t'A versioned JSON document (`format_version`)'"
complete -c tcppolicy -n "__fish_tcppolicy_using_subcommand recover" -l lock-file -d 'The lock file that serialises applies (default: one per network namespace under /run/tcppolicy). Applies in one network namespace also exclude each other through a lock of the namespace itself, whatever the file' -r -F
complete -c tcppolicy -n "__fish_tcppolicy_using_subcommand recover" -l lock-timeout -d 'Seconds to wait for another apply to release the lock' -r
complete -c tcppolicy -n "__fish_tcppolicy_using_subcommand recover" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tcppolicy -n "__fish_tcppolicy_using_subcommand drift" -l layer -d 'Check this layer (repeat for both). Default: both; only `boot` with `--root` alone, only `live` with `--netns` alone' -r -f -a "live\t'The running kernel'
boot\t'What the next boot sets: the drop-in and the files that win over it'"
complete -c tcppolicy -n "__fish_tcppolicy_using_subcommand drift" -l target -d 'The drop-in of the boot layer: `sysctl.d` (/etc/sysctl.d/90-tcppolicy-<name>.conf) or `sysctl.d:PATH`' -r
complete -c tcppolicy -n "__fish_tcppolicy_using_subcommand drift" -l root -d 'Resolve the boot layer\'s files inside this directory (an image, a mounted host)' -r -F
complete -c tcppolicy -n "__fish_tcppolicy_using_subcommand drift" -l netns -d 'Check the live layer in this network namespace: a name under /run/netns/ or a path such as /proc/PID/ns/net' -r
complete -c tcppolicy -n "__fish_tcppolicy_using_subcommand drift" -l textfile -d 'Also write the result for node_exporter\'s textfile collector into this directory (tcppolicy-<name>.prom, replaced atomically; not written when the check fails)' -r -F
complete -c tcppolicy -n "__fish_tcppolicy_using_subcommand drift" -l format -d 'Output format' -r -f -a "human\t'For people'
json\t'A versioned JSON document (`format_version`)'"
complete -c tcppolicy -n "__fish_tcppolicy_using_subcommand drift" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tcppolicy -n "__fish_tcppolicy_using_subcommand diff" -l git -d 'Compare the working tree with this git revision (a commit, branch or tag)' -r
complete -c tcppolicy -n "__fish_tcppolicy_using_subcommand diff" -l format -d 'Output format' -r -f -a "human\t'For people (coloured on a terminal)'
json\t'A versioned JSON document'
markdown\t'A pull-request comment (GitHub-flavoured Markdown)'"
complete -c tcppolicy -n "__fish_tcppolicy_using_subcommand diff" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tcppolicy -n "__fish_tcppolicy_using_subcommand import" -l kernel -d 'The fleet\'s kernel range for the policy, e.g. `>=5.15` (default: the running kernel when reading it, tcppolicy\'s default floor when reading files)' -r
complete -c tcppolicy -n "__fish_tcppolicy_using_subcommand import" -l name -d 'The policy\'s name' -r
complete -c tcppolicy -n "__fish_tcppolicy_using_subcommand import" -s o -l out -d 'Write the policy here instead of to stdout (refused if the file exists, unless `--force`)' -r -F
complete -c tcppolicy -n "__fish_tcppolicy_using_subcommand import" -l netns -d 'Read the running kernel in this network namespace: a name under /run/netns/ or a path such as /proc/PID/ns/net (a container\'s)' -r
complete -c tcppolicy -n "__fish_tcppolicy_using_subcommand import" -l all -d 'From the running kernel: every parameter, not only those that differ from their kernel default'
complete -c tcppolicy -n "__fish_tcppolicy_using_subcommand import" -l force -d 'Overwrite `--out` if it exists'
complete -c tcppolicy -n "__fish_tcppolicy_using_subcommand import" -s h -l help -d 'Print help'
complete -c tcppolicy -n "__fish_tcppolicy_using_subcommand emit" -s o -l out -d 'Write here (atomically) instead of to stdout. For `systemd`: a directory, where the service and the timer are written' -r -F
complete -c tcppolicy -n "__fish_tcppolicy_using_subcommand emit" -l sysctl-file -d 'For `ansible`: the file `ansible.posix.sysctl` persists values in (default /etc/sysctl.d/90-tcppolicy-<name>.conf)' -r -F
complete -c tcppolicy -n "__fish_tcppolicy_using_subcommand emit" -l k8s-version -d 'For `k8s`: the cluster\'s Kubernetes version (`1.32`, `v1.32.3`); it decides which sysctls are safe' -r
complete -c tcppolicy -n "__fish_tcppolicy_using_subcommand emit" -l kernel -d 'For `k8s`: the nodes\' kernel (`6.1`); default: the lowest of the policy\'s `kernel` range (5.10 without one)' -r
complete -c tcppolicy -n "__fish_tcppolicy_using_subcommand emit" -l kind -d 'For `k8s`: the kind of object the patch targets' -r -f -a "deployment\t'A Deployment\'s pod template'
statefulset\t'A StatefulSet\'s pod template'
daemonset\t'A DaemonSet\'s pod template'
pod\t'A Pod'"
complete -c tcppolicy -n "__fish_tcppolicy_using_subcommand emit" -l name -d 'For `k8s`: the name of the object the patch targets (default: the policy\'s name)' -r
complete -c tcppolicy -n "__fish_tcppolicy_using_subcommand emit" -l binary -d 'For `systemd`: the tcppolicy binary on the host' -r -F
complete -c tcppolicy -n "__fish_tcppolicy_using_subcommand emit" -l policy-path -d 'For `systemd`: where the policy file is on the host (default: POLICY as an absolute path)' -r -F
complete -c tcppolicy -n "__fish_tcppolicy_using_subcommand emit" -l textfile-dir -d 'For `systemd`: node_exporter\'s textfile directory' -r -F
complete -c tcppolicy -n "__fish_tcppolicy_using_subcommand emit" -l interval -d 'For `systemd`: how often to check, a systemd time span' -r
complete -c tcppolicy -n "__fish_tcppolicy_using_subcommand emit" -l layer -d 'For `systemd`: check only this layer (repeat for both; default both), as `drift --layer` does' -r -f -a "live\t'The running kernel'
boot\t'What the next boot sets: the drop-in and the files that win over it'"
complete -c tcppolicy -n "__fish_tcppolicy_using_subcommand emit" -l reapply -d 'For `systemd`: after each check, apply the policy to what was checked (the running kernel, the drop-in)'
complete -c tcppolicy -n "__fish_tcppolicy_using_subcommand emit" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tcppolicy -n "__fish_tcppolicy_using_subcommand schema" -s h -l help -d 'Print help'
complete -c tcppolicy -n "__fish_tcppolicy_using_subcommand catalog" -l format -d 'Output format' -r -f -a "table\t'One line per parameter'
json\t'A JSON array with every field'"
complete -c tcppolicy -n "__fish_tcppolicy_using_subcommand catalog" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c tcppolicy -n "__fish_tcppolicy_using_subcommand completions" -s h -l help -d 'Print help'
complete -c tcppolicy -n "__fish_tcppolicy_using_subcommand man" -l out-dir -d 'Write `tcppolicy.1` and one `tcppolicy-<command>.1` per command here' -r -F
complete -c tcppolicy -n "__fish_tcppolicy_using_subcommand man" -s h -l help -d 'Print help'
complete -c tcppolicy -n "__fish_tcppolicy_using_subcommand help; and not __fish_seen_subcommand_from check explain plan apply recover drift diff import emit schema catalog completions man help" -f -a "check" -d 'Check policies against the catalog and the rules (a directory is searched for policy files)'
complete -c tcppolicy -n "__fish_tcppolicy_using_subcommand help; and not __fish_seen_subcommand_from check explain plan apply recover drift diff import emit schema catalog completions man help" -f -a "explain" -d 'Explain a parameter (type, bounds, default, derived timeouts) or a diagnostic code'
complete -c tcppolicy -n "__fish_tcppolicy_using_subcommand help; and not __fish_seen_subcommand_from check explain plan apply recover drift diff import emit schema catalog completions man help" -f -a "plan" -d 'Show what applying a policy would change (nothing is touched)'
complete -c tcppolicy -n "__fish_tcppolicy_using_subcommand help; and not __fish_seen_subcommand_from check explain plan apply recover drift diff import emit schema catalog completions man help" -f -a "apply" -d 'Make the target match the policy: write, read back, roll back on failure'
complete -c tcppolicy -n "__fish_tcppolicy_using_subcommand help; and not __fish_seen_subcommand_from check explain plan apply recover drift diff import emit schema catalog completions man help" -f -a "recover" -d 'Restore the values an interrupted apply recorded (after SIGKILL or a power cut)'
complete -c tcppolicy -n "__fish_tcppolicy_using_subcommand help; and not __fish_seen_subcommand_from check explain plan apply recover drift diff import emit schema catalog completions man help" -f -a "drift" -d 'Check whether the host still matches a policy: the running kernel (live) and what the next boot will set (boot: the drop-in and the files that win over it)'
complete -c tcppolicy -n "__fish_tcppolicy_using_subcommand help; and not __fish_seen_subcommand_from check explain plan apply recover drift diff import emit schema catalog completions man help" -f -a "diff" -d 'Show what a policy change does: per key the old and new value, the kernel default, the derived timeouts, the rationale, and the diagnostics introduced or resolved'
complete -c tcppolicy -n "__fish_tcppolicy_using_subcommand help; and not __fish_seen_subcommand_from check explain plan apply recover drift diff import emit schema catalog completions man help" -f -a "import" -d 'Write a starter policy from the running kernel, sysctl.d files, `sysctl -a` dumps or TuneD profiles'
complete -c tcppolicy -n "__fish_tcppolicy_using_subcommand help; and not __fish_seen_subcommand_from check explain plan apply recover drift diff import emit schema catalog completions man help" -f -a "emit" -d 'Render a policy for other tools: an Ansible tasks file, a sysctl.d drop-in, a Kubernetes pod\'s sysctls, or systemd units that check it for drift'
complete -c tcppolicy -n "__fish_tcppolicy_using_subcommand help; and not __fish_seen_subcommand_from check explain plan apply recover drift diff import emit schema catalog completions man help" -f -a "schema" -d 'Print the JSON Schema of the policy language'
complete -c tcppolicy -n "__fish_tcppolicy_using_subcommand help; and not __fish_seen_subcommand_from check explain plan apply recover drift diff import emit schema catalog completions man help" -f -a "catalog" -d 'List every parameter in the catalog'
complete -c tcppolicy -n "__fish_tcppolicy_using_subcommand help; and not __fish_seen_subcommand_from check explain plan apply recover drift diff import emit schema catalog completions man help" -f -a "completions" -d 'Print shell completions'
complete -c tcppolicy -n "__fish_tcppolicy_using_subcommand help; and not __fish_seen_subcommand_from check explain plan apply recover drift diff import emit schema catalog completions man help" -f -a "man" -d 'Print the man page (roff), or write every page to a directory'
complete -c tcppolicy -n "__fish_tcppolicy_using_subcommand help; and not __fish_seen_subcommand_from check explain plan apply recover drift diff import emit schema catalog completions man help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
