// Per-user settings of the GUI: window layout (Dear ImGui's ini) and the last task, kept in
// $XDG_CONFIG_HOME/plastiscope (else ~/.config/plastiscope), never in the working directory.
#pragma once
#include <map>
#include <string>

namespace ps::gui {

// The folder (created if missing); "" when neither XDG_CONFIG_HOME nor HOME is usable.
std::string config_dir();

// Small flat JSON of "task", "preset" and other UI state. Missing or unreadable file: empty map.
std::map<std::string, std::string> load_ui_state(const std::string& dir);
// Atomic write; returns "" or the error.
std::string save_ui_state(const std::string& dir, const std::map<std::string, std::string>& state);

}  // namespace ps::gui
