#!/usr/bin/env bash
# Reproduces the omniglot numbers of docs/omniglot.md: trains the `quick` preset on the
# glyph set, evaluates it 5-way and 20-way on the held-out glyph alphabets and on the two small real
# Omniglot subsets it never saw, trains the same preset on real Omniglot images_background_small1
# and evaluates it on small2 (alphabets small1 also holds are removed). Speed: tools/omniglot_speed.sh.
# One job at a time on one core (nice 5). Re-running skips finished parts.
#
# usage: tools/omniglot_results.sh [BUILD_DIR (default build)] [OUT_DIR (default runs/omniglot)]
#        budgets: OMNI_EPISODES (default 250000), OMNI_REAL_EPISODES (default 60000),
#                 OMNI_EVAL (evaluation episodes, default 2000), OMNI_SEED (default 1)
. "$(dirname "${BASH_SOURCE[0]}")/results_common.sh"
results_setup omniglot_results "${1:-$root/build}/plastiscope" "${2:-$root/runs/omniglot}"
eps="${OMNI_EPISODES:-250000}"
real_eps="${OMNI_REAL_EPISODES:-60000}"
neval="${OMNI_EVAL:-2000}"
seed="${OMNI_SEED:-1}"
# Real data: $PS_OMNIGLOT_DIR if set, else the packed small subsets in assets/omniglot/.

train() {   # dir episodes extra-args...
    local dir=$1 n=$2; shift 2
    if [ -s "$dir/train.done" ]; then return; fi
    local t0=$SECONDS
    nice -n 5 "$bin" train --task omniglot --preset quick --seed "$seed" --episodes "$n" --out "$dir" \
        --checkpoint-every 10000 --quiet "$@"
    echo "$((SECONDS - t0))" > "$dir/train.done"
    echo "train $dir: $n episodes in $((SECONDS - t0)) s" | tee -a "$out/log.txt"
}
ev() {   # dir label extra-overrides...
    local dir=$1 label=$2; shift 2
    local f="$dir/eval-$label.txt"
    if [ -s "$f" ]; then return; fi
    nice -n 5 "$bin" eval --checkpoint "$dir/checkpoint.npz" --episodes "$neval" --seed 1001 "$@" > "$f"
    echo "$dir $label: $(cat "$f")" | tee -a "$out/log.txt"
}

g="$out/glyphs-quick-s$seed"
train "$g" "$eps"
ev "$g" 5way-glyphs
ev "$g" 20way-glyphs eval_ways=20
ev "$g" 5way-small1 eval_data=omniglot-small1
ev "$g" 5way-small2 eval_data=omniglot-small2
ev "$g" 20way-small2 eval_data=omniglot-small2 eval_ways=20

r="$out/small1-quick-s$seed"
train "$r" "$real_eps" data=omniglot-small1
ev "$r" 5way-small2                                   # held-out: small2 minus small1's alphabets
ev "$r" 20way-small2 eval_ways=20
ev "$r" 5way-glyphs eval_data=glyphs

# Speed against the PyTorch peer: tools/omniglot_speed.sh
