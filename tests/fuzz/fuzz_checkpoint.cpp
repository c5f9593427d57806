// libFuzzer target: checkpoint loading as `plastiscope eval --checkpoint F` and the GUI's File >
// Open checkpoint do it (engine/checkpoint.cpp on top of the .npz reader, the flat-JSON config
// reader, the fields' range checks and each task's load()): checkpoint_task(F) names the task,
// load_checkpoint(F, task) applies the stored config, re-initialises and loads the arrays.
// Properties: success or one std::runtime_error naming the file on one line; a failed load leaves
// the task as it was (its saved arrays are byte-identical before and after); a loaded task has
// finite parameters and can step its live network.
// Speed guard: inputs whose stored config holds an integer above 512 (network sizes, pattern
// counts) are skipped before loading. They are valid (N = 4096 works) but each would spend
// seconds and gigabytes in init(), which fuzzing does not need to explore.
#include <cstring>
#include <map>
#include <memory>

#include "checkpoint.hpp"
#include "fuzz_util.hpp"
#include "npz.hpp"
#include "task.hpp"

using namespace ps;

namespace {
Task* task_named(const std::string& name) {
    static std::map<std::string, std::unique_ptr<Task>> tasks;
    auto& t = tasks[name];
    if (!t) {
        t = make_task(name);
        if (!t) return nullptr;
        t->init(0);
    }
    return t.get();
}

bool too_big(const uint8_t* data, size_t size) {
    try {
        const ArrayMap a = npz_read_memory(data, size, "pre", int64_t(64) << 20);
        const auto cfg = parse_flat_json(text_from(a, "meta/config"));
        for (const auto& [k, v] : cfg) {
            char* end = nullptr;
            const double x = std::strtod(v.c_str(), &end);
            if (end != v.c_str() && x > 512) return true;
        }
    } catch (const std::exception&) {
    }
    return false;
}

std::string state_bytes(Task& t) {
    ArrayMap a;
    t.save(a, true);
    std::string s;
    for (const auto& [n, arr] : a) {
        s += n;
        s += shape_str(arr.shape);
        auto add = [&](const auto& v) { s.append(reinterpret_cast<const char*>(v.data()), v.size() * sizeof v[0]); };
        add(arr.f32); add(arr.f64); add(arr.u8); add(arr.i64);
    }
    return s + fields_to_json(t.fields(), t.preset());
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (too_big(data, size)) return 0;
    const std::string path = fuzz::scratch_file("checkpoint.npz", data, size);
    std::string name;
    try {
        name = checkpoint_task(path);
    } catch (const std::runtime_error& e) {
        fuzz::check_message(e.what(), path);
        return 0;
    } catch (const std::exception& e) {
        fuzz::fuzz_fail(std::string("checkpoint_task threw something other than runtime_error: ") + e.what());
    }
    Task* t = task_named(name);
    if (!t) return 0;   // the CLI reports an unknown task by name (tests/cli.cmake)
    const std::string before = state_bytes(*t);
    try {
        load_checkpoint(path, *t, true);
    } catch (const std::runtime_error& e) {
        fuzz::check_message(e.what(), path);
        if (state_bytes(*t) != before) fuzz::fuzz_fail("a failed load changed the task '" + name + "'");
        return 0;
    } catch (const std::exception& e) {
        fuzz::fuzz_fail(std::string("load_checkpoint threw something other than runtime_error: ") + e.what());
    }
    const std::string bad = t->find_nonfinite();
    if (!bad.empty()) fuzz::fuzz_fail("a loaded checkpoint holds a non-finite '" + bad + "'");
    try {
        t->live_reset(1);
        for (int i = 0; i < 3 && t->live_step(); ++i) {
        }
        LiveViews v;
        t->live_views(v);
    } catch (const std::runtime_error&) {
        // A task may refuse to step with a message (the GUI shows it); it must not crash.
    }
    return 0;
}
