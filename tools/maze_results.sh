#!/usr/bin/env bash
# Reproduces the 200-unit maze comparison of docs/maze.md: the plastic and the
# non-plastic agent, 5 seeds each, the same settings and the same episodes, trained in legs
# continued with `train --resume` (Adam state included), one run at a time through the shared
# lane lock. Each run's wall and CPU seconds (user+sys) are appended to OUT_DIR/times.txt.
# Re-running skips legs already done (a run's checkpoint at that episode count). Each leg's final
# checkpoint is kept as DIR/checkpoint-EPISODES.npz (evaluated for the within-episode table).
#
# usage: tools/maze_results.sh [BIN (default build/plastiscope)] [OUT_DIR (default runs/maze200)]
#        MAZE_LEGS: episode totals of the legs (default "20000 30000");
#        MAZE_SEEDS (default "1 2 3 4 5"); MAZE_AGENTS: the order within a seed (default
#        "non-plastic plastic"); MAZE_OV: the key=value settings of every run (default
#        "lr=5e-4 grad_clip=2 clip=1", the constant-lr runs of runs/maze200; the decayed protocol of
#        runs/maze200d adds "lr_end=5e-5 lr_decay_episodes=30000"); MAZE_LOCK: lane lock file
#        (default /work/notes/train.lock, none if it does not exist)
# Then: tools/maze_curves.py OUT_DIR assets/maze/curves.csv (the app's reward curves).
. "$(dirname "${BASH_SOURCE[0]}")/results_common.sh"
results_setup maze_results "${1:-$root/build/plastiscope}" "${2:-$root/runs/maze200}"
legs="${MAZE_LEGS:-20000 30000}"
seeds="${MAZE_SEEDS:-1 2 3 4 5}"
lock="${MAZE_LOCK:-/work/notes/train.lock}"
OV="${MAZE_OV:-lr=5e-4 grad_clip=2 clip=1}"    # clip acts only on the plastic trace; hidden = 200 (the preset)
agents="${MAZE_AGENTS:-non-plastic plastic}"
echo "maze_results: legs '$legs', seeds '$seeds', agents '$agents', settings '$OV' -> $out" | tee -a "$out/times.txt"

lane() { if [ -e "$lock" ]; then flock "$lock" nice -n 2 "$@"; else nice -n 2 "$@"; fi; }

episodes_done() {   # the episode count in DIR/metrics.csv's last row (0 if none)
    local f="$1/metrics.csv"
    [ -s "$f" ] || { echo 0; return; }
    tail -n 1 "$f" | cut -d, -f1 | grep -E '^[0-9]+$' || echo 0
}

for leg in $legs; do
    for s in $seeds; do
        for a in $agents; do
            d="$out/maze-$a-s$s"
            done_eps=$(episodes_done "$d")
            if [ "$done_eps" -ge "$leg" ] && [ -s "$d/checkpoint.npz" ]; then continue; fi
            resume=""
            if [ -s "$d/checkpoint.npz" ]; then resume="--resume"; fi
            t0=$(date +%s.%N)
            lane /usr/bin/time -f "%U %S %e" -o "$d.time" "$bin" train --task maze --preset "$a" --seed "$s" \
                --episodes "$leg" --checkpoint-every 2000 $resume --out "$d" --quiet $OV
            read -r u sy e < "$d.time"
            cp "$d/checkpoint.npz" "$d/checkpoint-$leg.npz"   # the next leg overwrites checkpoint.npz
            echo "$a seed $s to $leg${resume:+ (resumed from $done_eps)}: cpu $(echo "$u + $sy" | bc) s, wall $e s, started $(date -d @"${t0%.*}" +%T)" | tee -a "$out/times.txt"
        done
    done
done
