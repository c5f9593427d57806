#!/usr/bin/env bash
# The installed program stands alone (ctest install_relocated, label install):
#   install_test.sh BUILD_DIR SOURCE_DIR WORK_DIR
# 1. `cmake --install BUILD_DIR --prefix WORK/a`, then the prefix is moved to WORK/moved;
# 2. from WORK/elsewhere, with SOURCE_DIR/assets hidden (an empty folder mounted over it in a
#    private mount namespace, `unshare -m`, which needs root; where that is refused the run says so
#    and relies on the data folder the binary reports) and no data variable set:
#    `plastiscope --version` names WORK/moved/share/plastiscope as its installed data folder,
#    `tasks` lists every task, `--headless --episodes 5` trains the default demo, the omniglot task
#    trains on the glyph set, and `eval` of installed checkpoints reads the real Omniglot asset and
#    the photo patches.
set -euo pipefail
if [ "${1:-}" = --inside ]; then inside=1; shift; else inside=0; fi
build=$1 src=$2 work=$3
prefix="$work/moved"
bin="$prefix/bin/plastiscope"
fail() { echo "FAIL: $*"; exit 1; }

checks() {
  unset PS_DATA_DIR PS_OMNIGLOT_DIR PS_GLYPHS PS_IMAGES_SET
  cd "$work/elsewhere"
  local out
  out=$("$bin" --version) || fail "--version exited $?"
  echo "$out"
  grep -qx "data: $prefix/share/plastiscope (installed)" <<<"$out" || fail "the data folder is not the installed one"
  out=$("$bin" tasks) || fail "tasks exited $?"
  for t in patterns images omniglot maze bohp-completion flp-sine flp-classify; do
    grep -q "^$t" <<<"$out" || fail "tasks does not list $t"
  done
  echo "tasks: $(grep -c . <<<"$out") lines"
  "$bin" --headless --episodes 5 >headless.log 2>&1 || { cat headless.log; fail "--headless --episodes 5 exited non-zero"; }
  tail -2 headless.log
  "$bin" --headless --task omniglot --episodes 8 eval_data=omniglot-small2 >omniglot.log 2>&1 ||
    { cat omniglot.log; fail "omniglot on the installed data exited non-zero"; }
  tail -1 omniglot.log
  # Installed checkpoints, evaluated on the installed data: the real Omniglot asset, the photo patches.
  local ck="$prefix/share/plastiscope/checkpoints"
  "$bin" eval --checkpoint "$ck/omniglot-quick.npz" --episodes 20 eval_data=omniglot-small2 >eval.log 2>&1 ||
    { cat eval.log; fail "eval of the omniglot checkpoint on the installed real Omniglot exited non-zero"; }
  "$bin" eval --checkpoint "$ck/images-quick.npz" --episodes 5 >>eval.log 2>&1 ||
    { cat eval.log; fail "eval of the images checkpoint on the installed patches exited non-zero"; }
  cat eval.log
}

if [ "$inside" = 1 ]; then
  mount --bind "$work/empty" "$src/assets"
  [ -z "$(ls -A "$src/assets")" ] || fail "the source tree's assets are still visible"
  echo "source tree's assets hidden ($src/assets is empty in this mount namespace)"
  checks
  exit 0
fi

rm -rf "$work"
mkdir -p "$work/elsewhere" "$work/empty"
cmake --install "$build" --prefix "$work/a" >"$work/install.log"
mv "$work/a" "$work/moved"
[ -x "$bin" ] || fail "no $bin after the install"
[ -f "$prefix/share/plastiscope/omniglot/images_background_small1.npz" ] || fail "the assets were not installed"
if unshare -m --propagation private true 2>/dev/null; then
  unshare -m --propagation private bash "${BASH_SOURCE[0]}" --inside "$build" "$src" "$work"
else
  echo "note: cannot make a private mount namespace here (not root?): the source tree's assets stay visible;"
  echo "      the data folder the binary reports is checked instead"
  checks
fi
echo "ok: the moved install runs on its own data"
