// Maze tests: the environment's layout, rules and determinism; the fused network against the
// plain-loop reference; the whole A2C gradient (network + heads + trace, every variant) against
// central finite differences in double; float against double; the task's checkpoint round trip
// and exact resume; the learning-rate decay (lr_end, lr_decay_episodes) across a resume; live key
// events; and short learning runs judged over seeds.
#include <catch2/catch.hpp>
#include <algorithm>
#include <cmath>
#include "maze/a2c.hpp"
#include "maze/maze_env.hpp"
#include "maze/maze_live.hpp"
#include "maze/maze_net.hpp"
#include "maze/rollout.hpp"
#include "learning.hpp"
#include "task.hpp"

using namespace ps;
using namespace ps::maze;

namespace {

NetConfig small_cfg(AlphaMode a, TraceRule r, double clip) {
    NetConfig c;
    c.n = 9;
    c.alpha = a;
    c.rule = r;
    c.clip = clip;
    c.w_init = 1.5;
    c.a_init = 1.0;
    c.eta_init = 0.3;
    return c;
}

struct Variant {
    const char* label;
    AlphaMode a;
    TraceRule r;
    double clip;
};
const Variant kVariants[] = {
    {"oja/independent", AlphaMode::Independent, TraceRule::Oja, 0},
    {"oja/shared", AlphaMode::Shared, TraceRule::Oja, 0},
    {"hebb/independent", AlphaMode::Independent, TraceRule::Hebb, 0},
    {"non-plastic", AlphaMode::None, TraceRule::Oja, 0},
    {"neuromod/independent/clip", AlphaMode::Independent, TraceRule::Neuromod, 0.6},
    {"oja/independent/clip", AlphaMode::Independent, TraceRule::Oja, 0.08},
};

// Makes A random-signed and large enough that the trace matters in a short episode.
template <class S>
void spice(MazeNet<S>& net, Rng& rng) {
    for (Eigen::Index i = 0; i < net.p.A.size(); ++i) net.p.A.data()[i] = S(rng.uniform(-1.5, 1.5));
    for (Eigen::Index i = 0; i < net.p.Wm.size(); ++i) net.p.Wm.data()[i] = S(rng.uniform(-1.5, 1.5));
}

// Runs B episodes (maze of the given size, seed), with the given actions if non-empty (else
// sampled, and returned), and the A2C loss with the given frozen advantage if non-empty (else
// returned). Gradients into g if non-null.
double a2c_run(MazeNet<double>& net, int size, int B, int T, uint64_t seed, std::vector<int>& actions, std::vector<double>& adv,
               Params<double>* g) {
    EnvConfig ec;
    ec.size = size;
    ec.steps = T;
    std::vector<MazeEnv> envs(static_cast<size_t>(B), MazeEnv(ec));
    std::vector<Rng> er, ar;
    for (int e = 0; e < B; ++e) {
        er.emplace_back(seed * 31 + uint64_t(e));
        ar.emplace_back(seed * 77 + uint64_t(e) + 5);
        envs[size_t(e)].reset(er.back());
    }
    Rollout r;
    MatR<double> u;
    run_batch(net, envs, er, ar, T, r, u, actions.empty() ? nullptr : &actions);
    if (actions.empty()) actions = r.actions;
    A2CConfig ac;
    std::vector<double> adv_used;
    const A2CLoss L = a2c_loss_grad(net, r.actions, r.rewards, ac, adv.empty() ? nullptr : &adv, &adv_used);
    if (adv.empty()) adv = adv_used;
    if (g) net.backward(*g);
    return L.total;
}

LiveEvent key_event(int k) {
    LiveEvent e;
    e.kind = "key";
    e.key = k;
    return e;
}

}  // namespace

TEST_CASE("maze layout: borders, pillars at (even, even), centre cleared", "[maze]") {
    MazeEnv env(EnvConfig{});
    const int n = env.size();
    REQUIRE(n == 9);
    for (int k = 0; k < n; ++k) {
        CHECK(env.wall(0, k));
        CHECK(env.wall(n - 1, k));
        CHECK(env.wall(k, 0));
        CHECK(env.wall(k, n - 1));
    }
    CHECK(env.wall(2, 2));
    CHECK(env.wall(6, 4));
    CHECK_FALSE(env.wall(4, 4));   // centre cleared
    CHECK_FALSE(env.wall(3, 4));
    CHECK(env.free_cells().size() == 41u);   // 7x7 interior - 8 pillars
    for (int s : {7, 11, 13, 15}) CHECK_NOTHROW(MazeEnv(EnvConfig{s, 250, 10, 0.1}));
    for (int s : {5, 8, 17}) CHECK_THROWS_WITH(MazeEnv(EnvConfig{s, 250, 10, 0.1}), Catch::Contains("odd"));
}

