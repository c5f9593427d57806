// make_images: builds the natural-image patch set of the images task (assets/images/patches.npz)
// from the public-domain / CC0 photographs in Debian's python3-skimage, python3-scipy (face.dat)
// and python-matplotlib-data (grace_hopper.jpg), unpacked by tools/images/make_images.sh.
//
// Each photo is converted to gray ((R+G+B+1)/3), downscaled by x1, x1.5 and x2 (exact integer
// area averaging), and cut into random 32x32 patches: flat ones (std < 10) dropped, patches of
// one scale at least 10 px apart, at most --cap per photo. Photos are split by name into train
// and held-out (a held-out photo never lends a patch to training). Everything is integer
// arithmetic and seeded, and the zip entries carry a fixed time stamp: the same packages and
// flags give the same file, byte for byte.
#include <zip.h>

#include <algorithm>
#include <cstdio>
#include <cstring>
#include <stdexcept>
#include <string>
#include <vector>

#include "images/image_data.hpp"
#include "npz_out.hpp"
#include "rng.hpp"
#include "tool_args.hpp"

#include <stb_image_write.h>

namespace {

using namespace ps::images;

// The photos: file (relative to the unpacked packages' root, or "face.raw" in the work folder),
// short name, whether it is held out. Licences are listed in assets/images/LICENSES.md.
struct Photo { const char* file; const char* name; bool heldout; };
const Photo kPhotos[] = {
    {"usr/lib/python3/dist-packages/skimage/data/astronaut.png", "astronaut", false},
    {"usr/lib/python3/dist-packages/skimage/data/camera.png", "camera", false},
    {"usr/lib/python3/dist-packages/skimage/data/rocket.jpg", "rocket", false},
    {"usr/lib/python3/dist-packages/skimage/data/coins.png", "coins", false},
    {"usr/lib/python3/dist-packages/skimage/data/grass.png", "grass", false},
    {"usr/lib/python3/dist-packages/skimage/data/brick.png", "brick", false},
    {"usr/lib/python3/dist-packages/skimage/data/clock_motion.png", "clock_motion", false},
    {"usr/lib/python3/dist-packages/skimage/data/hubble_deep_field.jpg", "hubble_deep_field", false},
    {"face.raw", "face (scipy)", false},
    {"usr/lib/python3/dist-packages/skimage/data/chelsea.png", "chelsea", true},
    {"usr/lib/python3/dist-packages/skimage/data/coffee.png", "coffee", true},
    {"usr/lib/python3/dist-packages/skimage/data/gravel.png", "gravel", true},
    {"usr/share/matplotlib/mpl-data/sample_data/grace_hopper.jpg", "grace_hopper", true},
};

struct Options {
    std::string root, face, out, preview;
    uint64_t seed = 2018;
    int cap = 200;
    int only = 0;       // tests: use only the first N photos of each part (0 = all)
};

// What the usage line's placeholders are.
const char* const kNotes =
    "  DIR: python3-skimage and python-matplotlib-data unpacked with dpkg -x\n"
    "  FILE: scipy's misc/face.dat after bunzip2 (1024x768 raw RGB)\n";

Options parse(int argc, char** argv) {
    Options o;
    ToolArgs args("make_images", kNotes);
    args.text("--root", "DIR", o.root).text("--face", "FILE", o.face).text("--out", "FILE.npz", o.out);
    args.text("--preview", "FILE.png", o.preview);
    args.integer("--seed", "N", o.seed, 0, 1LL << 62).integer("--cap", "N", o.cap, 1, 100000).integer("--only", "N", o.only, 0, 100);
    args.parse(argc, argv, {"--root", "--face", "--out"});
    return o;
}

}  // namespace

int main(int argc, char** argv) try {
    const Options o = parse(argc, argv);
    CutOptions co;
    co.cap = o.cap;
    std::vector<uint8_t> train, held;
    std::vector<int64_t> train_ph, held_ph;
    std::string names;
    std::vector<std::vector<uint8_t>> per_photo;   // for the preview
    int used_train = 0, used_held = 0;
    int idx = 0;
    for (const Photo& p : kPhotos) {
        if (o.only > 0 && (p.heldout ? used_held : used_train) >= o.only) continue;
        (p.heldout ? used_held : used_train)++;
        const std::string file = std::string(p.file) == "face.raw" ? o.face : o.root + "/" + p.file;
        const Gray g = std::string(p.file) == "face.raw" ? read_raw_rgb(file, 1024, 768) : decode_file(file);
        // Each photo has its own stream: adding or dropping one photo leaves the others' patches alone.
        ps::Rng rng(o.seed * 1000003ull + uint64_t(idx));
        const auto patches = cut_patches(g, co, rng);
        const int64_t n = int64_t(patches.size()) / 1024;
        (p.heldout ? held : train).insert((p.heldout ? held : train).end(), patches.begin(), patches.end());
        (p.heldout ? held_ph : train_ph).insert((p.heldout ? held_ph : train_ph).end(), size_t(n), idx);
        names += (idx ? "\n" : "") + std::string(p.name);
        per_photo.push_back(patches);
        std::fprintf(stderr, "make_images: %-18s %4dx%-4d %4lld patches (%s)\n", p.name, g.w, g.h, (long long)n, p.heldout ? "held out" : "train");
        ++idx;
    }
    const int64_t nt = int64_t(train.size()) / 1024, nh = int64_t(held.size()) / 1024;
    if (nt < 3 || nh < 3) throw std::runtime_error("too few patches");
    NpzOut z;
    z.add("train", "|u1", {nt, 32, 32}, train.data(), train.size());
    z.add("heldout", "|u1", {nh, 32, 32}, held.data(), held.size());
    z.add("train_photo", "<i8", {nt}, train_ph.data(), train_ph.size() * 8);
    z.add("heldout_photo", "<i8", {nh}, held_ph.data(), held_ph.size() * 8);
    z.add_text("photos", names);
    MetaJson meta;
    meta.text("format", "plastiscope-images-1").whole("side", 32).whole("seed", (long long)o.seed).whole("cap", o.cap);
    meta.whole("min_std", co.min_std).text("scales", "1 1.5 2").text("gray", "(R+G+B+1)/3");
    meta.text("source", "Debian python3-skimage, python3-scipy, python-matplotlib-data");
    meta.text("license", "public domain / CC0 photographs, see assets/images/LICENSES.md");
    z.add_text("meta", meta.str());
    z.write(o.out);
    std::fprintf(stderr, "make_images: %lld train + %lld held-out patches from %d photos -> %s\n", (long long)nt, (long long)nh, idx, o.out.c_str());

    if (!o.preview.empty()) {
        // One row per photo: its first 16 patches, 33 px apart, on mid-gray.
        const int cols = 16, cell = 33, W = cols * cell + 1, H = int(per_photo.size()) * cell + 1;
        std::vector<uint8_t> px(size_t(W) * size_t(H), 128);
        for (size_t r = 0; r < per_photo.size(); ++r)
            for (int c = 0; c < cols && size_t(c) * 1024 < per_photo[r].size(); ++c)
                for (int y = 0; y < 32; ++y)
                    std::memcpy(&px[size_t(1 + int(r) * cell + y) * size_t(W) + size_t(1 + c * cell)], &per_photo[r][size_t(c) * 1024 + size_t(y) * 32], 32);
        if (!stbi_write_png(o.preview.c_str(), W, H, 1, px.data(), W)) throw std::runtime_error("cannot write " + o.preview);
    }
    return 0;
} catch (const std::exception& e) {
    std::fprintf(stderr, "make_images: %s\n", e.what());
    return 1;
}
