// The Activity window: the x(t) raster over the episode so far with the input above it and the
// target beside it (only the newest timesteps are uploaded and recoloured each frame), the task's
// images (inputs, probe, output, target; left to the Task view when the task has one) and its
// scalars.
#include <imgui.h>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cctype>
#include <cstring>
#include <string>
#include <utility>
#include <vector>
#include "gui/lab.hpp"
#include "gui/panels.hpp"
#include "gui/plot.hpp"

namespace ps::gui {

namespace {

// Largest finite |value| in rows [r0, r1) of a raster.
float raster_absmax_rows(const MatR<float>& m, int r0, int r1) {
    float a = 0;
    r0 = std::clamp(r0, 0, int(m.rows()));
    r1 = std::clamp(r1, r0, int(m.rows()));
    for (int i = r0; i < r1; ++i)
        for (int j = 0; j < m.cols(); ++j) {
            const float v = std::fabs(m(i, j));
            if (std::isfinite(v)) a = std::max(a, v);
        }
    return a;
}
float raster_absmax(const MatR<float>& m, int rows_used) { return raster_absmax_rows(m, 0, rows_used); }

// Checksum of rows [0, r) (did the past of the raster change?).
uint64_t raster_checksum(const MatR<float>& m, int r) {
    const size_t n = size_t(std::clamp(r, 0, int(m.rows()))) * size_t(m.cols());
    const uint32_t* b = reinterpret_cast<const uint32_t*>(m.data());
    uint32_t s1 = 0, s2 = 0;
    for (size_t i = 0; i < n; ++i) {
        s1 += b[i];
        s2 += b[i] * (2u * uint32_t(i) + 1u);
    }
    return (uint64_t(s1) << 32) | s2;
}
}  // namespace

// a < b with runs of digits compared as numbers ("f2" < "f10").
static bool natural_less(const std::string& a, const std::string& b) {
    size_t i = 0, j = 0;
    while (i < a.size() && j < b.size()) {
        const bool da = std::isdigit(static_cast<unsigned char>(a[i])) != 0, db = std::isdigit(static_cast<unsigned char>(b[j])) != 0;
        if (da && db) {
            size_t ie = i, je = j;
            while (ie < a.size() && std::isdigit(static_cast<unsigned char>(a[ie]))) ++ie;
            while (je < b.size() && std::isdigit(static_cast<unsigned char>(b[je]))) ++je;
            const std::string na = a.substr(i, ie - i), nb = b.substr(j, je - j);
            if (na.size() != nb.size()) return na.size() < nb.size();   // no leading zeros in these names
            if (na != nb) return na < nb;
            i = ie;
            j = je;
        } else {
            if (a[i] != b[j]) return a[i] < b[j];
            ++i;
            ++j;
        }
    }
    return a.size() - i < b.size() - j;
}

void draw_activity(Lab& lab) {
    if (!ImGui::Begin(lab.view.activity_title)) {
        ImGui::End();
        return;
    }
    const LiveViews& views = lab.live.views();
    RasterCache& rc = lab.view.activity;
    const bool frame_changed = lab.live.frame_changed();
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const float fh = ImGui::GetTextLineHeightWithSpacing();
    // The twin's and the ghost's images that differ from the main network's (their outputs)
    // join the row, named so.
    // A task with its own task view draws its images there, large and labelled: the strip then
    // shows only what the task view does not (the twin's and the ghost's), not the same twice.
    const bool task_view_draws = lab.task_panel() && (lab.view.task_view_drawn || lab.view.task_view_was_drawn);
    std::vector<ImageView> shown;
    if (!task_view_draws) shown = views.images;
    for (const Follower* f : {lab.live.twin(), lab.live.ghost()}) {
        if (!f) continue;
        for (const auto& im : f->views.images) {
            bool same = false;
            for (const auto& m : views.images) same = same || (m.name == im.name && m.pixels == im.pixels);
            if (same) continue;
            shown.push_back(im);
            shown.back().name = (f == lab.live.twin() ? "twin: " : "ghost: ") + im.name;
        }
    }
    const bool have_images = !shown.empty();
    const float images_h = have_images ? std::min(avail.y * 0.42f, 190.0f) : 0.0f;
    const int followers = (lab.live.twin() ? 1 : 0) + (lab.live.ghost() ? 1 : 0);
    const float scalars_h = views.scalars.empty() ? 0.0f : fh * float(1 + followers);
    const float raster_h = avail.y - images_h - scalars_h - 4;
    ImDrawList* dl = ImGui::GetWindowDrawList();

    const MatR<float>* X = views.activity;
    const MatR<float>* U = views.input;
    if (X && X->rows() > 0 && X->cols() > 0 && raster_h > 60) {
        const int T = int(X->rows()), N = int(X->cols());
        const bool tgt_col = !views.target.empty() && int(views.target.size()) == N;
        const bool tgt_row = !views.target.empty() && !tgt_col && int(views.target.size()) == T;
        const float label_w = ImGui::CalcTextSize("input").x + 10;
        const float strip_w = tgt_col ? 14.0f : 0.0f;
        const float w = std::max(40.0f, avail.x - label_w - strip_w - (tgt_col ? 8 : 0) - 4);
        const bool have_u = U && U->rows() == T && U->cols() > 0;
        const float u_h = have_u ? std::floor(std::clamp(raster_h * 0.22f, 20.0f, 90.0f)) : 0.0f;
        const float t_h = tgt_row ? 12.0f : 0.0f;
        const float x_h = std::floor(raster_h - u_h - t_h - fh - (have_u ? 6 : 0) - (tgt_row ? 6 : 0) - 4);
        if (frame_changed || rc.raster.rows() != T) {
            // The input is fixed for an episode: upload (and recolour) it only when it differs.
            const size_t nu = have_u ? size_t(U->rows()) * size_t(U->cols()) : 0;
            if (have_u && (rc.input_shadow.size() != nu ||
                           std::memcmp(rc.input_shadow.data(), U->data(), nu * sizeof(float)) != 0)) {
                rc.input_shadow.assign(U->data(), U->data() + nu);
                rc.input.upload(U->data(), T, int(U->cols()));
                rc.input_absmax = std::max(raster_absmax(*U, T), 1e-6f);
            }
        }
        const ImVec2 p = ImGui::GetCursorScreenPos();
        const float x0 = p.x + label_w;
        const float tx = [&] { return w / float(T); }();
        auto cursor = [&](float y0, float h) {
            const float x = x0 + tx * float(std::clamp(views.t, 0, T));
            dl->AddLine(ImVec2(x, y0), ImVec2(x, y0 + h), IM_COL32(255, 220, 90, 200), 1.5f);
        };
        float y = p.y;
        if (have_u) {
            const float ua = rc.input_absmax;
            dl->AddText(ImVec2(p.x, y + u_h / 2 - fh / 2), ImGui::GetColorU32(style::kDim), "input");
            rc.input.render_cached(int(w), int(u_h), Cmap::Diverging, {-ua, 0, ua}, 0, 0, float(T),
                                        float(U->cols()), true);
            rc.input.show(dl, ImVec2(x0, y), ImVec2(x0 + w, y + u_h));
            cursor(y, u_h);
            y += u_h + 6;
        }
        {
            // Within an episode only the newest timesteps of x(t) change: upload and recolour
            // just their columns, unless the earlier rows, the range or the geometry moved.
            const int t = std::clamp(views.t, 0, T);
            const int done = rc.rows_done;
            bool full = rc.raster.rows() != T || rc.raster.cols() != N || t < done || int(w) != rc.w ||
                        int(x_h) != rc.h;
            float xa = rc.xa;
            if (!full && frame_changed) {
                const float grown = std::max(rc.xa, raster_absmax_rows(*X, std::max(0, done - 1), t));
                if (grown != rc.xa) full = true;
                else if (raster_checksum(*X, std::max(0, done - 1)) != rc.sum) full = true;
            }
            if (full) {
                xa = std::max(raster_absmax(*X, T), 1.0f);
                rc.raster.upload(X->data(), T, N);
                rc.raster.render(int(w), int(x_h), Cmap::Diverging, {-xa, 0, xa}, 0, 0, float(T), float(N), true);
            } else if (frame_changed && t > done - 1) {
                const int r0 = std::max(0, done - 1);   // the last coloured row may have been partial
                rc.raster.upload_rows(X->data(), r0, std::max(t, r0 + 1));
                const int px0 = std::max(0, int(std::floor(float(r0) * w / float(T))) - 1);
                const int px1 = std::min(int(w), int(std::ceil(float(std::max(t, r0 + 1)) * w / float(T))) + 1);
                rc.raster.render_columns(px0, px1, Cmap::Diverging, {-xa, 0, xa}, 0, 0, float(T), float(N), true);
            }
            if (full || frame_changed) {
                rc.rows_done = std::max(t, 1);
                rc.xa = xa;
                rc.w = int(w);
                rc.h = int(x_h);
                rc.sum = raster_checksum(*X, std::max(0, rc.rows_done - 1));
            }
            dl->AddText(ImVec2(p.x, y + x_h / 2 - fh / 2), ImGui::GetColorU32(style::kDim), "x(t)");
            rc.raster.show(dl, ImVec2(x0, y), ImVec2(x0 + w, y + x_h));
            for (const auto& [step, label] : views.marks) {
                const float x = x0 + tx * float(step);
                dl->AddLine(ImVec2(x, y), ImVec2(x, y + x_h), IM_COL32(255, 255, 255, 70));
            }
            cursor(y, x_h);
            // Hover readout over the raster.
            ImGui::SetCursorScreenPos(ImVec2(x0, y));
            ImGui::InvisibleButton("##raster", ImVec2(w, x_h));
            if (ImGui::IsItemHovered()) {
                const ImVec2 m = ImGui::GetIO().MousePos;
                const int t = std::clamp(int((m.x - x0) / tx), 0, T - 1);
                const int i = std::clamp(int((m.y - y) / x_h * float(N)), 0, N - 1);
                ImGui::BeginTooltip();
                ImGui::Text("t = %d, neuron %d: x = %.4g", t, i, double((*X)(t, i)));
                if (tgt_col) ImGui::Text("target %.4g", double(views.target[size_t(i)]));
                ImGui::EndTooltip();
            }
            if (tgt_col) {   // the pattern to produce, aligned with the neuron axis
                const float sx = x0 + w + 8;
                float ta = 1.0f;
                for (float tv : views.target)
                    if (std::isfinite(tv)) ta = std::max(ta, std::fabs(tv));
                // At most one rectangle per pixel row (N may exceed the height).
                const int rows_px = std::max(1, int(x_h));
                const int cells = std::min(N, rows_px);
                for (int k = 0; k < cells; ++k) {
                    const int i = int(int64_t(k) * N / cells);
                    const float y0 = y + x_h * float(k) / float(cells), y1 = y + x_h * float(k + 1) / float(cells);
                    dl->AddRectFilled(ImVec2(sx, y0), ImVec2(sx + strip_w, std::max(y1, y0 + 1)),
                                      rgb_to_imgui(cmap_color(Cmap::Diverging, views.target[size_t(i)], {-ta, 0, ta})));
                }
                dl->AddRect(ImVec2(sx, y), ImVec2(sx + strip_w, y + x_h), IM_COL32(255, 255, 255, 50));
                if (ImGui::IsMouseHoveringRect(ImVec2(sx, y), ImVec2(sx + strip_w, y + x_h))) ImGui::SetTooltip("target");
            }
            y += x_h;
        }
        if (tgt_row) {
            y += 6;
            dl->AddText(ImVec2(p.x, y - 2), ImGui::GetColorU32(style::kDim), "target");
            for (int t = 0; t < T; ++t)
                dl->AddRectFilled(ImVec2(x0 + tx * float(t), y), ImVec2(x0 + tx * float(t + 1), y + t_h),
                                  rgb_to_imgui(cmap_color(Cmap::Diverging, views.target[size_t(t)], {-1, 0, 1})));
            y += t_h;
        }
        // time axis
        double step = 1;
        for (double v : nice_ticks(0, T, std::max(2, int(w / (ImGui::GetFontSize() * 4))), &step)) {
            const float x = x0 + tx * float(v);
            const std::string s = tick_label(v, step);
            dl->AddText(ImVec2(x - ImGui::CalcTextSize(s.c_str()).x / 2, y + 2), ImGui::GetColorU32(style::kDim), s.c_str());
        }
        dl->AddText(ImVec2(p.x, y + 2), ImGui::GetColorU32(style::kDim), "t");
        ImGui::SetCursorScreenPos(ImVec2(p.x, p.y + raster_h));
    } else if (!X) {
        ImGui::TextColored(style::kDim, "This task shows no activity raster.");
        ImGui::Dummy(ImVec2(1, std::max(0.0f, raster_h - fh)));
    }

    // Images (inputs, probe, output, target of pattern tasks).
    if (have_images) {
        ImGui::Separator();
        const int n = int(shown.size());
        if (int(lab.view.images.size()) != n) {
            for (auto& im : lab.view.images) im.destroy();
            lab.view.images.assign(size_t(n), GlImage());
        }
        const float sp = ImGui::GetStyle().ItemSpacing.x;
        const float side = std::floor(std::min((avail.x - sp * float(n - 1)) / float(n), images_h - fh - 8));
        for (int k = 0; k < n; ++k) {
            const ImageView& iv = shown[size_t(k)];
            if (iv.width <= 0 || iv.height <= 0 || iv.pixels.size() < size_t(iv.width) * size_t(iv.height)) continue;
            if (frame_changed || lab.view.images[size_t(k)].tex == 0) {
                std::vector<uint8_t> rgba(size_t(iv.width) * size_t(iv.height) * 4);
                const CmapRange r{iv.lo, 0.5f * (iv.lo + iv.hi), iv.hi};
                for (size_t i = 0; i < size_t(iv.width) * size_t(iv.height); ++i) {
                    const Rgb c = cmap_color(Cmap::Gray, iv.pixels[i], r);
                    const Rgb cc = std::isfinite(iv.pixels[i]) ? c : kNonFiniteColor;
                    for (int ch = 0; ch < 3; ++ch) rgba[i * 4 + size_t(ch)] = uint8_t(std::lround(cc[size_t(ch)] * 255));
                    rgba[i * 4 + 3] = 255;
                }
                lab.view.images[size_t(k)].upload_rgba(rgba.data(), iv.width, iv.height);
            }
            if (k) ImGui::SameLine();
            ImGui::BeginGroup();
            const float aspect = float(iv.width) / float(iv.height);
            const ImVec2 sz = aspect >= 1 ? ImVec2(side, std::floor(side / aspect)) : ImVec2(std::floor(side * aspect), side);
            const ImVec2 q = ImGui::GetCursorScreenPos();
            ImGui::Image(reinterpret_cast<ImTextureID>(static_cast<intptr_t>(lab.view.images[size_t(k)].tex)), sz);
            dl->AddRect(q, ImVec2(q.x + sz.x, q.y + sz.y), IM_COL32(255, 255, 255, 50));
            if (ImGui::IsItemHovered()) {
                const ImVec2 m = ImGui::GetIO().MousePos;
                const int cx = std::clamp(int((m.x - q.x) / sz.x * float(iv.width)), 0, iv.width - 1);
                const int cy = std::clamp(int((m.y - q.y) / sz.y * float(iv.height)), 0, iv.height - 1);
                ImGui::SetTooltip("%s (%d, %d) = %.4g", iv.name.c_str(), cy, cx,
                                  double(iv.pixels[size_t(cy) * size_t(iv.width) + size_t(cx)]));
            }
            ImGui::TextColored(style::kDim, "%s", iv.name.c_str());
            ImGui::EndGroup();
        }
    }
    if (!views.scalars.empty()) {
        // Each scalar under its reader's label, in natural order (function 2 before function 10);
        // the line may be cut at the window's edge, the tooltip lists them all.
        std::vector<std::pair<std::string, double>> named;
        for (const auto& [k, v] : views.scalars) {
            auto it = views.scalar_labels.find(k);
            named.emplace_back(it == views.scalar_labels.end() ? k : it->second, v);
        }
        std::sort(named.begin(), named.end(), [](const auto& a, const auto& b) { return natural_less(a.first, b.first); });
        std::string s, all;
        char b[160];
        for (const auto& [k, v] : named) {
            std::snprintf(b, sizeof b, "%s%s = %.4g", s.empty() ? "" : "    ", k.c_str(), v);
            s += b;
            std::snprintf(b, sizeof b, "%s%s = %.6g", all.empty() ? "" : "\n", k.c_str(), v);
            all += b;
        }
        ImGui::TextColored(style::kDim, "%s", s.c_str());
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", all.c_str());
        // The same scores of the twin and the ghost, where they differ.
        for (const Follower* f : {lab.live.twin(), lab.live.ghost()}) {
            if (!f) continue;
            std::string t;
            for (const auto& [k, v] : f->views.scalars) {
                auto it = views.scalars.find(k);
                if (it != views.scalars.end() && it->second == v) continue;
                std::snprintf(b, sizeof b, "%s%s = %.4g", t.empty() ? "" : "    ", k.c_str(), v);
                t += b;
            }
            if (!t.empty())
                ImGui::TextColored(ImVec4(1.0f, 0.85f, 0.35f, 1), "%s: %s", f == lab.live.twin() ? "twin" : "ghost",
                                   t.c_str());
        }
    }
    ImGui::End();
}

}  // namespace ps::gui
