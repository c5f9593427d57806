// The lab's control windows: the menu bar, the task chooser, the transport and training.
#include <imgui.h>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include "gui/lab.hpp"
#include "gui/panels.hpp"

namespace ps::gui {

using namespace style;

// ---------------------------------------------------------------- menu

void draw_menu(Lab& lab) {
    if (!ImGui::BeginMainMenuBar()) return;
    ViewState& v = lab.view;
    if (ImGui::BeginMenu("File")) {
        const bool files = !lab.monkey;   // random clicking must not write files
        if (ImGui::MenuItem("Open checkpoint...", nullptr, false, files)) lab.files.dialog_open_checkpoint();
        if (ImGui::MenuItem("Save checkpoint...", nullptr, false, files && lab.training.has()))
            lab.files.dialog_save_checkpoint();
        ImGui::Separator();
        if (ImGui::MenuItem("Open config...", nullptr, false, files)) lab.files.dialog_open_config();
        if (ImGui::MenuItem("Save config...", nullptr, false, files)) lab.files.dialog_save_config();
        if (ImGui::MenuItem("Copy config to clipboard")) {
            ImGui::SetClipboardText(lab.files.config_json().c_str());
            lab.note("config copied to the clipboard (JSON, the same keys as the command line's key=value)");
        }
        ImGui::Separator();
        if (ImGui::MenuItem("Save screenshot...", nullptr, false, files)) lab.files.dialog_screenshot();
        ImGui::Separator();
        if (ImGui::MenuItem("Quit", "Ctrl+Q", false, !lab.monkey)) lab.quit_ = true;
        ImGui::EndMenu();
    }
    if (ImGui::BeginMenu("View")) {
        ImGui::MenuItem("Matrices", nullptr, &v.show_matrices);
        if (lab.task_panel()) {
            ImGui::MenuItem("Task view", nullptr, &v.show_task_view);
            ImGui::MenuItem("Neuron focus", nullptr, &v.show_focus_panel);
        } else {
            ImGui::MenuItem("Neuron focus", nullptr, &v.show_focus);
        }
        ImGui::MenuItem("Activity", nullptr, &v.show_activity);
        ImGui::MenuItem("Curves", nullptr, &v.show_curves);
        ImGui::MenuItem("Hyperparameters", nullptr, &v.show_params);
        ImGui::Separator();
        ImGui::MenuItem("Same zoom on every matrix", nullptr, &v.sync_zoom);
        if (ImGui::MenuItem("Reset layout")) lab.reset_layout = true;
        ImGui::EndMenu();
    }
    if (ImGui::BeginMenu("Help")) {
        if (ImGui::MenuItem("Keys, mouse and colours", "F1")) lab.show_help = true;
        ImGui::EndMenu();
    }
    // Right side of the bar: what is open.
    if (lab.live.has_task()) {
        char b[256];
        std::snprintf(b, sizeof b, "%s  |  %s", lab.task_name().c_str(), lab.live.task().preset().c_str());
        const float w = ImGui::CalcTextSize(b).x;
        ImGui::SameLine(std::max(ImGui::GetCursorPosX() + 20, ImGui::GetWindowWidth() - w - 16));
        ImGui::TextColored(kDim, "%s", b);
    }
    ImGui::EndMainMenuBar();
}

// ---------------------------------------------------------------- task

void draw_task_panel(Lab& lab) {
    if (!ImGui::Begin("Task")) {
        ImGui::End();
        return;
    }
    if (!lab.live.has_task()) {
        ImGui::TextColored(kErr, "no task");
        ImGui::End();
        return;
    }
    Task& task = lab.live.task();
    const float lw = ImGui::CalcTextSize("Preset").x + 16;
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("Task");
    ImGui::SameLine(lw);
    ImGui::SetNextItemWidth(-1);
    if (ImGui::BeginCombo("##task", lab.task_name().c_str())) {
        for (const auto& e : task_registry()) {
            if (ImGui::Selectable(e.name.c_str(), e.name == lab.task_name()) && e.name != lab.task_name()) {
                const std::string title = "Cannot open task " + e.name;
                const std::string err = lab.open_task(e.name, "", nullptr, "", true, title);
                if (!err.empty()) lab.show_error(title, err);
            }
            if (ImGui::IsItemHovered() && !e.summary.empty()) ImGui::SetTooltip("%s", e.summary.c_str());
        }
        ImGui::EndCombo();
    }
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("Preset");
    ImGui::SameLine(lw);
    ImGui::SetNextItemWidth(-1);
    const std::string cur = task.preset();
    const auto presets = task.presets();
    if (ImGui::BeginCombo("##preset", cur.c_str())) {
        for (const auto& p : presets) {
            if (ImGui::Selectable(p.name.c_str(), p.name == cur) && p.name != cur) {
                const std::string title = "Cannot open preset " + p.name;
                const std::string err = lab.open_task(lab.task_name(), p.name, nullptr, "", true, title);
                if (!err.empty()) lab.show_error(title, err);
            }
            if (ImGui::IsItemHovered() && !p.help.empty()) ImGui::SetTooltip("%s", p.help.c_str());
        }
        ImGui::EndCombo();
    }
    for (const auto& p : presets)
        if (p.name == cur && !p.help.empty()) ImGui::TextColored(kDim, "%s", p.help.c_str());
    ImGui::Separator();
    ImGui::BeginChild("##desc", ImVec2(0, -ImGui::GetTextLineHeightWithSpacing() * 2 - 4));
    ImGui::PushTextWrapPos(0);
    ImGui::TextUnformatted(task.description().c_str());
    ImGui::PopTextWrapPos();
    ImGui::EndChild();
    ImGui::TextColored(kDim, "metric: %s (%s is better)", task.metric_name().c_str(),
                       task.metric_lower_is_better() ? "lower" : "higher");
    ImGui::TextColored(kDim, "%s parameters, from %s", fmt_count(task.num_params()).c_str(),
                       lab.training.params_source().c_str());
    ImGui::End();
}

// ---------------------------------------------------------------- transport

void draw_transport_panel(Lab& lab) {
    if (!ImGui::Begin("Transport")) {
        ImGui::End();
        return;
    }
    if (!lab.live.has_task()) {
        ImGui::End();
        return;
    }
    LiveSession& live = lab.live;
    const LiveViews& views = live.views();
    const float bw = (ImGui::GetContentRegionAvail().x - 3 * ImGui::GetStyle().ItemSpacing.x) / 4;
    if (live.playing()) {
        ImGui::PushStyleColor(ImGuiCol_Button, ImVec4(0.55f, 0.35f, 0.12f, 1));
        if (ImGui::Button("Pause", ImVec2(bw, 0))) live.play(false);
        ImGui::PopStyleColor();
    } else {
        ImGui::PushStyleColor(ImGuiCol_Button, ImVec4(0.16f, 0.45f, 0.25f, 1));
        if (ImGui::Button("Play", ImVec2(bw, 0))) live.play(true);
        ImGui::PopStyleColor();
    }
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Space");
    ImGui::SameLine();
    if (ImGui::Button("Step", ImVec2(bw, 0))) live.step_once();
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Right arrow: one timestep");
    ImGui::SameLine();
    if (ImGui::Button("Restart", ImVec2(bw, 0))) live.restart();
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("R: the same episode again from t = 0");
    ImGui::SameLine();
    if (ImGui::Button("New", ImVec2(bw, 0))) live.new_episode();
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("N: a new episode (new random data)");

    ImGui::SetNextItemWidth(-ImGui::CalcTextSize("Speed").x - 8);
    ImGui::SliderInt("Speed", &live.speed, 0, num_speeds() - 1, speed_at(live.speed).label,
                     ImGuiSliderFlags_AlwaysClamp);
    const float frac = views.T > 0 ? float(views.t) / float(views.T) : 0.0f;
    char ov[96];
    std::snprintf(ov, sizeof ov, "t = %d / %d%s", views.t, views.T, live.episode_done() ? "  (done)" : "");
    const ImVec2 bar0 = ImGui::GetCursorScreenPos();
    ImGui::ProgressBar(frac, ImVec2(-1, 0), ov);
    // Timeline marks of the task (e.g. "probe").
    if (views.T > 0) {
        ImDrawList* dl = ImGui::GetWindowDrawList();
        const float w = ImGui::GetItemRectSize().x, h = ImGui::GetItemRectSize().y;
        for (const auto& [step, label] : views.marks) {
            const float x = bar0.x + w * float(step) / float(views.T);
            dl->AddLine(ImVec2(x, bar0.y), ImVec2(x, bar0.y + h), IM_COL32(255, 220, 90, 200), 2.0f);
            if (ImGui::IsMouseHoveringRect(ImVec2(x - 4, bar0.y), ImVec2(x + 4, bar0.y + h)))
                ImGui::SetTooltip("t = %d: %s", step, label.c_str());
        }
    }
    ImGui::Text("episode %s", fmt_count(int64_t(views.episode ? views.episode : int64_t(live.episode_index()))).c_str());
    ImGui::SameLine();
    ImGui::TextColored(kDim, "  %s live steps", fmt_count(live.live_steps()).c_str());
    if (live.step_limited()) {
        ImGui::SameLine();
        ImGui::TextColored(kStaged, " (CPU-limited)");
    }
    ImGui::Checkbox("Loop episodes", &live.loop);
    ImGui::SameLine();
    ImGui::Checkbox("Follow training", &lab.follow_training);
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip("At each new episode, load the newest parameters from the training thread.");
    const bool newer = lab.training.newer_available();
    const bool can = newer || lab.training.running();
    if (!can) ImGui::BeginDisabled();
    if (ImGui::Button("Use latest parameters now")) lab.use_latest_now();
    if (!can) ImGui::EndDisabled();
    ImGui::SameLine();
    ImGui::TextColored(kDim, "showing iteration %s", fmt_count(lab.training.params_iter()).c_str());
    if (!views.status.empty()) ImGui::TextColored(kDim, "%s", views.status.c_str());
    ImGui::End();
}

// ---------------------------------------------------------------- training

void draw_training_panel(Lab& lab) {
    if (!ImGui::Begin("Training")) {
        ImGui::End();
        return;
    }
    TrainerLink& tr = lab.training;
    if (!tr.has() || !lab.live.has_task()) {
        ImGui::End();
        return;
    }
    Task& task = lab.live.task();
    const bool running = tr.running();
    const float bw = (ImGui::GetContentRegionAvail().x - ImGui::GetStyle().ItemSpacing.x) / 2;
    if (running) {
        if (ImGui::Button("Pause training", ImVec2(bw, 0))) tr.pause();
    } else {
        if (tr.diverged()) ImGui::BeginDisabled();
        ImGui::PushStyleColor(ImGuiCol_Button, ImVec4(0.16f, 0.45f, 0.25f, 1));
        if (ImGui::Button("Start training", ImVec2(bw, 0))) tr.start();
        ImGui::PopStyleColor();
        if (tr.diverged()) ImGui::EndDisabled();
    }
    ImGui::SameLine();
    if (ImGui::Button("Train from scratch", ImVec2(bw, 0))) lab.train_from_scratch();
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip("Re-initialise the parameters from the seed (with the staged settings) and train.");

    // Rate over the last few seconds of history.
    const auto& hist = tr.history();
    double rate = 0;
    if (running && hist.size() > 1) {
        const TrainPoint& b = hist.back();
        size_t i = hist.size() - 1;
        while (i > 0 && b.seconds - hist[i - 1].seconds < 3.0) --i;
        if (i < hist.size() - 1 && b.seconds > hist[i].seconds)
            rate = double(b.iter - hist[i].iter) / (b.seconds - hist[i].seconds);
    }
    const int64_t it = tr.iterations();
    if (running) ImGui::TextColored(kLive, "training");
    else ImGui::TextColored(kDim, tr.diverged() ? "diverged" : (it > 0 ? "paused" : "not started"));
    ImGui::SameLine();
    ImGui::Text("iteration %s  (%s episodes)", fmt_count(it).c_str(), fmt_count(tr.episodes()).c_str());
    if (running && rate > 0) {
        ImGui::SameLine();
        ImGui::TextColored(kDim, " %.3g it/s", rate);
    }
    const CurveData& c = lab.curves.main();
    if (!c.s_loss.empty()) {
        ImGui::Text("loss %.4g   %s %.4g", c.s_loss.back(), task.metric_name().c_str(), c.s_metric.back());
        if (ImGui::IsItemHovered())
            ImGui::SetTooltip("smoothed as in the curves (smoothing %.2f)", double(lab.curves.smoothing));
    }
    if (!tr.message().empty()) {
        ImGui::PushTextWrapPos(0);
        ImGui::TextColored(kErr, "%s", tr.message().c_str());
        ImGui::PopTextWrapPos();
        if (ImGui::Button("Restart from last good parameters")) lab.restart_from_last_good();
        if (ImGui::IsItemHovered())
            ImGui::SetTooltip("Continue from the last finite parameters with a fresh optimiser and the current\n"
                              "settings (lower the learning rate in Hyperparameters first).");
    }
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 7);
    int seed = int(lab.seed);
    if (ImGui::InputInt("seed", &seed)) lab.seed = uint64_t(std::max(0, seed));
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Initialisation seed for \"Train from scratch\" and rebuilds.");
    // Baseline: another preset of the same task trained alongside, drawn on the same axes.
    const auto presets = task.presets();
    if (presets.size() > 1) {
        ImGui::SameLine();
        ImGui::SetNextItemWidth(-ImGui::CalcTextSize("compare").x - 8);
        const std::string& bp = tr.baseline_preset();
        if (ImGui::BeginCombo("compare", bp.empty() ? "no baseline" : bp.c_str())) {
            if (ImGui::Selectable("no baseline", bp.empty())) lab.set_baseline("");
            for (const auto& p : presets)
                if (p.name != task.preset()) {
                    if (ImGui::Selectable(p.name.c_str(), p.name == bp)) lab.set_baseline(p.name);
                    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", p.help.c_str());
                }
            ImGui::EndCombo();
        }
        if (ImGui::IsItemHovered())
            ImGui::SetTooltip("Train another preset (e.g. the non-plastic one) from scratch alongside, on the\n"
                              "same curves and the same number of episodes. Uses a second core.");
    }
    ImGui::End();
}

}  // namespace ps::gui
