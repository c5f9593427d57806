// Multi-seed training runs for any registered task (the `plastiscope sweep` command): seeds
// train in parallel threads, each with its own Task object, and their per-episode losses are
// summarised as median and inter-quartile curves over windows of episodes. The BOHP protocol
// freezes the parameters for the last episodes of each run (the task's "frozen" field). A grid
// of settings (key=v1,v2,...) crosses with the seeds. The same sweep can run as separate
// `plastiscope train` processes (a cluster's array job): its plan is written to sweep.json, each
// (setting, seed) trains into its own folder, and read_seed_run reads what train wrote there,
// giving the same numbers as a run in threads.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>
#include "fields.hpp"

namespace ps {

struct SweepOptions {
    std::string task;
    std::string preset;                    // "" = the task's default
    std::vector<std::string> overrides;    // key=value
    int seeds = 20;
    uint64_t first_seed = 1;               // seeds first_seed .. first_seed + seeds - 1
    int64_t episodes = 0;                  // 0 = the task's "episodes" field
    int64_t freeze_last = 500;             // the last N episodes run with frozen parameters
    std::vector<std::string> grid;         // "key=v1,v2,..." axes, crossed with each other and the seeds
    int threads = 2;
};

struct SeedRun {
    uint64_t seed = 0;
    int setting = 0;                       // index into SweepResult::settings
    std::vector<float> loss, metric;       // one per episode (training loss of that episode)
    double cpu_seconds = 0;                // thread CPU time of the training loop
    std::map<std::string, double> final_extra;   // StepStats::extra of the last episode
    std::string error;                     // non-empty if the run stopped (divergence, exception)
};

struct SweepResult {
    int64_t episodes = 0;
    int64_t freeze_from = 0;               // first frozen episode (0-based); == episodes if none
    std::vector<std::string> settings;     // setting_label of each grid point ({""} without a grid)
    std::vector<SeedRun> runs;             // setting by setting, each in seed order
};

// What a sweep will run, checked: the task, preset, overrides and grid (throws ps::ConfigError
// naming what is wrong), the run length (the task's "episodes" field when opt.episodes is 0).
struct SweepSetup {
    int64_t episodes = 0, freeze_from = 0;
    std::vector<std::vector<std::string>> settings;   // the grid's points as key=value lists ({{}} without a grid)
    std::vector<std::string> labels;                  // setting_label of each
};
SweepSetup prepare_sweep(const SweepOptions& opt);

// Validates everything (prepare_sweep) before starting any thread. on_done (optional) is called
// from the worker threads, serialised.
SweepResult run_sweep(const SweepOptions& opt, const std::function<void(const SeedRun&)>& on_done = {});

// The grid's points: the cross product of the axes "key=v1,v2,..." (the last axis changes
// fastest). Each key must be one of `fields` and appear once, each value must be valid for it
// (field_set's range check on the given fields, which are left as they were).
std::vector<std::vector<std::string>> grid_settings(const std::vector<std::string>& axes, const std::vector<Field>& fields);
std::string setting_label(const std::vector<std::string>& kv);   // "lr=0.1 hidden=8"; "" for none

// ---- a sweep as separate processes (one `plastiscope train` per setting and seed)

// One element of the array: which setting and seed, the folder it trains into (relative to the
// sweep's folder: seed-S, or setting-K/seed-S with a grid) and its settings (overrides, then
// the grid point's).
struct SweepItem {
    int setting = 0;
    uint64_t seed = 0;
    std::string dir;
    std::vector<std::string> overrides;
};
std::vector<SweepItem> sweep_items(const SweepOptions& opt, const SweepSetup& setup);

// sweep.json: the plan (task, preset, seeds, episodes resolved, freeze, overrides, grid) as one
// flat JSON object, plus `extra` entries (how it runs: "checkpoint_every", "slurm.time", ...).
std::string sweep_json(const SweepOptions& opt, int64_t episodes, const std::map<std::string, std::string>& extra);
// Reads it back; `extra` receives the other entries. Throws ConfigError naming the file's problem.
SweepOptions sweep_from_json(const std::string& text, std::map<std::string, std::string>* extra = nullptr);

// What `plastiscope train` wrote into run_dir/metrics.csv: one loss and metric per episode (a
// step of k episodes gives k equal entries), cpu_seconds = the training seconds (elapsed_s
// summed over resumed pieces). `episodes_done` = the last row's episode (0: no file yet).
// Throws ConfigError naming the file and line of a malformed row.
SeedRun read_seed_run(const std::string& run_dir, int64_t* episodes_done);

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
