#!/usr/bin/env bash
# Write a policy's sysctl.d drop-in into an image root tree, and refuse the build when
# the drop-in would lose at boot to another file of the image.
#
#   build-dropin.sh ROOT POLICY...
#
# ROOT is the image's root directory (a debootstrap or mkosi tree, a mounted image, a
# container build stage). Nothing outside ROOT is written. Needs `tcppolicy` and `jq`.
set -euo pipefail

root=${1:?usage: build-dropin.sh ROOT POLICY...}
shift
[ "$#" -gt 0 ] || { echo "usage: build-dropin.sh ROOT POLICY..." >&2; exit 2; }
[ -d "$root" ] || { echo "error: image root $root is not a directory" >&2; exit 1; }

status=0
for policy in "$@"; do
  # Fails (exit 1) on any compile error; nothing is written then.
  tcppolicy check --deny warnings --no-notes "$policy"
  tcppolicy apply --target sysctl.d --root "$root" "$policy"

  # The shadowing report: keys for which another file of the image wins at boot.
  report=$(tcppolicy plan --format json --target sysctl.d --root "$root" "$policy") || [ $? -eq 2 ]
  losing=$(printf '%s' "$report" | jq -r '.shadowing[]
      | select((.ours_wins_systemd and .ours_wins_procps) | not)
      | "\(.key): wins at boot: \(.systemd_winner.file):\(.systemd_winner.line) = \(.systemd_winner.value)"')
  if [ -n "$losing" ]; then
    echo "error: the drop-in of $policy is shadowed in the image:" >&2
    printf '  %s\n' "$losing" >&2
    status=1
  fi
done
exit "$status"
