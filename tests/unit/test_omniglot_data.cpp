// Omniglot data: the glyph synthesis (thinning, drawers, downsampling, determinism), the committed
// glyph set, the real Omniglot loaders (the shipped packed subsets, and the same drawings as PNG
// folders and zips) and the episode sampler.
#include <catch2/catch.hpp>

#include <stb_image_write.h>
#include <unistd.h>
#include <zip.h>

#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>

#include "helpers.hpp"
#include "npz.hpp"
#include "omniglot/dataset.hpp"
#include "omniglot/glyph_synth.hpp"

using namespace ps;
using namespace ps::omni;
namespace fs = std::filesystem;

namespace {

BinImage disc_ring_and_bar() {
    BinImage im(105, 105);
    for (int y = 0; y < 105; ++y)
        for (int x = 0; x < 105; ++x) {
            const double r = std::hypot(x - 40.0, y - 50.0);
            if (r >= 14 && r <= 21) im.ref(x, y) = 1;                       // a thick ring
            if (x >= 55 && x <= 90 && y >= 47 && y <= 54) im.ref(x, y) = 1;  // a thick bar
        }
    return im;
}

uint64_t hash_drawers(uint64_t seed, int n) {
    BinImage sk = disc_ring_and_bar();
    thin_zhang_suen(sk);
    uint64_t h = fnv1a(sk.px.data(), sk.px.size());
    DrawerRanges ranges;
    for (int d = 0; d < n; ++d) {
        Rng r(seed * 1000 + uint64_t(d));
        const BinImage im = draw_skeleton(sk, random_drawer(r, ranges));
        const auto small = area_downsample(im, 31);
        h = fnv1a(im.px.data(), im.px.size(), h);
        h = fnv1a(small.data(), small.size() * sizeof(float), h);
    }
    return h;
}

// PNG bytes of a grey image (stb's public writer, collecting its output).
std::string png_bytes(const std::vector<unsigned char>& px, int w, int h) {
    std::string out;
    const int ok = stbi_write_png_to_func(
        [](void* ctx, void* data, int size) { static_cast<std::string*>(ctx)->append(static_cast<const char*>(data), size_t(size)); },
        &out, w, h, 1, px.data(), w);
    REQUIRE(ok);
    return out;
}

std::string tmp_dir(const std::string& name) { return ps_test::fresh_dir("omni_" + name).string(); }

}  // namespace

TEST_CASE("glyph synth: thinning leaves a thin skeleton inside the shape", "[omniglot]") {
    const BinImage im = disc_ring_and_bar();
    BinImage sk = im;
    thin_zhang_suen(sk);
    CHECK(sk.count() > 100);               // ring circumference ~110 + bar ~30
    CHECK(sk.count() < im.count() / 4);    // strokes were ~8 px thick
    for (size_t i = 0; i < sk.px.size(); ++i)
        if (sk.px[i]) REQUIRE(im.px[i]);
    // One pixel wide: no 2x2 block of ink survives except at a few junction corners.
    int blocks = 0;
    for (int y = 0; y + 1 < 105; ++y)
        for (int x = 0; x + 1 < 105; ++x) blocks += sk.at(x, y) && sk.at(x + 1, y) && sk.at(x, y + 1) && sk.at(x + 1, y + 1);
    CHECK(blocks <= 2);
    // The ring stays closed: the column through its centre crosses the skeleton above and below.
    int hits = 0;
    for (int y = 0; y < 105; ++y) hits += sk.at(40, y);
    CHECK(hits >= 2);
}

TEST_CASE("glyph synth: a round pen of radius r draws strokes 2r wide", "[omniglot]") {
    BinImage sk(105, 105);
    for (int x = 30; x <= 70; ++x) sk.ref(x, 52) = 1;
    const BinImage im = draw_skeleton(sk, identity_drawer(2.5));
    int col = 0;
    for (int y = 0; y < 105; ++y) col += im.at(50, y);
    CHECK(col == 5);   // |dy| <= 2.5 -> rows 50..54
    CHECK(im.at(50, 50) == 1);
    CHECK(im.at(50, 49) == 0);
    CHECK(im.at(28, 52) == 1);   // round caps: 2 px beyond an end is inside radius 2.5...
    CHECK(im.at(27, 52) == 0);   // ...3 px beyond is outside
    CHECK(im.at(72, 52) == 1);
    CHECK(im.at(73, 52) == 0);
}

