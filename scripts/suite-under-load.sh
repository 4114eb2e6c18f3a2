#!/usr/bin/env bash
# Runs the whole suite (npm test) several times back to back while two CPU-bound loops keep both
# cores of a 2-core box busy, as on a loaded CI machine. Exits non-zero when any run fails.
#   usage: scripts/suite-under-load.sh [runs]   (default 10)
set -uo pipefail
cd "$(dirname "$0")/.."

runs="${1:-10}"
if ! [[ "$runs" =~ ^[1-9][0-9]*$ ]]; then
  echo "usage: $0 [runs]" >&2
  exit 2
fi

logs="$(mktemp -d "${TMPDIR:-/tmp}/suite-under-load.XXXXXX")"
loops=()
stop_loops() {
  [ "${#loops[@]}" -gt 0 ] && kill "${loops[@]}" 2>/dev/null
  wait "${loops[@]}" 2>/dev/null
  loops=()
}
trap stop_loops EXIT
trap 'exit 130' INT TERM
# Bounded even if this script is killed before it can stop them.
for _ in 1 2; do
  timeout "$((runs * 600))" sh -c 'while :; do :; done' &
  loops+=("$!")
done

failed=0
for ((run = 1; run <= runs; run++)); do
  log="$logs/run-$run.log"
  started=$SECONDS
  if npm test >"$log" 2>&1; then
    echo "run $run/$runs: pass ($((SECONDS - started)) s)"
  else
    failed=$((failed + 1))
    echo "run $run/$runs: FAIL ($((SECONDS - started)) s), log: $log"
    grep -E '^\s*✖' "$log" | head -20
  fi
done
stop_loops

echo "suite under load: $((runs - failed)) of $runs runs passed, $failed failed (logs in $logs)"
[ "$failed" -eq 0 ]
