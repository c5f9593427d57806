// The training loop shared by `plastiscope train` and `plastiscope --headless`: runs optimisation
// steps, writes a metrics CSV and checkpoints (every K episodes and at the end, atomically),
// resumes from the last checkpoint, and stops with a message on divergence (NaN / Inf).
#pragma once
#include <cstdint>
#include <functional>
#include <string>
#include <vector>
#include "task.hpp"

namespace ps {

struct TrainOptions {
    int64_t episodes = 1000;          // total episodes to reach (a resumed run counts the old ones)
    uint64_t seed = 0;
    std::string out_dir = "runs/default";
    int64_t checkpoint_every = 500;   // episodes; 0 = only at the end
    bool resume = false;              // continue from out_dir/checkpoint.npz
    // key=value settings of the command line. A fresh run has them applied by the caller; a
    // resumed run loads the checkpoint's settings and then applies these on top: settings that
    // take effect live or at the next episode (lr, clip, ...) change, while one that rebuilds the
    // network must equal the stored value (else a ConfigError naming it).
    std::vector<std::string> overrides;
    // Meta-training timeline entries written into the checkpoints (parameter copies spread over
    // the run, param_timeline.hpp; 0 = none). The training history is always written.
    int timeline = 0;
    // From this episode on (0-based, as the sweep's frozen tail) the task's "frozen" field is set:
    // the parameters stop changing while episodes still run. -1 = never.
    int64_t freeze_from = -1;
};

struct TrainProgress {
    int64_t episode = 0, total = 0;
    double loss = 0, metric = 0;      // smoothed (exponential moving average over ~50 steps)
    double episodes_per_s = 0;
    double elapsed_s = 0;
    double eta = 0;                   // learned plasticity rate, if the task reports one
    int64_t start_episode = 0;        // where this run started (> 0: resumed from the checkpoint)
};

struct TrainResult {
    bool ok = true;
    std::string error;                // divergence or I/O problem, one line
    int64_t episodes = 0;
    TrainProgress last;
};

// `on_progress` is called after every step; `should_stop` (may be null) is polled between steps.
TrainResult run_training(Task& task, const TrainOptions& opt, const std::function<void(const TrainProgress&)>& on_progress,
                         const std::function<bool()>& should_stop = nullptr);

}  // namespace ps
