// `plastiscope sweep --slurm`: the sweep as one Slurm array job, one element per (setting, seed),
// each running `plastiscope train` into its own folder of DIR (engine/sweep.hpp: sweep_items).
// `--collect DIR` (app/cli/sweep.cpp) reads what the elements wrote.
#pragma once
#include <cstdint>
#include <string>
#include "sweep.hpp"

namespace ps {

struct SlurmRequest {
    std::string partition, time, mem;   // "" = the cluster's default
    int cpus_per_task = 1;
    int64_t checkpoint_every = 500;     // episodes between an element's checkpoints
    bool requeue = false;               // preempted / near the time limit: requeue, then resume
    bool dry_run = false;               // write the files, do not submit
    bool quiet = false;
};

// Checks --time, --mem and --partition as sbatch would read them; throws UsageError naming the
// flag and the expected form.
void check_slurm_request(const SlurmRequest& r);

// Writes DIR/sweep.json, DIR/sweep.sbatch and DIR/logs/, then submits the elements that have not
// finished (all of them the first time) with sbatch and prints the job id. A DIR that holds
// another sweep, or whose last job is still queued, is refused. Returns the exit code.
int slurm_sweep(const SweepOptions& opt, const SweepSetup& setup, const std::string& dir, const SlurmRequest& r);

// Has element `index` (in DIR/item.dir) finished? "" = yes; else why not ("not started", "at
// episode 300 of 1000", "train exited with code 3 (its log: ...)": *failed).
std::string item_state(const std::string& dir, const SweepItem& item, size_t index, int64_t episodes, bool* failed);

}  // namespace ps
