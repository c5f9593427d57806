// "Task view" of the FLP tasks. flp-sine: the function being learned now drawn large with the
// network's current fit (x in [-5, 5], axes and ticks), all ten functions as small multiples
// (click one to pin it large), the query MSE of every function over the episode's inner steps
// (a function's curve rising after it was learned is interference, i.e. forgetting) and the
// cosine between each weight update and the true gradient step. flp-classify adds its own
// "images" tab (panel_flp_classify.cpp) and shares the loss and alignment tabs from here.
// Reads only the typed payloads of flp/flp_live.hpp.
#include "gui/panel_flp.hpp"
#include <imgui.h>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>
#include "gui/plot.hpp"
#include "gui/task_panel.hpp"

namespace ps::gui {

ImU32 flp_group_color(int g, int alpha) {
    // A categorical palette (ten distinct hues), the same for a group in every plot of the view.
    static const unsigned char c[10][3] = {{31, 119, 180}, {255, 127, 14}, {44, 160, 44},  {214, 39, 40},   {148, 103, 189},
                                           {140, 86, 75},  {227, 119, 194}, {160, 160, 160}, {188, 189, 34}, {23, 190, 207}};
    const auto& k = c[size_t(((g % 10) + 10) % 10)];
    // Lighter on the dark background: the darkest hues (blue, brown) are hard to read as thin lines.
    auto lift = [](unsigned char v) { return int(v + (255 - v) * 0.25f); };
    return IM_COL32(lift(k[0]), lift(k[1]), lift(k[2]), alpha);
}

std::string flp_group_label(const flp::FlpLive& p, int g) {
    return p.group_word + " " + std::to_string(g + 1);
}

void draw_flp_losses(const flp::FlpLive& p, FlpPlotData& d) {
    const int G = p.groups();
    if (G == 0 || p.group_loss[0].empty()) {
        ImGui::TextDisabled("no episode yet");
        return;
    }
    ImGui::TextWrapped("%s of each %s after every inner step. A %s's curve drops while it is being learned; "
                       "if it rises again while later %ss are learned, that is interference (forgetting).",
                       p.loss_name.c_str(), p.group_word.c_str(), p.group_word.c_str(), p.group_word.c_str());
    // The groups met so far (all of them in the iid control, where every step mixes them).
    int upto = G - 1;
    if (!p.iid) upto = std::max(0, p.shown);
    d.x.clear();
    for (size_t s = 0; s < p.group_loss[0].size(); ++s) d.x.push_back(double(s));
    d.labels.clear();
    for (int g = 0; g <= upto; ++g) d.labels.push_back(flp_group_label(p, g) + (g == p.shown && !p.iid ? " (now)" : ""));
    std::vector<PlotSeries> s;
    for (int g = 0; g <= upto; ++g)
        s.push_back({d.labels[size_t(g)], &d.x, &p.group_loss[size_t(g)], flp_group_color(g, 255), g == p.shown ? 3.0f : 2.0f});
    PlotOptions o;
    o.size = ImVec2(0, std::max(120.0f, ImGui::GetContentRegionAvail().y - 4));
    o.x_label = "inner step";
    o.log_y = true;
    o.have_x_range = true;
    o.x_min = 0;
    o.x_max = std::max(1, p.T);
    o.cursor_x = p.t;
    if (!p.iid)
        for (int g = 0; g < G; ++g) {
            const int s0 = p.first_step(g);
            if (s0 >= 0) o.marks.emplace_back(double(s0), std::to_string(g + 1));
        }
    plot_lines("##flp-losses", s, o);
}

void draw_flp_alignment(const flp::FlpLive& p, FlpPlotData& d) {
    ImGui::TextWrapped("Cosine between each inner step's weight update and the gradient-descent step on that "
                       "step's minibatch: 1 = the same direction as gradient descent, 0 = unrelated, "
                       "< 0 = uphill. Plain SGD is 1 by construction; FLP's local rule is judged by it.");
    if (p.align_cos.empty()) {
        ImGui::TextDisabled("no step yet: play or step the episode");
        return;
    }
    d.ax.clear();
    for (size_t s = 0; s < p.align_cos.size(); ++s) d.ax.push_back(double(s + 1));
    double mean = 0;
    for (double c : p.align_cos) mean += c;
    mean /= double(p.align_cos.size());
    ImGui::Text("last step: %+.3f   mean over the %zu steps so far: %+.3f", p.align_cos.back(), p.align_cos.size(), mean);
    std::vector<PlotSeries> s = {{"update / gradient cosine", &d.ax, &p.align_cos, IM_COL32(120, 210, 255, 255), 2.0f}};
    PlotOptions o;
    o.size = ImVec2(0, std::max(120.0f, ImGui::GetContentRegionAvail().y - 4));
    o.x_label = "inner step";
    o.y_format = "%.3f";
    o.have_x_range = true;
    o.x_min = 0;
    o.x_max = std::max(1, p.T);
    o.have_y_range = true;
    o.y_min = -1;
    o.y_max = 1;
    o.cursor_x = p.t;
    if (!p.iid)
        for (int g = 0; g < p.groups(); ++g) {
            const int s0 = p.first_step(g);
            if (s0 >= 0) o.marks.emplace_back(double(s0), std::to_string(g + 1));
        }
    plot_lines("##flp-align", s, o);
}

void draw_flp_tabs(const char* id, const char* first_tab, const char* losses_tab, int& select, const flp::FlpLive& p,
                   FlpPlotData& d, const std::function<void()>& first) {
    const int sel = select;
    select = -1;
    if (!ImGui::BeginTabBar(id)) return;
    auto flags = [&](int k) { return sel == k ? ImGuiTabItemFlags_SetSelected : 0; };
    if (ImGui::BeginTabItem(first_tab, nullptr, flags(0))) {
        first();
        ImGui::EndTabItem();
    }
    if (ImGui::BeginTabItem(losses_tab, nullptr, flags(1))) {
        draw_flp_losses(p, d);
        ImGui::EndTabItem();
    }
    if (ImGui::BeginTabItem("update vs gradient", nullptr, flags(2))) {
        draw_flp_alignment(p, d);
        ImGui::EndTabItem();
    }
    ImGui::EndTabBar();
}

std::vector<PanelAction> flp_tab_actions(const std::string& first, int& select) {
    return {tab_action(first, select, 0), tab_action("losses", select, 1), tab_action("alignment", select, 2)};
}

namespace {

// ---------------------------------------------------------------- flp-sine

struct SineState {
    int pinned = -1;        // the function drawn large; -1 = follow the one being learned
    int select_tab = -1;
    FlpPlotData plots;
};

// One small multiple: the true function (grey) and the fit (the function's colour), y on the
// same [-y_lim, y_lim] scale as the large plot; returns true when clicked.
bool small_multiple(const flp::FlpSineLive& p, int k, ImVec2 size, bool now, bool large, double y_lim) {
    ImDrawList* dl = ImGui::GetWindowDrawList();
    const ImVec2 a = ImGui::GetCursorScreenPos(), b(a.x + size.x, a.y + size.y);
    ImGui::PushID(k);
    const bool clicked = ImGui::InvisibleButton("##fn", size);
    const bool hovered = ImGui::IsItemHovered();
    ImGui::PopID();
    dl->AddRectFilled(a, b, IM_COL32(24, 26, 32, 255));
    const float fh = ImGui::GetFontSize();
    const ImVec2 q0(a.x + 3, a.y + fh + 3), q1(b.x - 3, b.y - 3);
    auto X = [&](double x) { return float(q0.x + (x + p.x_lim) / (2 * p.x_lim) * (q1.x - q0.x)); };
    auto Y = [&](double y) { return float(q0.y + (1 - (std::clamp(y, -y_lim, y_lim) + y_lim) / (2 * y_lim)) * (q1.y - q0.y)); };
    dl->AddLine(ImVec2(q0.x, Y(0)), ImVec2(q1.x, Y(0)), IM_COL32(70, 74, 84, 255));
    std::vector<ImVec2> pts;
    for (int pass = 0; pass < 2; ++pass) {
        const auto& c = pass == 0 ? p.target[size_t(k)] : p.fit[size_t(k)];
        pts.clear();
        for (size_t i = 0; i < c.size(); ++i) pts.emplace_back(X(p.x[i]), Y(c[i]));
        dl->AddPolyline(pts.data(), int(pts.size()), pass == 0 ? IM_COL32(200, 200, 200, 200) : flp_group_color(k, 255), 0,
                        pass == 0 ? 1.0f : 2.0f);
    }
    const double mse = p.group_loss[size_t(k)].empty() ? 0 : p.group_loss[size_t(k)].back();
    char t[48];
    std::snprintf(t, sizeof t, "%d  MSE %.2f", k + 1, mse);
    dl->AddText(ImVec2(a.x + 3, a.y + 1), flp_group_color(k, 255), t);
    const ImU32 frame = now ? IM_COL32(255, 220, 60, 255) : large ? IM_COL32(240, 240, 240, 255)
                                                                  : hovered ? IM_COL32(150, 150, 150, 255) : IM_COL32(60, 64, 74, 255);
    dl->AddRect(a, b, frame, 0, 0, now || large ? 2.5f : 1.0f);
    if (hovered)
        ImGui::SetTooltip("function %d: y = %.2f sin(x + %.2f)\nquery MSE now %.3f\nclick: draw it large", k + 1,
                          p.amp[size_t(k)], p.phase[size_t(k)], mse);
    return clicked;
}

void draw_sine_fits(const flp::FlpSineLive& p, SineState& st, FlpPlotData& d) {
    const int nf = int(p.target.size());
    if (nf == 0) {
        ImGui::TextDisabled("no episode yet");
        return;
    }
    const int big = st.pinned >= 0 && st.pinned < nf ? st.pinned : std::max(0, p.shown);
    // ---- what is shown, in words
    if (p.iid)
        ImGui::TextWrapped("Step %d / %d: the iid control, every minibatch mixes all %d functions.", p.t, p.T, nf);
    else if (p.shown < 0)
        ImGui::TextWrapped("Step 0 / %d: nothing learned yet; the %d functions come one after another, %d steps each.", p.T, nf,
                           p.T / std::max(1, nf));
    else
        ImGui::TextWrapped("Step %d / %d: learning function %d of %d now.", p.t, p.T, p.shown + 1, nf);
    const double mse = p.group_loss[size_t(big)].back();
    ImGui::TextColored(ImGui::ColorConvertU32ToFloat4(flp_group_color(big, 255)), "function %d: y = %.2f sin(x + %.2f)   query MSE %.3f%s",
                       big + 1, p.amp[size_t(big)], p.phase[size_t(big)], mse,
                       st.pinned >= 0 ? "   (pinned)" : big == p.shown ? "   (being learned)" : "");
    if (st.pinned >= 0) {
        ImGui::SameLine();
        if (ImGui::SmallButton("follow")) st.pinned = -1;
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("draw the function being learned large again");
    }
    // ---- the large plot
    const ImVec2 avail = ImGui::GetContentRegionAvail();
    const float grid_h = std::clamp(avail.y * 0.34f, 2 * (ImGui::GetFontSize() + 34), 2 * 150.0f);
    const double y_lim = 5.5;   // amplitudes reach 5.1
    d.fx = p.x;
    std::vector<PlotSeries> s = {{"true function", &d.fx, &p.target[size_t(big)], IM_COL32(220, 220, 220, 255), 2.0f},
                                 {"network's fit now", &d.fx, &p.fit[size_t(big)], flp_group_color(big, 255), 3.0f}};
    PlotOptions o;
    o.size = ImVec2(0, std::max(120.0f, avail.y - grid_h - ImGui::GetTextLineHeightWithSpacing() - 8));
    o.x_label = "x";
    o.y_format = "%.2f";
    o.have_x_range = true;
    o.x_min = -p.x_lim;
    o.x_max = p.x_lim;
    o.have_y_range = true;
    o.y_min = -y_lim;
    o.y_max = y_lim;
    plot_lines("##flp-fit", s, o);
    // ---- all functions, small
    ImGui::TextDisabled("all %d functions: grey = true, colour = fit, yellow = now; click one to draw it large", nf);
    const int cols = 5, rows = (nf + cols - 1) / cols;
    const float gap = 4, w = (ImGui::GetContentRegionAvail().x - gap * (cols - 1)) / cols;
    const float h = std::max(ImGui::GetFontSize() + 24, (ImGui::GetContentRegionAvail().y - gap * (rows - 1)) / rows - 2);
    for (int k = 0; k < nf; ++k) {
        if (k % cols) ImGui::SameLine(0, gap);
        if (small_multiple(p, k, ImVec2(w, h), k == p.shown, k == big, y_lim)) st.pinned = k == st.pinned ? -1 : k;
    }
}

// Scripted actions (`--at FRAME panel=ARG`): fits | losses | alignment (show that tab),
// pin=K (draw function K large; 0 = follow), expect-drawn (fails unless the payload is there).
void sine_script(TaskPanelContext& ctx, SineState& st) {
    using V = const std::string&;
    std::vector<PanelAction> actions = flp_tab_actions("fits", st.select_tab);
    actions.push_back({"pin", "=K", [&](V v) {
        char* end = nullptr;
        const long n = std::strtol(v.c_str(), &end, 10);
        if (v.empty() || *end || n < 0 || n > 10) return "flp-sine task view: pin expects 0..10, got '" + v + "'";
        st.pinned = int(n) - 1;
        return std::string();
    }});
    actions.push_back({"expect-drawn", "", [&](V) {
        return std::string(ctx.views.payload_as<flp::FlpSineLive>() ? "" : "flp-sine task view: no curves to draw");
    }});
    run_panel_script(ctx, "flp-sine task view", actions);
}

class FlpSinePanel final : public TaskPanel {
public:
    void draw(TaskPanelContext& ctx) override {
        sine_script(ctx, st_);
        const auto* p = ctx.views.payload_as<flp::FlpSineLive>();
        if (!p) {
            ImGui::TextDisabled("no curves yet: start an episode");
            return;
        }
        draw_flp_tabs("##flp-sine-tabs", "fits", "forgetting (query MSE)", st_.select_tab, *p, st_.plots,
                      [&] { draw_sine_fits(*p, st_, st_.plots); });
    }

private:
    SineState st_;
};

}  // namespace

PS_REGISTER_TASK_PANEL("flp-sine", FlpSinePanel);

}  // namespace ps::gui
