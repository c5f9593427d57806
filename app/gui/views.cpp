// The lab's data windows: matrices, neuron focus, activity raster + images, training curves
// (see lab.hpp). Everything here reads LiveViews, which any registered task fills.
#include <imgui.h>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstring>
#include "gui/lab.hpp"
#include "gui/plot.hpp"

namespace ps::gui {

namespace {
const ImVec4 kDim(0.6f, 0.62f, 0.68f, 1);
const ImU32 kPalette[] = {IM_COL32(255, 170, 80, 255), IM_COL32(200, 130, 255, 255), IM_COL32(90, 220, 220, 255),
                          IM_COL32(255, 110, 160, 255), IM_COL32(220, 220, 90, 255)};

// Largest finite |value| in rows [r0, r1) of a raster.
float raster_absmax_rows(const MatRf& m, int r0, int r1) {
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
float raster_absmax(const MatRf& m, int rows_used) { return raster_absmax_rows(m, 0, rows_used); }

// Checksum of rows [0, r) (did the past of the raster change?).
uint64_t raster_checksum(const MatRf& m, int r) {
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

// ---------------------------------------------------------------- matrices

void Lab::draw_matrices() {
    if (!ImGui::Begin("Matrices")) { ImGui::End(); return; }
    const auto& ms = views_.matrices;
    if (ms.empty()) {
        ImGui::TextColored(kDim, "This task shows no matrices.");
        ImGui::End();
        return;
    }
    const int n = int(ms.size());
    const int cols = n <= 1 ? 1 : n <= 4 ? 2 : 3;
    const int rows = (n + cols - 1) / cols;
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const ImVec2 sp = ImGui::GetStyle().ItemSpacing;
    const ImVec2 cell(std::floor((avail.x - sp.x * float(cols - 1)) / float(cols)),
                      std::floor((avail.y - sp.y * float(rows - 1)) / float(rows)));
    for (int i = 0; i < n; ++i) {
        const MatrixView& mv = ms[size_t(i)];
        if (!mv.m) continue;
        if (i % cols) ImGui::SameLine();
        ImGui::BeginChild(mv.name.c_str(), cell, false, ImGuiWindowFlags_NoScrollbar | ImGuiWindowFlags_NoScrollWithMouse);
        MatrixViewport& vp = sync_zoom_ ? vp_ : own_vp_[mv.name];
        MatrixWidget& w = mats_[mv.name];
        // Upload only what is shown: a hidden or collapsed window costs nothing, and a view
        // that was not drawn last frame re-checks its data. A matrix with a content version
        // (parameters: W, A) is scanned only when that version moves, not every played step.
        const bool stale = w.drawn_frame + 1 != frame_no_;
        const bool maybe = mv.version != 0 ? (mv.version != w.seen_version || stale) : (frame_changed_ || stale);
        w.sync(*mv.m, maybe);
        w.seen_version = mv.version;
        w.drawn_frame = frame_no_;
        w.draw(mv, vp, focus_, ImVec2(cell.x, cell.y));
        ImGui::EndChild();
    }
    ImGui::End();
}

// ---------------------------------------------------------------- neuron focus

void Lab::draw_focus() {
    if (!ImGui::Begin("Neuron focus")) { ImGui::End(); return; }
    if (!focus_.active || views_.matrices.empty()) {
        ImGui::PushTextWrapPos(0);
        ImGui::TextColored(kDim, "Click a cell of a matrix to follow it: the plots show that row (the pre neuron's "
                                 "outgoing weights) and that column (the weights onto the post neuron), live.");
        ImGui::PopTextWrapPos();
        ImGui::End();
        return;
    }
    if (focus_matrix_.empty() || focus_.matrix != focus_matrix_) focus_matrix_ = focus_.matrix;
    const MatrixView* mv = nullptr;
    for (const auto& m : views_.matrices)
        if (m.name == focus_matrix_ && m.m) mv = &m;
    if (!mv) mv = &views_.matrices.front();
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8);
    if (ImGui::BeginCombo("##fm", mv->name.c_str())) {
        for (const auto& m : views_.matrices)
            if (ImGui::Selectable(m.name.c_str(), m.name == mv->name)) focus_matrix_ = focus_.matrix = m.name;
        ImGui::EndCombo();
    }
    const MatRf& M = *mv->m;
    const int r = std::clamp(focus_.row, 0, int(M.rows()) - 1), c = std::clamp(focus_.col, 0, int(M.cols()) - 1);
    ImGui::SameLine();
    ImGui::Text("%s %d -> %s %d:  %s = %.5g", mv->row_label.c_str(), r, mv->col_label.c_str(), c, mv->name.c_str(),
                double(M(r, c)));
    ImGui::SameLine();
    if (ImGui::SmallButton("clear")) focus_.active = false;

    static std::vector<double> xr, yr, xc, yc, xt, yt1, yt2;
    xr.resize(size_t(M.cols()));
    yr.resize(xr.size());
    for (int j = 0; j < M.cols(); ++j) { xr[size_t(j)] = j; yr[size_t(j)] = M(r, j); }
    xc.resize(size_t(M.rows()));
    yc.resize(xc.size());
    for (int i = 0; i < M.rows(); ++i) { xc[size_t(i)] = i; yc[size_t(i)] = M(i, c); }
    const bool act = views_.activity && views_.activity->rows() > 0 && r < views_.activity->cols() &&
                     c < views_.activity->cols();
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const float sp = ImGui::GetStyle().ItemSpacing.x;
    const int nplots = act ? 3 : 2;
    const float w = std::floor((avail.x - sp * float(nplots - 1)) / float(nplots));
    const float h = std::max(60.0f, avail.y - ImGui::GetTextLineHeightWithSpacing());
    char t1[96], t2[96];
    std::snprintf(t1, sizeof t1, "row %d: from %s %d", r, mv->row_label.c_str(), r);
    std::snprintf(t2, sizeof t2, "column %d: onto %s %d", c, mv->col_label.c_str(), c);

    ImGui::BeginGroup();
    ImGui::TextColored(kDim, "%s", t1);
    PlotOptions o;
    o.size = ImVec2(w, h);
    o.legend = false;
    o.x_label = mv->col_label;
    o.cursor_x = c;
    plot_lines("##row", {{mv->name, &xr, &yr, IM_COL32(255, 170, 80, 255), 1.0f}}, o);
    ImGui::EndGroup();
    ImGui::SameLine();
    ImGui::BeginGroup();
    ImGui::TextColored(kDim, "%s", t2);
    o.x_label = mv->row_label;
    o.cursor_x = r;
    plot_lines("##col", {{mv->name, &xc, &yc, IM_COL32(110, 180, 255, 255), 1.0f}}, o);
    ImGui::EndGroup();
    if (act) {
        const MatRf& X = *views_.activity;
        const int T = std::min<int>(int(X.rows()), std::max(0, views_.t));
        xt.resize(size_t(T));
        yt1.resize(size_t(T));
        yt2.resize(size_t(T));
        for (int t = 0; t < T; ++t) { xt[size_t(t)] = t; yt1[size_t(t)] = X(t, r); yt2[size_t(t)] = X(t, c); }
        ImGui::SameLine();
        ImGui::BeginGroup();
        ImGui::TextColored(kDim, "activity of neurons %d and %d", r, c);
        PlotOptions a;
        a.size = ImVec2(w, h);
        a.x_label = "t";
        a.have_x_range = true;
        a.x_min = 0;
        a.x_max = std::max(1, views_.T);
        std::string l1 = "x" + std::to_string(r), l2 = "x" + std::to_string(c);
        plot_lines("##act", {{l1, &xt, &yt1, IM_COL32(255, 170, 80, 255), 2.0f}, {l2, &xt, &yt2, IM_COL32(110, 180, 255, 255), 2.0f}},
                   a, "no timestep yet");
        ImGui::EndGroup();
    }
    ImGui::End();
}

// ---------------------------------------------------------------- activity

void Lab::draw_activity() {
    if (!ImGui::Begin(activity_title_)) { ImGui::End(); return; }
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const float fh = ImGui::GetTextLineHeightWithSpacing();
    const bool have_images = !views_.images.empty();
    const float images_h = have_images ? std::min(avail.y * 0.42f, 190.0f) : 0.0f;
    const float scalars_h = views_.scalars.empty() ? 0.0f : fh;
    const float raster_h = avail.y - images_h - scalars_h - 4;
    ImDrawList* dl = ImGui::GetWindowDrawList();

    const MatRf* X = views_.activity;
    const MatRf* U = views_.input;
    if (X && X->rows() > 0 && X->cols() > 0 && raster_h > 60) {
        const int T = int(X->rows()), N = int(X->cols());
        const bool tgt_col = !views_.target.empty() && int(views_.target.size()) == N;
        const bool tgt_row = !views_.target.empty() && !tgt_col && int(views_.target.size()) == T;
        const float label_w = ImGui::CalcTextSize("input").x + 10;
        const float strip_w = tgt_col ? 14.0f : 0.0f;
        const float w = std::max(40.0f, avail.x - label_w - strip_w - (tgt_col ? 8 : 0) - 4);
        const bool have_u = U && U->rows() == T && U->cols() > 0;
        const float u_h = have_u ? std::floor(std::clamp(raster_h * 0.22f, 20.0f, 90.0f)) : 0.0f;
        const float t_h = tgt_row ? 12.0f : 0.0f;
        const float x_h = std::floor(raster_h - u_h - t_h - fh - (have_u ? 6 : 0) - (tgt_row ? 6 : 0) - 4);
        if (frame_changed_ || raster_.rows() != T) {
            // The input is fixed for an episode: upload (and recolour) it only when it differs.
            const size_t nu = have_u ? size_t(U->rows()) * size_t(U->cols()) : 0;
            if (have_u && (input_shadow_.size() != nu ||
                           std::memcmp(input_shadow_.data(), U->data(), nu * sizeof(float)) != 0)) {
                input_shadow_.assign(U->data(), U->data() + nu);
                input_raster_.upload(U->data(), T, int(U->cols()));
                input_absmax_ = std::max(raster_absmax(*U, T), 1e-6f);
            }
        }
        const ImVec2 p = ImGui::GetCursorScreenPos();
        const float x0 = p.x + label_w;
        const float tx = [&] { return w / float(T); }();
        auto cursor = [&](float y0, float h) {
            const float x = x0 + tx * float(std::clamp(views_.t, 0, T));
            dl->AddLine(ImVec2(x, y0), ImVec2(x, y0 + h), IM_COL32(255, 220, 90, 200), 1.5f);
        };
        float y = p.y;
        if (have_u) {
            const float ua = input_absmax_;
            dl->AddText(ImVec2(p.x, y + u_h / 2 - fh / 2), ImGui::GetColorU32(kDim), "input");
            input_raster_.render_cached(int(w), int(u_h), Cmap::Diverging, {-ua, 0, ua}, 0, 0, float(T),
                                        float(U->cols()), true);
            input_raster_.show(dl, ImVec2(x0, y), ImVec2(x0 + w, y + u_h));
            cursor(y, u_h);
            y += u_h + 6;
        }
        {
            // Within an episode only the newest timesteps of x(t) change: upload and recolour
            // just their columns, unless the earlier rows, the range or the geometry moved.
            const int t = std::clamp(views_.t, 0, T);
            const int done = raster_rows_done_;
            bool full = raster_.rows() != T || raster_.cols() != N || t < done || int(w) != raster_w_ ||
                        int(x_h) != raster_h_;
            float xa = raster_xa_;
            if (!full && frame_changed_) {
                const float grown = std::max(raster_xa_, raster_absmax_rows(*X, std::max(0, done - 1), t));
                if (grown != raster_xa_) full = true;
                else if (raster_checksum(*X, std::max(0, done - 1)) != raster_sum_) full = true;
            }
            if (full) {
                xa = std::max(raster_absmax(*X, T), 1.0f);
                raster_.upload(X->data(), T, N);
                raster_.render(int(w), int(x_h), Cmap::Diverging, {-xa, 0, xa}, 0, 0, float(T), float(N), true);
            } else if (frame_changed_ && t > done - 1) {
                const int r0 = std::max(0, done - 1);   // the last coloured row may have been partial
                raster_.upload_rows(X->data(), r0, std::max(t, r0 + 1));
                const int px0 = std::max(0, int(std::floor(float(r0) * w / float(T))) - 1);
                const int px1 = std::min(int(w), int(std::ceil(float(std::max(t, r0 + 1)) * w / float(T))) + 1);
                raster_.render_columns(px0, px1, Cmap::Diverging, {-xa, 0, xa}, 0, 0, float(T), float(N), true);
            }
            if (full || frame_changed_) {
                raster_rows_done_ = std::max(t, 1);
                raster_xa_ = xa;
                raster_w_ = int(w);
                raster_h_ = int(x_h);
                raster_sum_ = raster_checksum(*X, std::max(0, raster_rows_done_ - 1));
            }
            dl->AddText(ImVec2(p.x, y + x_h / 2 - fh / 2), ImGui::GetColorU32(kDim), "x(t)");
            raster_.show(dl, ImVec2(x0, y), ImVec2(x0 + w, y + x_h));
            for (const auto& [step, label] : views_.marks) {
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
                if (tgt_col) ImGui::Text("target %.4g", double(views_.target[size_t(i)]));
                ImGui::EndTooltip();
            }
            if (tgt_col) {   // the pattern to produce, aligned with the neuron axis
                const float sx = x0 + w + 8;
                float ta = 1.0f;
                for (float tv : views_.target)
                    if (std::isfinite(tv)) ta = std::max(ta, std::fabs(tv));
                // At most one rectangle per pixel row (N may exceed the height).
                const int rows_px = std::max(1, int(x_h));
                const int cells = std::min(N, rows_px);
                for (int k = 0; k < cells; ++k) {
                    const int i = int(int64_t(k) * N / cells);
                    const float y0 = y + x_h * float(k) / float(cells), y1 = y + x_h * float(k + 1) / float(cells);
                    dl->AddRectFilled(ImVec2(sx, y0), ImVec2(sx + strip_w, std::max(y1, y0 + 1)),
                                      rgb_to_imgui(cmap_color(Cmap::Diverging, views_.target[size_t(i)], {-ta, 0, ta})));
                }
                dl->AddRect(ImVec2(sx, y), ImVec2(sx + strip_w, y + x_h), IM_COL32(255, 255, 255, 50));
                if (ImGui::IsMouseHoveringRect(ImVec2(sx, y), ImVec2(sx + strip_w, y + x_h))) ImGui::SetTooltip("target");
            }
            y += x_h;
        }
        if (tgt_row) {
            y += 6;
            dl->AddText(ImVec2(p.x, y - 2), ImGui::GetColorU32(kDim), "target");
            for (int t = 0; t < T; ++t)
                dl->AddRectFilled(ImVec2(x0 + tx * float(t), y), ImVec2(x0 + tx * float(t + 1), y + t_h),
                                  rgb_to_imgui(cmap_color(Cmap::Diverging, views_.target[size_t(t)], {-1, 0, 1})));
            y += t_h;
        }
        // time axis
        double step = 1;
        for (double v : nice_ticks(0, T, std::max(2, int(w / (ImGui::GetFontSize() * 4))), &step)) {
            const float x = x0 + tx * float(v);
            const std::string s = tick_label(v, step);
            dl->AddText(ImVec2(x - ImGui::CalcTextSize(s.c_str()).x / 2, y + 2), ImGui::GetColorU32(kDim), s.c_str());
        }
        dl->AddText(ImVec2(p.x, y + 2), ImGui::GetColorU32(kDim), "t");
        ImGui::SetCursorScreenPos(ImVec2(p.x, p.y + raster_h));
    } else if (!X) {
        ImGui::TextColored(kDim, "This task shows no activity raster.");
        ImGui::Dummy(ImVec2(1, std::max(0.0f, raster_h - fh)));
    }

    // Images (inputs, probe, output, target of pattern tasks).
    if (have_images) {
        ImGui::Separator();
        const int n = int(views_.images.size());
        if (int(images_.size()) != n) {
            for (auto& im : images_) im.destroy();
            images_.assign(size_t(n), GlImage());
        }
        const float sp = ImGui::GetStyle().ItemSpacing.x;
        const float side = std::floor(std::min((avail.x - sp * float(n - 1)) / float(n), images_h - fh - 8));
        for (int k = 0; k < n; ++k) {
            const ImageView& iv = views_.images[size_t(k)];
            if (iv.width <= 0 || iv.height <= 0 || iv.pixels.size() < size_t(iv.width) * size_t(iv.height)) continue;
            if (frame_changed_ || images_[size_t(k)].tex == 0) {
                std::vector<uint8_t> rgba(size_t(iv.width) * size_t(iv.height) * 4);
                const CmapRange r{iv.lo, 0.5f * (iv.lo + iv.hi), iv.hi};
                for (size_t i = 0; i < size_t(iv.width) * size_t(iv.height); ++i) {
                    const Rgb c = cmap_color(Cmap::Gray, iv.pixels[i], r);
                    const Rgb cc = std::isfinite(iv.pixels[i]) ? c : kNonFiniteColor;
                    for (int ch = 0; ch < 3; ++ch) rgba[i * 4 + size_t(ch)] = uint8_t(std::lround(cc[size_t(ch)] * 255));
                    rgba[i * 4 + 3] = 255;
                }
                images_[size_t(k)].upload_rgba(rgba.data(), iv.width, iv.height);
            }
            if (k) ImGui::SameLine();
            ImGui::BeginGroup();
            const float aspect = float(iv.width) / float(iv.height);
            const ImVec2 sz = aspect >= 1 ? ImVec2(side, std::floor(side / aspect)) : ImVec2(std::floor(side * aspect), side);
            const ImVec2 q = ImGui::GetCursorScreenPos();
            ImGui::Image(reinterpret_cast<ImTextureID>(static_cast<intptr_t>(images_[size_t(k)].tex)), sz);
            dl->AddRect(q, ImVec2(q.x + sz.x, q.y + sz.y), IM_COL32(255, 255, 255, 50));
            if (ImGui::IsItemHovered()) {
                const ImVec2 m = ImGui::GetIO().MousePos;
                const int cx = std::clamp(int((m.x - q.x) / sz.x * float(iv.width)), 0, iv.width - 1);
                const int cy = std::clamp(int((m.y - q.y) / sz.y * float(iv.height)), 0, iv.height - 1);
                ImGui::SetTooltip("%s (%d, %d) = %.4g", iv.name.c_str(), cy, cx,
                                  double(iv.pixels[size_t(cy) * size_t(iv.width) + size_t(cx)]));
            }
            ImGui::TextColored(kDim, "%s", iv.name.c_str());
            ImGui::EndGroup();
        }
    }
    if (!views_.scalars.empty()) {
        std::string s;
        char b[96];
        for (const auto& [k, v] : views_.scalars) {
            std::snprintf(b, sizeof b, "%s%s = %.4g", s.empty() ? "" : "    ", k.c_str(), v);
            s += b;
        }
        ImGui::TextColored(kDim, "%s", s.c_str());
    }
    ImGui::End();
}

// ---------------------------------------------------------------- curves

void Lab::draw_curves() {
    if (!ImGui::Begin("Curves")) { ImGui::End(); return; }
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8);
    ImGui::SliderFloat("smoothing", &smoothing_, 0.0f, 0.99f, "%.2f");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Exponential moving average over history points (0 = raw).");
    ImGui::SameLine();
    ImGui::Checkbox("log loss", &log_loss_);
    ImGui::SameLine();
    ImGui::TextColored(kDim, "  %zu points", cur_.x.size());

    const ImU32 c_loss = IM_COL32(100, 170, 255, 255), c_metric = IM_COL32(120, 220, 140, 255);
    const ImU32 c_base = IM_COL32(210, 210, 210, 220);
    auto faint = [](ImU32 c) { return (c & 0x00FFFFFFu) | (70u << 24); };
    const std::string blabel = baseline_preset_.empty() ? "" : "baseline: " + baseline_preset_;
    const bool have_base = !base_.x.empty();
    const float fh = ImGui::GetTextLineHeightWithSpacing();
    const int nplots = cur_.extra.empty() ? 2 : 3;
    const float h = std::max(70.0f, (ImGui::GetContentRegionAvail().y - float(nplots) * (fh + 4)) / float(nplots) - 4);
    PlotOptions o;
    o.size = ImVec2(0, h);
    o.x_label = "iteration";
    o.log_y = log_loss_;

    ImGui::TextColored(kDim, "training loss");
    std::vector<PlotSeries> s = {{"", &cur_.x, &cur_.loss, faint(c_loss), 1.0f, true}, {"loss", &cur_.x, &cur_.s_loss, c_loss, 2.0f}};
    if (have_base) s.push_back({blabel, &base_.x, &base_.s_loss, c_base, 2.0f});
    plot_lines("##loss", s, o, trainer_ && trainer_->running() ? "waiting for the first step" : "press Start training");

    ImGui::TextColored(kDim, "%s (%s is better)", live_ ? live_->metric_name().c_str() : "metric",
                       live_ && live_->metric_lower_is_better() ? "lower" : "higher");
    o.log_y = false;
    s = {{"", &cur_.x, &cur_.metric, faint(c_metric), 1.0f, true}, {"metric", &cur_.x, &cur_.s_metric, c_metric, 2.0f}};
    if (have_base) s.push_back({blabel, &base_.x, &base_.s_metric, c_base, 2.0f});
    plot_lines("##metric", s, o, "no training yet");

    if (!cur_.extra.empty()) {
        if (!cur_.extra.count(extra_key_)) extra_key_ = cur_.extra.count("eta") ? "eta" : cur_.extra.begin()->first;
        ImGui::SetNextItemWidth(ImGui::GetFontSize() * 9);
        if (ImGui::BeginCombo("##extra", extra_key_.c_str())) {
            for (const auto& [k, e] : cur_.extra)
                if (ImGui::Selectable(k.c_str(), k == extra_key_)) extra_key_ = k;
            ImGui::EndCombo();
        }
        ImGui::SameLine();
        ImGui::TextColored(kDim, "over training (%zu quantities reported)", cur_.extra.size());
        s = {{"", &cur_.x, &cur_.extra[extra_key_], faint(kPalette[0]), 1.0f, true},
             {extra_key_, &cur_.x, &cur_.s_extra[extra_key_], kPalette[0], 2.0f}};
        if (have_base && base_.extra.count(extra_key_))
            s.push_back({blabel, &base_.x, &base_.s_extra[extra_key_], c_base, 2.0f});
        plot_lines("##extra", s, o);
    }
    ImGui::End();
}

}  // namespace ps::gui
