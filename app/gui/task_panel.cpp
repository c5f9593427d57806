// Registry of task-specific panels, and the runner of their scripted actions (see task_panel.hpp).
#include "gui/task_panel.hpp"
#include <vector>

namespace ps::gui {
namespace {
struct Entry {
    std::string name;
    TaskPanelFactory make;
};
std::vector<Entry>& panels() {
    static std::vector<Entry> p;
    return p;
}
}  // namespace

bool register_task_panel(const std::string& task_name, TaskPanelFactory make) {
    panels().push_back({task_name, std::move(make)});
    return true;
}

const TaskPanelFactory* find_task_panel(const std::string& task_name) {
    for (const auto& e : panels()) {
        const auto& n = e.name;
        if (n == task_name) return &e.make;
        if (!n.empty() && n.back() == '*' && task_name.compare(0, n.size() - 1, n, 0, n.size() - 1) == 0) return &e.make;
    }
    return nullptr;
}

PanelAction tab_action(const std::string& name, int& select_tab, int index) {
    return {name, "", [&select_tab, index](const std::string&) { select_tab = index; return std::string(); }};
}

void run_panel_script(TaskPanelContext& ctx, const std::string& who, const std::vector<PanelAction>& actions) {
    for (const std::string& a : ctx.script) {
        const auto eq = a.find('=');
        const std::string k = a.substr(0, eq), v = eq == std::string::npos ? "" : a.substr(eq + 1);
        const PanelAction* found = nullptr;
        for (const PanelAction& x : actions) found = x.name == k ? &x : found;
        if (found) {
            const std::string why = found->run(v);
            if (!why.empty()) ctx.script_error = why;
            continue;
        }
        std::string known;
        for (const PanelAction& x : actions) known += (known.empty() ? "" : ", ") + x.name + x.takes;
        ctx.script_error = who + ": unknown action '" + a + "' (" + known + ")";
    }
}

}  // namespace ps::gui
