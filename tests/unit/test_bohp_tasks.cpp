// The BOHP tasks through the ps::Task interface: registry and presets, determinism, checkpoints,
// the gradient dump, live stepping and its views, the optimiser rules, the multi-seed sweep
// runner, and learning over seeds within a small budget (tag [learning]), including the paper's
// finding that reversal needs negative alpha while one-shot association does not.
#include <catch2/catch.hpp>
#include <algorithm>
#include <cmath>
#include "bohp/bohp_optim.hpp"
#include "bohp/bohp_task.hpp"
#include "sweep.hpp"
#include "helpers.hpp"
#include "learning.hpp"
#include "task.hpp"

using namespace ps;
using namespace ps::bohp;

namespace {

const char* kTasks[] = {"bohp-completion", "bohp-oneshot", "bohp-reversal"};

std::unique_ptr<Task> task(const std::string& name, const std::string& preset = "",
                           const std::vector<std::string>& kv = {}) {
    auto t = make_task(name);
    REQUIRE(t);
    if (!preset.empty()) t->set_preset(preset);
    apply_overrides(t->fields(), kv);
    return t;
}

// The task at its default preset, initialised from seed and trained for `steps` steps.
std::unique_ptr<Task> trained(const std::string& name, uint64_t seed, int steps) {
    auto t = task(name);
    t->init(seed);
    for (int i = 0; i < steps; ++i) t->train_step();
    return t;
}

BohpTask& as_bohp(Task& t) {
    auto* b = dynamic_cast<BohpTask*>(&t);
    REQUIRE(b);
    return *b;
}

bool same_params(const Params<float>& a, const Params<float>& b) {
    bool same = true;
    std::vector<const MatR<float>*> bs;
    for (const auto& [n, m] : b.list()) bs.push_back(m);
    size_t i = 0;
    for (const auto& [n, m] : a.list()) same = same && *m == *bs[i++];
    return same;
}

struct RunResult {
    double first = 0, last = 0;     // mean training loss over the first / last `window` episodes
    double alpha_pattern = 0;
};
RunResult train(Task& t, uint64_t seed, int episodes, int window) {
    t.init(seed);
    RunResult r;
    for (int e = 0; e < episodes; ++e) {
        const StepStats st = t.train_step();
        REQUIRE(std::isfinite(st.loss));
        if (e < window) r.first += st.loss / window;
        if (e >= episodes - window) r.last += st.loss / window;
        if (e == episodes - 1 && st.extra.count("alpha_pattern_mean")) r.alpha_pattern = st.extra.at("alpha_pattern_mean");
    }
    return r;
}

}  // namespace

TEST_CASE("BOHP tasks are registered with presets, fields and clear config errors", "[bohp]") {
    for (const char* name : kTasks) {
        auto t = task(name);
        INFO(name);
        CHECK(t->name() == name);
        CHECK(!t->description().empty());
        REQUIRE(!t->presets().empty());
        CHECK(t->preset() == t->presets().front().name);
        for (const auto& p : t->presets()) t->set_preset(p.name);
        CHECK_THROWS_AS(t->set_preset("no-such-preset"), ConfigError);
        std::vector<std::string> keys;
        for (const auto& f : t->fields()) keys.push_back(f.key);
        for (const char* k : {"gamma", "lr", "clip", "l1", "l2", "optimizer", "clip_alpha_nonneg", "frozen", "episodes"})
            CHECK(std::find(keys.begin(), keys.end(), k) != keys.end());
        CHECK_THROWS_AS(apply_overrides(t->fields(), {"gamma=1.5"}), ConfigError);
        CHECK_THROWS_AS(apply_overrides(t->fields(), {"optimizer=sgd"}), ConfigError);
        t->init(3);
        CHECK(t->num_params() > 0);
        CHECK(t->find_nonfinite().empty());
    }
    auto r = task("bohp-reversal", "", {"steps=12", "swap_at=11"});
    CHECK_THROWS_AS(r->train_step(), ConfigError);   // no step left after the swap
}

