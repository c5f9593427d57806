// Natural-image data: exact area downscaling, the patch cutter, the committed set, CIFAR-10
// batches and a user's folder, each with its bad-input errors.
#include <catch2/catch.hpp>
#include <unistd.h>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <set>
#include <stb_image_write.h>
#include "helpers.hpp"
#include "images/image_data.hpp"

using namespace ps;
using namespace ps::images;
namespace fs = std::filesystem;

namespace {
fs::path tmpdir(const std::string& name) { return ps_test::fresh_dir("test_img_" + name); }
// A smooth, textured test photo: gradients + a checker of period 7 + pseudo-random noise.
Gray photo(int w, int h, uint64_t seed) {
    Gray g;
    g.w = w; g.h = h;
    g.px.resize(size_t(w) * size_t(h));
    Rng rng(seed);
    for (int r = 0; r < h; ++r)
        for (int c = 0; c < w; ++c) {
            int v = (r * 255) / h / 2 + (c * 255) / w / 4 + (((r / 7) + (c / 7)) % 2) * 40 + int(rng.below(20));
            g.px[size_t(r) * size_t(w) + size_t(c)] = uint8_t(std::min(v, 255));
        }
    return g;
}
void write_png(const fs::path& p, const Gray& g) {
    REQUIRE(stbi_write_png(p.string().c_str(), g.w, g.h, 1, g.px.data(), g.w));
}
std::string error_of(const std::function<void()>& f) {
    try { f(); } catch (const DataError& e) { return e.what(); }
    return "";
}
}  // namespace

TEST_CASE("images: area downscale is exact for x2 and x1.5", "[images]") {
    Gray g;
    g.w = 4; g.h = 4;
    g.px = {0, 4, 8, 12,  16, 20, 24, 28,  32, 36, 40, 44,  48, 52, 56, 60};
    const Gray h = downscale(g, 2, 1);
    REQUIRE(h.w == 2);
    REQUIRE(h.h == 2);
    CHECK(int(h.at(0, 0)) == 10);   // (0+4+16+20)/4
    CHECK(int(h.at(1, 1)) == 50);   // (40+44+56+60)/4
    // x1.5 on 3x3 -> 2x2: output (0,0) covers [0,1.5)^2: weights 1, .5 / .5, .25 over 1.5^2 = 2.25.
    Gray k;
    k.w = 3; k.h = 3;
    k.px = {90, 0, 0,  0, 0, 0,  0, 0, 0};
    const Gray m = downscale(k, 3, 2);
    REQUIRE(m.w == 2);
    CHECK(int(m.at(0, 0)) == 40);   // 90 * 1 / 2.25
    CHECK(int(m.at(1, 1)) == 0);
    // The mean is kept by x1 (identity).
    const Gray id = downscale(g, 1, 1);
    CHECK(id.px == g.px);
    CHECK_THROWS_AS(downscale(g, 1, 2), DataError);
}

TEST_CASE("images: 2x2 halving, std test and grayscale conversion", "[images]") {
    std::vector<uint8_t> p(16);
    for (int i = 0; i < 16; ++i) p[size_t(i)] = uint8_t(i * 10);
    const auto h = halve_patch(p.data(), 4);
    REQUIRE(h.size() == 4);
    CHECK(int(h[0]) == 25);    // (0+10+40+50+2)/4
    CHECK(int(h[3]) == 125);   // (100+110+140+150+2)/4
    std::vector<uint8_t> flat(64, 77);
    CHECK(patch_std(flat.data(), 64) == 0);
    CHECK_FALSE(std_at_least(flat.data(), 64, 1));
    std::vector<uint8_t> two(64, 0);
    for (int i = 0; i < 32; ++i) two[size_t(i)] = 20;   // std exactly 10
    CHECK(patch_std(two.data(), 64) == Approx(10));
    CHECK(std_at_least(two.data(), 64, 10));
    CHECK_FALSE(std_at_least(two.data(), 64, 11));
    const uint8_t rgba[8] = {30, 60, 90, 255, 255, 255, 254, 0};
    const Gray g = to_gray(rgba, 2, 1, 4);
    CHECK(int(g.px[0]) == 60);
    CHECK(int(g.px[1]) == 255);   // (255+255+254+1)/3
}

TEST_CASE("images: the patch cutter is deterministic, keeps contrast, honours the cap and the gap", "[images]") {
    const Gray g = photo(300, 220, 7);
    CutOptions o;
    o.cap = 60;
    Rng r1(11), r2(11), r3(12);
    const auto a = cut_patches(g, o, r1), b = cut_patches(g, o, r2), c = cut_patches(g, o, r3);
    CHECK(a == b);
    CHECK(a != c);
    REQUIRE(a.size() % 1024 == 0);
    const size_t n = a.size() / 1024;
    CHECK(n > 20);
    CHECK(n <= 60);
    for (size_t i = 0; i < n; ++i) CHECK(patch_std(&a[i * 1024], 1024) >= 10.0);
    // A flat photo gives nothing; a photo smaller than a patch gives nothing.
    Gray flat;
    flat.w = 100; flat.h = 100; flat.px.assign(10000, 128);
    Rng r4(1);
    CHECK(cut_patches(flat, o, r4).empty());
    CHECK(cut_patches(photo(20, 20, 1), o, r4).empty());
}

