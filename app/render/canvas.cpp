// The RGB canvas and its PNG writer (canvas.hpp).
#include "render/canvas.hpp"
#include <zlib.h>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <stdexcept>
#include "npz.hpp"   // write_file_atomic
#if __has_include(<stb/stb_easy_font.h>)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#include <stb/stb_easy_font.h>
#pragma GCC diagnostic pop
#define PS_CANVAS_FONT 1
#endif

namespace ps {

void Canvas::blend(int x, int y, Rgb c, double a) {
    if (x < 0 || y < 0 || x >= w || y >= h) return;
    uint8_t* p = &px[(size_t(y) * size_t(w) + size_t(x)) * 3];
    const uint8_t v[3] = {c.r, c.g, c.b};
    for (int k = 0; k < 3; ++k) p[k] = uint8_t(std::lround(p[k] * (1 - a) + v[k] * a));
}

void Canvas::rect(int x0, int y0, int x1, int y1, Rgb c, double a) {
    for (int y = std::max(0, y0); y < std::min(h, y1); ++y)
        for (int x = std::max(0, x0); x < std::min(w, x1); ++x) blend(x, y, c, a);
}

void Canvas::line(double x0, double y0, double x1, double y1, Rgb c, double width, int dash) {
    const double len = std::hypot(x1 - x0, y1 - y0);
    const int n = std::max(1, int(len * 3));
    const double r = width / 2;
    for (int i = 0; i <= n; ++i) {
        const double t = double(i) / n;
        if (dash > 0 && int(t * len / dash) % 2 == 1) continue;
        const double x = x0 + t * (x1 - x0), y = y0 + t * (y1 - y0);
        for (int yy = int(std::floor(y - r)); yy <= int(std::ceil(y + r)); ++yy)
            for (int xx = int(std::floor(x - r)); xx <= int(std::ceil(x + r)); ++xx)
                if ((xx - x) * (xx - x) + (yy - y) * (yy - y) <= r * r + 0.25) blend(xx, yy, c);
    }
}

int Canvas::text_width(const std::string& s, int scale) const {
#ifdef PS_CANVAS_FONT
    std::vector<char> buf(s.begin(), s.end());
    buf.push_back(0);
    return stb_easy_font_width(buf.data()) * scale;
#else
    (void)s; (void)scale;
    return 0;
#endif
}

void Canvas::text(int x, int y, const std::string& s, Rgb c, int scale, int align) {
#ifdef PS_CANVAS_FONT
    std::vector<char> buf(s.begin(), s.end());
    buf.push_back(0);
    const int width = text_width(s, scale);
    x -= align == 1 ? width / 2 : align == 2 ? width : 0;
    static thread_local char vb[80000];
    const int quads = stb_easy_font_print(0, 0, buf.data(), nullptr, vb, sizeof vb);
    for (int q = 0; q < quads; ++q) {
        const float* v0 = reinterpret_cast<const float*>(vb + q * 64);        // 4 vertices x 16 bytes
        const float* v2 = reinterpret_cast<const float*>(vb + q * 64 + 32);
        rect(x + int(v0[0] * scale), y + int(v0[1] * scale), x + int(v2[0] * scale), y + int(v2[1] * scale), c);
    }
#else
    (void)x; (void)y; (void)s; (void)c; (void)scale; (void)align;
#endif
}

namespace {
void put32(std::string& s, uint32_t v) {
    for (int k = 3; k >= 0; --k) s.push_back(char((v >> (8 * k)) & 0xff));
}
// A PNG chunk: length, type, data, CRC-32 of type and data.
void chunk(std::string& out, const char* type, const std::string& data) {
    put32(out, uint32_t(data.size()));
    const std::string td = std::string(type, 4) + data;
    out += td;
    put32(out, uint32_t(crc32(0, reinterpret_cast<const Bytef*>(td.data()), uInt(td.size()))));
}
}  // namespace

std::string Canvas::png() const {
    std::string raw;   // each row: filter byte 0, then RGB
    for (int y = 0; y < h; ++y) {
        raw.push_back(0);
        raw.append(reinterpret_cast<const char*>(&px[size_t(y) * size_t(w) * 3]), size_t(w) * 3);
    }
    uLongf zn = compressBound(uLong(raw.size()));
    std::string z(size_t(zn), '\0');
    if (compress2(reinterpret_cast<Bytef*>(&z[0]), &zn, reinterpret_cast<const Bytef*>(raw.data()), uLong(raw.size()), 6) != Z_OK)
        throw std::runtime_error("PNG compression failed");
    z.resize(size_t(zn));
    std::string out = "\x89PNG\r\n\x1a\n", ihdr;
    put32(ihdr, uint32_t(w));
    put32(ihdr, uint32_t(h));
    ihdr += std::string("\x08\x02\x00\x00\x00", 5);   // 8-bit RGB, no interlace
    chunk(out, "IHDR", ihdr);
    chunk(out, "IDAT", z);
    chunk(out, "IEND", "");
    return out;
}

void Canvas::save(const std::string& path) const { write_file_atomic(path, png()); }

double nice_step(double span, int n) {
    const double raw = span / n, p = std::pow(10.0, std::floor(std::log10(raw)));
    for (double m : {1.0, 2.0, 2.5, 5.0, 10.0})
        if (m * p >= raw) return m * p;
    return 10 * p;
}

std::string short_num(double v) {
    char b[32];
    std::snprintf(b, sizeof b, "%g", std::abs(v) < 1e-12 ? 0.0 : v);
    return b;
}

}  // namespace ps
