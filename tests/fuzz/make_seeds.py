#!/usr/bin/python3
"""Writes the fuzz seed corpora in tests/fuzz/corpus/ (committed; rerun to regenerate).

    /usr/bin/python3 tests/fuzz/make_seeds.py [PLASTISCOPE]   (Debian python3-numpy)

Small valid inputs of every loader, in the variants each accepts, plus a few near misses:
  fuzz_npz          .npz as numpy writes them (stored, deflated, Fortran order, int32, bool,
                    npy 2.0, 0-d and empty arrays) and as Plastiscope writes them
  fuzz_glyphs       tiny glyph sets (format plastiscope-glyphs-1, side 8, 2 drawers)
  fuzz_png          character images: grey 8-bit, 1-bit, RGB, grey+alpha 16-bit, palette,
                    interlaced; white-on-black and black-on-white
  fuzz_omniglot_zip a 2-alphabet, 3-character Omniglot zip (stored and deflated), and the same
                    drawings packed by tools/omniglot/make_omniglot.py (the assets' format)
  fuzz_digits       a minimal digits.bin (1000 images of 1x1: 100 per digit)
  fuzz_image_file   photos of an image folder: PNG (RGB, grey, RGBA, flat, too small), BMP, TGA
  fuzz_cifar        CIFAR-10 batches of 3, 6 and 8 records (with and without test_batch.bin)
  fuzz_patch_set    tiny patch sets (plastiscope-images-1, sides 4 and 8)
  fuzz_checkpoint   one small checkpoint per registered task (needs PLASTISCOPE, the CLI,
                    which trains each for one step); also copied to fuzz_npz
  fuzz_config       each of those runs' config.json, prefixed by the task's index byte
Deterministic: the same bytes every time (fixed seeds, zip timestamps fixed).
"""
import io
import json
import os
import shutil
import struct
import subprocess
import sys
import tempfile
import zipfile
import zlib

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
CORPUS = os.path.join(HERE, "corpus")
ZIP_TIME = (2024, 1, 1, 0, 0, 0)


def out(target, name, data):
    d = os.path.join(CORPUS, target)
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def npz_bytes(arrays, compressed=False):
    """numpy.savez writes zip timestamps from the clock: rebuild the zip with fixed ones."""
    buf = io.BytesIO()
    (np.savez_compressed if compressed else np.savez)(buf, **arrays)
    src = zipfile.ZipFile(io.BytesIO(buf.getvalue()))
    res = io.BytesIO()
    with zipfile.ZipFile(res, "w") as z:
        for info in src.infolist():
            zi = zipfile.ZipInfo(info.filename, ZIP_TIME)
            zi.compress_type = info.compress_type
            z.writestr(zi, src.read(info.filename))
    return res.getvalue()


def npy_v2(arr):
    buf = io.BytesIO()
    np.lib.format.write_array(buf, arr, version=(2, 0))
    return buf.getvalue()


def zip_of(members, deflate=False):
    res = io.BytesIO()
    with zipfile.ZipFile(res, "w") as z:
        for name, data in members:
            zi = zipfile.ZipInfo(name, ZIP_TIME)
            zi.compress_type = zipfile.ZIP_DEFLATED if deflate else zipfile.ZIP_STORED
            z.writestr(zi, data)
    return res.getvalue()


def text(s):
    return np.frombuffer(s.encode(), dtype=np.uint8)


# ---------------------------------------------------------------- npz
def seeds_npz():
    rng = np.random.default_rng(1)
    out("fuzz_npz", "plain.npz", npz_bytes({"w": rng.standard_normal((3, 4)).astype(np.float32),
                                            "b": np.arange(5, dtype=np.int64)}))
    out("fuzz_npz", "deflated.npz", npz_bytes({"x": rng.standard_normal((2, 3)), "t": text("hello")}, True))
    out("fuzz_npz", "fortran.npz", npz_bytes({"f": np.asfortranarray(rng.standard_normal((3, 2, 2)).astype(np.float32))}))
    out("fuzz_npz", "int32_bool.npz", npz_bytes({"i": np.arange(6, dtype=np.int32).reshape(2, 3),
                                                 "m": np.array([True, False, True])}))
    out("fuzz_npz", "scalar_empty.npz", npz_bytes({"s": np.float64(2.5), "e": np.zeros((0, 3), np.float32),
                                                   "nested/name": np.ones(1, np.uint8)}))
    out("fuzz_npz", "npy2.npz", zip_of([("v.npy", npy_v2(np.arange(4, dtype=np.float64)))]))
    out("fuzz_npz", "empty.npz", b"PK\x05\x06" + b"\0" * 18)


