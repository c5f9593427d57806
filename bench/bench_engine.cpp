// Engine benchmark: memory bandwidth of this machine, live-step throughput of the plastic network
// against the bandwidth bound (16 bytes per connection per step: read W, A, H; write H), and
// training episodes/s of the patterns presets. One thread. Prints a Markdown table (medians of
// repeated runs with min-max); bench/README.md keeps the latest.
//
//   build/ps_bench [--quick]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstring>
#include <string>
#include <vector>
#include "plastic_net.hpp"
#include "task.hpp"

using namespace ps;
using Clock = std::chrono::steady_clock;

namespace {
double secs(Clock::time_point a) { return std::chrono::duration<double>(Clock::now() - a).count(); }
struct Stat { double med, lo, hi; };
Stat stat(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return {v[v.size() / 2], v.front(), v.back()};
}

// Triad-like kernel over 3 x 128 MB read + 128 MB write: a[i] = b[i] + s*c[i] + d[i].
Stat bandwidth_gbs(int reps) {
    const size_t n = size_t(32) << 20;   // floats per array (128 MB)
    std::vector<float> a(n, 1.f), b(n, 2.f), c(n, 3.f), d(n, 4.f);
    std::vector<double> r;
    for (int k = 0; k < reps; ++k) {
        auto t = Clock::now();
        const float s = 0.5f + float(k) * 1e-3f;
        for (size_t i = 0; i < n; ++i) a[i] = b[i] + s * c[i] + d[i];
        r.push_back(16.0 * double(n) / secs(t) / 1e9);
    }
    volatile float sink = a[n / 3];
    (void)sink;
    return stat(r);
}

Stat steps_per_s(int n, int steps, int reps) {
    NetConfig c;
    c.n = n;
    PlasticNet<float> net(c);
    Rng rng(1);
    net.init(rng);
    MatR<float> u = MatR<float>::Zero(1, n);
    for (int j = 0; j < n; ++j) u(0, j) = float(rng.normal());
    std::vector<double> r;
    for (int k = 0; k < reps; ++k) {
        net.begin(1, steps);
        auto t = Clock::now();
        for (int s = 0; s < steps; ++s) net.step(u);
        r.push_back(steps / secs(t));
    }
    return stat(r);
}

Stat episodes_per_s(const std::string& preset, int episodes, int reps) {
    auto task = make_task("patterns");
    task->set_preset(preset);
    task->init(0);
    task->train_step();   // warm-up: allocations
    std::vector<double> r;
    for (int k = 0; k < reps; ++k) {
        auto t = Clock::now();
        for (int e = 0; e < episodes; ++e) task->train_step();
        r.push_back(episodes / secs(t));
    }
    return stat(r);
}
}  // namespace

int main(int argc, char** argv) {
    const bool quick = argc > 1 && std::strcmp(argv[1], "--quick") == 0;
    const int reps = quick ? 3 : 5;
    const Stat bw = bandwidth_gbs(reps);
    std::printf("| measurement | median | min-max | note |\n|---|---|---|---|\n");
    std::printf("| memory bandwidth (triad, 512 MB) | %.1f GB/s | %.1f-%.1f | one thread |\n", bw.med, bw.lo, bw.hi);
    for (int n : {256, 1024, 2048}) {
        const int steps = n <= 256 ? 4000 : n <= 1024 ? 400 : 100;
        const Stat s = steps_per_s(n, quick ? steps / 4 : steps, reps);
        const double bytes = 16.0 * double(n) * n;
        std::printf("| step(), N=%d, batch 1 | %.0f steps/s | %.0f-%.0f | %.1f GB/s = %.0f%% of the DRAM bound (working set %.0f MB) |\n", n,
                    s.med, s.lo, s.hi, s.med * bytes / 1e9, 100.0 * s.med * bytes / 1e9 / bw.med, 12.0 * n * n / 1e6);
    }
    const Stat q = episodes_per_s("quick", quick ? 20 : 100, reps);
    std::printf("| train patterns/quick (N=201, T=106) | %.1f episodes/s | %.1f-%.1f | |\n", q.med, q.lo, q.hi);
    const Stat p = episodes_per_s("paper", quick ? 2 : 5, reps);
    std::printf("| train patterns/paper (N=1001, T=106) | %.2f episodes/s | %.2f-%.2f | %.3f s/episode |\n", p.med, p.lo, p.hi, 1.0 / p.med);
    return 0;
}
