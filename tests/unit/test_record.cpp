// `plastiscope record`'s arrays against the network's equations (record.hpp, docs/recording-format.md):
// x[t] = tanh(x[t-1] (W + A ⊙ H(t)) + u(t) + bias), H(t+1) = (1-η) H(t) + η x(t-1)ᵀ x(t), with
// view/H[t-1] = H(t); and the same recording twice is identical (a seed names the episode).
#include <catch2/catch.hpp>
#include <cmath>
#include "live_run.hpp"
#include "record.hpp"
#include "recording_task.hpp"

using namespace ps;

namespace {
const Array& get(const ArrayMap& m, const std::string& k) {
    INFO("array " << k);
    REQUIRE(m.count(k));
    return m.at(k);
}
}  // namespace

TEST_CASE("record: the arrays satisfy the plastic network's equations", "[record]") {
    auto t = make_task("patterns");
    t->init(4);
    double boost = 0;
    for (const auto& f : t->fields())
        if (f.key == "input_boost") boost = std::atof(field_get(f).c_str());
    const ArrayMap r = record_episode(*t, 9);
    const Array &x = get(r, "x"), &H = get(r, "view/H"), &W = get(r, "param/W"), &A = get(r, "param/A"),
                &u = get(r, "inputs"), &eta = get(r, "param/eta");
    const int64_t T = H.shape[0], N = x.shape[1];
    REQUIRE(x.shape[0] == T + 1);
    REQUIRE(H.shape[1] == N);
    REQUIRE(u.shape[0] == T);
    REQUIRE(get(r, "scalars/eta").shape[0] == T);
    REQUIRE(text_from(r, "meta/task") == "patterns");
    REQUIRE(text_from(r, "info/rule") == "hebb");
    const double e = eta.at(0);
    auto X = [&](int64_t t, int64_t i) { return double(x.f32[size_t(t * N + i)]); };
    auto h = [&](int64_t t, int64_t i, int64_t j) { return double(H.f32[size_t((t * N + i) * N + j)]); };
    double worst_x = 0, worst_h = 0, moved = 0;
    for (int64_t t = 1; t <= T; ++t) {
        for (int64_t j = 0; j < N; ++j) {
            double a = double(u.f32[size_t((t - 1) * N + j)]) + (j == N - 1 ? boost : 0.0);
            for (int64_t i = 0; i < N; ++i)
                a += X(t - 1, i) * (double(W.f32[size_t(i * N + j)]) + double(A.f32[size_t(i * N + j)]) * h(t - 1, i, j));
            worst_x = std::max(worst_x, std::fabs(std::tanh(a) - X(t, j)));
        }
        if (t >= 2)
            for (int64_t i = 0; i < N; ++i)
                for (int64_t j = 0; j < N; ++j) {
                    const double hn = (1 - e) * h(t - 2, i, j) + e * X(t - 2, i) * X(t - 1, j);
                    worst_h = std::max(worst_h, std::fabs(hn - h(t - 1, i, j)));
                    moved = std::max(moved, std::fabs(h(t - 1, i, j)));
                }
    }
    CHECK(worst_x < 1e-5);
    CHECK(worst_h < 1e-6);
    CHECK(moved > 1e-3);   // the trace did grow: the check above is not vacuous

    const ArrayMap again = record_episode(*t, 9);
    CHECK(again.at("view/H").f32 == H.f32);
    CHECK(record_episode(*t, 10).at("x").f32 != x.f32);
}

