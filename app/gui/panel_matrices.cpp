// The Matrices window (every matrix view of the live network as a coloured texture with zoom,
// pan, hover and click focus) and the Neuron focus window (the clicked cell's row and column).
#include <imgui.h>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include "gui/lab.hpp"
#include "gui/panels.hpp"
#include "gui/plot.hpp"

namespace ps::gui {

namespace {
const ImVec4 kDim(0.6f, 0.62f, 0.68f, 1);
}  // namespace

void draw_matrices(Lab& lab) {
    ViewState& vs = lab.view;
    if (!ImGui::Begin("Matrices")) { ImGui::End(); return; }
    const auto& ms = lab.live.views().matrices;
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
        MatrixViewport& vp = vs.sync_zoom ? vs.vp : vs.own_vp[mv.name];
        MatrixWidget& w = vs.mats[mv.name];
        // Upload only what is shown: a hidden or collapsed window costs nothing, and a view
        // that was not drawn last frame re-checks its data. A matrix with a content version
        // (parameters: W, A) is scanned only when that version moves, not every played step.
        const bool stale = w.drawn_frame + 1 != lab.frame();
        const bool maybe = mv.version != 0 ? (mv.version != w.seen_version || stale) : (lab.live.frame_changed() || stale);
        w.sync(*mv.m, maybe);
        w.seen_version = mv.version;
        w.drawn_frame = lab.frame();
        w.draw(mv, vp, vs.focus, ImVec2(cell.x, cell.y));
        ImGui::EndChild();
    }
    ImGui::End();
}

// ---------------------------------------------------------------- neuron focus

void draw_focus(Lab& lab) {
    ViewState& vs = lab.view;
    const LiveViews& views = lab.live.views();
    if (!ImGui::Begin("Neuron focus")) { ImGui::End(); return; }
    if (!vs.focus.active || views.matrices.empty()) {
        ImGui::PushTextWrapPos(0);
        ImGui::TextColored(kDim, "Click a cell of a matrix to follow it: the plots show that row (the pre neuron's "
                                 "outgoing weights) and that column (the weights onto the post neuron), live.");
        ImGui::PopTextWrapPos();
        ImGui::End();
        return;
    }
    if (vs.focus_matrix.empty() || vs.focus.matrix != vs.focus_matrix) vs.focus_matrix = vs.focus.matrix;
    const MatrixView* mv = nullptr;
    for (const auto& m : views.matrices)
        if (m.name == vs.focus_matrix && m.m) mv = &m;
    if (!mv) mv = &views.matrices.front();
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8);
    if (ImGui::BeginCombo("##fm", mv->name.c_str())) {
        for (const auto& m : views.matrices)
            if (ImGui::Selectable(m.name.c_str(), m.name == mv->name)) vs.focus_matrix = vs.focus.matrix = m.name;
        ImGui::EndCombo();
    }
    const MatRf& M = *mv->m;
    const int r = std::clamp(vs.focus.row, 0, int(M.rows()) - 1), c = std::clamp(vs.focus.col, 0, int(M.cols()) - 1);
    ImGui::SameLine();
    ImGui::Text("%s %d -> %s %d:  %s = %.5g", mv->row_label.c_str(), r, mv->col_label.c_str(), c, mv->name.c_str(),
                double(M(r, c)));
    ImGui::SameLine();
    if (ImGui::SmallButton("clear")) vs.focus.active = false;

    static std::vector<double> xr, yr, xc, yc, xt, yt1, yt2;
    xr.resize(size_t(M.cols()));
    yr.resize(xr.size());
    for (int j = 0; j < M.cols(); ++j) { xr[size_t(j)] = j; yr[size_t(j)] = M(r, j); }
    xc.resize(size_t(M.rows()));
    yc.resize(xc.size());
    for (int i = 0; i < M.rows(); ++i) { xc[size_t(i)] = i; yc[size_t(i)] = M(i, c); }
    const bool act = views.activity && views.activity->rows() > 0 && r < views.activity->cols() &&
                     c < views.activity->cols();
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
        const MatRf& X = *views.activity;
        const int T = std::min<int>(int(X.rows()), std::max(0, views.t));
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
        a.x_max = std::max(1, views.T);
        std::string l1 = "x" + std::to_string(r), l2 = "x" + std::to_string(c);
        plot_lines("##act", {{l1, &xt, &yt1, IM_COL32(255, 170, 80, 255), 2.0f}, {l2, &xt, &yt2, IM_COL32(110, 180, 255, 255), 2.0f}},
                   a, "no timestep yet");
        ImGui::EndGroup();
    }
    ImGui::End();
}

}  // namespace ps::gui