TEST_CASE("images: the committed set loads, and its held-out photos never lend a training patch", "[images]") {
    const PatchSet s = load_patch_set(default_patch_set_path());
    CHECK(s.side == 32);
    CHECK(s.n_train() >= 1000);
    CHECK(s.n_heldout() >= 300);
    CHECK(s.photos.size() >= 10);
    std::set<int64_t> tr(s.train_photo.begin(), s.train_photo.end()), he(s.heldout_photo.begin(), s.heldout_photo.end());
    for (auto p : he) CHECK(tr.count(p) == 0);
    // Each photo's share is capped.
    std::map<int64_t, int> per;
    for (auto p : s.train_photo) per[p]++;
    for (auto p : s.heldout_photo) per[p]++;
    for (auto& [p, k] : per) CHECK(k <= 200);
    for (int64_t i = 0; i < s.n_heldout(); i += 37) CHECK(patch_std(s.heldout_patch(i), 1024) >= 10.0);
}

TEST_CASE("images: a bad set file gives one clear error", "[images]") {
    auto d = tmpdir("badset");
    CHECK_THAT(error_of([&] { load_patch_set((d / "missing.npz").string()); }), Catch::Contains("missing.npz"));
    std::ofstream((d / "junk.npz").string()) << "not a zip";
    CHECK_THAT(error_of([&] { load_patch_set((d / "junk.npz").string()); }), Catch::Contains("junk.npz"));
    fs::remove_all(d);
}

TEST_CASE("images: CIFAR-10 binary batches in grayscale, with clear errors", "[images]") {
    auto d = tmpdir("cifar");
    auto write_batch = [&](const std::string& name, int n, uint8_t label, uint8_t r, uint8_t g, uint8_t b) {
        std::ofstream f((d / name).string(), std::ios::binary);
        for (int i = 0; i < n; ++i) {
            f.put(char(label));
            for (int k = 0; k < 1024; ++k) f.put(char(r + (k % 32)));
            for (int k = 0; k < 1024; ++k) f.put(char(g));
            for (int k = 0; k < 1024; ++k) f.put(char(b));
        }
    };
    write_batch("data_batch_1.bin", 4, 3, 10, 20, 30);
    write_batch("data_batch_2.bin", 2, 9, 10, 20, 30);
    write_batch("test_batch.bin", 3, 0, 40, 40, 40);
    const auto v = load_cifar_batch((d / "data_batch_1.bin").string());
    REQUIRE(v.size() == 4 * 1024);
    CHECK(int(v[0]) == 20);          // (10+20+30+1)/3
    CHECK(int(v[31]) == 30);         // (41+20+30+1)/3
    const PatchSet s = load_cifar_dir(d.string());
    CHECK(s.n_train() == 6);
    CHECK(s.n_heldout() == 3);
    CHECK(int(s.heldout_patch(0)[5]) == (45 + 40 + 40 + 1) / 3);
    // Errors: wrong size, bad label, no batches.
    { std::ofstream f((d / "bad.bin").string(), std::ios::binary); f << std::string(3000, 'x'); }
    CHECK_THAT(error_of([&] { load_cifar_batch((d / "bad.bin").string()); }), Catch::Contains("3073-byte records"));
    write_batch("label.bin", 1, 12, 0, 0, 0);
    CHECK_THAT(error_of([&] { load_cifar_batch((d / "label.bin").string()); }), Catch::Contains("label 12"));
    auto e = tmpdir("cifar_empty");
    CHECK_THAT(error_of([&] { load_cifar_dir(e.string()); }), Catch::Contains("no data_batch_"));
    CHECK_THAT(error_of([&] { load_cifar_dir((e / "nope").string()); }), Catch::Contains("PS_CIFAR_DIR"));
    fs::remove_all(d);
    fs::remove_all(e);
}

TEST_CASE("images: a user's folder of PNGs is cut into patches and split by photo", "[images]") {
    auto d = tmpdir("folder");
    for (int i = 0; i < 5; ++i) write_png(d / ("p" + std::to_string(i) + ".png"), photo(160 + 10 * i, 140, uint64_t(i)));
    std::ofstream((d / "notes.txt").string()) << "ignored";
    const PatchSet s = load_folder(d.string(), 32, 1, 30);
    CHECK(s.photos.size() == 5);
    CHECK(s.n_train() > 3 * 10);
    CHECK(s.n_heldout() >= 3);
    std::set<int64_t> tr(s.train_photo.begin(), s.train_photo.end());
    for (auto p : s.heldout_photo) CHECK(tr.count(p) == 0);
    // One file: its patches are split 3:1.
    const PatchSet one = load_folder((d / "p0.png").string(), 32, 1, 40);
    CHECK(one.n_train() >= 3);
    CHECK(one.n_heldout() >= 3);
    // Same folder, same seed: same patches.
    CHECK(load_folder(d.string(), 32, 1, 30).train == s.train);

    auto e = tmpdir("folder_bad");
    CHECK_THAT(error_of([&] { load_folder(e.string()); }), Catch::Contains("holds no .png"));
    std::ofstream((e / "broken.png").string()) << "not a png";
    CHECK_THAT(error_of([&] { load_folder(e.string()); }), Catch::Contains("cannot decode"));
    write_png(e / "tiny.png", photo(10, 10, 3));
    CHECK_THAT(error_of([&] { load_folder(e.string()); }), Catch::Contains("smaller than 32x32"));
    CHECK_THAT(error_of([&] { load_folder((e / "nothing-here").string()); }), Catch::Contains("neither an image file nor a folder"));
    fs::remove_all(d);
    fs::remove_all(e);
}
