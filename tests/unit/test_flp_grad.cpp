// Finite-difference checks (double) of the FLP and OML meta-gradients: the hand-written backward
// pass through the whole unrolled inner loop against central differences of the query loss, for
// every meta-parameter, on small networks over several inner steps.
#include <catch2/catch.hpp>
#include <cmath>
#include <map>
#include <string>
#include "flp/flp_net.hpp"

using namespace ps::flp;
using Md = ps::MatR<double>;

namespace {

Episode<double> random_episode(const NetConfig& cfg, int T, int m, int Q, ps::Rng& rng) {
    Episode<double> ep;
    const int n0 = cfg.sizes[0], no = cfg.n_out();
    auto fill_x = [&](Md& X, int rows) {
        X.resize(rows, n0);
        for (Eigen::Index k = 0; k < X.size(); ++k) X.data()[k] = rng.uniform(-1.5, 1.5);
    };
    auto fill_y = [&](Md& Y, int rows) {
        Y.setZero(rows, no);
        for (int r = 0; r < rows; ++r) {
            if (cfg.loss == Loss::Xent) Y(r, int(rng.below(uint64_t(no)))) = 1;
            else for (int j = 0; j < no; ++j) Y(r, j) = rng.uniform(-2, 2);
        }
    };
    fill_x(ep.X, T * m); fill_y(ep.Y, T * m);
    fill_x(ep.Xq, Q); fill_y(ep.Yq, Q);
    for (int t = 0; t <= T; ++t) ep.start.push_back(t * m);
    return ep;
}

// Perturbs initial values away from their special cases (P = 0, c = 0 ...) so every path is live.
void randomise(const NetConfig& cfg, Params<double>& p, ps::Rng& rng) {
    for (auto& [name, m] : p.list(cfg))
        for (Eigen::Index k = 0; k < m->size(); ++k) {
            if (name[0] == 'P') m->data()[k] = rng.uniform(0.02, 0.12);
            else if (name[0] == 'c' || name[0] == 'b') m->data()[k] = rng.uniform(-0.3, 0.3);
            else if (name.rfind("beta", 0) == 0) m->data()[k] = rng.uniform(0.2, 0.8);
            else if (name == "lr") m->data()[k] = 0.08;
        }
}

double query_loss(const NetConfig& cfg, const Params<double>& p, const Episode<double>& ep) {
    Unroll<double> u;
    return episode_forward(cfg, p, ep, u, false);
}

struct Check { double max_err = 0, worst_an = 0, worst_num = 0; double max_abs = 0; bool any_differs = false; int n = 0; };

// Central differences for every element of every meta-parameter; returns per-tensor results.
std::map<std::string, Check> fd_check(const NetConfig& cfg, Params<double> p, const Episode<double>& ep) {
    Unroll<double> u;
    episode_forward(cfg, p, ep, u, true);
    Params<double> g = p.zeros_like();
    episode_backward(cfg, p, ep, u, g);
    std::map<std::string, const Md*> grads;
    for (const auto& [n, m] : std::as_const(g).list(cfg)) grads[n] = m;
    std::map<std::string, Check> out;
    // Fourth-order central differences (f(±h), f(±2h)): truncation O(h⁴), rounding ~1e-16/h.
    // h is small because ReLU masks make the inner SGD step discontinuous in its parameters: a
    // wider stencil can straddle a mask flip (seen with h = 1e-4 on the OML case).
    // tiny: below |g| ~ 1e-4 the check becomes |a - n| < 1e-10, still 10x the rounding noise
    // (~1e-16 |loss| / h).
    const double h = 1e-5, tiny = 1e-4;
    for (auto& [name, mp] : p.list(cfg)) {
        Md& m = *mp;
        Check c;
        const Md& a = *grads.at(name);
        for (Eigen::Index k = 0; k < m.size(); ++k) {
            const double v = m.data()[k];
            auto at = [&](double x) { m.data()[k] = x; return query_loss(cfg, p, ep); };
            const double d1 = at(v + h) - at(v - h), d2 = at(v + 2 * h) - at(v - 2 * h);
            m.data()[k] = v;
            const double num = (8 * d1 - d2) / (12 * h), an = a.data()[k];
            const double err = std::abs(an - num) / std::max({std::abs(an), std::abs(num), tiny});
            if (err > c.max_err) { c.max_err = err; c.worst_an = an; c.worst_num = num; }
            c.max_abs = std::max(c.max_abs, std::abs(an));
            if (an != num) c.any_differs = true;
            ++c.n;
        }
        out[name] = c;
    }
    return out;
}

void require_all_pass(const std::map<std::string, Check>& res, const std::vector<std::string>& must_have) {
    for (const auto& n : must_have) { INFO("missing meta-parameter " << n); REQUIRE(res.count(n) == 1); }
    for (const auto& [name, c] : res) {
        INFO(name << ": " << c.n << " elements, max corrected rel. error " << c.max_err << " (analytic " << c.worst_an << ", numeric " << c.worst_num << "), max |analytic| " << c.max_abs);
        CHECK(c.max_abs > 1e-8);          // guard: the analytic gradient is not zero
        CHECK(c.any_differs);             // guard: not bit-identical to the numeric one
        CHECK(c.max_err < 1e-6);
    }
}

}  // namespace

