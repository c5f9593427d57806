// `plastiscope sweep`: trains one task over many seeds in parallel threads (engine/sweep.hpp)
// and writes DIR/curves.csv (median and inter-quartile range of the training loss over windows of
// episodes), DIR/curves.png (the same, drawn on render/canvas.hpp), DIR/losses.npz (every
// seed's per-episode loss) and DIR/summary.txt. The BOHP protocol's frozen tail (the last
// episodes run without updates) is on by default. `--curve metric` summarises the task's metric
// (e.g. the maze's reward per episode) instead of the loss; losses.npz then also holds it.
// `--grid key=v1,v2` crosses settings with the seeds (one curve and one summary row per
// setting). `--slurm` runs the same sweep as a Slurm array job (sweep_slurm.cpp) and
// `--collect DIR` writes these files from what its elements wrote, also while it runs.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <map>
#include <sstream>
#include <string>
#include <vector>
#include "sweep.hpp"
#include "render/canvas.hpp"
#include "cli/commands.hpp"
#include "cli/sweep_slurm.hpp"
#include "npz.hpp"
#include "task.hpp"

namespace ps {
namespace {

// One median line and inter-quartile band per setting (a legend when there are several).
std::string plot_png(const std::vector<std::vector<CurvePoint>>& curves, const std::vector<std::string>& labels, int64_t episodes,
                     int64_t freeze_from, const std::string& title) {
    Canvas cv(960, 560);
    const int L = 80, R = 44, T = 64, B = 64;
    const int pw = cv.w - L - R, ph = cv.h - T - B;
    // y from min(0, lowest q25) to the highest q75 (a metric such as a reward may be negative)
    double ymax = 0, ymin = 0;
    for (const auto& c : curves)
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
    const Rgb black{0, 0, 0}, grid{225, 225, 225}, frz{150, 150, 150};
    // median colours; the band is the same colour, lighter (the first is the one-setting plot's)
    const Rgb med[] = {{20, 60, 170}, {200, 70, 20}, {30, 140, 60}, {150, 40, 160}, {20, 150, 170}, {170, 140, 10}, {90, 90, 90}, {220, 40, 110}};
    const Rgb bands[] = {{120, 160, 230}, {240, 160, 120}, {130, 210, 150}, {210, 150, 220}, {120, 210, 220}, {230, 210, 110}, {180, 180, 180}, {240, 150, 190}};
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
    const double band_alpha = curves.size() > 1 ? 0.2 : 0.35;
    for (size_t k = 0; k < curves.size(); ++k) {
        const auto& c = curves[k];
        // inter-quartile band: fill between q25 and q75, linearly interpolated per pixel column
        for (size_t i = 0; i + 1 < c.size(); ++i) {
            const double x0 = X(double(c[i].episode)), x1 = X(double(c[i + 1].episode));
            for (int x = int(std::ceil(x0)); x < int(std::ceil(x1)); ++x) {
                const double t = (x - x0) / std::max(1e-9, x1 - x0);
                const double lo = c[i].q25 + t * (c[i + 1].q25 - c[i].q25), hi = c[i].q75 + t * (c[i + 1].q75 - c[i].q75);
                cv.rect(x, int(std::lround(Y(hi))), x + 1, int(std::lround(Y(lo))) + 1, bands[k % 8], band_alpha);
            }
        }
    }
    for (size_t k = 0; k < curves.size(); ++k) {
        const auto& c = curves[k];
        for (size_t i = 0; i + 1 < c.size(); ++i)
            cv.line(X(double(c[i].episode)), Y(c[i].median), X(double(c[i + 1].episode)), Y(c[i + 1].median), med[k % 8], 2.5);
        if (c.size() == 1) cv.line(X(double(c[0].episode)) - 3, Y(c[0].median), X(double(c[0].episode)) + 3, Y(c[0].median), med[k % 8], 2.5);
    }
    if (freeze_from < episodes) {
        cv.line(X(double(freeze_from)), T, X(double(freeze_from)), T + ph, frz, 1.5, 6);
        cv.text(int(X(double(freeze_from))) - 4, T + 4, "frozen", frz, 2, 2);
    }
    // axes and labels
    cv.line(L, T + ph, L + pw, T + ph, black, 1.5);
    cv.line(L, T, L, T + ph, black, 1.5);
    cv.text(L + pw / 2, cv.h - 26, "episode", black, 2, 1);
    cv.text(L, 10, title, black, 2, 0);
    cv.text(L + pw, 36, "median (line), 25-75% of seeds (band)", med[0], 2, 2);
    if (curves.size() > 1) {   // the legend, below the "frozen" mark, on a light box over the curves
        int w = 0;
        for (const auto& l : labels) w = std::max(w, cv.text_width(l, 2));
        const int top = T + 26;
        cv.rect(L + pw - 16 - w, top - 4, L + pw - 2, top + 20 * int(labels.size()), Rgb{255, 255, 255}, 0.85);
        for (size_t k = 0; k < labels.size(); ++k) cv.text(L + pw - 8, top + 20 * int(k), labels[k], med[k % 8], 2, 2);
    }
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
--grid KEY=V1,V2    also cross these values of a setting with the seeds (one --grid per setting;
                      several cross with each other); the summary compares the settings
--window N          curve points are means over windows of N episodes (default 50)
--threshold X       summary: first episode whose median loss is below X (default 0.05)
--curve WHAT        loss (default) or metric: what curves.csv/png summarise (metric: the task's, e.g. reward)
--out DIR           output folder (default sweeps/<task>-<preset>)
--slurm             run as a Slurm array job (one element per setting and seed, each `plastiscope
                      train` into DIR/seed-S): write DIR/sweep.sbatch and sweep.json, submit with sbatch
--partition P       Slurm partition (default: the cluster's)
--time T            Slurm time limit per element, HH:MM:SS or D-HH:MM:SS
--cpus-per-task C   Slurm CPUs per element (default 1; training uses one)
--mem M             Slurm memory per element (4G, 500M, ...)
--checkpoint-every K  Slurm: each element checkpoints every K episodes (default 500)
--requeue           Slurm: a preempted element, or one near its time limit, is requeued and resumes
--dry-run           Slurm: write the files, do not submit
--collect DIR       summarise the Slurm sweep in DIR (also while it runs) into the files below
--quiet             no progress output
--help              this help
)");

// How the summary describes the runs (the task's metric, the command, where the seconds come from).
struct Report {
    std::string task, preset, command, metric_name;
    bool use_metric = false, lower_better = true;
    int window = 50;
    double threshold = 0.05;
    int seeds = 0;
    uint64_t first_seed = 1;
    std::string seconds_what = "CPU seconds per seed", seconds_key = "cpu_seconds", seconds_how;
    std::string note;   // a line after the first two (a collected sweep: how many seeds are done)
};

// Per seed, the mean of the last 10 % of its run.
std::vector<double> tail_means(const std::vector<std::vector<float>>& ys) {
    std::vector<double> tails;
    for (const auto& y : ys) {
        const size_t n = std::max<size_t>(1, y.size() / 10);
        double m = 0;
        for (size_t i = y.size() - std::min(n, y.size()); i < y.size(); ++i) m += y[i] / double(n);
        if (!y.empty()) tails.push_back(m);
    }
    return tails;
}

// curves.csv/png, losses.npz and summary.txt for the runs of r; returns how many stopped early.
int write_outputs(const std::string& dir, const SweepResult& r, const Report& rep, bool quiet) {
    const size_t ns = std::max<size_t>(1, r.settings.size());
    const bool grid = ns > 1 || (!r.settings.empty() && !r.settings[0].empty());
    std::vector<std::vector<std::vector<float>>> per(ns);   // what the curves summarise, per setting
    int failed = 0;
    double secs_total = 0;
    for (const auto& s : r.runs) {
        per[size_t(s.setting)].push_back(rep.use_metric ? s.metric : s.loss);
        failed += !s.error.empty();
        secs_total += s.cpu_seconds;
    }
    std::vector<std::vector<CurvePoint>> curves;
    for (const auto& p : per) curves.push_back(sweep_curve(p, rep.window));
    if (!grid) {
        write_file_atomic(dir + "/curves.csv", curve_csv(curves[0]));
    } else {   // one block of rows per setting, named in a first column
        std::string csv = "setting,episode,median,q25,q75\n";
        for (size_t k = 0; k < ns; ++k) {
            const std::string body = curve_csv(curves[k]);
            std::istringstream in(body.substr(body.find('\n') + 1));
            for (std::string l; std::getline(in, l);) csv += r.settings[k] + "," + l + "\n";
        }
        write_file_atomic(dir + "/curves.csv", csv);
    }
    const std::string what = rep.use_metric ? rep.metric_name : std::string("training loss");
    const std::string title = rep.task + " (" + rep.preset + "): " + what + " over " + std::to_string(rep.seeds) + " seeds" +
                              (grid ? ", " + std::to_string(ns) + " settings" : "");
    write_file_atomic(dir + "/curves.png", plot_png(curves, r.settings, r.episodes, r.freeze_from, title));

    ArrayMap npz;
    Array L;
    L.dtype = Array::Dtype::F32;
    L.shape = {int64_t(r.runs.size()), r.episodes};
    L.f32.assign(size_t(L.shape[0] * L.shape[1]), NAN);   // NaN after a run that stopped early
    Array M = L;
    std::vector<int64_t> seeds, setting;
    Eigen::Matrix<double, 1, Eigen::Dynamic> secs(1, Eigen::Index(r.runs.size()));
    for (size_t i = 0; i < r.runs.size(); ++i) {
        const auto& run = r.runs[i];
        const size_t n = std::min(run.loss.size(), size_t(r.episodes));
        std::copy(run.loss.begin(), run.loss.begin() + ptrdiff_t(n), L.f32.begin() + ptrdiff_t(i * size_t(r.episodes)));
        std::copy(run.metric.begin(), run.metric.begin() + ptrdiff_t(n), M.f32.begin() + ptrdiff_t(i * size_t(r.episodes)));
        seeds.push_back(int64_t(run.seed));
        setting.push_back(run.setting);
        secs(0, Eigen::Index(i)) = run.cpu_seconds;
    }
    if (rep.use_metric) npz["metric"] = M;   // the per-episode loss stays under "loss"; the metric beside it
    npz["loss"] = L;
    npz["seeds"] = i64_array(seeds);
    npz[rep.seconds_key] = to_array(secs);
    npz["freeze_from"] = scalar_array(double(r.freeze_from));
    if (grid) {   // row i ran setting settings[setting[i]]
        npz["setting"] = i64_array(setting);
        std::string labels;
        for (const auto& l : r.settings) labels += l + "\n";
        npz["settings"] = text_array(labels);
    }
    npz_write(dir + "/losses.npz", npz);

    const std::string mname = rep.use_metric ? rep.metric_name : "loss";
    std::string sum;
    char line[512];
    sum += "command: " + rep.command + "\n";
    std::snprintf(line, sizeof line, "task %s preset %s, %d seeds from %llu, %lld episodes each, frozen from episode %lld, window %d\n",
                  rep.task.c_str(), rep.preset.c_str(), rep.seeds, (unsigned long long)rep.first_seed, (long long)r.episodes,
                  (long long)r.freeze_from + 1, rep.window);
    sum += line;
    if (!rep.note.empty()) sum += rep.note + "\n";
    if (!grid) {
        const auto& curve = curves[0];
        if (!curve.empty()) {
            std::snprintf(line, sizeof line, "median %s: first window %.4g, last window %.4g (IQR %.4g .. %.4g)\n", mname.c_str(),
                          curve.front().median, curve.back().median, curve.back().q25, curve.back().q75);
            sum += line;
        }
        if (rep.use_metric) {
            // the last 10 % of each run: per-seed mean, then median and IQR over seeds (the maze protocol)
            const std::vector<double> tails = tail_means(per[0]);
            if (!tails.empty()) {
                std::snprintf(line, sizeof line, "last 10%% of each run, mean %s per seed: median %.4g, IQR %.4g .. %.4g (%s is better); per seed:",
                              rep.metric_name.c_str(), quantile(tails, 0.5), quantile(tails, 0.25), quantile(tails, 0.75),
                              rep.lower_better ? "lower" : "higher");
                sum += line;
                for (double t : tails) { std::snprintf(line, sizeof line, " %.4g", t); sum += line; }
                sum += "\n";
            }
        } else {
            const int64_t below = first_below(curve, rep.threshold);
            if (below >= 0) std::snprintf(line, sizeof line, "median below %g by episode %lld\n", rep.threshold, (long long)below);
            else std::snprintf(line, sizeof line, "median never below %g\n", rep.threshold);
            sum += line;
        }
    } else {
        // the settings side by side: one row each
        size_t w = 7;
        for (const auto& l : r.settings) w = std::max(w, l.size());
        std::snprintf(line, sizeof line, "%-*s  seeds  first window  last window  last-window IQR       %s\n", int(w), "setting",
                      rep.use_metric ? ("last 10% mean " + rep.metric_name + " (median, IQR over seeds; " +
                                        (rep.lower_better ? "lower" : "higher") + " is better)").c_str()
                                     : ("median below " + short_num(rep.threshold) + " by episode").c_str());
        sum += "settings side by side (median over seeds of window means of the " + mname + "):\n" + line;
        for (size_t k = 0; k < ns; ++k) {
            const auto& c = curves[k];
            const double nan = NAN;
            std::snprintf(line, sizeof line, "%-*s  %5zu  %12.4g  %11.4g  %9.4g .. %-9.4g  ", int(w), r.settings[k].c_str(), per[k].size(),
                          c.empty() ? nan : c.front().median, c.empty() ? nan : c.back().median, c.empty() ? nan : c.back().q25,
                          c.empty() ? nan : c.back().q75);
            sum += line;
            if (rep.use_metric) {
                const std::vector<double> tails = tail_means(per[k]);
                std::snprintf(line, sizeof line, "%.4g (%.4g .. %.4g)\n", quantile(tails, 0.5), quantile(tails, 0.25), quantile(tails, 0.75));
            } else {
                const int64_t below = first_below(c, rep.threshold);
                std::snprintf(line, sizeof line, below >= 0 ? "%lld\n" : "never\n", (long long)below);
            }
            sum += line;
        }
    }
    std::snprintf(line, sizeof line, "%s: mean %.3f (total %.2f%s)\n", rep.seconds_what.c_str(), secs_total / double(std::max<size_t>(1, r.runs.size())),
                  secs_total, rep.seconds_how.c_str());
    sum += line;
    // The task's statistics at the end of each run (e.g. alpha_pattern_mean), median over seeds;
    // a line per setting with a grid.
    for (size_t k = 0; k < ns; ++k) {
        std::map<std::string, std::vector<double>> extra;
        for (const auto& s : r.runs)
            if (size_t(s.setting) == k)
                for (const auto& [key, v] : s.final_extra) extra[key].push_back(v);
        if (extra.empty()) continue;
        sum += "at the end" + (grid ? " (" + r.settings[k] + ")" : std::string()) + ", median over seeds [min, max]:";
        for (const auto& [key, v] : extra) {
            std::snprintf(line, sizeof line, " %s %.4g [%.4g, %.4g];", key.c_str(), quantile(v, 0.5), *std::min_element(v.begin(), v.end()),
                          *std::max_element(v.begin(), v.end()));
            sum += line;
        }
        sum += "\n";
    }
    if (failed) {
        std::snprintf(line, sizeof line, "%d of %zu runs stopped early (see above)\n", failed, r.runs.size());
        sum += line;
    }
    write_file_atomic(dir + "/summary.txt", sum);
    if (!quiet) std::printf("%s", sum.c_str());
    if (!quiet) std::printf("wrote %s/curves.csv, curves.png, losses.npz, summary.txt\n", dir.c_str());
    return failed;
}

// --collect DIR: the summary of a sweep run as separate `plastiscope train` processes.
int collect(const ParsedArgs& a, Report rep) {
    const std::string dir = a.get("--collect");
    for (const char* f : {"--task", "--preset", "--seeds", "--first-seed", "--episodes", "--freeze-last", "--grid", "--slurm", "--out", "--threads",
                          "--partition", "--time", "--cpus-per-task", "--mem", "--checkpoint-every", "--requeue", "--dry-run"})
        if (a.has(f)) throw UsageError(std::string("--collect reads the sweep from DIR/sweep.json: ") + f + " does not apply");
    if (!a.overrides.empty()) throw UsageError("--collect reads the sweep from DIR/sweep.json: settings (" + a.overrides[0] + ") do not apply");
    const std::string json = dir + "/sweep.json";
    if (!std::filesystem::is_regular_file(json))
        throw ConfigError("'" + dir + "' is not a sweep folder (no sweep.json; `plastiscope sweep --slurm --out DIR` writes one)");
    SweepOptions o;
    try {
        o = sweep_from_json(read_file(json));
    } catch (const ConfigError& e) {
        throw ConfigError(json + ": " + e.what());
    }
    const SweepSetup setup = prepare_sweep(o);
    const std::vector<SweepItem> items = sweep_items(o, setup);
    auto probe = make_task(o.task);
    probe->set_preset(o.preset);
    rep.task = o.task;
    rep.preset = o.preset;
    rep.metric_name = probe->metric_name();
    rep.lower_better = probe->metric_lower_is_better();
    rep.seeds = o.seeds;
    rep.first_seed = o.first_seed;
    rep.seconds_what = "training seconds per seed (wall, metrics.csv)";
    rep.seconds_key = "train_seconds";
    SweepResult r;
    r.episodes = setup.episodes;
    r.freeze_from = setup.freeze_from;
    r.settings = setup.labels;
    int done = 0, failed = 0;
    for (size_t i = 0; i < items.size(); ++i) {
        bool bad = false;
        const std::string state = item_state(dir, items[i], i, setup.episodes, &bad);
        int64_t episodes_done = 0;
        SeedRun run = read_seed_run(dir + "/" + items[i].dir, &episodes_done);
        run.seed = items[i].seed;
        run.setting = items[i].setting;
        if (bad) run.error = state;
        done += state.empty();
        failed += bad;
        if (!state.empty() && !a.has("--quiet"))
            std::printf("  element %zu (%s, seed %llu): %s\n", i, items[i].dir.c_str(), (unsigned long long)run.seed, state.c_str());
        r.runs.push_back(std::move(run));
    }
    const int n = int(items.size());
    rep.note = "collected from " + dir + ": " + std::to_string(done) + " of " + std::to_string(n) + " runs done" +
               (failed ? ", " + std::to_string(failed) + " failed" : "") +
               (n - done - failed ? ", " + std::to_string(n - done - failed) + " running or waiting (curves use what they wrote so far)" : "");
    if (!a.has("--quiet")) std::printf("%s\n", rep.note.c_str());
    write_outputs(dir, r, rep, a.has("--quiet"));
    return failed ? 3 : done < n ? 4 : 0;
}

int cmd_sweep(const std::vector<std::string>& args) {
    const CommandSpec spec = {"sweep", "--task NAME [--seeds 20] [--episodes N] [--threads 2] [--grid KEY=V1,V2] [--slurm ...] [--out DIR] [key=value ...]\n"
                                       "       plastiscope sweep --collect DIR", kSweepSpec,
                              [](const ParsedArgs&) {
            std::printf("\nWrites DIR/curves.csv (episode,median,q25,q75 of the training loss, window means), DIR/curves.png,\n"
                        "DIR/losses.npz (loss: seeds x episodes, seeds, cpu_seconds) and DIR/summary.txt.\n"
                        "With --curve metric, curves.csv/png and the summary use the task's metric per episode instead\n"
                        "(higher or lower is better as the task says) and losses.npz also holds metric: seeds x episodes.\n"
                        "With --grid, curves.csv starts with a setting column, losses.npz has a row per setting and seed\n"
                        "(setting: its index into settings, one line each) and the summary has a row per setting.\n"
                        "key=value settings apply to every seed (see `plastiscope train --task NAME --help`).\n"
                        "--slurm: one array job; --collect DIR writes the files above from its elements' metrics.csv,\n"
                        "the same numbers as a sweep in threads (exit 4 while some are unfinished). docs/cluster.md.\n");
        }, ""};
    return run_command(spec, args, [&args](const ParsedArgs& a) {
        Report rep;
        rep.command = "plastiscope sweep";
        for (const auto& x : args) rep.command += " " + x;
        rep.window = int(a.get_int("--window", 50, 1, 1000000000));
        rep.threshold = a.get_double("--threshold", 0.05, 0, 1e300);
        const bool quiet = a.has("--quiet");
        const std::string curve_what = a.get("--curve", "loss");
        if (curve_what != "loss" && curve_what != "metric")
            throw UsageError("--curve must be 'loss' or 'metric' (got '" + curve_what + "')");
        rep.use_metric = curve_what == "metric";
        if (a.has("--collect")) return collect(a, rep);

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
        for (const auto& [f, v] : a.flags)
            if (f == "--grid") o.grid.push_back(v);
        auto probe = make_task(o.task);
        if (!o.preset.empty()) probe->set_preset(o.preset);
        rep.metric_name = probe->metric_name();
        rep.lower_better = probe->metric_lower_is_better();
        apply_overrides(probe->fields(), o.overrides);   // bad settings fail before anything is written
        const std::string preset = probe->preset();
        const SweepSetup setup = prepare_sweep(o);        // so do a bad grid and a missing run length
        const std::string dir = a.get("--out", "sweeps/" + o.task + "-" + preset);

        if (a.has("--slurm")) {
            SlurmRequest req;
            req.partition = a.get("--partition");
            req.time = a.get("--time");
            req.mem = a.get("--mem");
            req.cpus_per_task = int(a.get_int("--cpus-per-task", 1, 1, 4096));
            req.checkpoint_every = a.get_int("--checkpoint-every", 500, 1, 1000000000LL);
            req.requeue = a.has("--requeue");
            req.dry_run = a.has("--dry-run");
            req.quiet = quiet;
            check_slurm_request(req);
            o.preset = preset;   // the elements name it, whatever the default is where they run
            return slurm_sweep(o, setup, dir, req);
        }
        for (const char* f : {"--partition", "--time", "--cpus-per-task", "--mem", "--checkpoint-every", "--requeue", "--dry-run"})
            if (a.has(f)) throw UsageError(std::string(f) + " only applies with --slurm");

        std::error_code ec;
        std::filesystem::create_directories(dir, ec);
        if (ec) return fail("sweep", "cannot create output folder '" + dir + "': " + ec.message(), 1);
        const int total = o.seeds * int(setup.settings.size());
        if (!quiet) std::printf("sweep %s (preset %s): %d seeds from %llu%s, %d threads -> %s\n", o.task.c_str(), preset.c_str(), o.seeds,
                                (unsigned long long)o.first_seed,
                                o.grid.empty() ? "" : (" x " + std::to_string(setup.settings.size()) + " settings").c_str(), o.threads, dir.c_str());
        o.preset = preset;   // set as each element of a Slurm sweep sets it: the same runs
        int done = 0;
        const SweepResult r = run_sweep(o, [&](const SeedRun& s) {
            ++done;
            if (quiet) return;
            const std::vector<float>& y = rep.use_metric ? s.metric : s.loss;
            double tail = 0;
            const size_t n = std::min<size_t>(y.size(), 500);
            for (size_t i = y.size() - n; i < y.size(); ++i) tail += y[i] / double(n);
            const std::string label = setup.labels[size_t(s.setting)];
            std::printf("  [%d/%d] %s%sseed %llu: %s last-%zu mean %s %.4g, %.2f s CPU\n", done, total, label.c_str(), label.empty() ? "" : ", ",
                        (unsigned long long)s.seed, s.error.empty() ? "ok" : ("STOPPED (" + s.error + ")").c_str(), n,
                        rep.use_metric ? rep.metric_name.c_str() : "loss", tail, s.cpu_seconds);
            std::fflush(stdout);
        });
        rep.task = o.task;
        rep.preset = preset;
        rep.seeds = o.seeds;
        rep.first_seed = o.first_seed;
        rep.seconds_how = ", " + std::to_string(o.threads) + " threads";
        return write_outputs(dir, r, rep, quiet) ? 3 : 0;
    });
}

}  // namespace
}  // namespace ps

PS_REGISTER_COMMAND("sweep", "train a task over many seeds in threads: median / IQR loss curves (CSV, PNG)", ps::cmd_sweep);
