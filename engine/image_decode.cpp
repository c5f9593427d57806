// The validated stb_image decoder (see image_decode.hpp).
#include "image_decode.hpp"

#include <stb_image.h>
#include <zlib.h>

#include <climits>
#include <cstring>
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
uint32_t be32(const uint8_t* p) { return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3]; }

// PNG only: stb_image inflates the IDAT stream into a buffer that doubles for as long as data
// keeps coming (up to 4 GB), whatever the header says, so a zlib bomb of a few hundred KB makes it
// allocate gigabytes. Inflate the stream here first, into a small scratch buffer, counting, and
// refuse it once it yields more bytes than the header's image needs (rows of packed pixels, one
// filter byte each, per Adam7 pass when interlaced). Also refused: a chunk claiming more bytes
// than the file holds (stb allocates what an IDAT claims). Anything else is left to stb's checks.
// Returns "" or the problem.
std::string png_stream_problem(const uint8_t* p, size_t n) {
    static const uint8_t kSig[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    if (n < 8 || std::memcmp(p, kSig, 8) != 0) return "";
    bool cgbi = false, have_hdr = false, stream_done = false;
    uint64_t need = 0;
    struct Inflater {   // inflateEnd on every way out
        z_stream z;
        bool started = false;
        Inflater() { std::memset(&z, 0, sizeof z); }
        ~Inflater() { if (started) inflateEnd(&z); }
    } inf;
    z_stream& z = inf.z;
    bool& started = inf.started;
    std::string problem;
    uint8_t scratch[65536];
    for (size_t off = 8; off + 8 <= n;) {   // a chunk: length, type, data, CRC
        const uint32_t len = be32(p + off);
        const uint8_t* type = p + off + 4;
        const uint8_t* data = p + off + 8;
        // stb reallocates its IDAT buffer to the claimed length before reading the chunk, so a
        // length past the end of the file is refused here, not handed to it.
        if (n - off < 12 || len > n - off - 12)
            return "truncated: chunk '" + printable(std::string(reinterpret_cast<const char*>(type), 4)) + "' claims " +
                   std::to_string(len) + " bytes, " + std::to_string(n - off < 12 ? 0 : n - off - 12) + " remain in the file";
        if (std::memcmp(type, "CgBI", 4) == 0) cgbi = true;
        if (std::memcmp(type, "IHDR", 4) == 0 && len >= 13 && !have_hdr) {
            const uint64_t w = be32(data), h = be32(data + 4);
            const int depth = data[8], color = data[9], interlace = data[12];
            const int ch = color == 0 ? 1 : color == 2 ? 3 : color == 3 ? 1 : color == 4 ? 2 : color == 6 ? 4 : 0;
            if (!ch || depth < 1 || depth > 16 || w == 0 || h == 0) return "";
            const uint64_t bpp = uint64_t(ch) * uint64_t(depth);   // bits per pixel
            auto rows = [&](uint64_t pw, uint64_t ph) { return pw && ph ? ph * ((pw * bpp + 7) / 8 + 1) : 0; };
            if (!interlace) {
                need = rows(w, h);
            } else {
                static const int pass[7][4] = {{0, 0, 8, 8}, {4, 0, 8, 8}, {0, 4, 4, 8}, {2, 0, 4, 4}, {0, 2, 2, 4}, {1, 0, 2, 2}, {0, 1, 1, 2}};
                for (const auto& q : pass) need += rows((w + uint64_t(q[2] - q[0] - 1)) / uint64_t(q[2]), (h + uint64_t(q[3] - q[1] - 1)) / uint64_t(q[3]));
            }
            have_hdr = true;
        } else if (std::memcmp(type, "IDAT", 4) == 0 && have_hdr && len > 0 && !stream_done) {
            if (!started) {
                if (inflateInit2(&z, cgbi ? -15 : 15) != Z_OK) return "";
                started = true;
            }
            z.next_in = const_cast<uint8_t*>(data);
            z.avail_in = len;
            int rc = Z_OK;
            while (z.avail_in > 0 && rc == Z_OK) {
                z.next_out = scratch;
                z.avail_out = sizeof scratch;
                rc = inflate(&z, Z_NO_FLUSH);
                if (z.total_out > need) {
                    problem = "its pixel data inflates to more than the " + std::to_string(need) + " bytes its header's image needs";
                    break;
                }
                if (rc == Z_BUF_ERROR) rc = Z_OK;   // no progress possible with this chunk: next one
                if (z.avail_out != 0 && z.avail_in == 0) break;
            }
            if (!problem.empty()) break;
            // End of stream or a corrupt one (stb says why): stop inflating, keep checking the
            // lengths of the chunks after it (stb still reads them).
            if (rc != Z_OK) stream_done = true;
        } else if (std::memcmp(type, "IEND", 4) == 0) {
            break;
        }
        off += 12 + size_t(len);
    }
    return problem;
}

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
    if (const std::string why = png_stream_problem(bytes, size); !why.empty()) throw fail(why);
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
