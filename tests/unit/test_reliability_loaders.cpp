// Reliability (docs/reliability.md): the shared image decoder (engine/image_decode.cpp) refuses a header
// claiming a huge image before allocating and keeps stb's reason on one line; the optimiser loads
// a checkpoint saved before its first step and validates its step counter; from_array refuses a
// float64 value beyond float32's range, naming the array.
#include <catch2/catch.hpp>

#include <unistd.h>
#include <zlib.h>

#include <cstdint>
#include <filesystem>
#include <fstream>
#include <functional>
#include <string>
#include <vector>

#include "image_decode.hpp"
#include "images/image_data.hpp"
#include "omniglot/dataset.hpp"
#include "optim.hpp"

using namespace ps;
namespace fs = std::filesystem;

namespace {

void put32(std::string& s, uint32_t v) {
    for (int k = 3; k >= 0; --k) s += char((v >> (8 * k)) & 0xFF);
}

// A PNG signature, an IHDR of w x h 8-bit gray, then one chunk of the given type (CRCs are not
// checked by stb_image, so they are left zero).
std::string png_header(uint32_t w, uint32_t h, const std::string& next_type = "IEND") {
    std::string s("\x89PNG\r\n\x1a\n", 8);
    put32(s, 13);
    s += "IHDR";
    put32(s, w);
    put32(s, h);
    s += std::string("\x08\x00\x00\x00\x00", 5);
    put32(s, 0);
    put32(s, 0);
    s += next_type;
    put32(s, 0);
    return s;
}

std::string error_of(const std::function<void()>& f) {
    try {
        f();
    } catch (const std::exception& e) {
        return e.what();
    }
    return "";
}

}  // namespace

TEST_CASE("image decoder: a huge header is refused before allocating, naming the file and the limit", "[reliability][decode]") {
    const std::string png = png_header(25000, 30000);
    const std::string e = error_of([&] { decode_image(png.data(), png.size(), "big.png"); });
    CHECK_THAT(e, Catch::StartsWith("big.png: "));
    CHECK_THAT(e, Catch::Contains("25000x30000"));
    CHECK_THAT(e, Catch::Contains("limit of 16384 per side"));
    // The Omniglot loader's limit is smaller (a character image).
    const std::string p2 = png_header(5000, 5000);
    const std::string e2 = error_of([&] { omni::decode_png_ink(p2.data(), p2.size(), 31, "char.png"); });
    CHECK_THAT(e2, Catch::StartsWith("char.png: "));
    CHECK_THAT(e2, Catch::Contains("limit of 4096 per side"));
    // Within the side limit but over the pixel count.
    ImageLimits lim;
    lim.max_pixels = 100;
    const std::string p3 = png_header(11, 10);
    CHECK_THAT(error_of([&] { decode_image(p3.data(), p3.size(), "px.png", 0, lim); }), Catch::Contains("100 in all"));
}

TEST_CASE("image decoder: a PNG whose pixel data inflates beyond its header's image (a zlib bomb) is refused", "[reliability][decode]") {
    // 100x100 gray 8-bit needs 100 rows of 1 filter byte + 100 pixels = 10100 bytes; the stream
    // holds 4 MB of zeros (a few KB compressed), which stb would inflate into a growing buffer.
    auto png_with = [](size_t raw_bytes) {
        std::vector<uint8_t> raw(raw_bytes, 0);
        uLongf n = compressBound(uLong(raw.size()));
        std::vector<uint8_t> z(n);
        REQUIRE(compress2(z.data(), &n, raw.data(), uLong(raw.size()), 9) == Z_OK);
        std::string s = png_header(100, 100);
        s.resize(s.size() - 12);   // drop the empty IEND chunk png_header wrote
        put32(s, uint32_t(n));
        s += "IDAT";
        s.append(reinterpret_cast<const char*>(z.data()), n);
        put32(s, 0);
        put32(s, 0);
        s += "IEND";
        put32(s, 0);
        return s;
    };
    const std::string bomb = png_with(size_t(4) << 20);
    CHECK(bomb.size() < 10000);
    CHECK_THAT(error_of([&] { decode_image(bomb.data(), bomb.size(), "bomb.png"); }),
               Catch::Equals("bomb.png: its pixel data inflates to more than the 10100 bytes its header's image needs"));
    // The same file with exactly the bytes the image needs decodes.
    const std::string good = png_with(10100);
    const DecodedImage img = decode_image(good.data(), good.size(), "good.png");
    CHECK(img.w == 100);
    CHECK(img.h == 100);
    CHECK(img.channels == 1);
}

