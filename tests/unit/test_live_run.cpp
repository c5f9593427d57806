// Live history over every registered task: showing an earlier step by replay gives exactly what
// live stepping showed at that step (every matrix view, the activity raster, images, scalars);
// a branch hands back the old future, which a copy of the task replays to the same states; an
// unchanged twin matches the main run; tracked series equal the views they sample.
#include <catch2/catch.hpp>
#include <cstring>
#include <functional>
#include "live_run.hpp"
#include "rng.hpp"

using namespace ps;

namespace {

uint64_t mix(uint64_t h, const void* p, size_t n) {
    const auto* b = static_cast<const unsigned char*>(p);
    for (size_t i = 0; i < n; ++i) h = (h ^ b[i]) * 0x100000001B3ull;
    return h;
}

// Everything the lab would draw at this step, as one number.
uint64_t fingerprint(Task& task) {
    LiveViews v;
    task.live_views(v);
    uint64_t h = 0xcbf29ce484222325ull;
    h = mix(h, &v.t, sizeof v.t);
    h = mix(h, &v.T, sizeof v.T);
    for (const auto& m : v.matrices) {
        h = mix(h, m.name.data(), m.name.size());
        if (m.m) h = mix(h, m.m->data(), size_t(m.m->size()) * sizeof(float));
    }
    if (v.activity) h = mix(h, v.activity->data(), size_t(v.activity->size()) * sizeof(float));
    if (v.input) h = mix(h, v.input->data(), size_t(v.input->size()) * sizeof(float));
    for (const auto& im : v.images) h = mix(h, im.pixels.data(), im.pixels.size() * sizeof(float));
    for (const auto& [k, x] : v.scalars) {
        h = mix(h, k.data(), k.size());
        h = mix(h, &x, sizeof x);
    }
    h = mix(h, v.status.data(), v.status.size());
    return h;
}

// A Live setting to change mid-episode, with a value different from the current one.
bool pick_live_setting(Task& t, std::string& key, std::string& value) {
    for (const auto& f : t.fields()) {
        if (f.apply != Apply::Live || f.type != Field::Type::Float) continue;
        if (f.key == "eta_override") {   // the one that changes what the live network does
            key = f.key;
            value = "0.05";
            return true;
        }
    }
    for (const auto& f : t.fields())
        if (f.apply == Apply::Live && f.type == Field::Type::Float && f.hi > f.lo) {
            key = f.key;
            const double cur = std::atof(field_get(f).c_str());
            char b[64];
            std::snprintf(b, sizeof b, "%.9g", cur == f.hi ? f.lo : std::min(f.hi, cur + 0.5 * (f.hi - f.lo)));
            value = b;
            return true;
        }
    return false;
}

std::unique_ptr<Task> fresh(const std::string& name) {
    auto t = make_task(name);
    t->init(3);
    return t;
}

// Runs check once per registered task (a section each) on a fresh task whose live run has begun
// the episode `seed`.
void for_each_live_task(uint64_t seed, const std::function<void(const std::unique_ptr<Task>&, LiveRun&)>& check) {
    for (const auto& e : task_registry()) {
        DYNAMIC_SECTION("task " << e.name) {
            auto task = fresh(e.name);
            LiveRun run(*task);
            run.begin(seed);
            check(task, run);
        }
    }
}

}  // namespace

