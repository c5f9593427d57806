// The File menu's work (see file_actions.hpp).
#include "gui/file_actions.hpp"
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include "checkpoint.hpp"
#include "data_dir.hpp"
#include "gui/lab.hpp"
#include "npz.hpp"

namespace ps::gui {

namespace {
std::string parent(const std::string& p) { return std::filesystem::path(p).parent_path().string(); }
}  // namespace

FileActions::FileActions(Lab& lab) : lab_(lab) {
    std::error_code ec;
    last_dir_ = std::filesystem::current_path(ec).string();
}

std::string FileActions::open_checkpoint(const std::string& path) {
    // The file names its task: open that one (it may differ from the current task).
    std::string name;
    try {
        name = checkpoint_task(path);
    } catch (const std::exception& e) {
        return e.what();
    }
    if (!make_task(name)) return path + ": checkpoint of task '" + name + "', which this build does not have";
    return lab_.open_task(name, "", nullptr, path, false, "Cannot open checkpoint");
}

void FileActions::save_checkpoint(const std::string& path) {
    if (!lab_.training.has()) return;
    const int eps = lab_.training.eps_per_step();
    BackgroundTrainer* tr = &lab_.training.trainer();   // the action runs on its thread, while it lives
    std::vector<TrainMark> marks = lab_.training.marks();
    // On the trainer's thread even when it is not training: collecting the history and timeline
    // and writing (with fsync) can take seconds for a large network.
    tr->post_on_thread([path, eps, tr, marks](Task& t, int64_t iter) -> TrainerNote {
        try {
            TrainingRecord rec;   // how it was trained: the curves, the settings changed, the timeline
            rec.history = tr->history();
            rec.marks = marks;
            rec.timeline = tr->timeline();
            if (rec.timeline.empty() || rec.timeline.back().iter < iter) {   // it ends where training stands
                auto now = std::make_shared<ArrayMap>();
                t.save(*now, false);
                rec.timeline.push_back({iter, std::move(now)});
            }
            ps::save_checkpoint(path, t, iter * eps, &rec);
        } catch (const std::exception& e) {
            return TrainerNote(std::string("cannot save checkpoint ") + path + ": " + e.what(), true);
        }
        return "saved checkpoint " + path + " (iteration " + std::to_string(iter) + ")";
    });
}

std::string FileActions::config_json() {
    if (!lab_.live.has_task()) return "{}";
    return lab_.staged.json(lab_.live.task());
}

std::string FileActions::save_config(const std::string& path) {
    try {
        write_file_atomic(path, config_json());
    } catch (const std::exception& e) {
        return e.what();
    }
    lab_.note("saved config " + path);
    return "";
}

std::string FileActions::open_config(const std::string& path) {
    if (!lab_.live.has_task()) return "no task";
    std::ifstream in(path, std::ios::binary);
    if (!in) return "cannot read '" + path + "'";
    std::stringstream ss;
    ss << in.rdbuf();
    std::map<std::string, std::string> cfg;
    Task& live = lab_.live.task();
    try {
        cfg = parse_flat_json(ss.str());
        auto probe = make_task(live.name());   // validate every key and value first
        set_task_config(*probe, cfg);
    } catch (const std::exception& e) {
        return path + ": " + e.what();
    }
    // Rebuild if the preset or any Rebuild field changes; else apply like panel edits.
    bool need_rebuild = cfg.count("preset") && cfg.at("preset") != live.preset();
    for (const auto& f : live.fields()) {
        auto it = cfg.find(f.key);
        if (it != cfg.end() && f.apply == Apply::Rebuild && it->second != field_get(f)) need_rebuild = true;
    }
    if (need_rebuild) {
        const std::string err = lab_.open_task(live.name(), "", &cfg, "", false, "Cannot use config " + path,
                                               [this, path] {
                                                   lab_.note("loaded config " + path +
                                                             " (network rebuilt, parameters re-initialised)");
                                               });
        if (!err.empty()) return path + ": " + err;
        return "";
    }
    for (const auto& [k, v] : cfg)
        if (k != "preset") {
            const std::string err = lab_.edit_field(k, v);
            if (!err.empty()) return path + ": " + err;
        }
    lab_.note("loaded config " + path);
    return "";
}

std::string FileActions::take_screenshot_request() {
    std::string r;
    r.swap(screenshot_);
    return r;
}

void FileActions::ask(const std::string& title, bool save, const std::string& ext, const std::string& start,
                      const std::string& error_title, std::function<std::string(const std::string&)> act) {
    dialog_.open(title, save, ext, start, [this, error_title, act](const std::string& p) {
        last_dir_ = parent(p);
        const std::string err = act(p);
        if (!err.empty()) lab_.show_error(error_title, err);
    });
}

void FileActions::dialog_open_checkpoint() {
    ask("Open checkpoint", false, ".npz", last_dir_, "Cannot open checkpoint", [this](const std::string& p) { return open_checkpoint(p); });
}

void FileActions::dialog_save_checkpoint() {
    ask("Save checkpoint", true, ".npz", last_dir_ + "/" + lab_.task_name() + ".npz", "", [this](const std::string& p) {
        save_checkpoint(p);   // the trainer reports the result in the log
        return std::string();
    });
}

void FileActions::dialog_open_config() {
    ask("Open config", false, ".json", last_dir_, "Cannot open config", [this](const std::string& p) { return open_config(p); });
}

void FileActions::dialog_save_config() {
    ask("Save config", true, ".json", last_dir_ + "/" + lab_.task_name() + ".json", "Cannot save config",
        [this](const std::string& p) { return save_config(p); });
}

void FileActions::dialog_screenshot() {
    ask("Save screenshot", true, ".png", last_dir_ + "/plastiscope.png", "", [this](const std::string& p) {
        request_screenshot(p);
        return std::string();
    });
}

void FileActions::dialog_export_tracked() {
    ask("Export tracked series", true, ".csv", last_dir_ + "/tracked.csv", "Cannot export", [this](const std::string& p) {
        const std::string err = lab_.live.export_tracked_csv(p);
        if (err.empty()) lab_.note("saved " + p);
        return err;
    });
}

void FileActions::dialog_export(const std::string& ext) {
    ask("Export", true, ext, last_dir_ + "/" + lab_.task_name() + ext, "Cannot export",
        [this](const std::string& p) { return lab_.exporter.start(p); });
}

void FileActions::dialog_open_lesson() {
    dialog_.open("Open lesson", false, ".md", data_path("lessons"), [this](const std::string& p) {
        const std::string err = lab_.lessons.open(p);
        if (!err.empty()) lab_.show_error("Cannot open the lesson", err);
    });
}

const std::vector<std::pair<std::string, std::string>>& FileActions::shipped_lessons() {
    if (lessons_read_) return lessons_;
    lessons_read_ = true;
    std::error_code ec;
    std::vector<std::string> files;
    for (const auto& e : std::filesystem::directory_iterator(data_path("lessons"), ec))
        if (e.path().extension() == ".md" && e.path().filename() != "README.md") files.push_back(e.path().string());
    std::sort(files.begin(), files.end());
    for (const auto& f : files) {
        try {
            lessons_.push_back({load_lesson(f, lesson_action_known).title, f});
        } catch (const std::exception& e) {
            lab_.note(std::string("lesson not listed: ") + e.what(), true);
        }
    }
    return lessons_;
}

void FileActions::look(const std::string& dir) {
    dialog_.open("Open checkpoint", false, ".npz", dir.empty() ? last_dir_ : dir, [](const std::string&) {});
}

}  // namespace ps::gui
