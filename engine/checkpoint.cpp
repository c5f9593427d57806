// Checkpoint save/load on top of npz.hpp and the Task interface.
#include "checkpoint.hpp"
#include <stdexcept>
#include "npz.hpp"

namespace ps {

void save_checkpoint(const std::string& path, Task& task, int64_t episode) {
    ArrayMap a;
    a["meta/format"] = text_array(kCheckpointFormat);
    a["meta/task"] = text_array(task.name());
    const std::string json = fields_to_json(task.fields(), task.preset());
    a["meta/config"] = text_array(json);
    a["meta/episode"] = i64_array({episode});
    task.save(a, true);
    npz_write(path, a);
}

namespace {
ArrayMap read_checked(const std::string& path) {
    ArrayMap a = npz_read(path);
    std::string fmt;
    try {
        fmt = text_from(a, "meta/format");
    } catch (const std::exception&) {
        throw std::runtime_error(path + ": not a Plastiscope checkpoint (no meta/format array)");
    }
    if (fmt != kCheckpointFormat)
        throw std::runtime_error(path + ": unsupported checkpoint format '" + fmt + "' (expected " + kCheckpointFormat + ")");
    return a;
}
}  // namespace

std::string checkpoint_task(const std::string& path) {
    ArrayMap a = read_checked(path);
    try {
        return text_from(a, "meta/task");
    } catch (const std::exception& e) {
        throw std::runtime_error(path + ": " + e.what());
    }
}

int64_t load_checkpoint(const std::string& path, Task& task, bool with_optimizer) {
    ArrayMap a = read_checked(path);
    // Keep the old state so a bad file leaves the task as it was.
    const auto old_cfg = task_config(task);
    ArrayMap old_state;
    task.save(old_state, true);
    try {
        const std::string name = text_from(a, "meta/task");
        if (name != task.name())
            throw std::runtime_error("checkpoint is for task '" + name + "', not '" + task.name() + "'");
        auto cfg = parse_flat_json(text_from(a, "meta/config"));
        set_task_config(task, cfg);
        task.init(0);
        task.load(a, with_optimizer);
        auto it = a.find("meta/episode");
        if (it == a.end() || it->second.size() != 1) throw std::runtime_error("array 'meta/episode' is missing");
        const int64_t ep = int64_t(it->second.at(0));
        if (ep < 0) throw std::runtime_error("negative episode counter");
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
