// The Slurm side of `plastiscope sweep` (sweep_slurm.hpp): the array job's script, its plan
// (sweep.json), submitting the unfinished elements with sbatch, and telling which elements are
// done from the files `plastiscope train` and the script leave in each element's folder.
#include "cli/sweep_slurm.hpp"
#include <sys/wait.h>
#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>
#include "cli/commands.hpp"
#include "npz.hpp"

namespace ps {

namespace fs = std::filesystem;

namespace {

std::string shell_quote(const std::string& s) {
    std::string r = "'";
    for (char c : s) r += c == '\'' ? std::string("'\\''") : std::string(1, c);
    return r + "'";
}

// Runs a shell command line; returns its exit status (127: not found) and its standard output.
int run_capture(const std::string& cmd, std::string* out) {
    FILE* p = popen(cmd.c_str(), "r");
    if (!p) return -1;
    char buf[512];
    while (size_t n = fread(buf, 1, sizeof buf, p)) out->append(buf, n);
    const int st = pclose(p);
    return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

std::string first_line(const std::string& s) {
    const std::string l = s.substr(0, s.find('\n'));
    return message_text(l, 200);
}

// Seconds of a [D-]HH:MM:SS time (validated).
int64_t time_seconds(const std::string& t) {
    std::smatch m;
    std::regex_match(t, m, std::regex(R"((?:(\d+)-)?(\d+):(\d+):(\d+))"));
    return (m[1].matched ? std::stoll(m[1]) * 86400 : 0) + std::stoll(m[2]) * 3600 + std::stoll(m[3]) * 60 + std::stoll(m[4]);
}

// "0-4,7,9-10": Slurm's array list of the given element indices (ascending).
std::string array_list(const std::vector<int>& idx) {
    std::string s;
    for (size_t i = 0; i < idx.size();) {
        size_t j = i;
        while (j + 1 < idx.size() && idx[j + 1] == idx[j] + 1) ++j;
        s += (s.empty() ? "" : ",") + std::to_string(idx[i]) + (j > i ? "-" + std::to_string(idx[j]) : "");
        i = j + 1;
    }
    return s;
}

std::string sbatch_script(const SweepOptions& o, const SweepSetup& setup, const std::vector<SweepItem>& items, const std::string& dir,
                          const std::string& exe, const SlurmRequest& r) {
    std::string s = "#!/bin/bash\n"
                    "# Plastiscope sweep, written by `plastiscope sweep --slurm` (the plan: sweep.json beside this file).\n"
                    "# One array element per (setting, seed): `plastiscope train` into the element's own folder,\n"
                    "# resuming from its checkpoint when there is one. The same `plastiscope sweep` command submits\n"
                    "# the unfinished elements again; by hand: sbatch --array=LIST sweep.sbatch.\n";
    s += "#SBATCH --job-name=" + o.task + "\n";
    s += "#SBATCH --array=0-" + std::to_string(items.size() - 1) + "\n";
    s += "#SBATCH --output=" + dir + "/logs/%A_%a.log\n";
    s += "#SBATCH --open-mode=append\n";
    s += "#SBATCH --cpus-per-task=" + std::to_string(r.cpus_per_task) + "\n";
    if (!r.partition.empty()) s += "#SBATCH --partition=" + r.partition + "\n";
    if (!r.time.empty()) s += "#SBATCH --time=" + r.time + "\n";
    if (!r.mem.empty()) s += "#SBATCH --mem=" + r.mem + "\n";
    if (r.requeue) {
        // a tenth of the time limit (30 s to 5 min) before it ends, the element requeues itself
        const int64_t margin = r.time.empty() ? 120 : std::clamp<int64_t>(time_seconds(r.time) / 10, 30, 300);
        s += "#SBATCH --requeue\n#SBATCH --signal=B:USR1@" + std::to_string(margin) + "\n";
    } else {
        s += "#SBATCH --no-requeue\n";
    }
    s += "set -u\nps=" + shell_quote(exe) + "\ndir=" + shell_quote(dir) + "\n";
    s += "i=${SLURM_ARRAY_TASK_ID:?run this file with sbatch: it is an array job}\n";
    std::string seeds, outs, sets;
    for (const auto& it : items) {
        seeds += " " + std::to_string(it.seed);
        outs += " " + shell_quote(it.dir);
        std::string q;
        for (const auto& kv : setup.settings[size_t(it.setting)]) q += (q.empty() ? "" : " ") + shell_quote(kv);
        sets += " " + shell_quote(q);
    }
    s += "seeds=(" + seeds + " )\nouts=(" + outs + " )\n";
    s += "settings=(" + sets + " )   # the grid point of each element, shell-quoted key=value\n";
    s += "out=\"$dir/${outs[$i]}\"\nmkdir -p \"$out\"\nrm -f \"$out/exit-code\"\n";
    s += "resume=()\n[ -f \"$out/checkpoint.npz\" ] && resume=(--resume)\n";
    s += "eval \"set -- ${settings[$i]}\"\n";
    s += "echo \"element $i on $(hostname) at $(date -u +%FT%TZ): seed ${seeds[$i]} $* -> $out\"\n";
    s += "\"$ps\" train --task " + shell_quote(o.task) + " --preset " + shell_quote(o.preset) + " --episodes " +
         std::to_string(setup.episodes) + " --freeze-last " + std::to_string(o.freeze_last) + " --checkpoint-every " +
         std::to_string(r.checkpoint_every) + " \\\n    --seed \"${seeds[$i]}\" --out \"$out\" \"${resume[@]}\"";
    for (const auto& kv : o.overrides) s += " " + shell_quote(kv);
    s += " \"$@\" &\npid=$!\n";
    s += "trap 'kill $pid 2>/dev/null; exit 143' TERM   # cancelled or requeued: no exit-code, the element is unfinished\n";
    if (r.requeue)
        s += "trap 'echo \"time limit near: requeueing ${SLURM_ARRAY_JOB_ID}_$i\"; scontrol requeue \"${SLURM_ARRAY_JOB_ID}_$i\"' USR1\n";
    s += "while :; do wait $pid; rc=$?; kill -0 $pid 2>/dev/null || break; done\n";
    s += "echo $rc > \"$out/exit-code\"\nexit $rc\n";
    return s;
}

}  // namespace

void check_slurm_request(const SlurmRequest& r) {
    if (!r.time.empty()) {
        std::smatch m;
        if (!std::regex_match(r.time, m, std::regex(R"((?:\d+-)?\d{1,3}:([0-5]\d):([0-5]\d))")) || time_seconds(r.time) == 0)
            throw UsageError("--time must be HH:MM:SS or D-HH:MM:SS, more than zero (got '" + message_text(r.time, 40) + "')");
    }
    if (!r.mem.empty() && !std::regex_match(r.mem, std::regex(R"([1-9]\d*[KMGT]?)")))
        throw UsageError("--mem must be a size such as 4G or 500M (got '" + message_text(r.mem, 40) + "')");
    if (!r.partition.empty() && !std::regex_match(r.partition, std::regex(R"([A-Za-z0-9_.,-]+)")))
        throw UsageError("--partition must be a partition name (letters, digits, _ . , -; got '" + message_text(r.partition, 40) + "')");
}

std::string item_state(const std::string& dir, const SweepItem& item, size_t index, int64_t episodes, bool* failed) {
    *failed = false;
    const fs::path d = fs::path(dir) / item.dir;
    const std::string code = read_file((d / "exit-code").string());
    if (!code.empty() && std::atoi(code.c_str()) != 0) {
        *failed = true;
        return "train exited with code " + first_line(code) + " (its log: " + dir + "/logs/*_" + std::to_string(index) + ".log)";
    }
    int64_t done = 0;
    read_seed_run(d.string(), &done);
    if (done >= episodes) return "";
    return done == 0 ? "not started" : "at episode " + std::to_string(done) + " of " + std::to_string(episodes);
}

int slurm_sweep(const SweepOptions& o, const SweepSetup& setup, const std::string& dir_in, const SlurmRequest& r) {
    std::error_code ec;
    fs::create_directories(fs::path(dir_in) / "logs", ec);
    if (ec) return fail("sweep", "cannot create output folder '" + dir_in + "': " + ec.message(), 1);
    const std::string dir = fs::canonical(dir_in).string();   // the job runs elsewhere: absolute paths
    if (dir.find_first_of(" \t%") != std::string::npos)
        throw ConfigError("the sweep folder's path must not hold spaces or '%' (sbatch reads its #SBATCH lines unquoted): '" +
                          message_text(dir, 120) + "'");
    const std::vector<SweepItem> items = sweep_items(o, setup);
    const std::string plan = sweep_json(o, setup.episodes, {});
    const std::string json_path = dir + "/sweep.json", jobs_path = dir + "/jobs.txt";
    if (fs::exists(json_path)) {
        const SweepOptions old = sweep_from_json(read_file(json_path));
        if (sweep_json(old, old.episodes, {}) != plan)
            throw ConfigError("'" + dir_in + "' holds another sweep (its sweep.json: task " + old.task + ", preset " + old.preset + ", " +
                              std::to_string(old.seeds) + " seeds, " + std::to_string(old.episodes) +
                              " episodes, other settings or grid): use another --out, or the same arguments to continue it");
    }
    // The last job of this sweep must have left the queue, else two processes would train into
    // the same folder.
    std::string last_job;
    {
        std::istringstream jobs(read_file(jobs_path));
        for (std::string l; std::getline(jobs, l);)
            if (!l.empty()) last_job = l.substr(0, l.find(' '));
    }
    if (!last_job.empty() && !r.dry_run) {
        std::string out;
        run_capture("squeue -h -o %i -j " + shell_quote(last_job) + " 2>/dev/null", &out);   // a job gone: an error, no output
        if (out.find(last_job) != std::string::npos)
            throw ConfigError("job " + last_job + " of this sweep is still queued or running (squeue): wait for it, or scancel " +
                              last_job + ", before submitting again");
    }
    std::vector<int> todo;
    int failed_n = 0;
    for (size_t i = 0; i < items.size(); ++i) {
        bool failed = false;
        if (!item_state(dir, items[i], i, setup.episodes, &failed).empty()) todo.push_back(int(i));
        failed_n += failed;
    }
    std::map<std::string, std::string> extra = {{"checkpoint_every", std::to_string(r.checkpoint_every)},
                                                {"slurm.cpus_per_task", std::to_string(r.cpus_per_task)},
                                                {"slurm.requeue", r.requeue ? "true" : "false"}};
    if (!r.partition.empty()) extra["slurm.partition"] = r.partition;
    if (!r.time.empty()) extra["slurm.time"] = r.time;
    if (!r.mem.empty()) extra["slurm.mem"] = r.mem;
    const std::string exe = fs::read_symlink("/proc/self/exe", ec).string();
    if (ec) return fail("sweep", "cannot find this program's path (/proc/self/exe): " + ec.message(), 1);
    write_file_atomic(json_path, sweep_json(o, setup.episodes, extra));
    write_file_atomic(dir + "/sweep.sbatch", sbatch_script(o, setup, items, dir, exe, r));
    const std::string n_el = std::to_string(items.size()) + " elements (" + std::to_string(setup.settings.size()) + " setting" +
                             (setup.settings.size() > 1 ? "s" : "") + " x " + std::to_string(o.seeds) + " seeds)";
    if (todo.empty()) {
        std::printf("all %s are done: nothing to submit; plastiscope sweep --collect %s\n", n_el.c_str(), dir.c_str());
        return 0;
    }
    const std::string list = array_list(todo);
    const std::string cmd = "sbatch --parsable --array=" + list + " " + shell_quote(dir + "/sweep.sbatch");
    if (r.dry_run) {
        std::printf("wrote %s/sweep.sbatch and sweep.json: %s, %zu to run%s; submit with:\n  %s\n", dir.c_str(), n_el.c_str(), todo.size(),
                    failed_n ? (" (" + std::to_string(failed_n) + " failed before)").c_str() : "", cmd.c_str());
        return 0;
    }
    std::string out;
    const int rc = run_capture(cmd + " 2>&1", &out);
    if (rc == 127) return fail("sweep", "sbatch not found: submit from a Slurm login node, or write the files only with --dry-run", 1);
    std::string job;   // --parsable: "ID" or "ID;CLUSTER" on a line of its own (warnings may come first)
    std::istringstream lines(out);
    for (std::string l; std::getline(lines, l);) {
        std::smatch m;
        if (std::regex_match(l, m, std::regex(R"((\d+)(;.*)?)"))) job = m[1];
    }
    if (rc != 0 || job.empty()) return fail("sweep", "sbatch failed (exit " + std::to_string(rc) + "): " + first_line(out), 1);
    std::ofstream(jobs_path, std::ios::app) << job << " " << list << "\n";
    if (r.quiet) std::printf("%s\n", job.c_str());
    else
        std::printf("submitted job %s: %zu of %s (array %s); logs in %s/logs/; progress and results: plastiscope sweep --collect %s\n",
                    job.c_str(), todo.size(), n_el.c_str(), list.c_str(), dir.c_str(), dir.c_str());
    return 0;
}

}  // namespace ps
