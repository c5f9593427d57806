// The engine's subcommands: tasks, train, eval, grad. Each validates its flags and files and
// fails with one line naming what was wrong and a non-zero exit code.
#include <unistd.h>
#include <algorithm>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <numeric>
#include "parallel.hpp"
#include "checkpoint.hpp"
#include "cli/commands.hpp"
#include "npz.hpp"
#include "task.hpp"
#include "train_loop.hpp"

namespace ps {
namespace {

// Makes the task named by --task, applies --preset and key=value overrides.
std::unique_ptr<Task> task_from_args(const ParsedArgs& a, bool need_task = true) {
    const std::string name = a.get("--task");
    if (name.empty()) {
        if (!need_task) return nullptr;
        throw UsageError("--task is required (tasks: " + task_names() + ")");
    }
    auto t = make_task(name);
    if (!t) throw UsageError("unknown task '" + name + "' (tasks: " + task_names() + ")");
    if (a.has("--preset")) t->set_preset(a.get("--preset"));
    apply_overrides(t->fields(), a.overrides);
    return t;
}

// ---- tasks

int cmd_tasks(const std::vector<std::string>& args) {
    if (!args.empty() && (args[0] == "--help" || args[0] == "-h")) {
        std::printf("usage: plastiscope tasks\n  Lists the registered tasks, their presets and their settings (key=value).\n");
        return 0;
    }
    if (!args.empty()) return fail("tasks", "takes no arguments");
    for (const auto& e : task_registry()) {
        std::printf("%-22s %s\n", e.name.c_str(), e.summary.c_str());
        auto t = e.make();
        for (const auto& p : t->presets()) std::printf("    --preset %-18s %s\n", p.name.c_str(), p.help.c_str());
    }
    std::printf("\nSettings of a task: plastiscope train --task NAME --help\n");
    return 0;
}

void print_fields(Task& t) {
    std::printf("\nsettings of task %s (key=value; preset %s):\n", t.name().c_str(), t.preset().c_str());
    for (const auto& f : t.fields()) {
        std::string range;
        if (f.type == Field::Type::Choice) { for (auto& c : f.choices) range += (range.empty() ? "" : "|") + c; }
        else if (f.type == Field::Type::Bool) range = "true|false";
        else {
            char b[64];
            std::snprintf(b, sizeof b, "%g..%g", f.lo, f.hi);
            range = b;
            if (f.type == Field::Type::Int && f.step > 1) range += " step " + std::to_string(f.step);
        }
        const char* when = f.apply == Apply::Live ? "live" : f.apply == Apply::Episode ? "next episode" : "rebuilds";
        std::printf("  %-16s = %-12s [%s%s%s] (%s) %s\n", f.key.c_str(), field_get(f).c_str(), range.c_str(),
                    f.unit.empty() ? "" : " ", f.unit.c_str(), when, f.help.c_str());
    }
}

// ---- train

const std::vector<ArgSpec> kTrainSpec = flag_table(R"(
--task NAME      task to train (see `plastiscope tasks`)
--preset P       preset of the task (default: its first)
--episodes N     total episodes (default 1000; with --resume, the new total)
--seed S         random seed (default 0): same seed, same run
--out DIR        output folder (default runs/<task>-<preset>-s<seed>)
--checkpoint-every K  write DIR/checkpoint.npz every K episodes (default 500)
--resume         continue from DIR/checkpoint.npz
--freeze-last N  the last N episodes run with frozen parameters (tasks with a `frozen` setting, as
                   the sweep's frozen tail; default 0 = off)
--threads K      threads for the network kernels (default 1; 2 on this kind of machine splits each
                   step of a large plastic network, N >= 256, over both cores; results differ
                   from 1 thread in the last bits)
--timeline K     keep a meta-training timeline: K copies of the parameters spread over the run,
                   in the checkpoint (the lab's 'Learned by' slider; default 0 = none)
--quiet          no progress output
--help           this help, and the task's settings
)");

std::string bar(double frac, int width) {
    const int k = int(std::clamp(frac, 0.0, 1.0) * width);
    return std::string(size_t(k), '#') + std::string(size_t(width - k), '.');
}

int train_with(Task& t, const ParsedArgs& a, const std::string& cmd) {
    TrainOptions o;
    o.episodes = a.get_int("--episodes", 1000, 1, 1000000000LL);
    o.seed = uint64_t(a.get_int("--seed", 0, 0, (1LL << 62)));
    o.checkpoint_every = a.get_int("--checkpoint-every", 500, 0, 1000000000LL);
    o.resume = a.has("--resume");
    o.overrides = a.overrides;
    o.timeline = int(a.get_int("--timeline", 0, 0, 64));
    if (const int64_t freeze_last = a.get_int("--freeze-last", 0, 0, 1000000000LL); freeze_last > 0) {
        const auto fields = t.fields();
        if (std::none_of(fields.begin(), fields.end(), [](const Field& f) { return f.key == "frozen"; }))
            throw UsageError("--freeze-last: task '" + t.name() + "' has no 'frozen' setting");
        o.freeze_from = std::max<int64_t>(0, o.episodes - freeze_last);
    }
    set_kernel_threads(int(a.get_int("--threads", 1, 1, 64)));
    o.out_dir = a.get("--out", "runs/" + t.name() + "-" + t.preset() + "-s" + std::to_string(o.seed));
    const bool quiet = a.has("--quiet");
    const bool tty = isatty(STDOUT_FILENO);
    if (!quiet)
        std::printf("training %s (preset %s) for %lld episodes, seed %llu -> %s\n", t.name().c_str(), t.preset().c_str(),
                    (long long)o.episodes, (unsigned long long)o.seed, o.out_dir.c_str());
    double last_print = -1;
    bool said_resumed = false;
    TrainResult r;
    try {
        r = run_training(t, o, [&](const TrainProgress& p) {
            if (quiet) return;
            if (!said_resumed && p.start_episode > 0) {   // the line a cluster job's log is checked for
                said_resumed = true;
                std::printf("resumed from checkpoint %s/checkpoint.npz at episode %lld\n", o.out_dir.c_str(), (long long)p.start_episode);
            }
            const bool end = p.episode >= p.total;
            if (tty) {
                if (p.elapsed_s - last_print < 0.1 && !end) return;
                std::printf("\r[%s] %lld/%lld  loss %.4g  %s %.4g  eta %.4g  %.1f ep/s ", bar(double(p.episode) / p.total, 30).c_str(),
                            (long long)p.episode, (long long)p.total, p.loss, t.metric_name().c_str(), p.metric, p.eta, p.episodes_per_s);
                if (end) std::printf("\n");
            } else {
                if (p.elapsed_s - last_print < 5 && !end) return;
                std::printf("episode %lld/%lld loss %.5g %s %.5g eta %.5g episodes_per_s %.2f elapsed_s %.1f\n", (long long)p.episode,
                            (long long)p.total, p.loss, t.metric_name().c_str(), p.metric, p.eta, p.episodes_per_s, p.elapsed_s);
            }
            std::fflush(stdout);
            last_print = p.elapsed_s;
        });
    } catch (const std::exception& e) {
        return fail(cmd, e.what(), 1);
    }
    if (!r.ok) {
        if (tty && !quiet) std::printf("\n");
        return fail(cmd, r.error, 3);
    }
    if (!quiet)
        std::printf("done (%lld parameters): %lld episodes in %.1f s (%.2f episodes/s); final smoothed loss %.5g, %s %.5g; checkpoint %s/checkpoint.npz\n",
                    (long long)t.num_params(), (long long)r.episodes, r.last.elapsed_s, r.last.episodes_per_s, r.last.loss, t.metric_name().c_str(), r.last.metric,
                    o.out_dir.c_str());
    return 0;
}

const CommandSpec kTrain = {"train", "--task NAME [--preset P] [--episodes N] [--seed S] [--out DIR] [key=value ...]", kTrainSpec,
                             [](const ParsedArgs& a) { if (auto t = task_from_args(a, false)) print_fields(*t); }, ""};

int cmd_train(const std::vector<std::string>& args) {
    return run_command(kTrain, args, [](const ParsedArgs& a) { return train_with(*task_from_args(a), a, "train"); });
}

// ---- eval

const std::vector<ArgSpec> kEvalSpec = flag_table(R"(
--task NAME        task (default: the one stored in the checkpoint)
--checkpoint FILE  checkpoint .npz written by train
--episodes N       evaluation episodes (default 500)
--seed S           seed of the evaluation episodes (default 12345)
--help             this help
)");

// The task a checkpoint file holds (or --task's, where given), with the file's parameters loaded.
std::unique_ptr<Task> task_from_checkpoint(const ParsedArgs& a, const std::string& path) {
    const std::string name = a.has("--task") ? a.get("--task") : checkpoint_task(path);
    auto t = make_task(name);
    if (!t) throw UsageError("unknown task '" + name + "' (tasks: " + task_names() + ")");
    load_checkpoint(path, *t, false);
    return t;
}

int cmd_eval(const std::vector<std::string>& args) {
    return run_command({"eval", "--checkpoint FILE [--task NAME] [--episodes N] [key=value ...]", kEvalSpec, {}, ""}, args,
                       [](const ParsedArgs& a) {
        auto t = task_from_checkpoint(a, a.require("--checkpoint", "FILE"));
        apply_overrides(t->fields(), a.overrides);   // e.g. evaluation-time settings
        t->apply_live_changes();
        const int64_t n = a.get_int("--episodes", 500, 2, 10000000);
        Rng rng(uint64_t(a.get_int("--seed", 12345, 0, 1LL << 62)));
        std::vector<double> m;
        for (int64_t i = 0; i < n; ++i) m.push_back(t->eval_episode(rng));
        const double mean = std::accumulate(m.begin(), m.end(), 0.0) / double(n);
        double var = 0;
        for (double v : m) var += (v - mean) * (v - mean);
        var /= double(n - 1);
        const double half = 1.96 * std::sqrt(var / double(n));
        std::printf("%s (%s, %lld episodes): %.5g  95%% CI [%.5g, %.5g]\n", t->metric_name().c_str(), t->name().c_str(), (long long)n,
                    mean, mean - half, mean + half);
        return 0;
    });
}

// ---- grad

const std::vector<ArgSpec> kGradSpec = flag_table(R"(
--task NAME        task
--preset P         preset
--checkpoint FILE  parameters to use (default: freshly initialised from --seed)
--seed S           seed of the parameters and of the episode (default 0)
--out FILE.npz     where to write inputs, targets, parameters, loss and gradients
--help             this help
)");

int cmd_grad(const std::vector<std::string>& args) {
    return run_command({"grad", "--task NAME [--preset P] [--checkpoint FILE] [--seed S] --out FILE.npz", kGradSpec, {}, ""}, args,
                       [](const ParsedArgs& a) {
        const std::string out_path = a.require("--out", "FILE.npz");
        const uint64_t seed = uint64_t(a.get_int("--seed", 0, 0, 1LL << 62));
        std::unique_ptr<Task> t;
        if (a.has("--checkpoint")) {
            t = task_from_checkpoint(a, a.get("--checkpoint"));
        } else {
            t = task_from_args(a);
            t->init(seed);
        }
        ArrayMap out;
        t->grad_dump(seed, out);
        out["meta/task"] = text_array(t->name());
        out["meta/config"] = text_array(fields_to_json(t->fields(), t->preset()));
        npz_write(out_path, out);
        double loss = 0;
        if (out.count("loss")) loss = out.at("loss").at(0);
        std::printf("wrote %s: %zu arrays, loss %.10g (double precision)\n", out_path.c_str(), out.size(), loss);
        return 0;
    });
}

}  // namespace

// Used by --headless in main.cpp: trains the default demo with a progress display.
int run_headless(const std::vector<std::string>& args) {
    std::vector<std::string> a2 = args;
    bool has_task = false, has_ep = false;
    for (auto& s : a2) { if (s.rfind("--task", 0) == 0) has_task = true; if (s.rfind("--episodes", 0) == 0) has_ep = true; }
    if (!has_task) { a2.push_back("--task"); a2.push_back("patterns"); a2.push_back("--preset"); a2.push_back("quick"); }
    if (!has_ep) { a2.push_back("--episodes"); a2.push_back("3000"); }
    CommandSpec c = kTrain;
    c.cmd = "--headless";
    c.help_cmd = "train";
    return run_command(c, a2, [](const ParsedArgs& a) { return train_with(*task_from_args(a), a, "--headless"); });
}

PS_REGISTER_COMMAND("tasks", "list the registered tasks and their presets", cmd_tasks);
PS_REGISTER_COMMAND("train", "train a task: progress, metrics CSV, checkpoints, --resume", cmd_train);
PS_REGISTER_COMMAND("eval", "evaluate a checkpoint: the task's metric with a 95% confidence interval", cmd_eval);
PS_REGISTER_COMMAND("grad", "one episode in double precision: inputs, parameters, loss and exact gradients to .npz", cmd_grad);

}  // namespace ps
