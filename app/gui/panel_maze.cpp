// The maze's "Task view": the labyrinth with its walls, the agent and its 3x3 field of view, the
// reward cell (shown to the viewer; the agent cannot see it), a fading trail, the episode's
// visitation heatmap, the reward events, and the policy's action probabilities and value estimate
// as bars. Play mode hands the arrow keys to the user: each press is one step with the user's
// action (LiveEvent "key"), while the network still reads the same observations, so its policy
// can be compared with the user's choice. Reads only the LiveViews the maze task exports.
// A second tab, "reward curves", draws the 5-seed comparison of the plastic and non-plastic agents
// (median and inter-quartile band over seeds of the reward per episode, per window of episodes)
// from assets/maze/curves.csv (tools/maze_curves.py; read and checked by engine/maze/reward_curves).
#include <imgui.h>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include "data_dir.hpp"
#include "gui/plot.hpp"
#include "gui/task_panel.hpp"
#include "maze/maze_live.hpp"
#include "maze/reward_curves.hpp"

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

void draw_maze_view(TaskPanelContext& ctx, MazePanelState& st) {
    const LiveViews& v = ctx.views;
    const ImageView* walls = find_image(v, "maze walls");
    const ImageView* visits = find_image(v, "visits");
    const ImageView* trail = find_image(v, "trail");
    if (!walls || walls->width < 3) {
        ImGui::TextDisabled("no maze state yet: start an episode");
        return;
    }
    const maze::MazeLive* live = v.payload_as<maze::MazeLive>();
    if (!live) {
        ImGui::TextDisabled("no maze state yet: start an episode");
        return;
    }
    const int n = walls->width;
    const int ar = live->agent_row, ac = live->agent_col;
    const int rr = live->reward_row, rc = live->reward_col;
    const int hits = live->hits;

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
    if (live->bumped) dl->AddCircle(ctr, cell * 0.42f, IM_COL32(220, 40, 40, 255), 0, 2.5f);
    const int last = live->last_action;
    if (last >= 0 && last < 4) {   // direction of the last move
        static const float dx[4] = {0, 1, 0, -1}, dy[4] = {-1, 0, 1, 0};
        dl->AddLine(ctr, ImVec2(ctr.x + dx[last] * cell * 0.3f, ctr.y + dy[last] * cell * 0.3f), IM_COL32(255, 255, 255, 255), 2);
    }

    // ---- side: policy, value, reward events
    ImGui::SetCursorScreenPos(ImVec2(o.x + n * cell + 12, o.y));
    ImGui::BeginGroup();
    ImGui::Text("step %d / %d", v.t, v.T);
    ImGui::Text("reward %.1f  (%d hits)", live->reward_total, hits);
    ImGui::Separator();
    ImGui::TextUnformatted("action probabilities");
    static const char* labels[4] = {"up", "right", "down", "left"};
    for (int k = 0; k < 4; ++k) {
        const float p = float(live->pi[size_t(k)]);
        char t[32];
        std::snprintf(t, sizeof t, "%s %.2f", labels[k], p);
        if (k == last) ImGui::PushStyleColor(ImGuiCol_PlotHistogram, ImVec4(0.95f, 0.55f, 0.15f, 1));
        ImGui::ProgressBar(p, ImVec2(side_w - 10, 0), t);
        if (k == last) ImGui::PopStyleColor();
    }
    ImGui::Text("value v(t) = %.2f", live->value);
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
    // Below the maze and the side column, whichever ends lower (the reward events can outgrow the
    // maze), so the window scrolls and sizes to both and the legend overlaps neither.
    const float bottom = std::max(o.y + n * cell, ImGui::GetItemRectMax().y) + 6;
    ImGui::SetCursorScreenPos(ImVec2(o.x, bottom));
    ImGui::Dummy(ImVec2(n * cell + side_w, 1));
    ImGui::PushStyleColor(ImGuiCol_Text, ImGui::GetStyleColorVec4(ImGuiCol_TextDisabled));
    ImGui::TextWrapped("green: agent and its 3x3 view; gold: reward cell (hidden from the agent); blue: visits; orange: trail");
    ImGui::PopStyleColor();
}

