// Settings edited in the Hyperparameters panel that wait for the next episode or a rebuild
// (key -> text): what the panel shows in place of the task's value, what a new episode applies,
// what a rebuild or a saved config uses. Values are checked against their field before staging.
#pragma once
#include <functional>
#include <map>
#include <string>
#include "task.hpp"

namespace ps::gui {

class StagedSettings {
public:
    // "" if text is a valid value of f (range, grid, choice), else the message.
    static std::string validate(const Field& f, const std::string& text);

    // Stages text for f (or forgets it when it equals the task's current value).
    void stage(const Field& f, const std::string& text);
    // Applies the staged next-episode settings to the task (a bad one becomes a note). Returns
    // true if any changed.
    bool apply_episode(Task& t, const std::function<void(const std::string&, bool)>& note);
    // The task's config with the staged values on top (a rebuild, a saved config).
    std::map<std::string, std::string> config(Task& t) const;
    // As JSON with the CLI's keys, formatted by the CLI's writer on a scratch task.
    std::string json(Task& t) const;

    bool has(const std::string& key) const { return staged_.count(key) > 0; }
    const std::string& at(const std::string& key) const { return staged_.at(key); }
    int count(Task& t, Apply kind) const;
    size_t size() const { return staged_.size(); }
    void clear() { staged_.clear(); }

private:
    std::map<std::string, std::string> staged_;
};

}  // namespace ps::gui
