// FLP tasks through the Task interface: meta-training really lowers the loss on fixed seeds
// within seconds ([flp] learning tests), and the plumbing (save/load, grad_dump, live stepping,
// episode data, config errors) behaves.
#include <catch2/catch.hpp>
#include <algorithm>
#include <cmath>
#include <set>
#include "flp/flp_analysis.hpp"
#include "flp/flp_data.hpp"
#include "flp/flp_task.hpp"
#include "learning.hpp"
#include "task.hpp"

using namespace ps;

namespace {

std::unique_ptr<Task> make(const std::string& name, const std::string& preset, const std::vector<std::string>& kv = {},
                           uint64_t seed = 3) {
    auto t = make_task(name);
    REQUIRE(t);
    t->set_preset(preset);
    apply_overrides(t->fields(), kv);
    t->init(seed);
    return t;
}

double mean_eval(Task& t, int n, uint64_t seed = 99) {
    Rng r(seed);
    double s = 0;
    for (int i = 0; i < n; ++i) s += t.eval_episode(r);
    return s / n;
}

// Mean training loss over the first and the last `w` steps of `steps`.
std::pair<double, double> train_curve(Task& t, int steps, int w) {
    double a = 0, b = 0;
    for (int i = 0; i < steps; ++i) {
        const double l = t.train_step().loss;
        REQUIRE(std::isfinite(l));
        if (i < w) a += l / w;
        if (i >= steps - w) b += l / w;
    }
    return {a, b};
}

}  // namespace

// One arm's learning over three seeds: eval metric before / after and training loss first / last
// windows, each a vector over seeds (judged on the median, tests/unit/learning.hpp).
struct Arm {
    std::vector<double> before, after, first, last;
};
Arm learn_over_seeds(const std::string& name, const std::vector<std::string>& kv, int steps, int w, int n_eval) {
    Arm r;
    for (uint64_t seed : {3, 4, 5}) {
        auto t = make(name, "quick", kv, seed);
        r.before.push_back(mean_eval(*t, n_eval));
        const auto [first, last] = train_curve(*t, steps, w);
        r.first.push_back(first);
        r.last.push_back(last);
        r.after.push_back(mean_eval(*t, n_eval));
        CHECK(t->find_nonfinite().empty());
    }
    const std::string tag = name + (kv.empty() ? "" : " " + kv[0]);
    ps_test::learning_report(tag + " eval before", r.before);
    ps_test::learning_report(tag + " eval after", r.after);
    ps_test::learning_report(tag + " loss first", r.first);
    ps_test::learning_report(tag + " loss last", r.last);
    return r;
}
double ratio_median(const std::vector<double>& a, const std::vector<double>& b) {
    std::vector<double> r;
    for (size_t i = 0; i < a.size(); ++i) r.push_back(a[i] / b[i]);
    return ps_test::median(r);
}

TEST_CASE("flp-sine (FLP, quick): meta-training lowers the query MSE", "[flp][learning]") {
    const Arm r = learn_over_seeds("flp-sine", {}, 300, 40, 40);
    INFO("eval MSE " << ps_test::join(r.before) << " -> " << ps_test::join(r.after) << "; training loss "
         << ps_test::join(r.first) << " -> " << ps_test::join(r.last));
    CHECK(ratio_median(r.last, r.first) < 0.85);
    CHECK(ratio_median(r.after, r.before) < 0.85);
}

TEST_CASE("flp-sine (OML, quick): meta-training lowers the query MSE", "[flp][learning]") {
    const Arm r = learn_over_seeds("flp-sine", {"learner=oml"}, 300, 40, 40);
    INFO("eval MSE " << ps_test::join(r.before) << " -> " << ps_test::join(r.after) << "; training loss "
         << ps_test::join(r.first) << " -> " << ps_test::join(r.last));
    CHECK(ratio_median(r.last, r.first) < 0.85);
    CHECK(ratio_median(r.after, r.before) < 0.85);
}

TEST_CASE("flp-classify (FLP, quick): meta-training raises the query accuracy", "[flp][learning]") {
    const Arm r = learn_over_seeds("flp-classify", {}, 150, 25, 60);
    std::vector<double> gain;
    for (size_t i = 0; i < r.after.size(); ++i) gain.push_back(r.after[i] - r.before[i]);
    INFO("eval accuracy " << ps_test::join(r.before) << " -> " << ps_test::join(r.after) << "; training loss "
         << ps_test::join(r.first) << " -> " << ps_test::join(r.last));
    CHECK(ratio_median(r.last, r.first) < 0.8);
    CHECK(ps_test::median(gain) > 0.15);
}

