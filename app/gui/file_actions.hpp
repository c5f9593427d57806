// The File menu's work: open and save checkpoints and configs, screenshots on request, the
// folder the last dialog used and the in-app file dialog. Opening a checkpoint or a config that
// changes the network goes through the lab's builder (off the GUI thread).
#pragma once
#include <functional>
#include <string>
#include <utility>
#include <vector>
#include "gui/file_dialog.hpp"

namespace ps::gui {

class Lab;

class FileActions {
public:
    explicit FileActions(Lab& lab);

    // Each returns "" or the error (the caller shows it); results are logged.
    std::string open_checkpoint(const std::string& path);
    void save_checkpoint(const std::string& path);   // done by the trainer thread; result in the log
    std::string open_config(const std::string& path);
    std::string save_config(const std::string& path);
    std::string config_json();

    // Screenshots are taken by the frame loop (it owns the back buffer) at the end of a frame.
    void request_screenshot(const std::string& path) { screenshot_ = path; }
    std::string take_screenshot_request();

    // The dialogs of the File menu (they write files: not for the monkey).
    void dialog_open_checkpoint();
    void dialog_save_checkpoint();
    void dialog_open_config();
    void dialog_save_config();
    void dialog_screenshot();
    void dialog_export_tracked();
    void dialog_open_lesson();
    void dialog_export(const std::string& ext);   // .gif, .mp4 or .png: then File > Export's job
    // The lessons that ship (title, path), read once.
    const std::vector<std::pair<std::string, std::string>>& shipped_lessons();
    void look(const std::string& dir);   // open a dialog only to look (figures, tests)
    void draw() { dialog_.draw(); }

private:
    // Opens the dialog; a chosen path becomes the next start folder and goes to act, whose error
    // (if any) is shown under error_title.
    void ask(const std::string& title, bool save, const std::string& ext, const std::string& start,
             const std::string& error_title, std::function<std::string(const std::string&)> act);

    Lab& lab_;
    FileDialog dialog_;
    std::string last_dir_, screenshot_;
    std::vector<std::pair<std::string, std::string>> lessons_;
    bool lessons_read_ = false;
};

}  // namespace ps::gui
