// The lab's behaviour: opening tasks and checkpoints, live stepping, the handoff with the
// background trainer, staged settings and scripted actions (see lab.hpp).
#include "gui/lab.hpp"
#include <imgui.h>
#include <algorithm>
#include <chrono>
#include <cmath>
#include <filesystem>
#include <functional>
#include <fstream>
#include <sstream>
#include <thread>
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include "checkpoint.hpp"
#include "gui/plot.hpp"
#include "npz.hpp"

namespace ps::gui {

// After a task switch, a rebuild or a trainer restart has freed the old matrices: hand their
// pages back to the system. glibc keeps freed heap pages (its mmap threshold rises after the
// first large free), so without this the app's resident memory ratchets up over a long session
// although nothing leaks. Trimming here, and not by forcing every large allocation through mmap,
// leaves the training loops' allocations fast (a fixed 1 MB mmap threshold made omniglot
// training spend a third of its time in page faults).
void release_freed_memory() {
#if defined(__GLIBC__)
    malloc_trim(0);
#endif
}

namespace {
// Speeds of the transport: steps per second (slow motion) then steps per frame.
struct Speed {
    const char* label;
    double per_second;   // > 0: slow motion
    int per_frame;
};
const Speed kSpeeds[] = {{"1 step/s", 1, 0},        {"2 steps/s", 2, 0},       {"5 steps/s", 5, 0},
                         {"10 steps/s", 10, 0},     {"30 steps/s", 30, 0},     {"1 step/frame", 0, 1},
                         {"2 steps/frame", 0, 2},   {"5 steps/frame", 0, 5},   {"10 steps/frame", 0, 10},
                         {"20 steps/frame", 0, 20}, {"50 steps/frame", 0, 50}, {"100 steps/frame", 0, 100},
                         {"200 steps/frame", 0, 200}, {"500 steps/frame", 0, 500}};
constexpr int kNumSpeeds = int(sizeof kSpeeds / sizeof kSpeeds[0]);

double now_s() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}

// The text a field would take, validated against its range on a scratch copy.
std::string validate(const Field& f, const std::string& text) {
    double d = 0;
    int i = 0;
    bool b = false;
    Field scratch = f;
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

uint64_t mix_seed(uint64_t a, uint64_t b) {
    uint64_t z = a * 0x9E3779B97F4A7C15ull + b + 0x632BE59BD9B4E019ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}
}  // namespace

const char* speed_label(int i) { return kSpeeds[std::clamp(i, 0, kNumSpeeds - 1)].label; }
int num_speeds() { return kNumSpeeds; }

Lab::Lab(const GuiOptions& opt) : opt_(opt) {
    std::error_code ec;
    last_dir_ = std::filesystem::current_path(ec).string();
}

Lab::~Lab() {
    // Both stop at once (a long step is cancelled), then the threads are joined before the
    // tasks and GL objects go.
    if (trainer_) trainer_->request_stop();
    if (baseline_) baseline_->request_stop();
    join_build();   // a network still being built is dropped
    baseline_.reset();
    trainer_.reset();
    reap(true);
    for (auto& [n, w] : mats_) w.destroy();
    raster_.destroy();
    input_raster_.destroy();
    for (auto& im : images_) im.destroy();
}

void Lab::retire(std::unique_ptr<BackgroundTrainer>& t) {
    if (!t) return;
    t->request_stop();
    auto done = std::make_shared<std::atomic<bool>>(false);
    std::thread th([p = std::move(t), done]() mutable {
        p.reset();               // joins the trainer's thread: the rest of its step, if any
        release_freed_memory();  // its task's pages go back to the system
        done->store(true);
    });
    retired_.push_back({std::move(th), std::move(done)});
}

void Lab::reap(bool all) {
    for (size_t i = 0; i < retired_.size();) {
        if (all || retired_[i].done->load()) {
            retired_[i].th.join();
            retired_.erase(retired_.begin() + std::ptrdiff_t(i));
        } else {
            ++i;
        }
    }
}

std::string Lab::open_initial(const std::map<std::string, std::string>& st) {
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
    if (name.empty()) {
        for (const char* pref : {"patterns", "demo-hebb"})
            if (make_task(pref)) { name = pref; break; }
        if (name.empty() && !task_registry().empty()) name = task_registry().front().name;
    }
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
    std::string err = open_task(name, preset, have_cfg ? &cfg : nullptr, opt_.checkpoint, true);
    if (!err.empty() && !opt_.checkpoint.empty()) return "--checkpoint: " + err;   // err names the file
    if (!err.empty() && have_cfg) return "--config " + opt_.config + ": " + err;
    if (!err.empty() && !preset.empty() && opt_.preset.empty()) {
        // A remembered preset that no longer exists: fall back to the default one.
        err = open_task(name, "", nullptr, "", true);
    }
    return err;
}

// ---------------------------------------------------------------- live stepping

void Lab::begin_episode(bool fresh) {
    live_ok_ = false;   // until the task has begun the episode without throwing
    // Episode-level settings staged in the panel take effect now.
    bool changed = false;
    if (!staged_.empty()) {
        for (const auto& f : live_->fields()) {
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
    }
    // The same episode cannot be replayed under other episode settings (its data was drawn with
    // the old ones: sizes, lengths, classes): Restart then begins a new one, and says so.
    if (changed && !fresh) {
        fresh = true;
        note("next-episode settings applied: a new episode instead of a restart");
    }
    if (follow_training_) pick_up_params(true);
    if (fresh) {
        ++episode_index_;
        live_->live_reset(mix_seed(seed_, episode_index_));
    } else {
        live_->live_restart();
    }
    episode_done_ = false;
    views_changed_ = true;
    live_ok_ = true;
}

void Lab::pick_up_params(bool only_if_newer) {
    if (!trainer_) return;
    auto s = only_if_newer ? trainer_->snapshot_if_newer(seen_version_) : trainer_->snapshot();
    if (!s) return;
    try {
        live_->load(s->params, false);
        seen_version_ = s->version;
        params_iter_ = s->iter;
        if (s->iter > 0) params_source_ = "training (iteration " + std::to_string(s->iter) + ")";
        views_changed_ = true;
    } catch (const std::exception& e) {
        note(std::string("could not use the trained parameters: ") + e.what(), true);
        seen_version_ = s->version;
    }
}

bool Lab::advance() {
    // After an error the episode is begun again first: it throws again (and says why) while
    // the settings are still bad, and steps a consistent task once they are fixed.
    if (!live_ok_) {
        begin_episode(false);
        return true;
    }
    if (episode_done_) {
        if (!loop_ && playing_) {
            playing_ = false;
            return false;
        }
        begin_episode(true);
    }
    episode_done_ = !live_->live_step();
    ++live_steps_;
    views_changed_ = true;
    return true;
}

void Lab::play(bool on) {
    playing_ = on;
    slow_acc_ = 0;
    if (on && episode_done_ && !loop_)
        guarded("new episode", [&] {
            begin_episode(true);
            refresh_views();
        });
}
// A task that throws while stepping live must not take the app down: stop playing, drop the
// views (their pointers may be stale) and say what happened.
void Lab::guarded(const char* what, const std::function<void()>& f) {
    try {
        f();
    } catch (const std::exception& e) {
        playing_ = false;
        live_ok_ = false;
        views_ = LiveViews();
        frame_changed_ = true;
        show_error(std::string("The live network stopped (") + what + ")", e.what());
    }
}

void Lab::step_once() {
    playing_ = false;
    guarded("step", [&] {
        advance();
        refresh_views();
    });
}
void Lab::restart_episode() {
    guarded("restart", [&] {
        begin_episode(false);
        refresh_views();
    });
}
void Lab::new_episode() {
    guarded("new episode", [&] {
        begin_episode(true);
        refresh_views();
    });
}

bool Lab::animating() const {
    return playing_ || (trainer_ && trainer_->running()) || (baseline_ && baseline_->running()) || load_asap_;
}

void Lab::update(double dt) {
    reap(false);
    poll_build();
    clock_ += dt;
    ++frame_no_;
    frame_changed_ = false;
    sync_trainers();
    update_curves();
    step_limited_ = false;
    if (playing_ && live_) {
        const Speed& sp = kSpeeds[std::clamp(speed_, 0, kNumSpeeds - 1)];
        int steps = sp.per_frame;
        if (sp.per_second > 0) {
            slow_acc_ += dt * sp.per_second;
            steps = int(slow_acc_);
            slow_acc_ -= steps;
            if (steps > 3) steps = 3;   // after a stall, do not jump ahead
        }
        // Keep the frame responsive: big networks step fewer times per frame than asked.
        const double t0 = now_s();
        guarded("play", [&] {
            for (int i = 0; i < steps && playing_; ++i) {
                if (!advance()) break;
                if (i + 1 < steps && now_s() - t0 > 0.010) { step_limited_ = true; break; }
            }
        });
    }
    guarded("views", [&] { refresh_views(); });
}

// Called once per frame after stepping, and right after any action that may move the task's
// buffers (a step, a reset, a load, a new task), so drawing never reads stale pointers.
void Lab::refresh_views() {
    if (!live_ || !live_ok_ || !views_changed_) return;
    views_changed_ = false;
    frame_changed_ = true;
    live_->live_views(views_);   // matrix textures sync when drawn (draw_matrices)
}

// ---------------------------------------------------------------- training

void Lab::sync_trainers() {
    if (!trainer_) return;
    for (auto* tr : {trainer_.get(), baseline_.get()}) {
        if (!tr) continue;
        for (auto& n : tr->take_notes()) {
            if (n.rfind("error: ", 0) == 0) show_error("Error", n.substr(7));
            else note(n);
        }
    }
    trainer_->history_since(hist_gen_, hist_n_, hist_);
    if (baseline_) baseline_->history_since(base_gen_, base_n_, base_hist_);
    const std::string m = trainer_->message();
    if (m != train_message_) {
        train_message_ = m;
        if (!m.empty()) note(m, true);
    }
    if (load_asap_) {
        if (trainer_->snapshot_if_newer(seen_version_)) {
            guarded("new parameters", [&] {
                pick_up_params(true);
                refresh_views();
            });
            load_asap_ = false;
        } else if (clock_ > load_asap_deadline_) {
            load_asap_ = false;
        }
    }
}

void Lab::train_start() {
    if (!trainer_) return;
    if (trainer_->diverged()) {
        note("training diverged; use \"Restart from last good parameters\" or \"Train from scratch\"", true);
        return;
    }
    trainer_->start();
    if (baseline_) baseline_->start();
}
void Lab::train_pause() {
    if (trainer_) trainer_->pause();
    if (baseline_) baseline_->pause();
}
void Lab::train_stop() {
    if (trainer_) trainer_->request_stop();   // a long step is cancelled, not waited for
    if (baseline_) baseline_->request_stop();
}

void Lab::train_from_scratch() {
    const std::string err = rebuild("Cannot train from scratch", [this] { train_start(); });
    if (!err.empty()) show_error("Cannot train from scratch", err);
}

void Lab::restart_from_last_good() {
    if (!trainer_ || !live_) return;
    auto snap = trainer_->snapshot();
    try {
        auto t = make_task(task_name_);
        set_task_config(*t, task_config(*live_));   // includes live changes such as a lower lr
        t->init(seed_);
        t->load(snap->params, false);                // fresh optimiser, last finite parameters
        std::vector<TrainPoint> keep = archive_;
        for (const auto& p : hist_)
            if (p.iter <= snap->iter) keep.push_back(p);
        retire(trainer_);
        trainer_ = std::make_unique<BackgroundTrainer>(std::move(t), snap->iter);
        release_freed_memory();
        archive_ = std::move(keep);
        hist_.clear();
        hist_gen_ = 0;
        hist_n_ = 0;
        curve_dirty_ = true;
        train_message_.clear();
        seen_version_ = 0;
        guarded("new parameters", [&] {
            pick_up_params(true);
            refresh_views();
        });
        note("restarted training from the parameters of iteration " + std::to_string(snap->iter));
        trainer_->start();
    } catch (const std::exception& e) {
        show_error("Cannot restart training", e.what());
    }
}

void Lab::use_latest_now() {
    if (!trainer_) return;
    trainer_->request_publish();
    load_asap_ = true;
    load_asap_deadline_ = clock_ + 2.0;
    if (trainer_->snapshot_if_newer(seen_version_)) {
        guarded("new parameters", [&] {
            pick_up_params(true);
            refresh_views();
        });
        load_asap_ = false;
    }
}

void Lab::set_baseline(const std::string& preset) {
    retire(baseline_);
    base_hist_.clear();
    base_gen_ = 0;
    base_n_ = 0;
    curve_dirty_ = true;
    baseline_preset_.clear();
    release_freed_memory();
    if (preset.empty() || !live_) return;
    try {
        auto t = make_task(task_name_);
        t->set_preset(preset);
        t->init(seed_);
        baseline_ = std::make_unique<BackgroundTrainer>(std::move(t));
        baseline_preset_ = preset;
        if (trainer_ && trainer_->running()) baseline_->start();
        note("baseline: training preset " + preset + " from scratch alongside");
    } catch (const std::exception& e) {
        show_error("Cannot start the baseline", e.what());
    }
}

namespace {
void build_curve(const std::vector<TrainPoint>& a, const std::vector<TrainPoint>& b, std::vector<double>& x,
                 std::vector<double>& loss, std::vector<double>& metric,
                 std::map<std::string, std::vector<double>>& extra) {
    const size_t n = a.size() + b.size();
    x.resize(n);
    loss.resize(n);
    metric.resize(n);
    extra.clear();
    for (size_t i = 0; i < n; ++i) {
        const TrainPoint& p = i < a.size() ? a[i] : b[i - a.size()];
        x[i] = double(p.iter);
        loss[i] = p.loss;
        metric[i] = p.metric;
        for (const auto& [k, v] : p.extra) {
            auto& e = extra[k];
            if (e.size() < i) e.resize(i, std::nan(""));
            e.push_back(v);
        }
    }
    for (auto& [k, e] : extra) e.resize(n, std::nan(""));
}
}  // namespace

void Lab::update_curves() {
    const size_t key = (archive_.size() + hist_.size()) * 1000003u + base_hist_.size() * 7919u +
                       size_t(hist_gen_) * 31u + size_t(base_gen_);
    const bool changed = curve_dirty_ || key != curve_key_;
    if (changed && (curve_dirty_ || clock_ - curve_built_at_ > 0.25)) {
        static const std::vector<TrainPoint> none;
        build_curve(archive_, hist_, cur_.x, cur_.loss, cur_.metric, cur_.extra);
        build_curve(none, base_hist_, base_.x, base_.loss, base_.metric, base_.extra);
        curve_key_ = key;
        curve_built_at_ = clock_;
        curve_dirty_ = false;
        curve_smoothing_ = -1;
    }
    if (curve_smoothing_ != smoothing_) {
        for (CurveData* c : {&cur_, &base_}) {
            c->s_loss = smooth_ema(c->loss, smoothing_);
            c->s_metric = smooth_ema(c->metric, smoothing_);
            c->s_extra.clear();
            for (const auto& [k, e] : c->extra) c->s_extra[k] = smooth_ema(e, smoothing_);
        }
        curve_smoothing_ = smoothing_;
    }
}

// ---------------------------------------------------------------- settings

std::string Lab::edit_field(const std::string& key, const std::string& text) {
    if (!live_) return "no task";
    for (const auto& f : live_->fields()) {
        if (f.key != key) continue;
        const std::string err = validate(f, text);
        if (!err.empty()) return err;
        const std::string kv = key + "=" + text;
        switch (f.apply) {
            case Apply::Live:
                field_set(f, text);
                live_->apply_live_changes();
                if (trainer_) trainer_->set_fields({kv});
                break;
            case Apply::Episode:
                if (field_get(f) == text) staged_.erase(key);
                else staged_[key] = text;
                if (trainer_) trainer_->set_fields({kv});   // the trainer's next batch uses it
                break;
            case Apply::Rebuild:
                if (field_get(f) == text) staged_.erase(key);
                else staged_[key] = text;
                break;
        }
        return "";
    }
    return "unknown setting '" + key + "'";
}

std::string Lab::rebuild(const std::string& error_title, std::function<void()> then) {
    if (!live_) return "no task";
    auto cfg = task_config(*live_);
    for (const auto& [k, v] : staged_) cfg[k] = v;
    const int n = int(staged_.size());
    return open_task(task_name_, "", &cfg, "", false, error_title, [this, n, then = std::move(then)] {
        note("rebuilt the network with " + std::to_string(n) + " staged change(s); parameters re-initialised");
        if (then) then();
    });
}

std::string Lab::config_json() {
    if (!live_) return "{}";
    // The panel's values: the live config with the staged edits on top, on a scratch task so
    // the JSON writer (the CLI's) formats them.
    auto cfg = task_config(*live_);
    for (const auto& [k, v] : staged_) cfg[k] = v;
    try {
        auto t = make_task(task_name_);
        set_task_config(*t, cfg);
        return fields_to_json(t->fields(), t->preset());
    } catch (const std::exception&) {
        return fields_to_json(live_->fields(), live_->preset());
    }
}

std::string Lab::save_config(const std::string& path) {
    try {
        write_file_atomic(path, config_json());
    } catch (const std::exception& e) {
        return e.what();
    }
    note("saved config " + path);
    return "";
}

std::string Lab::open_config(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) return "cannot read '" + path + "'";
    std::stringstream ss;
    ss << in.rdbuf();
    std::map<std::string, std::string> cfg;
    try {
        cfg = parse_flat_json(ss.str());
        auto probe = make_task(task_name_);   // validate every key and value first
        set_task_config(*probe, cfg);
    } catch (const std::exception& e) {
        return path + ": " + e.what();
    }
    // Rebuild if the preset or any Rebuild field changes; else apply like panel edits.
    bool need_rebuild = cfg.count("preset") && cfg.at("preset") != live_->preset();
    for (const auto& f : live_->fields()) {
        auto it = cfg.find(f.key);
        if (it != cfg.end() && f.apply == Apply::Rebuild && it->second != field_get(f)) need_rebuild = true;
    }
    if (need_rebuild) {
        const std::string err = open_task(task_name_, "", &cfg, "", false, "Cannot use config " + path, [this, path] {
            note("loaded config " + path + " (network rebuilt, parameters re-initialised)");
        });
        if (!err.empty()) return path + ": " + err;
        return "";
    }
    for (const auto& [k, v] : cfg)
        if (k != "preset") {
            const std::string err = edit_field(k, v);
            if (!err.empty()) return path + ": " + err;
        }
    note("loaded config " + path);
    return "";
}

// ---------------------------------------------------------------- files

std::string Lab::open_checkpoint(const std::string& path) {
    // The file names its task: open that one (it may differ from the current task).
    std::string name;
    try {
        name = checkpoint_task(path);
    } catch (const std::exception& e) {
        return e.what();
    }
    if (!make_task(name)) return path + ": checkpoint of task '" + name + "', which this build does not have";
    return open_task(name, "", nullptr, path, false, "Cannot open checkpoint");
}

void Lab::save_checkpoint_to(const std::string& path) {
    if (!trainer_) return;
    const int eps = eps_per_step_;
    trainer_->post([path, eps](Task& t, int64_t iter) -> std::string {
        try {
            save_checkpoint(path, t, iter * eps);
        } catch (const std::exception& e) {
            return std::string("error: cannot save checkpoint ") + path + ": " + e.what();
        }
        return "saved checkpoint " + path + " (iteration " + std::to_string(iter) + ")";
    });
}

std::string Lab::take_screenshot_request() {
    std::string r;
    r.swap(screenshot_request_);
    return r;
}

// ---------------------------------------------------------------- messages

void Lab::note(const std::string& text, bool error) {
    log_.push_back({clock_, text, error});
    while (log_.size() > 200) log_.pop_front();
}

void Lab::show_error(const std::string& title, const std::string& text) {
    error_title_ = title;
    error_text_ = text;
    error_open_ = true;
    ++errors_shown_;
    note(title + ": " + text, true);
}

std::map<std::string, std::string> Lab::ui_state() const {
    std::map<std::string, std::string> s;
    if (live_) {
        s["task"] = task_name_;
        s["preset"] = live_->preset();
    }
    return s;
}

std::string Lab::summary() const {
    char b[512];
    std::snprintf(b, sizeof b,
                  "plastiscope-gui: task=%s preset=%s live_steps=%lld episode=%llu train_iterations=%lld "
                  "errors_shown=%d diverged=%d baseline_iterations=%lld",
                  task_name_.c_str(), live_ ? live_->preset().c_str() : "", static_cast<long long>(live_steps_),
                  static_cast<unsigned long long>(episode_index_), static_cast<long long>(train_iterations()),
                  errors_shown_, trainer_ && trainer_->diverged() ? 1 : 0,
                  static_cast<long long>(baseline_ ? baseline_->iterations() : 0));
    return b;
}

std::vector<std::string> Lab::view_rects() const {
    std::vector<std::string> r;
    for (const auto& mv : views_.matrices) {
        auto it = mats_.find(mv.name);
        if (it == mats_.end()) continue;
        const MatrixWidget& w = it->second;
        char b[256];
        std::snprintf(b, sizeof b, "view %s %d %d %d %d", mv.name.c_str(), int(w.image_min.x), int(w.image_min.y),
                      int(w.image_max.x - w.image_min.x), int(w.image_max.y - w.image_min.y));
        r.push_back(b);
    }
    return r;
}

// ---------------------------------------------------------------- scripts

std::string Lab::run_script(const ScriptStep& s) {
    const std::string& a = s.action;
    auto must = [&](const std::string& err) {
        if (!err.empty()) show_error("Error", err);
        return std::string();
    };
    if (a == "play") play(true);
    else if (a == "pause") play(false);
    else if (a == "step") step_once();
    else if (a == "restart") restart_episode();
    else if (a == "new-episode") new_episode();
    else if (a == "train") train_start();
    else if (a == "pause-train") train_pause();
    else if (a == "stop-train") train_stop();
    else if (a == "from-scratch") train_from_scratch();
    else if (a == "use-latest") use_latest_now();
    else if (a == "panel") pending_panel_actions_.push_back(s.arg);   // the task view's next frame
    else if (a == "wait-train") {
        // Blocks the frame loop until the trainer has done N more iterations (tests).
        int64_t more = s.arg.empty() ? 1 : 0;   // wait-train [N]: N in 1..1e9 iterations, digits only
        for (char c : s.arg) {
            if (c < '0' || c > '9' || more > 100000000) { more = -1; break; }
            more = more * 10 + (c - '0');
        }
        if (more < 1 || more > 1000000000)
            return "'" + s.arg + "' is not a number of iterations in 1..1000000000";
        const int64_t target = train_iterations() + more;
        const double end = now_s() + 120;
        // The thread may not have picked up a start() of a moment ago yet.
        while (trainer_ && !trainer_->running() && !trainer_->diverged() && now_s() < end - 110)
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
        while (trainer_ && trainer_->running() && train_iterations() < target && now_s() < end)
            std::this_thread::sleep_for(std::chrono::milliseconds(2));
        // A diverged run is a legitimate end state (the app shows it and keeps running).
        if (train_iterations() < target && !(trainer_ && trainer_->diverged()))
            return "wait-train: the trainer did not reach iteration " + std::to_string(target);
        sync_trainers();
    } else if (a == "open-checkpoint") {
        const std::string err = open_checkpoint(s.arg);
        if (!err.empty()) show_error("Cannot open checkpoint", err);
    } else if (a == "save-checkpoint") save_checkpoint_to(s.arg);
    else if (a == "open-config") must(open_config(s.arg));
    else if (a == "save-config") must(save_config(s.arg));
    else if (a == "copy-config") ImGui::SetClipboardText(config_json().c_str());
    else if (a == "task") must(open_task(s.arg, "", nullptr, "", true, "Cannot open task " + s.arg));
    else if (a == "preset") must(open_task(task_name_, s.arg, nullptr, "", true, "Cannot open preset " + s.arg));
    else if (a == "set") {
        const auto eq = s.arg.find('=');
        if (eq == std::string::npos) return "--at set expects key=value";
        must(edit_field(s.arg.substr(0, eq), s.arg.substr(eq + 1)));
    } else if (a == "rebuild") must(rebuild());
    else if (a == "screenshot") request_screenshot(s.arg);
    else if (a == "expect-error") {
        if (!error_open_) return "expected an error message, none is showing";
    } else if (a == "expect-no-error") {
        if (error_open_) return "unexpected error message: " + error_text_;
    } else if (a == "dismiss-error") dismiss_error();
    else if (a == "focus") {
        focus_.active = true;
        focus_.row = std::atoi(s.arg.c_str());
        const auto c = s.arg.find(',');
        focus_.col = c == std::string::npos ? focus_.row : std::atoi(s.arg.c_str() + c + 1);
        focus_.matrix = views_.matrices.empty() ? "" : views_.matrices.back().name;
    } else if (a == "zoom") {
        vp_.zoom = float(std::atof(s.arg.c_str()));
        vp_.clamp();
    } else if (a == "help") show_help = !show_help;
    else if (a == "baseline") set_baseline(s.arg);
    else if (a == "file-dialog") dialog_.open("Open checkpoint", false, ".npz", s.arg.empty() ? last_dir_ : s.arg,
                                              [](const std::string&) {});   // look only (figures, tests)
    else if (a == "quit") quit_ = true;
    return "";
}

}  // namespace ps::gui
