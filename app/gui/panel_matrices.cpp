// The Matrices window (every matrix view of the live network as a coloured texture with zoom,
// pan, hover and click; with a twin or a ghost, also theirs and the differences) and the Tracker
// window (the clicked synapses over the whole episode — H, A*H, W+A*H — and their neurons'
// activity, with the step shown marked; and the clicked cell's row and column now).
#include <imgui.h>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include "gui/lab.hpp"
#include "gui/panels.hpp"
#include "gui/plot.hpp"

namespace ps::gui {

namespace {
const ImU32 kPalette[] = {IM_COL32(255, 170, 80, 255), IM_COL32(110, 180, 255, 255), IM_COL32(120, 220, 140, 255),
                          IM_COL32(255, 110, 160, 255), IM_COL32(200, 130, 255, 255), IM_COL32(220, 220, 90, 255),
                          IM_COL32(90, 220, 220, 255), IM_COL32(240, 240, 240, 255)};

const char* const kCompareNames[] = {"main", "twin", "main - twin", "ghost", "main - ghost"};

// The views the Matrices window shows in the chosen compare mode; differences are computed into
// the view state's buffers (only views the two networks share, of the same shape).
std::vector<MatrixView> shown_views(Lab& lab) {
    ViewState& vs = lab.view;
    const LiveViews& main = lab.live.views();
    const Follower* twin = lab.live.twin();
    const Follower* ghost = lab.live.ghost();
    int mode = vs.compare;
    if ((mode == 1 || mode == 2) && !twin) mode = 0;
    if ((mode == 3 || mode == 4) && !ghost) mode = 0;
    vs.compare = mode;
    if (mode == 0) return main.matrices;
    const Follower* other = mode <= 2 ? twin : ghost;
    if (mode == 1 || mode == 3) return other->views.matrices;
    std::vector<MatrixView> out;
    for (const auto& a : main.matrices) {
        if (!a.m) continue;
        for (const auto& b : other->views.matrices) {
            if (b.name != a.name || !b.m || b.m->rows() != a.m->rows() || b.m->cols() != a.m->cols()) continue;
            MatR<float>& d = vs.diff[a.name];
            if (lab.live.frame_changed() || d.rows() != a.m->rows() || d.cols() != a.m->cols())
                view_difference(*a.m, *b.m, d);
            MatrixView v = a;
            v.m = &d;
            v.is_signed = true;
            v.version = 0;
            v.help = a.name + " of the main network minus that of the " + (mode == 2 ? "twin" : "ghost");
            out.push_back(v);
        }
    }
    return out;
}
}  // namespace

void draw_matrices(Lab& lab) {
    ViewState& vs = lab.view;
    if (!ImGui::Begin("Matrices")) {
        ImGui::End();
        return;
    }
    if (lab.live.twin() || lab.live.ghost()) {
        ImGui::TextColored(style::kDim, "show");
        for (int k = 0; k < 5; ++k) {
            const bool ok = k == 0 || (k <= 2 ? lab.live.twin() != nullptr : lab.live.ghost() != nullptr);
            if (!ok) continue;
            ImGui::SameLine();
            if (ImGui::RadioButton(kCompareNames[k], vs.compare == k)) vs.compare = k;
        }
        ImGui::SameLine();
        const Follower* f = vs.compare <= 2 ? lab.live.twin() : lab.live.ghost();
        if (f) ImGui::TextColored(style::kDim, "  (%s)", f->label.c_str());
    }
    const std::vector<MatrixView> ms = shown_views(lab);
    if (ms.empty()) {
        ImGui::TextColored(style::kDim, vs.compare ? "The two networks share no matrix of the same shape."
                                            : "This task shows no matrices.");
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
    const MatrixFocus before = vs.focus;
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
        const bool stale = w.drawn_frame + 1 != lab.frame() || vs.compare != vs.drawn_compare;
        const bool maybe = mv.version != 0 ? (mv.version != w.seen_version || stale) : (lab.live.frame_changed() || stale);
        w.sync(*mv.m, maybe);
        w.seen_version = mv.version;
        w.drawn_frame = lab.frame();
        w.draw(mv, vp, vs.focus, ImVec2(cell.x, cell.y));
        ImGui::EndChild();
    }
    vs.drawn_compare = vs.compare;
    // A click on a cell follows it over the episode (the tracker) as well as focusing it.
    const MatrixFocus& f = vs.focus;
    if (f.active && (!before.active || f.row != before.row || f.col != before.col || f.matrix != before.matrix))
        lab.track_cell(f.matrix, f.row, f.col);
    ImGui::End();
}

// ---------------------------------------------------------------- tracker

namespace {

// The clicked cell's row (outgoing) and column (incoming) in one matrix, now.
void draw_row_column(Lab& lab) {
    ViewState& vs = lab.view;
    const LiveViews& views = lab.live.views();
    if (vs.focus_matrix.empty() || vs.focus.matrix != vs.focus_matrix) vs.focus_matrix = vs.focus.matrix;
    const MatrixView* mv = nullptr;
    for (const auto& m : views.matrices)
        if (m.name == vs.focus_matrix && m.m) mv = &m;
    if (!mv) mv = &views.matrices.front();
    if (!mv->m) return;
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8);
    if (ImGui::BeginCombo("##fm", mv->name.c_str())) {
        for (const auto& m : views.matrices)
            if (ImGui::Selectable(m.name.c_str(), m.name == mv->name)) vs.focus_matrix = vs.focus.matrix = m.name;
        ImGui::EndCombo();
    }
    const MatR<float>& M = *mv->m;
    const int r = std::clamp(vs.focus.row, 0, int(M.rows()) - 1), c = std::clamp(vs.focus.col, 0, int(M.cols()) - 1);
    ImGui::SameLine();
    ImGui::Text("%s %d -> %s %d:  %s = %.5g", mv->row_label.c_str(), r, mv->col_label.c_str(), c, mv->name.c_str(),
                double(M(r, c)));
    std::vector<double>& xr = vs.plot_buf[0];
    std::vector<double>& yr = vs.plot_buf[1];
    std::vector<double>& xc = vs.plot_buf[2];
    std::vector<double>& yc = vs.plot_buf[3];
    xr.resize(size_t(M.cols()));
    yr.resize(xr.size());
    for (int j = 0; j < M.cols(); ++j) {
        xr[size_t(j)] = j;
        yr[size_t(j)] = M(r, j);
    }
    xc.resize(size_t(M.rows()));
    yc.resize(xc.size());
    for (int i = 0; i < M.rows(); ++i) {
        xc[size_t(i)] = i;
        yc[size_t(i)] = M(i, c);
    }
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const float sp = ImGui::GetStyle().ItemSpacing.x;
    const float w = std::floor((avail.x - sp) / 2);
    const float h = std::max(60.0f, avail.y - ImGui::GetTextLineHeightWithSpacing());
    char t1[96], t2[96];
    std::snprintf(t1, sizeof t1, "row %d: from %s %d", r, mv->row_label.c_str(), r);
    std::snprintf(t2, sizeof t2, "column %d: onto %s %d", c, mv->col_label.c_str(), c);
    ImGui::BeginGroup();
    ImGui::TextColored(style::kDim, "%s", t1);
    PlotOptions o;
    o.size = ImVec2(w, h);
    o.legend = false;
    o.x_label = mv->col_label;
    o.cursor_x = c;
    plot_lines("##row", {{mv->name, &xr, &yr, kPalette[0], 1.0f}}, o);
    ImGui::EndGroup();
    ImGui::SameLine();
    ImGui::BeginGroup();
    ImGui::TextColored(style::kDim, "%s", t2);
    o.x_label = mv->row_label;
    o.cursor_x = r;
    plot_lines("##col", {{mv->name, &xc, &yc, kPalette[1], 1.0f}}, o);
    ImGui::EndGroup();
}

// Every tracked series over the episode: synapse quantities on the left, neurons on the right.
void draw_over_time(Lab& lab) {
    ViewState& vs = lab.view;
    const auto& series = lab.live.series();
    const int T = std::max(1, lab.live.length());
    std::vector<PlotSeries> syn, neu;
    vs.track_x.resize(size_t(T) + 1);
    for (int t = 0; t <= T; ++t) vs.track_x[size_t(t)] = t;
    vs.track_y.resize(series.size());
    int k = 0;
    for (size_t i = 0; i < series.size(); ++i) {
        const auto& s = series[i];
        auto& y = vs.track_y[i];
        y.assign(s.value.begin(), s.value.end());
        for (auto& v : y)
            if (!std::isfinite(v)) v = std::nan("");
        y.resize(size_t(T) + 1, std::nan(""));
        PlotSeries p{s.label, &vs.track_x, &y, kPalette[k++ % 8], 2.0f};
        (s.what.matrix.empty() ? neu : syn).push_back(p);
    }
    if (ImGui::SmallButton("clear")) lab.live.clear_tracked();
    ImGui::SameLine();
    if (ImGui::SmallButton("export CSV") && !lab.monkey) lab.files.dialog_export_tracked();
    ImGui::SameLine();
    ImGui::TextColored(style::kDim, "t = %d of %d (recorded to %d); click more cells to compare", lab.live.t(), T,
                       lab.live.frontier());
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const float sp = ImGui::GetStyle().ItemSpacing.x;
    const bool two = !neu.empty();
    const float w = two ? std::floor((avail.x - sp) * 0.6f) : avail.x;
    const float h = std::max(60.0f, avail.y - ImGui::GetTextLineHeightWithSpacing());
    PlotOptions o;
    o.size = ImVec2(w, h);
    o.x_label = "t";
    o.have_x_range = true;
    o.x_min = 0;
    o.x_max = T;
    o.cursor_x = lab.live.t();
    ImGui::BeginGroup();
    ImGui::TextColored(style::kDim, "synapses over the episode");
    plot_lines("##syn", syn, o, "no step yet");
    ImGui::EndGroup();
    if (two) {
        ImGui::SameLine();
        ImGui::BeginGroup();
        ImGui::TextColored(style::kDim, "their neurons x(t)");
        o.size = ImVec2(avail.x - w - sp, h);
        plot_lines("##neu", neu, o, "no step yet");
        ImGui::EndGroup();
    }
}

}  // namespace

void draw_focus(Lab& lab) {
    if (!ImGui::Begin("Tracker")) {
        ImGui::End();
        return;
    }
    const LiveViews& views = lab.live.views();
    if (lab.live.series().empty() || views.matrices.empty()) {
        ImGui::PushTextWrapPos(0);
        ImGui::TextColored(style::kDim, "Click a cell of a matrix to follow that synapse over the whole episode: its trace H, "
                                 "A*H and the effective weight W+A*H at every step (earlier steps included), and the "
                                 "activity of its two neurons. Click more cells to compare them.");
        ImGui::PopTextWrapPos();
        ImGui::End();
        return;
    }
    if (ImGui::BeginTabBar("##tracker")) {
        if (ImGui::BeginTabItem("over the episode")) {
            draw_over_time(lab);
            ImGui::EndTabItem();
        }
        if (ImGui::BeginTabItem("row and column now")) {
            draw_row_column(lab);
            ImGui::EndTabItem();
        }
        ImGui::EndTabBar();
    }
    ImGui::End();
}

}  // namespace ps::gui
