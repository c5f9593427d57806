#!/usr/bin/env bash
# Builds the natural-image patch set (assets/images/patches.npz + preview.png) from Debian's
# packages. Nothing is installed: the .debs are fetched with `apt-get download` into a scratch
# folder and unpacked there with `dpkg -x`.
#   make_images.sh MAKE_IMAGES OUTDIR [WORKDIR]
# MAKE_IMAGES is the built tool (cmake --build BUILD --target make_images); OUTDIR receives
# patches.npz, preview.png and VERSIONS (the package versions used); WORKDIR (default: a temp
# folder) keeps the downloads. Exit 77 when the packages cannot be fetched (no apt network).
set -euo pipefail
tool=$1 out=$2 work=${3:-}
[[ -x "$tool" ]] || { echo "make_images.sh: '$tool' is not an executable (build the make_images target)"; exit 2; }
if [[ -z "$work" ]]; then work=$(mktemp -d); trap 'rm -rf "$work"' EXIT; fi
mkdir -p "$work" "$out"
pkgs="python3-skimage python3-scipy python-matplotlib-data"
if [[ ! -f "$work/root/.complete" ]]; then
  (
    cd "$work"
    rm -rf root deb && mkdir deb
    cd deb
    apt-get download $pkgs >/dev/null 2>&1 || exit 77
    for f in *.deb; do dpkg -x "$f" ../root; done
    for p in $pkgs; do echo "$p $(dpkg-deb -f ${p}_*.deb Version)"; done >../root/VERSIONS
    bunzip2 -c ../root/usr/lib/python3/dist-packages/scipy/misc/face.dat >../root/face.raw
    touch ../root/.complete
  ) || { echo "make_images.sh: cannot fetch $pkgs (no apt network?)"; exit 77; }
fi
"$tool" --root "$work/root" --face "$work/root/face.raw" --out "$out/patches.npz" --preview "$out/preview.png"
cp "$work/root/VERSIONS" "$out/VERSIONS"
