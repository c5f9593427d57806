#!/usr/bin/env bash
# Within-episode reward of the maze comparison (docs/maze.md): evaluates each run's checkpoint at
# EPISODES on N fresh episodes (eval seed 12345, no learning), once for the reward per episode
# and once per 25-step window k = 0..9 (`eval_window=k`: the reward collected in steps
# 25k .. 25k+24; the same N episodes for every k), one checkpoint per lane-lock call; then prints
# the median [IQR] over seeds per agent and window (linear quantiles), every seed's row, and the
# rise after the first window: mean of windows 5-9 (steps 125-249) minus window 1 (steps 25-49).
#
# usage: tools/maze_within.sh BIN RUNS_DIR EPISODES   (reads RUNS_DIR/maze-AGENT-sS/checkpoint-EPISODES.npz,
#        writes RUNS_DIR/maze-AGENT-sS/within-EPISODES[-nN].txt; existing files are reused)
#        MAZE_EVAL_EPISODES: N (default 200; the file name gets -nN when N != 200)
#        MAZE_SEEDS (default "1 2 3 4 5"); MAZE_LOCK (default /work/notes/train.lock)
set -euo pipefail
bin="$1" out="$2" eps="$3"
seeds="${MAZE_SEEDS:-1 2 3 4 5}"
lock="${MAZE_LOCK:-/work/notes/train.lock}"
n="${MAZE_EVAL_EPISODES:-200}"
case "$n" in ''|*[!0-9]*) echo "maze_within: MAZE_EVAL_EPISODES must be a whole number, got '$n'" >&2; exit 1;; esac
suffix=""; [ "$n" = 200 ] || suffix="-n$n"
lane() { if [ -e "$lock" ]; then flock "$lock" nice -n 2 "$@"; else nice -n 2 "$@"; fi; }

for a in non-plastic plastic; do
    for s in $seeds; do
        d="$out/maze-$a-s$s"
        ck="$d/checkpoint-$eps.npz"
        [ -s "$ck" ] || { echo "maze_within: no $ck" >&2; exit 1; }
        f="$d/within-$eps$suffix.txt"
        [ -s "$f" ] && continue
        lane bash -c "set -e; { echo \"all \$('$bin' eval --checkpoint '$ck' --episodes $n | sed -n 's/.*: \([-0-9.]*\) .*/\1/p')\";
            for k in 0 1 2 3 4 5 6 7 8 9; do
              echo \"\$k \$('$bin' eval --checkpoint '$ck' --episodes $n eval_window=\$k | sed -n 's/.*: \([-0-9.]*\) .*/\1/p')\";
            done; } > '$f.tmp' && mv '$f.tmp' '$f'"
    done
done

python3 - "$out" "$eps" "$suffix" "$n" $seeds <<'EOF'
import sys, math
out, eps, suffix, n, seeds = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5:]
def q(xs, p):
    s = sorted(xs); h = (len(s) - 1) * p; lo = math.floor(h); hi = min(lo + 1, len(s) - 1)
    return s[lo] + (h - lo) * (s[hi] - s[lo])
keys = [str(k) for k in range(10)] + ["all"]
def rise(r):  # mean of windows 5-9 minus window 1
    return sum(r[str(k)] for k in range(5, 10)) / 5 - r["1"]
print(f"# checkpoints at {eps} episodes, {n} evaluation episodes each (eval seed 12345)")
print("| agent | seed | " + " | ".join(f"{25*k}-{25*k+24}" for k in range(10)) + " | whole episode | rise (w5-9 minus w1) |")
print("|---" * 14 + "|")
rows = {}
for a in ("non-plastic", "plastic"):
    rows[a] = []
    for s in seeds:
        r = {}
        fn = f"{out}/maze-{a}-s{s}/within-{eps}{suffix}.txt"
        for line in open(fn):
            parts = line.split()
            if len(parts) != 2:
                sys.exit(f"{fn}: line '{line.strip()}' has no value (did that eval fail? delete the file to redo it)")
            r[parts[0]] = float(parts[1])
        missing = [k for k in keys if k not in r]
        if missing:
            sys.exit(f"{fn}: no value for {missing}")
        rows[a].append(r)
for a in ("non-plastic", "plastic"):
    v = {k: [r[k] for r in rows[a]] for k in keys}
    rs = [rise(r) for r in rows[a]]
    cells = [f"{q(v[k],.5):.1f} [{q(v[k],.25):.1f}-{q(v[k],.75):.1f}]" for k in keys]
    print(f"| **{a}** | median [IQR] | " + " | ".join(cells) + f" | {q(rs,.5):+.1f} [{q(rs,.25):+.1f} to {q(rs,.75):+.1f}] |")
    for s, r in zip(seeds, rows[a]):
        print(f"| {a} | {s} | " + " | ".join(f"{r[k]:.1f}" for k in keys) + f" | {rise(r):+.1f} |")
EOF
