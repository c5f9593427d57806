#!/usr/bin/env bash
# Installs the Debian packages Plastiscope needs (only those missing; quiet when all are there)
# and builds the Release tree in build/. Idempotent: a second run only rebuilds what changed.
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
mapfile -t pkgs < <(grep -v '^#' tools/deps.txt | grep -v '^$')
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "setup: installing ${missing[*]}"
  sudo=""; [ "$(id -u)" = 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi
jobs=$(nproc 2>/dev/null || echo 2)
cmake -S . -B build -DCMAKE_BUILD_TYPE=Release "$@" >/dev/null
if ! cmake --build build -j"$jobs" >build/build.log 2>&1; then
  grep -E 'error|Error' -A3 build/build.log | head -60 >&2
  echo "setup: build failed (full log: build/build.log)" >&2
  exit 1
fi
grep -E 'warning:' build/build.log | head -20 || true
