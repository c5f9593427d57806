// `plastiscope sweep`: trains one task over many seeds in parallel threads (engine/sweep.hpp)
// and writes DIR/curves.csv (median and inter-quartile range of the training loss over windows of
// episodes), DIR/curves.png (the same, drawn on render/canvas.hpp), DIR/losses.npz (every
// seed's per-episode loss) and DIR/summary.txt. The BOHP protocol's frozen tail (the last
// episodes run without updates) is on by default. `--curve metric` summarises the task's metric
// (e.g. the maze's reward per episode) instead of the loss; losses.npz then also holds it.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <string>
#include <vector>
#include "sweep.hpp"
#include "render/canvas.hpp"
#include "cli/commands.hpp"
#include "npz.hpp"
#include "task.hpp"

namespace ps {
namespace {

std::string plot_png(const std::vector<CurvePoint>& c, int64_t episodes, int64_t freeze_from, const std::string& title) {
    Canvas cv(960, 560);
    const int L = 80, R = 44, T = 64, B = 64;
    const int pw = cv.w - L - R, ph = cv.h - T - B;
    // y from min(0, lowest q25) to the highest q75 (a metric such as a reward may be negative)
    double ymax = 0, ymin = 0;
    for (const auto& p : c) {
        if (std::isfinite(p.q75)) ymax = std::max(ymax, p.q75);
        if (std::isfinite(p.q25)) ymin = std::min(ymin, p.q25);
    }
    if (!(ymax > ymin)) ymax = ymin + 1;
    const double ystep = nice_step(ymax - ymin, 6);
    ymax = std::ceil(ymax / ystep) * ystep;
    ymin = std::floor(ymin / ystep) * ystep;
    auto X = [&](double e) { return L + pw * e / double(std::max<int64_t>(1, episodes)); };
    auto Y = [&](double v) { return T + ph * (1 - std::clamp((v - ymin) / (ymax - ymin), 0.0, 1.0)); };
    const Rgb black{0, 0, 0}, grid{225, 225, 225}, band{120, 160, 230}, med{20, 60, 170}, frz{150, 150, 150};
    // grid and ticks
    for (double v = ymin; v <= ymax + 1e-9 * ystep; v += ystep) {
        cv.line(L, Y(v), L + pw, Y(v), grid);
        cv.text(L - 8, int(Y(v)) - 6, short_num(v), black, 2, 2);
    }
    const double xstep = nice_step(double(episodes), 8);
    for (double e = 0; e <= episodes + 1e-9; e += xstep) {
        cv.line(X(e), T, X(e), T + ph, grid);
        cv.text(int(X(e)), T + ph + 8, short_num(e), black, 2, 1);
    }
    // inter-quartile band: fill between q25 and q75, linearly interpolated per pixel column
    for (size_t i = 0; i + 1 < c.size(); ++i) {
        const double x0 = X(double(c[i].episode)), x1 = X(double(c[i + 1].episode));
        for (int x = int(std::ceil(x0)); x < int(std::ceil(x1)); ++x) {
            const double t = (x - x0) / std::max(1e-9, x1 - x0);
            const double lo = c[i].q25 + t * (c[i + 1].q25 - c[i].q25), hi = c[i].q75 + t * (c[i + 1].q75 - c[i].q75);
            cv.rect(x, int(std::lround(Y(hi))), x + 1, int(std::lround(Y(lo))) + 1, band, 0.35);
        }
    }
    for (size_t i = 0; i + 1 < c.size(); ++i)
        cv.line(X(double(c[i].episode)), Y(c[i].median), X(double(c[i + 1].episode)), Y(c[i + 1].median), med, 2.5);
    if (c.size() == 1) cv.line(X(double(c[0].episode)) - 3, Y(c[0].median), X(double(c[0].episode)) + 3, Y(c[0].median), med, 2.5);
    if (freeze_from < episodes) {
        cv.line(X(double(freeze_from)), T, X(double(freeze_from)), T + ph, frz, 1.5, 6);
        cv.text(int(X(double(freeze_from))) - 4, T + 4, "frozen", frz, 2, 2);
    }
    // axes and labels
    cv.line(L, T + ph, L + pw, T + ph, black, 1.5);
    cv.line(L, T, L, T + ph, black, 1.5);
    cv.text(L + pw / 2, cv.h - 26, "episode", black, 2, 1);
    cv.text(L, 10, title, black, 2, 0);
    cv.text(L + pw, 36, "median (line), 25-75% of seeds (band)", med, 2, 2);
    return cv.png();
}

const std::vector<ArgSpec> kSweepSpec = flag_table(R"(
--task NAME         task (see `plastiscope tasks`)
--preset P          preset of the task (default: its first)
--seeds N           number of seeds (default 20)
--first-seed S      seeds S .. S+N-1 (default 1)
--episodes N        episodes per seed (default: the task's `episodes` setting)
--threads N         seeds trained in parallel, one Task object each (default 2)
--freeze-last N     the last N episodes of each run use frozen parameters (default 500; 0 = off)
--window N          curve points are means over windows of N episodes (default 50)
--threshold X       summary: first episode whose median loss is below X (default 0.05)
--curve WHAT        loss (default) or metric: what curves.csv/png summarise (metric: the task's, e.g. reward)
--out DIR           output folder (default sweeps/<task>-<preset>)
--quiet             no progress output
--help              this help
)");

int cmd_sweep(const std::vector<std::string>& args) {
    const CommandSpec spec = {"sweep", "--task NAME [--seeds 20] [--episodes N] [--threads 2] [--out DIR] [key=value ...]", kSweepSpec,
                              [](const ParsedArgs&) {
            std::printf("\nWrites DIR/curves.csv (episode,median,q25,q75 of the training loss, window means), DIR/curves.png,\n"
                        "DIR/losses.npz (loss: seeds x episodes, seeds, cpu_seconds) and DIR/summary.txt.\n"
                        "With --curve metric, curves.csv/png and the summary use the task's metric per episode instead\n"
                        "(higher or lower is better as the task says) and losses.npz also holds metric: seeds x episodes.\n"
                        "key=value settings apply to every seed (see `plastiscope train --task NAME --help`).\n");
        }, ""};
    return run_command(spec, args, [&args](const ParsedArgs& a) {
        SweepOptions o;
        o.task = a.get("--task");
        if (o.task.empty()) throw UsageError("--task is required (tasks: " + task_names() + ")");
        if (!make_task(o.task)) throw UsageError("unknown task '" + o.task + "' (tasks: " + task_names() + ")");
        o.preset = a.get("--preset");
        o.overrides = a.overrides;
        o.seeds = int(a.get_int("--seeds", 20, 1, 100000));
        o.first_seed = uint64_t(a.get_int("--first-seed", 1, 0, 1LL << 62));
        o.episodes = a.get_int("--episodes", 0, 1, 1000000000LL);
        o.threads = int(a.get_int("--threads", 2, 1, 256));
        o.freeze_last = a.get_int("--freeze-last", 500, 0, 1000000000LL);
        const int window = int(a.get_int("--window", 50, 1, 1000000000));
        const double threshold = a.get_double("--threshold", 0.05, 0, 1e300);
        const bool quiet = a.has("--quiet");
        const std::string curve_what = a.get("--curve", "loss");
        if (curve_what != "loss" && curve_what != "metric")
            throw UsageError("--curve must be 'loss' or 'metric' (got '" + curve_what + "')");
        const bool use_metric = curve_what == "metric";
        auto probe = make_task(o.task);
        if (!o.preset.empty()) probe->set_preset(o.preset);
        const std::string metric_name = probe->metric_name();
        const bool lower_better = probe->metric_lower_is_better();
        apply_overrides(probe->fields(), o.overrides);   // bad settings fail before anything is written
        const std::string preset = probe->preset();
        const std::string dir = a.get("--out", "sweeps/" + o.task + "-" + preset);
        std::error_code ec;
        std::filesystem::create_directories(dir, ec);
        if (ec) return fail("sweep", "cannot create output folder '" + dir + "': " + ec.message(), 1);

        if (!quiet) std::printf("sweep %s (preset %s): %d seeds from %llu, %d threads -> %s\n", o.task.c_str(), preset.c_str(),
                                o.seeds, (unsigned long long)o.first_seed, o.threads, dir.c_str());
        int done = 0;
        const SweepResult r = run_sweep(o, [&](const SeedRun& s) {
            ++done;
            if (quiet) return;
            const std::vector<float>& y = use_metric ? s.metric : s.loss;
            double tail = 0;
            const size_t n = std::min<size_t>(y.size(), 500);
            for (size_t i = y.size() - n; i < y.size(); ++i) tail += y[i] / double(n);
            std::printf("  [%d/%d] seed %llu: %s last-%zu mean %s %.4g, %.2f s CPU\n", done, o.seeds,
                        (unsigned long long)s.seed, s.error.empty() ? "ok" : ("STOPPED (" + s.error + ")").c_str(), n,
                        use_metric ? metric_name.c_str() : "loss", tail, s.cpu_seconds);
            std::fflush(stdout);
        });

        std::vector<std::vector<float>> losses;   // what the curve summarises (loss or metric)
        int failed = 0;
        double cpu = 0;
        for (const auto& s : r.runs) {
            losses.push_back(use_metric ? s.metric : s.loss);
            failed += !s.error.empty();
            cpu += s.cpu_seconds;
        }
        const auto curve = sweep_curve(losses, window);
        write_file_atomic(dir + "/curves.csv", curve_csv(curve));
        const std::string title = o.task + " (" + preset + "): " + (use_metric ? metric_name : std::string("training loss")) +
                                  " over " + std::to_string(o.seeds) + " seeds";
        write_file_atomic(dir + "/curves.png", plot_png(curve, r.episodes, r.freeze_from, title));

        ArrayMap npz;
        Array L;
        L.dtype = Array::Dtype::F32;
        L.shape = {int64_t(r.runs.size()), r.episodes};
        L.f32.assign(size_t(L.shape[0] * L.shape[1]), NAN);   // NaN after a run that stopped early
        std::vector<int64_t> seeds;
        Eigen::Matrix<double, 1, Eigen::Dynamic> secs(1, Eigen::Index(r.runs.size()));
        for (size_t i = 0; i < r.runs.size(); ++i) {
            std::copy(r.runs[i].loss.begin(), r.runs[i].loss.end(), L.f32.begin() + ptrdiff_t(i * size_t(r.episodes)));
            seeds.push_back(int64_t(r.runs[i].seed));
            secs(0, Eigen::Index(i)) = r.runs[i].cpu_seconds;
        }
        if (use_metric) {   // the per-episode loss stays under "loss"; the metric beside it
            Array M = L;
            std::fill(M.f32.begin(), M.f32.end(), NAN);
            for (size_t i = 0; i < r.runs.size(); ++i)
                std::copy(r.runs[i].metric.begin(), r.runs[i].metric.end(), M.f32.begin() + ptrdiff_t(i * size_t(r.episodes)));
            npz["metric"] = M;
        }
        npz["loss"] = L;
        npz["seeds"] = i64_array(seeds);
        npz["cpu_seconds"] = to_array(secs);
        npz["freeze_from"] = scalar_array(double(r.freeze_from));
        npz_write(dir + "/losses.npz", npz);

        const int64_t below = use_metric ? -1 : first_below(curve, threshold);
        std::string sum;
        char line[512];
        std::string cmdline = "plastiscope sweep";
        for (const auto& x : args) cmdline += " " + x;
        sum += "command: " + cmdline + "\n";
        std::snprintf(line, sizeof line, "task %s preset %s, %d seeds from %llu, %lld episodes each, frozen from episode %lld, window %d\n",
                      o.task.c_str(), preset.c_str(), o.seeds, (unsigned long long)o.first_seed, (long long)r.episodes,
                      (long long)r.freeze_from + 1, window);
        sum += line;
        if (!curve.empty()) {
            std::snprintf(line, sizeof line, "median %s: first window %.4g, last window %.4g (IQR %.4g .. %.4g)\n",
                          use_metric ? metric_name.c_str() : "loss", curve.front().median, curve.back().median, curve.back().q25,
                          curve.back().q75);
            sum += line;
        }
        if (use_metric) {
            // the last 10 % of each run: per-seed mean, then median and IQR over seeds (the maze protocol)
            std::vector<double> tails;
            for (const auto& y : losses) {
                const size_t n = std::max<size_t>(1, y.size() / 10);
                double m = 0;
                for (size_t i = y.size() - std::min(n, y.size()); i < y.size(); ++i) m += y[i] / double(n);
                if (!y.empty()) tails.push_back(m);
            }
            if (!tails.empty()) {
                std::snprintf(line, sizeof line, "last 10%% of each run, mean %s per seed: median %.4g, IQR %.4g .. %.4g (%s is better); per seed:",
                              metric_name.c_str(), quantile(tails, 0.5), quantile(tails, 0.25), quantile(tails, 0.75),
                              lower_better ? "lower" : "higher");
                sum += line;
                for (double t : tails) { std::snprintf(line, sizeof line, " %.4g", t); sum += line; }
                sum += "\n";
            }
        } else {
            if (below >= 0) std::snprintf(line, sizeof line, "median below %g by episode %lld\n", threshold, (long long)below);
            else std::snprintf(line, sizeof line, "median never below %g\n", threshold);
            sum += line;
        }
        std::snprintf(line, sizeof line, "CPU seconds per seed: mean %.3f (total %.2f, %d threads)\n", cpu / double(r.runs.size()), cpu,
                      o.threads);
        sum += line;
        // The task's statistics at the end of each run (e.g. alpha_pattern_mean), median over seeds.
        std::map<std::string, std::vector<double>> extra;
        for (const auto& s : r.runs)
            for (const auto& [k, v] : s.final_extra) extra[k].push_back(v);
        if (!extra.empty()) {
            sum += "at the end, median over seeds [min, max]:";
            for (const auto& [k, v] : extra) {
                std::snprintf(line, sizeof line, " %s %.4g [%.4g, %.4g];", k.c_str(), quantile(v, 0.5),
                              *std::min_element(v.begin(), v.end()), *std::max_element(v.begin(), v.end()));
                sum += line;
            }
            sum += "\n";
        }
        if (failed) {
            std::snprintf(line, sizeof line, "%d of %d seeds stopped early (see above)\n", failed, o.seeds);
            sum += line;
        }
        write_file_atomic(dir + "/summary.txt", sum);
        if (!quiet) std::printf("%s", sum.c_str());
        if (!quiet) std::printf("wrote %s/curves.csv, curves.png, losses.npz, summary.txt\n", dir.c_str());
        return failed ? 3 : 0;
    });
}

}  // namespace
}  // namespace ps

PS_REGISTER_COMMAND("sweep", "train a task over many seeds in threads: median / IQR loss curves (CSV, PNG)", ps::cmd_sweep);
