// Multi-seed runs in threads and their median / inter-quartile curves (see sweep.hpp).
#include "sweep.hpp"
#include <time.h>
#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <set>
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

SweepSetup prepare_sweep(const SweepOptions& opt) {
    if (opt.seeds < 1) throw ConfigError("sweep needs at least one seed");
    if (opt.threads < 1) throw ConfigError("sweep needs at least one thread");
    auto probe = make_task(opt.task);
    if (!probe) throw ConfigError("unknown task '" + opt.task + "' (known: " + task_names() + ")");
    configure(*probe, opt);
    SweepSetup s;
    s.episodes = opt.episodes;
    if (s.episodes <= 0) {
        if (!has_field(*probe, "episodes"))
            throw ConfigError("task '" + opt.task + "' has no default run length: give --episodes");
        for (const auto& f : probe->fields())
            if (f.key == "episodes") s.episodes = *static_cast<int*>(f.ptr);
    }
    if (opt.freeze_last < 0) throw ConfigError("--freeze-last must be >= 0");
    if (opt.freeze_last > 0 && !has_field(*probe, "frozen"))
        throw ConfigError("task '" + opt.task + "' has no 'frozen' field: use --freeze-last 0");
    s.freeze_from = std::max<int64_t>(0, s.episodes - opt.freeze_last);
    s.settings = grid_settings(opt.grid, probe->fields());
    for (const auto& kv : s.settings) s.labels.push_back(setting_label(kv));
    return s;
}

