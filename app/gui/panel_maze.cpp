// The maze's "Task view": the labyrinth with its walls, the agent and its 3x3 field of view, the
// reward cell (shown to the viewer; the agent cannot see it), a fading trail, the episode's
// visitation heatmap, the reward events, and the policy's action probabilities and value estimate
// as bars. Play mode hands the arrow keys to the user: each press is one step with the user's
// action (LiveEvent "key"), while the network still reads the same observations, so its policy
// can be compared with the user's choice. Reads only the LiveViews the maze task exports.
#include <imgui.h>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <string>
#include "gui/task_panel.hpp"

namespace ps::gui {
namespace {

const ImageView* find_image(const LiveViews& v, const char* name) {
    for (const auto& im : v.images)
        if (im.name == name) return &im;
    return nullptr;
}
double scalar(const LiveViews& v, const char* name, double fallback = 0) {
    auto it = v.scalars.find(name);
    return it == v.scalars.end() ? fallback : it->second;
}

struct MazePanelState {
    bool play = false;      // arrow keys drive the agent
    bool heat = true, trail = true, view = true;
};

void draw_maze_panel(TaskPanelContext& ctx) {
    static MazePanelState st;
    const LiveViews& v = ctx.views;
    const ImageView* walls = find_image(v, "maze walls");
    const ImageView* visits = find_image(v, "visits");
    const ImageView* trail = find_image(v, "trail");
    if (!walls || walls->width < 3) {
        ImGui::TextDisabled("no maze state yet: start an episode");
        return;
    }
    const int n = walls->width;
    const int ar = int(scalar(v, "agent row")), ac = int(scalar(v, "agent col"));
    const int rr = int(scalar(v, "reward row")), rc = int(scalar(v, "reward col"));
    const int hits = int(scalar(v, "reward hits"));

    // ---- controls
    ImGui::Checkbox("play with the arrow keys", &st.play);
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip("Each arrow key press moves the agent one step with your action; the network still\n"
                          "reads the observations, so its action probabilities show what it would have done.");
    ImGui::SameLine();
    ImGui::Checkbox("visits", &st.heat);
    ImGui::SameLine();
    ImGui::Checkbox("trail", &st.trail);
    ImGui::SameLine();
    ImGui::Checkbox("3x3 view", &st.view);
    if (st.play) {
        ctx.capture_keys = true;
        const ImGuiIO& io = ImGui::GetIO();
        if (!io.WantTextInput) {
            static const ImGuiKey keys[4] = {ImGuiKey_UpArrow, ImGuiKey_RightArrow, ImGuiKey_DownArrow, ImGuiKey_LeftArrow};
            for (int k = 0; k < 4; ++k)
                if (ImGui::IsKeyPressed(ImGui::GetKeyIndex(keys[k]), true)) {
                    LiveEvent e;
                    e.kind = "key";
                    e.key = k;
                    ctx.send(e);
                    break;
                }
        }
        if (ctx.playing) ImGui::TextColored(ImVec4(1, 0.8f, 0.3f, 1), "pause (space) to drive the agent yourself");
    }

    // ---- the maze
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const float side_w = 170;
    const float cell = std::max(6.f, std::min((avail.x - side_w - 16) / float(n), (avail.y - 40) / float(n)));
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 o = ImGui::GetCursorScreenPos();
    auto P = [&](int r, int c) { return ImVec2(o.x + c * cell, o.y + r * cell); };
    float vmax = visits ? std::max(1.f, visits->hi) : 1.f;
    for (int r = 0; r < n; ++r)
        for (int c = 0; c < n; ++c) {
            const size_t i = size_t(r * n + c);
            const ImVec2 a = P(r, c), b = ImVec2(a.x + cell, a.y + cell);
            if (walls->pixels[i] > 0.5f) {
                dl->AddRectFilled(a, b, IM_COL32(70, 72, 82, 255));
                continue;
            }
            dl->AddRectFilled(a, b, IM_COL32(232, 232, 226, 255));
            if (st.heat && visits && visits->pixels[i] > 0) {   // visitation: blue, sqrt scale
                const float f = std::sqrt(visits->pixels[i] / vmax);
                dl->AddRectFilled(a, b, IM_COL32(40, 110, 220, int(40 + 170 * f)));
            }
            if (st.trail && trail && trail->pixels[i] > 0.02f)     // fading trail: orange dot
                dl->AddCircleFilled(ImVec2(a.x + cell / 2, a.y + cell / 2), cell * 0.22f,
                                    IM_COL32(240, 140, 30, int(255 * trail->pixels[i])));
        }
    // reward cell (seen by the viewer only) with its hit count
    {
        const ImVec2 a = P(rr, rc), b = ImVec2(a.x + cell, a.y + cell);
        dl->AddRectFilled(ImVec2(a.x + 2, a.y + 2), ImVec2(b.x - 2, b.y - 2), IM_COL32(250, 205, 40, 230), cell * 0.15f);
        char t[16];
        std::snprintf(t, sizeof t, "%d", hits);
        dl->AddText(ImVec2(a.x + cell * 0.35f, a.y + cell * 0.25f), IM_COL32(90, 60, 0, 255), t);
    }
    // the agent's 3x3 view
    if (st.view)
        dl->AddRect(P(ar - 1, ac - 1), P(ar + 2, ac + 2), IM_COL32(30, 200, 90, 255), 0, 0, 2.5f);
    // the agent; a red ring when the last move bumped a wall
    const ImVec2 ctr(o.x + (ac + 0.5f) * cell, o.y + (ar + 0.5f) * cell);
    dl->AddCircleFilled(ctr, cell * 0.33f, IM_COL32(20, 150, 70, 255));
    if (scalar(v, "bumped") > 0) dl->AddCircle(ctr, cell * 0.42f, IM_COL32(220, 40, 40, 255), 0, 2.5f);
    const int last = int(scalar(v, "last action", -1));
    if (last >= 0 && last < 4) {   // direction of the last move
        static const float dx[4] = {0, 1, 0, -1}, dy[4] = {-1, 0, 1, 0};
        dl->AddLine(ctr, ImVec2(ctr.x + dx[last] * cell * 0.3f, ctr.y + dy[last] * cell * 0.3f), IM_COL32(255, 255, 255, 255), 2);
    }

    // ---- side: policy, value, reward events
    ImGui::SetCursorScreenPos(ImVec2(o.x + n * cell + 12, o.y));
    ImGui::BeginGroup();
    ImGui::Text("step %d / %d", v.t, v.T);
    ImGui::Text("reward %.1f  (%d hits)", scalar(v, "reward total"), hits);
    ImGui::Separator();
    ImGui::TextUnformatted("action probabilities");
    static const char* names[4] = {"pi up", "pi right", "pi down", "pi left"};
    static const char* labels[4] = {"up", "right", "down", "left"};
    for (int k = 0; k < 4; ++k) {
        const float p = float(scalar(v, names[k]));
        char t[32];
        std::snprintf(t, sizeof t, "%s %.2f", labels[k], p);
        if (k == last) ImGui::PushStyleColor(ImGuiCol_PlotHistogram, ImVec4(0.95f, 0.55f, 0.15f, 1));
        ImGui::ProgressBar(p, ImVec2(side_w - 10, 0), t);
        if (k == last) ImGui::PopStyleColor();
    }
    ImGui::Text("value v(t) = %.2f", scalar(v, "value"));
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("The critic's estimate of the discounted return from here (gamma 0.9).");
    if (v.scalars.count("eta")) ImGui::Text("eta = %.4f", scalar(v, "eta"));
    if (v.scalars.count("M(t)")) ImGui::Text("M(t) = %+.3f", scalar(v, "M(t)"));
    ImGui::Separator();
    ImGui::TextUnformatted("reward events (step)");
    if (v.marks.empty()) ImGui::TextDisabled("none yet");
    int prev = 0;
    for (size_t k = 0; k < v.marks.size() && k < 24; ++k) {
        ImGui::Text("#%zu at %d (+%d)", k + 1, v.marks[k].first, v.marks[k].first - prev);
        prev = v.marks[k].first;
    }
    if (v.marks.size() > 24) ImGui::TextDisabled("... %zu more", v.marks.size() - 24);
    ImGui::EndGroup();
    // reserve the maze's area so the window scrolls / sizes correctly
    ImGui::SetCursorScreenPos(ImVec2(o.x, o.y + n * cell + 6));
    ImGui::Dummy(ImVec2(n * cell + side_w, 1));
    ImGui::TextDisabled("green: agent and its 3x3 view; gold: reward cell (hidden from the agent); blue: visits; orange: trail");
}

}  // namespace

PS_REGISTER_TASK_PANEL("maze", draw_maze_panel);

}  // namespace ps::gui
