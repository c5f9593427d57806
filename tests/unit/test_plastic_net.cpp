// Gradient checks of the plastic network: the fused BPTT against central finite differences
// (double), against the plain-loop reference, and recompute-backwards against store-everything.
#include <catch2/catch.hpp>
#include <cmath>
#include "fd_check.hpp"
#include "parallel.hpp"
#include "plastic_net.hpp"

using namespace ps;
using Md = MatR<double>;

namespace {

struct Case {
    Rule rule;
    InputMode input;
    AlphaMode alpha;
    EtaMode eta;
    bool learn_bias;
    std::string label() const {
        std::string s = rule == Rule::Oja ? "oja" : "hebb";
        s += input == InputMode::Add ? "/add" : input == InputMode::Clamp ? "/clamp" : "/linear";
        s += alpha == AlphaMode::Independent ? "/indep" : alpha == AlphaMode::Shared ? "/shared" : "/none";
        s += eta == EtaMode::Scalar ? "/eta" : eta == EtaMode::PerNeuron ? "/eta-per-neuron" : "/eta-fixed";
        return s + (learn_bias ? "/bias" : "");
    }
};

NetConfig make_cfg(const Case& c, int n, MemoryMode mem) {
    NetConfig cfg;
    cfg.n = n;
    cfg.k = 4;
    cfg.rule = c.rule;
    cfg.input = c.input;
    cfg.alpha = c.alpha;
    cfg.eta = c.eta;
    cfg.learn_bias = c.learn_bias;
    cfg.bias_unit = c.input != InputMode::Linear;
    cfg.bias_value = c.input == InputMode::Clamp ? 1.0 : 0.5;
    cfg.w_init = 0.6;
    cfg.a_init = 0.6;
    cfg.eta_init = 0.3;
    cfg.memory = mem;
    return cfg;
}

// An episode: inputs and a fixed random loss L = Σ_t Σ_j r_tj x_j(t)² /2 + s_tj x_j(t) on some steps.
struct Episode {
    std::vector<Md> u;      // u[1..T]
    std::vector<Md> r, s;   // loss weights per step
};

Episode make_episode(const NetConfig& cfg, int B, int T, Rng& rng) {
    Episode ep;
    const int kin = cfg.input == InputMode::Linear ? cfg.k : cfg.n;
    ep.u.assign(size_t(T) + 1, Md::Zero(B, kin));
    ep.r.assign(size_t(T) + 1, Md::Zero(B, cfg.n));
    ep.s = ep.r;
    for (int t = 1; t <= T; ++t) {
        for (int e = 0; e < B; ++e)
            for (int j = 0; j < kin; ++j) {
                const bool on = cfg.input != InputMode::Clamp || rng.uniform() < 0.3;   // clamp some units only
                if (on && rng.uniform() < 0.7) ep.u[size_t(t)](e, j) = rng.uniform(-1, 1);
            }
        if (t % 3 == 0 || t == T)
            for (int e = 0; e < B; ++e)
                for (int j = 0; j < cfg.n; ++j) { ep.r[size_t(t)](e, j) = rng.uniform(0, 1); ep.s[size_t(t)](e, j) = rng.normal(); }
    }
    return ep;
}

template <class S>
double run_loss(PlasticNet<S>& net, const Episode& ep, int B, int T, bool set_grads) {
    net.begin(B, T);
    double L = 0;
    for (int t = 1; t <= T; ++t) {
        const auto& x = net.step(ep.u[size_t(t)].template cast<S>());
        for (int e = 0; e < B; ++e)
            for (int j = 0; j < net.n(); ++j) {
                const double xv = double(x(e, j)), r = ep.r[size_t(t)](e, j), s = ep.s[size_t(t)](e, j);
                L += 0.5 * r * xv * xv + s * xv;
                if (set_grads) net.grad_x(t)(e, j) = S(r * xv + s);
            }
    }
    return L;
}

}  // namespace

