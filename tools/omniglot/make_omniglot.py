#!/usr/bin/python3
"""Packs real Omniglot drawings into the project's compact asset (assets/omniglot/*.npz).

    /usr/bin/python3 tools/omniglot/make_omniglot.py SOURCE.zip|SOURCE_FOLDER OUT.npz
    /usr/bin/python3 tools/omniglot/make_omniglot.py --compare SOURCE OUT.npz   # rebuild, compare

SOURCE is one part of Lake et al.'s Omniglot (github.com/brendenlake/omniglot, MIT licence) as
they distribute it: a zip such as images_background_small1.zip, or its unpacked folder; every
PNG whose path ends in <alphabet>/<character>/<file>.png is one drawing. Omniglot's drawings are
1-bit 105x105 images, so they are kept losslessly: one bit a pixel, 1 = ink (the minority colour,
the rule the engine's PNG loader applies), packed most significant bit first, the whole set
deflated. The engine turns a drawing into the network's input exactly as from the PNG (area
average to 31 px), so the asset and the original zip give the same data to the last bit; the
unit tests check it.

The .npz (format plastiscope-omniglot-1) holds
    meta   uint8 text, flat JSON: format, side, count, source (the part's name, without .zip)
    paths  uint8 text, "alphabet/character/file.png" per drawing, '\\n'-separated, sorted
    ink    uint8 (count, ceil(side*side/8)), the packed bits of each drawing in `paths` order
It is written byte-for-byte reproducibly (fixed zip timestamps and order, zlib level 9), so a
rebuild on the same Debian release equals the committed file. Needs Python 3 and numpy only.
"""
import argparse
import io
import json
import os
import struct
import sys
import zipfile
import zlib

import numpy as np

FORMAT = "plastiscope-omniglot-1"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


class InputError(Exception):
    """A source file that is not what the tool expects; the message names it."""


def decode_png_bits(data, label):
    """A 1-bit greyscale, non-interlaced PNG -> (side, side) uint8 array of 0 (black) / 1 (white)."""
    if data[:8] != PNG_MAGIC:
        raise InputError(f"{label}: not a PNG file")
    pos, header, idat = 8, None, []
    while pos + 8 <= len(data):
        length, kind = struct.unpack(">I4s", data[pos : pos + 8])
        body = data[pos + 8 : pos + 8 + length]
        if len(body) != length:
            raise InputError(f"{label}: truncated {kind!r} chunk")
        if kind == b"IHDR":
            header = struct.unpack(">IIBBBBB", body[:13])
        elif kind == b"IDAT":
            idat.append(body)
        elif kind == b"IEND":
            break
        pos += 12 + length
    if header is None or not idat:
        raise InputError(f"{label}: no IHDR or IDAT chunk")
    width, height, depth, colour, _, _, interlace = header
    if depth != 1 or colour != 0 or interlace != 0:
        raise InputError(f"{label}: bit depth {depth}, colour type {colour}, interlace {interlace}; "
                         "Omniglot's drawings are 1-bit grey, not interlaced")
    if width != height or not 8 <= width <= 4096:
        raise InputError(f"{label}: {width}x{height}, expected a square of 8 to 4096 px")
    stride = (width + 7) // 8
    try:
        raw = zlib.decompress(b"".join(idat))
    except zlib.error as e:
        raise InputError(f"{label}: corrupt image data ({e})") from None
    if len(raw) != height * (stride + 1):
        raise InputError(f"{label}: image data holds {len(raw)} bytes, expected {height * (stride + 1)}")
    rows = np.frombuffer(raw, np.uint8).reshape(height, stride + 1)
    out = np.zeros((height, stride), np.uint8)
    prev = np.zeros(stride, np.int32)
    for y in range(height):
        filt, line = rows[y, 0], rows[y, 1:].astype(np.int32)
        if filt == 0:
            cur = line
        elif filt == 2:
            cur = (line + prev) & 255
        elif filt in (1, 3, 4):   # these depend on the byte to the left: one byte at a time
            cur = np.zeros(stride, np.int32)
            for i in range(stride):
                left = cur[i - 1] if i else 0
                up, corner = prev[i], (prev[i - 1] if i else 0)
                if filt == 1:
                    pred = left
                elif filt == 3:
                    pred = (left + up) // 2
                else:
                    p = left + up - corner
                    pa, pb, pc = abs(p - left), abs(p - up), abs(p - corner)
                    pred = left if pa <= pb and pa <= pc else up if pb <= pc else corner
                cur[i] = (line[i] + pred) & 255
        else:
            raise InputError(f"{label}: unknown PNG filter {filt} in row {y}")
        out[y] = cur
        prev = cur
    return np.unpackbits(out, axis=1)[:, :width]


