// Runs a batch of maze episodes through the agent: observe, one network step, sample each action
// from the policy (or take it from a given list, to replay a batch exactly), move. The task, the
// tests and the benchmark all use this one loop.
#pragma once
#include <vector>
#include "maze/a2c.hpp"
#include "maze/maze_env.hpp"
#include "maze/maze_net.hpp"
#include "rng.hpp"

namespace ps::maze {

struct Rollout {
    std::vector<int> actions;       // [(t-1)·B + e]
    std::vector<double> rewards;    // [(t-1)·B + e]
    std::vector<double> totals;     // per episode
    std::vector<int> hits;          // per episode: times the reward cell was reached
};

// Samples k with probability p[k] (n entries summing to 1) from one uniform draw.
inline int sample_action(const double* p, int n, Rng& rng) {
    const double u = rng.uniform();
    double acc = 0;
    for (int k = 0; k < n - 1; ++k) {
        acc += p[k];
        if (u < acc) return k;
    }
    return n - 1;
}

// envs[e] must already be reset with env_rng[e]. u is scratch (resized to (B, kObs) once).
template <class S>
void run_batch(MazeNet<S>& net, std::vector<MazeEnv>& envs, std::vector<Rng>& env_rng, std::vector<Rng>& act_rng, int T,
               Rollout& out, MatR<S>& u, const std::vector<int>* forced = nullptr) {
    const int B = int(envs.size()), nA = net.config().actions;
    net.begin(B, T);
    u.resize(B, kObs);
    out.actions.assign(size_t(T) * B, 0);
    out.rewards.assign(size_t(T) * B, 0.0);
    std::vector<double> pi(static_cast<size_t>(nA));
    for (int t = 1; t <= T; ++t) {
        for (int e = 0; e < B; ++e) envs[size_t(e)].observe(u.row(e).data());
        net.step(u);
        const auto z = net.logits(t);
        for (int e = 0; e < B; ++e) {
            const size_t idx = size_t(t - 1) * B + e;
            int a;
            if (forced) {
                a = (*forced)[idx];
            } else {
                softmax_row(z.row(e), pi.data(), nA);
                a = sample_action(pi.data(), nA, act_rng[size_t(e)]);
            }
            out.actions[idx] = a;
            out.rewards[idx] = envs[size_t(e)].step(a, env_rng[size_t(e)]);
        }
    }
    out.totals.resize(size_t(B));
    out.hits.resize(size_t(B));
    for (int e = 0; e < B; ++e) {
        out.totals[size_t(e)] = envs[size_t(e)].total;
        out.hits[size_t(e)] = envs[size_t(e)].hits;
    }
}

}  // namespace ps::maze