# ---------------------------------------------------------------- glyphs
def glyph_set(side=8, drawers=2, chars=((0, 0x41), (0, 0x42), (1, 0x3b1)), names=("Latin", "Greek"), split=(0, 1)):
    rng = np.random.default_rng(2)
    nbytes = (side * side + 1) // 2
    meta = {"format": "plastiscope-glyphs-1", "side": side, "bits": 4, "drawers": drawers, "seed": 1,
            "glyph_px": 6.5, "source": "fuzz seed"}
    return npz_bytes({
        "images": rng.integers(0, 256, (len(chars) * drawers, nbytes), dtype=np.uint8),
        "char_alphabet": np.array([c[0] for c in chars], np.int64),
        "char_codepoint": np.array([c[1] for c in chars], np.int64),
        "alphabet_split": np.array(split, np.int64),
        "alphabet_names": text("\n".join(names)),
        "alphabet_fonts": text("\n".join("NotoSans-Regular.ttf" for _ in names)),
        "meta": text(json.dumps(meta)),
    })


def seeds_glyphs():
    out("fuzz_glyphs", "small.npz", glyph_set())
    out("fuzz_glyphs", "three_drawers.npz", glyph_set(side=9, drawers=3))
    out("fuzz_glyphs", "one_split.npz", glyph_set(split=(0, 0)))


# ---------------------------------------------------------------- png
def png(pixels, bit_depth=8, color_type=0, palette=None, interlace=0):
    """Minimal PNG encoder (filter 0 on every row; Adam7 when interlace=1)."""
    h, w = pixels.shape[:2]
    chans = {0: 1, 2: 3, 3: 1, 4: 2, 6: 4}[color_type]

    def rows(img):
        raw = b""
        for y in range(img.shape[0]):
            row = img[y].reshape(-1, chans) if chans > 1 else img[y].reshape(-1, 1)
            if bit_depth == 16:
                data = row.astype(">u2").tobytes()
            elif bit_depth == 8:
                data = row.astype(np.uint8).tobytes()
            else:   # packed sub-byte grey / palette
                bits = "".join(format(int(v), "0%db" % bit_depth) for v in row[:, 0])
                bits += "0" * (-len(bits) % 8)
                data = bytes(int(bits[i:i + 8], 2) for i in range(0, len(bits), 8))
            raw += b"\0" + data
        return raw

    if interlace:
        passes = [(0, 0, 8, 8), (4, 0, 8, 8), (0, 4, 4, 8), (2, 0, 4, 4), (0, 2, 2, 4), (1, 0, 2, 2), (0, 1, 1, 2)]
        raw = b"".join(rows(pixels[y0::dy, x0::dx]) for x0, y0, dx, dy in passes
                       if pixels[y0::dy, x0::dx].size)
    else:
        raw = rows(pixels)

    def chunk(kind, data):
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xffffffff)

    ihdr = struct.pack(">IIBBBBB", w, h, bit_depth, color_type, 0, 0, interlace)
    body = chunk(b"IHDR", ihdr)
    if palette is not None:
        body += chunk(b"PLTE", bytes(palette))
    return b"\x89PNG\r\n\x1a\n" + body + chunk(b"IDAT", zlib.compress(raw, 9)) + chunk(b"IEND", b"")


def glyph_image(side, rng, ink_on_white=True):
    img = np.zeros((side, side), np.uint8)
    for _ in range(3):   # a few strokes
        y0, x0, y1, x1 = rng.integers(2, side - 2, 4)
        for t in np.linspace(0, 1, 3 * side):
            img[int(y0 + t * (y1 - y0)), int(x0 + t * (x1 - x0))] = 255
    return 255 - img if ink_on_white else img


def seeds_png():
    rng = np.random.default_rng(3)
    g = glyph_image(35, rng)
    out("fuzz_png", "grey8.png", png(g))
    out("fuzz_png", "grey8_exact31.png", png(glyph_image(31, rng, False)))
    out("fuzz_png", "grey1.png", png((g > 127).astype(np.uint8), bit_depth=1))
    out("fuzz_png", "rgb8.png", png(np.stack([g, g, g], -1), color_type=2))
    out("fuzz_png", "grey_alpha16.png", png(np.stack([g.astype(np.uint16) * 257, np.full_like(g, 65535, np.uint16)], -1),
                                           bit_depth=16, color_type=4))
    out("fuzz_png", "palette4.png", png((g > 127).astype(np.uint8), bit_depth=4, color_type=3,
                                        palette=[0, 0, 0, 255, 255, 255]))
    out("fuzz_png", "interlaced.png", png(g, interlace=1))
    out("fuzz_png", "not_square.png", png(np.zeros((31, 40), np.uint8)))