TEST_CASE("flp-sine (plain SGD): the rate grid picks a rate that beats the grid's extremes", "[flp][learning]") {
    auto t = make("flp-sine", "quick", {"learner=sgd"});
    for (int i = 0; i < 20; ++i) REQUIRE(std::isfinite(t->train_step().loss));
    auto* base = dynamic_cast<flp::FlpTaskBase*>(t.get());
    REQUIRE(base);
    const auto& L = base->learner();
    const auto grid = flp::sgd_rate_grid();
    const double best = L.p.lr(0, 0);
    auto mean = [&](size_t i) { return L.grid_sum[i] / double(L.grid_n[i]); };
    size_t ib = 0;
    for (size_t i = 0; i < grid.size(); ++i) if (std::abs(grid[i] - best) < 1e-6 * best) ib = i;
    INFO("tuned rate " << best);
    CHECK(mean(ib) < mean(0));
    CHECK(mean(ib) < mean(grid.size() - 1));
}

TEST_CASE("FLP tasks: save/load round trip, bad checkpoints, grad_dump, determinism", "[flp]") {
    for (const char* name : {"flp-sine", "flp-classify"}) {
        INFO(name);
        auto a = make(name, "quick");
        for (int i = 0; i < 5; ++i) a->train_step();
        ArrayMap m;
        a->save(m, true);
        auto b = make(name, "quick", {}, 123);        // other seed: other parameters until loaded
        b->load(m, true);
        Rng r1(5), r2(5);
        CHECK(a->eval_episode(r1) == b->eval_episode(r2));
        // the optimiser state came along: one more identical step on both from the same data seed
        ArrayMap ma, mb;
        a->save(ma, true); b->save(mb, true);
        CHECK(ma.size() == mb.size());
        // shape mismatch is refused with the array's name
        auto c = make(name, "quick", {"width=8"});
        REQUIRE_THROWS_WITH(c->load(m, false), Catch::Contains("W1"));
        // a missing array is named
        ArrayMap bad = m;
        bad.erase("param/P3");
        REQUIRE_THROWS_WITH(b->load(bad, false), Catch::Contains("param/P3"));
        // grad_dump: every meta-parameter, its gradient, the loss; same seed -> same dump
        ArrayMap g1, g2;
        a->grad_dump(7, g1);
        a->grad_dump(7, g2);
        CHECK(g1.count("loss") == 1);
        CHECK(g1.count("param/P3") == 1);
        CHECK(g1.count("grad/P3") == 1);
        CHECK(g1.count("grad/W1") == 1);
        CHECK(g1.at("grad/W1").dtype == Array::Dtype::F64);
        CHECK(g1.at("grad/W1").f64 == g2.at("grad/W1").f64);
        // resume: a loaded checkpoint continues the straight run exactly (data stream replayed)
        auto f = make(name, "quick", {}, 9);
        for (int i = 0; i < 4; ++i) f->train_step();
        ArrayMap mf;
        f->save(mf, true);
        auto g = make(name, "quick", {}, 1);
        g->load(mf, true);
        for (int i = 0; i < 3; ++i) CHECK(f->train_step().loss == g->train_step().loss);
        // same seed, same training run, bit for bit
        auto d = make(name, "quick"), e = make(name, "quick");
        for (int i = 0; i < 3; ++i) CHECK(d->train_step().loss == e->train_step().loss);
    }
}

TEST_CASE("FLP tasks: resume is exact for the OML and plain-SGD learners too", "[flp]") {
    for (const char* learner : {"oml", "sgd"}) {
        INFO(learner);
        const std::vector<std::string> kv = {std::string("learner=") + learner};
        auto f = make("flp-sine", "quick", kv, 9);
        for (int i = 0; i < 3; ++i) f->train_step();
        ArrayMap m;
        f->save(m, true);
        auto g = make("flp-sine", "quick", kv, 1);
        g->load(m, true);
        for (int i = 0; i < 2; ++i) CHECK(f->train_step().loss == g->train_step().loss);
    }
}