TEST_CASE("maze rules: wall bump, reward and teleport, observation", "[maze]") {
    MazeEnv env(EnvConfig{});
    Rng rng(3);
    env.reset(rng);
    CHECK(env.row == 4);
    CHECK(env.col == 4);
    CHECK_FALSE((env.reward_row == 4 && env.reward_col == 4));
    CHECK_FALSE(env.wall(env.reward_row, env.reward_col));
    float obs[kObs];
    env.observe(obs);
    CHECK(obs[9] == 1.f);
    CHECK(obs[10] == 0.f);
    CHECK(obs[4] == 0.f);            // own cell
    // Walk to the border and bump.
    Rng r2(11);
    MazeEnv e2(EnvConfig{});
    e2.reset(r2);
    e2.reward_row = 7; e2.reward_col = 7;   // keep the reward out of the way
    e2.step(0, r2);                          // (3,4)
    e2.step(0, r2);                          // (2,4) is a pillar? (2,4) is even,even: a wall -> bump
    CHECK(e2.bumped);
    CHECK(e2.row == 3);
    CHECK(e2.prev_reward == Approx(-0.1));
    e2.observe(obs);
    CHECK(obs[11] == Approx(-0.1f));
    CHECK(obs[12] == 1.f);
    CHECK(obs[10] == Approx(2.0f / 250));
    // Reward: put the reward next to the agent and step onto it.
    e2.reward_row = 3; e2.reward_col = 5;
    const double r = e2.step(1, r2);
    CHECK(r == 10.0);
    CHECK(e2.hit);
    CHECK(e2.hits == 1);
    CHECK_FALSE((e2.row == 3 && e2.col == 5));   // teleported elsewhere
    CHECK_FALSE(e2.wall(e2.row, e2.col));
}

TEST_CASE("maze observation at the centre sees the cleared pillar ring", "[maze]") {
    MazeEnv env(EnvConfig{});
    Rng rng(1);
    env.reset(rng);
    float obs[kObs];
    env.observe(obs);
    // Around (4,4): corners (3,3),(3,5),(5,3),(5,5) are odd,odd -> free; edges (3,4),(4,3),... free.
    for (int k = 0; k < 9; ++k) CHECK(obs[k] == 0.f);
    for (int a = 0; a < kActions; ++a) CHECK(obs[12 + a] == 0.f);
}

TEST_CASE("maze episodes are deterministic given the seed", "[maze]") {
    NetConfig c = small_cfg(AlphaMode::Independent, TraceRule::Oja, 0);
    MazeNet<float> a(c), b(c);
    Rng r1(5), r2(5);
    a.init(r1);
    b.init(r2);
    auto run = [](MazeNet<float>& net) {
        EnvConfig ec;
        std::vector<MazeEnv> envs(2, MazeEnv(ec));
        std::vector<Rng> er{Rng(1), Rng(2)}, ar{Rng(3), Rng(4)};
        for (int e = 0; e < 2; ++e) envs[size_t(e)].reset(er[size_t(e)]);
        Rollout r;
        MatR<float> u;
        run_batch(net, envs, er, ar, 60, r, u);
        return r;
    };
    const Rollout x = run(a), y = run(b);
    CHECK(x.actions == y.actions);
    CHECK(x.rewards == y.rewards);
}

