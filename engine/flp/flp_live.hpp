// What the FLP task views draw (app/gui/panel_flp.cpp), as typed data: the part every FLP task
// shares (which group of the episode is being learned, each group's query loss after every inner
// step, the update / gradient alignment) and the sine task's curves. FlpTaskBase::fill_live fills
// the shared part; flp-sine (engine/tasks/flp_sine.cpp) adds the curves and sets the payload.
#pragma once
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

}  // namespace ps::flp
