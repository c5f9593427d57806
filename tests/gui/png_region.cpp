// Checks that a rectangle of a PNG is not uniform (the GUI tests point it at a heatmap):
//   ps_png_region FILE X Y W H
// prints the number of distinct colours and the per-channel standard deviation; exit 0 when the
// region has at least 8 colours and a channel deviation of at least 4 (of 255), 1 when it is
// (nearly) uniform, 2 on bad input.
#include <stb_image.h>   // the implementation is compiled into Debian's libstb
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <set>

int main(int argc, char** argv) {
    if (argc != 6) {
        std::fprintf(stderr, "usage: ps_png_region FILE X Y W H\n");
        return 2;
    }
    int w = 0, h = 0, n = 0;
    unsigned char* px = stbi_load(argv[1], &w, &h, &n, 3);
    if (!px) {
        std::fprintf(stderr, "ps_png_region: cannot read %s: %s\n", argv[1], stbi_failure_reason());
        return 2;
    }
    const int x0 = std::atoi(argv[2]), y0 = std::atoi(argv[3]), rw = std::atoi(argv[4]), rh = std::atoi(argv[5]);
    if (rw <= 0 || rh <= 0 || x0 < 0 || y0 < 0 || x0 + rw > w || y0 + rh > h) {
        std::fprintf(stderr, "ps_png_region: region %d,%d %dx%d is outside the %dx%d image\n", x0, y0, rw, rh, w, h);
        stbi_image_free(px);
        return 2;
    }
    std::set<unsigned> colours;
    double sum[3] = {0, 0, 0}, sq[3] = {0, 0, 0};
    for (int y = y0; y < y0 + rh; ++y)
        for (int x = x0; x < x0 + rw; ++x) {
            const unsigned char* p = px + (size_t(y) * size_t(w) + size_t(x)) * 3;
            colours.insert(unsigned(p[0]) << 16 | unsigned(p[1]) << 8 | p[2]);
            for (int c = 0; c < 3; ++c) { sum[c] += p[c]; sq[c] += double(p[c]) * p[c]; }
        }
    stbi_image_free(px);
    const double cnt = double(rw) * rh;
    double sd = 0;
    for (int c = 0; c < 3; ++c) sd = std::max(sd, std::sqrt(std::max(0.0, sq[c] / cnt - (sum[c] / cnt) * (sum[c] / cnt))));
    const bool varied = colours.size() >= 8 && sd >= 4.0;
    std::printf("region %d,%d %dx%d: %zu colours, max channel sd %.1f -> %s\n", x0, y0, rw, rh, colours.size(), sd,
                varied ? "not uniform" : "UNIFORM");
    return varied ? 0 : 1;
}
