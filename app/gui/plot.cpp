// ImDrawList line plots (see plot.hpp).
#include "gui/plot.hpp"
#include <algorithm>
#include <cmath>
#include <cstdio>

namespace ps::gui {

std::vector<double> nice_ticks(double lo, double hi, int max_ticks, double* step_out) {
    std::vector<double> t;
    if (!(hi > lo) || !std::isfinite(lo) || !std::isfinite(hi)) return t;
    const double raw = (hi - lo) / std::max(1, max_ticks);
    const double mag = std::pow(10.0, std::floor(std::log10(raw)));
    double step = mag;
    for (double m : {1.0, 2.0, 5.0, 10.0})
        if (m * mag >= raw) { step = m * mag; break; }
    for (double v = std::ceil(lo / step) * step; v <= hi + step * 1e-9; v += step)
        t.push_back(std::fabs(v) < step * 1e-9 ? 0.0 : v);
    if (step_out) *step_out = step;
    return t;
}

std::string tick_label(double v, double step) {
    char b[32];
    const double a = std::fabs(v);
    if (v == 0) return "0";
    if (a >= 1e5 || a < 1e-3) std::snprintf(b, sizeof b, "%.2g", v);
    else if (a >= 1e4 && step >= 1000) std::snprintf(b, sizeof b, "%gk", v / 1000);
    else {
        const int dec = std::max(0, int(std::ceil(-std::log10(step) - 1e-9)));
        std::snprintf(b, sizeof b, "%.*f", std::min(dec, 6), v);
    }
    return b;
}

void dense_band(const std::vector<double>& x, const std::vector<double>& lo, const std::vector<double>& hi,
                std::vector<double>& band_x, std::vector<double>& band_y, int columns) {
    if (x.size() < 2 || lo.size() != x.size() || hi.size() != x.size()) return;
    size_t k = 0;
    for (int i = 0; i <= columns; ++i) {
        const double xi = x.front() + (x.back() - x.front()) * i / double(columns);
        while (k + 2 < x.size() && x[k + 1] < xi) ++k;
        const double f = x[k + 1] > x[k] ? std::clamp((xi - x[k]) / (x[k + 1] - x[k]), 0.0, 1.0) : 0.0;
        band_x.push_back(xi); band_y.push_back(lo[k] + f * (lo[k + 1] - lo[k]));
        band_x.push_back(xi); band_y.push_back(hi[k] + f * (hi[k + 1] - hi[k]));
    }
}

std::vector<double> smooth_ema(const std::vector<double>& y, double s) {
    std::vector<double> r(y.size());
    double acc = 0, w = 0;
    for (size_t i = 0; i < y.size(); ++i) {
        if (!std::isfinite(y[i])) { r[i] = y[i]; continue; }
        acc = s * acc + (1 - s) * y[i];
        w = s * w + (1 - s);
        r[i] = acc / w;
    }
    return r;
}

namespace {
struct Axis {
    double lo, hi;
    bool log;
    float p0, p1;   // pixel positions of lo and hi
    double f(double v) const { return log ? std::log10(std::max(v, 1e-300)) : v; }
    float px(double v) const {
        const double a = f(lo), b = f(hi);
        return p0 + float((f(v) - a) / (b - a)) * (p1 - p0);
    }
    double inv(float p) const {
        const double a = f(lo), b = f(hi);
        const double u = a + double(p - p0) / double(p1 - p0) * (b - a);
        return log ? std::pow(10.0, u) : u;
    }
};

// Index of the last x <= v (x ascending), clamped to [0, n-1].
size_t lower_index(const std::vector<double>& x, double v) {
    auto it = std::upper_bound(x.begin(), x.end(), v);
    if (it == x.begin()) return 0;
    return size_t(it - x.begin()) - 1;
}
}  // namespace

bool plot_lines(const char* id, const std::vector<PlotSeries>& series, const PlotOptions& opt, const char* empty_hint) {
    ImVec2 size = opt.size;
    if (size.x <= 0) size.x = ImGui::GetContentRegionAvail().x;
    if (size.y <= 0) size.y = std::max(60.0f, ImGui::GetContentRegionAvail().y);
    const ImVec2 p0 = ImGui::GetCursorScreenPos();
    ImGui::InvisibleButton(id, size);
    const bool hovered = ImGui::IsItemHovered();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 p1(p0.x + size.x, p0.y + size.y);
    dl->AddRect(p0, p1, IM_COL32(255, 255, 255, 18));   // a frame, not a fill: fills cost llvmpipe dearly

    // Data extent.
    double xmin = 1e300, xmax = -1e300, ymin = 1e300, ymax = -1e300;
    for (const auto& s : series) {
        if (!s.x || !s.y) continue;
        const size_t n = std::min(s.x->size(), s.y->size());
        for (size_t i = 0; i < n; ++i) {
            const double xv = (*s.x)[i], yv = (*s.y)[i];
            if (!std::isfinite(xv) || !std::isfinite(yv) || (opt.log_y && yv <= 0)) continue;
            xmin = std::min(xmin, xv); xmax = std::max(xmax, xv);
            ymin = std::min(ymin, yv); ymax = std::max(ymax, yv);
        }
    }
    if (opt.have_x_range) { xmin = opt.x_min; xmax = opt.x_max; }
    if (opt.have_y_range) { ymin = opt.y_min; ymax = opt.y_max; }
    if (!(xmax >= xmin) || !(ymax >= ymin)) {
        const ImVec2 ts = ImGui::CalcTextSize(empty_hint);
        dl->AddText(ImVec2(p0.x + (size.x - ts.x) / 2, p0.y + (size.y - ts.y) / 2), IM_COL32(140, 140, 150, 255), empty_hint);
        return hovered;
    }
    if (xmax == xmin) { xmin -= 0.5; xmax += 0.5; }
    if (ymax == ymin) {
        const double d = ymin == 0 ? 1.0 : std::fabs(ymin) * 0.1;
        ymin -= d; ymax += d;
        if (opt.log_y && ymin <= 0) ymin = ymax / 100;
    }
    if (!opt.have_y_range) {
        if (opt.log_y) { ymin /= 1.15; ymax *= 1.15; }
        else { const double pad = 0.06 * (ymax - ymin); ymin -= pad; ymax += pad; }
    }

    // Plot area inside the frame: room for y labels on the left and x labels below.
    const float fh = ImGui::GetFontSize();
    const float left = p0.x + 6 + ImGui::CalcTextSize("-0.000").x, right = p1.x - 8;
    // The legend takes a strip above the data (wrapped into rows): it never covers a curve.
    struct Entry { const PlotSeries* s; float x, y; };
    std::vector<Entry> legend;
    float legend_h = 0;
    if (opt.legend) {
        float x = left, y = p0.y + 4;
        for (const auto& s : series) {
            if (s.label.empty()) continue;
            const float w = 24 + ImGui::CalcTextSize(s.label.c_str()).x + 12;
            if (x + w > right && x > left) { x = left; y += fh + 3; }
            legend.push_back({&s, x, y});
            x += w;
        }
        if (!legend.empty()) legend_h = legend.back().y + fh + 3 - p0.y;
    }
    const float top = p0.y + 6 + legend_h, bottom = p1.y - fh - 6;
    if (right - left < 20 || bottom - top < 20) return hovered;
    Axis ax{xmin, xmax, false, left, right}, ay{ymin, ymax, opt.log_y, bottom, top};

    const ImU32 grid = IM_COL32(255, 255, 255, 22), label = IM_COL32(160, 162, 170, 255);
    // y ticks
    if (opt.log_y) {
        const int e0 = int(std::floor(std::log10(ymin))), e1 = int(std::ceil(std::log10(ymax)));
        const int every = std::max(1, (e1 - e0) / 5);
        for (int e = e0; e <= e1; e += every) {
            const double v = std::pow(10.0, e);
            if (v < ymin || v > ymax) continue;
            const float y = ay.px(v);
            dl->AddLine(ImVec2(left, y), ImVec2(right, y), grid);
            char b[16];
            std::snprintf(b, sizeof b, "1e%d", e);
            if (e >= -2 && e <= 3) std::snprintf(b, sizeof b, "%g", v);
            const ImVec2 ts = ImGui::CalcTextSize(b);
            dl->AddText(ImVec2(left - ts.x - 4, y - ts.y / 2), label, b);
        }
    } else {
        double step = 1;
        for (double v : nice_ticks(ymin, ymax, std::max(2, int((bottom - top) / (fh * 2.2f))), &step)) {
            const float y = ay.px(v);
            dl->AddLine(ImVec2(left, y), ImVec2(right, y), v == 0 ? IM_COL32(255, 255, 255, 60) : grid);
            const std::string s = tick_label(v, step);
            const ImVec2 ts = ImGui::CalcTextSize(s.c_str());
            dl->AddText(ImVec2(left - ts.x - 4, y - ts.y / 2), label, s.c_str());
        }
    }
    // x ticks
    {
        double step = 1;
        const int maxt = std::max(2, int((right - left) / (fh * 5)));
        for (double v : nice_ticks(xmin, xmax, maxt, &step)) {
            const float x = ax.px(v);
            dl->AddLine(ImVec2(x, top), ImVec2(x, bottom), grid);
            const std::string s = tick_label(v, step);
            const ImVec2 ts = ImGui::CalcTextSize(s.c_str());
            dl->AddText(ImVec2(std::clamp(x - ts.x / 2, left - 4, right - ts.x), bottom + 3), label, s.c_str());
        }
    }
    dl->AddRect(ImVec2(left, top), ImVec2(right, bottom), IM_COL32(255, 255, 255, 50));

    // Series, clipped to the plot area; envelope per pixel column when dense.
    dl->PushClipRect(ImVec2(left, top - 1), ImVec2(right, bottom + 1), true);
    std::vector<ImVec2> pts;
    for (const auto& s : series) {
        if (!s.x || !s.y) continue;
        const size_t n = std::min(s.x->size(), s.y->size());
        if (n == 0) continue;
        const size_t i0 = lower_index(*s.x, xmin);
        if (s.band) {
            // One 1-pixel-wide rectangle per pixel column from the column's min to its max: a
            // noise band that costs at most two triangles per column.
            float col = -1e9f, lo = 0, hi = 0;
            bool have = false;
            auto flush = [&] {
                if (have) dl->AddRectFilled(ImVec2(col - 0.5f, std::min(lo, hi - 1.0f)), ImVec2(col + 0.5f, hi), s.color);
                have = false;
            };
            for (size_t i = i0; i < n; ++i) {
                const double xv = (*s.x)[i], yv = (*s.y)[i];
                if (!std::isfinite(yv) || (opt.log_y && yv <= 0)) continue;
                const float px = std::floor(ax.px(xv)) + 0.5f, py = ay.px(yv);
                if (px != col) { flush(); col = px; lo = hi = py; have = true; }
                else { lo = std::min(lo, py); hi = std::max(hi, py); }
                if (xv > xmax) break;
            }
            flush();
            continue;
        }
        pts.clear();
        float col = -1e9f, cmin = 0, cmax = 0, clast = 0, cfirst = 0;
        bool have = false;
        auto flush = [&] {
            if (!have) return;
            if (cmin == cmax) pts.emplace_back(col, cfirst);
            else {
                pts.emplace_back(col, cfirst);
                pts.emplace_back(col, cfirst > clast ? cmin : cmax);
                pts.emplace_back(col, cfirst > clast ? cmax : cmin);
                pts.emplace_back(col, clast);
            }
            have = false;
        };
        auto flush_line = [&] {
            flush();
            if (pts.size() == 1) dl->AddCircleFilled(pts[0], s.thickness + 0.5f, s.color, 8);
            else if (pts.size() > 1) dl->AddPolyline(pts.data(), int(pts.size()), s.color, 0, s.thickness);
            pts.clear();
        };
        for (size_t i = i0; i < n; ++i) {
            const double xv = (*s.x)[i], yv = (*s.y)[i];
            if (!std::isfinite(yv) || (opt.log_y && yv <= 0)) { flush_line(); continue; }
            const float px = std::floor(ax.px(xv)) + 0.5f, py = ay.px(yv);
            if (px != col) {
                flush();
                col = px; cmin = cmax = clast = cfirst = py; have = true;
            } else {
                cmin = std::min(cmin, py); cmax = std::max(cmax, py); clast = py;
            }
            if (xv > xmax) break;   // one point beyond the edge keeps the line continuous
        }
        flush_line();
    }
    if (opt.cursor_x >= xmin && opt.cursor_x <= xmax) {
        const float x = ax.px(opt.cursor_x);
        dl->AddLine(ImVec2(x, top), ImVec2(x, bottom), IM_COL32(255, 220, 90, 160), 1.0f);
    }
    // Marks (a setting changed while training): a line, the label at the top where it fits.
    float mark_end = -1e9f;
    for (const auto& [mx, text] : opt.marks) {
        if (mx < xmin || mx > xmax) continue;
        const float x = ax.px(mx);
        dl->AddLine(ImVec2(x, top), ImVec2(x, bottom), IM_COL32(255, 150, 80, 150), 1.0f);
        const ImVec2 ts = ImGui::CalcTextSize(text.c_str());
        if (x + 3 > mark_end + 6 && x + 3 + ts.x < right) {
            dl->AddText(ImVec2(x + 3, top + 2), IM_COL32(255, 170, 100, 230), text.c_str());
            mark_end = x + 3 + ts.x;
        }
        if (hovered && std::fabs(ImGui::GetIO().MousePos.x - x) < 4) ImGui::SetTooltip("%s", text.c_str());
    }
    dl->PopClipRect();

    for (const auto& e : legend) {
        dl->AddLine(ImVec2(e.x, e.y + fh / 2), ImVec2(e.x + 18, e.y + fh / 2), e.s->color, 2.5f);
        dl->AddText(ImVec2(e.x + 23, e.y), IM_COL32(220, 220, 225, 255), e.s->label.c_str());
    }

    // Hover readout: nearest point of each labelled series at the cursor's x.
    if (hovered) {
        const ImVec2 m = ImGui::GetIO().MousePos;
        if (m.x >= left && m.x <= right) {
            const double xv = ax.inv(m.x);
            dl->AddLine(ImVec2(m.x, top), ImVec2(m.x, bottom), IM_COL32(255, 255, 255, 90));
            ImGui::BeginTooltip();
            bool first = true;
            for (const auto& s : series) {
                if (s.label.empty() || !s.x || !s.y || s.x->empty()) continue;
                size_t i = lower_index(*s.x, xv);
                if (i + 1 < s.x->size() && std::fabs((*s.x)[i + 1] - xv) < std::fabs((*s.x)[i] - xv)) ++i;
                if (first) {
                    ImGui::Text("%s %.6g", opt.x_label.c_str(), (*s.x)[i]);
                    first = false;
                }
                char vb[48];
                std::snprintf(vb, sizeof vb, opt.y_format, (*s.y)[i]);
                ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(s.color), "%s: %s", s.label.c_str(), vb);
            }
            ImGui::EndTooltip();
        }
    }
    return hovered;
}

}  // namespace ps::gui