// ---------------------------------------------------------------- reward curves (5-seed runs)

struct CurvePlot {
    std::vector<double> x, med, band_x, band_y;   // band: (x, q25), (x, q75) pairs, dense in x
};

struct CurvesState {
    std::string path = data_path("maze/curves.csv");
    bool loaded = false;           // a load was attempted
    std::string error;             // why the file could not be used
    std::unique_ptr<maze::RewardCurves> curves;
    std::vector<CurvePlot> plots;  // one per agent, in the file's order
    std::vector<maze::TailSummary> tails;
    bool report_rect = false;      // print the plot's rectangle once (GUI test)
    std::vector<double> live_x;    // the run training now, in episodes (rebuilt each frame)
};

// The band densified (dense_band) so the plot's per-pixel-column envelope fills it; one window
// alone is a vertical bar.
CurvePlot make_plot(const maze::RewardBand& b) {
    CurvePlot p;
    p.x = b.episode;
    p.med = b.median;
    const auto& e = b.episode;
    if (e.size() == 1) {
        p.band_x = {e[0], e[0]};
        p.band_y = {b.q25[0], b.q75[0]};
        return p;
    }
    dense_band(e, b.q25, b.q75, p.band_x, p.band_y);
    return p;
}

void load_curves(CurvesState& cs) {
    cs.loaded = true;
    cs.error.clear();
    cs.curves.reset();
    cs.plots.clear();
    cs.tails.clear();
    try {
        auto c = std::make_unique<maze::RewardCurves>(maze::read_reward_curves(cs.path));
        for (const auto& b : c->agents) {
            cs.plots.push_back(make_plot(b));
            cs.tails.push_back(maze::tail_summary(b, 0.1));
        }
        cs.curves = std::move(c);
    } catch (const std::exception& e) {
        cs.error = e.what();
    }
}

ImU32 agent_color(const std::string& a, int alpha) {
    if (a == "plastic") return IM_COL32(240, 130, 40, alpha);
    if (a == "non-plastic") return IM_COL32(80, 150, 255, alpha);
    return IM_COL32(150, 200, 120, alpha);
}

void draw_curves(CurvesState& cs, const TaskPanelContext& ctx) {
    if (!cs.loaded) load_curves(cs);
    ImGui::TextWrapped("Reward per episode while training, 5 seeds per agent, the same settings and episodes "
                       "(docs/maze.md): line = median over seeds, band = inter-quartile range, per window of episodes.");
    if (ImGui::SmallButton("reload")) load_curves(cs);
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", cs.path.c_str());
    ImGui::SameLine();
    ImGui::TextDisabled("%s", cs.path.c_str());
    if (!cs.error.empty() || !cs.curves) {
        ImGui::PushStyleColor(ImGuiCol_Text, ImVec4(1, 0.45f, 0.4f, 1));
        ImGui::TextWrapped("no reward curves: %s", cs.error.c_str());
        ImGui::PopStyleColor();
        ImGui::TextWrapped("The file is made by tools/maze_curves.py from the runs of tools/maze_results.sh "
                           "(assets/maze/README.md).");
        return;
    }
    std::vector<PlotSeries> s;
    for (size_t i = 0; i < cs.plots.size(); ++i) {
        const auto& a = cs.curves->agents[i].agent;
        s.push_back({"", &cs.plots[i].band_x, &cs.plots[i].band_y, agent_color(a, 70), 1.0f, true});
    }
    for (size_t i = 0; i < cs.plots.size(); ++i) {
        const auto& b = cs.curves->agents[i];
        s.push_back({b.agent + " (median of " + std::to_string(b.seeds) + ")", &cs.plots[i].x, &cs.plots[i].med,
                     agent_color(b.agent, 255), 2.0f, false});
    }
    // The run the background trainer is making now, on the same axes (the Curves window's
    // smoothed reward per episode), so a user's training can be read against the 5 seeds.
    cs.live_x.clear();
    if (ctx.train_episode && ctx.train_metric && !ctx.train_episode->empty() &&
        ctx.train_episode->size() == ctx.train_metric->size()) {
        cs.live_x = *ctx.train_episode;
        s.push_back({"this run (training now)", &cs.live_x, ctx.train_metric, IM_COL32(235, 235, 235, 255), 1.0f,
                     false});
    }
    PlotOptions o;
    const float lines = float(cs.tails.size() + 3) * ImGui::GetTextLineHeightWithSpacing();
    o.size = ImVec2(0, std::max(140.0f, ImGui::GetContentRegionAvail().y - lines));
    o.x_label = "episode";
    o.y_format = "%.1f";
    plot_lines("##maze-curves", s, o);
    if (cs.report_rect) {   // for the GUI test: where the plot is in the screenshot
        const ImVec2 a = ImGui::GetItemRectMin(), b = ImGui::GetItemRectMax();
        std::printf("maze-curves %d %d %d %d\n", int(a.x), int(a.y), int(b.x - a.x), int(b.y - a.y));
        std::fflush(stdout);
        cs.report_rect = false;
    }
    if (cs.live_x.empty())
        ImGui::TextDisabled("Start training: the run's own reward per episode joins this plot (white).");
    ImGui::TextDisabled("reward per episode over the last 10 %% of training (per seed mean; median [IQR] over seeds):");
    for (size_t i = 0; i < cs.tails.size(); ++i) {
        const auto& t = cs.tails[i];
        ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(agent_color(cs.curves->agents[i].agent, 255)),
                           "%-12s %.1f [%.1f - %.1f]", cs.curves->agents[i].agent.c_str(), t.median, t.q25, t.q75);
    }
}

