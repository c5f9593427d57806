// "Task view" of the BOHP 2016 tasks (bohp-*). A "network" tab draws the small network as a
// diagram (inputs -> plastic units -> outputs) with its plastic connections as coloured edges
// (alpha by default: blue = negative, the anti-Hebbian connections reversal learning needs; or
// w + alpha*Hebb, w, Hebb) and the values at the step shown. A "multi-seed sweep" tab draws the
// multi-seed learning curves of the paper's protocol — median and inter-quartile band across seeds of the per-episode loss — computed in
// the app by the same sweep runner as `plastiscope sweep` (engine/sweep.hpp), on one
// background thread, optionally beside the same sweep with alpha clipped to >= 0 (reversal needs
// negative alpha; one-shot does not). The step-by-step traces and online gradient traces are the
// generic matrix views of the task.
#include <imgui.h>
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <memory>
#include <mutex>
#include <thread>
#include "bohp/bohp_live.hpp"
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

// ---------------------------------------------------------------- the network as a diagram

struct NetUi {
    int edges = 0;          // what the input -> unit edges show: 0 alpha, 1 w + alpha*Hebb, 2 w, 3 Hebb
    int select_tab = -1;
};

// Diverging colour of a signed value scaled by m: red > 0, blue < 0 (alpha: red Hebbian, blue anti-Hebbian).
ImU32 signed_color(float v, float m, int alpha = 255) {
    const float f = std::clamp(m > 0 ? v / m : 0.f, -1.f, 1.f);
    if (f >= 0) return IM_COL32(int(90 + 150 * f), int(90 - 30 * f), int(90 - 40 * f), alpha);
    return IM_COL32(int(90 + 20 * f), int(90 - 10 * f), int(90 - 160 * f), alpha);
}

