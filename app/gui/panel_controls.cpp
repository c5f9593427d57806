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
        if (ImGui::BeginMenu("Lessons")) {
            for (const auto& [title, path] : lab.files.shipped_lessons())
                if (ImGui::MenuItem(title.c_str())) {
                    const std::string err = lab.lessons.open(path);
                    if (!err.empty()) lab.show_error("Cannot open the lesson", err);
                }
            ImGui::Separator();
            if (ImGui::MenuItem("Open lesson file...", nullptr, false, files)) lab.files.dialog_open_lesson();
            if (lab.lessons.active() && ImGui::MenuItem("Leave the lesson")) lab.lessons.close();
            ImGui::EndMenu();
        }
        ImGui::Separator();
        if (ImGui::MenuItem("Save screenshot...", nullptr, false, files)) lab.files.dialog_screenshot();
        if (ImGui::MenuItem("Export episode (GIF, MP4) or a view (PNG)...", nullptr, false, lab.live.has_task()))
            lab.exporter.open = true;
        ImGui::Separator();
        if (ImGui::MenuItem("Quit", "Ctrl+Q", false, !lab.monkey)) lab.quit_ = true;
        ImGui::EndMenu();
    }
    if (ImGui::BeginMenu("View")) {
        ImGui::MenuItem("Matrices", nullptr, &v.show_matrices);
        if (lab.task_panel()) {
            ImGui::MenuItem("Task view", nullptr, &v.show_task_view);
            ImGui::MenuItem("Tracker", nullptr, &v.show_focus_panel);
        } else {
            ImGui::MenuItem("Tracker", nullptr, &v.show_focus);
        }
        ImGui::MenuItem("Activity", nullptr, &v.show_activity);
        ImGui::MenuItem("Curves", nullptr, &v.show_curves);
        ImGui::Separator();
        ImGui::MenuItem("Presentation mode", "F5", &v.presentation);
        if (ImGui::BeginMenu("Text size")) {
            for (float s : {1.0f, 1.25f, 1.5f, 1.75f, 2.0f, 2.5f}) {
                char b[32];
                std::snprintf(b, sizeof b, "%d %%", int(std::lround(s * 100)));
                if (ImGui::MenuItem(b, s == 1.0f ? "Ctrl 0" : nullptr, lab.ui_scale() == s)) lab.set_ui_scale(s);
            }
            ImGui::TextDisabled("Ctrl + / Ctrl - step by 25 %%");
            ImGui::EndMenu();
        }
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

// The episode's timeline: the part recorded so far, the step shown, the task's marks with their
// labels. Drag it (or press the left / right arrow keys while paused) to show any recorded step
// exactly as it was; stepping from an earlier step follows the recorded history.
void draw_scrubber(Lab& lab) {
    LiveSession& live = lab.live;
    const LiveViews& views = live.views();
    const int T = std::max(1, live.length()), t = live.t(), fr = live.frontier();
    const float w = ImGui::GetContentRegionAvail().x, h = ImGui::GetFrameHeight();
    const ImVec2 p = ImGui::GetCursorScreenPos();
    ImGui::InvisibleButton("##scrub", ImVec2(w, h));
    if (ImGui::IsItemActive() && ImGui::IsMouseDown(ImGuiMouseButton_Left)) {
        const float fx = std::clamp((ImGui::GetIO().MousePos.x - p.x) / w, 0.0f, 1.0f);
        const int target = std::clamp(int(std::lround(fx * float(T))), 0, fr);
        if (live.playing()) live.play(false);
        if (target != t) live.seek(target);
    }
    const bool hovered = ImGui::IsItemHovered();
    ImDrawList* dl = ImGui::GetWindowDrawList();
    auto xat = [&](int s) { return p.x + w * float(s) / float(T); };
    dl->AddRectFilled(p, ImVec2(p.x + w, p.y + h), ImGui::GetColorU32(ImGuiCol_FrameBg));
    dl->AddRectFilled(p, ImVec2(xat(fr), p.y + h), IM_COL32(60, 75, 100, 255));    // recorded
    dl->AddRectFilled(p, ImVec2(xat(t), p.y + h), IM_COL32(70, 110, 170, 255));    // up to the step shown
    for (const auto& [step, label] : views.marks) {
        const float x = xat(step);
        dl->AddLine(ImVec2(x, p.y), ImVec2(x, p.y + h), IM_COL32(255, 220, 90, 200), 2.0f);
        if (ImGui::IsMouseHoveringRect(ImVec2(x - 4, p.y), ImVec2(x + 4, p.y + h)))
            ImGui::SetTooltip("t = %d: %s", step, label.c_str());
    }
    dl->AddLine(ImVec2(xat(t), p.y - 1), ImVec2(xat(t), p.y + h + 1), IM_COL32(255, 255, 255, 255), 2.0f);
    char ov[128];
    if (t < fr) std::snprintf(ov, sizeof ov, "t = %d / %d   (recorded to %d)", t, views.T, fr);
    else std::snprintf(ov, sizeof ov, "t = %d / %d%s", t, views.T, live.episode_done() ? "  (done)" : "");
    const ImVec2 ts = ImGui::CalcTextSize(ov);
    dl->AddText(ImVec2(p.x + (w - ts.x) / 2, p.y + (h - ts.y) / 2), IM_COL32(255, 255, 255, 255), ov);
    if (hovered && !ImGui::IsItemActive())
        ImGui::SetTooltip("Drag to show any step of this episode as it was (left / right arrows while paused).\n"
                          "Play or step from an earlier step to follow the recorded history; change a setting\n"
                          "there to branch: the old continuation stays as the ghost.");
    // The marks' labels under the bar, where they fit.
    float last_end = -1e9f;
    const float y = p.y + h + 1;
    bool any = false;
    for (const auto& [step, label] : views.marks) {
        const ImVec2 ls = ImGui::CalcTextSize(label.c_str());
        const float x = std::clamp(xat(step) - ls.x / 2, p.x, p.x + w - ls.x);
        if (x < last_end + 6) continue;
        dl->AddText(ImVec2(x, y), IM_COL32(255, 220, 90, 230), label.c_str());
        last_end = x + ls.x;
        any = true;
    }
    ImGui::Dummy(ImVec2(w, any ? ImGui::GetTextLineHeight() : 0.0f));
}

namespace {

// The twin: the same episode through a changed copy of the network, in lockstep.
void draw_compare(Lab& lab) {
    const TwinSpec& cur = lab.live.twin_spec();
    Task& task = lab.live.task();
    std::string rule, other_rule;
    for (const auto& f : task.fields())
        if (f.key == "rule" && f.type == Field::Type::Choice && f.choices.size() == 2) {
            rule = field_get(f);
            other_rule = f.choices[0] == rule ? f.choices[1] : f.choices[0];
        }
    ViewState& vs = lab.view;
    if (vs.twin_probe_for != &task) {   // which kinds of twin make sense for this network (once per task)
        ArrayMap probe;
        task.save(probe, false);
        vs.twin_plastic = probe.count("param/A") || probe.count("param/alpha");
        vs.twin_has_eta = probe.count("param/eta") > 0;
        vs.twin_probe_for = &task;
    }
    const bool plastic = vs.twin_plastic, has_eta = vs.twin_has_eta;
    const std::string baseline = lab.baseline_checkpoint();
    struct Item { std::string label, spec; };
    std::vector<Item> items = {{"no twin", "off"}};
    if (plastic) items.push_back({"plasticity off (A = 0)", "no-plasticity"});
    if (plastic && has_eta) items.push_back({"plasticity rate eta = 0.1", "eta=0.1"});
    if (plastic) items.push_back({"plasticity coefficients A x 2", "alpha-scale=2"});
    if (!other_rule.empty()) items.push_back({"rule = " + other_rule, "rule=" + other_rule});
    if (!baseline.empty()) items.push_back({"trained non-plastic network", "baseline"});
    const std::string shown = cur.kind == TwinSpec::Kind::None ? "no twin" : cur.label();
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("Twin");
    ImGui::SameLine();
    ImGui::SetNextItemWidth(-ImGui::GetFrameHeight() - 8);
    if (ImGui::BeginCombo("##twin", shown.c_str())) {
        for (const auto& it : items)
            if (ImGui::Selectable(it.label.c_str(), false)) {
                const std::string err = lab.set_twin(it.spec);
                if (!err.empty()) lab.show_error("Cannot make the twin", err);
            }
        ImGui::EndCombo();
    }
    ImGui::SameLine();
    help_marker("A second network fed exactly the same episode, step for step: the same trained network with "
                "plasticity switched off, another plasticity rate, scaled coefficients or the other rule, or a "
                "trained non-plastic network. Its views, output and scores show beside the main network's "
                "(Matrices: show twin / main - twin).");
}

}  // namespace

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
    draw_scrubber(lab);
    // The phase of the episode (storing pattern 2, delay, probe...), where the eye already is.
    if (!views.status.empty()) {
        ImGui::PushTextWrapPos(0);
        ImGui::TextColored(kStaged, "%s", views.status.c_str());
        ImGui::PopTextWrapPos();
    }
    ImGui::Text("episode %s", fmt_count(int64_t(views.episode ? views.episode : int64_t(live.episode_index()))).c_str());
    ImGui::SameLine();
    ImGui::TextColored(kDim, "  %s live steps", fmt_count(live.live_steps()).c_str());
    if (live.step_limited()) {
        ImGui::SameLine();
        ImGui::TextColored(kStaged, " (CPU-limited)");
    }
    ImGui::Checkbox("Loop episodes", &live.loop);
    if (!lab.training.has()) {   // a recording: no trainer, no twin
        ImGui::End();
        return;
    }
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
    draw_compare(lab);
    if (lab.live.ghost()) {
        ImGui::TextColored(kStaged, "ghost: the continuation before your change");
        ImGui::SameLine();
        if (ImGui::SmallButton("dismiss")) lab.live.dismiss_ghost();
    }
    ImGui::End();
}

