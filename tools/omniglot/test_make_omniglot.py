#!/usr/bin/python3
"""Checks of tools/omniglot/make_omniglot.py that need no Omniglot download (ctest omniglot_tool).

    test_make_omniglot.py WORKDIR            the tool on small made-up drawings
    test_make_omniglot.py WORKDIR --rebuild  the committed assets against the original zips in
                                             $PS_OMNIGLOT_SOURCE (exit 77 = skipped when unset)

Made-up drawings: 1-bit PNGs in the Omniglot layout, written here with zlib (one with each PNG
row filter), packed from a folder and from a zip of it: both must give the same bytes, and the
unpacked bits must be the drawings' ink. A colour PNG must be refused with its name.
"""
import io
import os
import struct
import subprocess
import sys
import zipfile
import zlib

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
TOOL = os.path.join(HERE, "make_omniglot.py")
ASSETS = os.path.join(HERE, "..", "..", "assets", "omniglot")


def chunk(kind, body):
    return struct.pack(">I", len(body)) + kind + body + struct.pack(">I", zlib.crc32(kind + body))


def png_1bit(white, filt):
    """white: (side, side) 0/1 array -> PNG bytes, every row with filter `filt` (0-4)."""
    side = white.shape[0]
    rows = np.packbits(white.astype(np.uint8), axis=1).astype(np.int32)
    raw = bytearray()
    prev = np.zeros(rows.shape[1], np.int32)
    for r in rows:
        left = np.concatenate([[0], r[:-1]])
        corner = np.concatenate([[0], prev[:-1]])
        if filt == 0:
            pred = np.zeros_like(r)
        elif filt == 1:
            pred = left
        elif filt == 2:
            pred = prev
        elif filt == 3:
            pred = (left + prev) // 2
        else:
            p = left + prev - corner
            pa, pb, pc = abs(p - left), abs(p - prev), abs(p - corner)
            pred = np.where((pa <= pb) & (pa <= pc), left, np.where(pb <= pc, prev, corner))
        raw.append(filt)
        raw += bytes(((r - pred) & 255).astype(np.uint8))
        prev = r
    ihdr = struct.pack(">IIBBBBB", side, side, 1, 0, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", zlib.compress(bytes(raw))) + chunk(b"IEND", b"")


def run(*args):
    return subprocess.run([sys.executable, TOOL, *args], capture_output=True, text=True)


def check(cond, what):
    if not cond:
        print("FAIL:", what)
        sys.exit(1)


def made_up(work):
    rng = np.random.default_rng(5)
    folder = os.path.join(work, "images_background_tiny")
    drawings = {}
    k = 0
    for alphabet in ("Alpha", "Beta"):
        for character in ("character01", "character02"):
            for drawer in range(3):
                ink = np.zeros((21, 21), np.uint8)
                ink[rng.integers(0, 21, 40), rng.integers(0, 21, 40)] = 1   # a few strokes' worth
                rel = f"{alphabet}/{character}/{drawer:02d}.png"
                os.makedirs(os.path.join(folder, alphabet, character), exist_ok=True)
                with open(os.path.join(folder, rel), "wb") as fh:
                    fh.write(png_1bit(1 - ink, k % 5))    # black ink on white paper, as Omniglot
                drawings[rel] = ink
                k += 1
    zpath = folder + ".zip"
    with zipfile.ZipFile(zpath, "w") as z:
        for rel in sorted(drawings, reverse=True):   # another order than the folder's
            z.write(os.path.join(folder, rel), "images_background_tiny/" + rel)
    out_dir, out_zip = os.path.join(work, "from_dir.npz"), os.path.join(work, "from_zip.npz")
    for src, out in ((folder, out_dir), (zpath, out_zip)):
        r = run(src, out)
        check(r.returncode == 0, f"packing {src}: {r.stderr}")
    with open(out_dir, "rb") as a, open(out_zip, "rb") as b:
        check(a.read() == b.read(), "folder and zip give different bytes")
    check(run("--compare", zpath, out_dir).returncode == 0, "--compare of an identical rebuild fails")
    d = np.load(out_dir)
    paths = bytes(d["paths"]).decode().split("\n")
    check(paths == sorted(drawings), f"paths {paths[:3]}... not in sorted order")
    bits = np.unpackbits(d["ink"], axis=1)[:, : 21 * 21].reshape(-1, 21, 21)
    for i, rel in enumerate(paths):
        check(np.array_equal(bits[i], drawings[rel]), f"{rel}: unpacked ink differs from the drawing")
    check('"side":"21"' in bytes(d["meta"]).decode(), "meta does not record side 21")

    bad = os.path.join(work, "bad", "A", "c", "x.png")
    os.makedirs(os.path.dirname(bad))
    with open(bad, "wb") as fh:   # 8-bit RGB: not an Omniglot drawing
        fh.write(b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", struct.pack(">IIBBBBB", 4, 4, 8, 2, 0, 0, 0)) +
                 chunk(b"IDAT", zlib.compress(bytes(4 * 13))) + chunk(b"IEND", b""))
    r = run(os.path.join(work, "bad"), os.path.join(work, "bad.npz"))
    check(r.returncode == 2 and "x.png" in r.stderr and "colour type 2" in r.stderr, f"bad PNG: {r.returncode} {r.stderr!r}")
    r = run(os.path.join(work, "nowhere"), os.path.join(work, "n.npz"))
    check(r.returncode == 2 and "no such folder or zip" in r.stderr, f"missing source: {r.stderr!r}")
    print(f"ok: {len(drawings)} made-up drawings, folder == zip, ink unpacked exactly, bad inputs refused")


def rebuild():
    src = os.environ.get("PS_OMNIGLOT_SOURCE", "")
    if not src:
        print("PS_OMNIGLOT_SOURCE is not set (the folder holding the original Omniglot zips): skipped")
        return 77
    for part in ("images_background_small1", "images_background_small2"):
        r = run("--compare", os.path.join(src, part + ".zip"), os.path.join(ASSETS, part + ".npz"))
        print(r.stdout.strip(), r.stderr.strip())
        if r.returncode != 0:
            return 1
    return 0


def main():
    work = sys.argv[1]
    os.makedirs(work, exist_ok=True)
    if "--rebuild" in sys.argv[2:]:
        return rebuild()
    import shutil
    shutil.rmtree(work)
    os.makedirs(work)
    made_up(work)
    return 0


if __name__ == "__main__":
    sys.exit(main())