TEST_CASE("maze net: fused kernels match the plain-loop reference", "[maze][grad]") {
    for (const auto& v : kVariants) {
        SECTION(v.label) {
            const int B = 3, T = 11;   // k = 4: three anchor segments, the last one short
            NetConfig c = small_cfg(v.a, v.r, v.clip);
            MazeNet<double> net(c);
            Rng rng(42);
            net.init(rng);
            spice(net, rng);
            ReferenceNet<double> ref{c, net.p};
            std::vector<MatR<double>> u(size_t(T) + 1), gz(size_t(T) + 1), gv(size_t(T) + 1);
            for (int t = 1; t <= T; ++t) {
                u[size_t(t)] = MatR<double>::NullaryExpr(B, c.k, [&] { return rng.uniform(-1, 1); });
                gz[size_t(t)] = MatR<double>::NullaryExpr(B, c.actions, [&] { return rng.uniform(-1, 1); });
                gv[size_t(t)] = MatR<double>::NullaryExpr(B, 1, [&] { return rng.uniform(-1, 1); });
            }
            net.begin(B, T);
            for (int t = 1; t <= T; ++t) {
                net.step(u[size_t(t)]);
                net.grad_logits(t) = gz[size_t(t)];
                net.grad_value(t) = gv[size_t(t)];
            }
            Params<double> g, gr;
            net.backward(g);
            std::vector<MatR<double>> x, z, vv;
            ref.run(u, gz, gv, x, z, vv, gr);
            for (int t = 1; t <= T; ++t) {
                CHECK((net.x(t) - x[size_t(t)]).cwiseAbs().maxCoeff() < 1e-12);
                CHECK((net.logits(t) - z[size_t(t)]).cwiseAbs().maxCoeff() < 1e-12);
                CHECK((net.value(t) - vv[size_t(t)]).cwiseAbs().maxCoeff() < 1e-12);
            }
            auto la = g.list(), lb = gr.list();
            REQUIRE(la.size() == lb.size());
            for (size_t k = 0; k < la.size(); ++k) {
                INFO(la[k].first);
                const double scale = std::max(1e-12, lb[k].second->cwiseAbs().maxCoeff());
                CHECK(lb[k].second->cwiseAbs().maxCoeff() > 0);
                CHECK((*la[k].second - *lb[k].second).cwiseAbs().maxCoeff() / scale < 1e-10);
            }
        }
    }
}

TEST_CASE("maze A2C gradient matches central finite differences (double)", "[maze][grad]") {
    for (const auto& v : kVariants) {
        SECTION(v.label) {
            const int B = 2, T = 14, size = 7;
            NetConfig c = small_cfg(v.a, v.r, v.clip);
            MazeNet<double> net(c);
            Rng rng(7);
            net.init(rng);
            spice(net, rng);
            std::vector<int> actions;
            std::vector<double> adv;
            Params<double> g;
            a2c_run(net, size, B, T, 99, actions, adv, &g);   // samples the actions, freezes Â
            // the episodes must contain a reward event or a bump for the test to cover them
            const double h = 1e-6;
            auto params = net.p.list();
            auto grads = g.list();
            REQUIRE(params.size() == grads.size());
            int checked = 0;
            double worst = 0;
            for (size_t k = 0; k < params.size(); ++k) {
                MatR<double>& P = *params[k].second;
                const MatR<double>& G = *grads[k].second;
                INFO(params[k].first);
                CHECK(G.cwiseAbs().maxCoeff() > 0);   // guard: the analytic gradient is not zero
                // up to 12 entries per parameter, spread over the matrix
                const Eigen::Index n = P.size(), stride = std::max<Eigen::Index>(1, n / 12);
                for (Eigen::Index i = 0; i < n; i += stride) {
                    const double keep = P.data()[i];
                    P.data()[i] = keep + h;
                    const double lp = a2c_run(net, size, B, T, 99, actions, adv, nullptr);
                    P.data()[i] = keep - h;
                    const double lm = a2c_run(net, size, B, T, 99, actions, adv, nullptr);
                    P.data()[i] = keep;
                    const double num = (lp - lm) / (2 * h), an = G.data()[i];
                    if (std::abs(an) < 1e-9 && std::abs(num) < 1e-9) continue;   // both ~0 (e.g. a clipped entry)
                    const double rel = std::abs(an - num) / std::max({std::abs(an), std::abs(num), 1e-6});   // tiny: FD noise floor (loss ~ 1, h = 1e-6)
                    worst = std::max(worst, rel);
                    CHECK(an != num);   // guard: not bit-identical (a numeric gradient would be)
                    INFO("entry " << i << " analytic " << an << " numeric " << num);
                    CHECK(rel < 1e-5);
                    ++checked;
                }
            }
            INFO("worst corrected relative error " << worst);
            CHECK(checked > 30);
        }
    }
}

