// The validated stb_image decoder (see image_decode.hpp).
#include "image_decode.hpp"

#include <stb_image.h>

#include <climits>
#include <cstdio>
#include <fstream>
#include <memory>

namespace ps {

std::string printable(const std::string& s) {
    std::string o;
    o.reserve(s.size());
    for (unsigned char c : s) {
        if (c == '\\') {
            o += "\\\\";
        } else if (c < 0x20 || c >= 0x7f) {
            char buf[8];
            std::snprintf(buf, sizeof buf, "\\x%02X", unsigned(c));
            o += buf;
        } else {
            o += char(c);
        }
    }
    return o;
}

namespace {
std::string stb_reason() {
    const char* why = stbi_failure_reason();
    return why ? printable(why) : std::string("unknown reason");
}
}  // namespace

DecodedImage decode_image(const void* data, size_t size, const std::string& label, int channels, const ImageLimits& limits) {
    const std::string name = printable(label);
    auto fail = [&](const std::string& why) { return ImageDecodeError(name + ": " + why); };
    if (channels < 0 || channels > 4) throw fail("decode_image: channels must be 0..4");
    if (size == 0) throw fail("empty file, not an image");
    if (size > limits.max_bytes || size > size_t(INT_MAX))
        throw fail(std::to_string(size) + " bytes is over the " + std::to_string(limits.max_bytes >> 20) + " MB limit for an image file");
    const auto* bytes = static_cast<const stbi_uc*>(data);
    int w = 0, h = 0, c = 0;
    // The header only: no pixel buffer is allocated before the size is known to be sane.
    if (!stbi_info_from_memory(bytes, int(size), &w, &h, &c)) throw fail("cannot decode (" + stb_reason() + ")");
    if (w <= 0 || h <= 0 || c < 1 || c > 4)
        throw fail("the header gives " + std::to_string(w) + "x" + std::to_string(h) + " pixels with " + std::to_string(c) + " channels");
    if (w > limits.max_side || h > limits.max_side || int64_t(w) * h > limits.max_pixels)
        throw fail("the header gives " + std::to_string(w) + "x" + std::to_string(h) + " pixels, over the limit of " +
                   std::to_string(limits.max_side) + " per side and " + std::to_string(limits.max_pixels) + " in all");
    int w2 = 0, h2 = 0, c2 = 0;
    stbi_uc* px = stbi_load_from_memory(bytes, int(size), &w2, &h2, &c2, channels);
    if (!px) throw fail("cannot decode (" + stb_reason() + ")");
    std::unique_ptr<stbi_uc, void (*)(void*)> hold(px, stbi_image_free);
    if (w2 != w || h2 != h) throw fail("decoded size " + std::to_string(w2) + "x" + std::to_string(h2) + " differs from the header's");
    DecodedImage img;
    img.w = w;
    img.h = h;
    img.channels = channels ? channels : c2;
    if (img.channels < 1 || img.channels > 4) throw fail("decoded with " + std::to_string(img.channels) + " channels");
    img.px.assign(px, px + size_t(w) * size_t(h) * size_t(img.channels));
    return img;
}

DecodedImage decode_image_file(const std::string& path, int channels, const ImageLimits& limits) {
    std::ifstream f(path, std::ios::binary | std::ios::ate);
    if (!f) throw ImageDecodeError(printable(path) + ": cannot open");
    const std::streamoff n = f.tellg();
    if (n < 0) throw ImageDecodeError(printable(path) + ": cannot read");
    if (uint64_t(n) > limits.max_bytes)
        throw ImageDecodeError(printable(path) + ": " + std::to_string(n) + " bytes is over the " + std::to_string(limits.max_bytes >> 20) +
                               " MB limit for an image file");
    std::vector<char> bytes(static_cast<size_t>(n));
    f.seekg(0);
    if (n > 0 && !f.read(bytes.data(), n)) throw ImageDecodeError(printable(path) + ": cannot read");
    return decode_image(bytes.data(), bytes.size(), path, channels, limits);
}

}  // namespace ps
