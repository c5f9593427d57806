// Building networks off the GUI thread (see task_builder.hpp).
#include "gui/task_builder.hpp"
#include <filesystem>
#include "checkpoint.hpp"
#include "data_dir.hpp"
#include "interactive.hpp"
#include "gui/live_session.hpp"

namespace ps::gui {

std::string pretrained_file(const std::string& task, const std::string& preset) {
    return data_path("checkpoints/" + task + "-" + preset + ".npz");
}

namespace {

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

}  // namespace

void TaskBuilder::run_now(Build& b) {
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
            episodes = load_checkpoint(b.checkpoint, *t, true, &b.record);
            b.source = "checkpoint " + std::filesystem::path(b.checkpoint).filename().string();
        } else if (b.use_pretrained && !b.have_config) {
            const std::string p = pretrained_file(b.name, t->preset());
            std::error_code ec;
            if (std::filesystem::is_regular_file(p, ec)) {
                try {
                    episodes = load_checkpoint(p, *t, true, &b.record);
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
        b.trainer->set_history(b.record.history);
        if (!b.record.timeline.empty()) b.trainer->set_timeline(b.record.timeline);
        b.live = std::move(t);
        // The first live episode is begun here too: a task's first episode can allocate and
        // compute much (Omniglot's failure gallery encodes ~200 drawings into fresh buffers:
        // 130-180 ms), which in the lab's frame would be a visible stall. If it throws, the lab
        // begins the episode itself and shows why.
        try {
            auto run = std::make_unique<LiveRun>(*b.live);
            run->begin(episode_seed(b.seed, 1));
            b.run = std::move(run);
        } catch (const std::exception&) {
        }
    } catch (const std::exception& e) {
        b.error = e.what();
        b.run.reset();
        b.live.reset();
        b.trainer.reset();
    }
}

std::string TaskBuilder::start(std::unique_ptr<Build> b, double clock) {
    if (building()) return "a network is still being built: wait until it is ready";
    started_ = clock;
    std::shared_ptr<Build> shared(std::move(b));
    job_.start([this, shared](const std::atomic<bool>&) {
        t_interactive = true;   // init() starts loading what the live view will show (interactive.hpp)
        run_now(*shared);
        return std::make_unique<Build>(std::move(*shared));
    });
    return "";
}

std::unique_ptr<Build> TaskBuilder::poll() {
    if (!job_.finished()) return nullptr;
    auto r = job_.take();
    if (!r) {   // run_now catches everything; a throw here is a bug worth showing
        auto b = std::make_unique<Build>();
        b->error = job_.error();
        return b;
    }
    return std::move(*r);
}

}  // namespace ps::gui