TEST_CASE("glyph synth: drawers are deterministic and differ from each other", "[omniglot]") {
    CHECK(hash_drawers(1, 6) == hash_drawers(1, 6));
    CHECK(hash_drawers(1, 6) != hash_drawers(2, 6));
    BinImage sk = disc_ring_and_bar();
    thin_zhang_suen(sk);
    Rng r1(5), r2(6);
    const auto a = area_downsample(draw_skeleton(sk, random_drawer(r1, DrawerRanges{})), 28);
    const auto b = area_downsample(draw_skeleton(sk, random_drawer(r2, DrawerRanges{})), 28);
    const double c = correlation(a, b);
    CHECK(c > 0.2);    // the same character...
    CHECK(c < 0.99);   // ...drawn differently
}

TEST_CASE("glyph synth: downsampling keeps the mean; rotations and correlation", "[omniglot]") {
    Rng r(9);
    std::vector<float> img(105 * 105);
    double mean = 0;
    for (auto& v : img) { v = float(r.uniform()); mean += v; }
    mean /= double(img.size());
    for (int side : {31, 28, 50}) {
        const auto s = area_downsample(img, 105, side);
        double m2 = 0;
        for (float v : s) m2 += v;
        CHECK(std::abs(m2 / double(s.size()) - mean) < 1e-6);
    }
    const std::vector<float> c(31 * 31, 0.25f);
    for (float v : area_downsample(std::vector<float>(105 * 105, 0.25f), 105, 31)) CHECK(std::abs(v - 0.25f) < 1e-6f);
    std::vector<float> small(31 * 31);
    for (size_t i = 0; i < small.size(); ++i) small[i] = float(i);
    CHECK(rot90(rot90(rot90(rot90(small, 31, 1), 31, 1), 31, 1), 31, 1) == small);
    CHECK(rot90(small, 31, 2) == rot90(rot90(small, 31, 1), 31, 1));
    CHECK(rot90(small, 31, 1)[0] == small[30]);   // counter-clockwise: the top-right pixel goes top-left
    CHECK(correlation(small, small) == Approx(1.0));
    std::vector<float> neg(small.size());
    for (size_t i = 0; i < small.size(); ++i) neg[i] = -small[i];
    CHECK(correlation(small, neg) == Approx(-1.0));
    CHECK(correlation(small, c) == 0.0);
}

TEST_CASE("glyph set: the committed asset loads with its documented contents", "[omniglot]") {
    const std::string path = default_glyphs_path();
    const CharSet bg = load_glyphs(path, GlyphSplit::Background);
    const CharSet ev = load_glyphs(path, GlyphSplit::Evaluation);
    CHECK(bg.side == 31);
    CHECK(bg.num_chars() == 1099);
    CHECK(ev.num_chars() == 687);
    CHECK(bg.alphabets.size() == 31);
    CHECK(ev.alphabets.size() == 20);
    for (const auto& a : ev.alphabets) CHECK(std::find(bg.alphabets.begin(), bg.alphabets.end(), a) == bg.alphabets.end());
    for (int c = 0; c < ev.num_chars(); c += 37) {
        REQUIRE(ev.drawers(c) == 20);
        for (int d = 0; d < 20; d += 7) {
            const uint8_t* im = ev.image(c, d);
            int ink = 0;
            for (int i = 0; i < 31 * 31; ++i) ink += im[i] > 128;
            CHECK(ink > 10);            // a character...
            CHECK(ink < 31 * 31 / 2);   // ...on paper
        }
    }
}

TEST_CASE("glyph set: bad files give one clear error", "[omniglot]") {
    const std::string dir = tmp_dir("badglyphs");
    const std::string garbage = dir + "/garbage.npz";
    std::ofstream(garbage) << "not a zip file at all";
    CHECK_THROWS_WITH(load_glyphs(garbage, GlyphSplit::Background), Catch::Contains("garbage.npz"));
    CHECK_THROWS_AS(load_glyphs(dir + "/missing.npz", GlyphSplit::Background), DataError);
    ArrayMap m;
    m["meta"] = text_array("{\"format\": \"plastiscope-glyphs-1\", \"side\": 31, \"bits\": 4, \"drawers\": 20}");
    npz_write(dir + "/noimages.npz", m);
    CHECK_THROWS_WITH(load_glyphs(dir + "/noimages.npz", GlyphSplit::Background), Catch::Contains("'images' is missing"));
    m["meta"] = text_array("{\"format\": \"something-else\"}");
    npz_write(dir + "/format.npz", m);
    CHECK_THROWS_WITH(load_glyphs(dir + "/format.npz", GlyphSplit::Background), Catch::Contains("unknown format"));
    fs::remove_all(dir);
}

