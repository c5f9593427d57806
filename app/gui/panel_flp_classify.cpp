// "Task view" of flp-classify: one row per label, with the support images the network has seen so
// far (placeholders for those still to come), its query accuracy now, and the query images of that
// label framed green when the network answers right and red when wrong (with its answer and
// probability; hover for all probabilities). The query loss of every class over the inner steps
// (interference) and the update / gradient alignment come from panel_flp.cpp. Reads only the
// typed payload (flp/flp_live.hpp).
#include <imgui.h>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>
#include "gui/panel_flp.hpp"
#include "gui/task_panel.hpp"

namespace ps::gui {
namespace {

constexpr ImU32 kRight = IM_COL32(70, 200, 90, 255), kWrong = IM_COL32(235, 70, 60, 255), kPlain = IM_COL32(80, 84, 96, 255);

// An image (ink in [0, 1]) as dark ink on paper, w x h px, framed; null = not seen yet.
void ink(const std::vector<float>* px, int rows, int cols, float w, ImU32 frame, float frame_w) {
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 a = ImGui::GetCursorScreenPos();
    const float h = w * float(rows) / float(cols);
    ImGui::Dummy(ImVec2(w, h));
    if (!px) {
        dl->AddRectFilled(a, ImVec2(a.x + w, a.y + h), IM_COL32(36, 38, 46, 255));
        dl->AddRect(a, ImVec2(a.x + w, a.y + h), kPlain);
        return;
    }
    dl->AddRectFilled(a, ImVec2(a.x + w, a.y + h), IM_COL32(245, 243, 235, 255));
    const float c = w / float(cols);
    for (int r = 0; r < rows; ++r)
        for (int k = 0; k < cols; ++k) {
            const float v = std::clamp((*px)[size_t(r * cols + k)], 0.f, 1.f);
            if (v <= 0.02f) continue;
            const int g = int(245 - 225 * v);
            const ImVec2 p(a.x + c * float(k), a.y + c * float(r));
            dl->AddRectFilled(p, ImVec2(p.x + c + 0.01f, p.y + c + 0.01f), IM_COL32(g, g, g + 5, 255));
        }
    dl->AddRect(a, ImVec2(a.x + w, a.y + h), frame, 0, 0, frame_w);
}

void draw_images(const flp::FlpClassifyLive& p) {
    const int W = p.ways;
    if (W == 0) return;
    // ---- the step, in words
    if (p.t == 0)
        ImGui::TextWrapped("Step 0 / %d: %d %ss get random labels 0..%d; their images come one at a time, %s.", p.T, W, p.kind.c_str(),
                           W - 1, p.iid ? "mixed (iid)" : "label after label");
    else {
        const int lab = p.support_label[size_t(p.t - 1)];
        ImGui::TextWrapped("Step %d / %d: an image of label %d (%s %s) shown with its label.", p.t, p.T, lab, p.kind.c_str(),
                           p.class_name[size_t(lab)].c_str());
    }
    double acc = 0;
    for (double a : p.class_accuracy) acc += a;
    ImGui::Text("query accuracy now %.2f (chance %.2f)", acc / W, 1.0 / W);
    // ---- sizes: per row a header, the shots, a gap, the query images; rows fit the height
    int qmax = 0;
    std::vector<std::vector<size_t>> qrows(static_cast<size_t>(W));
    for (size_t q = 0; q < p.query.size(); ++q) qrows[size_t(p.query_label[q])].push_back(q);
    for (const auto& r : qrows) qmax = std::max(qmax, int(r.size()));
    const float head_w = ImGui::CalcTextSize("label 0  1.00").x + 10, gap = 14, sp = 3;
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const float line = ImGui::GetTextLineHeightWithSpacing();
    const float by_w = (avail.x - head_w - gap - sp * float(p.shots + qmax)) / float(p.shots + qmax);
    const float aspect = float(p.rows) / float(std::max(1, p.cols));
    const float by_h = (avail.y - 2 * line - sp * float(W)) / float(W) / aspect;
    const float w = std::floor(std::clamp(std::min(by_w, by_h), 24.f, 96.f));
    const float row_h = std::max(w * aspect, line);
    // column titles
    const ImVec2 o = ImGui::GetCursorScreenPos();
    ImGui::SetCursorScreenPos(ImVec2(o.x + head_w, o.y));
    ImGui::TextDisabled("seen, with label");
    ImGui::SetCursorScreenPos(ImVec2(o.x + head_w + float(p.shots) * (w + sp) + gap, o.y));
    ImGui::TextDisabled("query: answer now");
    const float top = o.y + line;
    for (int k = 0; k < W; ++k) {
        const float row_y = top + float(k) * (row_h + sp);
        // header: the label and its query accuracy now (the data set's class in the tooltip)
        ImGui::SetCursorScreenPos(ImVec2(o.x, row_y + (row_h - ImGui::GetTextLineHeight()) * 0.5f));
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(flp_group_color(k, 255)), "label %d  %.2f", k, p.class_accuracy[size_t(k)]);
        if (ImGui::IsItemHovered())
            ImGui::SetTooltip("label %d = %s %s\nquery accuracy of label %d now: %.2f", k, p.kind.c_str(), p.class_name[size_t(k)].c_str(), k,
                              p.class_accuracy[size_t(k)]);
        ImGui::SetCursorScreenPos(ImVec2(o.x + head_w, row_y));
        // support images of this label, in the order shown
        int n = 0;
        for (size_t s = 0; s < p.support.size(); ++s) {
            if (p.support_label[s] != k) continue;
            if (n) ImGui::SameLine(0, sp);
            const bool seen = int(s) < p.t;
            ink(seen ? &p.support[s] : nullptr, p.rows, p.cols, w, int(s) == p.t - 1 ? IM_COL32(255, 220, 60, 255) : kPlain,
                int(s) == p.t - 1 ? 2.5f : 1.f);
            if (ImGui::IsItemHovered()) ImGui::SetTooltip(seen ? "step %d: label %d" : "comes at step %d (label %d)", int(s) + 1, k);
            ++n;
        }
        ImGui::SameLine(0, gap);
        for (size_t i = 0; i < qrows[size_t(k)].size(); ++i) {
            const size_t q = qrows[size_t(k)][i];
            if (i) ImGui::SameLine(0, sp);
            const int pred = p.predicted(q);
            const bool right = pred == k;
            const ImVec2 a = ImGui::GetCursorScreenPos();
            ink(&p.query[q], p.rows, p.cols, w, right ? kRight : kWrong, 2.5f);
            char t[16];
            std::snprintf(t, sizeof t, "%d", pred);
            ImGui::GetWindowDrawList()->AddText(ImVec2(a.x + 3, a.y + 1), right ? IM_COL32(20, 120, 40, 255) : IM_COL32(190, 30, 20, 255), t);
            if (ImGui::IsItemHovered()) {
                std::string tip = "query image of label " + std::to_string(k) + ": answered " + std::to_string(pred) + (right ? " (right)" : " (wrong)");
                char b[48];
                for (int j = 0; j < W; ++j) {
                    std::snprintf(b, sizeof b, "\np(label %d) = %.2f", j, double(p.query_prob[q][size_t(j)]));
                    tip += b;
                }
                ImGui::SetTooltip("%s", tip.c_str());
            }
        }
    }
    ImGui::SetCursorScreenPos(ImVec2(o.x, top + float(W) * (row_h + sp)));
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyle().Colors[ImGuiCol_TextDisabled]);
    ImGui::TextWrapped("\"label k  0.80\": query accuracy of label k now; yellow: just shown; green / red: answered right / wrong");
    ImGui::PopStyleColor();
}

struct State {
    int select_tab = -1;
    FlpPlotData plots;
};

class FlpClassifyPanel final : public TaskPanel {
public:
    void draw(TaskPanelContext& ctx) override {
        std::vector<PanelAction> actions = flp_tab_actions("images", st_.select_tab);
        actions.push_back({"expect-drawn", "", [&](const std::string&) {
            const auto* p = ctx.views.payload_as<flp::FlpClassifyLive>();
            return std::string(!p || p->query.empty() ? "flp-classify task view: no images to draw" : "");
        }});
        run_panel_script(ctx, "flp-classify task view", actions);
        const auto* p = ctx.views.payload_as<flp::FlpClassifyLive>();
        if (!p) {
            ImGui::TextDisabled("no episode yet: press Step");
            return;
        }
        draw_flp_tabs("##flp-classify-tabs", "images and answers", "forgetting (query loss)", st_.select_tab, *p,
                      st_.plots, [&] { draw_images(*p); });
    }

private:
    State st_;
};

}  // namespace

PS_REGISTER_TASK_PANEL("flp-classify", FlpClassifyPanel);

}  // namespace ps::gui
