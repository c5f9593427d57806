// A run's training history and meta-training timeline: bounded by 2:1 merging, carried by
// checkpoints (history/..., timeline/...), continued across --resume, and what the GUI trainer
// hands over.
#include <catch2/catch.hpp>
#include <cmath>
#include <filesystem>
#include "checkpoint.hpp"
#include "npz.hpp"
#include "train_loop.hpp"

using namespace ps;

TEST_CASE("train history: 2:1 merging keeps the mean and the end of each point", "[history]") {
    TrainHistory h(8);
    for (int i = 1; i <= 100; ++i) h.add({i, 1, double(i), 2.0 * i, {{"eta", 0.5}}, 0.0});
    REQUIRE(h.points().size() < 8);
    double steps = 0, loss_sum = 0;
    for (const auto& p : h.points()) {
        steps += p.steps;
        loss_sum += p.loss * p.steps;
        CHECK(p.extra.at("eta") == Approx(0.5));
    }
    // Every step is in exactly one point (the last partial stride is pending).
    CHECK(steps <= 100);
    CHECK(steps > 80);
    CHECK(h.points().back().iter <= 100);
    CHECK(loss_sum / steps == Approx((1 + steps) / 2));   // the mean of 1..steps
    h.truncate_after(40);
    CHECK(h.points().back().iter <= 40);
}

TEST_CASE("train history: a checkpoint carries the history, the marks and the timeline", "[history]") {
    const std::string dir = (std::filesystem::temp_directory_path() / "ps_history_test").string();
    std::filesystem::remove_all(dir);
    auto t = make_task("patterns");
    t->set_preset("bits50");
    TrainOptions o;
    o.episodes = 300;
    o.seed = 2;
    o.out_dir = dir;
    o.checkpoint_every = 100;
    o.timeline = 5;
    apply_overrides(t->fields(), {});
    REQUIRE(run_training(*t, o, nullptr).ok);
    auto u = make_task("patterns");
    TrainingRecord r;
    REQUIRE(load_checkpoint(dir + "/checkpoint.npz", *u, true, &r) == 300);
    REQUIRE(r.history.size() == 300);
    CHECK(r.history.front().iter == 1);
    CHECK(r.history.back().iter == 300);
    CHECK(r.history.back().extra.count("eta") == 1);
    REQUIRE(r.timeline.size() == 5);
    CHECK(r.timeline.front().iter == 0);
    CHECK(r.timeline.back().iter == 300);
    // The entries are real parameters: the first differs from the last, and they load.
    CHECK(r.timeline.front().params->at("param/W").f32 != r.timeline.back().params->at("param/W").f32);
    u->load(*r.timeline.front().params, false);

    // Resumed with a new learning rate: the history goes on, the change is a mark.
    auto v = make_task("patterns");
    o.resume = true;
    o.episodes = 400;
    o.overrides = {"lr=0.0005"};
    REQUIRE(run_training(*v, o, nullptr).ok);
    TrainingRecord r2;
    load_checkpoint(dir + "/checkpoint.npz", *u, true, &r2);
    REQUIRE(r2.history.size() == 400);
    CHECK(r2.history[299].loss == r.history[299].loss);   // the old points kept as they were
    REQUIRE(r2.marks.size() == 1);
    CHECK(r2.marks[0].episode == 300);
    CHECK(r2.marks[0].label == "lr=0.0005");
    std::filesystem::remove_all(dir);
}

TEST_CASE("train history: bad history arrays are refused, naming the array", "[history]") {
    ArrayMap a;
    a["history/episode"] = i64_array({1, 2, 3});
    a["history/loss"] = i64_array({1, 2});
    a["history/metric"] = i64_array({1, 2, 3});
    CHECK_THROWS_WITH(load_history(a, 1), Catch::Contains("history/loss"));
    a["history/loss"] = i64_array({1, 2, 3});
    a["history/episode"] = i64_array({3, 2, 1});
    CHECK_THROWS_WITH(load_history(a, 1), Catch::Contains("history/episode"));
    a.erase("history/episode");
    CHECK(load_history(a, 1).empty());   // no history: nothing
}
