// Multi-seed runs in threads and their median / inter-quartile curves (see sweep.hpp).
#include "sweep.hpp"
#include <time.h>
#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdio>
#include <mutex>
#include <thread>
#include "task.hpp"

namespace ps {

namespace {

double thread_cpu_seconds() {
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return double(ts.tv_sec) + 1e-9 * double(ts.tv_nsec);
}

bool has_field(Task& t, const std::string& key) {
    for (const auto& f : t.fields())
        if (f.key == key) return true;
    return false;
}

void configure(Task& t, const SweepOptions& opt) {
    if (!opt.preset.empty()) t.set_preset(opt.preset);
    apply_overrides(t.fields(), opt.overrides);
}

}  // namespace

SweepResult run_sweep(const SweepOptions& opt, const std::function<void(const SeedRun&)>& on_done) {
    if (opt.seeds < 1) throw ConfigError("sweep needs at least one seed");
    if (opt.threads < 1) throw ConfigError("sweep needs at least one thread");
    auto probe = make_task(opt.task);
    if (!probe) throw ConfigError("unknown task '" + opt.task + "' (known: " + task_names() + ")");
    configure(*probe, opt);
    SweepResult res;
    res.episodes = opt.episodes;
    if (res.episodes <= 0) {
        if (!has_field(*probe, "episodes"))
            throw ConfigError("task '" + opt.task + "' has no default run length: give --episodes");
        for (const auto& f : probe->fields())
            if (f.key == "episodes") res.episodes = *static_cast<int*>(f.ptr);
    }
    if (opt.freeze_last < 0) throw ConfigError("--freeze-last must be >= 0");
    if (opt.freeze_last > 0 && !has_field(*probe, "frozen"))
        throw ConfigError("task '" + opt.task + "' has no 'frozen' field: use --freeze-last 0");
    res.freeze_from = std::max<int64_t>(0, res.episodes - opt.freeze_last);
    res.runs.resize(size_t(opt.seeds));

    std::atomic<int> next{0};
    std::mutex done_mu;
    auto worker = [&] {
        for (int i; (i = next++) < opt.seeds;) {
            SeedRun& run = res.runs[size_t(i)];
            run.seed = opt.first_seed + uint64_t(i);
            try {
                auto task = make_task(opt.task);
                configure(*task, opt);
                task->init(run.seed);
                run.loss.reserve(size_t(res.episodes));
                run.metric.reserve(size_t(res.episodes));
                const double t0 = thread_cpu_seconds();
                bool frozen = false;
                int64_t done = 0;
                while (done < res.episodes) {
                    if (!frozen && done >= res.freeze_from) {
                        apply_overrides(task->fields(), {"frozen=true"});
                        task->apply_live_changes();
                        frozen = true;
                    }
                    const StepStats st = task->train_step();
                    for (int k = 0; k < task->episodes_per_step(); ++k) {
                        run.loss.push_back(float(st.loss));
                        run.metric.push_back(float(st.metric));
                    }
                    done += task->episodes_per_step();
                    const std::string bad = task->find_nonfinite();
                    if (!std::isfinite(st.loss) || !bad.empty()) {
                        run.error = divergence_message(*task, "episode " + std::to_string(done), st.loss, bad);
                        break;
                    }
                    if (done >= res.episodes) run.final_extra = st.extra;
                }
                run.cpu_seconds = thread_cpu_seconds() - t0;
            } catch (const std::exception& e) {
                run.error = e.what();
            }
            if (on_done) {
                std::lock_guard<std::mutex> lk(done_mu);
                on_done(run);
            }
        }
    };
    const int nt = std::min(opt.threads, opt.seeds);
    std::vector<std::thread> pool;
    for (int i = 1; i < nt; ++i) pool.emplace_back(worker);
    worker();
    for (auto& th : pool) th.join();
    return res;
}

double quantile(std::vector<double> v, double q) {
    if (v.empty()) return NAN;
    std::sort(v.begin(), v.end());
    const double pos = q * double(v.size() - 1);
    const size_t lo = size_t(std::floor(pos));
    const size_t hi = std::min(lo + 1, v.size() - 1);
    return v[lo] + (pos - double(lo)) * (v[hi] - v[lo]);
}

std::vector<CurvePoint> sweep_curve(const std::vector<std::vector<float>>& per_seed, int window) {
    if (window < 1) window = 1;
    size_t longest = 0;
    for (const auto& s : per_seed) longest = std::max(longest, s.size());
    std::vector<CurvePoint> out;
    for (size_t start = 0; start < longest; start += size_t(window)) {
        const size_t end = std::min(longest, start + size_t(window));
        std::vector<double> means;
        for (const auto& s : per_seed) {
            if (s.size() < end) continue;
            double sum = 0;
            for (size_t e = start; e < end; ++e) sum += s[e];
            means.push_back(sum / double(end - start));
        }
        if (means.empty()) continue;
        CurvePoint p;
        p.episode = int64_t(end);
        p.median = quantile(means, 0.5);
        p.q25 = quantile(means, 0.25);
        p.q75 = quantile(means, 0.75);
        out.push_back(p);
    }
    return out;
}

int64_t first_below(const std::vector<CurvePoint>& c, double thr) {
    for (const auto& p : c)
        if (p.median < thr) return p.episode;
    return -1;
}

std::string curve_csv(const std::vector<CurvePoint>& c) {
    std::string s = "episode,median,q25,q75\n";
    char buf[128];
    for (const auto& p : c) {
        std::snprintf(buf, sizeof buf, "%lld,%.6g,%.6g,%.6g\n", (long long)p.episode, p.median, p.q25, p.q75);
        s += buf;
    }
    return s;
}

}  // namespace ps