TEST_CASE("record: tracked cells only, and bad cells refused", "[record]") {
    auto t = make_task("patterns");
    t->init(4);
    RecordOptions o;
    o.views = RecordOptions::Views::TrackedOnly;
    o.track = {{"H", 3, 7}, {"W+A*H", 0, 1}};
    const ArrayMap r = record_episode(*t, 9, o);
    CHECK(r.count("view/H") == 0);
    REQUIRE(r.count("track/H/3_7"));
    REQUIRE(r.count("track/W+A*H/0_1"));
    const ArrayMap full = record_episode(*t, 9);
    const Array& H = full.at("view/H");
    const int64_t N = H.shape[1];
    for (int64_t s = 0; s < H.shape[0]; ++s)
        REQUIRE(r.at("track/H/3_7").f32[size_t(s)] == H.f32[size_t((s * N + 3) * N + 7)]);
    o.track = {{"H", 3, 9999}};
    CHECK_THROWS_WITH(record_episode(*t, 9, o), Catch::Contains("outside H"));
    o.track = {{"Q", 0, 0}};
    CHECK_THROWS_WITH(record_episode(*t, 9, o), Catch::Contains("no view 'Q'"));
}

TEST_CASE("record: every task records an episode", "[record]") {
    for (const auto& e : task_registry()) {
        DYNAMIC_SECTION("task " << e.name) {
            auto t = make_task(e.name);
            t->init(2);
            RecordOptions o;
            o.max_steps = 12;
            const ArrayMap r = record_episode(*t, 3, o);
            CHECK(text_from(r, "meta/task") == e.name);
            CHECK(text_from(r, "meta/format") == "plastiscope-recording-1");
            bool any_view = false;
            for (const auto& [k, a] : r)
                if (k.rfind("view/", 0) == 0) {
                    any_view = true;
                    CHECK(a.shape.size() == 3);
                    CHECK(a.shape[0] <= 12);
                }
            CHECK(any_view);
        }
    }
}

TEST_CASE("recordings play back as a live task, step for step", "[record][recording]") {
    auto t = make_task("patterns");
    t->init(4);
    const ArrayMap r = record_episode(*t, 9);
    check_recording(r, "r.npz");
    RecordingTask rt(r, "r.npz");
    REQUIRE(rt.steps() == int(r.at("x").shape[0]) - 1);
    // Stepping the recording shows what stepping the network showed.
    t->live_reset(9);
    LiveRun run(rt);
    run.begin(1);
    for (int s = 1; s <= 20; ++s) {
        t->live_step();
        run.step();
        LiveViews a, b;
        t->live_views(a);
        rt.live_views(b);
        REQUIRE(b.t == s);
        for (const auto& m : a.matrices)
            for (const auto& n : b.matrices)
                if (m.name == n.name) REQUIRE(*m.m == *n.m);
        REQUIRE(a.activity->row(s - 1) == b.activity->row(s - 1));
    }
    // Scrubbing back works on a recording too.
    run.seek(5);
    LiveViews b;
    rt.live_views(b);
    CHECK(b.t == 5);
    CHECK_THROWS_WITH(rt.train_step(), Catch::Contains("cannot be trained"));
}

TEST_CASE("recordings: a bad file is refused, naming the array", "[record][recording]") {
    auto t = make_task("patterns");
    t->init(4);
    RecordOptions o;
    o.max_steps = 10;
    ArrayMap r = record_episode(*t, 9, o);
    ArrayMap bad = r;
    bad.erase("x");
    CHECK_THROWS_WITH(check_recording(bad, "f.npz"), Catch::Contains("'x'") && Catch::StartsWith("f.npz"));
    bad = r;
    bad["view/H"].shape[0] = 9;
    bad["view/H"].f32.resize(size_t(9 * bad["view/H"].shape[1] * bad["view/H"].shape[2]));
    CHECK_THROWS_WITH(check_recording(bad, "f.npz"), Catch::Contains("'view/H' has 9 steps"));
    bad = r;
    bad["x"].f32[7] = std::nanf("");
    CHECK_THROWS_WITH(check_recording(bad, "f.npz"), Catch::Contains("'x' holds NaN"));
    bad = r;
    bad["inputs"].shape = {int64_t(bad["inputs"].size())};
    CHECK_THROWS_WITH(check_recording(bad, "f.npz"), Catch::Contains("'inputs' must have 2 dimensions"));
}
