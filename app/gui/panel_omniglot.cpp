// "Task view" of the Omniglot task: the episode as the network meets it, one column per label
// (its support glyphs, at least 64 px each when the window allows, shown as they arrive; under
// them the network's probability for that class at the query) and the query with the answer,
// right or wrong. A second tab is the failure gallery: recent held-out episodes answered wrongly,
// each as the query, then the classes' support glyphs with the true one framed green and the
// one the network picked framed red. Reads only the typed payload (omniglot/omni_live.hpp).
#include <imgui.h>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include <vector>
#include "gui/task_panel.hpp"
#include "omniglot/omni_live.hpp"

namespace ps::gui {
namespace {

constexpr ImU32 kTrue = IM_COL32(70, 200, 90, 255), kPicked = IM_COL32(235, 70, 60, 255), kPlain = IM_COL32(80, 84, 96, 255);

// A glyph (ink in [0, 1]) as dark ink on paper, px wide, framed.
void glyph(const float* img, int side, float px, ImU32 frame, float frame_w = 1.0f) {
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 a = ImGui::GetCursorScreenPos();
    ImGui::Dummy(ImVec2(px, px));
    const float c = px / float(side);
    dl->AddRectFilled(a, ImVec2(a.x + px, a.y + px), IM_COL32(245, 243, 235, 255));
    if (img)
        for (int r = 0; r < side; ++r)
            for (int k = 0; k < side; ++k) {
                const float v = std::clamp(img[r * side + k], 0.f, 1.f);
                if (v <= 0.02f) continue;
                const int g = int(245 - 225 * v);
                const ImVec2 p(a.x + c * float(k), a.y + c * float(r));
                dl->AddRectFilled(p, ImVec2(p.x + c + 0.01f, p.y + c + 0.01f), IM_COL32(g, g, g + 5, 255));
            }
    else
        dl->AddRectFilled(a, ImVec2(a.x + px, a.y + px), IM_COL32(40, 42, 50, 255));
    dl->AddRect(a, ImVec2(a.x + px, a.y + px), frame, 0, 0, frame_w);
}

struct State {
    int select_tab = -1;
};

void draw_episode(const omni::OmniLive& p) {
    const int K = p.ways, S = std::max(1, p.shots), side = p.side;
    const int T = p.T, q = T - 1;
    // ---- where we are, in words
    if (p.t == 0)
        ImGui::TextWrapped("%d-way %d-shot episode: %d support images, one per step, each with its class label; then a "
                           "query the network must name. Step to show the first.", K, S, T - 1);
    else if (!p.answered)
        ImGui::TextWrapped("Support image %d of %d shown with its label (stored in the plastic weights); the query comes at step %d.",
                           p.t, T - 1, T);
    else {
        const bool right = p.pred == p.query_class();
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(right ? kTrue : kPicked), "Query answered: label %d (p = %.2f), truth label %d: %s",
                           p.pred, double(p.probs[size_t(p.pred)]), p.query_class(), right ? "right" : "wrong");
    }
    // ---- sizes: K class columns and the query column fit the width; S glyph rows, the bars and
    // the text the height. At least 64 px per glyph when the window has the room.
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const float sp = 8, line = ImGui::GetTextLineHeightWithSpacing();
    const float by_w = (avail.x - sp * float(K + 1) - 20) / float(K + 1);
    const float by_h = (avail.y - 3 * line - 2 * ImGui::GetFrameHeight() - 20) / float(S);
    const float px = std::floor(std::clamp(std::min(by_w, by_h), 28.f, 128.f));
    // ---- the class columns
    const ImVec2 o = ImGui::GetCursorScreenPos();
    for (int j = 0; j < K; ++j) {
        ImGui::SetCursorScreenPos(ImVec2(o.x + float(j) * (px + sp), o.y));
        ImGui::BeginGroup();
        ImGui::Text("label %d", j);
        int shown = 0;
        for (int s = 0; s < q; ++s) {
            if (p.labels[size_t(s)] != j) continue;
            const bool seen = s < p.t;
            ImU32 frame = kPlain;
            float fw = 1;
            if (p.answered && j == p.query_class()) frame = kTrue, fw = 3;
            if (p.answered && j == p.pred && p.pred != p.query_class()) frame = kPicked, fw = 3;
            glyph(seen ? p.image(s) : nullptr, side, px, frame, fw);
            if (ImGui::IsItemHovered())
                ImGui::SetTooltip(seen ? "support image at step %d, label %d" : "support image of step %d (not shown yet), label %d", s + 1, j);
            ++shown;
        }
        for (; shown < S; ++shown) glyph(nullptr, side, px, kPlain);
        // the probability bar (at the query only: before it, there is no answer)
        const float pj = p.answered ? p.probs[size_t(j)] : 0.f;
        char t[24];
        if (p.answered) std::snprintf(t, sizeof t, "%.2f", double(pj));
        else std::snprintf(t, sizeof t, "-");
        ImGui::PushStyleColor(ImGuiCol_PlotHistogram, ImGui::ColorConvertU32ToFloat4(
                                                          p.answered && j == p.query_class() ? kTrue : p.answered && j == p.pred ? kPicked
                                                                                                                               : IM_COL32(110, 140, 200, 255)));
        ImGui::ProgressBar(pj, ImVec2(px, 0), t);
        ImGui::PopStyleColor();
        if (ImGui::IsItemHovered())
            ImGui::SetTooltip(p.answered ? "the network's probability that the query has label %d" : "label %d: the probabilities come at the query", j);
        ImGui::EndGroup();
    }
    // ---- the query
    ImGui::SetCursorScreenPos(ImVec2(o.x + float(K) * (px + sp) + 12, o.y));
    ImGui::BeginGroup();
    ImGui::TextUnformatted("query");
    const bool qseen = p.t >= T;
    glyph(qseen ? p.image(q) : nullptr, side, px,
          !p.answered ? kPlain : p.pred == p.query_class() ? kTrue : kPicked, p.answered ? 3.f : 1.f);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip(qseen ? "the query: a new drawing of label %d's character" : "the query comes at the last step (label %d)", p.query_class());
    if (p.answered) ImGui::Text("answer: %d\ntruth:  %d", p.pred, p.query_class());
    else ImGui::TextDisabled("answer\nat step %d", T);
    ImGui::EndGroup();
    ImGui::TextDisabled("a column per label: its support glyphs, then p(label) at the query");
}

void draw_failures(const omni::OmniLive& p) {
    if (p.gallery_scanned > 0)
        ImGui::TextWrapped("%d held-out episodes scanned, %d answered wrongly (accuracy %.1f %%); newest first.", p.gallery_scanned,
                    p.gallery_failed, 100.0 * (1.0 - double(p.gallery_failed) / p.gallery_scanned));
    if (!p.failures || p.failures->empty()) {
        ImGui::TextDisabled(p.gallery_scanned > 0 ? "no wrong answers so far" : "each new live episode scans a batch of held-out episodes");
        return;
    }
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyle().Colors[ImGuiCol_TextDisabled]);
    ImGui::TextWrapped("Each row: the query, then the support glyphs by label; green = the truth, red = the network's answer.");
    ImGui::PopStyleColor();
    ImGui::BeginChild("##omni-failures", ImVec2(0, 0), false);
    const float px = std::max(64.f, std::floor(std::min(96.f, (ImGui::GetContentRegionAvail().x - 120) / float(p.ways + 1) - 6)));
    for (size_t i = 0; i < p.failures->size(); ++i) {
        const omni::OmniFailure& f = (*p.failures)[i];
        ImGui::Text("query of label %d answered %d", f.truth, f.pred);
        const int q = f.steps() - 1;
        glyph(f.image(q), f.side, px, IM_COL32(230, 230, 230, 255), 2);
        ImGui::SameLine(0, 16);
        for (int j = 0; j < p.ways; ++j) {
            ImGui::BeginGroup();
            for (int s = 0; s < q; ++s) {
                if (f.labels[size_t(s)] != j) continue;
                glyph(f.image(s), f.side, px, j == f.truth ? kTrue : j == f.pred ? kPicked : kPlain, j == f.truth || j == f.pred ? 3.f : 1.f);
            }
            ImGui::EndGroup();
            if (j + 1 < p.ways) ImGui::SameLine(0, 6);
        }
        ImGui::Separator();
    }
    ImGui::EndChild();
}

