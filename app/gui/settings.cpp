// Per-user settings folder and the UI state file.
#include "gui/settings.hpp"
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include "fields.hpp"
#include "npz.hpp"

namespace ps::gui {

std::string config_dir() {
    namespace fs = std::filesystem;
    fs::path base;
    if (const char* x = std::getenv("XDG_CONFIG_HOME"); x && *x) base = x;
    else if (const char* h = std::getenv("HOME"); h && *h) base = fs::path(h) / ".config";
    else return "";
    const fs::path dir = base / "plastiscope";
    std::error_code ec;
    fs::create_directories(dir, ec);
    if (ec || !fs::is_directory(dir, ec)) return "";
    return dir.string();
}

std::map<std::string, std::string> load_ui_state(const std::string& dir) {
    if (dir.empty()) return {};
    std::ifstream in(dir + "/state.json");
    if (!in) return {};
    std::stringstream ss;
    ss << in.rdbuf();
    try {
        return parse_flat_json(ss.str());
    } catch (const std::exception&) {
        return {};   // a damaged state file only loses the last-task memory
    }
}

std::string save_ui_state(const std::string& dir, const std::map<std::string, std::string>& state) {
    if (dir.empty()) return "no settings folder (HOME and XDG_CONFIG_HOME are unset)";
    std::string s = "{\n";
    size_t i = 0;
    for (const auto& [k, v] : state) {
        std::string e;
        for (char c : v) {
            if (c == '"' || c == '\\') e += '\\';
            if (static_cast<unsigned char>(c) >= 0x20) e += c;
        }
        s += "  \"" + k + "\": \"" + e + "\"" + (++i < state.size() ? ",\n" : "\n");
    }
    s += "}\n";
    try {
        write_file_atomic(dir + "/state.json", s);
    } catch (const std::exception& e) {
        return e.what();
    }
    return "";
}

}  // namespace ps::gui
