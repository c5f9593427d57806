// The one image decoder behind every loader that reads a picture a user can point at (Omniglot
// PNGs in engine/omniglot/dataset.cpp, photos of an image folder in engine/images/image_data.cpp).
// stb_image underneath, validated first: the header is read with stbi_info_from_memory and the
// image refused before any pixel buffer is allocated when a side or the pixel count exceeds the
// caller's limits (a PNG header of a few bytes can claim 40000 x 40000 pixels); every failure is
// one line naming the file (label) and the problem, with stb's own reason escaped (stb builds some
// reasons from file bytes, e.g. an unknown PNG chunk's type).
#pragma once
#include <cstddef>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

namespace ps {

struct ImageDecodeError : std::runtime_error { using std::runtime_error::runtime_error; };

struct ImageLimits {
    int max_side = 16384;                      // pixels per side
    int64_t max_pixels = int64_t(32) << 20;    // width x height (32 Mpx: 8000 x 4000 and more)
    size_t max_bytes = size_t(256) << 20;      // encoded file size
};

struct DecodedImage {
    int w = 0, h = 0, channels = 0;            // channels of px (1..4: gray, gray+alpha, RGB, RGBA)
    std::vector<uint8_t> px;                   // h rows of w pixels, channels bytes each
};

// Decodes PNG / JPEG / BMP / GIF (first frame) / TGA / PSD / PNM / HDR bytes to 8 bits per channel.
// channels = 0 keeps the file's channel count, 1..4 converts. Throws ImageDecodeError whose
// message starts with label.
DecodedImage decode_image(const void* data, size_t size, const std::string& label, int channels = 0,
                          const ImageLimits& limits = {});
// Reads the file (refusing files over limits.max_bytes before reading them), then decode_image
// with the path as label.
DecodedImage decode_image_file(const std::string& path, int channels = 0, const ImageLimits& limits = {});

// Bytes as one printable line: control and non-ASCII bytes become \xNN, backslash \\ (for file
// names and reasons quoted in messages).
std::string printable(const std::string& s);

}  // namespace ps