def drawing_path(name):
    """'any/prefix/alphabet/character/file.png' -> 'alphabet/character/file.png', else None."""
    parts = [p for p in name.replace("\\", "/").split("/") if p]
    if len(parts) < 3 or not parts[-1].lower().endswith(".png") or parts[-1].startswith("."):
        return None
    return "/".join(parts[-3:])


def read_source(source):
    """Every drawing of a zip or folder as (path, bytes), in the zip's or the walk's order."""
    if os.path.isdir(source):
        for top, dirs, files in os.walk(source):
            dirs.sort()
            for f in sorted(files):
                full = os.path.join(top, f)
                key = drawing_path(os.path.relpath(full, source))
                if key:
                    with open(full, "rb") as fh:
                        yield key, fh.read(), full
    elif os.path.isfile(source):
        try:
            archive = zipfile.ZipFile(source)
        except zipfile.BadZipFile as e:
            raise InputError(f"{source}: not a readable zip ({e})") from None
        with archive:
            for info in archive.infolist():
                key = drawing_path(info.filename)
                if key and not info.is_dir():
                    yield key, archive.read(info), f"{source}:{info.filename}"
    else:
        raise InputError(f"{source}: no such folder or zip file")


def pack(source):
    """The asset's arrays for one source."""
    drawings = {}
    side = None
    for key, data, label in read_source(source):
        white = decode_png_bits(data, label)
        if side is None:
            side = white.shape[0]
        elif white.shape[0] != side:
            raise InputError(f"{label}: {white.shape[0]} px, the earlier drawings have {side}")
        if key in drawings:
            raise InputError(f"{label}: a second drawing named {key}")
        ink = 1 - white if white.mean() > 0.5 else white   # the paper is the majority colour
        drawings[key] = np.packbits(ink.reshape(-1))
    if len(drawings) < 2:
        raise InputError(f"{source}: found {len(drawings)} drawings (expected <alphabet>/<character>/<file>.png)")
    # The engine's order: by alphabet, character, file (a tuple sort, as the zip loader does).
    paths = sorted(drawings, key=lambda p: tuple(p.split("/")))
    name = os.path.basename(source.rstrip("/"))   # the same for the zip and its unpacked folder
    name = name[:-4] if name.lower().endswith(".zip") else name
    meta = {"format": FORMAT, "side": str(side), "count": str(len(paths)), "source": name}
    return {
        "meta": np.frombuffer(json.dumps(meta, separators=(",", ":")).encode(), np.uint8),
        "paths": np.frombuffer("\n".join(paths).encode(), np.uint8),
        "ink": np.stack([drawings[p] for p in paths]),
    }


def npz_bytes(arrays):
    """A deterministic deflated .npz: fixed member order, timestamps and attributes."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        for name in ("meta", "paths", "ink"):
            npy = io.BytesIO()
            np.lib.format.write_array(npy, np.ascontiguousarray(arrays[name]), version=(1, 0), allow_pickle=False)
            info = zipfile.ZipInfo(name + ".npy", date_time=(1980, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            z.writestr(info, npy.getvalue(), compresslevel=9)
    return out.getvalue()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("source", help="an Omniglot zip (e.g. images_background_small1.zip) or its unpacked folder")
    ap.add_argument("out", help="the .npz to write (or, with --compare, to compare against)")
    ap.add_argument("--compare", action="store_true", help="rebuild in memory and compare with OUT byte for byte")
    a = ap.parse_args()
    try:
        data = npz_bytes(pack(a.source))
    except InputError as e:
        print(f"make_omniglot: {e}", file=sys.stderr)
        return 2
    if a.compare:
        try:
            with open(a.out, "rb") as fh:
                have = fh.read()
        except OSError as e:
            print(f"make_omniglot: {a.out}: {e.strerror}", file=sys.stderr)
            return 2
        same = have == data
        print(f"{a.out}: {'identical to' if same else 'DIFFERS from'} the rebuild from {a.source} "
              f"({len(have)} vs {len(data)} bytes)")
        return 0 if same else 1
    tmp = a.out + ".tmp"
    with open(tmp, "wb") as fh:
        fh.write(data)
    os.replace(tmp, a.out)
    print(f"{a.out}: {len(data)} bytes from {a.source}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