TEST_CASE("live history: replay shows every step exactly as live stepping did (every task)", "[live][history]") {
    for_each_live_task(77, [](const std::unique_ptr<Task>& task, LiveRun& run) {
        const int T = run.length();
        REQUIRE(T > 0);
        const int steps = std::min(T, 30);
        std::string key, value;
        const bool have_setting = pick_live_setting(*task, key, value);
        std::vector<uint64_t> seen{fingerprint(*task)};
        int action_at = -1;
        for (int t = 1; t <= steps; ++t) {
            if (have_setting && t == steps / 2) {
                action_at = run.t();
                LiveAction a;
                a.kind = LiveAction::Kind::Setting;
                a.key = key;
                a.value = value;
                REQUIRE(run.act(a) == "");
                seen.back() = fingerprint(*task);   // the state shown at t includes the action
            }
            REQUIRE(run.step());
            seen.push_back(fingerprint(*task));
        }
        REQUIRE(run.frontier() == steps);
        // The steps are not all alike (the test would pass vacuously on a frozen view).
        REQUIRE(seen.front() != seen.back());
        Rng r(5);
        for (int k = 0; k < 12; ++k) {
            const int t = int(r.below(uint64_t(steps) + 1));
            run.seek(t);
            REQUIRE(run.t() == t);
            CHECK(fingerprint(*task) == seen[size_t(t)]);
        }
        // Forward from the past along the history: the same states again.
        run.seek(2);
        for (int t = 3; t <= steps; ++t) {
            REQUIRE(run.step());
            CHECK(fingerprint(*task) == seen[size_t(t)]);
        }
        if (action_at > 0) {   // the setting is part of the past: before it, it is undone
            run.seek(action_at - 1);
            for (const auto& f : task->fields())
                if (f.key == key) CHECK(field_get(f) != value);
        }
    });
}

TEST_CASE("live history: a branch keeps the old future for a ghost; an unchanged twin matches", "[live][history]") {
    for_each_live_task(91, [](const std::unique_ptr<Task>& task, LiveRun& run) {
        const int steps = std::min(run.length(), 20);
        std::string key, value;
        if (!pick_live_setting(*task, key, value) || steps < 6) return;
        std::vector<uint64_t> seen{fingerprint(*task)};
        for (int t = 1; t <= steps; ++t) {
            run.step();
            seen.push_back(fingerprint(*task));
        }
        // An unchanged twin on the same episode shows the same states.
        auto twin_task = make_twin_task(*task, TwinSpec());
        LiveRun twin(*twin_task);
        twin.follow(run.history(), steps);
        CHECK(fingerprint(*twin_task) == seen.back());

        const int at = steps / 2;
        run.seek(at);
        LiveAction a;
        a.kind = LiveAction::Kind::Setting;
        a.key = key;
        a.value = value;
        LiveHistory ghost_hist;
        REQUIRE(run.act(a, &ghost_hist) == "");
        CHECK(run.frontier() == at);
        CHECK(ghost_hist.frontier == steps);
        // The ghost replays the original continuation.
        auto ghost_task = make_twin_task(*task, TwinSpec());
        LiveRun ghost(*ghost_task);
        ghost.follow(ghost_hist, at);
        CHECK(fingerprint(*ghost_task) == seen[size_t(at)]);
        for (int t = at + 1; t <= steps; ++t) {
            ghost.step();
            CHECK(fingerprint(*ghost_task) == seen[size_t(t)]);
        }
    });
}

TEST_CASE("live history: tracked series equal the matrix cells and neurons they follow", "[live][history]") {
    auto task = fresh("patterns");
    LiveRun run(*task);
    run.begin(5);
    for (int t = 0; t < 12; ++t) run.step();
    run.seek(7);
    run.track({"H", 2, 3});
    run.track({"", 4, 0});
    REQUIRE(run.t() == 7);
    std::map<std::string, std::vector<float>> by_label;
    for (const auto& s : run.series()) by_label[s.label] = s.value;
    REQUIRE(by_label.count("H[2,3]"));
    REQUIRE(by_label.count("W+A*H[2,3]"));
    REQUIRE(by_label.count("A*H[2,3]"));
    REQUIRE(by_label.count("x4"));
    for (int t = 0; t <= 12; ++t) {
        run.seek(t);
        LiveViews v;
        task->live_views(v);
        for (const auto& m : v.matrices) {
            if (m.name == "H") CHECK(by_label["H[2,3]"][size_t(t)] == (*m.m)(2, 3));
            if (m.name == "W+A*H") CHECK(by_label["W+A*H[2,3]"][size_t(t)] == (*m.m)(2, 3));
        }
        if (t > 0) CHECK(by_label["x4"][size_t(t)] == (*v.activity)(t - 1, 4));
    }
    // The trace grows from zero while the patterns are shown.
    CHECK(by_label["H[2,3]"][0] == 0.0f);
    bool moved = false;
    for (float x : by_label["H[2,3]"]) moved = moved || x != 0.0f;
    CHECK(moved);
    // New steps extend the series.
    run.seek(12);
    run.step();
    REQUIRE(run.series().front().value.size() == 14);
}