void draw_network(const bohp::BohpLive& p, NetUi& n) {
    static const char* kinds[4] = {"alpha (plasticity)", "w + alpha*Hebb (effective now)", "w (fixed)", "Hebb (trace now)"};
    ImGui::SetNextItemWidth(260);
    ImGui::Combo("edges show", &n.edges, kinds, 4);
    ImGui::SameLine();
    ImGui::TextDisabled("(?)");
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip("Each input -> unit connection has a fixed weight w, a plasticity coefficient alpha and a Hebbian\n"
                          "trace Hebb (reset each episode); its effective weight is w + alpha * Hebb.\n"
                          "alpha < 0 (blue) is anti-Hebbian: repeated recall weakens the stored association,\n"
                          "which is what lets reversal learning overwrite it. Hover an edge for its numbers.");
    const std::vector<float>& e = n.edges == 0 ? p.alpha : n.edges == 1 ? p.effective : n.edges == 2 ? p.w : p.hebb;
    float em = 1e-6f;
    for (float v : e) em = std::max(em, std::abs(v));
    // Sign story in one line: how many alpha are negative, split by input group when named so.
    int neg = 0, neg_pat = 0, pat = 0;
    for (int k = 0; k < p.K; ++k)
        for (int j = 0; j < p.M; ++j) {
            const bool is_pat = p.input_names[size_t(k)].rfind("pattern", 0) == 0;
            const bool ng = p.at(p.alpha, k, j) < 0;
            neg += ng;
            pat += is_pat;
            neg_pat += is_pat && ng;
        }
    if (pat > 0)
        ImGui::TextWrapped("alpha < 0 (anti-Hebbian) on %d of the %d pattern -> unit connections (%d of %d in all)", neg_pat, pat, neg,
                           p.K * p.M);
    else
        ImGui::TextWrapped("alpha < 0 (anti-Hebbian) on %d of %d connections", neg, p.K * p.M);

    // ---- layout: three columns of nodes
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const float legend_h = ImGui::GetTextLineHeightWithSpacing() + 4;
    const float H = std::max(160.f, avail.y - legend_h - 4), W = std::max(300.f, avail.x - 4);
    const ImVec2 o = ImGui::GetCursorScreenPos();
    ImGui::InvisibleButton("##bohp-net", ImVec2(W, H));
    const bool hovered = ImGui::IsItemHovered();
    const ImVec2 mouse = ImGui::GetIO().MousePos;
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const float fh = ImGui::GetFontSize();
    const float name_w = 120;   // input names on the left
    const float xi = o.x + name_w + 14, xo = o.x + W - 120, xu = (xi + xo) * 0.5f;
    auto ys = [&](int i, int count) { return o.y + fh + (H - 2 * fh) * (float(i) + 0.5f) / float(count); };
    const float r = std::clamp((H - 2 * fh) / float(std::max({p.K, p.M, p.O})) * 0.32f, 4.f, 16.f);
    // column titles
    dl->AddText(ImVec2(xi - r - 30, o.y), IM_COL32(200, 200, 200, 255), "inputs x");
    dl->AddText(ImVec2(xu - 40, o.y), IM_COL32(200, 200, 200, 255), "plastic units y");
    dl->AddText(ImVec2(xo - 20, o.y), IM_COL32(200, 200, 200, 255), "outputs");
    // input -> unit edges: colour = sign, width = |value|
    int hk = -1, hj = -1;
    float best = 6;
    for (int k = 0; k < p.K; ++k)
        for (int j = 0; j < p.M; ++j) {
            const float v = p.at(e, k, j);
            const ImVec2 a(xi + r, ys(k, p.K)), b(xu - r, ys(j, p.M));
            // The sign stays readable on small edges (the pattern inputs' alpha is ~10x smaller
            // than the label slots'): the colour is saturated at least half way, the width grows
            // with the square root of the size.
            const float f = std::sqrt(std::abs(v) / em);
            dl->AddLine(a, b, signed_color(v < 0 ? -(0.5f + 0.5f * f) : (v > 0 ? 0.5f + 0.5f * f : 0.f), 1, 230), 1.0f + 5.0f * f);
            if (hovered) {   // distance from the mouse to the segment
                const ImVec2 d(b.x - a.x, b.y - a.y);
                const float tt = std::clamp(((mouse.x - a.x) * d.x + (mouse.y - a.y) * d.y) / (d.x * d.x + d.y * d.y), 0.f, 1.f);
                const float dx = a.x + tt * d.x - mouse.x, dy = a.y + tt * d.y - mouse.y, dist = std::sqrt(dx * dx + dy * dy);
                if (dist < best) { best = dist; hk = k; hj = j; }
            }
        }
    // unit -> output edges
    float vm = 1e-6f;
    for (float v : p.v) vm = std::max(vm, std::abs(v));
    for (int j = 0; j < p.M; ++j)
        for (int q = 0; q < p.O; ++q) {
            if (!p.softmax && q != j) continue;
            const float v = p.softmax ? p.v[size_t(j) * size_t(p.O) + size_t(q)] : 1.f;
            dl->AddLine(ImVec2(xu + r, ys(j, p.M)), ImVec2(xo - r, ys(q, p.O)),
                        p.softmax ? signed_color(v, vm, 200) : IM_COL32(150, 150, 150, 160), p.softmax ? 0.5f + 4.5f * std::abs(v) / vm : 1.5f);
        }
    // nodes: fill = value (red > 0, blue < 0)
    auto node = [&](ImVec2 c, float v, float m) {
        dl->AddCircleFilled(c, r, signed_color(v, m));
        dl->AddCircle(c, r, IM_COL32(220, 220, 220, 255), 0, 1.5f);
    };
    char buf[64];
    for (int k = 0; k < p.K; ++k) {
        const ImVec2 c(xi, ys(k, p.K));
        node(c, p.x[size_t(k)], 1);
        const char* nm = p.input_names[size_t(k)].c_str();
        dl->AddText(ImVec2(c.x - r - 8 - ImGui::CalcTextSize(nm).x, c.y - fh / 2), IM_COL32(210, 210, 210, 255), nm);
    }
    for (int j = 0; j < p.M; ++j) node(ImVec2(xu, ys(j, p.M)), p.y[size_t(j)], 1);
    for (int q = 0; q < p.O; ++q) {
        const ImVec2 c(xo, ys(q, p.O));
        node(c, p.out[size_t(q)], 1);
        dl->AddText(ImVec2(c.x + r + 6, c.y - fh), IM_COL32(210, 210, 210, 255), p.output_names[size_t(q)].c_str());
        if (p.softmax) std::snprintf(buf, sizeof buf, "p %.2f (want %.0f)", double(p.out[size_t(q)]), double(p.target[size_t(q)]));
        else std::snprintf(buf, sizeof buf, "%+.2f (want %+.0f)", double(p.out[size_t(q)]), double(p.target[size_t(q)]));
        dl->AddText(ImVec2(c.x + r + 6, c.y), IM_COL32(170, 170, 170, 255), buf);
    }
    if (hk >= 0) {
        ImGui::SetTooltip("%s -> unit %d\nw = %+.3f   alpha = %+.3f%s\nHebb now = %+.3f\nw + alpha*Hebb = %+.3f", p.input_names[size_t(hk)].c_str(),
                          hj + 1, double(p.at(p.w, hk, hj)), double(p.at(p.alpha, hk, hj)),
                          p.at(p.alpha, hk, hj) < 0 ? " (anti-Hebbian)" : "", double(p.at(p.hebb, hk, hj)), double(p.at(p.effective, hk, hj)));
    }
    // legend strip below the diagram (never over it)
    ImGui::TextDisabled("red > 0, blue < 0; edge width ~ sqrt(size); nodes: step %d/%d%s", p.t, p.T, p.scored ? " (scored)" : "");
}

