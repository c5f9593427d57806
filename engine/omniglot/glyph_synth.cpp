// Skeleton thinning, synthetic drawers and downsampling for the glyph data set (see header).
#include "glyph_synth.hpp"
#include <algorithm>
#include <cmath>

namespace ps::omni {

void thin_zhang_suen(BinImage& img) {
    // Neighbours P2..P9 clockwise from north. A pixel is removed in sub-pass 1 when
    // 2 <= B <= 6 (B = ink neighbours), A == 1 (0->1 transitions around the ring),
    // P2*P4*P6 == 0 and P4*P6*P8 == 0; sub-pass 2 uses P2*P4*P8 and P2*P6*P8.
    static const int dx[8] = {0, 1, 1, 1, 0, -1, -1, -1};
    static const int dy[8] = {-1, -1, 0, 1, 1, 1, 0, -1};
    std::vector<size_t> del;
    for (bool changed = true; changed;) {
        changed = false;
        for (int pass = 0; pass < 2; ++pass) {
            del.clear();
            for (int y = 0; y < img.h; ++y)
                for (int x = 0; x < img.w; ++x) {
                    if (!img.at(x, y)) continue;
                    int p[8], b = 0, a = 0;
                    for (int k = 0; k < 8; ++k) { p[k] = img.at(x + dx[k], y + dy[k]); b += p[k]; }
                    for (int k = 0; k < 8; ++k) a += (p[k] == 0 && p[(k + 1) % 8] == 1);
                    if (b < 2 || b > 6 || a != 1) continue;
                    // p[0]=P2 (N), p[2]=P4 (E), p[4]=P6 (S), p[6]=P8 (W)
                    const bool c = pass == 0 ? (p[0] * p[2] * p[4] == 0 && p[2] * p[4] * p[6] == 0)
                                             : (p[0] * p[2] * p[6] == 0 && p[0] * p[4] * p[6] == 0);
                    if (c) del.push_back(size_t(y) * img.w + x);
                }
            for (auto i : del) img.px[i] = 0;
            changed = changed || !del.empty();
        }
    }
}

DrawerParams random_drawer(Rng& rng, const DrawerRanges& r) {
    DrawerParams p;
    const double pi = 3.14159265358979323846;
    p.rot = rng.uniform(-r.rot_deg, r.rot_deg) * pi / 180.0;
    p.shear = rng.uniform(-r.shear, r.shear);
    p.scale = rng.uniform(r.scale_lo, r.scale_hi);
    p.tx = rng.uniform(-r.shift, r.shift);
    p.ty = rng.uniform(-r.shift, r.shift);
    p.pen = rng.uniform(r.pen_lo, r.pen_hi);
    // Three low-frequency waves per axis (1-2.5 cycles per image); amplitudes sum to <= warp.
    for (auto* w : {&p.wx, &p.wy}) {
        double a[3], s = 0;
        for (double& v : a) { v = rng.uniform(0.2, 1.0); s += v; }
        for (int k = 0; k < 3; ++k) {
            DrawerParams::Wave wave;
            wave.fx = rng.uniform(-2.5, 2.5);
            wave.fy = rng.uniform(-2.5, 2.5);
            wave.phase = rng.uniform(0, 2 * pi);
            wave.amp = r.warp * a[k] / s;
            w->push_back(wave);
        }
    }
    return p;
}

DrawerParams identity_drawer(double pen) {
    DrawerParams p;
    p.pen = pen;
    return p;
}

namespace {
struct Pt { double x, y; };

Pt map_point(const DrawerParams& p, double x, double y, double c, double side) {
    // p' = c + t + s R(rot) Shear (p - c), then + elastic displacement evaluated at p'.
    const double u = x - c, v = y - c;
    const double us = u + p.shear * v, vs = v;
    const double cr = std::cos(p.rot), sr = std::sin(p.rot);
    double X = c + p.tx + p.scale * (cr * us - sr * vs);
    double Y = c + p.ty + p.scale * (sr * us + cr * vs);
    const double two_pi = 6.28318530717958647692;
    double ddx = 0, ddy = 0;
    for (const auto& w : p.wx) ddx += w.amp * std::sin(two_pi * (w.fx * X + w.fy * Y) / side + w.phase);
    for (const auto& w : p.wy) ddy += w.amp * std::sin(two_pi * (w.fx * X + w.fy * Y) / side + w.phase);
    return {X + ddx, Y + ddy};
}

// Ink every pixel centre within radius r of the segment ab (a capsule; a disc when a == b).
void capsule(BinImage& out, Pt a, Pt b, double r) {
    const int x0 = std::max(0, int(std::floor(std::min(a.x, b.x) - r)));
    const int x1 = std::min(out.w - 1, int(std::ceil(std::max(a.x, b.x) + r)));
    const int y0 = std::max(0, int(std::floor(std::min(a.y, b.y) - r)));
    const int y1 = std::min(out.h - 1, int(std::ceil(std::max(a.y, b.y) + r)));
    const double ex = b.x - a.x, ey = b.y - a.y, ll = ex * ex + ey * ey, r2 = r * r;
    for (int y = y0; y <= y1; ++y)
        for (int x = x0; x <= x1; ++x) {
            double t = ll > 0 ? ((x - a.x) * ex + (y - a.y) * ey) / ll : 0;
            t = std::clamp(t, 0.0, 1.0);
            const double qx = a.x + t * ex - x, qy = a.y + t * ey - y;
            if (qx * qx + qy * qy <= r2) out.ref(x, y) = 1;
        }
}
}  // namespace

BinImage draw_skeleton(const BinImage& skel, const DrawerParams& p) {
    BinImage out(skel.w, skel.h);
    const double c = 0.5 * (skel.w - 1), side = skel.w;
    std::vector<Pt> mapped(skel.px.size());
    for (int y = 0; y < skel.h; ++y)
        for (int x = 0; x < skel.w; ++x)
            if (skel.at(x, y)) mapped[size_t(y) * skel.w + x] = map_point(p, x, y, c, side);
    // Each undirected 8-neighbour pair once: E, SE, S, SW.
    static const int ndx[4] = {1, 1, 0, -1}, ndy[4] = {0, 1, 1, 1};
    for (int y = 0; y < skel.h; ++y)
        for (int x = 0; x < skel.w; ++x) {
            if (!skel.at(x, y)) continue;
            const Pt a = mapped[size_t(y) * skel.w + x];
            bool any = false;
            for (int k = 0; k < 4; ++k)
                if (skel.at(x + ndx[k], y + ndy[k])) {
                    capsule(out, a, mapped[size_t(y + ndy[k]) * skel.w + x + ndx[k]], p.pen);
                    any = true;
                }
            if (!any) capsule(out, a, a, p.pen);   // end points are covered by their capsule too
        }
    return out;
}

std::vector<float> area_downsample(const std::vector<float>& src, int side_in, int side_out) {
    // Separable: out = M src M^T with M (side_out x side_in) the overlap of output cell i
    // ([i, i+1) * side_in / side_out) with input pixel j ([j, j+1)), divided by the cell width.
    const double step = double(side_in) / side_out;
    std::vector<double> m(size_t(side_out) * side_in, 0.0);
    for (int i = 0; i < side_out; ++i) {
        const double lo = i * step, hi = (i + 1) * step;
        for (int j = int(std::floor(lo)); j < side_in && j < hi; ++j) {
            const double ov = std::min(hi, double(j + 1)) - std::max(lo, double(j));
            if (ov > 0) m[size_t(i) * side_in + j] = ov / step;
        }
    }
    std::vector<double> tmp(size_t(side_out) * side_in, 0.0);   // M src: (side_out x side_in)
    for (int i = 0; i < side_out; ++i)
        for (int j = 0; j < side_in; ++j) {
            const double w = m[size_t(i) * side_in + j];
            if (w == 0) continue;
            for (int x = 0; x < side_in; ++x) tmp[size_t(i) * side_in + x] += w * src[size_t(j) * side_in + x];
        }
    std::vector<float> out(size_t(side_out) * side_out);
    for (int i = 0; i < side_out; ++i)
        for (int k = 0; k < side_out; ++k) {
            double s = 0;
            for (int x = 0; x < side_in; ++x) s += tmp[size_t(i) * side_in + x] * m[size_t(k) * side_in + x];
            out[size_t(i) * side_out + k] = float(s);
        }
    return out;
}

std::vector<float> area_downsample(const BinImage& src, int side_out) {
    std::vector<float> f(src.px.begin(), src.px.end());
    return area_downsample(f, src.w, side_out);
}

double correlation(const std::vector<float>& a, const std::vector<float>& b) {
    const size_t n = std::min(a.size(), b.size());
    if (n == 0) return 0;
    double ma = 0, mb = 0;
    for (size_t i = 0; i < n; ++i) { ma += a[i]; mb += b[i]; }
    ma /= double(n); mb /= double(n);
    double sab = 0, saa = 0, sbb = 0;
    for (size_t i = 0; i < n; ++i) {
        const double da = a[i] - ma, db = b[i] - mb;
        sab += da * db; saa += da * da; sbb += db * db;
    }
    if (saa <= 0 || sbb <= 0) return 0;
    return sab / std::sqrt(saa * sbb);
}

std::vector<float> rot90(const std::vector<float>& img, int side, int k) {
    k = ((k % 4) + 4) % 4;
    std::vector<float> out(img.size());
    for (int y = 0; y < side; ++y)
        for (int x = 0; x < side; ++x) {
            int sx = x, sy = y;   // source of output (x, y) for a counter-clockwise turn
            switch (k) {
                case 0: break;
                case 1: sx = side - 1 - y; sy = x; break;
                case 2: sx = side - 1 - x; sy = side - 1 - y; break;
                case 3: sx = y; sy = side - 1 - x; break;
            }
            out[size_t(y) * side + x] = img[size_t(sy) * side + sx];
        }
    return out;
}

uint64_t fnv1a(const void* data, size_t n, uint64_t h) {
    const auto* p = static_cast<const uint8_t*>(data);
    for (size_t i = 0; i < n; ++i) { h ^= p[i]; h *= 0x100000001b3ull; }
    return h;
}

}  // namespace ps::omni
