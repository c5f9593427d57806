// In-app file picker (see file_dialog.hpp).
#include "gui/file_dialog.hpp"
#include <imgui.h>
#include <algorithm>
#include <cstring>
#include <filesystem>

namespace ps::gui {

namespace fs = std::filesystem;

void FileDialog::open(const std::string& title, bool save, const std::string& ext, const std::string& start_path,
                      Done done) {
    title_ = title;
    save_ = save;
    ext_ = ext;
    done_ = std::move(done);
    error_.clear();
    std::error_code ec;
    fs::path p = start_path.empty() ? fs::current_path(ec) : fs::path(start_path);
    if (fs::is_directory(p, ec)) {
        dir_ = fs::absolute(p, ec).string();
        name_[0] = 0;
    } else {
        dir_ = fs::absolute(p, ec).parent_path().string();
        std::snprintf(name_, sizeof name_, "%s", p.filename().string().c_str());
    }
    if (dir_.empty() || !fs::is_directory(dir_, ec)) dir_ = fs::current_path(ec).string();
    list_dir();
    request_ = true;
}

void FileDialog::list_dir() {
    entries_.clear();
    std::error_code ec;
    for (auto it = fs::directory_iterator(dir_, fs::directory_options::skip_permission_denied, ec);
         !ec && it != fs::directory_iterator(); it.increment(ec)) {
        const std::string n = it->path().filename().string();
        if (n.empty() || n[0] == '.') continue;
        const bool d = it->is_directory(ec);
        if (!d && !ext_.empty() && (n.size() < ext_.size() || n.compare(n.size() - ext_.size(), ext_.size(), ext_) != 0))
            continue;
        entries_.emplace_back(n, d);
    }
    std::sort(entries_.begin(), entries_.end(), [](const auto& a, const auto& b) {
        return a.second != b.second ? a.second > b.second : a.first < b.first;
    });
}

void FileDialog::draw() {
    if (request_) {
        ImGui::OpenPopup(title_.c_str());
        request_ = false;
        open_ = true;
    }
    if (!open_) return;
    const ImVec2 ds = ImGui::GetIO().DisplaySize;
    ImGui::SetNextWindowSize(ImVec2(std::min(640.0f, ds.x - 40), std::min(460.0f, ds.y - 40)), ImGuiCond_Appearing);
    ImGui::SetNextWindowPos(ImVec2(ds.x / 2, ds.y / 2), ImGuiCond_Appearing, ImVec2(0.5f, 0.5f));
    bool keep = true;
    if (!ImGui::BeginPopupModal(title_.c_str(), &keep)) {
        open_ = false;
        return;
    }
    ImGui::TextDisabled("Folder:");
    ImGui::SameLine();
    ImGui::TextWrapped("%s", dir_.c_str());
    if (ImGui::Button("Up")) {
        dir_ = fs::path(dir_).parent_path().string();
        list_dir();
    }
    ImGui::SameLine();
    if (ext_.empty()) ImGui::TextDisabled("all files");
    else ImGui::TextDisabled("*%s files and folders", ext_.c_str());
    const float footer = ImGui::GetFrameHeightWithSpacing() * 2 + 8;
    ImGui::BeginChild("##list", ImVec2(0, -footer), true);
    std::string enter_dir;
    for (const auto& [n, d] : entries_) {
        const std::string label = d ? n + "/" : n;
        if (ImGui::Selectable(label.c_str(), !d && n == name_, ImGuiSelectableFlags_AllowDoubleClick)) {
            if (d) { if (ImGui::IsMouseDoubleClicked(0)) enter_dir = n; }
            else {
                std::snprintf(name_, sizeof name_, "%s", n.c_str());
                if (ImGui::IsMouseDoubleClicked(0) && !save_) {
                    done_((fs::path(dir_) / name_).string());
                    open_ = false;
                    ImGui::CloseCurrentPopup();
                }
            }
        }
    }
    if (entries_.empty()) ImGui::TextDisabled("(nothing here)");
    ImGui::EndChild();
    if (!enter_dir.empty()) {
        dir_ = (fs::path(dir_) / enter_dir).string();
        list_dir();
    }
    ImGui::SetNextItemWidth(-1);
    const bool enter = ImGui::InputTextWithHint("##name", "file name", name_, sizeof name_,
                                                ImGuiInputTextFlags_EnterReturnsTrue);
    if (!error_.empty()) ImGui::TextColored(ImVec4(1, 0.45f, 0.4f, 1), "%s", error_.c_str());
    const bool ok = ImGui::Button(save_ ? "Save" : "Open", ImVec2(120, 0)) || enter;
    ImGui::SameLine();
    const bool cancel = ImGui::Button("Cancel", ImVec2(120, 0));
    if (ok && open_) {
        std::string n = name_;
        if (n.empty()) error_ = "type or pick a file name";
        else {
            fs::path p = fs::path(n).is_absolute() ? fs::path(n) : fs::path(dir_) / n;
            if (save_ && !ext_.empty() && p.extension().string() != ext_) p += ext_;
            std::error_code ec;
            if (!save_ && !fs::is_regular_file(p, ec)) error_ = "no such file: " + p.string();
            else {
                done_(p.string());
                open_ = false;
                ImGui::CloseCurrentPopup();
            }
        }
    }
    if (cancel || !keep) {
        open_ = false;
        ImGui::CloseCurrentPopup();
    }
    ImGui::EndPopup();
}

}  // namespace ps::gui