// Scripted actions: seeds=N, episodes=N, clip=0|1, run, wait (blocks until the sweep is done).
void script(TaskPanelContext& ctx, SweepUi& u, NetUi& n) {
    using V = const std::string&;
    run_panel_script(ctx, "bohp task view", {
        tab_action("network", n.select_tab, 0),
        tab_action("sweep", n.select_tab, 1),
        {"edges", "=alpha|effective|w|hebb", [&](V v) {
            static const char* names[4] = {"alpha", "effective", "w", "hebb"};
            int found = -1;
            for (int i = 0; i < 4; ++i) found = v == names[i] ? i : found;
            if (found < 0) return "bohp task view: edges expects alpha, effective, w or hebb, got '" + v + "'";
            n.edges = found;
            return std::string();
        }},
        {"expect-drawn", "", [&](V) {
            const auto* p = ctx.views.payload_as<bohp::BohpLive>();
            return std::string(!p || p->K <= 0 || p->M <= 0 ? "bohp task view: no network to draw" : "");
        }},
        {"seeds", "=", [&](V v) { u.seeds = std::clamp(std::atoi(v.c_str()), 2, 40); return std::string(); }},
        {"episodes", "=", [&](V v) { u.episodes = std::clamp(std::atoi(v.c_str()), 0, 200000); return std::string(); }},
        {"clip", "=", [&](V v) { u.with_clip = v != "0"; return std::string(); }},
        {"run", "", [&](V) {
            if (!u.running) start(u, ctx.task.name(), ctx.task.preset());
            return std::string();
        }},
        {"wait", "", [&](V) {
            if (u.th.joinable()) u.th.join();
            std::lock_guard<std::mutex> lk(u.m);
            if (!u.error.empty()) return "sweep failed: " + u.error;
            return std::string(u.normal.x.empty() ? "panel wait: no sweep has run" : "");
        }},
    });
}

void draw_sweep(TaskPanelContext& ctx, SweepUi& u) {
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

class BohpPanel final : public TaskPanel {
public:
    void draw(TaskPanelContext& ctx) override {
        script(ctx, u_, n_);
        const int sel = n_.select_tab;
        n_.select_tab = -1;
        if (!ImGui::BeginTabBar("##bohp-tabs")) return;
        if (ImGui::BeginTabItem("network", nullptr, sel == 0 ? ImGuiTabItemFlags_SetSelected : 0)) {
            if (const auto* p = ctx.views.payload_as<bohp::BohpLive>()) draw_network(*p, n_);
            else ImGui::TextDisabled("no network yet: start an episode");
            ImGui::EndTabItem();
        }
        if (ImGui::BeginTabItem("multi-seed sweep", nullptr, sel == 1 ? ImGuiTabItemFlags_SetSelected : 0)) {
            draw_sweep(ctx, u_);
            ImGui::EndTabItem();
        }
        ImGui::EndTabBar();
    }

private:
    SweepUi u_;
    NetUi n_;
};

}  // namespace

PS_REGISTER_TASK_PANEL("bohp-*", BohpPanel);

}  // namespace ps::gui
