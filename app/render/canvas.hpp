// Pictures drawn on the CPU, without a window (sweep's curves.png, flp-report's plots, the frames
// of exported episodes): an RGB canvas with rectangles, thick dashed lines and stb_easy_font
// text, written as PNG with zlib. Plot helpers (a "nice" tick step, short number text) beside it.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace ps {

struct Rgb { uint8_t r, g, b; };

class Canvas {
public:
    int w, h;
    std::vector<uint8_t> px;   // RGB, row-major; starts white

    Canvas(int width, int height) : w(width), h(height), px(size_t(width) * size_t(height) * 3, 255) {}
    // Mixes c into pixel (x, y) with opacity a; outside the canvas: nothing.
    void blend(int x, int y, Rgb c, double a = 1);
    void rect(int x0, int y0, int x1, int y1, Rgb c, double a = 1);   // [x0, x1) x [y0, y1)
    // A line `width` pixels thick, by dense sampling; dash > 0 leaves out every other dash-long run.
    void line(double x0, double y0, double x1, double y1, Rgb c, double width = 1, int dash = 0);
    // Text with (x, y) its top-left (align 0), top-centre (1) or top-right (2), scaled by `scale`.
    // Without stb_easy_font (libstb-dev) text is left out and has width 0.
    void text(int x, int y, const std::string& s, Rgb c, int scale = 2, int align = 0);
    int text_width(const std::string& s, int scale = 2) const;
    std::string png() const;                      // the PNG file's bytes
    void save(const std::string& path) const;     // written atomically; throws on failure
};

// A tick step of 1, 2, 2.5 or 5 x 10^k giving about n ticks over span.
double nice_step(double span, int n);
// "%g" with a tiny value shown as 0 (tick labels).
std::string short_num(double v);

}  // namespace ps
