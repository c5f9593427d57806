// "Task view" of the BOHP 2016 tasks (bohp-*): the multi-seed learning curves of the paper's
// protocol — median and inter-quartile band across seeds of the per-episode loss — computed in
// the app by the same sweep runner as `plastiscope sweep` (engine/sweep.hpp), on one
// background thread, optionally beside the same sweep with alpha clipped to >= 0 (reversal needs
// negative alpha; one-shot does not). The step-by-step traces and online gradient traces are the
// generic matrix views of the task.
#include <imgui.h>
#include <algorithm>
#include <atomic>
#include <cmath>
#include <memory>
#include <mutex>
#include <thread>
#include "sweep.hpp"
#include "fields.hpp"
#include "gui/plot.hpp"
#include "gui/task_panel.hpp"

namespace ps::gui {
namespace {

struct Curves {
    std::vector<double> x, med, band_x, band_y;   // band: (x, q25), (x, q75) pairs, dense in x
    int64_t below = -1;                           // first window with median < threshold
};

// The sweep's settings, its worker thread (owned here: the destructor cancels and joins it, so a
// task switch never leaves a sweep running) and its results.
struct SweepUi {
    int seeds = 20;
    int episodes = 0;             // 0 = the task's paper length
    bool with_clip = true;
    std::thread th;
    std::atomic<bool> running{false}, cancel{false};
    std::atomic<int> done{0}, total{0};
    std::mutex m;
    std::string task, error;
    Curves normal, clipped;
    double cpu = 0;
    ~SweepUi() {
        cancel = true;
        if (th.joinable()) th.join();
    }
};

Curves make_curves(const SweepResult& r, int window, double thr) {
    std::vector<std::vector<float>> per;
    for (const auto& s : r.runs) per.push_back(s.loss);
    const auto c = sweep_curve(per, window);
    Curves out;
    for (const auto& p : c) { out.x.push_back(double(p.episode)); out.med.push_back(p.median); }
    out.below = first_below(c, thr);
    std::vector<double> q25, q75;
    for (const auto& p : c) { q25.push_back(p.q25); q75.push_back(p.q75); }
    dense_band(out.x, q25, q75, out.band_x, out.band_y);   // the plot's per-pixel-column envelope
    return out;
}

void start(SweepUi& u, const std::string& task, const std::string& preset) {
    if (u.th.joinable()) u.th.join();
    u.running = true;
    u.done = 0;
    u.total = u.seeds * (u.with_clip ? 2 : 1);
    {
        std::lock_guard<std::mutex> lk(u.m);
        u.task = task; u.error.clear(); u.normal = {}; u.clipped = {}; u.cpu = 0;
    }
    const int seeds = u.seeds, episodes = u.episodes;
    const bool with_clip = u.with_clip;
    u.cancel = false;
    u.th = std::thread([&u, task, preset, seeds, episodes, with_clip] {
        struct Cancelled {};
        try {
            for (int pass = 0; pass < (with_clip ? 2 : 1); ++pass) {
                SweepOptions o;
                o.task = task;
                o.preset = preset;
                o.seeds = seeds;
                o.episodes = episodes;
                o.threads = 1;   // the GUI keeps the other core for itself and the trainer
                if (pass == 1) o.overrides = {"clip_alpha_nonneg=true"};
                // One thread: the callback runs on this one, so a cancel ends the sweep after the
                // seed under way (BOHP seeds take well under a second).
                const SweepResult r = run_sweep(o, [&u](const SeedRun&) {
                    ++u.done;
                    if (u.cancel) throw Cancelled{};
                });
                const int window = int(std::max<int64_t>(10, r.episodes / 100));
                Curves c = make_curves(r, window, 0.05);
                std::lock_guard<std::mutex> lk(u.m);
                for (const auto& s : r.runs) u.cpu += s.cpu_seconds;
                (pass == 0 ? u.normal : u.clipped) = std::move(c);
            }
        } catch (const Cancelled&) {
        } catch (const std::exception& e) {
            std::lock_guard<std::mutex> lk(u.m);
            u.error = e.what();
        }
        u.running = false;
    });
}

// Scripted actions: seeds=N, episodes=N, clip=0|1, run, wait (blocks until the sweep is done).
void script(TaskPanelContext& ctx, SweepUi& u) {
    for (const std::string& a : ctx.script) {
        const auto eq = a.find('=');
        const std::string k = a.substr(0, eq), v = eq == std::string::npos ? "" : a.substr(eq + 1);
        if (k == "seeds") u.seeds = std::clamp(std::atoi(v.c_str()), 2, 40);
        else if (k == "episodes") u.episodes = std::clamp(std::atoi(v.c_str()), 0, 200000);
        else if (k == "clip") u.with_clip = v != "0";
        else if (k == "run") { if (!u.running) start(u, ctx.task.name(), ctx.task.preset()); }
        else if (k == "wait") {
            if (u.th.joinable()) u.th.join();
            std::lock_guard<std::mutex> lk(u.m);
            if (!u.error.empty()) ctx.script_error = "sweep failed: " + u.error;
            else if (u.normal.x.empty()) ctx.script_error = "panel wait: no sweep has run";
        } else ctx.script_error = "bohp task view: unknown action '" + a + "' (seeds=, episodes=, clip=, run, wait)";
    }
}

class BohpPanel final : public TaskPanel {
public:
    void draw(TaskPanelContext& ctx) override;

private:
    SweepUi u_;
};

void BohpPanel::draw(TaskPanelContext& ctx) {
    SweepUi& u = u_;
    script(ctx, u);
    ImGui::TextWrapped("Multi-seed learning curves (the paper's protocol): each seed trains a fresh network; the "
                       "plot shows the median across seeds of the windowed loss and its inter-quartile band.");
    ImGui::SetNextItemWidth(120);
    ImGui::SliderInt("seeds", &u.seeds, 2, 40);
    ImGui::SameLine();
    ImGui::TextDisabled("(?)");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Seeds 1..n, one Task each, trained one after another on one core.");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(120);
    ImGui::InputInt("episodes", &u.episodes, 500, 5000);
    u.episodes = std::clamp(u.episodes, 0, 200000);
    ImGui::SameLine();
    ImGui::TextDisabled("(?)");
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Episodes per seed; 0 = the task's 'episodes' setting (the paper's run).");
    ImGui::Checkbox("also with alpha clipped >= 0", &u.with_clip);
    const bool busy = u.running;
    if (busy) {
        ImGui::Text("running: %d / %d seeds", u.done.load(), u.total.load());
    } else if (ImGui::Button("Run sweep")) {
        start(u, ctx.task.name(), ctx.task.preset());
        ctx.note("sweep of " + ctx.task.name() + " started (" + std::to_string(u.seeds) + " seeds)", false);
    }
    std::lock_guard<std::mutex> lk(u.m);
    if (!u.error.empty()) ImGui::TextColored(ImVec4(1, 0.4f, 0.4f, 1), "%s", u.error.c_str());
    if (u.task != ctx.task.name() && !u.task.empty()) {
        ImGui::TextDisabled("(curves of %s)", u.task.c_str());
    }
    if (u.normal.x.empty()) {
        ImGui::TextDisabled("no sweep yet: press Run sweep (BOHP tasks train a seed in well under a second)");
        return;
    }
    std::vector<PlotSeries> s;
    s.push_back({"", &u.normal.band_x, &u.normal.band_y, IM_COL32(90, 160, 255, 70), 1.0f, true});
    s.push_back({"median", &u.normal.x, &u.normal.med, IM_COL32(90, 160, 255, 255), 2.0f, false});
    if (!u.clipped.x.empty()) {
        s.push_back({"", &u.clipped.band_x, &u.clipped.band_y, IM_COL32(255, 150, 60, 70), 1.0f, true});
        s.push_back({"alpha >= 0", &u.clipped.x, &u.clipped.med, IM_COL32(255, 150, 60, 255), 2.0f, false});
    }
    PlotOptions o;
    o.size = ImVec2(0, std::max(120.0f, ImGui::GetContentRegionAvail().y - ImGui::GetTextLineHeightWithSpacing() * 2));
    o.x_label = "episode";
    plot_lines("##bohp-sweep", s, o);
    auto below = [](const Curves& c) { return c.below < 0 ? std::string("never") : std::to_string(c.below); };
    ImGui::Text("median window loss < 0.05 first at episode: %s%s%s   (%.1f CPU s)", below(u.normal).c_str(),
                u.clipped.x.empty() ? "" : ";  alpha >= 0: ", u.clipped.x.empty() ? "" : below(u.clipped).c_str(), u.cpu);
}

}  // namespace

PS_REGISTER_TASK_PANEL("bohp-*", BohpPanel);

}  // namespace ps::gui
