// Staged settings (see staged_settings.hpp).
#include "gui/staged_settings.hpp"

namespace ps::gui {

std::string StagedSettings::validate(const Field& f, const std::string& text) {
    double d = 0;
    int i = 0;
    bool b = false;
    Field scratch = f;   // parsed and range-checked into a scratch value, never the task's
    scratch.ptr = f.type == Field::Type::Float ? static_cast<void*>(&d)
                  : f.type == Field::Type::Bool ? static_cast<void*>(&b)
                                                : static_cast<void*>(&i);
    try {
        field_set(scratch, text);
    } catch (const std::exception& e) {
        return e.what();
    }
    return "";
}

void StagedSettings::stage(const Field& f, const std::string& text) {
    if (field_get(f) == text) staged_.erase(f.key);
    else staged_[f.key] = text;
}

bool StagedSettings::apply_episode(Task& t, const std::function<void(const std::string&, bool)>& note) {
    bool changed = false;
    if (staged_.empty()) return false;
    for (const auto& f : t.fields()) {
        auto it = staged_.find(f.key);
        if (it == staged_.end() || f.apply != Apply::Episode) continue;
        try {
            field_set(f, it->second);
            changed = true;
        } catch (const std::exception& e) {
            note(e.what(), true);
        }
        staged_.erase(it);
    }
    return changed;
}

std::map<std::string, std::string> StagedSettings::config(Task& t) const {
    auto cfg = task_config(t);
    for (const auto& [k, v] : staged_) cfg[k] = v;
    return cfg;
}

std::string StagedSettings::json(Task& t) const {
    try {
        auto scratch = make_task(t.name());
        set_task_config(*scratch, config(t));
        return fields_to_json(scratch->fields(), scratch->preset());
    } catch (const std::exception&) {
        return fields_to_json(t.fields(), t.preset());
    }
}

int StagedSettings::count(Task& t, Apply kind) const {
    int n = 0;
    for (const auto& f : t.fields())
        if (f.apply == kind && staged_.count(f.key)) ++n;
    return n;
}

}  // namespace ps::gui
