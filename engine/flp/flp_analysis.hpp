// Interference and alignment measurements for the FLP learners (docs/flp.md), on evaluation episodes
// of an FLP task with its current parameters:
//  - interference: after the inner loop finishes group k (a sine function, or a class), the
//    query loss of every earlier group j < k is measured; rise(k) = mean_j [L_j(after k) -
//    L_j(after j)], i.e. how much learning the later groups undid (> 0: forgetting);
//    rel_rise(k) divides the mean rise by the mean of those groups' own losses, so learners whose losses
//    differ by orders of magnitude (plain SGD vs meta-learned) can share a plot;
//  - alignment: at every inner step, the cosine between the update the learner actually made to
//    the head weights, dW, and the true negative gradient of that step's minibatch loss,
//    -dℓ_t/dW at the same weights (per head layer and over all head weights). For SGD learners it
//    is 1 by construction (a check); for FLP it says how gradient-like the learned rule is.
// Computed in double from the float parameters (an SGD step late in an episode is below float
// resolution of the weights). The engine only computes; app/cli/flp_report.cpp writes the CSV
// files and plots.
#pragma once
#include <cstdint>
#include <string>
#include <vector>
#include "flp/flp_task.hpp"

namespace ps::flp {

struct MeanCi {
    double mean = 0, ci = 0;   // ci: half-width of the 95 % normal interval of the mean
    int n = 0;
};
MeanCi mean_ci(const std::vector<double>& v);

struct Analysis {
    std::string learner;                          // "flp", "oml", "sgd"
    int groups = 0;                               // functions / classes per episode
    std::vector<std::vector<double>> loss_after;  // [k][j], j <= k: mean over episodes of L_j after group k
    std::vector<MeanCi> rise;                     // [k]: rise(k); k = 0 has none (n = 0)
    std::vector<MeanCi> rel_rise;                 // [k]: rise(k) / mean_j<k L_j(after j) (both averaged over episodes)
    MeanCi final_forgetting;                      // rise after the last group
    MeanCi final_metric;                          // the task's metric on the whole query at the end
    std::vector<int> layer;                       // head layer numbers (1-based)
    std::vector<std::vector<MeanCi>> cos;         // [t][h], h = layer index, last = all head weights
    std::vector<int> step_group;                  // group shown at step t (from the first episode)
};

// Runs `episodes` evaluation episodes (seeded) through task's learner; the task must present its
// groups in order (continual) for the interference part to mean anything.
Analysis analyse(FlpTaskBase& task, int episodes, uint64_t seed);

}  // namespace ps::flp
