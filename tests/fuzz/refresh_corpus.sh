#!/usr/bin/env bash
# Grows the committed fuzz corpus (tests/fuzz/corpus/<target>) so that the test command's short
# fuzz runs start from everything earlier runs found:
#   bash tests/fuzz/refresh_corpus.sh [BUILD_DIR] [SECONDS]
# BUILD_DIR (default build-asan) is a clang build configured with -DPS_FUZZ=ON whose fuzz targets
# are built (`cmake --build build-asan --target fuzz_all`; tools/test.sh makes one). Each target
# first fuzzes for SECONDS (default 120) from the committed corpus plus the inputs its earlier
# ctest runs kept (BUILD_DIR/fuzz-runs/<target>/corpus), then libFuzzer's -merge=1 adds to the
# committed corpus only the inputs that reach new coverage. Commit tests/fuzz/corpus afterwards.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
build=${1:-$root/build-asan}
seconds=${2:-120}
[ -d "$build/fuzz" ] || { echo "refresh_corpus: no fuzz targets in $build/fuzz (build fuzz_all with -DPS_FUZZ=ON first)" >&2; exit 1; }
export ASAN_OPTIONS="${ASAN_OPTIONS:-}:detect_leaks=1"
for fuzzer in "$build"/fuzz/fuzz_*; do
  name=$(basename "$fuzzer")
  seeds="$root/tests/fuzz/corpus/$name"
  runs="$build/fuzz-runs/$name/corpus"
  mkdir -p "$seeds" "$runs"
  before=$(find "$seeds" -type f | wc -l)
  if [ "$seconds" -gt 0 ]; then
    "$fuzzer" -max_total_time="$seconds" -timeout=10 -malloc_limit_mb=1024 -rss_limit_mb=2560 \
      -artifact_prefix="$build/fuzz-runs/$name/" "$runs" "$seeds" >"$build/fuzz-runs/$name/refresh.log" 2>&1 || {
      echo "refresh_corpus: $name found something (see $build/fuzz-runs/$name/refresh.log); corpus not changed" >&2
      exit 1
    }
  fi
  "$fuzzer" -merge=1 "$seeds" "$runs" >"$build/fuzz-runs/$name/merge.log" 2>&1
  after=$(find "$seeds" -type f | wc -l)
  echo "refresh_corpus: $name: $before -> $after files"
done
du -sh "$root/tests/fuzz/corpus"
