// Opening a network: a task, a preset, a checkpoint, a config, or a rebuild with staged settings.
// The heavy part — drawing the parameters, loading a checkpoint, the trainer's copy of the task
// and its first snapshot — runs on a thread of its own once the app is up: at N = 4096 it takes
// seconds, and the app must not freeze for more than one (issue 9). The lab keeps drawing (and
// playing) the network it has until the new one is ready, then swaps it in at the next update.
// Nothing in the build touches the lab: it works on a Build of its own and hands it back.
#include <filesystem>

#include "checkpoint.hpp"
#include "gui/lab.hpp"

namespace ps::gui {

struct Lab::Build {
    // in (copied on the GUI thread)
    std::string name, preset, checkpoint;
    bool have_config = false, use_pretrained = false;
    std::map<std::string, std::string> config;
    uint64_t seed = 1;
    // out
    std::unique_ptr<Task> live;
    std::unique_ptr<BackgroundTrainer> trainer;
    std::string source, error;
    std::vector<std::string> notes;   // shown as errors in the log (a pretrained file not used)
    std::atomic<bool> done{false};
    // after: what the caller wants done with the result
    std::string error_title;
    std::function<void()> then;
};

namespace {

std::string pretrained_file(const std::string& task, const std::string& preset) {
    return std::string(PS_ASSETS_DIR) + "/checkpoints/" + task + "-" + preset + ".npz";
}

// The trainer's own copy: same settings and parameters (and optimiser state, so training resumes
// where it was), a separate object that only the trainer thread touches.
std::unique_ptr<Task> clone_for_training(Task& t, uint64_t seed) {
    auto c = make_task(t.name());
    set_task_config(*c, task_config(t));
    c->init(seed);
    ArrayMap am;
    t.save(am, true);
    try {
        c->load(am, true);
    } catch (const std::exception&) {
        ArrayMap p;          // some tasks have no optimiser state before their first step
        t.save(p, false);
        c->load(p, false);
    }
    return c;
}

// The heavy part; any thread. Fills b.live and b.trainer, or b.error.
void run_build(Lab::Build& b) {
    try {
        auto t = make_task(b.name);
        if (!t) {
            b.error = "unknown task '" + b.name + "' (known: " + task_names() + ")";
            return;
        }
        if (!b.preset.empty()) t->set_preset(b.preset);
        if (b.have_config) set_task_config(*t, b.config);
        t->init(b.seed);
        int64_t episodes = 0;
        b.source = "fresh parameters (seed " + std::to_string(b.seed) + ")";
        if (!b.checkpoint.empty()) {
            episodes = load_checkpoint(b.checkpoint, *t);
            b.source = "checkpoint " + std::filesystem::path(b.checkpoint).filename().string();
        } else if (b.use_pretrained && !b.have_config) {
            const std::string p = pretrained_file(b.name, t->preset());
            std::error_code ec;
            if (std::filesystem::is_regular_file(p, ec)) {
                try {
                    episodes = load_checkpoint(p, *t);
                    b.source = "pretrained " + std::filesystem::path(p).filename().string();
                } catch (const std::exception& e) {
                    b.notes.push_back("pretrained checkpoint " + p + " not used: " + e.what());
                    t = make_task(b.name);   // the failed load may have left it half-changed
                    if (!b.preset.empty()) t->set_preset(b.preset);
                    t->init(b.seed);
                }
            }
        }
        auto t2 = clone_for_training(*t, b.seed);
        const int eps = std::max(1, t->episodes_per_step());
        b.trainer = std::make_unique<BackgroundTrainer>(std::move(t2), episodes / eps);   // publishes v1
        b.live = std::move(t);
    } catch (const std::exception& e) {
        b.error = e.what();
        b.live.reset();
        b.trainer.reset();
    }
}

}  // namespace

std::string Lab::open_task(const std::string& name, const std::string& preset,
                           const std::map<std::string, std::string>* config, const std::string& checkpoint,
                           bool use_pretrained, const std::string& error_title, std::function<void()> then) {
    if (build_) return "a network is still being built: wait until it is ready";
    auto b = std::make_shared<Build>();
    b->name = name;
    b->preset = preset;
    b->checkpoint = checkpoint;
    b->have_config = config != nullptr;
    if (config) b->config = *config;
    b->use_pretrained = use_pretrained;
    b->seed = seed_;
    b->error_title = error_title;
    b->then = std::move(then);
    if (!async_builds_) {   // start-up: nothing to draw yet, and the caller wants the answer
        run_build(*b);
        return finish_build(*b);
    }
    build_ = b;
    build_started_ = clock_;
    build_thread_ = std::thread([b] {
        run_build(*b);
        b->done.store(true);
    });
    return "";
}

void Lab::poll_build() {
    if (!build_ || !build_->done.load()) return;
    if (build_thread_.joinable()) build_thread_.join();
    const std::shared_ptr<Build> b = std::move(build_);
    build_.reset();
    const std::string err = finish_build(*b);
    if (!err.empty()) show_error(b->error_title.empty() ? "Error" : b->error_title, err);
}

// Swaps the built network in (GUI thread). Returns "" or the build's error (state unchanged).
std::string Lab::finish_build(Build& b) {
    for (const auto& n : b.notes) note(n, true);
    if (!b.error.empty()) return b.error;
    retire(baseline_);
    retire(trainer_);
    baseline_preset_.clear();
    live_ = std::move(b.live);
    task_name_ = b.name;
    eps_per_step_ = std::max(1, live_->episodes_per_step());
    trainer_ = std::move(b.trainer);
    release_freed_memory();
    seen_version_ = trainer_->snapshot()->version;
    params_source_ = b.source;
    params_iter_ = trainer_->iterations();
    archive_.clear();
    hist_.clear();
    base_hist_.clear();
    hist_gen_ = base_gen_ = 0;
    hist_n_ = base_n_ = 0;
    curve_dirty_ = true;
    staged_.clear();
    train_message_.clear();
    focus_ = MatrixFocus();
    vp_.reset();
    for (auto& [n, w] : mats_) w.destroy();
    mats_.clear();
    playing_ = false;
    episode_index_ = 0;
    views_ = LiveViews();
    guarded("new episode", [&] {
        begin_episode(true);
        refresh_views();
    });
    note("opened " + b.name + " (" + live_->preset() + "), " + b.source);
    if (b.then) b.then();
    return "";
}

void Lab::join_build() {
    if (build_thread_.joinable()) build_thread_.join();
    build_.reset();
}

}  // namespace ps::gui