TEST_CASE("maze net in float follows double", "[maze]") {
    NetConfig c = small_cfg(AlphaMode::Independent, TraceRule::Oja, 0);
    c.n = 40;
    MazeNet<double> nd(c);
    Rng rng(3);
    nd.init(rng);
    MazeNet<float> nf(c);
    nf.p = nd.p.cast<float>();
    const int B = 2, T = 30;
    nd.begin(B, T);
    nf.begin(B, T);
    Rng ru(9);
    for (int t = 1; t <= T; ++t) {
        MatR<double> u = MatR<double>::NullaryExpr(B, c.k, [&] { return ru.uniform(-1, 1); });
        nd.step(u);
        nf.step(u.cast<float>());
        nd.grad_logits(t).setConstant(0.1);
        nf.grad_logits(t).setConstant(0.1f);
    }
    CHECK((nf.x(T).cast<double>() - nd.x(T)).cwiseAbs().maxCoeff() < 1e-4);
    Params<double> gd;
    Params<float> gf;
    nd.backward(gd);
    nf.backward(gf);
    CHECK((gf.A.cast<double>() - gd.A).cwiseAbs().maxCoeff() < 1e-3 * std::max(1e-6, gd.A.cwiseAbs().maxCoeff()) + 1e-6);
    CHECK((gf.W.cast<double>() - gd.W).cwiseAbs().maxCoeff() < 1e-3 * gd.W.cwiseAbs().maxCoeff());
}

TEST_CASE("maze task: presets, bad settings, checkpoint round trip and exact resume", "[maze]") {
    auto t = make_task("maze");
    REQUIRE(t);
    CHECK(t->presets().size() == 5);
    CHECK_THROWS_WITH(t->set_preset("huge"), Catch::Contains("unknown preset 'huge'"));
    CHECK_THROWS_WITH(apply_overrides(t->fields(), {"size=20"}), Catch::Contains("size"));
    for (const char* p : {"plastic", "non-plastic", "shared-alpha", "backpropamine"}) {
        t->set_preset(p);
        apply_overrides(t->fields(), {"hidden=16", "steps=20", "batch=2"});
        t->init(1);
        const StepStats st = t->train_step();
        CHECK(std::isfinite(st.loss));
        CHECK(t->find_nonfinite().empty());
    }
    auto run = [](int steps_before_save, int steps_after) {
        auto a = make_task("maze");
        a->set_preset("quick");
        apply_overrides(a->fields(), {"steps=30", "batch=2"});
        a->init(8);
        for (int i = 0; i < steps_before_save; ++i) a->train_step();
        ArrayMap m;
        a->save(m, true);
        auto b = make_task("maze");
        b->set_preset("quick");
        apply_overrides(b->fields(), {"steps=30", "batch=2"});
        b->init(123);   // different seed: everything must come from the checkpoint
        b->load(m, true);
        double last = 0;
        for (int i = 0; i < steps_after; ++i) last = b->train_step().loss;
        return last;
    };
    CHECK(run(3, 1) == run(2, 2));
}

TEST_CASE("maze task: learning-rate decay follows the episode counter, across a resume", "[maze]") {
    // lr(e) = lr * (lr_end/lr)^min(1, e/D): with lr 1e-3, lr_end 1e-5, D = 8 episodes and 2 episodes
    // per update, the updates start at e = 0, 2, 4, 6, 8, 10 -> 1e-3, 1e-3 * 10^-0.5, 1e-4 (half way),
    // 1e-4 * 10^-0.5, 1e-5 (end), 1e-5 (beyond). Values written out by hand, not by the formula.
    const std::vector<std::string> ov = {"hidden=8", "steps=10", "batch=2", "lr=1e-3", "lr_end=1e-5", "lr_decay_episodes=8"};
    const double want[6] = {1e-3, 3.1622776601683794e-4, 1e-4, 3.1622776601683794e-5, 1e-5, 1e-5};
    auto make = [&](const std::vector<std::string>& o) {
        auto t = make_task("maze");
        t->set_preset("quick");
        apply_overrides(t->fields(), o);
        t->init(3);
        return t;
    };
    auto t = make(ov);
    std::vector<double> loss;
    for (int k = 0; k < 6; ++k) {
        const StepStats st = t->train_step();
        INFO("update " << k);
        CHECK(st.extra.at("lr") == Approx(want[k]).epsilon(1e-12));
        loss.push_back(st.loss);
    }
    // Resume after 2 updates (episode 4) into a task built with another seed: the schedule goes on
    // at 1e-4, and the run continues bit for bit.
    auto a = make(ov);
    a->train_step();
    a->train_step();
    ArrayMap m;
    a->save(m, true);
    auto b = make(ov);
    b->init(99);
    b->load(m, true);
    for (int k = 2; k < 6; ++k) {
        const StepStats st = b->train_step();
        INFO("resumed update " << k);
        CHECK(st.extra.at("lr") == Approx(want[k]).epsilon(1e-12));
        CHECK(st.loss == loss[size_t(k)]);
    }
    // lr_end = 0 (the default) keeps lr constant; and the schedule really reaches Adam: the constant
    // run's third update (its loss is measured after the second, smaller-lr step) differs.
    auto c = make({"hidden=8", "steps=10", "batch=2", "lr=1e-3", "lr_decay_episodes=8"});
    std::vector<double> closs;
    for (int k = 0; k < 6; ++k) {
        const StepStats st = c->train_step();
        CHECK(st.extra.at("lr") == 1e-3);
        closs.push_back(st.loss);
    }
    CHECK(closs[0] == loss[0]);
    CHECK(closs[1] == loss[1]);   // the first update used 1e-3 in both runs
    CHECK(closs[2] != loss[2]);   // the second used 1e-3 vs 3.16e-4
    auto q = make({});
    CHECK(q->train_step().extra.at("lr") == 1e-3);   // the quick preset's lr, no schedule
}

