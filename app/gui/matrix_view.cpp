// Matrix widget (see matrix_view.hpp).
#include "gui/matrix_view.hpp"
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdint>
#include <climits>
#include <cstring>
#include "gui/plot.hpp"

namespace ps::gui {

void MatrixViewport::clamp() {
    zoom = std::max(1.0f, zoom);
    const float h = 0.5f / zoom;
    cx = std::clamp(cx, h, 1 - h);
    cy = std::clamp(cy, h, 1 - h);
}

namespace {
// One pass over a float array seen as integers (the compiler vectorises it): a position-
// sensitive checksum, the number of NaN / Inf cells, and min / max through the order-preserving
// map float bits -> int32 (negative floats get their magnitude bits flipped).
struct Scan {
    uint64_t checksum;
    int nonfinite;
    int32_t lo, hi;
};
Scan scan(const float* d, uint32_t n) {
    const uint32_t* b = reinterpret_cast<const uint32_t*>(d);
    uint32_t s1 = 0, s2 = 0, bad = 0;
    int32_t lo = INT32_MAX, hi = INT32_MIN;
    for (uint32_t i = 0; i < n; ++i) {
        const uint32_t x = b[i];
        s1 += x;
        s2 += x * (2u * i + 1u);
        bad += (x & 0x7f800000u) == 0x7f800000u;   // exponent all ones
        const int32_t k = int32_t(x ^ (uint32_t(int32_t(x) >> 31) >> 1));
        lo = k < lo ? k : lo;
        hi = k > hi ? k : hi;
    }
    return {(uint64_t(s1) << 32) | s2, int(bad), lo, hi};
}
float key_to_float(int32_t k) {
    const uint32_t u = uint32_t(k) ^ (uint32_t(k >> 31) >> 1);
    float f;
    std::memcpy(&f, &u, 4);
    return f;
}
}  // namespace

// The checksum decides whether the texture needs a re-upload (straight from the task's memory);
// the same pass gives the colour range. At N = 1024 (4 MB per matrix) it costs ~0.2 ms, where a
// CPU copy + memcmp + scalar statistics cost ~2 ms.
bool MatrixWidget::sync(const MatR<float>& m, bool maybe_changed) {
    const int r = int(m.rows()), c = int(m.cols());
    const size_t n = size_t(r) * size_t(c);
    const bool reshaped = r != rows_ || c != cols_ || !have_data_;
    if (!reshaped && !maybe_changed) return false;
    const float* d = m.data();
    const Scan s = scan(d, uint32_t(n));
    if (!reshaped && s.checksum == checksum_) return false;
    checksum_ = s.checksum;
    rows_ = r;
    cols_ = c;
    have_data_ = true;
    nonfinite = s.nonfinite;
    if (n == 0) {
        min_ = max_ = 0;
    } else if (s.nonfinite == 0) {
        min_ = key_to_float(s.lo);
        max_ = key_to_float(s.hi);
    } else {   // rare: NaN / Inf cells (drawn magenta); the range comes from the finite ones
        float lo = INFINITY, hi = -INFINITY;
        for (size_t i = 0; i < n; ++i)
            if (std::isfinite(d[i])) {
                lo = std::min(lo, d[i]);
                hi = std::max(hi, d[i]);
            }
        if (s.nonfinite == int(n)) lo = hi = 0;
        min_ = lo;
        max_ = hi;
    }
    absmax_ = std::max(std::fabs(min_), std::fabs(max_));
    if (n > 0) gl_.upload(d, r, c);
    return true;
}

CmapRange MatrixWidget::range(bool is_signed) const {
    float lo, hi;
    switch (mode) {
        case RangeMode::Symmetric:
            hi = absmax_ > 0 ? absmax_ : 1.0f;   // all zero (H at t = 0): a plain +-1 bar
            lo = is_signed ? -hi : 0.0f;
            break;
        case RangeMode::Auto:
            lo = min_;
            hi = max_ > min_ ? max_ : min_ + 1e-6f;
            break;
        default:
            lo = fixed_lo;
            hi = fixed_hi > fixed_lo ? fixed_hi : fixed_lo + 1e-6f;
    }
    // Diverging maps keep 0 at the centre whenever the range straddles it.
    const float mid = (is_signed && lo < 0 && hi > 0) ? 0.0f : 0.5f * (lo + hi);
    return {lo, mid, hi};
}

void draw_colorbar(ImDrawList* dl, ImVec2 p0, ImVec2 size, Cmap cmap, const CmapRange& r) {
    const int segs = 48;
    for (int i = 0; i < segs; ++i) {   // top = hi
        const float t1 = 1.0f - float(i) / segs, t2 = 1.0f - float(i + 1) / segs;
        const ImU32 c1 = rgb_to_imgui(cmap_at(cmap, t1)), c2 = rgb_to_imgui(cmap_at(cmap, t2));
        const float y1 = p0.y + size.y * float(i) / segs, y2 = p0.y + size.y * float(i + 1) / segs;
        dl->AddRectFilledMultiColor(ImVec2(p0.x, y1), ImVec2(p0.x + size.x, y2 + 0.5f), c1, c1, c2, c2);
    }
    dl->AddRect(p0, ImVec2(p0.x + size.x, p0.y + size.y), IM_COL32(255, 255, 255, 60));
    double step = 1;
    const float fh = ImGui::GetFontSize();
    auto ticks = nice_ticks(r.lo, r.hi, std::clamp(int(size.y / (fh * 1.6f)), 2, 7), &step);
    if (ticks.size() < 2) ticks = {r.lo, r.hi};
    for (double v : ticks) {
        const float y = p0.y + size.y * (1.0f - cmap_position(float(v), r));
        dl->AddLine(ImVec2(p0.x + size.x, y), ImVec2(p0.x + size.x + 3, y), IM_COL32(200, 200, 200, 200));
        const std::string s = tick_label(v, step);
        dl->AddText(ImVec2(p0.x + size.x + 5, std::clamp(y - fh / 2, p0.y - fh / 2, p0.y + size.y - fh / 2)),
                    IM_COL32(190, 192, 200, 255), s.c_str());
    }
}

void MatrixWidget::draw(const MatrixView& v, MatrixViewport& vp, MatrixFocus& focus, ImVec2 box, bool hover_readout) {
    ImGui::PushID(v.name.c_str());
    const float start_x = ImGui::GetCursorPosX();
    const float fh = ImGui::GetFrameHeight();
    const Cmap cmap = v.is_signed ? Cmap::Diverging : Cmap::Sequential;

    // Header: name, (?) help, range mode.
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted(v.name.c_str());
    if (!v.help.empty()) {
        ImGui::SameLine(0, 4);
        ImGui::TextDisabled("(?)");
        if (ImGui::IsItemHovered()) {
            ImGui::BeginTooltip();
            ImGui::PushTextWrapPos(ImGui::GetFontSize() * 30);
            ImGui::TextUnformatted(v.help.c_str());
            ImGui::TextDisabled("rows: %s, columns: %s. Wheel: zoom, drag: pan, double-click: reset, click: focus.",
                                v.row_label.c_str(), v.col_label.c_str());
            ImGui::PopTextWrapPos();
            ImGui::EndTooltip();
        }
    }
    const char* modes[] = {"+-max", "min..max", "fixed"};
    const float combo_w = ImGui::CalcTextSize("min..max").x + fh + 12;
    ImGui::SameLine();
    ImGui::SetCursorPosX(std::max(ImGui::GetCursorPosX(), start_x + box.x - combo_w - 4));
    ImGui::SetNextItemWidth(combo_w);
    int m = int(mode);
    if (ImGui::Combo("##range", &m, modes, 3)) {
        if (m == int(RangeMode::Fixed) && mode != RangeMode::Fixed) {
            const CmapRange cur = range(v.is_signed);
            fixed_lo = cur.lo;
            fixed_hi = cur.hi;
        }
        mode = RangeMode(m);
    }
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip("Colour range: +-max = symmetric around 0 at the largest |value|;\n"
                          "min..max = the data's extent; fixed = the numbers you set below.");

    // Image size: keep the matrix's aspect (within 1:4 .. 4:1) inside the box.
    const float bar_w = 12, bar_labels = ImGui::CalcTextSize("-0.0000").x + 8;
    const float footer = fh + 2;
    const float avail_w = std::max(16.0f, box.x - bar_w - bar_labels - 6);
    const float avail_h = std::max(16.0f, box.y - fh - footer - 8);
    const float aspect = rows_ > 0 ? std::clamp(float(cols_) / float(rows_), 0.25f, 4.0f) : 1.0f;
    float iw = avail_w, ih = iw / aspect;
    if (ih > avail_h) { ih = avail_h; iw = ih * aspect; }
    iw = std::floor(iw);
    ih = std::floor(ih);

    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    vp.clamp();
    const float x0 = vp.x0(), y0 = vp.y0(), span = 1.0f / vp.zoom;
    const CmapRange r = range(v.is_signed);
    // An invisible button owns the mouse (drag pans instead of moving the window).
    ImGui::InvisibleButton("##image", ImVec2(iw, ih));
    image_min = p0;
    image_max = ImVec2(p0.x + iw, p0.y + ih);
    ImDrawList* dl = ImGui::GetWindowDrawList();
    // Colour into a texture of the image's size (skipped when nothing changed), then copy it to
    // the screen: W and A then cost a memory copy per frame, not a shader pass.
    gl_.render_cached(int(iw), int(ih), cmap, r, y0 * float(rows_), x0 * float(cols_), (y0 + span) * float(rows_),
                      (x0 + span) * float(cols_));
    gl_.show(dl, image_min, image_max);
    const bool hovered = ImGui::IsItemHovered();
    ImGuiIO& io = ImGui::GetIO();

    // Cell under a screen point.
    auto cell_at = [&](ImVec2 p, int& row, int& col) {
        const float u = (p.x - p0.x) / iw, w = (p.y - p0.y) / ih;
        col = std::clamp(int(std::floor((x0 + u * span) * float(cols_))), 0, std::max(0, cols_ - 1));
        row = std::clamp(int(std::floor((y0 + w * span) * float(rows_))), 0, std::max(0, rows_ - 1));
    };
    if (hovered && rows_ > 0) {
        if (io.MouseWheel != 0) {   // zoom about the cursor
            const float u = (io.MousePos.x - p0.x) / iw, w = (io.MousePos.y - p0.y) / ih;
            const float fx = x0 + u * span, fy = y0 + w * span;
            const float zmax = std::max(1.0f, float(std::max(rows_, cols_)) / 4.0f);
            vp.zoom = std::clamp(vp.zoom * std::pow(1.25f, io.MouseWheel), 1.0f, zmax);
            const float ns = 1.0f / vp.zoom;
            vp.cx = fx - u * ns + ns / 2;
            vp.cy = fy - w * ns + ns / 2;
            vp.clamp();
        }
        if (ImGui::IsMouseDoubleClicked(0)) vp.reset();
        int row, col;
        cell_at(io.MousePos, row, col);
        if (ImGui::IsMouseReleased(0) && io.MouseDragMaxDistanceSqr[0] < 16.0f) {
            focus.active = true;
            focus.row = row;
            focus.col = col;
            focus.matrix = v.name;
        }
        if (hover_readout && v.m) {
            ImGui::BeginTooltip();
            ImGui::Text("%s[%s %d, %s %d] = %.5g", v.name.c_str(), v.row_label.c_str(), row, v.col_label.c_str(), col,
                        double((*v.m)(row, col)));
            ImGui::EndTooltip();
        }
    }
    if (ImGui::IsItemActive() && ImGui::IsMouseDragging(0, 2.0f)) {   // pan
        vp.cx -= io.MouseDelta.x / iw * span;
        vp.cy -= io.MouseDelta.y / ih * span;
        vp.clamp();
    }
    // Focus cross-hair (row and column of the focused cell) when it is inside the window.
    if (focus.active && rows_ > 0) {
        dl->PushClipRect(image_min, image_max, true);
        const float fy = ((float(focus.row) + 0.5f) / float(rows_) - y0) / span * ih + p0.y;
        const float fx = ((float(focus.col) + 0.5f) / float(cols_) - x0) / span * iw + p0.x;
        const ImU32 c = IM_COL32(255, 220, 60, 170);
        if (focus.row < rows_) dl->AddLine(ImVec2(p0.x, fy), ImVec2(p0.x + iw, fy), c, 1.0f);
        if (focus.col < cols_) dl->AddLine(ImVec2(fx, p0.y), ImVec2(fx, p0.y + ih), c, 1.0f);
        dl->PopClipRect();
    }
    dl->AddRect(image_min, image_max, IM_COL32(255, 255, 255, 40));
    draw_colorbar(dl, ImVec2(p0.x + iw + 6, p0.y), ImVec2(bar_w, ih), cmap, r);

    // Footer: shape, zoom, non-finite warning, fixed range editor.
    ImGui::SetCursorScreenPos(ImVec2(p0.x, p0.y + ih + 2));
    if (mode == RangeMode::Fixed) {
        ImGui::SetNextItemWidth(std::min(iw, 220.0f));
        ImGui::DragFloatRange2("##fixed", &fixed_lo, &fixed_hi, std::max(1e-4f, (fixed_hi - fixed_lo) * 0.005f), 0, 0,
                               "lo %.4g", "hi %.4g");
    } else {
        ImGui::TextDisabled("%d x %d%s", rows_, cols_, have_data_ && absmax_ == 0 && nonfinite == 0 ? ", all 0" : "");
        if (vp.zoom > 1.001f) {
            ImGui::SameLine();
            ImGui::TextDisabled(" zoom %.1fx", double(vp.zoom));
        }
    }
    if (nonfinite > 0) {
        ImGui::SameLine();
        ImGui::TextColored(ImVec4(1, 0.3f, 1, 1), "%d NaN/Inf (magenta)", nonfinite);
    }
    ImGui::PopID();
}

}  // namespace ps::gui
