#!/usr/bin/env bash
# The part of bench/run that runs inside the fresh network namespace.
set -euo pipefail
bin=$BENCH_BIN policy=$BENCH_POLICY work=$BENCH_WORK results=$BENCH_RESULTS venv=$BENCH_VENV

echo "machine: $(uname -r), $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //')"
echo "network namespace: $(readlink /proc/self/ns/net); /run: $(findmnt -n -o FSTYPE /run)"
disk_run=$work/disk-run  # a run directory on this VM's disk, for comparison

# The drop-in equivalent of the policy, and the fresh namespace's values to reset to.
"$bin" emit sysctl.d "$policy" > "$work/24.conf"
keys=$(grep -E '^[a-z]' "$work/24.conf" | cut -d' ' -f1)
for k in $keys; do printf '%s = %s\n' "$k" "$(sysctl -n "$k")"; done > "$work/defaults.conf"
reset="sysctl -q -p $work/defaults.conf"
$reset

echo
echo "== 1. apply of 24 settings vs sysctl -p of the equivalent drop-in"
hyperfine -N --warmup 10 --runs 300 --export-json "$results/apply.json" \
  --prepare "$reset" \
  -n "tcppolicy apply" "$bin apply --lock-file $work/apply.lock $policy" \
  -n "tcppolicy apply (glibc, dynamic)" "$BENCH_DYNAMIC_BIN apply --lock-file $work/apply.lock $policy" \
  -n "tcppolicy apply (run directory on disk)" "env TCPPOLICY_RUN_DIR=$disk_run $bin apply $policy" \
  -n "sysctl -p" "sysctl -q -p $work/24.conf"
hyperfine -N --warmup 10 --runs 300 --export-json "$results/apply-in-sync.json" \
  -n "tcppolicy apply (in sync)" "$bin apply --lock-file $work/apply.lock $policy" \
  -n "sysctl -p (same values)" "sysctl -q -p $work/24.conf"

echo
echo "== 2. one Ansible task (tcppolicy module) vs an ansible.posix.sysctl loop"
cat > "$work/module.yml" <<YAML
- hosts: localhost
  connection: local
  gather_facts: false
  tasks:
    - name: Apply the policy
      tcppolicy.tcppolicy.policy:
        policy: $policy
        binary: $bin
        lock_file: $work/apply.lock
