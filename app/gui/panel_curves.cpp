// The Curves window: training loss and the task's metric against episodes (raw as a faint band,
// smoothed as a line), a third quantity the trainer reports (eta by default), the baseline on
// the same axes, and a mark at every setting changed while training.
#include <imgui.h>
#include <algorithm>
#include <cmath>
#include "gui/lab.hpp"
#include "gui/panels.hpp"
#include "gui/plot.hpp"

namespace ps::gui {

namespace {
const ImU32 kExtra = IM_COL32(255, 170, 80, 255);
const std::vector<double>* find(const std::map<std::string, std::vector<double>>& m, const std::string& k) {
    auto it = m.find(k);
    return it == m.end() ? nullptr : &it->second;
}
}  // namespace

void draw_curves(Lab& lab) {
    if (!ImGui::Begin("Curves")) {
        ImGui::End();
        return;
    }
    CurveModel& cm = lab.curves;
    const CurveData& cur = cm.main();
    const CurveData& base = cm.baseline();
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 8);
    ImGui::SliderFloat("smoothing", &cm.smoothing, 0.0f, 0.99f, "%.2f");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Exponential moving average over history points (0 = raw).");
    ImGui::SameLine();
    ImGui::Checkbox("log loss", &cm.log_loss);
    ImGui::SameLine();
    ImGui::TextColored(style::kDim, "  %zu points", cur.x.size());

    const ImU32 c_loss = IM_COL32(100, 170, 255, 255), c_metric = IM_COL32(120, 220, 140, 255);
    const ImU32 c_base = IM_COL32(210, 210, 210, 220);
    auto faint = [](ImU32 c) { return (c & 0x00FFFFFFu) | (70u << 24); };
    const std::string& bp = lab.training.baseline_preset();
    const std::string blabel = bp.empty() ? "" : "baseline: " + bp;
    const bool have_base = !base.x.empty();
    const float fh = ImGui::GetTextLineHeightWithSpacing();
    const int nplots = cur.extra.empty() ? 2 : 3;
    const float h = std::max(70.0f, (ImGui::GetContentRegionAvail().y - float(nplots) * (fh + 4)) / float(nplots) - 4);
    PlotOptions o;
    o.size = ImVec2(0, h);
    o.x_label = "episode";
    o.log_y = cm.log_loss;
    for (const auto& m : lab.training.marks()) o.marks.push_back({double(m.episode), m.label});

    ImGui::TextColored(style::kDim, "training loss");
    std::vector<PlotSeries> s = {{"", &cur.x, &cur.loss, faint(c_loss), 1.0f, true},
                                 {"loss", &cur.x, &cur.s_loss, c_loss, 2.0f}};
    if (have_base) s.push_back({blabel, &base.x, &base.s_loss, c_base, 2.0f});
    plot_lines("##loss", s, o, lab.training.running() ? "waiting for the first step" : "press Start training");

    const bool have_task = lab.live.has_task();
    ImGui::TextColored(style::kDim, "%s (%s is better)", have_task ? lab.live.task().metric_name().c_str() : "metric",
                       have_task && lab.live.task().metric_lower_is_better() ? "lower" : "higher");
    o.log_y = false;
    s = {{"", &cur.x, &cur.metric, faint(c_metric), 1.0f, true}, {"metric", &cur.x, &cur.s_metric, c_metric, 2.0f}};
    if (have_base) s.push_back({blabel, &base.x, &base.s_metric, c_base, 2.0f});
    plot_lines("##metric", s, o, "no training yet");

    if (!cur.extra.empty()) {
        if (!cur.extra.count(cm.extra_key)) cm.extra_key = cur.extra.count("eta") ? "eta" : cur.extra.begin()->first;
        ImGui::SetNextItemWidth(ImGui::GetFontSize() * 9);
        if (ImGui::BeginCombo("##extra", cm.extra_key.c_str())) {
            for (const auto& [k, e] : cur.extra)
                if (ImGui::Selectable(k.c_str(), k == cm.extra_key)) cm.extra_key = k;
            ImGui::EndCombo();
        }
        ImGui::SameLine();
        ImGui::TextColored(style::kDim, "over training (%zu quantities reported)", cur.extra.size());
        s = {{"", &cur.x, find(cur.extra, cm.extra_key), faint(kExtra), 1.0f, true},
             {cm.extra_key, &cur.x, find(cur.s_extra, cm.extra_key), kExtra, 2.0f}};
        if (have_base && find(base.s_extra, cm.extra_key))
            s.push_back({blabel, &base.x, find(base.s_extra, cm.extra_key), c_base, 2.0f});
        plot_lines("##extra", s, o);
    }
    ImGui::End();
}

}  // namespace ps::gui
