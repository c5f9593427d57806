// Helpers the unit tests share: a scratch folder of their own, a task's mean evaluation metric,
// a live episode just started, the check that two saved states are equal to the bit, the
// straight-against-resumed training comparison the tasks' resume tests make, and the GUI's
// live-copy-follows-the-trainer loop.
#pragma once
#include <catch2/catch.hpp>
#include <unistd.h>
#include <chrono>
#include <filesystem>
#include <functional>
#include <memory>
#include <string>
#include "arrays.hpp"
#include "background_trainer.hpp"
#include "rng.hpp"
#include "task.hpp"
#include "train_loop.hpp"

namespace ps_test {

// <tmp>/ps_<name>_<pid>, emptied and created: the pid keeps parallel test processes apart.
inline std::filesystem::path fresh_dir(const std::string& name) {
    auto d = std::filesystem::temp_directory_path() / ("ps_" + name + "_" + std::to_string(::getpid()));
    std::filesystem::remove_all(d);
    std::filesystem::create_directories(d);
    return d;
}

// Mean of Task::eval_episode over n episodes drawn from seed.
inline double mean_metric(ps::Task& t, int n, uint64_t seed) {
    ps::Rng rng(seed);
    double s = 0;
    for (int i = 0; i < n; ++i) s += t.eval_episode(rng);
    return s / n;
}

// Initialises t from init_seed, starts the live episode episode_seed and returns its first views.
inline ps::LiveViews live_start(ps::Task& t, uint64_t init_seed, uint64_t episode_seed) {
    t.init(init_seed);
    t.live_reset(episode_seed);
    ps::LiveViews v;
    t.live_views(v);
    return v;
}

// Every array of two saved states (e.g. Task::save with the optimiser) equal to the bit.
inline void check_same_arrays(const ps::ArrayMap& a, const ps::ArrayMap& b) {
    REQUIRE(a.size() == b.size());
    for (const auto& [k, v] : a) {
        INFO(k);
        REQUIRE(b.count(k));
        CHECK(v.f32 == b.at(k).f32);
        CHECK(v.f64 == b.at(k).f64);
        CHECK(v.i64 == b.at(k).i64);
    }
}

// Trains make() straight to o.episodes in fresh_dir(name + "_straight"), and another make() to
// `half` in fresh_dir(name + "_resumed") then resumed to o.episodes (o.checkpoint_every should
// divide half); checks that both end with the same parameters and optimiser state to the bit.
inline void check_exact_resume(const std::function<std::unique_ptr<ps::Task>()>& make, ps::TrainOptions o, int half,
                               const std::string& name) {
    const auto d1 = fresh_dir(name + "_straight"), d2 = fresh_dir(name + "_resumed");
    const int episodes = int(o.episodes);
    o.out_dir = d1.string();
    auto a = make();
    REQUIRE(run_training(*a, o, nullptr).ok);
    auto b = make();
    o.out_dir = d2.string();
    o.episodes = half;
    REQUIRE(run_training(*b, o, nullptr).ok);
    auto c = make();
    o.episodes = episodes;
    o.resume = true;
    REQUIRE(run_training(*c, o, nullptr).ok);
    ps::ArrayMap pa, pc;
    a->save(pa, true);
    c->save(pc, true);
    check_same_arrays(pa, pc);
    std::filesystem::remove_all(d1);
    std::filesystem::remove_all(d2);
}

// The GUI's pattern: `live` steps on this thread (a new episode when one ends) and loads every
// snapshot the running trainer publishes; each step calls on_step(step). Stops once the trainer
// has made 2 iterations, 3 snapshots were loaded and min_steps were taken, or after `limit`.
// Returns the number of snapshots loaded.
inline int follow_trainer(ps::Task& live, ps::BackgroundTrainer& tr, std::chrono::seconds limit, int min_steps,
                          const std::function<void(int)>& on_step = {}) {
    uint64_t seen = 0;
    int loads = 0, steps = 0;
    const auto start = std::chrono::steady_clock::now();
    while (std::chrono::steady_clock::now() - start < limit) {
        if (auto s = tr.snapshot_if_newer(seen)) {
            seen = s->version;
            REQUIRE_NOTHROW(live.load(s->params, false));
            ++loads;
        }
        if (!live.live_step()) live.live_reset(uint64_t(12 + steps));
        ps::LiveViews v;
        live.live_views(v);
        if (on_step) on_step(steps);
        ++steps;
        if (tr.iterations() >= 2 && loads >= 3 && steps >= min_steps) break;
    }
    return loads;
}

}  // namespace ps_test