TEST_CASE("BPTT gradients match central finite differences (double, 22 steps)", "[plastic][grad]") {
    std::vector<Case> cases;
    for (Rule r : {Rule::Hebb, Rule::Oja})
        for (InputMode in : {InputMode::Add, InputMode::Clamp, InputMode::Linear})
            for (AlphaMode a : {AlphaMode::Independent, AlphaMode::Shared, AlphaMode::None})
                cases.push_back({r, in, a, EtaMode::Scalar, in == InputMode::Add});
    cases.push_back({Rule::Hebb, InputMode::Add, AlphaMode::Independent, EtaMode::PerNeuron, false});
    cases.push_back({Rule::Oja, InputMode::Linear, AlphaMode::Independent, EtaMode::PerNeuron, false});
    cases.push_back({Rule::Oja, InputMode::Add, AlphaMode::Shared, EtaMode::Fixed, false});

    const int n = 5, B = 2, T = 22;
    for (const auto& c : cases) {
        for (MemoryMode mem : {MemoryMode::Recompute, MemoryMode::StoreAll}) {
            SECTION(c.label() + (mem == MemoryMode::StoreAll ? "/store-all" : "/recompute")) {
                const NetConfig cfg = make_cfg(c, n, mem);
                Rng rng(42);
                PlasticNet<double> net(cfg);
                net.init(rng);
                const Episode ep = make_episode(cfg, B, T, rng);
                run_loss(net, ep, B, T, true);
                NetParams<double> g;
                net.backward(g);
                ps_test::check_fd(net.p.list(cfg), as_const_list(g.list(cfg)), [&] { return run_loss(net, ep, B, T, false); },
                                  ps_test::FdTolerance{}, c.label());
            }
        }
    }
}

TEST_CASE("Fused kernels agree with the plain-loop reference", "[plastic][reference]") {
    for (Rule r : {Rule::Hebb, Rule::Oja})
        for (InputMode in : {InputMode::Add, InputMode::Clamp, InputMode::Linear})
            for (AlphaMode a : {AlphaMode::Independent, AlphaMode::Shared, AlphaMode::None}) {
                Case c{r, in, a, EtaMode::PerNeuron, true};
                const NetConfig cfg = make_cfg(c, 9, MemoryMode::Recompute);
                Rng rng(7);
                PlasticNet<double> net(cfg);
                net.init(rng);
                const int B = 3, T = 15;
                const Episode ep = make_episode(cfg, B, T, rng);
                run_loss(net, ep, B, T, true);
                std::vector<Md> xs_fused;
                for (int t = 0; t <= T; ++t) xs_fused.push_back(net.x(t));
                std::vector<Md> gx(size_t(T) + 1, Md::Zero(B, cfg.n));
                for (int t = 1; t <= T; ++t) gx[size_t(t)] = net.grad_x(t);
                NetParams<double> g;
                net.backward(g);

                ReferenceNet<double> ref{cfg, net.p};
                NetParams<double> gr;
                const auto xs = ref.run(ep.u, gx, gr);
                INFO(c.label());
                for (int t = 1; t <= T; ++t) CHECK((xs[size_t(t)] - xs_fused[size_t(t)]).norm() < 1e-12);
                auto l1 = g.list(cfg), l2 = gr.list(cfg);
                for (size_t k = 0; k < l1.size(); ++k) {
                    INFO(l1[k].first);
                    CHECK((*l1[k].second - *l2[k].second).norm() <= 1e-10 * (1 + l2[k].second->norm()));
                }
            }
}