def seeds_omniglot():
    rng = np.random.default_rng(4)
    members = []
    for alpha in ("Alphabet_A", "Alphabet_B"):
        for ch in (("character01", "character02") if alpha.endswith("A") else ("character01",)):
            for k in (1, 2):
                members.append(("images_background/%s/%s/%s_%02d.png" % (alpha, ch, ch[-2:], k),
                                png(glyph_image(33, rng))))
    out("fuzz_omniglot_zip", "background.zip", zip_of(members))
    out("fuzz_omniglot_zip", "deflated.zip", zip_of(members[:4], deflate=True))
    # The packed form of real Omniglot (assets/omniglot): 1-bit drawings of 31 px.
    sys.path.insert(0, os.path.join(HERE, "..", "..", "tools", "omniglot"))
    import make_omniglot
    with tempfile.TemporaryDirectory() as tmp:
        src = os.path.join(tmp, "images_background_small1.zip")
        bits = [("images_background/%s" % m[0].split("/", 1)[1], png((glyph_image(31, rng) > 127).astype(np.uint8), bit_depth=1))
                for m in members]
        with open(src, "wb") as f:
            f.write(zip_of(bits))
        out("fuzz_omniglot_zip", "packed.npz", make_omniglot.npz_bytes(make_omniglot.pack(src)))


def seeds_digits():
    n, rows, cols = 1000, 1, 1
    labels = np.repeat(np.arange(10, dtype=np.uint8), 100)
    np.random.default_rng(5).shuffle(labels)
    px = np.random.default_rng(6).integers(0, 256, n * rows * cols, dtype=np.uint8)
    out("fuzz_digits", "tiny.bin", b"PSDIGIT1" + struct.pack("<IHH", n, rows, cols) + labels.tobytes() + px.tobytes())
    rows = cols = 2
    px = np.random.default_rng(7).integers(0, 256, n * rows * cols, dtype=np.uint8)
    out("fuzz_digits", "tiny2x2.bin", b"PSDIGIT1" + struct.pack("<IHH", n, rows, cols) + labels.tobytes() + px.tobytes())


# ---------------------------------------------------------------- image folder, CIFAR-10, patch set
def bmp24(pixels):
    """Uncompressed 24-bit BMP (bottom-up rows padded to 4 bytes)."""
    h, w = pixels.shape[:2]
    row = (3 * w + 3) // 4 * 4
    data = b"".join(pixels[y, :, ::-1].astype(np.uint8).tobytes().ljust(row, b"\0") for y in range(h - 1, -1, -1))
    head = struct.pack("<2sIHHI", b"BM", 54 + len(data), 0, 0, 54)
    info = struct.pack("<IiiHHIIiiII", 40, w, h, 1, 24, 0, len(data), 2835, 2835, 0, 0)
    return head + info + data


def tga_grey(pixels):
    """Uncompressed 8-bit grey TGA (type 3, top-left origin)."""
    h, w = pixels.shape
    return struct.pack("<BBBHHBHHHHBB", 0, 0, 3, 0, 0, 0, 0, 0, w, h, 8, 0x20) + pixels.astype(np.uint8).tobytes()


def seeds_image_file():
    """fuzz_image_file: first byte = extension index (.png .jpg .bmp .gif .tga .jpeg), then the file."""
    rng = np.random.default_rng(8)
    photo = rng.integers(0, 256, (40, 48, 3), dtype=np.uint8)
    out("fuzz_image_file", "rgb_40x48.png", bytes([0]) + png(photo, color_type=2))
    grey = (np.add.outer(np.arange(36), np.arange(36)) * 7 % 256).astype(np.uint8)
    out("fuzz_image_file", "grey_36.png", bytes([0]) + png(grey))
    out("fuzz_image_file", "rgba_34.png", bytes([0]) + png(rng.integers(0, 256, (34, 34, 4), dtype=np.uint8), color_type=6))
    out("fuzz_image_file", "big_flat_100.png", bytes([0]) + png(np.full((100, 100), 128, np.uint8)))   # no contrast
    out("fuzz_image_file", "small_20.png", bytes([0]) + png(grey[:20, :20]))   # smaller than a patch
    out("fuzz_image_file", "rgb_33x40.bmp", bytes([2]) + bmp24(photo[:33, :40]))
    out("fuzz_image_file", "grey_36.tga", bytes([4]) + tga_grey(grey))


