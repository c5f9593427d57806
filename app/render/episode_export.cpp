// Episodes as GIF / MP4 and views as PNG, drawn on the CPU (see episode_export.hpp).
#include "render/episode_export.hpp"
#include <gif_lib.h>
#include <signal.h>
#include <unistd.h>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <limits>
#include <map>
#include <stdexcept>
#include "gui/colormap.hpp"   // the colour maps, defined once for the shader and the CPU

namespace ps {

namespace {

using gui::Cmap;
using gui::CmapRange;

const Rgb kBack{24, 26, 31}, kText{225, 227, 232}, kDim{150, 154, 165}, kMark{255, 210, 90};

Rgb to_rgb(const gui::Rgb& c) {
    auto b = [](float v) { return uint8_t(std::lround(std::clamp(v, 0.f, 1.f) * 255)); };
    return {b(c[0]), b(c[1]), b(c[2])};
}

// ---- which views

enum class Kind { Matrix, Image, Activity };
struct ViewRef {
    Kind kind;
    std::string name;
};

const MatrixView* find_matrix(const LiveViews& v, const std::string& n) {
    for (const auto& m : v.matrices)
        if (m.name == n && m.m) return &m;
    return nullptr;
}
const ImageView* find_image(const LiveViews& v, const std::string& n) {
    for (const auto& i : v.images)
        if (i.name == n) return &i;
    return nullptr;
}

// The views an episode shows at any of its steps (some appear only later: an output, a query).
struct Known {
    std::vector<std::string> matrices, images;
    void add(const LiveViews& v) {
        for (const auto& m : v.matrices)
            if (std::find(matrices.begin(), matrices.end(), m.name) == matrices.end()) matrices.push_back(m.name);
        for (const auto& i : v.images)
            if (std::find(images.begin(), images.end(), i.name) == images.end()) images.push_back(i.name);
    }
};

std::vector<ViewRef> resolve(const Known& k, const std::vector<std::string>& names) {
    std::vector<ViewRef> out;
    for (const auto& n : names) {
        if (n == "activity") out.push_back({Kind::Activity, n});
        else if (std::find(k.matrices.begin(), k.matrices.end(), n) != k.matrices.end()) out.push_back({Kind::Matrix, n});
        else if (std::find(k.images.begin(), k.images.end(), n) != k.images.end()) out.push_back({Kind::Image, n});
        else {
            std::string known = "activity";
            for (const auto& m : k.matrices) known += ", " + m;
            for (const auto& i : k.images) known += ", " + i;
            throw std::runtime_error("no view '" + n + "' in this task (views: " + known + ")");
        }
    }
    return out;
}

// ---- colour ranges over the episode

struct Range {
    float lo = std::numeric_limits<float>::infinity(), hi = -std::numeric_limits<float>::infinity();
    void add(const float* p, size_t n) {
        for (size_t i = 0; i < n; ++i)
            if (std::isfinite(p[i])) {
                lo = std::min(lo, p[i]);
                hi = std::max(hi, p[i]);
            }
    }
    CmapRange symmetric() const {
        const float a = std::max({std::fabs(lo), std::fabs(hi), 1e-12f});
        return {-a, 0, a};
    }
};

// ---- drawing

// The data (rows x cols) into the box, aspect kept, each pixel the mean of the cells under it.
// A time raster (transpose: rows are steps, drawn left to right) fills the whole box.
void draw_grid(Canvas& c, int x0, int y0, int box, const float* d, int rows, int cols, Cmap cm, const CmapRange& r,
               bool transpose = false) {
    const int R = transpose ? cols : rows, C = transpose ? rows : cols;
    if (R <= 0 || C <= 0) return;
    const double s = double(box) / std::max(R, C);
    const int w = transpose ? box : std::max(1, int(std::lround(C * s)));
    const int h = transpose ? box : std::max(1, int(std::lround(R * s)));
    const int ox = x0 + (box - w) / 2, oy = y0 + (box - h) / 2;
    auto at = [&](int i, int j) { return transpose ? d[size_t(j) * size_t(cols) + size_t(i)] : d[size_t(i) * size_t(cols) + size_t(j)]; };
    for (int py = 0; py < h; ++py) {
        const int i0 = int(int64_t(py) * R / h), i1 = std::max(i0 + 1, int(int64_t(py + 1) * R / h));
        for (int px = 0; px < w; ++px) {
            const int j0 = int(int64_t(px) * C / w), j1 = std::max(j0 + 1, int(int64_t(px + 1) * C / w));
            double sum = 0;
            int n = 0;
            bool bad = false;
            for (int i = i0; i < i1; ++i)
                for (int j = j0; j < j1; ++j) {
                    const float v = at(i, j);
                    if (!std::isfinite(v)) bad = true;
                    else { sum += v; ++n; }
                }
            const Rgb col = bad ? Rgb{255, 0, 255} : to_rgb(gui::cmap_color(cm, float(sum / std::max(n, 1)), r));
            c.rect(ox + px, oy + py, ox + px + 1, oy + py + 1, col);
        }
    }
}

struct Layout {
    int cell, gap = 12, header = 34, caption = 22;
    int width(int n) const { return (n * (cell + gap) + gap + 1) / 2 * 2; }   // even: yuv420p
    int height() const { return (header + cell + caption + gap + 1) / 2 * 2; }
};

// One frame: every view at the step `v` shows, named, with the step and the phase.
Canvas compose(const LiveViews& v, const std::vector<ViewRef>& refs, const std::vector<Range>& ranges,
               const Layout& L, const std::string& title) {
    Canvas c(L.width(int(refs.size())), L.height());
    c.rect(0, 0, c.w, c.h, kBack);
    char step[64];
    std::snprintf(step, sizeof step, "t = %d / %d", v.t, v.T);
    c.text(L.gap, 8, title, kText, 2);
    c.text(c.w - L.gap, 8, step, kMark, 2, 2);
    if (!v.status.empty()) c.text(L.gap + c.text_width(title, 2) + 24, 8, v.status, kDim, 2);
    for (size_t k = 0; k < refs.size(); ++k) {
        const int x0 = L.gap + int(k) * (L.cell + L.gap), y0 = L.header;
        c.rect(x0 - 1, y0 - 1, x0 + L.cell + 1, y0 + L.cell + 1, Rgb{60, 63, 72});
        c.rect(x0, y0, x0 + L.cell, y0 + L.cell, Rgb{12, 13, 16});
        const ViewRef& r = refs[k];
        if (r.kind == Kind::Matrix) {
            const MatrixView* m = find_matrix(v, r.name);
            if (m) draw_grid(c, x0, y0, L.cell, m->m->data(), int(m->m->rows()), int(m->m->cols()),
                             m->is_signed ? Cmap::Diverging : Cmap::Sequential,
                             m->is_signed ? ranges[k].symmetric() : CmapRange{ranges[k].lo, 0.5f * (ranges[k].lo + ranges[k].hi), ranges[k].hi});
        } else if (r.kind == Kind::Image) {
            const ImageView* im = find_image(v, r.name);
            if (im && im->pixels.size() >= size_t(im->width) * size_t(im->height))
                draw_grid(c, x0, y0, L.cell, im->pixels.data(), im->height, im->width, Cmap::Gray,
                          {im->lo, 0.5f * (im->lo + im->hi), im->hi});
        } else if (v.activity && v.activity->rows() > 0) {
            draw_grid(c, x0, y0, L.cell, v.activity->data(), int(v.activity->rows()), int(v.activity->cols()),
                      Cmap::Diverging, ranges[k].symmetric(), true);
        }
        c.text(x0 + L.cell / 2, y0 + L.cell + 5, r.kind == Kind::Activity ? "activity x(t)" : r.name, kText, 2, 1);
    }
    return c;
}

// ---- writers

// A fixed palette of the colours the frames use (the diverging and sequential maps, grays, the
// text colours), and a nearest-colour table over 5-bit RGB: every frame maps the same way.
class GifWriter {
public:
    GifWriter(const std::string& path, int w, int h, int fps) : path_(path), w_(w), h_(h) {
        auto add = [&](const Rgb& c) { pal_.push_back(c); };
        for (int i = 0; i < 96; ++i) add(to_rgb(gui::cmap_at(Cmap::Diverging, float(i) / 95)));
        for (int i = 0; i < 48; ++i) add(to_rgb(gui::cmap_at(Cmap::Sequential, float(i) / 47)));
        for (int i = 0; i < 96; ++i) add(to_rgb(gui::cmap_at(Cmap::Gray, float(i) / 95)));
        for (const Rgb& c : {kBack, kText, kDim, kMark, Rgb{60, 63, 72}, Rgb{12, 13, 16}, Rgb{255, 0, 255}}) add(c);
        pal_.resize(256, kBack);
        lut_.assign(32768, -1);
        int err = 0;
        tmp_ = path + ".tmp";
        gif_ = EGifOpenFileName(tmp_.c_str(), false, &err);
        if (!gif_) throw std::runtime_error("cannot write " + path + ": " + GifErrorString(err));
        ColorMapObject* cm = GifMakeMapObject(256, nullptr);
        for (int i = 0; i < 256; ++i) cm->Colors[i] = {pal_[size_t(i)].r, pal_[size_t(i)].g, pal_[size_t(i)].b};
        EGifSetGifVersion(gif_, true);
        const bool ok = EGifPutScreenDesc(gif_, w, h, 8, 0, cm) == GIF_OK;
        GifFreeMapObject(cm);
        if (!ok) fail();
        // Loop forever (the NETSCAPE2.0 application extension).
        static const GifByteType app[] = {'N', 'E', 'T', 'S', 'C', 'A', 'P', 'E', '2', '.', '0'};
        static const GifByteType loop[] = {1, 0, 0};
        if (EGifPutExtensionLeader(gif_, APPLICATION_EXT_FUNC_CODE) != GIF_OK ||
            EGifPutExtensionBlock(gif_, sizeof app, app) != GIF_OK || EGifPutExtensionBlock(gif_, sizeof loop, loop) != GIF_OK ||
            EGifPutExtensionTrailer(gif_) != GIF_OK)
            fail();
        delay_ = std::max(2, int(std::lround(100.0 / fps)));
    }
    ~GifWriter() {
        if (gif_) {
            int err = 0;
            EGifCloseFile(gif_, &err);
            std::error_code ec;
            std::filesystem::remove(tmp_, ec);
        }
    }
    void frame(const Canvas& c) {
        GraphicsControlBlock gcb{};
        gcb.DisposalMode = DISPOSAL_UNSPECIFIED;
        gcb.UserInputFlag = false;
        gcb.DelayTime = delay_;
        gcb.TransparentColor = NO_TRANSPARENT_COLOR;
        GifByteType ext[4];
        const size_t n = EGifGCBToExtension(&gcb, ext);
        if (EGifPutExtension(gif_, GRAPHICS_EXT_FUNC_CODE, int(n), ext) != GIF_OK) fail();
        if (EGifPutImageDesc(gif_, 0, 0, w_, h_, false, nullptr) != GIF_OK) fail();
        std::vector<GifPixelType> row(static_cast<size_t>(w_));
        for (int y = 0; y < h_; ++y) {
            for (int x = 0; x < w_; ++x) {
                const uint8_t* p = &c.px[(size_t(y) * size_t(w_) + size_t(x)) * 3];
                row[size_t(x)] = GifPixelType(nearest(p[0], p[1], p[2]));
            }
            if (EGifPutLine(gif_, row.data(), w_) != GIF_OK) fail();
        }
    }
    void finish() {
        int err = 0;
        const int r = EGifCloseFile(gif_, &err);
        gif_ = nullptr;
        if (r != GIF_OK) throw std::runtime_error("cannot write " + path_ + ": " + GifErrorString(err));
        std::filesystem::rename(tmp_, path_);
        std::error_code ec;   // giflib creates the file for its owner only; a picture is for sharing
        std::filesystem::permissions(path_, std::filesystem::perms::owner_read | std::filesystem::perms::owner_write |
                                                std::filesystem::perms::group_read | std::filesystem::perms::others_read,
                                     ec);
    }

private:
    [[noreturn]] void fail() {
        throw std::runtime_error("cannot write " + path_ + ": " + GifErrorString(gif_ ? gif_->Error : 0));
    }
    int nearest(uint8_t r, uint8_t g, uint8_t b) {
        const int key = (r >> 3) << 10 | (g >> 3) << 5 | (b >> 3);
        int& slot = lut_[size_t(key)];
        if (slot < 0) {
            int best = 0;
            long bd = std::numeric_limits<long>::max();
            const int cr = (r >> 3) * 8 + 4, cg = (g >> 3) * 8 + 4, cb = (b >> 3) * 8 + 4;
            for (size_t i = 0; i < pal_.size(); ++i) {
                const long d = long(cr - pal_[i].r) * (cr - pal_[i].r) + long(cg - pal_[i].g) * (cg - pal_[i].g) +
                               long(cb - pal_[i].b) * (cb - pal_[i].b);
                if (d < bd) { bd = d; best = int(i); }
            }
            slot = best;
        }
        return slot;
    }
    std::string path_, tmp_;
    int w_, h_, delay_ = 8;
    GifFileType* gif_ = nullptr;
    std::vector<Rgb> pal_;
    std::vector<int> lut_;
};

// The ffmpeg program encodes raw RGB frames read from a pipe (H.264, yuv420p: plays anywhere).
std::string find_ffmpeg() {
    const char* path = std::getenv("PATH");
    std::string p = path ? path : "/usr/bin:/bin";
    size_t a = 0;
    while (a <= p.size()) {
        size_t b = p.find(':', a);
        if (b == std::string::npos) b = p.size();
        const std::string f = p.substr(a, b - a) + "/ffmpeg";
        if (b > a && access(f.c_str(), X_OK) == 0) return f;
        a = b + 1;
    }
    return "";
}

class Mp4Writer {
public:
    Mp4Writer(const std::string& path, int w, int h, int fps) : path_(path), tmp_(path + ".tmp.mp4") {
        const std::string ff = find_ffmpeg();
        if (ff.empty()) throw std::runtime_error("an MP4 needs the ffmpeg program (apt-get install ffmpeg); a GIF does not");
        signal(SIGPIPE, SIG_IGN);   // a failed encoder is an error to report, not a reason to die
        const std::string cmd = "'" + ff + "' -hide_banner -loglevel error -y -f rawvideo -pix_fmt rgb24 -s " +
                                std::to_string(w) + "x" + std::to_string(h) + " -r " + std::to_string(fps) +
                                " -i - -c:v libx264 -pix_fmt yuv420p -crf 18 -movflags +faststart '" + tmp_ + "'";
        pipe_ = popen(cmd.c_str(), "w");
        if (!pipe_) throw std::runtime_error("cannot start ffmpeg for " + path);
    }
    ~Mp4Writer() {
        if (pipe_) pclose(pipe_);
        std::error_code ec;
        if (!done_) std::filesystem::remove(tmp_, ec);
    }
    void frame(const Canvas& c) {
        if (std::fwrite(c.px.data(), 1, c.px.size(), pipe_) != c.px.size())
            throw std::runtime_error("ffmpeg stopped while writing " + path_);
    }
    void finish() {
        const int st = pclose(pipe_);
        pipe_ = nullptr;
        if (st != 0) throw std::runtime_error("ffmpeg could not write " + path_ + " (exit status " + std::to_string(st) + ")");
        std::filesystem::rename(tmp_, path_);
        done_ = true;
    }

private:
    std::string path_, tmp_;
    FILE* pipe_ = nullptr;
    bool done_ = false;
};

std::string extension(const std::string& p) {
    std::string e = std::filesystem::path(p).extension().string();
    for (auto& ch : e) ch = char(std::tolower(static_cast<unsigned char>(ch)));
    return e;
}

}  // namespace

namespace {
std::vector<std::string> default_views(const Known& k) {
    std::vector<std::string> d;
    auto has = [](const std::vector<std::string>& l, const std::string& n) { return std::find(l.begin(), l.end(), n) != l.end(); };
    for (const char* n : {"H", "Hebb", "W+A*H", "w+alpha*Hebb"})
        if (has(k.matrices, n)) d.push_back(n);
    for (const auto& i : k.images)
        if (i.find("output") != std::string::npos) {
            d.push_back(i);
            break;
        }
    for (const auto& m : k.matrices)
        if (d.size() < 2 && !has(d, m)) d.push_back(m);
    if (d.empty()) d.push_back("activity");
    return d;
}
}  // namespace

std::vector<std::string> export_views(const LiveViews& v, const ExportOptions& opt) {
    Known k;
    k.add(v);
    if (!opt.views.empty()) {
        resolve(k, opt.views);   // throws naming an unknown one
        return opt.views;
    }
    return default_views(k);
}

void export_episode(LiveRun& run, const ExportOptions& opt, const std::string& path,
                    const std::function<void(int, int)>& progress, const std::atomic<bool>* cancel) {
    const std::string ext = extension(path);
    if (ext != ".gif" && ext != ".mp4") throw std::runtime_error("an animation is a .gif or .mp4 file, not '" + path + "'");
    if (opt.cell < 64 || opt.cell > 2048) throw std::runtime_error("the view size must be 64 to 2048 pixels");
    if (opt.fps < 1 || opt.fps > 60) throw std::runtime_error("frames per second must be 1 to 60");
    Task& task = run.task();
    LiveViews v;
    run.seek(0);
    task.live_views(v);
    const int end = run.frontier() > 0 ? run.frontier() : run.length();
    if (end < 1) throw std::runtime_error("the episode has no step to show");
    auto stopped = [&] { return cancel && cancel->load(); };

    // Pass 1: which views the episode shows, and each one's colour range over all its steps.
    Known known;
    std::map<std::string, Range> seen;
    auto measure = [&] {
        known.add(v);
        for (const auto& m : v.matrices)
            if (m.m) seen[m.name].add(m.m->data(), size_t(m.m->size()));
        if (v.activity) seen["activity"].add(v.activity->data(), size_t(v.activity->size()));
    };
    measure();
    for (int t = 1; t <= end; ++t) {
        if (stopped()) throw std::runtime_error("cancelled");
        run.step();
        task.live_views(v);
        measure();
        if (progress) progress(t, 2 * end);
    }
    const std::vector<ViewRef> refs = resolve(known, opt.views.empty() ? default_views(known) : opt.views);
    std::vector<Range> ranges;
    for (const auto& r : refs) ranges.push_back(seen[r.name]);
    // Pass 2: the frames.
    Layout L{opt.cell};
    const std::string title = opt.title.empty() ? task.name() + " / " + task.preset() : opt.title;
    run.seek(0);
    task.live_views(v);
    const int W = L.width(int(refs.size())), H = L.height();
    auto write = [&](auto& writer) {
        writer.frame(compose(v, refs, ranges, L, title));
        for (int t = 1; t <= end; ++t) {
            if (stopped()) throw std::runtime_error("cancelled");
            run.step();
            task.live_views(v);
            writer.frame(compose(v, refs, ranges, L, title));
            if (progress) progress(end + t, 2 * end);
        }
        writer.finish();
    };
    if (ext == ".gif") {
        GifWriter g(path, W, H, opt.fps);
        write(g);
    } else {
        Mp4Writer m(path, W, H, opt.fps);
        write(m);
    }
}

void export_view_png(LiveRun& run, const std::string& view, int px, const std::string& path) {
    if (px < 64 || px > 8192) throw std::runtime_error("the picture's size must be 64 to 8192 pixels");
    if (extension(path) != ".png") throw std::runtime_error("a view is saved as .png, not '" + path + "'");
    LiveViews v;
    run.task().live_views(v);
    Known k;
    k.add(v);
    const std::vector<ViewRef> refs = resolve(k, {view});
    Range r;
    if (const MatrixView* m = find_matrix(v, view)) r.add(m->m->data(), size_t(m->m->size()));
    if (refs[0].kind == Kind::Activity && v.activity) r.add(v.activity->data(), size_t(v.activity->size()));
    Layout L{px};
    const Canvas view_c = compose(v, refs, {r}, L, run.task().name() + " / " + run.task().preset());
    if (refs[0].kind == Kind::Image) {
        view_c.save(path);
        return;
    }
    // A colorbar on the right: the colours' values.
    const int bar = 18, margin = 90;
    Canvas c(view_c.w + margin, view_c.h);
    c.rect(0, 0, c.w, c.h, kBack);
    for (int y = 0; y < view_c.h; ++y)
        std::copy_n(&view_c.px[size_t(y) * size_t(view_c.w) * 3], size_t(view_c.w) * 3, &c.px[size_t(y) * size_t(c.w) * 3]);
    const MatrixView* m = find_matrix(v, view);
    const bool is_signed = !m || m->is_signed;
    const CmapRange cr = is_signed ? r.symmetric() : CmapRange{r.lo, 0.5f * (r.lo + r.hi), r.hi};
    const int x0 = view_c.w, y0 = L.header, h = L.cell;
    for (int y = 0; y < h; ++y) {
        const float val = cr.hi - (cr.hi - cr.lo) * float(y) / float(std::max(1, h - 1));
        c.rect(x0, y0 + y, x0 + bar, y0 + y + 1, to_rgb(gui::cmap_color(is_signed ? Cmap::Diverging : Cmap::Sequential, val, cr)));
    }
    c.text(x0 + bar + 6, y0, short_num(cr.hi), kText, 2);
    c.text(x0 + bar + 6, y0 + h / 2 - 7, short_num(cr.mid), kText, 2);
    c.text(x0 + bar + 6, y0 + h - 14, short_num(cr.lo), kText, 2);
    c.save(path);
}

}  // namespace ps
