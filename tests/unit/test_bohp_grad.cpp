// BOHP gradients in double: the online forward-in-time gradient against central finite
// differences and against BPTT of the same network on the same episode; the per-step
// sensitivities (the dy/dw, dy/dalpha views) against finite differences of y(t); memory of the
// online state independent of the episode length.
#include <catch2/catch.hpp>
#include <cmath>
#include "bohp/bohp_net.hpp"
#include "bohp/bohp_task.hpp"
#include "task.hpp"

using namespace ps;
using namespace ps::bohp;

namespace {

// Random parameters large enough that the plastic terms matter (alpha·Hebb comparable to w).
Params<double> random_params(const Shape& s, Rng& r, double scale) {
    Params<double> p;
    p.zeros(s);
    for (auto& [name, m] : p.list())
        for (Eigen::Index i = 0; i < m->size(); ++i) m->data()[i] = r.uniform(-scale, scale);
    return p;
}

Episode<double> task_episode(const std::string& task, uint64_t seed, Shape& s) {
    auto t = make_task(task);
    REQUIRE(t);
    auto* bt = dynamic_cast<BohpTask*>(t.get());
    REQUIRE(bt);
    s = bt->net_shape();
    Rng r(seed);
    Episode<double> ep;
    bt->episode(r, ep);
    return ep;
}

// Corrected relative error |a-n| / max(|a|, |n|, tiny), worst over the tensor.
double max_rel(const MatR<double>& a, const MatR<double>& n, double tiny, double* at = nullptr) {
    double worst = 0;
    for (Eigen::Index i = 0; i < a.size(); ++i) {
        const double d = std::abs(a.data()[i] - n.data()[i]);
        const double e = d / std::max({std::abs(a.data()[i]), std::abs(n.data()[i]), tiny});
        if (e > worst) { worst = e; if (at) *at = a.data()[i]; }
    }
    return worst;
}

// Fourth-order central differences (-f(+2h) + 8f(+h) - 8f(-h) + f(-2h)) / 12h: truncation O(h⁴),
// so h = 5e-4 leaves ~1e-13 of truncation and ~1e-13 of rounding.
Params<double> numeric_grad(const Shape& s, const Params<double>& p, double gamma, const Episode<double>& ep) {
    const double h = 5e-4;
    Params<double> g;
    g.zeros(s);
    Params<double> q = p;
    auto loss = [&] { return bptt_episode<double>(s, q, gamma, ep, nullptr); };
    std::vector<MatR<double>*> qs, gs;
    for (auto& [n, m] : q.list()) qs.push_back(m);
    for (auto& [n, m] : g.list()) gs.push_back(m);
    for (size_t k = 0; k < qs.size(); ++k)
        for (Eigen::Index i = 0; i < qs[k]->size(); ++i) {
            double& x = qs[k]->data()[i];
            const double x0 = x;
            x = x0 + 2 * h; const double f2 = loss();
            x = x0 + h; const double f1 = loss();
            x = x0 - h; const double m1 = loss();
            x = x0 - 2 * h; const double m2 = loss();
            x = x0;
            gs[k]->data()[i] = (-f2 + 8 * f1 - 8 * m1 + m2) / (12 * h);
        }
    return g;
}

void check_against_references(const Shape& s, const Params<double>& p, double gamma, const Episode<double>& ep) {
    Params<double> g_on, g_bp;
    const double L_on = online_episode(s, p, gamma, ep, &g_on);
    const double L_bp = bptt_episode(s, p, gamma, ep, &g_bp);
    REQUIRE(std::abs(L_on - L_bp) <= 1e-12 * std::max(1.0, std::abs(L_bp)));
    const Params<double> g_num = numeric_grad(s, p, gamma, ep);
    std::vector<std::string> names;
    std::vector<const MatR<double>*> on, bp, nu;
    for (const auto& [n, m] : std::as_const(g_on).list()) { names.push_back(n); on.push_back(m); }
    for (const auto& [n, m] : std::as_const(g_bp).list()) bp.push_back(m);
    for (const auto& [n, m] : std::as_const(g_num).list()) nu.push_back(m);
    for (size_t k = 0; k < names.size(); ++k) {
        INFO("tensor " << names[k] << "  gamma " << gamma);
        // guards: the analytic gradient is not zero, and not bit-identical to the numeric one
        REQUIRE(on[k]->cwiseAbs().maxCoeff() > 1e-6);
        REQUIRE((*on[k] - *nu[k]).cwiseAbs().maxCoeff() > 0);
        // Entries below `tiny` are compared in absolute terms. Both analytic methods agree to
        // rounding, so their floor is tiny; the differences carry ~1e-13 of rounding noise
        // (ε·|Loss|/h), so entries below 1e-4·max(1, |Loss|) (exact zeros included) are held to
        // 1e-12·max(1, |Loss|) absolute.
        const double e_bp = max_rel(*on[k], *bp[k], 1e-12);
        double at = 0;
        const double e_num = max_rel(*on[k], *nu[k], 1e-4 * std::max(1.0, std::abs(L_on)), &at);
        INFO("online vs BPTT " << e_bp << ", online vs central differences " << e_num << " (at an entry "
                               << at << ", largest entry " << on[k]->cwiseAbs().maxCoeff() << ")");
        CHECK(e_bp < 1e-8);
        CHECK(e_num < 1e-8);
    }
}

}  // namespace

