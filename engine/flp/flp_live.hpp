// What the FLP task views draw (app/gui/panel_flp.cpp), as typed data: the part every FLP task
// shares (which group of the episode is being learned, each group's query loss after every inner
// step, the update / gradient alignment), the sine task's curves and the classification task's
// support and query images with the network's answers. FlpTaskBase::fill_live fills
// the shared part; flp-sine and flp-classify (engine/tasks/flp_*.cpp) add theirs and set the payload.
#pragma once
#include <algorithm>
#include <string>
#include <vector>
#include "task.hpp"

namespace ps::flp {

struct FlpLive : LivePayload {
    int t = 0, T = 0;                      // inner steps done, steps of the episode
    int shown = -1;                        // group (function / class) of the last step done; -1 before it or iid
    bool iid = false;                      // the inner loop mixes the groups
    std::string group_word;                // "function", "class"
    std::string loss_name;                 // "query MSE", "query cross-entropy"
    std::vector<int> step_group;           // per inner step: its group (-1: mixed)
    // group_loss[g][s]: the query loss of group g after s inner steps (s = 0 .. t; 0 = before any).
    std::vector<std::vector<double>> group_loss;
    // align_cos[s]: cosine between step s's update of the head weights and the negative gradient of
    // that step's minibatch loss (1 for gradient-descent learners); s = 0 .. t-1.
    std::vector<double> align_cos;
    int groups() const { return int(group_loss.size()); }
    // The group's first inner step, or -1 when it is never shown alone (iid).
    int first_step(int g) const {
        for (size_t s = 0; s < step_group.size(); ++s)
            if (step_group[s] == g) return int(s);
        return -1;
    }
};

struct FlpSineLive final : FlpLive {
    double x_lim = 5;                      // x runs over [-x_lim, x_lim]
    std::vector<double> x;                 // the sample grid
    std::vector<double> amp, phase;        // per function: y = amp sin(x + phase)
    // Per function, on the grid: the true function and the network's current prediction.
    std::vector<std::vector<double>> target, fit;
};

struct FlpClassifyLive final : FlpLive {
    int ways = 0, shots = 0;
    int rows = 0, cols = 0;                // image size
    std::string kind;                      // what a class is: "character", "digit"
    std::vector<std::string> class_name;   // per label: the data set's class behind it
    // The inner steps' images (ink in [0, 1], rows x cols each) and labels, all of the episode:
    // draw those of steps < t as seen.
    std::vector<std::vector<float>> support;
    std::vector<int> support_label;
    // The query images, their labels and the network's probabilities now (ways each).
    std::vector<std::vector<float>> query;
    std::vector<int> query_label;
    std::vector<std::vector<float>> query_prob;
    std::vector<double> class_accuracy;    // per label: the fraction of its query images answered right now
    int predicted(size_t q) const {
        const auto& pr = query_prob[q];
        return int(std::max_element(pr.begin(), pr.end()) - pr.begin());
    }
};

}  // namespace ps::flp
