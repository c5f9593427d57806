// The lab's control windows: menu bar, task chooser, transport, training, hyperparameters,
// status bar, help overlay and error popup (see lab.hpp).
#include <imgui.h>
#include <imgui_internal.h>   // FindWindowByName: panel rectangles of the last frame
#include <cstring>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include "gui/lab.hpp"
#include "gui/task_panel.hpp"

namespace ps::gui {

const char* speed_label(int i);
int num_speeds();

namespace {
const ImVec4 kLive(0.45f, 0.85f, 0.5f, 1), kEpisode(0.45f, 0.7f, 1.0f, 1), kRebuild(1.0f, 0.65f, 0.3f, 1);
const ImVec4 kErr(1.0f, 0.45f, 0.4f, 1), kDim(0.6f, 0.62f, 0.68f, 1), kStaged(1.0f, 0.85f, 0.35f, 1);

void help_marker(const std::string& text) {
    ImGui::TextDisabled("(?)");
    if (ImGui::IsItemHovered()) {
        ImGui::BeginTooltip();
        ImGui::PushTextWrapPos(ImGui::GetFontSize() * 32);
        ImGui::TextUnformatted(text.c_str());
        ImGui::PopTextWrapPos();
        ImGui::EndTooltip();
    }
}

std::string fmt_count(int64_t v) {   // 1234567 -> "1,234,567"
    std::string s = std::to_string(v < 0 ? -v : v), r;
    for (size_t i = 0; i < s.size(); ++i) {
        if (i && (s.size() - i) % 3 == 0) r += ',';
        r += s[i];
    }
    return v < 0 ? "-" + r : r;
}
}  // namespace

// Sets the default place of a panel and whether it paints its background. llvmpipe pays ~20 ns
// per pixel for every textured, blended quad, so a full-screen layer of window backgrounds
// costs about 30 ms at 1600x960: panels that overlap no other panel (the default tiled layout)
// leave their background to the frame's clear colour, which is the same colour.
void Lab::place(const char* name, float x, float y, float w, float h) {
    const ImGuiCond c = reset_layout ? ImGuiCond_Always : ImGuiCond_FirstUseEver;
    ImGui::SetNextWindowPos(ImVec2(std::floor(x), std::floor(y)), c);
    ImGui::SetNextWindowSize(ImVec2(std::floor(w), std::floor(h)), c);
    static const char* const panels[] = {"Task", "Transport", "Training", "Hyperparameters", "Matrices",
                                         "Neuron focus", "Activity", "Curves", "Task view",
                                         "Activity###ActivityBelow"};
    bool opaque = true;
    if (ImGuiWindow* me = ImGui::FindWindowByName(name)) {
        opaque = false;
        const ImRect r = me->Rect();
        for (const char* other : panels) {
            if (std::strcmp(other, name) == 0) continue;
            ImGuiWindow* o = ImGui::FindWindowByName(other);
            if (!o || !o->WasActive) continue;
            const ImRect q = o->Rect();
            if (r.Min.x < q.Max.x - 1 && q.Min.x < r.Max.x - 1 && r.Min.y < q.Max.y - 1 && q.Min.y < r.Max.y - 1)
                opaque = true;
        }
    }
    ImGui::SetNextWindowBgAlpha(opaque ? 1.0f : 0.0f);
}

void Lab::draw() {
    const ImVec2 ds = ImGui::GetIO().DisplaySize;
    const float mh = ImGui::GetFrameHeight(), sb = ImGui::GetFrameHeight() + 4;
    const float top = mh, avail = ds.y - mh - sb;
    const float L = std::clamp(ds.x * 0.23f, 300.0f, 400.0f);
    const float C = std::floor((ds.x - L) * 0.52f), R = ds.x - L - C;
    // Left column heights from the panels' content (rows of widgets), the rest to the settings.
    const float row = ImGui::GetFrameHeightWithSpacing(), chrome = ImGui::GetFrameHeight() + 16;
    const float h_transport = chrome + 7 * row, h_training = chrome + 4 * row + 6;
    const float h_task = std::max(chrome + 6 * row, std::floor(avail * 0.24f));
    const float h_params = std::max(4 * row, avail - h_task - h_transport - h_training);

    draw_menu();

    place("Task", 0, top, L, h_task);
    draw_task_panel();
    place("Transport", 0, top + h_task, L, h_transport);
    draw_transport_panel();
    place("Training", 0, top + h_task + h_transport, L, h_training);
    draw_training_panel();
    if (show_params_) {
        place("Hyperparameters", 0, top + h_task + h_transport + h_training, L, h_params);
        draw_params_panel();
    }
    if (show_matrices_) {
        place("Matrices", L, top, C, avail * 0.68f);
        draw_matrices();
    }
    // A task with its own panel (task_panel.hpp) gets the top right; the activity raster then
    // takes the neuron focus' place (the focus stays in the View menu).
    const TaskPanelFn* panel = live_ ? find_task_panel(task_name_) : nullptr;
    if (panel) {
        if (show_focus_panel_) {
            place("Neuron focus", L, top + avail * 0.68f, C, avail * 0.32f);
            draw_focus();
        }
        if (show_activity_) {
            activity_title_ = "Activity###ActivityBelow";
            place(activity_title_, L, top + avail * 0.68f, C, avail * 0.32f);
            draw_activity();
        }
        if (show_task_view_) {
            place("Task view", L + C, top, R, avail * 0.52f);
            draw_task_view(*panel);
        }
    } else {
        if (show_focus_) {
            place("Neuron focus", L, top + avail * 0.68f, C, avail * 0.32f);
            draw_focus();
        }
        if (show_activity_) {
            activity_title_ = "Activity";
            place(activity_title_, L + C, top, R, avail * 0.52f);
            draw_activity();
        }
    }
    if (show_curves_) {
        place("Curves", L + C, top + avail * 0.52f, R, avail * 0.48f);
        draw_curves();
    }
    draw_status_bar();
    if (show_help) draw_help();
    dialog_.draw();
    draw_error_popup();
    reset_layout = false;
}

// ---------------------------------------------------------------- menu

void Lab::draw_menu() {
    if (!ImGui::BeginMainMenuBar()) return;
    if (ImGui::BeginMenu("File")) {
        const bool files = !monkey;   // random clicking must not write files
        if (ImGui::MenuItem("Open checkpoint...", nullptr, false, files)) {
            dialog_.open("Open checkpoint", false, ".npz", last_dir_, [this](const std::string& p) {
                last_dir_ = std::filesystem::path(p).parent_path().string();
                const std::string err = open_checkpoint(p);
                if (!err.empty()) show_error("Cannot open checkpoint", err);
            });
        }
        if (ImGui::MenuItem("Save checkpoint...", nullptr, false, files && bool(trainer_))) {
            dialog_.open("Save checkpoint", true, ".npz", last_dir_ + "/" + task_name_ + ".npz",
                         [this](const std::string& p) {
                             last_dir_ = std::filesystem::path(p).parent_path().string();
                             save_checkpoint_to(p);
                         });
        }
        ImGui::Separator();
        if (ImGui::MenuItem("Open config...", nullptr, false, files)) {
            dialog_.open("Open config", false, ".json", last_dir_, [this](const std::string& p) {
                last_dir_ = std::filesystem::path(p).parent_path().string();
                const std::string err = open_config(p);
                if (!err.empty()) show_error("Cannot open config", err);
            });
        }
        if (ImGui::MenuItem("Save config...", nullptr, false, files)) {
            dialog_.open("Save config", true, ".json", last_dir_ + "/" + task_name_ + ".json",
                         [this](const std::string& p) {
                             last_dir_ = std::filesystem::path(p).parent_path().string();
                             const std::string err = save_config(p);
                             if (!err.empty()) show_error("Cannot save config", err);
                         });
        }
        if (ImGui::MenuItem("Copy config to clipboard")) {
            ImGui::SetClipboardText(config_json().c_str());
            note("config copied to the clipboard (JSON, the same keys as the command line's key=value)");
        }
        ImGui::Separator();
        if (ImGui::MenuItem("Save screenshot...", nullptr, false, files)) {
            dialog_.open("Save screenshot", true, ".png", last_dir_ + "/plastiscope.png", [this](const std::string& p) {
                last_dir_ = std::filesystem::path(p).parent_path().string();
                request_screenshot(p);
            });
        }
        ImGui::Separator();
        if (ImGui::MenuItem("Quit", "Ctrl+Q", false, !monkey)) quit_ = true;
        ImGui::EndMenu();
    }
    if (ImGui::BeginMenu("View")) {
        ImGui::MenuItem("Matrices", nullptr, &show_matrices_);
        if (live_ && find_task_panel(task_name_)) {
            ImGui::MenuItem("Task view", nullptr, &show_task_view_);
            ImGui::MenuItem("Neuron focus", nullptr, &show_focus_panel_);
        } else {
            ImGui::MenuItem("Neuron focus", nullptr, &show_focus_);
        }
        ImGui::MenuItem("Activity", nullptr, &show_activity_);
        ImGui::MenuItem("Curves", nullptr, &show_curves_);
        ImGui::MenuItem("Hyperparameters", nullptr, &show_params_);
        ImGui::Separator();
        ImGui::MenuItem("Same zoom on every matrix", nullptr, &sync_zoom_);
        if (ImGui::MenuItem("Reset layout")) reset_layout = true;
        ImGui::EndMenu();
    }
    if (ImGui::BeginMenu("Help")) {
        if (ImGui::MenuItem("Keys, mouse and colours", "F1")) show_help = true;
        ImGui::EndMenu();
    }
    // Right side of the bar: what is open.
    if (live_) {
        char b[256];
        std::snprintf(b, sizeof b, "%s  |  %s", task_name_.c_str(), live_->preset().c_str());
        const float w = ImGui::CalcTextSize(b).x;
        ImGui::SameLine(std::max(ImGui::GetCursorPosX() + 20, ImGui::GetWindowWidth() - w - 16));
        ImGui::TextColored(kDim, "%s", b);
    }
    ImGui::EndMainMenuBar();
}

// ---------------------------------------------------------------- task

void Lab::draw_task_panel() {
    if (!ImGui::Begin("Task")) { ImGui::End(); return; }
    if (!live_) { ImGui::TextColored(kErr, "no task"); ImGui::End(); return; }
    const float lw = ImGui::CalcTextSize("Preset").x + 16;
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("Task");
    ImGui::SameLine(lw);
    ImGui::SetNextItemWidth(-1);
    if (ImGui::BeginCombo("##task", task_name_.c_str())) {
        for (const auto& e : task_registry()) {
            if (ImGui::Selectable(e.name.c_str(), e.name == task_name_) && e.name != task_name_) {
                const std::string title = "Cannot open task " + e.name;
                const std::string err = open_task(e.name, "", nullptr, "", true, title);
                if (!err.empty()) show_error(title, err);
            }
            if (ImGui::IsItemHovered() && !e.summary.empty()) ImGui::SetTooltip("%s", e.summary.c_str());
        }
        ImGui::EndCombo();
    }
    ImGui::AlignTextToFramePadding();
    ImGui::TextUnformatted("Preset");
    ImGui::SameLine(lw);
    ImGui::SetNextItemWidth(-1);
    const std::string cur = live_->preset();
    if (ImGui::BeginCombo("##preset", cur.c_str())) {
        for (const auto& p : live_->presets()) {
            if (ImGui::Selectable(p.name.c_str(), p.name == cur) && p.name != cur) {
                const std::string title = "Cannot open preset " + p.name;
                const std::string err = open_task(task_name_, p.name, nullptr, "", true, title);
                if (!err.empty()) show_error(title, err);
            }
            if (ImGui::IsItemHovered() && !p.help.empty()) ImGui::SetTooltip("%s", p.help.c_str());
        }
        ImGui::EndCombo();
    }
    for (const auto& p : live_->presets())
        if (p.name == cur && !p.help.empty()) ImGui::TextColored(kDim, "%s", p.help.c_str());
    ImGui::Separator();
    ImGui::BeginChild("##desc", ImVec2(0, -ImGui::GetTextLineHeightWithSpacing() * 2 - 4));
    ImGui::PushTextWrapPos(0);
    ImGui::TextUnformatted(live_->description().c_str());
    ImGui::PopTextWrapPos();
    ImGui::EndChild();
    ImGui::TextColored(kDim, "metric: %s (%s is better)", live_->metric_name().c_str(),
                       live_->metric_lower_is_better() ? "lower" : "higher");
    ImGui::TextColored(kDim, "%s parameters, from %s", fmt_count(live_->num_params()).c_str(), params_source_.c_str());
    ImGui::End();
}

// ---------------------------------------------------------------- transport

void Lab::draw_transport_panel() {
    if (!ImGui::Begin("Transport")) { ImGui::End(); return; }
    if (!live_) { ImGui::End(); return; }
    const float bw = (ImGui::GetContentRegionAvail().x - 3 * ImGui::GetStyle().ItemSpacing.x) / 4;
    if (playing_) {
        ImGui::PushStyleColor(ImGuiCol_Button, ImVec4(0.55f, 0.35f, 0.12f, 1));
        if (ImGui::Button("Pause", ImVec2(bw, 0))) play(false);
        ImGui::PopStyleColor();
    } else {
        ImGui::PushStyleColor(ImGuiCol_Button, ImVec4(0.16f, 0.45f, 0.25f, 1));
        if (ImGui::Button("Play", ImVec2(bw, 0))) play(true);
        ImGui::PopStyleColor();
    }
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Space");
    ImGui::SameLine();
    if (ImGui::Button("Step", ImVec2(bw, 0))) step_once();
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Right arrow: one timestep");
    ImGui::SameLine();
    if (ImGui::Button("Restart", ImVec2(bw, 0))) restart_episode();
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("R: the same episode again from t = 0");
    ImGui::SameLine();
    if (ImGui::Button("New", ImVec2(bw, 0))) new_episode();
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("N: a new episode (new random data)");

    ImGui::SetNextItemWidth(-ImGui::CalcTextSize("Speed").x - 8);
    ImGui::SliderInt("Speed", &speed_, 0, num_speeds() - 1, speed_label(speed_), ImGuiSliderFlags_AlwaysClamp);
    const float frac = views_.T > 0 ? float(views_.t) / float(views_.T) : 0.0f;
    char ov[96];
    std::snprintf(ov, sizeof ov, "t = %d / %d%s", views_.t, views_.T, episode_done_ ? "  (done)" : "");
    const ImVec2 bar0 = ImGui::GetCursorScreenPos();
    ImGui::ProgressBar(frac, ImVec2(-1, 0), ov);
    // Timeline marks of the task (e.g. "probe").
    if (views_.T > 0) {
        ImDrawList* dl = ImGui::GetWindowDrawList();
        const float w = ImGui::GetItemRectSize().x, h = ImGui::GetItemRectSize().y;
        for (const auto& [step, label] : views_.marks) {
            const float x = bar0.x + w * float(step) / float(views_.T);
            dl->AddLine(ImVec2(x, bar0.y), ImVec2(x, bar0.y + h), IM_COL32(255, 220, 90, 200), 2.0f);
            if (ImGui::IsMouseHoveringRect(ImVec2(x - 4, bar0.y), ImVec2(x + 4, bar0.y + h)))
                ImGui::SetTooltip("t = %d: %s", step, label.c_str());
        }
    }
    ImGui::Text("episode %s", fmt_count(int64_t(views_.episode ? views_.episode : int64_t(episode_index_))).c_str());
    ImGui::SameLine();
    ImGui::TextColored(kDim, "  %s live steps", fmt_count(live_steps_).c_str());
    if (step_limited_) {
        ImGui::SameLine();
        ImGui::TextColored(kStaged, " (CPU-limited)");
    }
    ImGui::Checkbox("Loop episodes", &loop_);
    ImGui::SameLine();
    ImGui::Checkbox("Follow training", &follow_training_);
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip("At each new episode, load the newest parameters from the training thread.");
    const bool newer = trainer_ && trainer_->snapshot_if_newer(seen_version_) != nullptr;
    if (!newer && !trainer_->running()) ImGui::BeginDisabled();
    if (ImGui::Button("Use latest parameters now")) use_latest_now();
    if (!newer && !trainer_->running()) ImGui::EndDisabled();
    ImGui::SameLine();
    ImGui::TextColored(kDim, "showing iteration %s", fmt_count(params_iter_).c_str());
    if (!views_.status.empty()) ImGui::TextColored(kDim, "%s", views_.status.c_str());
    ImGui::End();
}

// ---------------------------------------------------------------- training

void Lab::draw_training_panel() {
    if (!ImGui::Begin("Training")) { ImGui::End(); return; }
    if (!trainer_) { ImGui::End(); return; }
    const bool running = trainer_->running();
    const float bw = (ImGui::GetContentRegionAvail().x - ImGui::GetStyle().ItemSpacing.x) / 2;
    if (running) {
        if (ImGui::Button("Pause training", ImVec2(bw, 0))) train_pause();
    } else {
        if (trainer_->diverged()) ImGui::BeginDisabled();
        ImGui::PushStyleColor(ImGuiCol_Button, ImVec4(0.16f, 0.45f, 0.25f, 1));
        if (ImGui::Button("Start training", ImVec2(bw, 0))) train_start();
        ImGui::PopStyleColor();
        if (trainer_->diverged()) ImGui::EndDisabled();
    }
    ImGui::SameLine();
    if (ImGui::Button("Train from scratch", ImVec2(bw, 0))) train_from_scratch();
    if (ImGui::IsItemHovered())
        ImGui::SetTooltip("Re-initialise the parameters from the seed (with the staged settings) and train.");

    // Rate over the last few seconds of history.
    double rate = 0;
    if (running && hist_.size() > 1) {
        const TrainPoint& b = hist_.back();
        size_t i = hist_.size() - 1;
        while (i > 0 && b.seconds - hist_[i - 1].seconds < 3.0) --i;
        if (i < hist_.size() - 1 && b.seconds > hist_[i].seconds)
            rate = double(b.iter - hist_[i].iter) / (b.seconds - hist_[i].seconds);
    }
    const int64_t it = trainer_->iterations();
    if (running) ImGui::TextColored(kLive, "training");
    else ImGui::TextColored(kDim, trainer_->diverged() ? "diverged" : (it > 0 ? "paused" : "not started"));
    ImGui::SameLine();
    ImGui::Text("iteration %s  (%s episodes)", fmt_count(it).c_str(), fmt_count(it * eps_per_step_).c_str());
    if (running && rate > 0) {
        ImGui::SameLine();
        ImGui::TextColored(kDim, " %.3g it/s", rate);
    }
    if (!cur_.s_loss.empty()) {
        ImGui::Text("loss %.4g   %s %.4g", cur_.s_loss.back(), live_->metric_name().c_str(), cur_.s_metric.back());
        if (ImGui::IsItemHovered()) ImGui::SetTooltip("smoothed as in the curves (smoothing %.2f)", double(smoothing_));
    }
    if (!train_message_.empty()) {
        ImGui::PushTextWrapPos(0);
        ImGui::TextColored(kErr, "%s", train_message_.c_str());
        ImGui::PopTextWrapPos();
        if (ImGui::Button("Restart from last good parameters")) restart_from_last_good();
        if (ImGui::IsItemHovered())
            ImGui::SetTooltip("Continue from the last finite parameters with a fresh optimiser and the current\n"
                              "settings (lower the learning rate in Hyperparameters first).");
    }
    ImGui::SetNextItemWidth(ImGui::GetFontSize() * 7);
    int seed = int(seed_);
    if (ImGui::InputInt("seed", &seed)) seed_ = uint64_t(std::max(0, seed));
    if (ImGui::IsItemHovered()) ImGui::SetTooltip("Initialisation seed for \"Train from scratch\" and rebuilds.");
    // Baseline: another preset of the same task trained alongside, drawn on the same axes.
    const auto presets = live_->presets();
    if (presets.size() > 1) {
        ImGui::SameLine();
        ImGui::SetNextItemWidth(-ImGui::CalcTextSize("compare").x - 8);
        if (ImGui::BeginCombo("compare", baseline_preset_.empty() ? "no baseline" : baseline_preset_.c_str())) {
            if (ImGui::Selectable("no baseline", baseline_preset_.empty())) set_baseline("");
            for (const auto& p : presets)
                if (p.name != live_->preset()) {
                    if (ImGui::Selectable(p.name.c_str(), p.name == baseline_preset_)) set_baseline(p.name);
                    if (ImGui::IsItemHovered()) ImGui::SetTooltip("%s", p.help.c_str());
                }
            ImGui::EndCombo();
        }
        if (ImGui::IsItemHovered())
            ImGui::SetTooltip("Train another preset (e.g. the non-plastic one) from scratch alongside, on the\n"
                              "same curves. Uses a second core.");
    }
    ImGui::End();
}

// ---------------------------------------------------------------- hyperparameters

void Lab::draw_params_panel() {
    if (!ImGui::Begin("Hyperparameters")) { ImGui::End(); return; }
    if (!live_) { ImGui::End(); return; }
    int n_rebuild = 0, n_episode = 0;
    for (const auto& f : live_->fields())
        if (staged_.count(f.key)) (f.apply == Apply::Rebuild ? n_rebuild : n_episode)++;
    if (n_rebuild > 0) {
        ImGui::PushStyleColor(ImGuiCol_Button, ImVec4(0.6f, 0.35f, 0.1f, 1));
        char b[96];
        std::snprintf(b, sizeof b, "Apply %d change%s and rebuild", n_rebuild, n_rebuild > 1 ? "s" : "");
        if (ImGui::Button(b)) {
            const std::string err = rebuild();
            if (!err.empty()) show_error("Cannot rebuild", err);
        }
        ImGui::PopStyleColor();
        ImGui::SameLine();
        if (ImGui::Button("Discard")) staged_.clear();
        ImGui::TextColored(kRebuild, "Rebuilding re-initialises the parameters.");
    }
    if (n_episode > 0) ImGui::TextColored(kEpisode, "%d change(s) apply at the next episode.", n_episode);
    // Legend of the key colours.
    ImGui::TextColored(kDim, "applies:");
    ImGui::SameLine();
    ImGui::TextColored(kLive, "at once");
    ImGui::SameLine();
    ImGui::TextColored(kDim, "|");
    ImGui::SameLine();
    ImGui::TextColored(kEpisode, "next episode");
    ImGui::SameLine();
    ImGui::TextColored(kDim, "|");
    ImGui::SameLine();
    ImGui::TextColored(kRebuild, "on rebuild");

    // Fetched after the rebuild button: a rebuild replaces the task these fields point into.
    const auto fields = live_->fields();
    if (ImGui::BeginTable("##fields", 3, ImGuiTableFlags_SizingStretchProp | ImGuiTableFlags_ScrollY)) {
        ImGui::TableSetupColumn("key", ImGuiTableColumnFlags_WidthFixed);
        ImGui::TableSetupColumn("value", ImGuiTableColumnFlags_WidthStretch);
        ImGui::TableSetupColumn("unit", ImGuiTableColumnFlags_WidthFixed);
        for (const auto& f : fields) {
            ImGui::PushID(f.key.c_str());
            ImGui::TableNextRow();
            ImGui::TableSetColumnIndex(0);
            const bool staged = staged_.count(f.key) > 0;
            const ImVec4 col = f.apply == Apply::Live ? kLive : f.apply == Apply::Episode ? kEpisode : kRebuild;
            ImGui::AlignTextToFramePadding();
            ImGui::TextColored(staged ? kStaged : col, "%s%s", f.key.c_str(), staged ? "*" : "");
            std::string tip = f.help;
            if (f.type == Field::Type::Int || f.type == Field::Type::Float) {
                char r[96];
                std::snprintf(r, sizeof r, "\nrange [%g, %g]%s%s", f.lo, f.hi, f.unit.empty() ? "" : " ", f.unit.c_str());
                tip += r;
                if (f.type == Field::Type::Int && f.step > 1) tip += " in steps of " + std::to_string(f.step);
            }
            tip += f.apply == Apply::Live ? "\napplies at once (live view and trainer)"
                   : f.apply == Apply::Episode ? "\napplies at the next episode"
                                               : "\napplies on \"Apply and rebuild\" (re-initialises the parameters)";
            if (ImGui::IsItemHovered()) {
                ImGui::BeginTooltip();
                ImGui::PushTextWrapPos(ImGui::GetFontSize() * 30);
                ImGui::TextUnformatted(tip.c_str());
                ImGui::PopTextWrapPos();
                ImGui::EndTooltip();
            }
            ImGui::TableSetColumnIndex(1);
            ImGui::SetNextItemWidth(-1);
            const std::string text = staged ? staged_.at(f.key) : field_get(f);
            std::string out;
            switch (f.type) {
                case Field::Type::Float: {
                    double v = std::atof(text.c_str());
                    const double lo = f.lo, hi = f.hi;
                    bool ch;
                    if (f.log_scale && lo > 0)
                        ch = ImGui::SliderScalar("##v", ImGuiDataType_Double, &v, &lo, &hi, "%.4g",
                                                 ImGuiSliderFlags_Logarithmic | ImGuiSliderFlags_AlwaysClamp |
                                                     ImGuiSliderFlags_NoRoundToFormat);
                    else if (hi - lo <= 1e6)
                        ch = ImGui::SliderScalar("##v", ImGuiDataType_Double, &v, &lo, &hi, "%.4g",
                                                 ImGuiSliderFlags_AlwaysClamp | ImGuiSliderFlags_NoRoundToFormat);
                    else
                        ch = ImGui::InputDouble("##v", &v, 0, 0, "%.6g", ImGuiInputTextFlags_EnterReturnsTrue);
                    if (ch) {
                        char b[64];
                        std::snprintf(b, sizeof b, "%.9g", std::clamp(v, lo, hi));
                        out = b;
                    }
                    break;
                }
                case Field::Type::Int: {
                    int v = std::atoi(text.c_str());
                    const int lo = int(f.lo), hi = int(f.hi);
                    bool ch;
                    if (double(hi) - double(lo) <= 1e5) {
                        const bool lg = lo > 0 && hi / std::max(1, lo) >= 100;
                        ch = ImGui::SliderInt("##v", &v, lo, hi, "%d",
                                              ImGuiSliderFlags_AlwaysClamp | (lg ? ImGuiSliderFlags_Logarithmic : 0));
                    } else {
                        ch = ImGui::InputInt("##v", &v, 0, 0, ImGuiInputTextFlags_EnterReturnsTrue);
                    }
                    if (ch) {
                        v = std::clamp(v, lo, hi);
                        if (f.step > 1) v = lo + (v - lo) / f.step * f.step;   // snap to the grid
                        out = std::to_string(v);
                    }
                    break;
                }
                case Field::Type::Bool: {
                    bool v = text == "true";
                    if (ImGui::Checkbox("##v", &v)) out = v ? "true" : "false";
                    break;
                }
                case Field::Type::Choice: {
                    if (ImGui::BeginCombo("##v", text.c_str())) {
                        for (const auto& c : f.choices)
                            if (ImGui::Selectable(c.c_str(), c == text)) out = c;
                        ImGui::EndCombo();
                    }
                    break;
                }
            }
            if (!out.empty() && out != text) {
                const std::string err = edit_field(f.key, out);
                if (!err.empty()) note(err, true);
            }
            ImGui::TableSetColumnIndex(2);
            if (!f.unit.empty()) {
                ImGui::TextColored(kDim, "%s", f.unit.c_str());
                ImGui::SameLine();
            }
            help_marker(tip);
            ImGui::PopID();
        }
        ImGui::EndTable();
    }
    ImGui::End();
}

// ---------------------------------------------------------------- status, help, errors

void Lab::draw_status_bar() {
    const ImVec2 ds = ImGui::GetIO().DisplaySize;
    const float h = ImGui::GetFrameHeight() + 4;
    ImGui::SetNextWindowPos(ImVec2(0, ds.y - h));
    ImGui::SetNextWindowSize(ImVec2(ds.x, h));
    ImGui::SetNextWindowBgAlpha(0.0f);   // the clear colour (see place())
    ImGui::PushStyleVar(ImGuiStyleVar_WindowPadding, ImVec2(8, 3));
    ImGui::Begin("##status", nullptr,
                 ImGuiWindowFlags_NoDecoration | ImGuiWindowFlags_NoMove | ImGuiWindowFlags_NoSavedSettings |
                     ImGuiWindowFlags_NoFocusOnAppearing | ImGuiWindowFlags_NoBringToFrontOnFocus);
    const ImGuiIO& io = ImGui::GetIO();
    ImGui::TextColored(kDim, "%5.1f fps", double(io.Framerate));
    ImGui::SameLine();
    ImGui::TextColored(kDim, "| F1 help |");
    if (building()) {   // the network being built (lab_build.cpp): the old one runs meanwhile
        ImGui::SameLine();
        ImGui::TextColored(kStaged, "building the network... %.1f s |", clock_ - build_started_);
    }
    if (!log_.empty()) {
        const auto& l = log_.back();
        ImGui::SameLine();
        const float age = float(clock_ - l.time);
        ImVec4 c = l.error ? kErr : ImVec4(0.85f, 0.87f, 0.9f, 1);
        c.w = age < 8 ? 1.0f : 0.55f;
        ImGui::TextColored(c, "%s", l.text.c_str());
        if (ImGui::IsItemHovered() && log_.size() > 1) {
            ImGui::BeginTooltip();
            const size_t from = log_.size() > 15 ? log_.size() - 15 : 0;
            for (size_t i = from; i < log_.size(); ++i)
                ImGui::TextColored(log_[i].error ? kErr : kDim, "%s", log_[i].text.c_str());
            ImGui::EndTooltip();
        }
    }
    ImGui::End();
    ImGui::PopStyleVar();
}

void Lab::draw_help() {
    const ImVec2 ds = ImGui::GetIO().DisplaySize;
    ImGui::SetNextWindowPos(ImVec2(ds.x / 2, ds.y / 2), ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
    ImGui::SetNextWindowSize(ImVec2(std::min(620.0f, ds.x - 40), 0), ImGuiCond_Appearing);
    if (!ImGui::Begin("Help (F1)", &show_help, ImGuiWindowFlags_NoCollapse | ImGuiWindowFlags_NoSavedSettings)) {
        ImGui::End();
        return;
    }
    auto row = [](const char* k, const char* v) {
        ImGui::TextColored(kStaged, "%-14s", k);
        ImGui::SameLine(ImGui::GetFontSize() * 9);
        ImGui::TextUnformatted(v);
    };
    ImGui::TextUnformatted("Keys (ignored while you type in a field)");
    ImGui::Separator();
    row("Space", "play / pause the live network");
    row("Right arrow", "one timestep");
    row("R", "restart the episode (same data)");
    row("N", "new episode (new data)");
    row("F1", "this help");
    ImGui::Spacing();
    ImGui::TextUnformatted("Mouse on a matrix");
    ImGui::Separator();
    row("wheel", "zoom about the cursor (all matrices together)");
    row("drag", "pan");
    row("double-click", "whole matrix");
    row("click", "focus: that cell's row (outgoing) and column (incoming)");
    row("hover", "(pre, post) indices and the value");
    ImGui::Spacing();
    ImGui::TextUnformatted("Colours");
    ImGui::Separator();
    ImGui::PushTextWrapPos(0);
    ImGui::TextUnformatted("Signed matrices: blue < 0 < red, white at 0. Magnitudes: dark violet (low) to yellow (high). "
                           "Magenta marks NaN or Inf. Each colorbar shows its range; choose +-max, min..max or a fixed "
                           "range above each matrix.");
    ImGui::Spacing();
    ImGui::TextUnformatted("Matrices are (pre, post): row i holds neuron i's outgoing weights, column j the weights onto "
                           "neuron j. H is the Hebbian trace (reset each episode), W the fixed weights, A the "
                           "plasticity coefficients, W+A*H what the network uses at this timestep.");
    ImGui::Spacing();
    ImGui::TextUnformatted("Training runs on its own thread: the live view steps the newest parameters from the next "
                           "episode on (\"Follow training\"), or at once with \"Use latest parameters now\". "
                           "Hyperparameters marked live apply at once; rebuild ones wait for the button.");
    ImGui::PopTextWrapPos();
    ImGui::End();
}

void Lab::draw_error_popup() {
    if (error_open_ && !ImGui::IsPopupOpen("##error")) ImGui::OpenPopup("##error");
    const ImVec2 ds = ImGui::GetIO().DisplaySize;
    ImGui::SetNextWindowPos(ImVec2(ds.x / 2, ds.y / 2), ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
    ImGui::SetNextWindowSize(ImVec2(std::min(560.0f, ds.x - 40), 0), ImGuiCond_Appearing);
    if (ImGui::BeginPopupModal("##error", nullptr, ImGuiWindowFlags_NoTitleBar)) {
        ImGui::TextColored(kErr, "%s", error_title_.c_str());
        ImGui::Separator();
        ImGui::PushTextWrapPos(0);
        ImGui::TextUnformatted(error_text_.c_str());
        ImGui::PopTextWrapPos();
        ImGui::Spacing();
        if (ImGui::Button("OK", ImVec2(120, 0)) || !error_open_) {
            error_open_ = false;
            ImGui::CloseCurrentPopup();
        }
        ImGui::EndPopup();
    }
}

}  // namespace ps::gui