// ---------------------------------------------------------------- training

void draw_training_contents(Lab& lab) {
    TrainerLink& tr = lab.training;
    if (!tr.has() || !lab.live.has_task()) {
        if (lab.live.has_task()) {
            ImGui::PushTextWrapPos(0);
            ImGui::TextColored(kDim, "This is a recording: it shows what one network did, step by step, and cannot be "
                                     "trained.");
            ImGui::PopTextWrapPos();
        }
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
    // The meta-training timeline: the parameters at earlier points of training.
    const auto& tl = tr.timeline();
    if (tl.size() > 1) {
        int k = lab.timeline_shown < 0 || lab.timeline_shown >= int(tl.size()) ? int(tl.size()) - 1 : lab.timeline_shown;
        char label[96];
        std::snprintf(label, sizeof label, "%s episodes", fmt_count(tl[size_t(k)].iter * tr.eps_per_step()).c_str());
        ImGui::AlignTextToFramePadding();
        ImGui::TextUnformatted("Learned by");
        ImGui::SameLine();
        const bool back = lab.timeline_shown >= 0;
        ImGui::SetNextItemWidth(-(back ? ImGui::CalcTextSize("newest").x + 24 : 0.0f) - ImGui::GetFrameHeight() - 8);
        if (ImGui::SliderInt("##timeline", &k, 0, int(tl.size()) - 1, label, ImGuiSliderFlags_AlwaysClamp)) {
            const std::string err = lab.show_timeline(k);
            if (!err.empty()) lab.show_error("Timeline", err);
        }
        if (back) {
            ImGui::SameLine();
            if (ImGui::SmallButton("newest")) lab.show_timeline(-1);
        }
        ImGui::SameLine();
        help_marker("The meta-training timeline: the network's parameters (W, A, eta) as they were after that many "
                    "training episodes. Pick a point to run the live episode again with them and watch how the "
                    "network learned to learn; 'newest' goes back to the latest parameters.");
    }
}

void draw_training_panel(Lab& lab) {
    if (ImGui::Begin("Training")) draw_training_contents(lab);
    ImGui::End();
}

}  // namespace ps::gui