TEST_CASE("BOHP episodes follow the layout of docs/science.md §2", "[bohp]") {
    Rng rng(5);
    Episode<double> ep;
    {
        auto t = task("bohp-completion");
        as_bohp(*t).episode(rng, ep);
        REQUIRE(ep.T() == 2);
        CHECK(ep.scored == std::vector<uint8_t>{0, 1});
        CHECK((ep.x.row(1).array() != 0).count() == 1);        // one bit kept
        CHECK(ep.target.row(1) == ep.x.row(0));                 // the whole pattern
    }
    for (const char* name : {"bohp-oneshot", "bohp-reversal"}) {
        for (const char* order : {"alternate", "random"}) {
            auto t = task(name, "", {std::string("order=") + order});
            INFO(name << " " << order);
            as_bohp(*t).episode(rng, ep);
            REQUIRE(ep.T() == 20);
            REQUIRE(ep.x.cols() == 10);
            const bool rev = std::string(name) == "bohp-reversal";
            for (int t0 = 0; t0 < 20; ++t0) {
                const bool labelled = t0 < 2 || (rev && (t0 == 9 || t0 == 10));
                CHECK(ep.scored[size_t(t0)] == !labelled);
                CHECK((ep.x(t0, 8) + ep.x(t0, 9)) == (labelled ? 1 : 0));
                if (labelled) CHECK(ep.x.row(t0).tail(2) == ep.target.row(t0));   // label slots = target
                // the target follows the pattern: same pattern as a labelled step of the same phase ->
                // same class
                const int ref = rev && t0 >= 9 ? 9 : 0;
                for (int l = ref; l < ref + 2; ++l)
                    if (ep.x.row(t0).head(8) == ep.x.row(l).head(8)) CHECK(ep.target.row(t0) == ep.target.row(l));
            }
            CHECK(ep.x.row(0).head(8) != ep.x.row(1).head(8));
            if (rev) CHECK(ep.target.row(0) != ep.target.row(ep.x.row(9).head(8) == ep.x.row(0).head(8) ? 9 : 10));
        }
    }
}

TEST_CASE("BOHP training is deterministic per seed; frozen does not update; clip_alpha_nonneg holds", "[bohp]") {
    for (const char* name : kTasks) {
        INFO(name);
        auto a = task(name), b = task(name);
        a->init(7);
        b->init(7);
        for (int i = 0; i < 40; ++i) CHECK(a->train_step().loss == b->train_step().loss);
        CHECK(same_params(as_bohp(*a).params(), as_bohp(*b).params()));
        b->init(8);
        b->train_step();
        CHECK(!same_params(as_bohp(*a).params(), as_bohp(*b).params()));

        const Params<float> before = as_bohp(*a).params();
        apply_overrides(a->fields(), {"frozen=true"});
        const StepStats st = a->train_step();
        CHECK(st.extra.at("frozen") == 1);
        CHECK(same_params(before, as_bohp(*a).params()));

        auto c = task(name, "", {"clip_alpha_nonneg=true"});
        c->init(1);
        for (int i = 0; i < 30; ++i) c->train_step();
        CHECK(as_bohp(*c).params().alpha.minCoeff() >= 0);
    }
}

TEST_CASE("BOHP save/load restores parameters and optimiser state exactly", "[bohp]") {
    for (const char* name : kTasks) {
        INFO(name);
        auto a = trained(name, 2, 60);
        ArrayMap full, params_only;
        a->save(full, true);
        a->save(params_only, false);
        CHECK(full.count("optim/steps"));
        CHECK(!params_only.count("optim/steps"));
        CHECK(params_only.count("param/alpha"));
        CHECK(full.count("state/episode"));

        auto b = task(name);
        b->init(99);
        b->load(full, true);
        CHECK(same_params(as_bohp(*a).params(), as_bohp(*b).params()));
        // A resumed run equals the uninterrupted one: same optimiser state, same data stream.
        for (int i = 0; i < 30; ++i) CHECK(a->train_step().loss == b->train_step().loss);
        CHECK(same_params(as_bohp(*a).params(), as_bohp(*b).params()));

        auto c = task(name);
        CHECK_THROWS_AS(c->load(params_only, true), std::runtime_error);   // optimiser state missing
        ArrayMap bad = full;
        bad["param/w"] = to_array(MatR<float>::Zero(3, 3));
        try {
            c->load(bad, true);
            FAIL("a wrong shape must be rejected");
        } catch (const std::runtime_error& e) {
            CHECK(std::string(e.what()).find("'param/w'") != std::string::npos);
        }
        bad = full;
        bad["param/alpha"].f32[0] = NAN;
        CHECK_THROWS_AS(c->load(bad, false), std::runtime_error);
    }
}

