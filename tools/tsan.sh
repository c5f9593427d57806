#!/usr/bin/env bash
# ThreadSanitizer run of the threaded tests (the trainer/GUI handoff, the multi-threaded sweep):
# builds build-tsan (Debug at -O1, -fsanitize=thread, no GUI) with only the engine and the test
# files that start threads (ps_tests_threads, cmake/parts/sanitize.cmake), then runs the cases
# tagged [trainer] or [threads] and those whose name mentions threads. Any race report fails the run.
# Exit code = the tests'. JOBS=N sets the build's parallelism (default: all cores).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jobs=${JOBS:-$(nproc 2>/dev/null || echo 2)}
dir=${PS_TSAN_DIR:-$root/build-tsan}
mkdir -p "$dir"
cmake -S "$root" -B "$dir" -DCMAKE_BUILD_TYPE=Debug "-DCMAKE_CXX_FLAGS_DEBUG=-O1 -g1" "-DCMAKE_C_FLAGS_DEBUG=-O1 -g1" \
      -DPS_SANITIZE=thread -DPS_BUILD_GUI=OFF -DBUILD_TESTING=ON -DPS_PCH=ON >"$dir/configure.log" 2>&1 || {
  tail -20 "$dir/configure.log" >&2
  echo "tsan: configure failed (log: $dir/configure.log)" >&2
  exit 1
}
cmake --build "$dir" -j"$jobs" --target ps_tests_threads >"$dir/build.log" 2>&1 || {
  grep -E 'error' -A3 "$dir/build.log" | head -40 >&2
  echo "tsan: build failed (log: $dir/build.log)" >&2
  exit 1
}
[ "${1:-}" = "--build-only" ] && exit 0
export TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 ${TSAN_OPTIONS:-}"
# [trainer] without [tasks] (that one runs every task on its default preset: many minutes under
# TSan); the same handoff for every task on its lightest preset is [threads]
# (tests/unit/test_reliability_threads.cpp, and the threaded kernels); sweep:* is the
# multi-threaded sweep.
"$dir/ps_tests_threads" "[trainer]~[tasks],[threads],sweep:*" --reporter compact
