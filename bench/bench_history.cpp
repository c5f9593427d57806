// The live history's cost (engine/live_run.hpp): how long showing an earlier step of an episode
// takes, and how much memory the history holds, on the lab's largest common case: a plastic
// network of N = 1024 over a 201-step episode (patterns, 1023 bits, the paper's other settings;
// prestime 15, delay 4, probe 11 steps), one thread. Three ways: replay from the start only
// (no snapshots), the default snapshot budget, and the step itself for scale.
//
//   build/ps_bench_history [--seeks K]
//
// Prints a Markdown table (bench/README.md keeps the latest): median and max of K seeks to
// random steps, the history's bytes (snapshots; the action list is a few bytes per action).
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <vector>
#include "live_run.hpp"
#include "rng.hpp"

using namespace ps;
using Clock = std::chrono::steady_clock;

namespace {
double ms_since(Clock::time_point a) { return std::chrono::duration<double, std::milli>(Clock::now() - a).count(); }

std::unique_ptr<Task> make_net() {
    auto t = make_task("patterns");
    t->set_preset("paper");
    apply_overrides(t->fields(), {"pattern_size=1023", "prestime=15", "delay=4", "prestime_test=11"});
    t->init(1);
    return t;
}

struct Row {
    std::string name;
    double med = 0, max = 0, bytes = 0;
    int every = 0;
};

Row measure(const std::string& name, size_t budget, int seeks) {
    auto t = make_net();
    LiveRun run(*t);
    run.set_snapshot_budget(budget);
    run.begin(7);
    while (run.step()) {}
    const int T = run.length();
    Rng r(11);
    std::vector<double> ms;
    for (int k = 0; k < seeks; ++k) {
        int target = int(r.below(uint64_t(T) + 1));
        if (target == run.t()) target = (target + T / 2) % (T + 1);
        const auto a = Clock::now();
        run.seek(target);
        LiveViews v;
        t->live_views(v);   // what the lab then draws from
        ms.push_back(ms_since(a));
    }
    std::sort(ms.begin(), ms.end());
    Row row;
    row.name = name;
    row.med = ms[ms.size() / 2];
    row.max = ms.back();
    row.bytes = double(run.snapshot_bytes());
    row.every = run.snapshot_every();
    return row;
}
}  // namespace

int main(int argc, char** argv) {
    int seeks = 40;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--seeks" && i + 1 < argc) seeks = std::max(5, std::atoi(argv[++i]));
        else {
            std::fprintf(stderr, "usage: ps_bench_history [--seeks K]\n");
            return 2;
        }
    }
    double load[3] = {0, 0, 0};
    if (FILE* f = std::fopen("/proc/loadavg", "r")) {
        if (std::fscanf(f, "%lf %lf %lf", &load[0], &load[1], &load[2]) != 3) load[0] = -1;
        std::fclose(f);
    }
    // One live step at this size, for scale.
    auto t = make_net();
    LiveRun run(*t);
    run.set_snapshot_budget(0);
    run.begin(7);
    const auto a = Clock::now();
    while (run.step()) {}
    const double step_ms = ms_since(a) / run.length();
    std::printf("Live history, patterns N = 1024, T = %d, one thread, %d seeks to random steps (load average %.2f)\n\n",
                run.length(), seeks, load[0]);
    std::printf("| history | show a step: median | max | snapshots | memory |\n|---|---|---|---|---|\n");
    for (const Row& r : {measure("replay from the start", 0, seeks), measure("snapshots (default budget)", size_t(192) << 20, seeks)})
        std::printf("| %s | %.1f ms | %.1f ms | %s | %.0f MB |\n", r.name.c_str(), r.med, r.max,
                    r.every ? ("every " + std::to_string(r.every) + " steps").c_str() : "none", r.bytes / 1048576.0);
    std::printf("\none live step: %.3f ms\n", step_ms);
    return 0;
}