TEST_CASE("BOHP optimiser continues identically after a checkpoint", "[bohp]") {
    Shape s;
    s.K = 3; s.M = 2; s.O = 2; s.readout = Readout::LinearSoftmax;
    Params<float> p, g;
    p.zeros(s);
    g.zeros(s);
    Rng r(1);
    auto rnd = [&](Params<float>& q) {
        for (auto& [n, m] : q.list()) for (Eigen::Index i = 0; i < m->size(); ++i) m->data()[i] = float(r.normal());
    };
    rnd(p);
    OptConfig cfg;
    for (int kind : {OptConfig::RmsProp, OptConfig::Adam}) {
        cfg.kind = kind;
        Optimizer a, b;
        a.reset(s);
        Params<float> pa = p;
        for (int i = 0; i < 5; ++i) { rnd(g); a.apply(cfg, pa, g); }
        ArrayMap m;
        a.save(m);
        b.load(m, s);
        Params<float> pb = pa;
        rnd(g);
        a.apply(cfg, pa, g);
        b.apply(cfg, pb, g);
        CHECK(same_params(pa, pb));
        CHECK(b.steps() == 6);
    }
}

TEST_CASE("BOHP optimiser rules: clipped RMSprop step, Adam first step, L1 never flips a sign", "[bohp]") {
    Shape s;
    s.K = 2; s.M = 2; s.O = 2;
    Params<float> p, g;
    p.zeros(s);
    g.zeros(s);
    p.w.setConstant(1.f);
    g.w << 1e-3f, -5.f, 100.f, 0.f;
    OptConfig cfg;
    cfg.lr = 0.03; cfg.clip = 0.02; cfg.l1 = 0; cfg.l2 = 0;
    Optimizer o;
    o.reset(s);
    Params<float> q = p;
    o.apply(cfg, q, g);
    // first RMSprop step: v = g², so |Δ| = lr for any g != 0, then clipped to 0.02
    CHECK(q.w(0, 0) == Approx(1 - 0.02).epsilon(1e-6));
    CHECK(q.w(0, 1) == Approx(1 + 0.02).epsilon(1e-6));
    CHECK(q.w(1, 0) == Approx(1 - 0.02).epsilon(1e-6));
    CHECK(q.w(1, 1) == 1.f);
    cfg.clip = 1;
    o.reset(s);
    q = p;
    o.apply(cfg, q, g);
    CHECK(q.w(0, 0) == Approx(1 - 0.03).epsilon(1e-5));
    cfg.kind = OptConfig::Adam;
    o.reset(s);
    q = p;
    o.apply(cfg, q, g);
    CHECK(q.w(0, 1) == Approx(1 + 0.03).epsilon(1e-5));   // Adam: first step lr·sign(g)
    // L1 alone: shrinks by l1 and stops at 0; L2 scales; biases untouched
    cfg.kind = OptConfig::RmsProp;
    cfg.l1 = 0.3; cfg.l2 = 0.5;
    g.zeros(s);
    q = p;
    q.w << 0.2f, -0.2f, 2.f, -2.f;
    q.b.setConstant(1.f);
    o.reset(s);
    o.apply(cfg, q, g);
    CHECK(q.w(0, 0) == 0.f);
    CHECK(q.w(0, 1) == 0.f);
    CHECK(q.w(1, 0) == Approx(2 * 0.5 - 0.3));
    CHECK(q.w(1, 1) == Approx(-(2 * 0.5 - 0.3)));
    CHECK(q.b(0, 0) == 1.f);
}

TEST_CASE("BOHP grad_dump writes the episode, parameters and the online gradient (= BPTT)", "[bohp]") {
    for (const char* name : kTasks) {
        INFO(name);
        auto t = trained(name, 4, 200);
        ArrayMap d;
        t->grad_dump(12, d);
        for (const char* k : {"inputs", "targets", "scored", "loss", "gamma", "param/w", "param/alpha", "param/b",
                              "param/out_b", "grad/w", "grad/alpha", "grad/b", "grad/out_b"})
            CHECK(d.count(k));
        CHECK(scalar_from(d, "loss") > 0);
        for (const char* p : {"w", "alpha", "b", "out_b"}) {
            const Array& a = d.at(std::string("grad/") + p);
            const Array& b = d.at(std::string("bptt_grad/") + p);
            REQUIRE(a.dtype == Array::Dtype::F64);
            double worst = 0, mx = 0;
            for (int64_t i = 0; i < a.size(); ++i) {
                worst = std::max(worst, std::abs(a.at(i) - b.at(i)) / std::max({std::abs(a.at(i)), std::abs(b.at(i)), 1e-12}));
                mx = std::max(mx, std::abs(a.at(i)));
            }
            CHECK(worst < 1e-9);
            CHECK(mx > 0);
        }
        ArrayMap d2;
        t->grad_dump(12, d2);
        CHECK(d2.at("grad/alpha").f64 == d.at("grad/alpha").f64);
    }
}

