#!/usr/bin/env bash
# README's test command: installs what is missing, builds Release, runs every test (ctest).
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"
bash tools/setup.sh
cd build
ctest --output-on-failure -j2 --timeout 900