TEST_CASE("BOHP online gradient matches finite differences and BPTT (completion net)", "[bohp][grad]") {
    Shape s;
    const Episode<double> ep = task_episode("bohp-completion", 7, s);
    REQUIRE(s.K == 8);
    REQUIRE(s.M == 8);
    Rng r(11);
    for (double gamma : {0.5, 0.1, 1.0}) check_against_references(s, random_params(s, r, 0.8), gamma, ep);
}

TEST_CASE("BOHP online gradient matches finite differences and BPTT (one-shot, reversal nets)", "[bohp][grad]") {
    for (const char* task : {"bohp-oneshot", "bohp-reversal"}) {
        Shape s;
        const Episode<double> ep = task_episode(task, 3, s);
        REQUIRE(s.K == 10);
        REQUIRE(s.M == 2);
        REQUIRE(s.readout == Readout::LinearSoftmax);
        Rng r(5);
        // Strong alpha so that the traces of steps 1-2 shape y many steps later.
        for (double gamma : {0.02, 0.25, 0.9}) {
            Params<double> p = random_params(s, r, 0.7);
            p.alpha *= 3;
            check_against_references(s, p, gamma, ep);
        }
    }
}

TEST_CASE("BOHP online gradient over long random episodes (dense inputs, recursion through the traces)",
          "[bohp][grad]") {
    Shape s;
    s.K = 5; s.M = 3; s.O = 3;
    Rng r(99);
    Episode<double> ep;
    const int T = 40;
    ep.x.resize(T, s.K);
    ep.target.resize(T, s.O);
    ep.scored.assign(size_t(T), 0);
    for (Eigen::Index i = 0; i < ep.x.size(); ++i) ep.x.data()[i] = r.uniform(-1, 1);
    for (Eigen::Index i = 0; i < ep.target.size(); ++i) ep.target.data()[i] = r.uniform(-1, 1);
    for (int t = 3; t < T; t += 4) ep.scored[size_t(t)] = 1;
    Params<double> p = random_params(s, r, 0.6);
    p.alpha *= 2;
    check_against_references(s, p, 0.15, ep);
}

TEST_CASE("BOHP dy/dw and dy/dalpha at each step equal finite differences of y(t)", "[bohp][grad]") {
    Shape s;
    const Episode<double> ep = task_episode("bohp-reversal", 9, s);
    Rng r(4);
    Params<double> p = random_params(s, r, 0.7);
    p.alpha *= 3;
    const double gamma = 0.1, h = 1e-5;
    auto y_at = [&](const Params<double>& q, int t) {
        OnlineNet<double> n;
        n.reset(s, false);
        for (int u = 0; u <= t; ++u) n.step(q, gamma, ep.x.row(u).data());
        return MatR<double>(n.y());
    };
    OnlineNet<double> net;
    net.reset(s, true);
    for (int t = 0; t < ep.T(); ++t) {
        net.step(p, gamma, ep.x.row(t).data());
        if (t != 1 && t != 12 && t != ep.T() - 1) continue;
        for (int which = 0; which < 2; ++which) {
            const MatR<double>& S = which ? net.dy_dalpha() : net.dy_dw();
            for (int l = 0; l < s.K; ++l)
                for (int j = 0; j < s.M; ++j) {
                    Params<double> a = p, b = p;
                    (which ? a.alpha : a.w)(l, j) += h;
                    (which ? b.alpha : b.w)(l, j) -= h;
                    const double num = (y_at(a, t)(0, j) - y_at(b, t)(0, j)) / (2 * h);
                    INFO("t " << t << (which ? " alpha " : " w ") << l << "," << j);
                    CHECK(std::abs(S(l, j) - num) <= 1e-8 * std::max(1.0, std::abs(num)));
                }
        }
    }
    REQUIRE(net.dy_dalpha().cwiseAbs().maxCoeff() > 1e-4);
}

TEST_CASE("BOHP online gradient memory does not grow with the episode length", "[bohp][grad]") {
    Shape s;
    s.K = 10; s.M = 2; s.O = 2; s.readout = Readout::LinearSoftmax; s.loss = LossKind::CrossEntropy;
    Rng r(1);
    Params<double> p = random_params(s, r, 0.5);
    size_t bytes[2];
    int i = 0;
    for (int T : {20, 5000}) {
        OnlineNet<double> net;
        net.reset(s, true);
        std::vector<double> x(size_t(s.K));
        for (int t = 0; t < T; ++t) {
            for (auto& v : x) v = r.below(2) ? 1 : -1;
            net.step(p, 0.05, x.data());
        }
        REQUIRE(net.t() == T);
        bytes[i++] = net.state_bytes();
    }
    CHECK(bytes[0] == bytes[1]);
    CHECK(bytes[0] < 8192);   // K=10, M=2: 2·M·K² doubles of trace sensitivities + small state
}
