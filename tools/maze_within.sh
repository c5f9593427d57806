#!/usr/bin/env bash
# Within-episode reward of the maze comparison (docs/maze.md): evaluates each run's checkpoint at
# EPISODES on 200 fresh episodes (eval seed 12345, no learning), once for the reward per episode
# and once per 25-step window k = 0..9 (`eval_window=k`: the reward collected in steps
# 25k .. 25k+24; the same 200 episodes for every k), one checkpoint per lane-lock call; then prints
# the median [IQR] over seeds per agent (linear quantiles).
#
# usage: tools/maze_within.sh BIN RUNS_DIR EPISODES   (reads RUNS_DIR/maze-AGENT-sS/checkpoint-EPISODES.npz)
#        MAZE_SEEDS (default "1 2 3 4 5"); MAZE_LOCK (default /work/notes/train.lock)
set -euo pipefail
bin="$1" out="$2" eps="$3"
seeds="${MAZE_SEEDS:-1 2 3 4 5}"
lock="${MAZE_LOCK:-/work/notes/train.lock}"
lane() { if [ -e "$lock" ]; then flock "$lock" nice -n 2 "$@"; else nice -n 2 "$@"; fi; }

for a in non-plastic plastic; do
    for s in $seeds; do
        d="$out/maze-$a-s$s"
        ck="$d/checkpoint-$eps.npz"
        [ -s "$ck" ] || { echo "maze_within: no $ck" >&2; exit 1; }
        f="$d/within-$eps.txt"
        [ -s "$f" ] && continue
        lane bash -c "set -e; { echo \"all \$('$bin' eval --checkpoint '$ck' --episodes 200 | sed -n 's/.*: \([-0-9.]*\) .*/\1/p')\";
            for k in 0 1 2 3 4 5 6 7 8 9; do
              echo \"\$k \$('$bin' eval --checkpoint '$ck' --episodes 200 eval_window=\$k | sed -n 's/.*: \([-0-9.]*\) .*/\1/p')\";
            done; } > '$f.tmp' && mv '$f.tmp' '$f'"
    done
done

python3 - "$out" "$eps" $seeds <<'EOF'
import sys, math
out, eps, seeds = sys.argv[1], sys.argv[2], sys.argv[3:]
def q(xs, p):
    s = sorted(xs); h = (len(s) - 1) * p; lo = math.floor(h); hi = min(lo + 1, len(s) - 1)
    return s[lo] + (h - lo) * (s[hi] - s[lo])
keys = ["all"] + [str(k) for k in range(10)]
print("| window (steps) | " + " | ".join(f"{25*k}-{25*k+24}" for k in range(10)) + " | whole episode |")
print("|---" * 12 + "|")
for a in ("non-plastic", "plastic"):
    v = {k: [] for k in keys}
    for s in seeds:
        for line in open(f"{out}/maze-{a}-s{s}/within-{eps}.txt"):
            k, x = line.split()
            v[k].append(float(x))
    cells = [f"{q(v[k],.5):.1f} [{q(v[k],.25):.1f}-{q(v[k],.75):.1f}]" for k in keys[1:] + ["all"]]
    print(f"| {a} | " + " | ".join(cells) + " |")
    print(f"#  {a} per seed, whole episode: " + ", ".join(f"{x:.1f}" for x in v["all"]))
EOF
