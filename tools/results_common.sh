# The prologue the tools/*_results.sh reproduction scripts share, sourced by each of them:
# strict mode, the repository root, and one check that the program exists before hours of runs.
# shellcheck shell=bash
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# results_setup NAME BIN OUT: sets $bin and $out for the caller; stops with one message naming
# the missing program, else makes OUT.
results_setup() {
    bin=$2 out=$3
    [ -x "$bin" ] || { echo "$1: no $bin (build first: tools/setup.sh)" >&2; exit 1; }
    mkdir -p "$out"
}
