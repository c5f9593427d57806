// Opening a network: a task, a preset, a checkpoint, a config, or a rebuild with staged
// settings. The heavy part — drawing the parameters, loading a checkpoint, the trainer's copy of
// the task and its first snapshot — runs on a thread of its own once the app is up (at N = 4096
// it takes seconds, and the app must not freeze): the lab keeps drawing and playing the network
// it has until the new one is ready, then swaps it in. A build works on a Build of its own and
// hands it back; nothing in it touches the lab.
#pragma once
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>
#include "background_trainer.hpp"
#include "checkpoint.hpp"
#include "gui/job.hpp"
#include "live_run.hpp"

namespace ps::gui {

struct Build {
    // in
    std::string name, preset, checkpoint;
    bool have_config = false, use_pretrained = false;
    std::map<std::string, std::string> config;
    uint64_t seed = 1;
    // out
    std::unique_ptr<Task> live;
    std::unique_ptr<BackgroundTrainer> trainer;
    std::unique_ptr<LiveRun> run;     // on `live`, its first episode begun (null: the lab begins it)
    TrainingRecord record;            // how the checkpoint's network was trained (history, timeline)
    std::string source, error;
    std::vector<std::string> notes;   // shown as errors in the log (a pretrained file not used)
    // after: what the caller wants done with the result
    std::string error_title;
    std::function<void()> then;
};

// The pretrained checkpoint shipped for a task's preset (may not exist).
std::string pretrained_file(const std::string& task, const std::string& preset);

class TaskBuilder {
public:
    // Runs the build now (start-up: nothing to draw yet) or on the builder's thread.
    void run_now(Build& b);
    std::string start(std::unique_ptr<Build> b, double clock);   // "" or why it cannot start
    bool building() const { return job_.running() || job_.finished(); }
    double started_at() const { return started_; }
    // The finished build (ownership to the caller), else null.
    std::unique_ptr<Build> poll();
    void cancel() { job_.cancel_and_join(); }

private:
    Job<std::unique_ptr<Build>> job_;
    double started_ = 0;
};

}  // namespace ps::gui
