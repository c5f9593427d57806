#!/usr/bin/env bash
# Training speed of the omniglot task against the PyTorch peer (bench/peer/torch_omniglot.py, the
# same network, episode and Adam step with autograd), one thread each, for the quick preset's
# episodes (10-way, 8 episodes a step) and the paper's (5-way, 1 a step).
# On a shared machine wall time depends on the other jobs, so both are timed in CPU seconds
# (user + sys): each program runs twice, N and N0 episodes, and the difference / (N - N0) is the
# marginal CPU cost of a training episode (start-up, data loading and the first steps cancel).
#
# usage: tools/omniglot_speed.sh [BUILD_DIR (default build)] [OUT_DIR (default runs/omniglot-speed)]
#        OMNI_SPEED_N (default 4000), OMNI_SPEED_N0 (default 800)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin="${1:-$root/build}/plastiscope"
out="${2:-$root/runs/omniglot-speed}"
N="${OMNI_SPEED_N:-4000}"
N0="${OMNI_SPEED_N0:-800}"
mkdir -p "$out"
cpu() { /usr/bin/time -f "%U %S" -o "$out/time.txt" "$@" > /dev/null; awk '{ print $1 + $2 }' "$out/time.txt"; }
for cfg in "10 8" "5 1"; do
    set -- $cfg
    ways=$1 batch=$2
    ours() { cpu nice -n 5 "$bin" train --task omniglot --preset quick --seed 0 --episodes "$1" --out "$out/ours" \
                 --checkpoint-every 0 --quiet ways="$ways" batch="$batch"; }
    peer() { cpu nice -n 5 /usr/bin/python3 "$root/bench/peer/torch_omniglot.py" --episodes "$1" --ways "$ways" \
                 --batch "$batch" --threads 1 --warmup 0 --report 100000000; }
    o1=$(ours "$N"); o0=$(ours "$N0"); p1=$(peer "$N"); p0=$(peer "$N0")
    awk -v w="$ways" -v b="$batch" -v n="$N" -v n0="$N0" -v o1="$o1" -v o0="$o0" -v p1="$p1" -v p0="$p0" 'BEGIN {
        o = 1000 * (o1 - o0) / (n - n0); p = 1000 * (p1 - p0) / (n - n0);
        printf "ways=%d batch=%d: CPU ms per training episode: plastiscope %.2f (%.0f episodes/s), torch %.2f (%.0f episodes/s); ratio %.2f\n",
               w, b, o, 1000 / o, p, 1000 / p, p / o }'
done | tee "$out/speed.txt"
