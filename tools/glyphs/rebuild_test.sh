#!/usr/bin/env bash
# Rebuild checks for the glyph data set (registered by cmake/parts/glyphs.cmake).
#   rebuild_test.sh subset MAKE_GLYPHS WORKDIR ASSETDIR [FONTDIR]
#       builds a 3-alphabet subset twice and requires identical bytes
#   rebuild_test.sh full   MAKE_GLYPHS WORKDIR ASSETDIR [FONTDIR]
#       rebuilds the whole set with the recorded command and requires it to equal ASSETDIR/glyphs.npz
# FONTDIR defaults to WORKDIR/noto, filled by `apt-get download fonts-noto-core` + `dpkg -x`
# (nothing is installed). Exit 77 (skipped) when the fonts cannot be had, or, for `full`, when the
# package version differs from the one the committed asset was made from.
set -euo pipefail
. "$(dirname "$0")/../rebuild_common.sh"
mode=$1 tool=$2 work=$3 assets=$4 fonts=${5:-}
want_version=$(sed -n 's/^fonts-noto-core version: *//p' "$assets/SOURCES.md")
mkdir -p "$work"
if [[ -z "$fonts" ]]; then
  fonts="$work/noto/usr/share/fonts/truetype/noto"
  if [[ ! -f "$fonts/NotoSans-Regular.ttf" ]]; then
    (
      cd "$work"
      rm -rf noto deb && mkdir deb
      cd deb
      apt-get download fonts-noto-core >/dev/null 2>&1 || exit 77
      dpkg -x fonts-noto-core_*.deb ../noto
      dpkg-deb -f fonts-noto-core_*.deb Version > ../noto/VERSION
    ) || { echo "glyphs: cannot fetch fonts-noto-core (no apt network?): skipped"; exit 77; }
  fi
  have_version=$(cat "$work/noto/VERSION" 2>/dev/null || echo unknown)
else
  have_version=given
fi
[[ -f "$fonts/NotoSans-Regular.ttf" ]] || { echo "glyphs: no NotoSans-Regular.ttf in $fonts: skipped"; exit 77; }

case "$mode" in
  subset)
    for i in 1 2; do
      "$tool" --fonts "$fonts" --out "$work/subset$i.npz" --alphabets 3 --max-chars 6 --min-chars 2 --drawers 3 2>/dev/null
    done
    same_bytes "subset 1:" "$work/subset1.npz" "subset 2:" "$work/subset2.npz" "two builds of the same subset differ"
    [[ $(stat -c %s "$work/subset1.npz") -gt 1000 ]] || { echo "FAIL: subset file is implausibly small"; exit 1; }
    ;;
  full)
    if [[ "$have_version" != given && "$have_version" != "$want_version" ]]; then
      echo "glyphs: fonts-noto-core $have_version here, the asset was made from $want_version: skipped"
      exit 77
    fi
    "$tool" --fonts "$fonts" --out "$work/full.npz" 2>"$work/full.log"
    same_bytes "rebuilt:  " "$work/full.npz" "committed:" "$assets/glyphs.npz" \
      "the rebuilt glyph set differs from assets/glyphs/glyphs.npz (fonts: $have_version)"
    ;;
  *) echo "usage: $0 subset|full MAKE_GLYPHS WORKDIR ASSETDIR [FONTDIR]"; exit 2 ;;
esac
echo OK