TEST_CASE("omniglot png: decoding, polarity, bad input", "[omniglot]") {
    // A 105x105 white image with a black 5-px cross: ink where the cross is.
    std::vector<unsigned char> px(105 * 105, 255);
    for (int i = 0; i < 105; ++i)
        for (int w = -2; w <= 2; ++w) { px[size_t(52 + w) * 105 + size_t(i)] = 0; px[size_t(i) * 105 + size_t(52 + w)] = 0; }
    const std::string png = png_bytes(px, 105, 105);
    const auto ink = decode_png_ink(png.data(), png.size(), 31, "cross.png");
    // Inverted polarity gives the same ink.
    for (auto& v : px) v = 255 - v;
    const std::string png2 = png_bytes(px, 105, 105);
    const auto ink2 = decode_png_ink(png2.data(), png2.size(), 31, "cross-inverted.png");
    REQUIRE(ink.size() == 31 * 31);
    CHECK(ink == ink2);
    CHECK(ink[15 * 31 + 15] > 0.9f);   // centre of the cross
    CHECK(ink[2 * 31 + 2] == 0.f);     // a corner
    const std::string junk = "\x89PNG not really";
    CHECK_THROWS_WITH(decode_png_ink(junk.data(), junk.size(), 31, "junk.png"), Catch::Contains("junk.png"));
    const std::string wide = png_bytes(std::vector<unsigned char>(40 * 20, 255), 40, 20);
    CHECK_THROWS_WITH(decode_png_ink(wide.data(), wide.size(), 31, "wide.png"), Catch::Contains("40x20"));
}

TEST_CASE("omniglot loader: the shipped real subsets, and the same drawings as PNG folder and zip", "[omniglot]") {
    const std::string root = std::string(PS_ASSETS_DIR) + "/omniglot";
    const std::string packed = find_omniglot_part(root, "images_background_small1");
    CHECK(packed == root + "/images_background_small1.npz");
    const CharSet z = load_omniglot(packed);
    CHECK(z.alphabets == std::vector<std::string>{"Balinese", "Early_Aramaic", "Greek", "Korean", "Latin"});
    CHECK(z.num_chars() == 136);
    CHECK(z.num_images() == 2720);
    for (int c = 0; c < z.num_chars(); ++c) REQUIRE(z.drawers(c) == 20);
    double ink = 0;
    for (auto v : z.pixels) ink += v / 255.0;
    ink /= double(z.pixels.size());
    CHECK(ink > 0.02);   // strokes on paper: a few percent of the area
    CHECK(ink < 0.3);
    const CharSet z2 = load_omniglot(find_omniglot_part(root, "images_background_small2"));
    CHECK(z2.num_chars() == 156);
    CHECK(z2.num_images() == 3120);
    CHECK(z2.alphabets == std::vector<std::string>{"Greek", "Japanese_(katakana)", "Latin", "Sanskrit", "Tagalog"});

    // Two alphabets written out as PNGs (black ink on white, as Omniglot's files) in the standard
    // layout, read back from the folder and from a zip of it: the same bytes as from the asset.
    const ArrayMap am = npz_read(packed);
    const Array& bits = am.at("ink");
    const std::string paths = array_text(am.at("paths"));
    const std::string dir = tmp_dir("png");
    const std::string zip = dir + "/subset.zip";
    int err = 0;
    zip_t* za = zip_open(zip.c_str(), ZIP_CREATE | ZIP_TRUNCATE, &err);
    REQUIRE(za);
    std::vector<std::string> keep_bytes;   // libzip reads the buffers at zip_close
    keep_bytes.reserve(1000);
    size_t row = 0, a = 0;
    for (size_t b; a <= paths.size(); a = b + 1, ++row) {
        b = paths.find('\n', a);
        if (b == std::string::npos) b = paths.size();
        const std::string rel = paths.substr(a, b - a);
        if (rel.rfind("Greek/", 0) != 0 && rel.rfind("Latin/", 0) != 0) continue;
        std::vector<unsigned char> px(105 * 105);
        for (size_t k = 0; k < px.size(); ++k) px[k] = ((bits.u8[row * 1379 + k / 8] >> (7 - k % 8)) & 1) ? 0 : 255;
        keep_bytes.push_back(png_bytes(px, 105, 105));
        const fs::path f = fs::path(dir) / "images_background_small1" / rel;
        fs::create_directories(f.parent_path());
        std::ofstream(f, std::ios::binary) << keep_bytes.back();
        zip_source_t* src = zip_source_buffer(za, keep_bytes.back().data(), keep_bytes.back().size(), 0);
        REQUIRE(zip_file_add(za, ("images_background_small1/" + rel).c_str(), src, ZIP_FL_OVERWRITE) >= 0);
    }
    REQUIRE(zip_close(za) == 0);
    CHECK(row == 2720);
    const CharSet want = without_alphabets(z, {"Balinese", "Early_Aramaic", "Korean"});
    REQUIRE(want.num_chars() == 50);
    for (const std::string& from : {dir + "/images_background_small1", zip}) {
        INFO(from);
        const CharSet d = load_omniglot(from);
        CHECK(d.alphabets == want.alphabets);
        CHECK(d.char_name == want.char_name);
        CHECK(d.char_first == want.char_first);
        CHECK(d.pixels == want.pixels);
    }
    fs::remove_all(dir);

    // Where the original zips are at hand (CI: PS_OMNIGLOT_SOURCE), the asset equals them whole.
    if (const char* src = std::getenv("PS_OMNIGLOT_SOURCE"); src && *src) {
        for (const char* part : {"images_background_small1", "images_background_small2"}) {
            const CharSet orig = load_omniglot(find_omniglot_part(src, part));
            const CharSet mine = load_omniglot(root + "/" + part + ".npz");
            CHECK(orig.char_name == mine.char_name);
            CHECK(orig.char_first == mine.char_first);
            CHECK(orig.pixels == mine.pixels);
        }
    }

    CHECK_THROWS_WITH(load_omniglot(root + "/no-such-thing"), Catch::Contains("no such folder or zip"));
    CHECK_THROWS_WITH(find_omniglot_part(root, "images_nowhere"), Catch::Contains("PS_OMNIGLOT_DIR"));
}