TEST_CASE("FLP tasks: a checkpoint saved before the first outer step loads and resumes exactly", "[flp]") {
    // Adam has no moments before its first step; the checkpoint must still carry them (as zeros).
    for (const char* name : {"flp-sine", "flp-classify"})
        for (const char* learner : {"flp", "oml", "sgd"}) {
            INFO(name << " " << learner);
            const std::vector<std::string> kv = {std::string("learner=") + learner};
            auto f = make(name, "quick", kv, 4);
            ArrayMap m;
            f->save(m, true);
            if (std::string(learner) != "sgd") CHECK(m.count("optim/m/W1") == 1);
            if (std::string(learner) == "flp") CHECK(m.count("optim_p/v/P3") == 1);
            auto g = make(name, "quick", kv, 77);
            REQUIRE_NOTHROW(g->load(m, true));
            for (int i = 0; i < 2; ++i) CHECK(f->train_step().loss == g->train_step().loss);
        }
}
TEST_CASE("FLP tasks: live stepping is one inner step at a time, views are consistent", "[flp]") {
    auto t = make("flp-sine", "quick");
    for (int i = 0; i < 30; ++i) t->train_step();
    t->live_reset(42);
    LiveViews v;
    t->live_views(v);
    CHECK(v.t == 0);
    CHECK(v.T == 30);                                  // 10 functions x 3 minibatches
    REQUIRE(v.marks.size() == 10);
    CHECK(v.marks[1].first == 3);
    CHECK(v.marks[1].second == "f2");
    std::set<std::string> names;
    for (auto& m : v.matrices) names.insert(m.name);
    CHECK(names.count("dW3") == 1);
    CHECK(names.count("B3") == 1);
    CHECK(names.count("W4") == 1);
    int steps = 0;
    while (t->live_step()) ++steps;
    CHECK(steps == 30);
    t->live_views(v);
    CHECK(v.t == 30);
    bool found_fits = false;
    for (auto& im : v.images) {
        if (im.name != "fits") continue;
        found_fits = true;
        REQUIRE(im.pixels.size() == size_t(im.width * im.height));
        int target_px = 0, fit_px = 0;
        for (float p : im.pixels) { target_px += p == -1.0f; fit_px += p == 1.0f; }
        CHECK(target_px > 10 * 96);                    // ten target curves drawn
        CHECK(fit_px > 10 * 48);                       // and ten fits (partly hidden under the targets)
    }
    CHECK(found_fits);
    REQUIRE(v.activity);
    CHECK(v.activity->rows() == 30);
    CHECK(v.activity->cols() == 16);
    REQUIRE(v.input);
    CHECK((*v.input)(29, 9) == 1);                     // the last step shows function 10
    CHECK(v.scalars.count("mse_f10") == 1);
    double mse = 0;
    for (int k = 1; k <= 10; ++k) mse += v.scalars["mse_f" + std::to_string(k)] / 10;
    CHECK(std::abs(mse - v.scalars["query_metric"]) < 1e-4 * (1 + mse));
    // the live episode after all steps gives the same query metric as eval on the same parameters
    for (auto& m : v.matrices)
        if (m.name == "dW3") CHECK(m.m->cwiseAbs().maxCoeff() > 0);
    // alignment and forgetting views: one cosine per step, a loss map of 10 functions x 31 columns
    const ImageView* al = nullptr;
    const ImageView* fg = nullptr;
    for (auto& im : v.images) { if (im.name == "alignment") al = &im; if (im.name == "forgetting") fg = &im; }
    REQUIRE(al);
    REQUIRE(fg);
    CHECK(al->width == 60);
    CHECK(fg->height == 10);
    CHECK(fg->width == 62);
    REQUIRE(fg->pixels.size() == size_t(fg->width * fg->height));
    CHECK(*std::max_element(fg->pixels.begin(), fg->pixels.end()) == 1.0f);
    REQUIRE(v.scalars.count("align_cos") == 1);
    CHECK(std::abs(v.scalars["align_cos"]) <= 1.0 + 1e-6);
    // restart replays the same episode
    t->live_restart();
    t->live_step();
    LiveViews v2;
    t->live_views(v2);
    CHECK(v2.t == 1);
}

TEST_CASE("FLP live view: an SGD learner's update is aligned with its gradient (cosine 1)", "[flp]") {
    auto t = make("flp-sine", "quick", {"learner=oml"});
    t->live_reset(5);
    LiveViews v;
    for (int i = 0; i < 4; ++i) {
        REQUIRE(t->live_step());
        t->live_views(v);
        CHECK(v.scalars.at("align_cos") == Approx(1.0).margin(1e-4));
    }
}

