// Synthetic "drawers" for font glyphs: the image side of tools/glyphs (the FreeType part lives
// there; this part is here so unit tests can run it without fonts). A glyph is thinned to a
// one-pixel skeleton (Zhang-Suen), then each drawer maps the skeleton through a random affine
// transform and a smooth elastic warp and redraws it with a round pen. Also: area downsampling
// (105 -> 31 / 28) and the correlation used to drop near-duplicate glyphs. Deterministic: the same
// Rng state gives the same image bit for bit (only +,-,*,/, sqrt, sin, cos of doubles).
#pragma once
#include <cstdint>
#include <vector>
#include "rng.hpp"

namespace ps::omni {

// Binary image, row-major, values 0 / 1 (1 = ink).
struct BinImage {
    int w = 0, h = 0;
    std::vector<uint8_t> px;
    BinImage() = default;
    BinImage(int w_, int h_) : w(w_), h(h_), px(size_t(w_) * size_t(h_), 0) {}
    uint8_t at(int x, int y) const { return (x < 0 || y < 0 || x >= w || y >= h) ? 0 : px[size_t(y) * w + x]; }
    uint8_t& ref(int x, int y) { return px[size_t(y) * w + x]; }
    int count() const { int n = 0; for (auto v : px) n += v; return n; }
};

// Zhang & Suen (1984) thinning, in place: iterates the two sub-passes until nothing changes.
// Result: an 8-connected skeleton one pixel wide (a few 2-pixel corners may remain).
void thin_zhang_suen(BinImage& img);

// One synthetic drawer. Ranges follow docs/science.md §5.
struct DrawerRanges {
    double rot_deg = 10;      // rotation U(-rot, rot) degrees
    double shear = 0.2;       // x-shear U(-s, s)
    double scale_lo = 0.85, scale_hi = 1.1;
    double shift = 5;         // pixels, each axis U(-shift, shift)
    double warp = 2.0;        // peak elastic displacement, pixels
    double pen_lo = 2, pen_hi = 3;   // round pen radius, pixels
};
struct DrawerParams {
    double rot = 0, shear = 0, scale = 1, tx = 0, ty = 0, pen = 2.5;   // rot in radians
    // Elastic warp: d(p) = sum_k amp_k * sin(2 pi (fx_k x + fy_k y) / side + phase_k) per axis.
    struct Wave { double fx, fy, phase, amp; };
    std::vector<Wave> wx, wy;
};
DrawerParams random_drawer(Rng& rng, const DrawerRanges& r);
DrawerParams identity_drawer(double pen);   // no transform, no warp

// Redraws a skeleton (side x side) through the drawer's transform (centre = side/2) as capsules of
// radius pen between every pair of 8-adjacent skeleton pixels (a disc for an isolated pixel).
BinImage draw_skeleton(const BinImage& skel, const DrawerParams& p);

// Area-average downsampling of a square image (side_in -> side_out, any ratio): each output pixel
// is the mean of the input over its footprint, partial pixels weighted by their overlap.
// Returns side_out^2 values in [0, 1] (the fraction of ink) for a 0/1 input.
std::vector<float> area_downsample(const std::vector<float>& src, int side_in, int side_out);
std::vector<float> area_downsample(const BinImage& src, int side_out);

// Pearson correlation of two equally long vectors (0 if either is constant).
double correlation(const std::vector<float>& a, const std::vector<float>& b);

// Rotates a square row-major image by k * 90 degrees counter-clockwise.
std::vector<float> rot90(const std::vector<float>& img, int side, int k);

// 64-bit FNV-1a of bytes: the determinism tests compare hashes.
uint64_t fnv1a(const void* data, size_t n, uint64_t h = 0xcbf29ce484222325ull);

}  // namespace ps::omni
