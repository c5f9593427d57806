// Reliability (docs/reliability.md), threads: the GUI's trainer/live handoff for every registered task on its
// lightest preset, with the GUI thread's other requests (live field changes, pause / resume,
// history reads) racing the trainer. Light enough for the ThreadSanitizer run of the test command
// (tools/tsan.sh), where the [tasks] handoff test on default presets would take many minutes.
#include <catch2/catch.hpp>

#include <chrono>

#include "background_trainer.hpp"
#include "helpers.hpp"
#include "task.hpp"

using namespace ps;

namespace {
std::unique_ptr<Task> lightest(const TaskEntry& e) {
    auto t = e.make();
    std::string p = t->presets().front().name;
    for (const auto& pi : t->presets())
        if (pi.name == "quick") p = pi.name;
    t->set_preset(p);
    return t;
}
}  // namespace

TEST_CASE("every task on its lightest preset hands parameters from a trainer thread to a live copy", "[reliability][threads]") {
    for (const auto& e : task_registry()) {
        INFO("task " << e.name);
        auto live = lightest(e), train = lightest(e);
        live->init(3);
        train->init(3);
        // A live field the GUI would move while training runs: the learning rate, if the task has one.
        std::string lr;
        for (const auto& f : live->fields())
            if (f.key == "lr") lr = field_get(f);
        BackgroundTrainer tr(std::move(train));
        tr.set_publish_interval(0);
        live->live_reset(11);
        tr.start();
        uint64_t generation = 0;
        size_t count = 0;
        std::vector<TrainPoint> history;
        const int loads = ps_test::follow_trainer(*live, tr, std::chrono::seconds(240), 12, [&](int step) {
            tr.history_since(generation, count, history);
            if (step == 3 && !lr.empty()) tr.set_fields({"lr=" + lr});   // same value: the run is unchanged
            if (step == 5) { tr.pause(); tr.start(); }
        });
        tr.stop();
        CHECK(tr.iterations() >= 2);
        CHECK(loads >= 2);
        CHECK(tr.message().empty());
        CHECK(live->find_nonfinite().empty());
    }
}
