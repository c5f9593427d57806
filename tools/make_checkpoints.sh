#!/usr/bin/env bash
# Makes the pretrained checkpoints of assets/checkpoints/ with the project's own `train` command
# (the commands and their results are in assets/checkpoints/README.md). Each run goes to
# RUNS/<name>/ (resumable: run it again to continue an interrupted one) and its checkpoint, with
# its training history (and for patterns-quick a meta-training timeline), is copied to the assets.
#   tools/make_checkpoints.sh [BIN] [RUNS] [NAME ...]     (default: build/plastiscope runs/ckpt, all)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bin=${1:-$root/build/plastiscope}
runs=${2:-$root/runs/ckpt}
shift $(( $# > 2 ? 2 : $# )) || true
only=("$@")
out=${PS_CKPT_OUT:-$root/assets/checkpoints}   # another folder to look before replacing
mkdir -p "$runs"

want() { [ ${#only[@]} = 0 ] && return 0; local n; for n in "${only[@]}"; do [ "$n" = "$1" ] && return 0; done; return 1; }
# make NAME EPISODES EVERY TRAIN-ARGS...: train into RUNS/NAME (resuming), copy to assets/NAME.npz
make() {
  local name=$1 episodes=$2 every=$3; shift 3
  want "$name" || return 0
  local dir="$runs/$name" resume=()
  [ -f "$dir/checkpoint.npz" ] && resume=(--resume)
  echo "== $name: $*"
  local t0=$SECONDS
  "$bin" train "$@" --episodes "$episodes" --checkpoint-every "$every" --out "$dir" --quiet "${resume[@]}"
  cp "$dir/checkpoint.npz" "$out/.$name.npz.tmp" && mv "$out/.$name.npz.tmp" "$out/$name.npz"
  echo "   $name: $((SECONDS - t0)) s wall"
}

make patterns-quick 600 100 --task patterns --preset quick --seed 1 --timeline 24
make bohp-completion-paper 5000 1000 --task bohp-completion --preset paper --seed 1
make bohp-oneshot-paper 10000 2000 --task bohp-oneshot --preset paper --seed 1
make bohp-reversal-paper 10000 2000 --task bohp-reversal --preset paper --seed 1
make images-quick 30000 5000 --task images --preset quick --seed 1
make images-quick-shared 30000 5000 --task images --preset quick-shared --seed 1
make images-quick-nonplastic 30000 5000 --task images --preset quick-nonplastic --seed 1
make images-paper 1500 250 --task images --preset paper --seed 1
# The paper-size file ships without its Adam moments (8.4 MB instead of 25 MB): loading it starts
# a fresh Adam.
if want images-paper; then
  /usr/bin/python3 - "$out/images-paper.npz" <<'PY'
import os, sys, zipfile
src = sys.argv[1]; tmp = src + ".tmp"
with zipfile.ZipFile(src) as zi, zipfile.ZipFile(tmp, "w", zipfile.ZIP_STORED) as zo:
    for item in zi.infolist():
        if not item.filename.startswith(("optim/", "adam/")):
            zo.writestr(item, zi.read(item.filename))
os.replace(tmp, src)
PY
fi
make maze-plastic 30000 2000 --task maze --preset plastic --seed 3 lr=5e-4 grad_clip=2 clip=1
make maze-non-plastic 30000 2000 --task maze --preset non-plastic --seed 2 lr=5e-4 grad_clip=2 clip=1
make flp-sine-flp 10000 1000 --task flp-sine --preset flp --seed 1
make flp-classify-flp 8000 1000 --task flp-classify --preset flp --seed 1
make omniglot-quick 250000 10000 --task omniglot --preset quick --seed 1
