// Task-specific windows. A task whose live state needs more than the generic matrix / raster /
// image views (the maze's walls and trail, painting on an image probe, BOHP's multi-seed sweep)
// registers a panel class here by task name from its own file in app/gui/ (panel_<task>.cpp);
// the lab makes one when the task opens, shows it as the "Task view" window and destroys it when
// another task opens (a panel that runs work on a thread of its own stops it in its destructor).
// Panels read only the LiveViews the task exports and talk back through send(), so the engine
// stays free of GUI code and every action lands in the episode's history.
#pragma once
#include <functional>
#include <memory>
#include <string>
#include <vector>
#include "task.hpp"

namespace ps::gui {

struct TaskPanelContext {
    TaskPanelContext(Task& t, const LiveViews& v) : task(t), views(v) {}
    Task& task;                 // the live task (GUI thread only; read its settings, do not step it)
    const LiveViews& views;     // its views as of this frame
    bool frame_changed = false; // a step / reset / load since the last frame: re-upload textures
    bool playing = false;
    bool live_ok = true;        // false after the task threw: send() refuses until an episode begins
    // Out: the panel uses the arrow keys this frame (the lab's Right-arrow step is then off).
    bool capture_keys = false;
    std::function<void(const std::string& text, bool error)> note;   // status-bar message
    // Scripted actions for this frame (`--at FRAME panel=ARG`, tests and figures); the panel
    // returns "" or why an action failed in `script_error` (the app then exits non-zero).
    std::vector<std::string> script;
    std::string script_error;
    // The run the background trainer is making, as the Curves window shows it: per point the
    // episodes done and the task metric (smoothed); null or empty before any training.
    const std::vector<double>* train_episode = nullptr;
    const std::vector<double>* train_metric = nullptr;
    // Sends an event to the live network (recorded in the episode's history); returns "" when
    // it was taken, else why not.
    std::function<std::string(const LiveEvent&)> send_fn;
    // send_fn, showing a refusal as a note. Returns whether the event was taken.
    bool send(const LiveEvent& e) {
        const std::string r = send_fn ? send_fn(e) : std::string("no live network");
        if (r.empty()) return true;
        if (note) note(r, true);
        return false;
    }
};

// One scripted action of a task panel (`--at FRAME panel=NAME` or `panel=NAME=VALUE`): its name,
// the value it takes as the list of actions shows it ("=K", "=alpha|w", or "" for none), and what
// it does with the value, returning "" or why it failed (the whole message).
struct PanelAction {
    std::string name, takes;
    std::function<std::string(const std::string& value)> run;
};
// The action that shows tab `index` (the panel's select_tab, read when it next draws).
PanelAction tab_action(const std::string& name, int& select_tab, int index);
// Runs this frame's actions (ctx.script) through the table; a failure goes to ctx.script_error,
// and an action not in the table fails as "<who>: unknown action 'A' (name=takes, ...)".
void run_panel_script(TaskPanelContext& ctx, const std::string& who, const std::vector<PanelAction>& actions);

class TaskPanel {
public:
    virtual ~TaskPanel() = default;
    virtual void draw(TaskPanelContext& ctx) = 0;
};

using TaskPanelFactory = std::function<std::unique_ptr<TaskPanel>()>;

// Registers a panel for tasks whose name equals task_name, or starts with it when it ends in '*'.
bool register_task_panel(const std::string& task_name, TaskPanelFactory make);
const TaskPanelFactory* find_task_panel(const std::string& task_name);

#define PS_REGISTER_TASK_PANEL(NAME, CLASS) \
    static const bool PS_CONCAT(ps_panel_reg_, __LINE__) = \
        ::ps::gui::register_task_panel(NAME, [] { return std::unique_ptr<::ps::gui::TaskPanel>(new CLASS()); })

}  // namespace ps::gui