SweepResult run_sweep(const SweepOptions& opt, const std::function<void(const SeedRun&)>& on_done) {
    const SweepSetup setup = prepare_sweep(opt);
    SweepResult res;
    res.episodes = setup.episodes;
    res.freeze_from = setup.freeze_from;
    res.settings = setup.labels;
    const std::vector<SweepItem> items = sweep_items(opt, setup);
    const int n = int(items.size());
    res.runs.resize(items.size());

    std::atomic<int> next{0};
    std::mutex done_mu;
    auto worker = [&] {
        for (int i; (i = next++) < n;) {
            SeedRun& run = res.runs[size_t(i)];
            run.seed = items[size_t(i)].seed;
            run.setting = items[size_t(i)].setting;
            try {
                auto task = make_task(opt.task);
                if (!opt.preset.empty()) task->set_preset(opt.preset);
                apply_overrides(task->fields(), items[size_t(i)].overrides);
                task->init(run.seed);
                run.loss.reserve(size_t(res.episodes));
                run.metric.reserve(size_t(res.episodes));
                const double t0 = thread_cpu_seconds();
                bool frozen = false;
                int64_t done = 0;
                // the same steps as run_training with TrainOptions::freeze_from (train_loop.cpp)
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
    const int nt = std::min(opt.threads, n);
    std::vector<std::thread> pool;
    for (int i = 1; i < nt; ++i) pool.emplace_back(worker);
    worker();
    for (auto& th : pool) th.join();
    return res;
}

std::vector<std::vector<std::string>> grid_settings(const std::vector<std::string>& axes, const std::vector<Field>& fields) {
    std::vector<std::vector<std::string>> out{{}};
    std::vector<std::string> keys;
    for (const auto& axis : axes) {
        const auto eq = axis.find('=');
        const std::string key = axis.substr(0, eq);
        if (eq == std::string::npos || key.empty() || eq + 1 == axis.size())
            throw ConfigError("--grid expects key=v1,v2,... (got '" + message_text(axis, 80) + "')");
        const Field* f = nullptr;
        for (const auto& g : fields)
            if (g.key == key) f = &g;
        if (!f) {
            std::string known;
            for (const auto& g : fields) known += (known.empty() ? "" : ", ") + g.key;
            throw ConfigError("--grid: unknown key '" + message_text(key, 60) + "' (known: " + known + ")");
        }
        if (std::find(keys.begin(), keys.end(), key) != keys.end())
            throw ConfigError("--grid: key '" + key + "' given twice (one --grid per key, its values separated by commas)");
        keys.push_back(key);
        std::vector<std::string> values;
        const std::string list = axis.substr(eq + 1);
        for (size_t b = 0;;) {
            const size_t c = std::min(list.find(',', b), list.size());
            const std::string v = list.substr(b, c - b);
            if (v.empty()) throw ConfigError("--grid: empty value in '" + message_text(axis, 80) + "'");
            const std::string before = field_get(*f);
            try {
                field_set(*f, v);   // the field's own range check and message
            } catch (const ConfigError& e) {
                field_set(*f, before);
                throw ConfigError(std::string("--grid: ") + e.what());
            }
            field_set(*f, before);
            values.push_back(key + "=" + v);
            if (c == list.size()) break;
            b = c + 1;
        }
        std::vector<std::vector<std::string>> next;
        for (const auto& s : out)
            for (const auto& v : values) {
                next.push_back(s);
                next.back().push_back(v);
            }
        out = std::move(next);
    }
    return out;
}

std::string setting_label(const std::vector<std::string>& kv) {
    std::string s;
    for (const auto& x : kv) s += (s.empty() ? "" : " ") + x;
    return s;
}

std::vector<SweepItem> sweep_items(const SweepOptions& opt, const SweepSetup& setup) {
    std::vector<SweepItem> items;
    const bool grid = !opt.grid.empty();
    for (size_t k = 0; k < setup.settings.size(); ++k)
        for (int i = 0; i < opt.seeds; ++i) {
            SweepItem it;
            it.setting = int(k);
            it.seed = opt.first_seed + uint64_t(i);
            it.dir = (grid ? "setting-" + std::to_string(k) + "/" : std::string()) + "seed-" + std::to_string(it.seed);
            it.overrides = opt.overrides;
            it.overrides.insert(it.overrides.end(), setup.settings[k].begin(), setup.settings[k].end());
            items.push_back(std::move(it));
        }
    return items;
}

namespace {
const char* kSweepFormat = "plastiscope-sweep-1";

std::string json_entry(const std::string& k, const std::string& v, bool quote) {
    return "  \"" + json_escape(k) + "\": " + (quote ? "\"" + json_escape(v) + "\"" : v);
}

int64_t json_int(const std::map<std::string, std::string>& m, const std::string& key, int64_t lo, int64_t hi) {
    auto it = m.find(key);
    if (it == m.end()) throw ConfigError("sweep.json: '" + key + "' is missing");
    char* end = nullptr;
    errno = 0;
    const long long v = std::strtoll(it->second.c_str(), &end, 10);
    if (it->second.empty() || *end || errno || v < lo || v > hi)
        throw ConfigError("sweep.json: '" + key + "' must be an integer in " + std::to_string(lo) + ".." + std::to_string(hi) +
                          " (got '" + message_text(it->second, 40) + "')");
    return v;
}
}  // namespace

std::string sweep_json(const SweepOptions& opt, int64_t episodes, const std::map<std::string, std::string>& extra) {
    std::vector<std::string> e = {json_entry("format", kSweepFormat, true), json_entry("task", opt.task, true),
                                  json_entry("preset", opt.preset, true), json_entry("seeds", std::to_string(opt.seeds), false),
                                  json_entry("first_seed", std::to_string(opt.first_seed), false),
                                  json_entry("episodes", std::to_string(episodes), false),
                                  json_entry("freeze_last", std::to_string(opt.freeze_last), false)};
    for (size_t i = 0; i < opt.overrides.size(); ++i) e.push_back(json_entry("override." + std::to_string(i), opt.overrides[i], true));
    for (size_t i = 0; i < opt.grid.size(); ++i) e.push_back(json_entry("grid." + std::to_string(i), opt.grid[i], true));
    for (const auto& [k, v] : extra) e.push_back(json_entry(k, v, true));
    std::string s = "{\n";
    for (size_t i = 0; i < e.size(); ++i) s += e[i] + (i + 1 < e.size() ? ",\n" : "\n");
    return s + "}\n";
}

SweepOptions sweep_from_json(const std::string& text, std::map<std::string, std::string>* extra) {
    const auto m = parse_flat_json(text);
    auto it = m.find("format");
    if (it == m.end() || it->second != kSweepFormat)
        throw ConfigError(std::string("sweep.json: not a plastiscope sweep plan (format '") + kSweepFormat + "' expected)");
    SweepOptions o;
    for (const char* k : {"task", "preset"})
        if (!m.count(k)) throw ConfigError(std::string("sweep.json: '") + k + "' is missing");
    o.task = m.at("task");
    o.preset = m.at("preset");
    o.seeds = int(json_int(m, "seeds", 1, 100000));
    o.first_seed = uint64_t(json_int(m, "first_seed", 0, int64_t(1) << 62));
    o.episodes = json_int(m, "episodes", 1, 1000000000LL);
    o.freeze_last = json_int(m, "freeze_last", 0, 1000000000LL);
    // list entries come in index order (override.0, override.1, ...; the map sorts "10" before "2")
    for (const char* list : {"override.", "grid."}) {
        auto& dst = std::string(list) == "grid." ? o.grid : o.overrides;
        for (size_t i = 0; m.count(list + std::to_string(i)); ++i) dst.push_back(m.at(list + std::to_string(i)));
    }
    if (extra)
        for (const auto& [k, v] : m) {
            const bool plan = k.rfind("override.", 0) == 0 || k.rfind("grid.", 0) == 0 ||
                              std::set<std::string>{"format", "task", "preset", "seeds", "first_seed", "episodes", "freeze_last"}.count(k);
            if (!plan) (*extra)[k] = v;
        }
    return o;
}

SeedRun read_seed_run(const std::string& run_dir, int64_t* episodes_done) {
    SeedRun run;
    *episodes_done = 0;
    const std::string path = run_dir + "/metrics.csv";
    std::ifstream in(path);
    if (!in) return run;
    std::string line;
    std::getline(in, line);   // header
    double prev_elapsed = 0, total = 0;
    for (int lineno = 2; std::getline(in, line); ++lineno) {
        if (line.empty()) continue;
        // episode,loss,metric,eta,grad_norm,elapsed_s
        double v[6];
        const char* p = line.c_str();
        int got = 0;
        for (; got < 6; ++got) {
            char* end = nullptr;
            v[got] = std::strtod(p, &end);
            if (end == p) break;
            p = end;
            if (*p == ',') ++p;
            else { ++got; break; }
        }
        if (got != 6 || *p || !(v[0] > double(*episodes_done)))
            throw ConfigError(path + ": line " + std::to_string(lineno) + " is not a row of `plastiscope train` ('" +
                              message_text(line, 60) + "')");
        const int64_t ep = int64_t(v[0]);
        for (int64_t e = *episodes_done; e < ep; ++e) {
            run.loss.push_back(float(v[1]));
            run.metric.push_back(float(v[2]));
        }
        *episodes_done = ep;
        if (v[5] < prev_elapsed) total += prev_elapsed;   // a resumed piece starts its clock again
        prev_elapsed = v[5];
    }
    run.cpu_seconds = total + prev_elapsed;
    return run;
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