TEST_CASE("FLP meta-gradient matches central differences (regression, every P grain)", "[flp][grad]") {
    for (PGrain grain : {PGrain::Synapse, PGrain::Neuron, PGrain::Layer, PGrain::Shared}) {
        NetConfig cfg;
        cfg.sizes = {4, 6, 5, 4, 1};      // 2 representation layers, 2 plastic layers
        cfg.n_head = 2; cfg.rule = Rule::Flp; cfg.grain = grain; cfg.loss = Loss::Mse;
        ps::Rng rng(11 + int(grain));
        InitOptions io;
        auto p = init_params<double>(cfg, io, rng);
        randomise(cfg, p, rng);
        const auto ep = random_episode(cfg, 6, 3, 5, rng);
        INFO("grain " << int(grain));
        const std::string P = grain == PGrain::Shared ? "P" : "P3";
        require_all_pass(fd_check(cfg, p, ep), {"W1", "W2", "W3", "W4", "b1", "b4", "B3", "B4", "c3", "c4", "beta3", "beta4", P});
    }
}

TEST_CASE("FLP meta-gradient matches central differences (classification, clamped output)", "[flp][grad]") {
    NetConfig cfg;
    cfg.sizes = {5, 6, 5, 3};
    cfg.n_head = 2; cfg.rule = Rule::Flp; cfg.grain = PGrain::Synapse; cfg.loss = Loss::Xent; cfg.clamp_output = true;
    ps::Rng rng(5);
    auto p = init_params<double>(cfg, InitOptions{}, rng);
    randomise(cfg, p, rng);
    const auto ep = random_episode(cfg, 7, 1, 6, rng);
    const auto res = fd_check(cfg, p, ep);
    CHECK(res.count("B3") == 0);   // the clamped output layer has no feedback
    require_all_pass(res, {"W1", "W2", "W3", "b1", "b2", "b3", "B2", "c2", "beta2", "P2", "P3"});
}

TEST_CASE("FLP meta-gradient: deep plastic head and checkpointed backward", "[flp][grad]") {
    NetConfig cfg;
    cfg.sizes = {3, 5, 4, 4, 2};
    cfg.n_head = 3; cfg.rule = Rule::Flp; cfg.grain = PGrain::Synapse; cfg.loss = Loss::Mse;
    ps::Rng rng(21);
    auto p = init_params<double>(cfg, InitOptions{}, rng);
    randomise(cfg, p, rng);
    const auto ep = random_episode(cfg, 7, 2, 4, rng);
    require_all_pass(fd_check(cfg, p, ep), {"W1", "W2", "W4", "B2", "B3", "B4", "beta2", "P2", "P4"});
    // Checkpointing recomputes the same states: identical gradients, bit for bit.
    Unroll<double> u0, u3;
    episode_forward(cfg, p, ep, u0);
    auto g0 = p.zeros_like(); episode_backward(cfg, p, ep, u0, g0);
    NetConfig c3 = cfg; c3.ckpt = 3;
    episode_forward(c3, p, ep, u3);
    CHECK(u3.saved.size() == 3);
    auto g3 = p.zeros_like(); episode_backward(c3, p, ep, u3, g3);
    for (size_t i = 0; i < g0.W.size(); ++i) CHECK(g0.W[i] == g3.W[i]);
    for (size_t i = 0; i < g0.B.size(); ++i) CHECK(g0.B[i] == g3.B[i]);
    for (size_t i = 0; i < g0.P.size(); ++i) CHECK(g0.P[i] == g3.P[i]);
}

TEST_CASE("OML meta-gradient (inner SGD on the head) matches central differences", "[flp][grad]") {
    for (Loss loss : {Loss::Mse, Loss::Xent}) {
        NetConfig cfg;
        cfg.sizes = {4, 6, 5, 4, loss == Loss::Mse ? 1 : 3};
        cfg.n_head = 2; cfg.rule = Rule::Sgd; cfg.loss = loss; cfg.learn_lr = true;
        ps::Rng rng(31 + int(loss));
        auto p = init_params<double>(cfg, InitOptions{}, rng);
        randomise(cfg, p, rng);
        const auto ep = random_episode(cfg, 6, 3, 5, rng);
        INFO("loss " << int(loss));
        require_all_pass(fd_check(cfg, p, ep), {"W1", "W2", "W3", "W4", "b1", "b2", "b3", "b4", "lr"});
    }
}

TEST_CASE("Plain SGD unroll (every layer learns): gradient of the initial weights and rate", "[flp][grad]") {
    NetConfig cfg;
    cfg.sizes = {3, 5, 4, 1};
    cfg.n_head = 3; cfg.rule = Rule::Sgd; cfg.loss = Loss::Mse; cfg.learn_lr = true; cfg.ckpt = 2;
    ps::Rng rng(41);
    auto p = init_params<double>(cfg, InitOptions{}, rng);
    randomise(cfg, p, rng);
    const auto ep = random_episode(cfg, 5, 2, 4, rng);
    require_all_pass(fd_check(cfg, p, ep), {"W1", "W2", "W3", "b1", "b3", "lr"});
}
