// Advantage actor-critic loss of the DP 2018 maze experiment (authors' rl code), on a batch of B
// episodes of T steps, and its gradient on the network's heads (policy logits z, value v).
//
//   π(t) = softmax(z(t));  R(t) = r(t) + γ R(t+1), R(T+1) = 0   (discounted return, no bootstrap)
//   Â(t) = R(t) - v(t)   (the advantage; a constant for the policy term: no gradient flows through it)
//   L = 1/(B·T) Σ_{e,t} [ -log π_a(t) · Â(t)  +  c_v (R(t) - v(t))²  +  p_e Σ_k π_k(t)² ]
//
// Gradients (per step, before the 1/(B·T)):
//   ∂/∂z_k of -log π_a · Â   = -Â (δ_ak - π_k)
//   ∂/∂z_k of p_e Σ π²       = 2 p_e π_k (π_k - Σ_l π_l²)
//   ∂/∂v   of c_v (R - v)²   = -2 c_v (R - v)
// The Σπ² penalty pushes against a deterministic policy (it is at least 1/4, reached at uniform).
#pragma once
#include <cmath>
#include <vector>
#include "maze/maze_net.hpp"

namespace ps::maze {

struct A2CConfig {
    double gamma = 0.9;
    double value_coef = 0.03;
    double pi_penalty = 0.1;
};

struct A2CLoss {
    double total = 0, policy = 0, value = 0, penalty = 0;
};

// Softmax of one row of logits into p (double, numerically stable).
template <class Row>
inline void softmax_row(const Row& z, double* p, int n) {
    double m = double(z(0, 0));
    for (int k = 1; k < n; ++k) m = std::max(m, double(z(0, k)));
    double s = 0;
    for (int k = 0; k < n; ++k) { p[k] = std::exp(double(z(0, k)) - m); s += p[k]; }
    for (int k = 0; k < n; ++k) p[k] /= s;
}

// actions[(t-1)·B + e], rewards[(t-1)·B + e] for t = 1..net.t(). Writes net.grad_logits / grad_value
// and returns the loss. With frozen_adv (same indexing), the policy term uses it as Â instead of
// R - v (the finite-difference test holds Â fixed, as the training gradient does).
// adv_out, if given, receives the Â used.
template <class S>
A2CLoss a2c_loss_grad(MazeNet<S>& net, const std::vector<int>& actions, const std::vector<double>& rewards, const A2CConfig& cfg,
                      const std::vector<double>* frozen_adv = nullptr, std::vector<double>* adv_out = nullptr) {
    const int T = net.t(), B = net.batch(), nA = net.config().actions;
    const double scale = 1.0 / (double(B) * double(T));
    std::vector<double> R(size_t(T) * size_t(B));
    for (int e = 0; e < B; ++e) {
        double ret = 0;
        for (int t = T; t >= 1; --t) {
            ret = rewards[size_t(t - 1) * B + e] + cfg.gamma * ret;
            R[size_t(t - 1) * B + e] = ret;
        }
    }
    if (adv_out) adv_out->assign(size_t(T) * size_t(B), 0.0);
    A2CLoss L;
    std::vector<double> pi(static_cast<size_t>(nA));
    for (int t = 1; t <= T; ++t) {
        const auto z = net.logits(t);
        const auto v = net.value(t);
        auto gz = net.grad_logits(t);
        auto gv = net.grad_value(t);
        for (int e = 0; e < B; ++e) {
            const size_t idx = size_t(t - 1) * B + e;
            softmax_row(z.row(e), pi.data(), nA);
            const int a = actions[idx];
            const double diff = R[idx] - double(v(e, 0));
            const double adv = frozen_adv ? (*frozen_adv)[idx] : diff;
            if (adv_out) (*adv_out)[idx] = adv;
            double p2 = 0;
            for (int k = 0; k < nA; ++k) p2 += pi[size_t(k)] * pi[size_t(k)];
            L.policy += -std::log(std::max(pi[size_t(a)], 1e-300)) * adv * scale;
            L.value += cfg.value_coef * diff * diff * scale;
            L.penalty += cfg.pi_penalty * p2 * scale;
            for (int k = 0; k < nA; ++k) {
                const double pk = pi[size_t(k)];
                gz(e, k) = S(scale * (-adv * ((k == a ? 1.0 : 0.0) - pk) + 2 * cfg.pi_penalty * pk * (pk - p2)));
            }
            gv(e, 0) = S(scale * (-2 * cfg.value_coef * diff));
        }
    }
    L.total = L.policy + L.value + L.penalty;
    return L;
}

}  // namespace ps::maze
