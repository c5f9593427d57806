// Registry of task-specific panels (see task_panel.hpp).
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

}  // namespace ps::gui
