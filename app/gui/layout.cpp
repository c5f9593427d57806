// Where the lab's windows go: a left column of controls (task, transport, training, settings),
// the matrices in the centre, the task's own view (or the activity raster) and the curves on the
// right. Also the shared helpers of the panels and the "Task view" window.
#include <imgui.h>
#include <imgui_internal.h>   // FindWindowByName: panel rectangles of the last frame
#include <algorithm>
#include <cmath>
#include <cstring>
#include <string>
#include <vector>
#include "gui/lab.hpp"
#include "gui/panels.hpp"

namespace ps::gui {

void hover_tip(const std::string& text, float wrap_em) {
    if (!ImGui::IsItemHovered()) return;
    ImGui::BeginTooltip();
    ImGui::PushTextWrapPos(ImGui::GetFontSize() * wrap_em);
    ImGui::TextUnformatted(text.c_str());
    ImGui::PopTextWrapPos();
    ImGui::EndTooltip();
}

void help_marker(const std::string& text) {
    ImGui::TextDisabled("(?)");
    hover_tip(text, 32);
}

std::string fmt_count(int64_t v) {
    std::string s = std::to_string(v < 0 ? -v : v), r;
    for (size_t i = 0; i < s.size(); ++i) {
        if (i && (s.size() - i) % 3 == 0) r += ',';
        r += s[i];
    }
    return v < 0 ? "-" + r : r;
}

// Sets the default place of a panel and whether it paints its background. llvmpipe pays ~20 ns
// per pixel for every textured, blended quad, so a full-screen layer of window backgrounds
// costs about 30 ms at 1600x960: panels that overlap no other panel (the default tiled layout)
// leave their background to the frame's clear colour, which is the same colour.
void place_window(Lab& lab, const char* name, float x, float y, float w, float h) {
    const ImGuiCond c = lab.reset_layout ? ImGuiCond_Always : ImGuiCond_FirstUseEver;
    ImGui::SetNextWindowPos(ImVec2(std::floor(x), std::floor(y)), c);
    ImGui::SetNextWindowSize(ImVec2(std::floor(w), std::floor(h)), c);
    static const char* const panels[] = {"Task", "Transport", "Training", "Hyperparameters", "Matrices",
                                         "Tracker", "Activity", "Curves", "Task view",
                                         "Activity###ActivityBelow", "Lesson", "Presentation",
                                         "Training and settings"};
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

namespace {

// Draws one of the data windows by name at the given place (presentation mode).
void draw_view(Lab& lab, const std::string& name, float x, float y, float w, float h) {
    ViewState& v = lab.view;
    if (name == "Activity") {
        v.activity_title = "Activity";
        place_window(lab, "Activity", x, y, w, h);
        draw_activity(lab);
    } else if (name == "Task view") {
        if (!lab.task_panel()) return draw_view(lab, "Activity", x, y, w, h);
        place_window(lab, "Task view", x, y, w, h);
        draw_task_view(lab);
    } else {
        place_window(lab, name.c_str(), x, y, w, h);
        if (name == "Matrices") draw_matrices(lab);
        else if (name == "Tracker") draw_focus(lab);
        else if (name == "Curves") draw_curves(lab);
        else if (name == "Transport") draw_transport_panel(lab);
        else if (name == "Training") draw_training_panel(lab);
        else if (name == "Hyperparameters") draw_params_panel(lab);
    }
}

// Presentation: the lesson's caption (or a compact transport) across the top, then the two or
// three views the step is about, large.
void draw_presentation(Lab& lab, float top, float avail, float width) {
    float used = 0;
    if (lab.lessons.active()) {
        used = draw_lesson_panel(lab, 0, top, width, avail);
    } else {
        const float h = ImGui::GetFrameHeightWithSpacing() * 3 + ImGui::GetStyle().WindowPadding.y * 2 + 4;
        place_window(lab, "Presentation", 0, top, width, h);
        draw_compact_transport(lab);
        used = h;
    }
    std::vector<std::string> shown;
    if (const LessonStep* s = lab.lessons.current()) shown = s->show;
    if (shown.empty()) shown = {"Matrices", lab.task_panel() ? "Task view" : "Activity"};
    if (shown.size() > 3) shown.resize(3);
    const float y = top + used, h = avail - used;
    const float gap = 0;
    if (shown.size() == 1) {
        draw_view(lab, shown[0], 0, y, width, h);
    } else if (shown.size() == 2) {
        const float w0 = std::floor(width * 0.5f);
        draw_view(lab, shown[0], 0, y, w0, h);
        draw_view(lab, shown[1], w0 + gap, y, width - w0 - gap, h);
    } else {
        const float w0 = std::floor(width * 0.5f), h1 = std::floor(h * 0.5f);
        draw_view(lab, shown[0], 0, y, w0, h);
        draw_view(lab, shown[1], w0, y, width - w0, h1);
        draw_view(lab, shown[2], w0, y + h1, width - w0, h - h1);
    }
}

}  // namespace

void Lab::draw() {
    Lab& lab = *this;
    ViewState& v = view;
    const ImVec2 ds = ImGui::GetIO().DisplaySize;
    // A new window size (or the first frame) lays the windows out afresh: no panel off-screen,
    // no stale layout from another size.
    if (ds.x != v.laid_out_for.x || ds.y != v.laid_out_for.y || v.drawn_presentation != v.presentation) {
        reset_layout = true;
        v.laid_out_for = ds;
        v.drawn_presentation = v.presentation;
    }
    const float mh = ImGui::GetFrameHeight(), sb = ImGui::GetFrameHeight() + 4;
    const float top = mh, avail = ds.y - mh - sb;
    keys_captured_ = false;
    v.task_view_was_drawn = v.task_view_drawn;
    v.task_view_drawn = false;
    draw_menu(lab);
    if (v.presentation) {
        draw_presentation(lab, top, avail, ds.x);
    } else {
        const float L = std::clamp(ds.x * 0.23f, 300.0f * ui_scale_, 460.0f * ui_scale_);
        const float C = std::floor((ds.x - L) * 0.52f), R = ds.x - L - C;
        // The left column: what the task is (its paragraph readable), the transport, and training
        // and the settings as two tabs of one window (both rarely needed at once).
        const float row = ImGui::GetFrameHeightWithSpacing(), chrome = ImGui::GetFrameHeight() + 16;
        const float h_transport = chrome + 9 * row;
        const float h_task = std::clamp(std::floor(avail * 0.34f), chrome + 7 * row, chrome + 16 * row);
        const float h_setup = std::max(6 * row, avail - h_task - h_transport);
        if (lessons.active()) draw_lesson_panel(lab, 0, top, L, h_task);
        else {
            place_window(lab, "Task", 0, top, L, h_task);
            draw_task_panel(lab);
        }
        place_window(lab, "Transport", 0, top + h_task, L, h_transport);
        draw_transport_panel(lab);
        place_window(lab, "Training and settings", 0, top + h_task + h_transport, L, h_setup);
        if (ImGui::Begin("Training and settings")) {
            if (ImGui::BeginTabBar("##setup")) {
                if (ImGui::BeginTabItem("Training", nullptr, v.setup_tab == 0 ? ImGuiTabItemFlags_SetSelected : 0)) {
                    draw_training_contents(lab);
                    ImGui::EndTabItem();
                }
                if (ImGui::BeginTabItem("Hyperparameters", nullptr, v.setup_tab == 1 ? ImGuiTabItemFlags_SetSelected : 0)) {
                    draw_params_contents(lab);
                    ImGui::EndTabItem();
                }
                v.setup_tab = -1;
                ImGui::EndTabBar();
            }
        }
        ImGui::End();
        if (v.show_matrices) {
            place_window(lab, "Matrices", L, top, C, avail * 0.68f);
            draw_matrices(lab);
        }
        // A task with its own panel (task_panel.hpp) gets the top right; the activity raster then
        // takes the tracker's place (the tracker stays in the View menu).
        if (panel_ && live.has_task()) {
            if (v.show_focus_panel) {
                place_window(lab, "Tracker", L, top + avail * 0.68f, C, avail * 0.32f);
                draw_focus(lab);
            }
            if (v.show_activity) {
                v.activity_title = "Activity###ActivityBelow";
                place_window(lab, v.activity_title, L, top + avail * 0.68f, C, avail * 0.32f);
                draw_activity(lab);
            }
            if (v.show_task_view) {
                place_window(lab, "Task view", L + C, top, R, avail * 0.52f);
                draw_task_view(lab);
            }
        } else {
            if (v.show_focus) {
                place_window(lab, "Tracker", L, top + avail * 0.68f, C, avail * 0.32f);
                draw_focus(lab);
            }
            if (v.show_activity) {
                v.activity_title = "Activity";
                place_window(lab, v.activity_title, L + C, top, R, avail * 0.52f);
                draw_activity(lab);
            }
        }
        if (v.show_curves) {
            place_window(lab, "Curves", L + C, top + avail * 0.52f, R, avail * 0.48f);
            draw_curves(lab);
        }
    }
    draw_status_bar(lab);
    if (show_help) draw_help(lab);
    exporter.draw_window();
    files.draw();
    draw_error_popup(lab);
    reset_layout = false;
    live.frame_drawn();
}

void draw_task_view(Lab& lab) {
    if (!ImGui::Begin("Task view")) {
        ImGui::End();
        return;
    }
    TaskPanel* panel = lab.task_panel();
    if (panel && lab.live.has_task()) {
        TaskPanelContext ctx(lab.live.task(), lab.live.views());
        ctx.frame_changed = lab.live.frame_changed();
        ctx.playing = lab.live.playing();
        ctx.live_ok = lab.live.ok();
        ctx.note = [&lab](const std::string& t, bool e) { lab.note(t, e); };
        ctx.send_fn = [&lab](const LiveEvent& e) { return lab.live.send_event(e); };
        ctx.script.swap(lab.pending_panel_actions);
        ctx.train_episode = &lab.curves.main().x;
        ctx.train_metric = &lab.curves.main().s_metric;
        lab.live.guarded("task view", [&] { panel->draw(ctx); });
        lab.view.task_view_drawn = true;
        if (!ctx.script_error.empty()) lab.show_error("Task view", ctx.script_error);
        lab.set_keys_captured(ctx.capture_keys);
    }
    ImGui::End();
}

}  // namespace ps::gui