// Scripted actions (`--at FRAME panel=ARG`): curves / maze (show that tab), file=PATH (read that
// curves file instead), expect=ok|error (the curves file loaded / was refused), report (print the
// plot's rectangle "maze-curves x y w h" on stdout when it is next drawn).
void script(TaskPanelContext& ctx, CurvesState& cs, int& select) {
    using V = const std::string&;
    run_panel_script(ctx, "maze task view", {
        tab_action("curves", select, 1),
        tab_action("maze", select, 0),
        {"file", "=PATH", [&](V v) {
            if (v.empty()) return std::string("maze task view: file expects a PATH");
            cs.path = v;
            load_curves(cs);
            return std::string();
        }},
        {"expect", "=ok|error", [&](V v) {
            if (v != "ok" && v != "error") return "maze task view: expect expects ok or error, got '" + v + "'";
            if (!cs.loaded) load_curves(cs);
            const bool ok = cs.error.empty() && cs.curves;
            if (ok == (v == "ok")) return std::string();
            return ok ? std::string("maze curves: expected an error, the file loaded") : "maze curves: " + cs.error;
        }},
        {"report", "", [&](V) { cs.report_rect = true; return std::string(); }},
    });
}

class MazePanel final : public TaskPanel {
public:
    void draw(TaskPanelContext& ctx) override;

private:
    MazePanelState st_;
    CurvesState cs_;
};

void MazePanel::draw(TaskPanelContext& ctx) {
    MazePanelState& st = st_;
    CurvesState& cs = cs_;
    int select = -1;
    script(ctx, cs, select);
    if (!ImGui::BeginTabBar("##maze-tabs")) return;
    if (ImGui::BeginTabItem("maze", nullptr, select == 0 ? ImGuiTabItemFlags_SetSelected : 0)) {
        draw_maze_view(ctx, st);
        ImGui::EndTabItem();
    }
    if (ImGui::BeginTabItem("reward curves", nullptr, select == 1 ? ImGuiTabItemFlags_SetSelected : 0)) {
        draw_curves(cs, ctx);
        ImGui::EndTabItem();
    }
    ImGui::EndTabBar();
}

}  // namespace

PS_REGISTER_TASK_PANEL("maze", MazePanel);

}  // namespace ps::gui