TEST_CASE("image decoder: stb's reason built from file bytes stays on one line", "[reliability][decode]") {
    // An unknown critical chunk whose type holds a newline: stb reports "\nABC PNG chunk not known".
    const std::string png = png_header(8, 8, std::string("\nABC", 4));
    const std::string e = error_of([&] { decode_image(png.data(), png.size(), "chunk.png"); });
    CHECK_THAT(e, Catch::StartsWith("chunk.png: cannot decode ("));
    CHECK(e.find('\n') == std::string::npos);
    CHECK_THAT(e, Catch::Contains("\\x0A"));
    // A label with a newline (a zip member's name) is escaped too.
    const std::string e2 = error_of([&] { decode_image("junk", 4, std::string("a\nb.png")); });
    CHECK_THAT(e2, Catch::StartsWith("a\\x0Ab.png: "));
    CHECK(e2.find('\n') == std::string::npos);
    CHECK_THAT(error_of([&] { decode_image("", 0, "empty.png"); }), Catch::Contains("empty.png: empty file"));
}

TEST_CASE("image decoder: the image-folder loader reports a huge photo and keeps the good ones", "[reliability][decode]") {
    const fs::path d = fs::temp_directory_path() / ("ps_rell_" + std::to_string(::getpid()));
    fs::remove_all(d);
    fs::create_directories(d);
    {
        std::ofstream(d / "huge.png", std::ios::binary) << png_header(19000, 19000);
    }
    const std::string e = error_of([&] { images::load_folder(d.string()); });
    CHECK_THAT(e, Catch::Contains("no usable image"));
    CHECK_THAT(e, Catch::Contains("huge.png: the header gives 19000x19000 pixels, over the limit"));
    CHECK(e.find('\n') == std::string::npos);
    fs::remove_all(d);
}

TEST_CASE("Adam: a checkpoint saved before the first step loads, and the step counter is validated", "[reliability][optim]") {
    MatR<double> w = MatR<double>::Constant(2, 3, 0.5), g = MatR<double>::Constant(2, 3, 0.1);
    Adam<double>::List params{{"W", &w}}, grads{{"W", &g}};
    Adam<double> a;
    ArrayMap saved;
    a.save(saved, "optim/");
    Adam<double> b;
    REQUIRE_NOTHROW(b.load(saved, "optim/", params));
    CHECK(b.steps == 0);
    // The loaded optimiser steps exactly as a fresh one.
    MatR<double> w2 = w;
    Adam<double>::List params2{{"W", &w2}};
    a.step(params, grads);
    b.step(params2, grads);
    CHECK(w2 == w);
    CHECK(w(0, 0) != 0.5);

    // After a step: moments are required.
    ArrayMap after;
    a.save(after, "optim/");
    ArrayMap no_m = after;
    no_m.erase("optim/m/W");
    CHECK_THAT(error_of([&] { Adam<double>().load(no_m, "optim/", params); }), Catch::Contains("'optim/m/W' is missing"));
    auto with_steps = [&](Array s) { ArrayMap m = after; m["optim/steps"] = s; return error_of([&] { Adam<double>().load(m, "optim/", params); }); };
    CHECK(with_steps(i64_array({1})) == "");
    CHECK(with_steps(scalar_array(1.0, true)) == "");   // a float holding a whole number
    CHECK_THAT(with_steps(i64_array({-1})), Catch::Contains("'optim/steps' holds -1"));
    CHECK_THAT(with_steps(i64_array({int64_t(1) << 60})), Catch::Contains("outside 0..2^53"));
    CHECK_THAT(with_steps(scalar_array(2.5, true)), Catch::Contains("not a whole number"));
    CHECK_THAT(with_steps(scalar_array(1e300, true)), Catch::Contains("not a whole number"));
    CHECK_THAT(with_steps(scalar_array(std::nan(""), true)), Catch::Contains("not a whole number"));
    CHECK_THAT(with_steps(i64_array({1, 2})), Catch::Contains("not one number"));
    CHECK_THAT(with_steps(text_array("7")), Catch::Contains("not an integer"));
    ArrayMap neg = after;
    neg["optim/v/W"].f64[0] = -1;
    CHECK_THAT(error_of([&] { Adam<double>().load(neg, "optim/", params); }), Catch::Contains("negative second moment"));
}

TEST_CASE("from_array: a float64 value beyond float32's range is refused, naming the array", "[reliability][optim]") {
    ArrayMap am;
    am["big"] = to_array(MatR<double>::Constant(1, 2, 1e300));
    MatR<float> f;
    CHECK_THAT(error_of([&] { from_array(am, "big", f, 1, 2); }), Catch::Contains("array 'big' holds 1e+300 at (0, 0), beyond the range of float32"));
    MatR<double> d;
    CHECK_NOTHROW(from_array(am, "big", d, 1, 2));
    am["ok"] = to_array(MatR<double>::Constant(1, 1, 3.0e38));
    CHECK_NOTHROW(from_array(am, "ok", f, 1, 1));
}