def seeds_cifar():
    """fuzz_cifar: first byte = flags (1: the batch is also test_batch.bin; 2: max_images 7), then
    a batch of 1 + 3072-byte records."""
    rng = np.random.default_rng(9)
    def batch(n):
        return b"".join(bytes([i % 10]) + rng.integers(0, 256, 3072, dtype=np.uint8).tobytes() for i in range(n))
    out("fuzz_cifar", "six.bin", bytes([0]) + batch(6))
    out("fuzz_cifar", "three_with_test.bin", bytes([1]) + batch(3))
    out("fuzz_cifar", "eight_max7.bin", bytes([2]) + batch(8))
    out("fuzz_cifar", "bad_label.bin", bytes([1]) + b"\x0a" + bytes(3072))


def seeds_patch_set():
    """fuzz_patch_set: tiny patch sets (format plastiscope-images-1)."""
    rng = np.random.default_rng(10)
    def pset(side, ntr, nho, photos=("a.png", "b.png")):
        meta = {"format": "plastiscope-images-1", "side": side, "seed": 1, "source": "fuzz seed"}
        return npz_bytes({
            "meta": text(json.dumps(meta)),
            "photos": text("\n".join(photos)),
            "train": rng.integers(0, 256, (ntr, side, side), dtype=np.uint8),
            "heldout": rng.integers(0, 256, (nho, side, side), dtype=np.uint8),
            "train_photo": np.zeros(ntr, np.int64),
            "heldout_photo": np.full(nho, len(photos) - 1, np.int64),
        })
    out("fuzz_patch_set", "side4.npz", pset(4, 3, 3))
    out("fuzz_patch_set", "side8.npz", pset(8, 5, 3, ("x.jpg",)))


# ---------------------------------------------------------------- checkpoints and configs (the CLI)
SMALL = {   # per task: preset and overrides that keep its checkpoint small (a few KB)
    "patterns": ["--preset", "quick", "pattern_size=8", "n_patterns=2", "prestime=2", "delay=1", "cycles=1"],
    "flp-classify": ["--preset", "quick", "width=4", "rep_layers=1", "head_layers=1", "ways=2", "data=mnist"],
    "flp-sine": ["--preset", "quick", "width=4", "rep_layers=1", "head_layers=1"],
    "images": None,   # its smallest side (16, from 32 px sources) makes a 1.5 MB checkpoint: left out
    "maze": ["hidden=8"],
    "omniglot": ["--preset", "quick", "channels=4", "ways=2"],
}


def seeds_checkpoints(app):
    names = subprocess.run([app, "--list-tasks"], check=True, capture_output=True, text=True).stdout.split()
    tmp = tempfile.mkdtemp(prefix="ps-seeds-")
    try:
        for i, name in enumerate(names):
            if name in SMALL and SMALL[name] is None:
                print("note: no checkpoint seed for %s (too big)" % name)
                continue
            args = SMALL.get(name)
            if args is None:
                help_ = subprocess.run([app, "train", "--task", name, "--help"], capture_output=True, text=True).stdout
                args = ["--preset", "quick"] if "quick" in help_ else []
            run = os.path.join(tmp, name)
            subprocess.run([app, "train", "--task", name, "--episodes", "1", "--seed", "1", "--out", run, "--quiet"] + args,
                           check=True)
            with open(os.path.join(run, "checkpoint.npz"), "rb") as f:
                ck = f.read()
            if len(ck) > 256 * 1024:
                print("note: %s checkpoint is %d KB: left out (slow to fuzz; add a smaller setting to SMALL)" % (name, len(ck) // 1024))
                continue
            out("fuzz_checkpoint", name + ".npz", ck)
            out("fuzz_npz", "checkpoint-" + name + ".npz", ck) if len(ck) < 64 * 1024 else None
            with open(os.path.join(run, "config.json"), "rb") as f:
                out("fuzz_config", name + ".json", bytes([i]) + f.read())
    finally:
        shutil.rmtree(tmp)


def main():
    app = sys.argv[1] if len(sys.argv) > 1 else None
    if os.path.isdir(CORPUS):
        for d in os.listdir(CORPUS):
            if app or d not in ("fuzz_checkpoint", "fuzz_config"):
                shutil.rmtree(os.path.join(CORPUS, d))
    seeds_npz()
    seeds_glyphs()
    seeds_png()
    seeds_omniglot()
    seeds_digits()
    seeds_image_file()
    seeds_cifar()
    seeds_patch_set()
    if app:
        seeds_checkpoints(app)
    else:
        print("no PLASTISCOPE given: checkpoint and config seeds left as they are")
    for d in sorted(os.listdir(CORPUS)):
        files = os.listdir(os.path.join(CORPUS, d))
        size = sum(os.path.getsize(os.path.join(CORPUS, d, f)) for f in files)
        print("%-20s %3d files %8d bytes" % (d, len(files), size))


if __name__ == "__main__":
    main()
