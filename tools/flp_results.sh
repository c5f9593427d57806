#!/usr/bin/env bash
# Reproduces the FLP numbers of docs/flp.md: trains FLP, OML and plain SGD on flp-sine
# (continual and iid) and on flp-classify (continual), 3 seeds each, evaluates every checkpoint on
# 100 episodes, pools the seeds, and draws the interference / alignment figures.
# One run at a time on one core; about 3 hours in all. Re-running skips finished runs.
#
# usage: tools/flp_results.sh [BUILD_DIR (default build)] [OUT_DIR (default runs/flp)]
#        budgets: FLP_SINE_EPISODES (default 20000), FLP_CLASSIFY_EPISODES (default 20000);
#        FLP_NICE: niceness of the training runs (default 5)
. "$(dirname "${BASH_SOURCE[0]}")/results_common.sh"
results_setup flp_results "${1:-$root/build}/plastiscope" "${2:-$root/runs/flp}"
seeds="1 2 3"
sine_eps="${FLP_SINE_EPISODES:-20000}"
cls_eps="${FLP_CLASSIFY_EPISODES:-20000}"

run() {   # task preset episodes seed
    local task=$1 preset=$2 episodes=$3 seed=$4
    local dir="$out/$task-$preset-s$seed"
    if [ -s "$dir/eval.txt" ]; then return; fi
    local t0=$SECONDS
    nice -n "${FLP_NICE:-5}" "$bin" train --task "$task" --preset "$preset" --seed "$seed" --episodes "$episodes" --out "$dir" --quiet
    local t1=$SECONDS
    # the same 100 evaluation episodes for every learner of a seed (paired comparison)
    "$bin" eval --checkpoint "$dir/checkpoint.npz" --episodes 100 --seed $((1000 + seed)) > "$dir/eval.txt"
    echo "$task $preset seed $seed: $(cat "$dir/eval.txt") [train $((t1 - t0)) s]" | tee -a "$out/log.txt"
}

for seed in $seeds; do
    for preset in flp oml flp-iid oml-iid; do run flp-sine "$preset" "$sine_eps" "$seed"; done
    for preset in sgd sgd-iid; do run flp-sine "$preset" 400 "$seed"; done
    for preset in flp oml; do run flp-classify "$preset" "$cls_eps" "$seed"; done
    run flp-classify sgd 200 "$seed"
done

# Pool the seeds: each eval.txt line reads "METRIC (TASK, 100 episodes): MEAN  95% CI [LO, HI]".
# Pooled over the 3 x 100 episodes: mean of the means; variance = mean within-seed variance
# (from each CI: sd = (HI - LO) / 2 / 1.96 * sqrt(n)) + variance of the seed means.
{
    echo "task,preset,seed,mean,ci_lo,ci_hi"
    for d in "$out"/*-s[0-9]*; do
        [ -s "$d/eval.txt" ] || continue
        b=$(basename "$d"); seed=${b##*-s}; tp=${b%-s*}
        task=$(echo "$tp" | cut -d- -f1-2); preset=$(echo "$tp" | cut -d- -f3-)
        sed -E 's/.*: ([-0-9.e+]+) +95% CI \[([-0-9.e+]+), ([-0-9.e+]+)\].*/\1,\2,\3/' "$d/eval.txt" | sed "s/^/$task,$preset,$seed,/"
    done
} > "$out/results.csv"
awk -F, 'NR > 1 { k = $1 "," $2; n[k]++; m[k] += $4; sd = ($6 - $5) / 2 / 1.96 * 10; v[k] += sd * sd; m2[k] += $4 * $4 }
         END { print "task,preset,seeds,mean,ci95";
               for (k in n) { mu = m[k] / n[k]; var = v[k] / n[k] + (n[k] > 1 ? (m2[k] - n[k] * mu * mu) / (n[k] - 1) : 0);
                              printf "%s,%d,%.5g,%.3g\n", k, n[k], mu, 1.96 * sqrt(var / (100 * n[k])) } }' \
    "$out/results.csv" | sort > "$out/pooled.csv"
cat "$out/pooled.csv"

for task in flp-sine flp-classify; do
    args=()
    for l in flp oml sgd; do args+=(--checkpoint "$out/$task-$l-s1/checkpoint.npz" --label "$l"); done
    "$bin" flp-report "${args[@]}" --episodes 100 --seed 2001 --out "$out/report-$task"
done