TEST_CASE("live twin: no plasticity zeroes A, eta and alpha-scale edit the parameters", "[live][twin]") {
    auto task = fresh("patterns");
    ArrayMap p;
    task->save(p, false);
    ArrayMap q = p;
    edit_twin_params(parse_twin("no-plasticity"), q);
    for (float v : q.at("param/A").f32) REQUIRE(v == 0.0f);
    q = p;
    edit_twin_params(parse_twin("eta=0.25"), q);
    for (float v : q.at("param/eta").f32) REQUIRE(v == 0.25f);
    q = p;
    edit_twin_params(parse_twin("alpha-scale=2"), q);
    REQUIRE(q.at("param/A").f32[5] == 2 * p.at("param/A").f32[5]);
    CHECK_THROWS_WITH(parse_twin("eta=fast"), Catch::Contains("not a number"));
    CHECK_THROWS_WITH(parse_twin("eta=3"), Catch::Contains("out of range"));
    // A non-plastic network has nothing to switch off.
    auto np = make_task("patterns");
    np->set_preset("bits50-nonplastic");
    np->init(1);
    CHECK_THROWS_WITH(make_twin_task(*np, parse_twin("no-plasticity")), Catch::Contains("not plastic"));
    // The plasticity-off twin's trace does nothing: its effective weights stay W.
    auto twin = make_twin_task(*task, parse_twin("no-plasticity"));
    LiveRun run(*twin);
    run.begin(3);
    for (int t = 0; t < 10; ++t) run.step();
    LiveViews v;
    twin->live_views(v);
    const MatR<float> *W = nullptr, *E = nullptr;
    for (const auto& m : v.matrices) {
        if (m.name == "W") W = m.m;
        if (m.name == "W+A*H") E = m.m;
    }
    REQUIRE(W);
    REQUIRE(E);
    CHECK((*W - *E).cwiseAbs().maxCoeff() == 0.0f);
}

TEST_CASE("live history: snapshots and parameter loads replay exactly (patterns, N = 257)", "[live][history]") {
    auto task = make_task("patterns");
    apply_overrides(task->fields(), {"pattern_size=256"});
    task->init(6);
    LiveRun run(*task);
    run.begin(13);
    ArrayMap other;
    task->save(other, false);
    for (auto& v : other.at("param/A").f32) v *= 0.5f;
    auto other_params = std::make_shared<const ArrayMap>(other);
    std::vector<uint64_t> seen{fingerprint(*task)};
    for (int t = 1; t <= 50; ++t) {
        if (t == 21) {   // mid-episode: "use the latest parameters now"
            LiveAction a;
            a.kind = LiveAction::Kind::Params;
            a.params = other_params;
            REQUIRE(run.act(a) == "");
            seen.back() = fingerprint(*task);
        }
        REQUIRE(run.step());
        seen.push_back(fingerprint(*task));
    }
    REQUIRE(run.snapshot_every() > 0);   // this task keeps snapshots...
    REQUIRE(run.snapshot_bytes() > 0);
    const int64_t before = run.replayed_steps();
    Rng r(3);
    for (int k = 0; k < 20; ++k) {
        const int t = int(r.below(51));
        run.seek(t);
        CHECK(fingerprint(*task) == seen[size_t(t)]);
    }
    // ... and replays from them: far fewer steps than from the start each time.
    CHECK(run.replayed_steps() - before < 20 * run.snapshot_every());
}
