// The lesson window (the step's caption, large, with Back / Next and a compact transport) and
// the compact transport of presentation mode.
#include <imgui.h>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include "gui/lab.hpp"
#include "gui/panels.hpp"
#include "gui/style.hpp"

namespace ps::gui {

using namespace style;

namespace {
// Play / Pause, Step and Restart in one width, then SameLine for what follows; returns the width.
float transport_buttons(LiveSession& live) {
    const float w = ImGui::CalcTextSize("Restart").x + ImGui::GetStyle().FramePadding.x * 2 + 8;
    if (ImGui::Button(live.playing() ? "Pause" : "Play", ImVec2(w, 0))) live.play(!live.playing());
    ImGui::SameLine();
    if (ImGui::Button("Step", ImVec2(w, 0))) live.step_once();
    ImGui::SameLine();
    if (ImGui::Button("Restart", ImVec2(w, 0))) live.restart();
    ImGui::SameLine();
    return w;
}
}  // namespace

void draw_compact_transport(Lab& lab) {
    if (!ImGui::Begin("Presentation", nullptr, ImGuiWindowFlags_NoTitleBar | ImGuiWindowFlags_NoScrollbar)) {
        ImGui::End();
        return;
    }
    LiveSession& live = lab.live;
    if (live.has_task()) {
        const float bw = transport_buttons(live);
        if (ImGui::Button("New", ImVec2(bw, 0))) live.new_episode();
        ImGui::SameLine();
        const LiveViews& v = live.views();
        ImGui::TextColored(kStaged, "%s", v.status.c_str());
        draw_scrubber(lab);
    }
    ImGui::End();
}

float draw_lesson_panel(Lab& lab, float x, float y, float w, float h_max) {
    const LessonStep* step = lab.lessons.current();
    if (!step) return 0;
    const Lesson& L = lab.lessons.lesson();
    const ImGuiStyle& st = ImGui::GetStyle();
    const float pad = st.WindowPadding.x;
    const float wrap = w - 2 * pad - st.ScrollbarSize;
    ImFont* big = caption_font();
    if (big) ImGui::PushFont(big);
    const float caption_h = ImGui::CalcTextSize(step->caption.c_str(), nullptr, false, wrap).y;
    if (big) ImGui::PopFont();
    const float row = ImGui::GetFrameHeightWithSpacing();
    const float want = st.WindowPadding.y * 2 + row * 4 + caption_h + ImGui::GetTextLineHeight() + 8;
    const float h = std::min(h_max * 0.55f, want);
    place_window(lab, "Lesson", x, y, w, h);
    if (!ImGui::Begin("Lesson", nullptr, ImGuiWindowFlags_NoCollapse)) {
        ImGui::End();
        return h;
    }
    const int k = lab.lessons.step(), n = int(L.steps.size());
    ImGui::TextColored(kDim, "%s   |   step %d of %d", L.title.c_str(), k + 1, n);
    ImGui::SameLine();
    const float bw = ImGui::CalcTextSize("Next >").x + st.FramePadding.x * 2 + 10;
    const float right = ImGui::GetWindowContentRegionMax().x;
    ImGui::SetCursorPosX(std::max(ImGui::GetCursorPosX() + 10, right - 3 * bw - 2 * st.ItemSpacing.x -
                                                                 ImGui::CalcTextSize("Exit lesson").x));
    if (k == 0) ImGui::BeginDisabled();
    if (ImGui::Button("< Back", ImVec2(bw, 0))) lab.lessons.back();
    if (k == 0) ImGui::EndDisabled();
    ImGui::SameLine();
    if (k + 1 >= n) ImGui::BeginDisabled();
    ImGui::PushStyleColor(ImGuiCol_Button, ImVec4(0.16f, 0.45f, 0.25f, 1));
    if (ImGui::Button("Next >", ImVec2(bw, 0))) lab.lessons.next();
    ImGui::PopStyleColor();
    if (k + 1 >= n) ImGui::EndDisabled();
    ImGui::SameLine();
    if (ImGui::Button("Exit lesson")) lab.lessons.close();
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("PageDown / PageUp: next / previous step");
    ImGui::Separator();
    if (big) ImGui::PushFont(big);
    ImGui::TextColored(ImVec4(1.0f, 0.85f, 0.35f, 1), "%s", step->title.c_str());
    ImGui::PushTextWrapPos(ImGui::GetCursorPosX() + wrap);
    ImGui::TextUnformatted(step->caption.c_str());
    ImGui::PopTextWrapPos();
    if (big) ImGui::PopFont();
    ImGui::Spacing();
    LiveSession& live = lab.live;
    if (live.has_task()) {
        transport_buttons(live);
        ImGui::SetNextItemWidth(-1);
        draw_scrubber(lab);
    }
    ImGui::End();
    return h;
}

}  // namespace ps::gui