TEST_CASE("Row-parallel kernels (2 and 3 threads) agree with the plain-loop reference", "[plastic][reference][threads]") {
    struct Restore { ~Restore() { set_kernel_threads(1); } } restore;
    for (int threads : {2, 3})
        for (Rule r : {Rule::Hebb, Rule::Oja})
            for (AlphaMode a : {AlphaMode::Independent, AlphaMode::Shared}) {
                Case c{r, InputMode::Add, a, EtaMode::Scalar, false};
                NetConfig cfg = make_cfg(c, 260, MemoryMode::Recompute);   // >= 256: the kernels split rows
                cfg.w_init = 0.08;
                cfg.a_init = 0.08;
                cfg.eta_init = 0.2;
                Rng rng(5);
                PlasticNet<double> net(cfg);
                net.init(rng);
                const int B = 2, T = 12;
                const Episode ep = make_episode(cfg, B, T, rng);
                set_kernel_threads(threads);
                run_loss(net, ep, B, T, true);
                std::vector<Md> gx(size_t(T) + 1, Md::Zero(B, cfg.n));
                for (int t = 1; t <= T; ++t) gx[size_t(t)] = net.grad_x(t);
                std::vector<Md> xs_fused;
                for (int t = 0; t <= T; ++t) xs_fused.push_back(net.x(t));
                NetParams<double> g;
                net.backward(g);
                set_kernel_threads(1);
                ReferenceNet<double> ref{cfg, net.p};
                NetParams<double> gr;
                const auto xs = ref.run(ep.u, gx, gr);
                INFO(c.label() << ", " << threads << " threads");
                for (int t = 1; t <= T; ++t) CHECK((xs[size_t(t)] - xs_fused[size_t(t)]).norm() < 1e-11);
                auto l1 = g.list(cfg), l2 = gr.list(cfg);
                for (size_t k = 0; k < l1.size(); ++k) {
                    INFO(l1[k].first);
                    CHECK(l2[k].second->norm() > 0);
                    CHECK((*l1[k].second - *l2[k].second).norm() <= 1e-10 * (1 + l2[k].second->norm()));
                }
            }
}

TEST_CASE("Recomputing the trace backwards gives the stored-trace gradients (float, long episode)", "[plastic][memory]") {
    for (Rule r : {Rule::Hebb, Rule::Oja}) {
        Case c{r, InputMode::Add, AlphaMode::Independent, EtaMode::Scalar, false};
        NetConfig cfg = make_cfg(c, 40, MemoryMode::Recompute);
        cfg.eta_init = 0.2;
        cfg.w_init = 0.3;
        cfg.a_init = 0.3;
        const int B = 1, T = 120;
        Rng rng(3);
        PlasticNet<float> a(cfg);
        a.init(rng);
        const Episode ep = make_episode(cfg, B, T, rng);
        NetConfig cfg2 = cfg;
        cfg2.memory = MemoryMode::StoreAll;
        PlasticNet<float> b(cfg2);
        b.p = a.p;
        run_loss(a, ep, B, T, true);
        run_loss(b, ep, B, T, true);
        INFO("anchors: recompute " << a.anchors_stored() << ", store-all " << b.anchors_stored());
        CHECK(a.anchors_stored() < T / 8);     // recompute really stores few traces
        CHECK(b.anchors_stored() == T - 2);
        CHECK(a.episode_bytes() * 4 < b.episode_bytes());
        NetParams<float> ga, gb;
        a.backward(ga);
        b.backward(gb);
        auto la = ga.list(cfg), lb = gb.list(cfg2);
        for (size_t k = 0; k < la.size(); ++k) {
            INFO(la[k].first);
            const double diff = (*la[k].second - *lb[k].second).norm(), ref = lb[k].second->norm();
            CHECK(ref > 0);
            CHECK(diff <= 1e-4 * ref);
        }
    }
}

TEST_CASE("Same seed, same run, bit for bit", "[plastic][determinism]") {
    Case c{Rule::Hebb, InputMode::Add, AlphaMode::Independent, EtaMode::Scalar, false};
    const NetConfig cfg = make_cfg(c, 30, MemoryMode::Recompute);
    auto once = [&] {
        Rng rng(11);
        PlasticNet<float> net(cfg);
        net.init(rng);
        const Episode ep = make_episode(cfg, 2, 30, rng);
        run_loss(net, ep, 2, 30, true);
        NetParams<float> g;
        net.backward(g);
        return std::make_pair(net.x(30), g.W);
    };
    const auto r1 = once(), r2 = once();
    CHECK(r1.first == r2.first);
    CHECK(r1.second == r2.second);
}