TEST_CASE("BOHP live stepping shows traces, online gradient traces and the reversal mark", "[bohp]") {
    auto t = task("bohp-reversal");
    LiveViews v = ps_test::live_start(*t, 1, 77);
    CHECK(v.t == 0);
    CHECK(v.T == 20);
    std::vector<std::string> names;
    for (const auto& m : v.matrices) names.push_back(m.name);
    for (const char* n : {"Hebb", "dy/dw", "dy/dalpha", "w", "alpha"})
        CHECK(std::find(names.begin(), names.end(), n) != names.end());
    CHECK(std::find(v.marks.begin(), v.marks.end(), std::make_pair(10, std::string("labels swap"))) != v.marks.end());
    CHECK(v.scalars.count("gamma"));
    CHECK(v.scalars.count("loss"));
    int steps = 0;
    while (t->live_step()) {
        ++steps;
        t->live_views(v);
        REQUIRE(v.t == steps);
        const MatR<float>* hebb = v.matrices[0].m;
        REQUIRE(hebb->rows() == 10);
        REQUIRE(hebb->cols() == 2);
        CHECK(hebb->cwiseAbs().maxCoeff() > 0);
        CHECK(v.matrices[1].m->cwiseAbs().maxCoeff() > 0);   // dy/dw
        REQUIRE(v.activity->rows() == 20);
        CHECK(v.activity->row(steps - 1).cwiseAbs().maxCoeff() > 0);
    }
    CHECK(steps == 20);
    CHECK(!t->live_step());
    CHECK(v.scalars.at("loss") > 0);
    MatR<float> hebb_end = *v.matrices[0].m;
    // live_restart replays the same episode; a live change of gamma changes the traces
    t->live_restart();
    while (t->live_step()) {}
    t->live_views(v);
    CHECK(*v.matrices[0].m == hebb_end);
    apply_overrides(t->fields(), {"gamma=0.3"});
    t->apply_live_changes();
    t->live_restart();
    while (t->live_step()) {}
    t->live_views(v);
    CHECK(*v.matrices[0].m != hebb_end);
    CHECK(v.scalars.at("gamma") == 0.3);
}

TEST_CASE("sweep: quantiles, curves, threads do not change results, frozen tail", "[bohp]") {
    CHECK(quantile({1, 2, 3, 4}, 0.5) == 2.5);
    CHECK(quantile({1, 2, 3, 4}, 0.25) == 1.75);
    CHECK(quantile({5}, 0.75) == 5);
    const auto c = sweep_curve({{1, 1, 3, 3, 5}, {3, 3, 5, 5, 7}, {2, 2, 4, 4, 6}}, 2);
    REQUIRE(c.size() == 3);
    CHECK(c[0].episode == 2);
    CHECK(c[0].median == 2);
    CHECK(c[0].q25 == 1.5);
    CHECK(c[0].q75 == 2.5);
    CHECK(c[2].episode == 5);
    CHECK(c[2].median == 6);
    CHECK(first_below(c, 3.5) == 2);
    CHECK(first_below(c, 1) == -1);
    CHECK(curve_csv(c).rfind("episode,median,q25,q75\n2,2,1.5,2.5\n", 0) == 0);

    SweepOptions o;
    o.task = "bohp-completion";
    o.seeds = 3;
    o.episodes = 300;
    o.freeze_last = 100;
    o.threads = 1;
    const SweepResult a = run_sweep(o);
    o.threads = 2;
    const SweepResult b = run_sweep(o);
    REQUIRE(a.runs.size() == 3);
    CHECK(a.freeze_from == 200);
    for (size_t i = 0; i < 3; ++i) {
        CHECK(a.runs[i].error.empty());
        CHECK(a.runs[i].seed == 1 + i);
        CHECK(a.runs[i].loss.size() == 300);
        CHECK(a.runs[i].loss == b.runs[i].loss);
        CHECK(a.runs[i].final_extra.at("frozen") == 1);
    }
    CHECK(a.runs[0].loss != a.runs[1].loss);
    o.task = "no-such-task";
    CHECK_THROWS_AS(run_sweep(o), ConfigError);
    o.task = "bohp-completion";
    o.overrides = {"lr=banana"};
    CHECK_THROWS_AS(run_sweep(o), ConfigError);
    o.overrides = {};
    o.episodes = 0;   // the task's own "episodes" field
    o.seeds = 1;
    o.overrides = {"episodes=50"};
    CHECK(run_sweep(o).runs[0].loss.size() == 50);
}

