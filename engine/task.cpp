// The Task base (presets, parameter count, NaN search, live counters), the task registry, and
// the config and divergence helpers shared by the CLI, the GUI and checkpoints.
#include <atomic>
#include <cmath>
#include "task.hpp"

namespace ps {

uint64_t new_content_version() {
    static std::atomic<uint64_t> next{1};
    return next.fetch_add(1, std::memory_order_relaxed);
}

void Task::set_preset(const std::string& name) {
    std::string known;
    bool found = false;
    for (const auto& p : presets()) {
        known += (known.empty() ? "" : ", ") + p.name;
        found = found || p.name == name;
    }
    if (!found) throw ConfigError("unknown preset '" + name + "' for task " + this->name() + " (presets: " + known + ")");
    apply_preset(name);
    preset_ = name;
}

int64_t Task::num_params() const {
    std::vector<TensorRef> ts;
    tensors(ts);
    int64_t n = 0;
    for (const auto& t : ts)
        if (t.param) n += t.size;
    return n;
}

std::string Task::find_nonfinite() const {
    std::vector<TensorRef> ts;
    tensors(ts);
    for (const auto& t : ts)
        for (int64_t i = 0; i < t.size; ++i)
            if (!std::isfinite(t.data[i])) return t.name;
    return "";
}

void Task::live_reset(uint64_t episode_seed) {
    live_seed_ = episode_seed;
    ++live_episode_;
    live_restart();
}

std::string Task::live_event(const LiveEvent& e) {
    return "the task '" + name() + "' has no '" + e.kind + "' action";
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

std::string divergence_message(Task& t, const std::string& where, double loss, const std::string& bad_tensor) {
    std::string what;
    if (!std::isfinite(loss)) what = std::string("the loss is ") + (std::isnan(loss) ? "NaN" : "infinite");
    if (!bad_tensor.empty()) what += (what.empty() ? "'" : " and '") + bad_tensor + "' is not finite";
    if (what.empty()) what = "a value is not finite";
    std::string lr, clip;
    for (const auto& f : t.fields()) {
        if (f.key == "lr") lr = " than lr=" + field_get(f);
        if (f.key == "grad_clip" || (f.key == "clip" && clip.empty())) clip = " or a gradient clip (" + f.key + "=1)";
    }
    return "training diverged at " + where + ": " + what + "; try a lower learning rate" + lr + clip;
}

}  // namespace ps
