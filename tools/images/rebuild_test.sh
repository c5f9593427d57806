#!/usr/bin/env bash
# ctest check (tests/images.cmake, label `images`): rebuilds the patch set from the Debian packages
# and requires it to equal the committed assets/images/patches.npz and preview.png byte for byte.
#   rebuild_test.sh MAKE_IMAGES WORKDIR ASSETDIR
# Exit 77 (skipped) when the packages cannot be fetched, or when their versions differ from the
# ones the committed set was made from (listed in ASSETDIR/LICENSES.md).
set -euo pipefail
tool=$1 work=$2 assets=$3
here=$(cd "$(dirname "$0")" && pwd)
. "$here/../rebuild_common.sh"
mkdir -p "$work"
rc=0
bash "$here/make_images.sh" "$tool" "$work/out" "$work/src" || rc=$?
[[ $rc -eq 77 ]] && { echo "images: packages unavailable: skipped"; exit 77; }
[[ $rc -eq 0 ]] || { echo "FAIL: make_images.sh exited with $rc"; exit 1; }
while read -r pkg ver; do
  grep -q "^- \`$pkg\` $ver" "$assets/LICENSES.md" || { echo "images: $pkg $ver here differs from the version in LICENSES.md: skipped"; exit 77; }
done <"$work/out/VERSIONS"
for f in patches.npz preview.png; do
  same_bytes "$f rebuilt:  " "$work/out/$f" "$f committed:" "$assets/$f" "rebuilt $f differs from $assets/$f"
done
echo OK