TEST_CASE("BOHP completion learns over seeds: error from ~8 to near 0 in 1500 episodes", "[bohp][learning]") {
    std::vector<double> first, last, diag, off, alpha_off;
    for (uint64_t seed : {1, 2, 3}) {
        auto t = task("bohp-completion");
        const RunResult r = train(*t, seed, 1500, 100);
        first.push_back(r.first);
        last.push_back(r.last);
        // learned structure: strong fixed i -> i weights, plastic all-to-all
        const auto& p = as_bohp(*t).params();
        diag.push_back(p.w.diagonal().minCoeff());
        off.push_back((p.w.array().abs().sum() - p.w.diagonal().array().abs().sum()) / 56);
        alpha_off.push_back((p.alpha.sum() - p.alpha.diagonal().sum()) / 56);
    }
    ps_test::learning_report("bohp-completion loss first", first);
    ps_test::learning_report("bohp-completion loss last", last);
    ps_test::learning_report("bohp-completion min diagonal w", diag);
    INFO("first " << ps_test::join(first) << " last " << ps_test::join(last));
    CHECK(ps_test::median(first) > 3);
    CHECK(ps_test::median(last) < 0.05);
    CHECK(ps_test::median(diag) > 1);
    CHECK(ps_test::median(off) < 0.2);
    CHECK(ps_test::median(alpha_off) > 1);
}

TEST_CASE("BOHP one-shot association learns over seeds within 4000 episodes", "[bohp][learning]") {
    std::vector<double> first, last;
    for (uint64_t seed : {1, 2, 3}) {
        auto t = task("bohp-oneshot");
        const RunResult r = train(*t, seed, 4000, 300);
        first.push_back(r.first);
        last.push_back(r.last);
    }
    ps_test::learning_report("bohp-oneshot loss first", first);
    ps_test::learning_report("bohp-oneshot loss last", last);
    INFO("first " << ps_test::join(first) << " last " << ps_test::join(last));
    CHECK(ps_test::median(first) > 0.5);
    CHECK(ps_test::median(last) < 0.12);
}

TEST_CASE("BOHP reversal needs negative alpha: clipped alpha >= 0 breaks reversal, not one-shot", "[bohp][learning]") {
    // Three fixed seeds, 3000 episodes each (about 0.07 s per run on one core).
    std::vector<double> rev, rev_clip, one_clip;
    for (uint64_t seed : {1, 2, 3}) {
        auto a = task("bohp-reversal");
        const RunResult r = train(*a, seed, 3000, 300);
        rev.push_back(r.last);
        if (r.last < 0.1) CHECK(r.alpha_pattern < 0);   // a reversal learner is anti-Hebbian on the patterns
        auto b = task("bohp-reversal", "clip-alpha");
        const RunResult rc = train(*b, seed, 3000, 300);
        rev_clip.push_back(rc.last);
        CHECK(as_bohp(*b).params().alpha.minCoeff() >= 0);
        auto c = task("bohp-oneshot", "clip-alpha");
        one_clip.push_back(train(*c, seed, 3000, 300).last);
    }
    ps_test::learning_report("bohp-reversal loss last", rev);
    ps_test::learning_report("bohp-reversal alpha>=0 loss last", rev_clip);
    ps_test::learning_report("bohp-oneshot alpha>=0 loss last", one_clip);
    INFO("reversal " << rev[0] << " " << rev[1] << " " << rev[2] << " | reversal, alpha>=0 " << rev_clip[0] << " "
                     << rev_clip[1] << " " << rev_clip[2] << " | one-shot, alpha>=0 " << one_clip[0] << " "
                     << one_clip[1] << " " << one_clip[2]);
    CHECK(quantile(rev, 0.5) < 0.1);
    for (double l : rev_clip) CHECK(l > 0.4);                 // chance is ln 2 = 0.69
    CHECK(quantile(one_clip, 0.5) < 0.15);
}
