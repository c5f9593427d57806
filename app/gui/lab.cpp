// The lab's actions that involve several parts: opening networks, settings, training requests,
// the per-frame update and the summary line (see lab.hpp).
#include "gui/lab.hpp"
#include <algorithm>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <sstream>
#include "checkpoint.hpp"
#include "recording_task.hpp"

namespace ps::gui {

Lab::Lab(const GuiOptions& opt)
    : live([this](const std::string& t, const std::string& x) { show_error(t, x); },
           [this](const std::string& t, bool e) { note(t, e); }),
      training([this](const std::string& t, bool e) { note(t, e); },
               [this](const std::string& t, const std::string& x) { show_error(t, x); }),
      files(*this),
      lessons(*this),
      exporter(*this),
      opt_(opt) {
    live.set_prepare([this] { return prepare_episode(); });
}

Lab::~Lab() {
    builder.cancel();   // a network still being built is dropped
    panel_.reset();     // its own threads end first
    view.release();
}

std::string Lab::open_initial(const std::map<std::string, std::string>& st) {
    if (auto it = st.find("ui_scale"); it != st.end()) {
        const float sc = float(std::atof(it->second.c_str()));
        if (sc >= 1.0f && sc <= 2.5f) set_ui_scale(sc);
    }
    if (!opt_.recording.empty()) return open_recording(opt_.recording);
    std::string name = opt_.task;
    if (name.empty() && !opt_.checkpoint.empty()) {   // the checkpoint names its task
        try {
            name = checkpoint_task(opt_.checkpoint);
        } catch (const std::exception& e) {
            return std::string("--checkpoint: ") + e.what();
        }
        if (!make_task(name)) return "--checkpoint " + opt_.checkpoint + ": task '" + name + "' is not in this build";
    }
    if (name.empty()) {
        auto it = st.find("task");
        if (it != st.end() && make_task(it->second)) name = it->second;
    }
    if (name.empty() && make_task("patterns")) name = "patterns";   // the default demo
    if (name.empty() && !task_registry().empty()) name = task_registry().front().name;
    if (name.empty()) return "no task is registered in this build";
    if (!make_task(name)) return "unknown task '" + name + "' (known: " + task_names() + ")";
    std::string preset = opt_.preset;
    if (preset.empty() && opt_.task.empty()) {
        auto it = st.find("preset");
        if (it != st.end() && st.count("task") && st.at("task") == name) preset = it->second;
    }
    std::map<std::string, std::string> cfg;
    bool have_cfg = false;
    if (!opt_.config.empty()) {
        std::ifstream in(opt_.config, std::ios::binary);
        if (!in) return "--config: cannot read '" + opt_.config + "'";
        std::stringstream ss;
        ss << in.rdbuf();
        try {
            cfg = parse_flat_json(ss.str());
        } catch (const std::exception& e) {
            return "--config " + opt_.config + ": " + e.what();
        }
        if (!preset.empty() && !cfg.count("preset")) cfg["preset"] = preset;
        have_cfg = true;
    }
    // A lesson is checked before anything opens: a bad file is one line naming its line.
    if (!opt_.lesson.empty()) {
        try {
            load_lesson(opt_.lesson, lesson_action_known);
        } catch (const std::exception& e) {
            return std::string("--lesson ") + e.what();
        }
    }
    std::string err = open_task(name, preset, have_cfg ? &cfg : nullptr, opt_.checkpoint, true);
    if (!err.empty() && !opt_.checkpoint.empty()) return "--checkpoint: " + err;   // err names the file
    if (!err.empty() && have_cfg) return "--config " + opt_.config + ": " + err;
    if (!err.empty() && !preset.empty() && opt_.preset.empty()) {
        // A remembered preset that no longer exists: fall back to the default one.
        err = open_task(name, "", nullptr, "", true);
    }
    if (err.empty() && !opt_.lesson.empty()) err = lessons.open(opt_.lesson);
    return err;
}

// ---------------------------------------------------------------- opening networks

std::string Lab::open_task(const std::string& name, const std::string& preset,
                           const std::map<std::string, std::string>* config, const std::string& checkpoint,
                           bool use_pretrained, const std::string& error_title, std::function<void()> then) {
    auto b = std::make_unique<Build>();
    b->name = name;
    b->preset = preset;
    b->checkpoint = checkpoint;
    b->have_config = config != nullptr;
    if (config) b->config = *config;
    b->use_pretrained = use_pretrained;
    b->seed = seed;
    b->error_title = error_title;
    b->then = std::move(then);
    if (!async_builds_) {   // start-up: nothing to draw yet, and the caller wants the answer
        builder.run_now(*b);
        return finish_build_now(*b);
    }
    return builder.start(std::move(b), clock_);
}

void Lab::finish_build(std::unique_ptr<Build> b) {
    const std::string err = finish_build_now(*b);
    if (!err.empty()) show_error(b->error_title.empty() ? "Error" : b->error_title, err);
}

// Swaps the built network in (GUI thread). Returns "" or the build's error (state unchanged).
std::string Lab::finish_build_now(Build& b) {
    for (const auto& n : b.notes) note(n, true);
    if (!b.error.empty()) return b.error;
    const int eps = std::max(1, b.live->episodes_per_step());
    training.adopt(std::move(b.trainer), b.source, eps, std::move(b.record.marks));
    task_name_ = b.name;
    curves.invalidate();
    staged.clear();
    view.reset_for_new_task();
    panel_.reset();
    if (const TaskPanelFactory* make = find_task_panel(task_name_)) panel_ = (*make)();
    live.open(std::move(b.live), seed, std::move(b.run));
    note("opened " + b.name + " (" + live.task().preset() + "), " + b.source);
    if (b.then) b.then();
    return "";
}

std::string Lab::open_recording(const std::string& path) {
    std::unique_ptr<Task> t;
    try {
        t = std::make_unique<RecordingTask>(read_recording(path), path);
    } catch (const std::exception& e) {
        return e.what();
    }
    training.adopt(nullptr, "recording " + path, 1);
    task_name_ = "recording";
    curves.invalidate();
    staged.clear();
    view.reset_for_new_task();
    panel_.reset();
    live.open(std::move(t), seed);
    note("opened the recording " + path);
    return "";
}

std::string Lab::rebuild(const std::string& error_title, std::function<void()> then) {
    if (!live.has_task()) return "no task";
    auto cfg = staged.config(live.task());
    const int n = int(staged.size());
    return open_task(task_name_, "", &cfg, "", false, error_title, [this, n, then = std::move(then)] {
        note("rebuilt the network with " + std::to_string(n) + " staged change(s); parameters re-initialised");
        if (then) then();
    });
}

// ---------------------------------------------------------------- per frame

bool Lab::prepare_episode() {
    const bool changed = staged.apply_episode(live.task(), [this](const std::string& t, bool e) { note(t, e); });
    if (follow_training) {
        if (auto s = training.take_newer()) {
            try {
                live.task().load(s->params, false);
                training.note_params_used(*s);
            } catch (const std::exception& e) {
                note(std::string("could not use the trained parameters: ") + e.what(), true);
            }
        }
    }
    return changed;
}

void Lab::update(double dt) {
    if (auto b = builder.poll()) finish_build(std::move(b));
    clock_ += dt;
    ++frame_no_;
    if (auto s = training.sync(clock_)) {   // "use latest now": into the running episode
        const std::string err = live.load_params(std::shared_ptr<const ArrayMap>(s, &s->params));
        if (err.empty()) training.note_params_used(*s);
        else note("could not use the trained parameters: " + err, true);
    }
    curves.update(training, clock_);
    exporter.poll();
    lessons.update();
    live.update(dt);
}

void Lab::set_ui_scale(float s) {
    s = std::clamp(std::round(s * 20.0f) / 20.0f, 1.0f, 2.5f);
    if (s == ui_scale_) return;
    ui_scale_ = s;
    ui_scale_changed_ = true;
    reset_layout = true;
}

bool Lab::animating() const {
    return live.playing() || training.running() || training.load_asap() || builder.building();
}

// ---------------------------------------------------------------- settings and training

std::string Lab::edit_field(const std::string& key, const std::string& text) {
    if (!live.has_task()) return "no task";
    for (const auto& f : live.task().fields()) {
        if (f.key != key) continue;
        const std::string err = StagedSettings::validate(f, text);
        if (!err.empty()) return err;
        switch (f.apply) {
            case Apply::Live: {
                const std::string r = live.set_live_setting(key, text);
                if (!r.empty()) return r;
                training.set_field(key, text);
                break;
            }
            case Apply::Episode:
                staged.stage(f, text);
                training.set_field(key, text);   // the trainer's next batch uses it
                break;
            case Apply::Rebuild:
                staged.stage(f, text);
                break;
        }
        return "";
    }
    return "unknown setting '" + key + "'";
}

void Lab::train_from_scratch() {
    const std::string err = rebuild("Cannot train from scratch", [this] { training.start(); });
    if (!err.empty()) show_error("Cannot train from scratch", err);
}

void Lab::restart_from_last_good() {
    if (!training.has() || !live.has_task()) return;
    training.restart_from_last_good(task_name_, task_config(live.task()), seed);
}

void Lab::use_latest_now() {
    training.use_latest_now(clock_);
}

void Lab::set_baseline(const std::string& preset) {
    if (!live.has_task()) return;
    training.set_baseline(task_name_, preset, seed);
    curves.invalidate();
}

std::string Lab::baseline_checkpoint() const {
    if (!live.has_task()) return "";
    for (const auto& p : live.task().presets()) {
        const std::string& n = p.name;
        if (n.find("nonplastic") == std::string::npos && n.find("non-plastic") == std::string::npos) continue;
        const std::string f = pretrained_file(task_name_, n);
        std::error_code ec;
        if (std::filesystem::is_regular_file(f, ec)) return f;
    }
    return "";
}

std::string Lab::set_twin(const std::string& text) {
    TwinSpec spec;
    try {
        spec = parse_twin(text);
    } catch (const std::exception& e) {
        return e.what();
    }
    if (spec.kind == TwinSpec::Kind::Checkpoint && spec.checkpoint.empty()) {
        spec.checkpoint = baseline_checkpoint();
        if (spec.checkpoint.empty()) return "no trained non-plastic network ships for " + task_name_;
    }
    return live.set_twin(spec);
}

std::string Lab::show_timeline(int k) {
    if (!live.has_task()) return "no task";
    training.refresh_timeline();
    const auto& tl = training.timeline();
    if (k < 0) {
        timeline_shown = -1;
        follow_training = true;
        training.use_latest_now(clock_);
        return "";
    }
    if (k >= int(tl.size()))
        return "timeline entry " + std::to_string(k) + " does not exist (the timeline has " + std::to_string(tl.size()) +
               " entries)";
    std::string err;
    live.guarded("timeline", [&] {
        live.task().load(*tl[size_t(k)].params, false);
        timeline_shown = k;
        follow_training = false;   // else the next episode would load the newest parameters again
        live.restart();
    });
    note("showing the parameters of training iteration " + std::to_string(tl[size_t(k)].iter) +
         " (timeline entry " + std::to_string(k) + " of " + std::to_string(tl.size()) + ")");
    return err;
}

void Lab::track_cell(const std::string& matrix, int row, int col) {
    live.track({matrix, row, col});
    const LiveViews& v = live.views();
    for (const auto& m : v.matrices)
        if (m.name == matrix && m.m && v.activity && m.m->rows() == m.m->cols() && m.m->rows() == v.activity->cols()) {
            live.track({"", row, 0});
            if (col != row) live.track({"", col, 0});
        }
}

// ---------------------------------------------------------------- state for the loop and tests

std::map<std::string, std::string> Lab::ui_state() const {
    std::map<std::string, std::string> s;
    if (live.has_task() && task_name_ != "recording") {   // a recording is not a task to reopen
        s["task"] = task_name_;
        s["preset"] = live.task().preset();
    }
    char b[32];
    std::snprintf(b, sizeof b, "%.2f", double(ui_scale_));
    s["ui_scale"] = b;
    return s;
}

std::string Lab::summary() const {
    char b[768];
    std::snprintf(b, sizeof b,
                  "plastiscope-gui: task=%s preset=%s live_steps=%lld episode=%llu train_iterations=%lld "
                  "errors_shown=%d diverged=%d baseline_iterations=%lld shown_step=%d recorded=%d tracked=%zu "
                  "twin=%s ghost=%d timeline=%d timeline_entries=%zu lesson_step=%d lesson_steps=%zu "
                  "presentation=%d ui_scale=%.2f",
                  task_name_.c_str(), live.has_task() ? live.task().preset().c_str() : "",
                  static_cast<long long>(live.live_steps()), static_cast<unsigned long long>(live.episode_index()),
                  static_cast<long long>(training.iterations()), log.errors_shown(), training.diverged() ? 1 : 0,
                  static_cast<long long>(training.baseline_iterations()), live.t(), live.frontier(),
                  live.series().size(), twin_label().c_str(), live.ghost() ? 1 : 0, timeline_shown,
                  training.timeline().size(), lessons.active() ? lessons.step() + 1 : 0,
                  lessons.active() ? lessons.lesson().steps.size() : size_t(0), view.presentation ? 1 : 0,
                  double(ui_scale_));
    return b;
}

std::string Lab::twin_label() const {
    if (!live.twin()) return "off";
    switch (live.twin_spec().kind) {
        case TwinSpec::Kind::NoPlasticity: return "no-plasticity";
        case TwinSpec::Kind::Eta: return "eta";
        case TwinSpec::Kind::AlphaScale: return "alpha-scale";
        case TwinSpec::Kind::Config: return "config";
        case TwinSpec::Kind::Checkpoint: return "baseline";
        default: return "off";
    }
}

std::vector<std::string> Lab::view_rects() const {
    std::vector<std::string> r;
    for (const auto& mv : live.views().matrices) {
        auto it = view.mats.find(mv.name);
        if (it == view.mats.end()) continue;
        const MatrixWidget& w = it->second;
        char b[256];
        std::snprintf(b, sizeof b, "view %s %d %d %d %d", mv.name.c_str(), int(w.image_min.x), int(w.image_min.y),
                      int(w.image_max.x - w.image_min.x), int(w.image_max.y - w.image_min.y));
        r.push_back(b);
    }
    return r;
}

}  // namespace ps::gui
