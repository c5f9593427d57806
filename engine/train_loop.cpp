// Implementation of the shared training loop. Crash safety: every file is replaced atomically
// (write_file_atomic / npz_write), metrics.csv before the checkpoint it goes with, and temp files
// of a run killed mid-write are removed when the next run starts in the same folder.
#include "train_loop.hpp"
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include "checkpoint.hpp"
#include "param_timeline.hpp"
#include "train_history.hpp"
#include "npz.hpp"

namespace ps {

namespace fs = std::filesystem;

namespace {
// Keeps the CSV header and the rows up to `episode` (a resumed run rewrites what came after).
std::string csv_prefix(const std::string& path, int64_t episode) {
    std::ifstream in(path);
    std::string line, out;
    bool header = true;
    while (std::getline(in, line)) {
        if (header) { out += line + "\n"; header = false; continue; }
        const long long ep = std::atoll(line.c_str());
        if (ep <= episode) out += line + "\n";
    }
    return out;
}

// Temp files of atomic writes (NAME.tmp.PID) left by a run that was killed mid-write.
void remove_stale_temps(const fs::path& dir) {
    std::error_code ec;
    for (const auto& e : fs::directory_iterator(dir, ec)) {
        const std::string n = e.path().filename().string();
        for (const char* f : {"checkpoint.npz.tmp.", "metrics.csv.tmp.", "config.json.tmp."})
            if (n.rfind(f, 0) == 0) fs::remove(e.path(), ec);
    }
}
}  // namespace

// After a resume: the command line's key=value on top of the checkpoint's settings (see
// TrainOptions::overrides).
static void apply_resume_overrides(Task& task, const std::vector<std::string>& kv) {
    if (kv.empty()) return;
    auto fields = task.fields();
    for (const auto& s : kv) {
        const auto eq = s.find('=');
        const std::string key = s.substr(0, eq);
        for (const auto& f : fields) {
            if (f.key != key || f.apply != Apply::Rebuild) continue;
            const std::string before = field_get(f);
            field_set(f, s.substr(eq == std::string::npos ? s.size() : eq + 1));
            const std::string after = field_get(f);
            field_set(f, before);
            if (after != before)
                throw ConfigError("--resume: '" + key + "' rebuilds the network and cannot change on resume (the "
                                  "checkpoint has " + key + "=" + before + "); start a new run in another --out folder");
        }
    }
    apply_overrides(fields, kv);
    task.apply_live_changes();
}

TrainResult run_training(Task& task, const TrainOptions& opt, const std::function<void(const TrainProgress&)>& on_progress,
                         const std::function<bool()>& should_stop) {
    TrainResult r;
    std::error_code ec;
    fs::create_directories(opt.out_dir, ec);
    if (ec) { r.ok = false; r.error = "cannot create " + opt.out_dir + ": " + ec.message(); return r; }
    const std::string ckpt = (fs::path(opt.out_dir) / "checkpoint.npz").string();
    const std::string csv = (fs::path(opt.out_dir) / "metrics.csv").string();

    remove_stale_temps(opt.out_dir);
    int64_t episode = 0;
    std::string csv_text = "episode,loss,metric,eta,grad_norm,elapsed_s\n";
    TrainingRecord record;
    record.timeline_keep = size_t(std::max(0, opt.timeline));
    TrainHistory history(4000);
    ParamTimeline timeline;
    if (opt.resume) {
        episode = load_checkpoint(ckpt, task, true, &record);   // throws with a clear message
        history.assign(record.history);
        history.truncate_after(episode / std::max(1, task.episodes_per_step()));
        timeline.assign(record.timeline);
        if (!opt.overrides.empty()) {
            std::string label;
            for (const auto& kv : opt.overrides) label += (label.empty() ? "" : ", ") + kv;
            record.marks.push_back({episode, label});
        }
        apply_resume_overrides(task, opt.overrides);
        csv_text = csv_prefix(csv, episode);
        if (csv_text.empty()) csv_text = "episode,loss,metric,eta,grad_norm,elapsed_s\n";
    } else {
        task.init(opt.seed);
    }
    write_file_atomic((fs::path(opt.out_dir) / "config.json").string(), fields_to_json(task.fields(), task.preset()));
    std::ofstream csv_out(csv + ".tmp", std::ios::trunc);
    csv_out << csv_text;
    csv_out.flush();

    auto keep_copy = [&](int64_t iter) {   // a timeline entry when one is due
        if (opt.timeline <= 0 || !timeline.due(iter)) return;
        auto copy = std::make_shared<ArrayMap>();
        task.save(*copy, false);
        timeline.add(iter, std::move(copy));
    };
    auto write_checkpoint = [&] {
        record.history = history.points();
        record.timeline = timeline.entries();
        const int64_t iter = episode / std::max(1, task.episodes_per_step());
        if (opt.timeline > 0 && (record.timeline.empty() || record.timeline.back().iter < iter)) {
            auto now = std::make_shared<ArrayMap>();   // the timeline ends where the run stands
            task.save(*now, false);
            record.timeline.push_back({iter, std::move(now)});
        }
        save_checkpoint(ckpt, task, episode, &record);
    };
    keep_copy(episode / std::max(1, task.episodes_per_step()));
    const auto t0 = std::chrono::steady_clock::now();
    TrainProgress pr;
    pr.total = opt.episodes;
    pr.episode = episode;
    bool first = true;
    int64_t last_ckpt = episode;
    const int64_t start_episode = episode;
    pr.start_episode = start_episode;
    bool frozen = false;
    char num[2][32];
    while (episode < opt.episodes) {
        if (should_stop && should_stop()) break;
        if (!frozen && opt.freeze_from >= 0 && episode >= opt.freeze_from) {
            apply_overrides(task.fields(), {"frozen=true"});
            task.apply_live_changes();
            frozen = true;
        }
        StepStats st = task.train_step();
        episode += task.episodes_per_step();
        const std::string bad = task.find_nonfinite();
        if (!std::isfinite(st.loss) || !bad.empty()) {
            r.ok = false;
            r.error = divergence_message(task, "episode " + std::to_string(episode), st.loss, bad);
            break;
        }
        const double a = first ? 1.0 : 0.02;
        first = false;
        pr.loss += a * (st.loss - pr.loss);
        pr.metric += a * (st.metric - pr.metric);
        pr.episode = episode;
        pr.elapsed_s = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
        pr.episodes_per_s = pr.elapsed_s > 0 ? double(episode - start_episode) / pr.elapsed_s : 0;
        auto it = st.extra.find("eta");
        pr.eta = it != st.extra.end() ? it->second : 0;
        const auto gn = st.extra.count("grad_norm") ? st.extra.at("grad_norm") : 0.0;
        // loss and metric in full (17 digits): a sweep collected from these files equals one
        // that kept the numbers in memory
        std::snprintf(num[0], sizeof num[0], "%.17g", st.loss);
        std::snprintf(num[1], sizeof num[1], "%.17g", st.metric);
        csv_out << episode << ',' << num[0] << ',' << num[1] << ',' << pr.eta << ',' << gn << ',' << pr.elapsed_s << '\n';
        const int64_t iter = episode / std::max(1, task.episodes_per_step());
        history.add({iter, 1, st.loss, st.metric, st.extra, pr.elapsed_s});
        keep_copy(iter);
        if (on_progress) on_progress(pr);
        if (opt.checkpoint_every > 0 && episode - last_ckpt >= opt.checkpoint_every) {
            // The CSV first, atomically: killed before the checkpoint is in place, the run
            // resumes from the previous one and drops the extra rows; killed after, every row
            // up to the checkpoint is there.
            csv_out.flush();
            write_file_atomic(csv, read_file(csv + ".tmp"));
            write_checkpoint();
            last_ckpt = episode;
        }
    }
    csv_out.close();
    // Rows past a diverged step are kept for diagnosis; the checkpoint stays the last good one.
    write_file_atomic(csv, read_file(csv + ".tmp"));
    if (r.ok) write_checkpoint();
    fs::remove(csv + ".tmp", ec);
    r.episodes = episode;
    r.last = pr;
    return r;
}

}  // namespace ps
