#!/usr/bin/env bash
# One timed libFuzzer run (registered as a ctest by cmake/parts/fuzz.cmake):
#   run_fuzz.sh FUZZER SEED_DIR WORK_DIR SECONDS
# New interesting inputs go to WORK_DIR/corpus (kept between runs), a crashing input to
# WORK_DIR/crash-* (replay it with `FUZZER FILE`). Prints one summary line:
#   fuzz: NAME: N executions in S s (R/s), corpus C files, 0 findings
# Exit status: libFuzzer's (non-zero on any finding: sanitizer report, abort, leak, timeout,
# out-of-memory).
set -u
fuzzer=$1 seeds=$2 work=$3 seconds=$4
name=$(basename "$fuzzer")
mkdir -p "$work/corpus"
# Limits: one input may not allocate over 1 GiB at once or make the process exceed 2.5 GiB, nor
# run over 10 s. Leaks are findings too.
export ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=1:allocator_may_return_null=0"
export UBSAN_OPTIONS="${UBSAN_OPTIONS:-}:print_stacktrace=1:halt_on_error=1"
start=$(date +%s.%N)
"$fuzzer" -max_total_time="$seconds" -seed=1 -timeout=10 -malloc_limit_mb=1024 -rss_limit_mb=2560 \
  -print_final_stats=1 -artifact_prefix="$work/" "$work/corpus" "$seeds" >"$work/log" 2>&1
rc=$?
end=$(date +%s.%N)
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$work/log" | tail -1)
files=$(find "$work/corpus" -type f | wc -l)
awk -v n="$name" -v e="${execs:-0}" -v a="$start" -v b="$end" -v c="$files" -v rc="$rc" 'BEGIN {
  s = b - a; printf "fuzz: %s: %d executions in %.0f s (%.0f/s), corpus %d files, %s\n", n, e, s, e / s, c,
  rc == 0 ? "0 findings" : "FINDING (exit " rc ")" }'
if [ "$rc" != 0 ]; then
  grep -E 'ERROR|FUZZ FINDING|SUMMARY|==[0-9]+==|#[0-9]+ 0x|artifact|Test unit written' "$work/log" | head -60
  echo "full log: $work/log"
fi
exit "$rc"
