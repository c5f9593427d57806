#!/usr/bin/env bash
# images/paper against the images task's first commit (the target: "at least 3x faster than where it
# started"): three paired rounds of the first commit's binary, today's on one thread and today's
# with --threads 2, each training 60 paper episodes; prints the median wall time per episode over
# episodes 6-60 (differences of metrics.csv's elapsed_s). Run on an idle machine.
#   bench/images_vs_first_commit.sh FIRST_COMMIT_BIN TODAY_BIN [ROUNDS]
# (FIRST_COMMIT_BIN: `git worktree add /tmp/img-start b8c45cc`, built as bench/README.md says.)
set -euo pipefail
first=${1:?first-commit plastiscope}
today=${2:?today plastiscope}
rounds=${3:-3}
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
for r in $(seq 1 "$rounds"); do
  for run in "first:$first" "today-1:$today" "today-2:$today --threads 2"; do
    label=${run%%:*}
    read -r -a cmd <<<"${run#*:}"
    rm -rf "$out/o"
    "${cmd[0]}" train --task images --preset paper --episodes 60 --seed 1 --out "$out/o" --quiet "${cmd[@]:1}" >/dev/null
    python3 - "$r" "$label" "$out/o/metrics.csv" <<'PY'
import csv, statistics, sys
e = [float(x["elapsed_s"]) for x in csv.DictReader(open(sys.argv[3]))]
d = [e[i] - e[i - 1] for i in range(5, len(e))]
print(f"round {sys.argv[1]} {sys.argv[2]:8s} median {statistics.median(d):.4f} s/episode")
PY
  done
done
