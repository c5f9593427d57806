// Task registry and the config map helpers shared by CLI, GUI and checkpoints.
#include <atomic>
#include "task.hpp"

namespace ps {

uint64_t new_content_version() {
    static std::atomic<uint64_t> next{1};
    return next.fetch_add(1, std::memory_order_relaxed);
}

namespace {
std::vector<TaskEntry>& reg() {
    static std::vector<TaskEntry> r;   // function-local: safe from static-init order
    return r;
}
}  // namespace

const std::vector<TaskEntry>& task_registry() { return reg(); }

bool register_task(TaskEntry e) {
    auto& r = reg();
    auto pos = r.begin();
    while (pos != r.end() && pos->name < e.name) ++pos;   // keep the list sorted by name
    r.insert(pos, std::move(e));
    return true;
}

std::unique_ptr<Task> make_task(const std::string& name) {
    for (const auto& e : reg())
        if (e.name == name) return e.make();
    return nullptr;
}

std::string task_names() {
    std::string s;
    for (const auto& e : reg()) s += (s.empty() ? "" : ", ") + e.name;
    return s;
}

std::map<std::string, std::string> task_config(Task& t) {
    auto m = fields_to_map(t.fields());
    m["preset"] = t.preset();
    return m;
}

void set_task_config(Task& t, const std::map<std::string, std::string>& cfg) {
    auto it = cfg.find("preset");
    if (it != cfg.end()) t.set_preset(it->second);
    std::vector<std::string> kv;
    for (const auto& [k, v] : cfg)
        if (k != "preset") kv.push_back(k + "=" + v);
    apply_overrides(t.fields(), kv);
}

void Task::describe(ArrayMap& out) {
    for (const auto& f : fields())
        if (f.key == "rule") out["info/rule"] = text_array(field_get(f));
}

}  // namespace ps
