// Registry of task-specific panels (see task_panel.hpp).
#include "gui/task_panel.hpp"
#include <vector>

namespace ps::gui {
namespace {
struct Entry { std::string name; TaskPanelFn fn; };
std::vector<Entry>& panels() { static std::vector<Entry> p; return p; }
}  // namespace

bool register_task_panel(const std::string& task_name, TaskPanelFn fn) {
    panels().push_back({task_name, std::move(fn)});
    return true;
}

const TaskPanelFn* find_task_panel(const std::string& task_name) {
    for (const auto& e : panels()) {
        const auto& n = e.name;
        if (n == task_name) return &e.fn;
        if (!n.empty() && n.back() == '*' && task_name.compare(0, n.size() - 1, n, 0, n.size() - 1) == 0) return &e.fn;
    }
    return nullptr;
}

}  // namespace ps::gui

// ---------------------------------------------------------------- the lab's "Task view" window
#include <imgui.h>
#include "gui/lab.hpp"

namespace ps::gui {

void Lab::draw_task_view(const TaskPanelFn& panel) {
    keys_captured_ = false;
    if (!ImGui::Begin("Task view")) { ImGui::End(); return; }
    if (live_) {
        TaskPanelContext ctx(*live_, views_);
        ctx.frame_changed = frame_changed_;
        ctx.playing = playing_;
        ctx.live_ok = live_ok_;
        ctx.note = [this](const std::string& t, bool e) { note(t, e); };
        ctx.script.swap(pending_panel_actions_);
        ctx.train_iter = &cur_.x;
        ctx.train_metric = &cur_.s_metric;
        ctx.episodes_per_iter = double(eps_per_step_);
        guarded("task view", [&] { panel(ctx); });
        if (!ctx.script_error.empty()) show_error("Task view", ctx.script_error);
        keys_captured_ = ctx.capture_keys;
        if (ctx.state_changed) {
            views_changed_ = true;
            refresh_views();
        }
    }
    ImGui::End();
}

}  // namespace ps::gui
