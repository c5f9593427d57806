// Checkpoint save/load on top of npz.hpp and the Task interface; old array names are upgraded
// on load (task_state.hpp).
#include "checkpoint.hpp"
#include <cmath>
#include <cstdio>
#include <limits>
#include <stdexcept>
#include "npz.hpp"
#include "task_state.hpp"

namespace ps {

void save_checkpoint(const std::string& path, Task& task, int64_t episode, const TrainingRecord* record) {
    ArrayMap a;
    a["meta/format"] = text_array(kCheckpointFormat);
    a["meta/task"] = text_array(task.name());
    const std::string json = fields_to_json(task.fields(), task.preset());
    a["meta/config"] = text_array(json);
    a["meta/episode"] = i64_array({episode});
    task.save(a, true);
    if (record) {
        save_history(a, record->history, task.episodes_per_step(), record->marks);
        ParamTimeline tl;
        tl.assign(record->timeline);
        tl.save(a, record->timeline_keep);
    }
    npz_write(path, a);
}

namespace {
// Text from the file, for a one-line error message.
std::string printable(const std::string& s) { return message_text(s, 80); }

ArrayMap read_checked(const std::string& path) {
    ArrayMap a = npz_read(path);
    std::string fmt;
    try {
        fmt = text_from(a, "meta/format");
    } catch (const std::exception&) {
        throw std::runtime_error(path + ": not a Plastiscope checkpoint (no meta/format array)");
    }
    if (fmt != kCheckpointFormat)
        throw std::runtime_error(path + ": unsupported checkpoint format '" + printable(fmt) + "' (expected " + kCheckpointFormat + ")");
    return a;
}

// A float64 array where the task keeps float32 must fit in float32: converting 1e300 to float
// is undefined behaviour, and in practice an Inf that the task's finiteness check never sees.
void check_float_range(const ArrayMap& file, const ArrayMap& own) {
    for (const auto& [name, arr] : file) {
        auto it = own.find(name);
        if (arr.dtype != Array::Dtype::F64 || it == own.end() || it->second.dtype != Array::Dtype::F32) continue;
        for (size_t i = 0; i < arr.f64.size(); ++i)
            if (std::isfinite(arr.f64[i]) && std::fabs(arr.f64[i]) > double(std::numeric_limits<float>::max())) {
                char v[32];
                std::snprintf(v, sizeof v, "%g", arr.f64[i]);
                throw std::runtime_error("array '" + name + "' holds " + v + " at index " + std::to_string(i) +
                                         ", beyond the float32 range of this task");
            }
    }
}
}  // namespace

std::string checkpoint_task(const std::string& path) {
    ArrayMap a = read_checked(path);
    std::string name;
    try {
        name = text_from(a, "meta/task");
    } catch (const std::exception& e) {
        throw std::runtime_error(path + ": " + e.what());
    }
    // Callers print it ("unknown task '...'"): a task name is short printable text.
    if (name.empty() || name.size() > 64 || printable(name) != name)
        throw std::runtime_error(path + ": array 'meta/task' does not hold a task name ('" + printable(name) + "')");
    return name;
}

int64_t load_checkpoint(const std::string& path, Task& task, bool with_optimizer, TrainingRecord* record) {
    ArrayMap a = read_checked(path);
    upgrade_checkpoint_keys(a);   // files written before the one key scheme (task_state.hpp)
    // Keep the old state so a bad file leaves the task as it was.
    const auto old_cfg = task_config(task);
    ArrayMap old_state;
    task.save(old_state, true);
    try {
        const std::string name = text_from(a, "meta/task");
        if (name != task.name())
            throw std::runtime_error("checkpoint is for task '" + printable(name) + "', not '" + task.name() + "'");
        check_float_range(a, old_state);
        auto cfg = parse_flat_json(text_from(a, "meta/config"));
        set_task_config(task, cfg);
        task.init(0);
        task.load(a, with_optimizer);
        auto it = a.find("meta/episode");
        if (it == a.end()) throw std::runtime_error("array 'meta/episode' is missing");
        if (it->second.dtype != Array::Dtype::I64 || it->second.i64.size() != 1)
            throw std::runtime_error("array 'meta/episode' is not one int64");
        const int64_t ep = it->second.i64[0];
        if (ep < 0) throw std::runtime_error("negative episode counter");
        if (record) {
            record->history = load_history(a, task.episodes_per_step(), &record->marks);
            record->timeline = ParamTimeline::load(a);
        }
        return ep;
    } catch (const std::exception& e) {
        try {
            set_task_config(task, old_cfg);
            task.init(0);
            task.load(old_state, true);
        } catch (const std::exception&) {
        }
        throw std::runtime_error(path + ": " + e.what());
    }
}

}  // namespace ps