TEST_CASE("FLP data: sine episodes are continual or iid over the same points; digits split", "[flp]") {
    flp::SineConfig c;
    c.steps_per_func = 2; c.batch = 3;
    Rng r1(1), r2(1);
    flp::EpisodeInfo info;
    auto a = flp::make_sine_episode(c, r1, &info);
    c.iid = true;
    auto b = flp::make_sine_episode(c, r2);
    CHECK(a.steps() == 20);
    CHECK(a.X.rows() == 60);
    for (int r = 0; r < 6; ++r) CHECK(a.X(r, 0) == 1);        // function 1 first
    CHECK(a.X(6, 1) == 1);
    CHECK(std::abs(a.Y(0, 0) - info.amp[0] * std::sin(a.X(0, 10) + info.phase[0])) < 1e-5);
    // iid: the same multiset of rows
    CHECK(std::abs(a.Y.sum() - b.Y.sum()) < 1e-3);
    CHECK(a.X.col(10).sum() == Approx(b.X.col(10).sum()).epsilon(1e-5));
    bool differs = false;
    for (int r = 0; r < 60; ++r) differs = differs || a.X.row(r) != b.X.row(r);
    CHECK(differs);
    CHECK(a.Xq.rows() == 320);

    const auto& d = flp::default_digits();
    CHECK(d.size() == 10000);
    std::set<int> tr, te;
    for (auto& v : d.train) tr.insert(v.begin(), v.end());
    for (auto& v : d.test) te.insert(v.begin(), v.end());
    for (int i : te) REQUIRE(tr.count(i) == 0);
    flp::DigitConfig dc;
    Rng r3(4);
    flp::EpisodeInfo di;
    auto e = flp::make_digit_episode(dc, d, true, r3, &di);
    CHECK(e.steps() == 25);
    CHECK(e.Xq.rows() == 25);
    for (int t = 0; t < 25; ++t) {
        CHECK(te.count(di.step_image[size_t(t)]) == 1);
        CHECK(d.label[size_t(di.step_image[size_t(t)])] == di.digit[size_t(di.step_group[size_t(t)])]);
        CHECK(di.step_group[size_t(t)] == t / 5);               // class after class
        CHECK(e.Y(t, t / 5) == 1);
    }
    REQUIRE_THROWS_WITH(flp::load_digits("/nonexistent/digits.bin"), Catch::Contains("/nonexistent/digits.bin"));
}

TEST_CASE("FLP tasks: unknown preset and bad field values are refused by name", "[flp]") {
    auto t = make_task("flp-sine");
    REQUIRE_THROWS_WITH(t->set_preset("nope"), Catch::Contains("nope") && Catch::Contains("flp-iid"));
    REQUIRE_THROWS_WITH(apply_overrides(t->fields(), {"p_grain=cubic"}), Catch::Contains("p_grain"));
    REQUIRE_THROWS_WITH(apply_overrides(t->fields(), {"width=0"}), Catch::Contains("width"));
}

TEST_CASE("FLP analysis: SGD updates align with the gradient exactly; interference table shape", "[flp]") {
    for (const char* learner : {"oml", "flp"}) {
        INFO(learner);
        auto t = make("flp-sine", "quick", {std::string("learner=") + learner});
        for (int i = 0; i < 20; ++i) t->train_step();
        auto* ft = dynamic_cast<flp::FlpTaskBase*>(t.get());
        REQUIRE(ft);
        const auto a = flp::analyse(*ft, 6, 3);
        CHECK(a.learner == learner);
        CHECK(a.groups == 10);
        REQUIRE(a.cos.size() == 30);
        REQUIRE(a.loss_after.size() == 10);
        for (size_t k = 0; k < 10; ++k) CHECK(a.loss_after[k].size() == k + 1);
        CHECK(a.rise[0].n == 0);
        CHECK(a.rise[9].n == 6);
        CHECK(a.final_forgetting.mean == Approx(a.rise[9].mean));
        // rise(k) from the loss table: mean_j<k [L_j(after k) - L_j(after j)] (means commute)
        double r = 0;
        for (int j = 0; j < 4; ++j) r += (a.loss_after[4][size_t(j)] - a.loss_after[size_t(j)][size_t(j)]) / 4;
        CHECK(r == Approx(a.rise[4].mean).epsilon(1e-6).margin(1e-9));
        if (std::string(learner) == "oml") {
            for (auto& per_t : a.cos) CHECK(per_t.back().mean == Approx(1).epsilon(1e-4));
        } else {
            // FLP's update is not the gradient: some steps are clearly off it
            double worst = 1;
            for (auto& per_t : a.cos) if (per_t.back().n > 0) worst = std::min(worst, per_t.back().mean);
            CHECK(worst < 0.99);
        }
    }
}
