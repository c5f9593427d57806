#!/usr/bin/env bash
# ThreadSanitizer check of the trainer/GUI handoff: builds build-tsan (-fsanitize=thread, no GUI)
# and runs the [trainer] unit tests there. Exit code = the tests' (any race report fails them).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
jobs=${JOBS:-$(nproc 2>/dev/null || echo 2)}
cmake -S "$root" -B "$root/build-tsan" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DPS_SANITIZE=thread \
      -DPS_BUILD_GUI=OFF -DBUILD_TESTING=ON >/dev/null
cmake --build "$root/build-tsan" -j"$jobs" --target ps_tests >"$root/build-tsan/build.log" 2>&1 || {
  grep -E 'error' -A3 "$root/build-tsan/build.log" | head -40 >&2
  echo "tsan: build failed (log: build-tsan/build.log)" >&2
  exit 1
}
export TSAN_OPTIONS="halt_on_error=1 second_deadlock_stack=1 ${TSAN_OPTIONS:-}"
"$root/build-tsan/ps_tests" "[trainer]"
