// The patterns task end to end: it learns (plastic) and does not (non-plastic), judged over seeds;
// checkpoints round-trip exactly, a resumed run equals an uninterrupted one.
#include <catch2/catch.hpp>
#include <unistd.h>
#include <cmath>
#include <filesystem>
#include <limits>
#include "checkpoint.hpp"
#include "helpers.hpp"
#include "learning.hpp"
#include "npz.hpp"
#include "task.hpp"
#include "train_loop.hpp"

using namespace ps;
namespace fs = std::filesystem;

namespace {
std::unique_ptr<Task> quick(const std::vector<std::string>& kv = {}) {
    auto t = make_task("patterns");
    REQUIRE(t);
    t->set_preset("quick");
    apply_overrides(t->fields(), kv);
    return t;
}
using ps_test::mean_metric;
fs::path tmpdir(const std::string& name) { return ps_test::fresh_dir("test_" + name); }
}  // namespace

TEST_CASE("quick preset learns within 300 episodes; the non-plastic network does not", "[patterns][learning]") {
    // Budget per seed: 300 episodes of the quick preset (N = 201, T = 106), ~3 s on one core;
    // three seeds per arm, judged on the median (tests/unit/learning.hpp).
    std::vector<double> before, after, np;
    for (uint64_t seed : {1, 2, 3}) {
        auto plastic = quick();
        plastic->init(seed);
        before.push_back(mean_metric(*plastic, 50, 99));
        for (int i = 0; i < 300; ++i) plastic->train_step();
        after.push_back(mean_metric(*plastic, 100, 99));
        auto fixed = quick({"alpha=none"});
        fixed->init(seed);
        for (int i = 0; i < 300; ++i) fixed->train_step();
        np.push_back(mean_metric(*fixed, 100, 99));
    }
    ps_test::learning_report("patterns wrong-sign fraction before", before);
    ps_test::learning_report("patterns wrong-sign fraction after", after);
    ps_test::learning_report("patterns non-plastic wrong-sign fraction after", np);
    INFO("plastic wrong-sign fraction before " << ps_test::join(before) << ", after " << ps_test::join(after)
         << "; non-plastic after " << ps_test::join(np));
    CHECK(ps_test::median(before) > 0.2);
    CHECK(ps_test::median(after) < 0.02);
    CHECK(ps_test::median(np) > 0.15);
}

TEST_CASE("checkpoint round trip reproduces the network exactly", "[patterns][checkpoint]") {
    auto d = tmpdir("ckpt");
    auto a = quick({"eta_mode=per-neuron", "rule=oja"});
    a->init(3);
    for (int i = 0; i < 5; ++i) a->train_step();
    save_checkpoint((d / "c.npz").string(), *a, 5);
    auto b = make_task("patterns");
    CHECK(load_checkpoint((d / "c.npz").string(), *b) == 5);
    CHECK(b->preset() == "quick");
    CHECK(task_config(*b) == task_config(*a));
    CHECK(mean_metric(*a, 5, 7) == mean_metric(*b, 5, 7));
    // The next training steps match too (optimiser state and data stream restored).
    const auto sa = a->train_step(), sb = b->train_step();
    CHECK(sa.loss == sb.loss);
    fs::remove_all(d);
}

TEST_CASE("a resumed run continues exactly where it stopped", "[patterns][resume]") {
    TrainOptions o;
    o.seed = 5;
    o.episodes = 40;
    o.checkpoint_every = 20;
    ps_test::check_exact_resume([] { return quick(); }, o, 20, "test");
}

TEST_CASE("a corrupt or foreign checkpoint leaves the task intact and names the file", "[patterns][checkpoint]") {
    auto d = tmpdir("bad");
    auto t = quick();
    t->init(2);
    const double m0 = mean_metric(*t, 3, 1);
    write_file_atomic((d / "junk.npz").string(), "this is not a zip file");
    ArrayMap foreign;
    foreign["x"] = scalar_array(1.0);
    npz_write((d / "foreign.npz").string(), foreign);
    for (const char* f : {"junk.npz", "foreign.npz", "missing.npz"}) {
        const std::string path = (d / f).string();
        try {
            load_checkpoint(path, *t);
            FAIL("no error for " << f);
        } catch (const std::runtime_error& e) {
            CHECK(std::string(e.what()).find(path) != std::string::npos);
        }
    }
    CHECK(mean_metric(*t, 3, 1) == m0);
    fs::remove_all(d);
}

namespace {
// A task whose loss turns NaN at its 7th step: run_training must stop there and say so.
struct NanTask final : Task {
    int steps = 0;
    double lr = 0.1;
    NanTask() : Task({"nan-test", "", "m", true, {{"default", ""}}}) { set_preset("default"); }
    std::vector<Field> fields() override { return {Field::real("lr", &lr, 0, 1, "", "", Apply::Live)}; }
    void init(uint64_t) override { steps = 0; }
    StepStats train_step() override { StepStats s; s.loss = ++steps >= 7 ? std::nan("") : 1.0; return s; }
    double eval_episode(Rng&) override { return 0; }
    void save(ArrayMap& a, bool) const override { a["param/x"] = scalar_array(1.0); }
    void load(const ArrayMap&, bool) override {}
    void grad_dump(uint64_t, ArrayMap&) override {}
    void live_restart() override {}
    bool live_step() override { return false; }
    void live_views(LiveViews&) override {}
    void apply_preset(const std::string&) override {}
    void tensors(std::vector<TensorRef>&) const override {}
};
}  // namespace

TEST_CASE("divergence stops training with a message naming the step", "[patterns][nan]") {
    auto d = tmpdir("nan");
    NanTask t;
    TrainOptions o;
    o.episodes = 100;
    o.out_dir = d.string();
    auto r = run_training(t, o, nullptr);
    CHECK_FALSE(r.ok);
    CHECK(r.error.find("diverged at episode 7") != std::string::npos);
    CHECK(r.error.find("lr=0.1") != std::string::npos);
    // and a checkpoint holding NaN is refused on load
    auto q = quick();
    q->init(1);
    ArrayMap a;
    q->save(a, false);
    a["param/W"].f32[0] = std::numeric_limits<float>::quiet_NaN();
    CHECK_THROWS_WITH(q->load(a, false), Catch::Contains("non-finite"));
    fs::remove_all(d);
}