YAML
{
  echo "- hosts: localhost"
  echo "  connection: local"
  echo "  gather_facts: false"
  echo "  tasks:"
  echo "    - name: Set each parameter"
  echo "      ansible.posix.sysctl:"
  echo "        name: \"{{ item.0 }}\""
  echo "        value: \"{{ item.1 }}\""
  echo "        sysctl_file: $work/loop.conf"
  echo "        sysctl_set: true"
  echo "        reload: false"
  echo "      loop:"
  grep -E '^[a-z]' "$work/24.conf" | while IFS= read -r line; do
    k=${line%% = *}; v=${line#* = }
    printf '        - ["%s", "%s"]\n' "$k" "$v"
  done
} > "$work/loop.yml"
task_seconds() { # playbook → duration of its one task, from the JSON callback
  ANSIBLE_STDOUT_CALLBACK=json "$venv/ansible-playbook" -i localhost, "$1" |
    "$venv/python" -c 'import json,sys,datetime as d
r=json.load(sys.stdin); t=r["plays"][0]["tasks"][-1]["task"]["duration"]
p=lambda s: d.datetime.fromisoformat(s.replace("Z","+00:00"))
print("%.3f" % (p(t["end"])-p(t["start"])).total_seconds())'
}
runs=5
for name in module loop; do
  : > "$work/$name.times"
  for _ in $(seq $runs); do
    $reset; rm -f "$work/loop.conf"
    task_seconds "$work/$name.yml" >> "$work/$name.times"
  done
done
median() { sort -n "$1" | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
module_s=$(median "$work/module.times"); loop_s=$(median "$work/loop.times")
echo "tcppolicy module task:        median ${module_s} s over $runs runs ($(tr '\n' ' ' < "$work/module.times"))"
echo "ansible.posix.sysctl loop:    median ${loop_s} s over $runs runs ($(tr '\n' ' ' < "$work/loop.times"))"
printf '{"module_task_s": %s, "loop_task_s": %s, "runs": %s}\n' "$module_s" "$loop_s" "$runs" > "$results/ansible.json"

echo
echo "== 3. check of 1,000 policy files"
mkdir -p "$work/policies"
for i in $(seq 1 1000); do
  sed "s/^name: twenty-four/name: policy-$i/" "$policy" > "$work/policies/p$i.yaml"
done
hyperfine -N --warmup 3 --runs 30 --export-json "$results/check-1000.json" \
  -n "tcppolicy check (1,000 files)" "$bin check --no-notes $work/policies" \
  -n "tcppolicy check (1,000 files, glibc, dynamic)" "$BENCH_DYNAMIC_BIN check --no-notes $work/policies"

echo
echo "== 4. peak memory of plan and check"
{
  for p in "$policy" "$(dirname "$policy")/../../../examples/web-frontend.yaml"; do
    # plan exits 2 when changes are pending; the figure is what matters here
    /usr/bin/time -f %M -o "$work/rss" "$bin" plan "$p" >/dev/null || [ $? -eq 2 ]
    echo "plan $(basename "$p"): maximum resident set $(tail -1 "$work/rss") KiB"
  done
  /usr/bin/time -f %M -o "$work/rss" "$bin" check --no-notes "$work/policies" >/dev/null 2>&1
  echo "check of 1,000 files: maximum resident set $(tail -1 "$work/rss") KiB"
} | tee "$results/memory.txt"

echo
echo "== 5. commands against the case they are compared with (bench/commands)"
# Every case that names one to compare with, and those it names; run here, in this
# namespace after the applies above (so plan finds the values in sync), exit statuses
# ignored (plan and diff exit 2 on differences).
declare -A args_of
compared=()
while read -r name _where _status vs args; do
  case $name in ''|'#'*) continue ;; esac
  args_of[$name]=$args
  [ "$vs" != - ] && compared+=("$name|$vs")
done < bench/commands
cmds=() seen=" "
for pair in "${compared[@]}"; do
  for name in "${pair#*|}" "${pair%|*}"; do
    [[ $seen == *" $name "* ]] && continue
    seen+="$name "
    cmds+=(-n "$name" "$bin ${args_of[$name]}")
  done
done
hyperfine -N -i --warmup 10 --runs 100 --export-json "$results/commands.json" \
  --output=null "${cmds[@]}"
printf '%s\n' "${compared[@]}" > "$work/compared"

echo
echo "== ratios and targets (SPEC §8)"
"$venv/python" - "$results" "$module_s" "$loop_s" "$work/compared" <<'PY'
import json, sys, re
res, module_s, loop_s = sys.argv[1], float(sys.argv[2]), float(sys.argv[3])
a = {r["command"]: r for r in json.load(open(f"{res}/apply.json"))["results"]}
# medians: robust to the scheduling outliers of a shared machine
apply_ms, sysctl_ms = a["tcppolicy apply"]["median"] * 1e3, a["sysctl -p"]["median"] * 1e3
c = {r["command"]: r for r in json.load(open(f"{res}/check-1000.json"))["results"]}
check_s = c["tcppolicy check (1,000 files)"]["median"]
glibc_s = c["tcppolicy check (1,000 files, glibc, dynamic)"]["median"]
mem = max(int(m) for m in re.findall(r"set (\d+) KiB", open(f"{res}/memory.txt").read()))
rows = [
    ("apply / sysctl -p", f"{apply_ms:.2f} ms / {sysctl_ms:.2f} ms = {apply_ms / sysctl_ms:.2f}x", "<= 2x", apply_ms / sysctl_ms <= 2),
    ("ansible loop / module task", f"{loop_s:.2f} s / {module_s:.2f} s = {loop_s / module_s:.1f}x", ">= 10x", loop_s / module_s >= 10),
    ("check of 1,000 files", f"{check_s * 1e3:.0f} ms", "< 1 s", check_s < 1),
    ("peak memory (plan, check)", f"{mem / 1024:.1f} MiB", "< 16 MiB", mem < 16 * 1024),
]
for name, value, target, ok in rows:
    print(f"{name:<28} {value:<36} target {target:<9} {'met' if ok else 'MISSED'}")
print()
print("issue 16 (not SPEC targets):")
print(f"{'apply / sysctl -p':<28} {apply_ms / sysctl_ms:.2f}x{'':<31} target <= 1.3x   {'met' if apply_ms / sysctl_ms <= 1.3 else 'MISSED'}")
print(f"{'check 1,000: static / glibc':<28} {check_s * 1e3:.0f} ms / {glibc_s * 1e3:.0f} ms = {check_s / glibc_s:.2f}x{'':<12} target <= 1.3x   {'met' if check_s / glibc_s <= 1.3 else 'MISSED'}")
m = {r["command"]: r["median"] * 1e3 for r in json.load(open(f"{res}/commands.json"))["results"]}
for pair in open(sys.argv[4]).read().split():
    name, vs = pair.split("|")
    ratio = m[name] / m[vs]
    print(f"{name + ' / ' + vs:<28} {m[name]:.2f} ms / {m[vs]:.2f} ms = {ratio:.2f}x{'':<10} target <= 2x     {'met' if ratio <= 2 else 'MISSED'}")
PY

# ---- 6. drift (issue 13) --------------------------------------------------------------
# `drift` of a 100-setting policy (live and boot layers) against `plan` of the same policy
# (live); both in sync, in this namespace and with the drop-in in a temporary root. SPEC §11
# and issue 16: drift within 2x of plan.
echo
echo "== 6. drift of a 100-setting policy vs plan of the same policy"
hundred=$(dirname "$policy")/hundred.yaml
drift_root=$work/drift-root
mkdir -p "$drift_root/etc/sysctl.d" "$work/textfile"
"$bin" apply --lock-file "$work/apply.lock" "$hundred" >/dev/null
"$bin" apply --target sysctl.d --root "$drift_root" "$hundred" >/dev/null
hyperfine -N --warmup 10 --runs 300 --export-json "$results/drift.json" \
  -n "tcppolicy plan (100 settings)" "$bin plan $hundred" \
  -n "tcppolicy drift (100 settings, live and boot)" "$bin drift --layer live --layer boot --root $drift_root $hundred" \
  -n "tcppolicy drift --textfile" "$bin drift --layer live --layer boot --root $drift_root --textfile $work/textfile $hundred" \
  -n "tcppolicy plan --target sysctl.d (100 settings)" "$bin plan --target sysctl.d --root $drift_root $hundred"
"$venv/python" - "$results/drift.json" <<'PY'
import json, sys
r = {x["command"]: x["median"] * 1e3 for x in json.load(open(sys.argv[1]))["results"]}
plan, drift = r["tcppolicy plan (100 settings)"], r["tcppolicy drift (100 settings, live and boot)"]
print(f"drift / plan (100 settings)  {drift:.2f} ms / {plan:.2f} ms = {drift / plan:.2f}x  target <= 2x  {'met' if drift / plan <= 2 else 'MISSED'}")
PY
# ---- end of 6. drift ------------------------------------------------------------------
