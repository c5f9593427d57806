// The sweep's pieces for running as separate processes (engine/sweep.hpp): the grid's points and
// its checks, sweep.json read back, and the central promise: a seed trained by run_training (what
// `plastiscope train --freeze-last` runs in each array element) and read back from its
// metrics.csv gives the very numbers the threaded sweep keeps in memory, resumed or not.
#include <catch2/catch.hpp>
#include "helpers.hpp"
#include "sweep.hpp"
#include "task.hpp"
#include "train_loop.hpp"

using namespace ps;

namespace {
// A bohp-completion sweep (preset paper): a quick task with a frozen tail.
SweepOptions completion(int seeds, int64_t episodes, int64_t freeze_last) {
    SweepOptions o;
    o.task = "bohp-completion";
    o.preset = "paper";
    o.seeds = seeds;
    o.episodes = episodes;
    o.freeze_last = freeze_last;
    o.threads = 1;
    return o;
}
}  // namespace

TEST_CASE("sweep grid: cross product, last axis fastest, unknown keys, repeats and bad values refused", "[sweep]") {
    auto t = make_task("bohp-completion");
    const auto fields = t->fields();
    const auto g = grid_settings({"lr=0.01,0.03", "gamma=0.5,0.25,0.75"}, fields);
    REQUIRE(g.size() == 6);
    CHECK(g[0] == std::vector<std::string>{"lr=0.01", "gamma=0.5"});
    CHECK(g[1] == std::vector<std::string>{"lr=0.01", "gamma=0.25"});
    CHECK(g[5] == std::vector<std::string>{"lr=0.03", "gamma=0.75"});
    CHECK(setting_label(g[5]) == "lr=0.03 gamma=0.75");
    CHECK(grid_settings({}, fields) == std::vector<std::vector<std::string>>{{}});
    const Field* lr = nullptr;
    for (const auto& f : fields)
        if (f.key == "lr") lr = &f;
    REQUIRE(lr);
    const std::string lr_before = field_get(*lr);
    CHECK_THROWS_WITH(grid_settings({"nope=1,2"}, fields), Catch::Contains("unknown key 'nope'"));
    CHECK_THROWS_WITH(grid_settings({"lr=0.01,5"}, fields), Catch::Contains("bad value for 'lr'"));
    CHECK_THROWS_WITH(grid_settings({"lr=0.01,,0.2"}, fields), Catch::Contains("empty value"));
    CHECK_THROWS_WITH(grid_settings({"lr=0.1", "lr=0.2"}, fields), Catch::Contains("given twice"));
    CHECK_THROWS_WITH(grid_settings({"lr"}, fields), Catch::Contains("key=v1,v2"));
    CHECK(field_get(*lr) == lr_before);   // checking values leaves the task as it was
}

TEST_CASE("sweep.json round trip, items name one folder per setting and seed", "[sweep]") {
    SweepOptions o = completion(12, 0, 100);   // 0 episodes: the task's own run length
    o.first_seed = 3;
    for (int i = 0; i < 11; ++i) o.overrides.push_back("lr=0.0" + std::to_string(i + 1));   // order beyond 9 kept
    o.grid = {"gamma=0.5,0.25"};
    const SweepSetup setup = prepare_sweep(o);
    CHECK(setup.episodes == 5000);
    CHECK(setup.freeze_from == 4900);
    const std::string js = sweep_json(o, setup.episodes, {{"slurm.time", "01:00:00"}});
    std::map<std::string, std::string> extra;
    const SweepOptions b = sweep_from_json(js, &extra);
    CHECK(b.task == o.task);
    CHECK(b.preset == o.preset);
    CHECK(b.seeds == 12);
    CHECK(b.first_seed == 3);
    CHECK(b.episodes == 5000);
    CHECK(b.freeze_last == 100);
    CHECK(b.overrides == o.overrides);
    CHECK(b.grid == o.grid);
    CHECK(extra == std::map<std::string, std::string>{{"slurm.time", "01:00:00"}});
    CHECK(sweep_json(b, b.episodes, {}) == sweep_json(o, 5000, {}));
    const auto items = sweep_items(o, setup);
    REQUIRE(items.size() == 24);
    CHECK(items[0].dir == "setting-0/seed-3");
    CHECK(items[23].dir == "setting-1/seed-14");
    CHECK(items[23].overrides.back() == "gamma=0.25");
    o.grid.clear();
    CHECK(sweep_items(o, prepare_sweep(o))[0].dir == "seed-3");
    CHECK_THROWS_WITH(sweep_from_json("{\"format\": \"other\"}"), Catch::Contains("not a plastiscope sweep plan"));
    CHECK_THROWS_WITH(sweep_from_json(sweep_json(o, 0, {})), Catch::Contains("'episodes' must be an integer"));
}

TEST_CASE("sweep: a seed trained by run_training and read from metrics.csv equals the threaded sweep's", "[sweep]") {
    const SweepOptions o = completion(2, 300, 100);
    const SweepResult mem = run_sweep(o);
    for (const auto& want : mem.runs) {
        INFO("seed " << want.seed);
        const auto dir = ps_test::fresh_dir("sweep_seed" + std::to_string(want.seed));
        TrainOptions t;
        t.seed = want.seed;
        t.out_dir = dir.string();
        t.freeze_from = mem.freeze_from;
        t.checkpoint_every = 50;
        // half the run, then resumed to the end: as a requeued array element
        auto task = make_task(o.task);
        task->set_preset(o.preset);
        t.episodes = 150;
        REQUIRE(run_training(*task, t, nullptr).ok);
        auto again = make_task(o.task);
        again->set_preset(o.preset);
        t.episodes = 300;
        t.resume = true;
        REQUIRE(run_training(*again, t, nullptr).ok);
        int64_t done = 0;
        const SeedRun got = read_seed_run(dir.string(), &done);
        CHECK(done == 300);
        CHECK(got.loss == want.loss);
        CHECK(got.metric == want.metric);
        CHECK(want.final_extra.at("frozen") == 1);
    }
    CHECK(mem.runs[0].loss != mem.runs[1].loss);
    int64_t done = -1;
    CHECK(read_seed_run(ps_test::fresh_dir("sweep_empty").string(), &done).loss.empty());
    CHECK(done == 0);
}
