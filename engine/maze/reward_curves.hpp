// The maze comparison's reward-per-episode curves (assets/maze/curves.csv, made by
// tools/maze_curves.py from the 5-seed runs' metrics.csv files): per agent and seed, the mean
// reward per episode over consecutive windows of episodes. This reads and checks the file and
// reduces the seeds of each agent to median and inter-quartile band per window, for the app's
// maze Task view. No GUI code: the panel only draws what this returns.
//
// File format (CSV, '#' lines are comments and are kept as the description):
//     agent,seed,episode,reward
//     non-plastic,1,200,12.3512
// `episode` = the last episode of the window; every seed of an agent has the same windows, in
// increasing order; `reward` is finite.
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace ps::maze {

struct RewardBand {
    std::string agent;
    int seeds = 0;
    std::vector<double> episode;            // window ends, increasing
    std::vector<double> q25, median, q75;   // over seeds, per window (linear quantiles)
    std::vector<std::vector<double>> per_seed;   // [seed index][window]
    std::vector<int> seed_ids;
};

struct RewardCurves {
    std::vector<std::string> comments;      // the '#' lines, without the '#'
    std::vector<RewardBand> agents;         // in order of first appearance
    const RewardBand* find(const std::string& agent) const;
};

// Linear-interpolation quantile of xs (numpy's default); xs non-empty.
double quantile_linear(std::vector<double> xs, double q);

// Parses the text; `name` is used in the errors. Throws std::runtime_error naming the line and
// what is wrong (header, field, missing window, ...).
RewardCurves parse_reward_curves(const std::string& text, const std::string& name);
// Reads and parses a file (at most 16 MB). Throws std::runtime_error naming the file.
RewardCurves read_reward_curves(const std::string& path);

// Per seed: the mean of its window values over the last `fraction` of the windows (at least one
// window); then q25, median, q75 over seeds. Returns {q25, median, q75}.
struct TailSummary { double q25 = 0, median = 0, q75 = 0; std::vector<double> per_seed; };
TailSummary tail_summary(const RewardBand& b, double fraction);

}  // namespace ps::maze
