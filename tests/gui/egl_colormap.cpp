// Display-free check of the matrix colormap shader: an EGL surfaceless context (no X server)
// renders known matrices through ps::gui::GlMatrix (shaders/colormap_fs.glsl) and every pixel
// is compared with the CPU colormap of app/gui/colormap.hpp (tolerance 2/255 per channel).
// Covers the diverging and sequential maps, asymmetric ranges, NaN/Inf cells, a zoomed window
// and the transposed (time raster) layout. Exit 0 = all match.
#include "gui/gl.hpp"
#include <EGL/egl.h>
#include <EGL/eglext.h>
#include <cmath>
#include <cstdio>
#include <functional>
#include <limits>
#include <string>
#include <vector>

using namespace ps::gui;

namespace {
int g_fail = 0;

// Compares a render of w x h pixels with cell(x, y) -> value through the CPU colormap.
// Returns the number of channels off by more than 2/255.
int compare(const std::vector<uint8_t>& px, int w, int h, Cmap cmap, const CmapRange& r,
            const std::function<float(int, int)>& cell) {
    int bad = 0;
    for (int y = 0; y < h; ++y)
        for (int x = 0; x < w; ++x) {
            const Rgb ref = cmap_color(cmap, cell(x, y), r);
            for (int k = 0; k < 3; ++k) {
                const float got = px[(size_t(y) * size_t(w) + size_t(x)) * 4 + size_t(k)];
                if (std::fabs(got - ref[size_t(k)] * 255.0f) > 2.0f) ++bad;
            }
        }
    return bad;
}

void check(const char* what, int bad, int expect_zero = 1) {
    const bool ok = expect_zero ? bad == 0 : bad > 0;
    std::printf("%-58s %s (%d mismatching channels)\n", what, ok ? "ok" : "FAILED", bad);
    if (!ok) ++g_fail;
}
}  // namespace

int main() {
    EGLDisplay dpy = eglGetPlatformDisplay(EGL_PLATFORM_SURFACELESS_MESA, EGL_DEFAULT_DISPLAY, nullptr);
    EGLint maj = 0, min = 0;
    if (dpy == EGL_NO_DISPLAY || !eglInitialize(dpy, &maj, &min)) {
        std::fprintf(stderr, "egl_colormap: EGL surfaceless display unavailable\n");
        return 1;
    }
    eglBindAPI(EGL_OPENGL_API);
    const EGLint attr[] = {EGL_CONTEXT_MAJOR_VERSION, 3, EGL_CONTEXT_MINOR_VERSION, 3,
                           EGL_CONTEXT_OPENGL_PROFILE_MASK, EGL_CONTEXT_OPENGL_CORE_PROFILE_BIT, EGL_NONE};
    EGLContext ctx = eglCreateContext(dpy, EGL_NO_CONFIG_KHR, EGL_NO_CONTEXT, attr);
    if (ctx == EGL_NO_CONTEXT || !eglMakeCurrent(dpy, EGL_NO_SURFACE, EGL_NO_SURFACE, ctx)) {
        std::fprintf(stderr, "egl_colormap: no OpenGL 3.3 core context (EGL error 0x%x)\n", eglGetError());
        return 1;
    }
    std::printf("GL_RENDERER: %s\n", reinterpret_cast<const char*>(glGetString(GL_RENDERER)));

    // A 48 x 64 matrix (not square, so a row/column mix-up shows) spanning beyond [-1.5, 2].
    const int R = 48, C = 64;
    std::vector<float> m(size_t(R) * C);
    for (int i = 0; i < R; ++i)
        for (int j = 0; j < C; ++j)
            m[size_t(i) * C + size_t(j)] = 1.8f * std::sin(0.37f * float(i) + 0.05f) * std::cos(0.11f * float(j)) +
                                           0.25f * float(j) / float(C);
    m[5 * C + 7] = 0.0f;
    m[6 * C + 8] = std::numeric_limits<float>::quiet_NaN();
    m[7 * C + 9] = std::numeric_limits<float>::infinity();
    auto at = [&](int i, int j) { return m[size_t(i) * C + size_t(j)]; };

    int rc = 0;
    try {
        GlMatrix g;
        g.upload(m.data(), R, C);

        const CmapRange sym{-1.2f, 0.0f, 1.2f}, asym{-0.5f, 0.0f, 2.0f}, seq{0.0f, 0.75f, 1.5f};
        g.render(C, R, Cmap::Diverging, sym, 0, 0, float(R), float(C));
        auto px = g.read_rgba();
        check("diverging, symmetric range, 1 pixel per cell", compare(px, C, R, Cmap::Diverging, sym,
                                                                       [&](int x, int y) { return at(y, x); }));
        // Guard: the comparison can fail (a different map must not pass).
        check("guard: sequential reference differs from a diverging render",
              compare(px, C, R, Cmap::Sequential, seq, [&](int x, int y) { return at(y, x); }), 0);

        g.render(C, R, Cmap::Diverging, asym, 0, 0, float(R), float(C));
        check("diverging, asymmetric range keeps 0 at the centre",
              compare(g.read_rgba(), C, R, Cmap::Diverging, asym, [&](int x, int y) { return at(y, x); }));

        g.render(C, R, Cmap::Sequential, seq, 0, 0, float(R), float(C));
        check("sequential (viridis)",
              compare(g.read_rgba(), C, R, Cmap::Sequential, seq, [&](int x, int y) { return at(y, x); }));

        // Zoom: the window rows 10..42, cols 5..37 drawn 3x on a 96 x 96 target.
        g.render(96, 96, Cmap::Diverging, sym, 10, 5, 42, 37);
        check("zoomed window 32x32 cells -> 96x96 pixels",
              compare(g.read_rgba(), 96, 96, Cmap::Diverging, sym, [&](int x, int y) {
                  return at(10 + int(std::floor((float(y) + 0.5f) / 96.0f * 32.0f)),
                            5 + int(std::floor((float(x) + 0.5f) / 96.0f * 32.0f)));
              }));

        // Transposed (time rasters): target x runs over rows.
        g.render(R, C, Cmap::Diverging, sym, 0, 0, float(R), float(C), true);
        check("transposed: x = row, y = column",
              compare(g.read_rgba(), R, C, Cmap::Diverging, sym, [&](int x, int y) { return at(x, y); }));

        // A second upload with the same shape replaces the data (glTexSubImage2D path).
        for (auto& v : m) v = -v;
        g.upload(m.data(), R, C);
        g.render(C, R, Cmap::Diverging, sym, 0, 0, float(R), float(C));
        check("re-upload of new values", compare(g.read_rgba(), C, R, Cmap::Diverging, sym,
                                                  [&](int x, int y) { return at(y, x); }));
        g.destroy();
        gl_shutdown_shared();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "egl_colormap: %s\n", e.what());
        rc = 1;
    }
    eglMakeCurrent(dpy, EGL_NO_SURFACE, EGL_NO_SURFACE, EGL_NO_CONTEXT);
    eglDestroyContext(dpy, ctx);
    eglTerminate(dpy);
    if (g_fail) std::printf("%d check(s) failed\n", g_fail);
    return rc || g_fail ? 1 : 0;
}
