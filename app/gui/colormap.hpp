// Colormaps on the CPU: the reference the GLSL shader (shaders/colormap_fs.glsl) must match, and
// the colours of colorbars, legends and small images. The shader gets the same stops as
// uniforms, so the maps are defined once, here.
#pragma once
#include <algorithm>
#include <array>
#include <cmath>
#include <cstdint>

namespace ps::gui {

using Rgb = std::array<float, 3>;

enum class Cmap { Diverging = 0, Sequential = 1, Gray = 2 };

struct CmapStops {
    const Rgb* stops;
    int n;
};

// Evenly spaced stops. Diverging: ColorBrewer RdBu reversed (blue < 0 < red, near-white at 0).
// Sequential: viridis sampled at k/9. Gray: black to white.
inline CmapStops cmap_stops(Cmap c) {
    static const Rgb rdbu[11] = {
        {0x05 / 255.f, 0x30 / 255.f, 0x61 / 255.f}, {0x21 / 255.f, 0x66 / 255.f, 0xac / 255.f},
        {0x43 / 255.f, 0x93 / 255.f, 0xc3 / 255.f}, {0x92 / 255.f, 0xc5 / 255.f, 0xde / 255.f},
        {0xd1 / 255.f, 0xe5 / 255.f, 0xf0 / 255.f}, {0xf7 / 255.f, 0xf7 / 255.f, 0xf7 / 255.f},
        {0xfd / 255.f, 0xdb / 255.f, 0xc7 / 255.f}, {0xf4 / 255.f, 0xa5 / 255.f, 0x82 / 255.f},
        {0xd6 / 255.f, 0x60 / 255.f, 0x4d / 255.f}, {0xb2 / 255.f, 0x18 / 255.f, 0x2b / 255.f},
        {0x67 / 255.f, 0x00 / 255.f, 0x1f / 255.f}};
    static const Rgb viridis[10] = {
        {0x44 / 255.f, 0x01 / 255.f, 0x54 / 255.f}, {0x48 / 255.f, 0x28 / 255.f, 0x78 / 255.f},
        {0x3e / 255.f, 0x4a / 255.f, 0x89 / 255.f}, {0x31 / 255.f, 0x68 / 255.f, 0x8e / 255.f},
        {0x26 / 255.f, 0x82 / 255.f, 0x8e / 255.f}, {0x1f / 255.f, 0x9e / 255.f, 0x89 / 255.f},
        {0x35 / 255.f, 0xb7 / 255.f, 0x79 / 255.f}, {0x6d / 255.f, 0xcd / 255.f, 0x59 / 255.f},
        {0xb4 / 255.f, 0xde / 255.f, 0x2c / 255.f}, {0xfd / 255.f, 0xe7 / 255.f, 0x25 / 255.f}};
    static const Rgb gray[2] = {{0.f, 0.f, 0.f}, {1.f, 1.f, 1.f}};
    switch (c) {
        case Cmap::Diverging: return {rdbu, 11};
        case Cmap::Sequential: return {viridis, 10};
        case Cmap::Gray: return {gray, 2};
    }
    return {gray, 2};
}

inline constexpr Rgb kNonFiniteColor{1.f, 0.f, 1.f};   // magenta: NaN / Inf cells

// Value -> position in [0, 1]: lo..mid maps to 0..0.5 and mid..hi to 0.5..1, so a diverging map
// keeps 0 at its centre even for an asymmetric range (sequential maps pass mid = (lo+hi)/2).
struct CmapRange {
    float lo = -1, mid = 0, hi = 1;
};

inline float cmap_position(float v, const CmapRange& r) {
    float t;
    if (v < r.mid) t = 0.5f * (v - r.lo) / std::max(r.mid - r.lo, 1e-30f);
    else t = 0.5f + 0.5f * (v - r.mid) / std::max(r.hi - r.mid, 1e-30f);
    return std::clamp(t, 0.0f, 1.0f);
}

inline Rgb cmap_at(Cmap c, float t) {
    const CmapStops s = cmap_stops(c);
    const float x = std::clamp(t, 0.0f, 1.0f) * float(s.n - 1);
    const int k = std::min(int(std::floor(x)), s.n - 2);
    const float f = x - float(k);
    const Rgb& a = s.stops[k];
    const Rgb& b = s.stops[k + 1];
    return {a[0] + (b[0] - a[0]) * f, a[1] + (b[1] - a[1]) * f, a[2] + (b[2] - a[2]) * f};
}

inline Rgb cmap_color(Cmap c, float v, const CmapRange& r) {
    if (!std::isfinite(v)) return kNonFiniteColor;
    return cmap_at(c, cmap_position(v, r));
}

inline uint32_t rgb_to_imgui(const Rgb& c, float alpha = 1.0f) {   // IM_COL32 layout (ABGR)
    auto b8 = [](float x) { return uint32_t(std::lround(std::clamp(x, 0.0f, 1.0f) * 255.0f)); };
    return b8(c[0]) | (b8(c[1]) << 8) | (b8(c[2]) << 16) | (b8(alpha) << 24);
}

}  // namespace ps::gui
