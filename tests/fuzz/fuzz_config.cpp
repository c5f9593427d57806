// libFuzzer target: config JSON (`--config FILE`, File > Open config, the config stored in a
// checkpoint): parse_flat_json, then set_task_config on a registered task chosen by the first
// byte (preset, then every key through the fields' range checks).
// Properties: success or one ConfigError on one line; a config that applies is written back by
// fields_to_json to text that parses and re-applies to the very same values.
#include <map>
#include <memory>
#include <vector>

#include "fields.hpp"
#include "fuzz_util.hpp"
#include "task.hpp"

using namespace ps;

namespace {
std::vector<std::unique_ptr<Task>>& tasks() {
    static std::vector<std::unique_ptr<Task>> t = [] {
        std::vector<std::unique_ptr<Task>> v;
        for (const auto& e : task_registry()) v.push_back(e.make());
        return v;
    }();
    return t;
}
}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0 || tasks().empty()) return 0;
    Task& t = *tasks()[data[0] % tasks().size()];
    const std::string text(reinterpret_cast<const char*>(data) + 1, size - 1);
    t.set_preset(t.presets().front().name);
    std::map<std::string, std::string> cfg;
    try {
        cfg = parse_flat_json(text);
        set_task_config(t, cfg);
    } catch (const ConfigError& e) {
        const std::string m = e.what();
        if (m.empty() || m.find('\n') != std::string::npos) fuzz::fuzz_fail("the config error is not one line: " + m);
        return 0;
    } catch (const std::exception& e) {
        fuzz::fuzz_fail(std::string("config loading threw something other than ConfigError: ") + e.what());
    }
    // Round trip: write, parse, apply to the same task type from its defaults, write again.
    const std::string json = fields_to_json(t.fields(), t.preset());
    try {
        const auto back = parse_flat_json(json);
        if (back != task_config(t)) fuzz::fuzz_fail("fields_to_json does not parse back to the task's config:\n" + json);
        auto u = make_task(t.name());
        set_task_config(*u, back);
        if (fields_to_json(u->fields(), u->preset()) != json) fuzz::fuzz_fail("the config does not round-trip:\n" + json);
        // Values, not only their text: a resumed run must use the very same numbers.
        const auto ft = t.fields(), fu = u->fields();
        for (size_t i = 0; i < ft.size(); ++i)
            if (ft[i].type == Field::Type::Float && *static_cast<double*>(ft[i].ptr) != *static_cast<double*>(fu[i].ptr))
                fuzz::fuzz_fail("field '" + ft[i].key + "' is " + field_get(ft[i]) + " but reads back as a different number");
    } catch (const ConfigError& e) {
        fuzz::fuzz_fail(std::string("a config the task accepted does not re-apply: ") + e.what() + "\n" + json);
    }
    return 0;
}
