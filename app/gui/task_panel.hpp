// Task-specific windows. A task whose live state needs more than the generic matrix / raster /
// image views (the maze's walls and trail, drawing on an image probe) registers a panel here by
// task name from its own file in app/gui/ (panel_<task>.cpp); the lab opens it as the "Task view"
// window next to the generic ones. Panels read only the LiveViews the task exports and talk back
// through Task::live_event, so the engine stays free of GUI code.
#pragma once
#include <functional>
#include <string>
#include "task.hpp"

namespace ps::gui {

struct TaskPanelContext {
    TaskPanelContext(Task& t, const LiveViews& v) : task(t), views(v) {}
    Task& task;                 // the live task (GUI thread only)
    const LiveViews& views;     // its views as of this frame
    bool frame_changed = false; // a step / reset / load since the last frame: re-upload textures
    bool playing = false;
    bool live_ok = true;        // false after the task threw: send() refuses until an episode begins
    // Out: the panel uses the arrow keys this frame (the lab's Right-arrow step is then off).
    bool capture_keys = false;
    // Out: an event changed the live state; the lab refreshes its views before the next frame.
    bool state_changed = false;
    std::function<void(const std::string& text, bool error)> note;   // status-bar message
    // Scripted actions for this frame (`--at FRAME panel=ARG`, tests and figures); the panel
    // returns "" or why an action failed in `script_error` (the app then exits non-zero).
    std::vector<std::string> script;
    std::string script_error;
    // The run the background trainer is making, as the Curves window shows it: per point the
    // iteration and the task metric (smoothed); null or empty before any training.
    const std::vector<double>* train_iter = nullptr;
    const std::vector<double>* train_metric = nullptr;
    double episodes_per_iter = 1;   // iteration -> episodes (batches of episodes per step)
    // Sends an event to the task; shows the refusal as a note; marks state_changed when taken.
    bool send(const LiveEvent& e) {
        if (!live_ok) {
            if (note) note("the live network stopped after an error: press Restart or New episode once the settings are fixed", true);
            return false;
        }
        const std::string r = task.live_event(e);
        if (r.empty()) { state_changed = true; return true; }
        if (note) note(r, true);
        return false;
    }
};

using TaskPanelFn = std::function<void(TaskPanelContext&)>;

// Registers fn for tasks whose name equals task_name, or starts with it when it ends in '*'.
bool register_task_panel(const std::string& task_name, TaskPanelFn fn);
const TaskPanelFn* find_task_panel(const std::string& task_name);

#define PS_REGISTER_TASK_PANEL(NAME, FN) \
    static const bool PS_CONCAT(ps_panel_reg_, __LINE__) = ::ps::gui::register_task_panel(NAME, FN)

}  // namespace ps::gui