TEST_CASE("omniglot loader: a damaged packed subset is one error naming the file and the array", "[omniglot]") {
    const std::string dir = tmp_dir("bad");
    const ArrayMap good = npz_read(std::string(PS_ASSETS_DIR) + "/omniglot/images_background_small1.npz");
    auto write = [&](const std::string& name, ArrayMap m) {
        const std::string p = dir + "/" + name + ".npz";
        npz_write(p, m);
        return p;
    };
    ArrayMap m = good;
    m.erase("paths");
    CHECK_THROWS_WITH(load_omniglot(write("nopaths", m)), Catch::Contains("nopaths.npz") && Catch::Contains("'paths' is missing"));
    m = good;
    m["ink"].shape[0] -= 1;
    m["ink"].u8.resize(size_t(m["ink"].shape[0] * m["ink"].shape[1]));
    CHECK_THROWS_WITH(load_omniglot(write("short", m)), Catch::Contains("ink has shape (2719, 1379)"));
    m = good;
    m["meta"] = text_array("{\"format\":\"plastiscope-omniglot-1\",\"side\":\"9999\"}");
    CHECK_THROWS_WITH(load_omniglot(write("side", m)), Catch::Contains("side=9999"));
    m = good;
    m["meta"] = text_array("{\"format\":\"something-else\"}");
    CHECK_THROWS_WITH(load_omniglot(write("format", m)), Catch::Contains("unknown format 'something-else'"));
    fs::remove_all(dir);
}

TEST_CASE("omniglot episodes: distinct classes, a fresh drawing for the query", "[omniglot]") {
    const CharSet cs = load_glyphs(default_glyphs_path(), GlyphSplit::Evaluation);
    Rng r(1);
    std::set<int> seen_rot;
    for (int trial = 0; trial < 200; ++trial) {
        const Episode ep = sample_episode(cs, 5, 1, true, r);
        REQUIRE(ep.steps() == 6);
        REQUIRE(ep.images.size() == size_t(6 * 31 * 31));
        std::set<int> labels(ep.labels.begin(), ep.labels.end() - 1);
        CHECK(labels.size() == 5);   // every class once
        std::set<int> chars(ep.chars.begin(), ep.chars.end());
        CHECK(chars.size() == 5);
        const int q = ep.labels.back();
        for (int t = 0; t < 5; ++t)
            if (ep.labels[size_t(t)] == q) CHECK(ep.drawer[size_t(t)] != ep.drawer.back());
        for (int k : ep.rots) seen_rot.insert(k);
    }
    CHECK(seen_rot.size() == 4);
    const Episode e20 = sample_episode(cs, 20, 2, false, r);
    CHECK(e20.steps() == 41);
    for (int k : e20.rots) CHECK(k == 0);
    Rng a(7), b(7);
    CHECK(sample_episode(cs, 5, 1, true, a).images == sample_episode(cs, 5, 1, true, b).images);
    CharSet two = without_alphabets(cs, std::vector<std::string>(cs.alphabets.begin() + 2, cs.alphabets.end()));
    CHECK(two.alphabets.size() == 2);
    CHECK_THROWS_AS(sample_episode(two, 200, 1, false, r), DataError);
}
