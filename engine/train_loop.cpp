// Implementation of the shared training loop.
#include "train_loop.hpp"
#include <chrono>
#include <cmath>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include "checkpoint.hpp"
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
}  // namespace

TrainResult run_training(Task& task, const TrainOptions& opt, const std::function<void(const TrainProgress&)>& on_progress,
                         const std::function<bool()>& should_stop) {
    TrainResult r;
    std::error_code ec;
    fs::create_directories(opt.out_dir, ec);
    if (ec) { r.ok = false; r.error = "cannot create " + opt.out_dir + ": " + ec.message(); return r; }
    const std::string ckpt = (fs::path(opt.out_dir) / "checkpoint.npz").string();
    const std::string csv = (fs::path(opt.out_dir) / "metrics.csv").string();

    int64_t episode = 0;
    std::string csv_text = "episode,loss,metric,eta,grad_norm,elapsed_s\n";
    if (opt.resume) {
        episode = load_checkpoint(ckpt, task, true);   // throws with a clear message
        csv_text = csv_prefix(csv, episode);
        if (csv_text.empty()) csv_text = "episode,loss,metric,eta,grad_norm,elapsed_s\n";
    } else {
        task.init(opt.seed);
    }
    write_file_atomic((fs::path(opt.out_dir) / "config.json").string(), fields_to_json(task.fields(), task.preset()));
    std::ofstream csv_out(csv + ".tmp", std::ios::trunc);
    csv_out << csv_text;
    csv_out.flush();

    const auto t0 = std::chrono::steady_clock::now();
    TrainProgress pr;
    pr.total = opt.episodes;
    pr.episode = episode;
    bool first = true;
    int64_t last_ckpt = episode;
    const int64_t start_episode = episode;
    while (episode < opt.episodes) {
        if (should_stop && should_stop()) break;
        StepStats st = task.train_step();
        episode += task.episodes_per_step();
        std::string bad = std::isfinite(st.loss) ? task.find_nonfinite() : std::string("loss");
        if (!bad.empty()) {
            r.ok = false;
            std::string lr;
            for (auto& f : task.fields()) if (f.key == "lr") lr = field_get(f);
            char buf[320];
            std::snprintf(buf, sizeof buf, "training diverged at episode %lld: %s is not finite; try a lower learning rate%s%s or a gradient clip (clip=1)",
                          (long long)episode, bad.c_str(), lr.empty() ? "" : " than lr=", lr.c_str());
            r.error = buf;
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
        csv_out << episode << ',' << st.loss << ',' << st.metric << ',' << pr.eta << ',' << gn << ',' << pr.elapsed_s << '\n';
        if (on_progress) on_progress(pr);
        if (opt.checkpoint_every > 0 && episode - last_ckpt >= opt.checkpoint_every) {
            csv_out.flush();
            save_checkpoint(ckpt, task, episode);
            fs::copy_file(csv + ".tmp", csv, fs::copy_options::overwrite_existing, ec);
            last_ckpt = episode;
        }
    }
    csv_out.close();
    if (r.ok) save_checkpoint(ckpt, task, episode);
    // The CSV mirrors what the checkpoint holds: rows past a diverged step are kept for diagnosis.
    fs::rename(csv + ".tmp", csv, ec);
    r.episodes = episode;
    r.last = pr;
    return r;
}

}  // namespace ps