class OmniPanel final : public TaskPanel {
public:
    void draw(TaskPanelContext& ctx) override {
        run_panel_script(ctx, "omniglot task view", {
            tab_action("episode", st_.select_tab, 0),
            tab_action("failures", st_.select_tab, 1),
            {"expect-drawn", "", [&](const std::string&) {
                const auto* p = ctx.views.payload_as<omni::OmniLive>();
                return std::string(!p || p->side <= 0 || p->T <= 1 ? "omniglot task view: no episode to draw" : "");
            }},
        });
        const auto* p = ctx.views.payload_as<omni::OmniLive>();
        if (!p || p->side <= 0) {
            ImGui::TextDisabled("no episode yet: press Step");
            return;
        }
        const int sel = st_.select_tab;
        st_.select_tab = -1;
        if (!ImGui::BeginTabBar("##omni-tabs")) return;
        if (ImGui::BeginTabItem("episode", nullptr, sel == 0 ? ImGuiTabItemFlags_SetSelected : 0)) {
            draw_episode(*p);
            ImGui::EndTabItem();
        }
        char name[64];
        std::snprintf(name, sizeof name, "failures (%zu)###failures", p->failures ? p->failures->size() : size_t(0));
        if (ImGui::BeginTabItem(name, nullptr, sel == 1 ? ImGuiTabItemFlags_SetSelected : 0)) {
            draw_failures(*p);
            ImGui::EndTabItem();
        }
        ImGui::EndTabBar();
    }

private:
    State st_;
};

}  // namespace

PS_REGISTER_TASK_PANEL("omniglot", OmniPanel);

}  // namespace ps::gui
