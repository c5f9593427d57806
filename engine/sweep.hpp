// Multi-seed training runs for any registered task (the `plastiscope sweep` command): seeds
// train in parallel threads, each with its own Task object, and their per-episode losses are
// summarised as median and inter-quartile curves over windows of episodes. The BOHP protocol
// freezes the parameters for the last episodes of each run (the task's "frozen" field).
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

namespace ps {

struct SweepOptions {
    std::string task;
    std::string preset;                    // "" = the task's default
    std::vector<std::string> overrides;    // key=value
    int seeds = 20;
    uint64_t first_seed = 1;               // seeds first_seed .. first_seed + seeds - 1
    int64_t episodes = 0;                  // 0 = the task's "episodes" field
    int64_t freeze_last = 500;             // the last N episodes run with frozen parameters
    int threads = 2;
};

struct SeedRun {
    uint64_t seed = 0;
    std::vector<float> loss, metric;       // one per episode (training loss of that episode)
    double cpu_seconds = 0;                // thread CPU time of the training loop
    std::map<std::string, double> final_extra;   // StepStats::extra of the last episode
    std::string error;                     // non-empty if the run stopped (divergence, exception)
};

struct SweepResult {
    int64_t episodes = 0;
    int64_t freeze_from = 0;               // first frozen episode (0-based); == episodes if none
    std::vector<SeedRun> runs;             // in seed order
};

// Validates the task, preset and overrides (throws ps::ConfigError naming what is wrong) before
// starting any thread. on_done (optional) is called from the worker threads, serialised.
SweepResult run_sweep(const SweepOptions& opt, const std::function<void(const SeedRun&)>& on_done = {});

struct CurvePoint {
    int64_t episode = 0;                   // episodes done at the end of the window
    double median = 0, q25 = 0, q75 = 0;   // across seeds of the window's mean loss
};
// Window means per seed, then quantiles across seeds (linear interpolation, as numpy's default).
// Seeds may have different lengths (a diverged run): a window uses the seeds that cover it.
std::vector<CurvePoint> sweep_curve(const std::vector<std::vector<float>>& per_seed, int window);
double quantile(std::vector<double> v, double q);
// Episode at the end of the first window whose median is below thr, or -1.
int64_t first_below(const std::vector<CurvePoint>& c, double thr);
// "episode,median,q25,q75\n..." (the curves.csv format).
std::string curve_csv(const std::vector<CurvePoint>& c);

}  // namespace ps