TEST_CASE("maze live view: arrow keys move the agent", "[maze]") {
    auto t = make_task("maze");
    t->set_preset("quick");
    t->init(2);
    t->live_reset(5);
    LiveViews v;
    t->live_views(v);
    const double r0 = v.scalars.at("agent row");
    CHECK(t->live_event(key_event(0)).empty());   // up from the centre (3,3) of a 7x7 maze: (2,3) is free
    t->live_views(v);
    CHECK(v.t == 1);
    CHECK((v.scalars.at("agent row") == r0 - 1 || v.scalars.at("reward hits") == 1));
    LiveEvent paint;
    paint.kind = "paint";
    CHECK_FALSE(t->live_event(paint).empty());
    CHECK(v.images.size() == 3);
    CHECK(v.scalars.count("pi up"));
    CHECK(v.scalars.count("value"));
    // The task view's typed state agrees with the numbers shown and recorded.
    const auto* live = v.payload_as<MazeLive>();
    REQUIRE(live);
    CHECK(live->agent_row == int(v.scalars.at("agent row")));
    CHECK(live->hits == int(v.scalars.at("reward hits")));
    CHECK(live->pi[0] == v.scalars.at("pi up"));
    CHECK(live->size == 7);
}

TEST_CASE("maze learns: reward per episode rises over seven seeds (quick preset)", "[maze][learning]") {
    // Per seed: 400 updates of 8 episodes, judged on the mean training reward of the first and
    // last 50 updates and on 48 held-out evaluation episodes (the same mazes and action draws
    // before and after). One seed's run is chaotic: builds part after ~100 updates, and at 250
    // updates some seeds of one build had barely started (clang -march=native on AVX-512: three
    // of seven seeds with a held-out gain under 2, median 4.6). The verdict is the median over
    // seven seeds after 400 updates, whose lowest median over five builds was 10.5 (held-out)
    // and 10.8 (training): the thresholds keep a factor of 2.5 (docs/reliability.md).
    std::vector<double> gain_train, gain_eval;
    for (uint64_t seed : {1, 2, 3, 4, 5, 6, 7}) {
        auto t = make_task("maze");
        t->set_preset("quick");
        t->init(seed);
        auto eval = [&] {
            Rng r(20261124);
            double s = 0;
            for (int i = 0; i < 48; ++i) s += t->eval_episode(r);
            return s / 48;
        };
        const double before = eval();
        const int steps = 400;
        std::vector<double> m;
        for (int i = 0; i < steps; ++i) m.push_back(t->train_step().metric);
        const double after = eval();
        auto mean = [&](int a, int b) { double s = 0; for (int i = a; i < b; ++i) s += m[size_t(i)]; return s / (b - a); };
        gain_train.push_back(mean(steps - 50, steps) - mean(0, 50));
        gain_eval.push_back(after - before);
    }
    ps_test::learning_report("maze reward gain, training", gain_train);
    ps_test::learning_report("maze reward gain, held-out", gain_eval);
    INFO("reward gain per seed, training: " << ps_test::join(gain_train) << "; held-out: " << ps_test::join(gain_eval));
    CHECK(ps_test::median(gain_train) > 4);
    CHECK(ps_test::median(gain_eval) > 4);
}
