// The benchmark report (issues 2 and 8): the machine's memory bandwidth, the live step of the
// plastic network against its bandwidth bound, and the training speed of every task beside its
// PyTorch peer on the same machine in the same run, with the ratio and each row's peak memory.
//
//   build/ps_bench [--quick] [--no-peer] [--only SUBSTRING]
//
// Every row runs in a child process of its own (fork), so its peak resident memory is its own and
// one row's heap does not slow the next; a peer row runs the Python script as a child too. Each
// figure is the median of repeated runs (5, or 3 with --quick) with the min-max beside it. The
// peers are the scripts of bench/peer (bench/peer/README.md), run with /usr/bin/python3;
// PS_PEER_LD_LIBRARY_PATH, if set, becomes their LD_LIBRARY_PATH (e.g. the private OpenBLAS of
// bench/peer/get_openblas.sh, the peers' faster configuration).
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <functional>
#include <string>
#include <vector>
#include "parallel.hpp"
#include "plastic_net.hpp"
#include "task.hpp"

using namespace ps;
using Clock = std::chrono::steady_clock;
namespace fs = std::filesystem;

namespace {
double secs(Clock::time_point a) { return std::chrono::duration<double>(Clock::now() - a).count(); }

struct Stat {
    double med = 0, lo = 0, hi = 0;
    double peak_mb = 0;
    bool ok = false;
    std::string why;
};
Stat stat(std::vector<double> v) {
    Stat s;
    if (v.empty()) { s.why = "no runs"; return s; }
    std::sort(v.begin(), v.end());
    s.med = v[v.size() / 2];
    s.lo = v.front();
    s.hi = v.back();
    s.ok = true;
    return s;
}

// Runs f in a forked child; returns its runs (values per second) and its peak RSS.
Stat in_child(const std::function<std::vector<double>()>& f) {
    int fd[2];
    if (pipe(fd) != 0) return {};
    std::fflush(stdout);
    const pid_t pid = fork();
    if (pid == 0) {
        close(fd[0]);
        std::vector<double> r;
        try { r = f(); } catch (const std::exception& e) { std::fprintf(stderr, "bench: %s\n", e.what()); _exit(3); }
        const size_t n = r.size();
        if (write(fd[1], &n, sizeof n) != ssize_t(sizeof n)) _exit(4);
        if (n && write(fd[1], r.data(), n * sizeof(double)) != ssize_t(n * sizeof(double))) _exit(4);
        _exit(0);
    }
    close(fd[1]);
    std::vector<double> r;
    size_t n = 0;
    if (read(fd[0], &n, sizeof n) == ssize_t(sizeof n) && n < 1000) {
        r.resize(n);
        if (n && read(fd[0], r.data(), n * sizeof(double)) != ssize_t(n * sizeof(double))) r.clear();
    }
    close(fd[0]);
    int status = 0;
    struct rusage ru {};
    wait4(pid, &status, 0, &ru);
    Stat s = stat(r);
    s.peak_mb = double(ru.ru_maxrss) / 1024.0;
    if (!(WIFEXITED(status) && WEXITSTATUS(status) == 0)) { s.ok = false; s.why = "failed"; }
    return s;
}

// Runs a peer script `reps` times; each run prints `<key>=<value>` as its result (per second).
Stat peer(const std::string& script, const std::string& args, const std::string& key, int reps) {
    Stat s;
    if (!fs::exists(script)) { s.why = "no " + script; return s; }
    if (!fs::exists("/usr/bin/python3")) { s.why = "no /usr/bin/python3"; return s; }
    std::string env;
    if (const char* ld = std::getenv("PS_PEER_LD_LIBRARY_PATH")) env = std::string("LD_LIBRARY_PATH=") + ld + " ";
    std::vector<double> v;
    double peak = 0;
    for (int k = 0; k < reps; ++k) {
        // `time -f` is not on every machine: the shell's wait4 via python's resource module instead.
        const std::string cmd = env + "/usr/bin/python3 -c \"import resource,subprocess,sys;"
                                "p=subprocess.run(sys.argv[1:],capture_output=True,text=True);"
                                "sys.stdout.write(p.stdout);"
                                "print('peak_kb=%d'%resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)\" "
                                "/usr/bin/python3 " + script + " " + args + " 2>&1";
        FILE* f = popen(cmd.c_str(), "r");
        if (!f) break;
        char line[4096];
        double val = -1;
        while (std::fgets(line, sizeof line, f)) {
            const std::string l(line);
            const auto p = l.find(key + "=");
            if (p != std::string::npos) val = std::atof(l.c_str() + p + key.size() + 1);
            const auto q = l.find("peak_kb=");
            if (q != std::string::npos) peak = std::max(peak, std::atof(l.c_str() + q + 8) / 1024.0);
            if (l.find("No module named 'torch'") != std::string::npos) s.why = "torch missing (apt-get install python3-torch)";
        }
        pclose(f);
        if (val > 0) v.push_back(val);
    }
    if (v.empty()) { if (s.why.empty()) s.why = "peer printed no " + key; return s; }
    Stat r = stat(v);
    r.peak_mb = peak;
    return r;
}

// Triad-like kernel over 3 x 128 MB read + 128 MB write: a[i] = b[i] + s*c[i] + d[i].
std::vector<double> bandwidth_gbs(int reps) {
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
    return r;
}

std::vector<double> steps_per_s(int n, int steps, int reps) {
    NetConfig c;
    c.n = n;
    PlasticNet<float> net(c);
    Rng rng(1);
    net.init(rng);
    MatR<float> u = MatR<float>::Zero(1, n);
    for (int j = 0; j < n; ++j) u(0, j) = float(rng.normal());
    net.begin(1, steps);
    for (int s = 0; s < 10; ++s) net.step(u);   // warm-up
    std::vector<double> r;
    for (int k = 0; k < reps; ++k) {
        net.begin(1, steps);
        auto t = Clock::now();
        for (int s = 0; s < steps; ++s) net.step(u);
        r.push_back(steps / secs(t));
    }
    return r;
}

std::vector<double> episodes_per_s(const std::string& task, const std::string& preset, int threads, double min_secs,
                                   int reps) {
    set_kernel_threads(threads);
    auto t = make_task(task);
    if (!t) throw std::runtime_error("no task " + task);
    t->set_preset(preset);
    t->init(0);
    t->train_step();   // warm-up: allocations
    // Steps per timed run: enough for min_secs, from the warm-up step's time.
    auto t0 = Clock::now();
    t->train_step();
    const double one = std::max(secs(t0), 1e-6);
    const int steps = std::max(1, int(min_secs / one));
    std::vector<double> r;
    for (int k = 0; k < reps; ++k) {
        auto a = Clock::now();
        for (int s = 0; s < steps; ++s) t->train_step();
        r.push_back(double(steps) * t->episodes_per_step() / secs(a));
    }
    return r;
}

struct PeerSpec {
    std::string script, args;   // args get " --threads K"
    std::string key = "episodes_per_s";   // or "ms_per_episode" (converted)
};

// The PyTorch peer of each (task, preset), where one exists (scripts in bench/peer).
PeerSpec peer_for(const std::string& task, const std::string& preset, int episodes) {
    const std::string ours = std::string(PS_PEER_DIR) + "/";
    const std::string e = " --episodes " + std::to_string(episodes);
    if (task == "patterns" && preset == "paper") return {ours + "torch_patterns.py", e + " --print-every 1000000"};
    if (task == "images" && preset == "paper") return {ours + "torch_images.py", e + " --print-every 1000000"};
    const std::string e8 = " --episodes " + std::to_string(std::max(8, episodes / 8 * 8));
    if (task == "omniglot" && preset == "paper") return {ours + "torch_omniglot.py", e + " --warmup 20 --report 1000000", "ms_per_episode"};
    if (task == "omniglot" && preset == "quick")
        return {ours + "torch_omniglot.py", e + " --ways 10 --batch 8 --warmup 16 --report 1000000", "ms_per_episode"};
    if (task == "maze" && preset == "plastic") return {ours + "torch_maze.py", e8 + " --batch 8 --print-every 1000000"};
    if (task == "maze" && preset == "non-plastic")
        return {ours + "torch_maze.py", e8 + " --batch 8 --alpha none --print-every 1000000"};
    return {};
}

void row(const char* what, const Stat& s, const char* unit, const std::string& note) {
    if (!s.ok) { std::printf("| %s | - | - | - | %s |\n", what, s.why.c_str()); return; }
    std::printf("| %s | %.4g %s | %.4g-%.4g | %.0f MB | %s |\n", what, s.med, unit, s.lo, s.hi, s.peak_mb, note.c_str());
    std::fflush(stdout);
}
}  // namespace

int main(int argc, char** argv) {
    bool quick = false, with_peer = true;
    std::string only;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        if (a == "--quick") quick = true;
        else if (a == "--no-peer") with_peer = false;
        else if (a == "--only" && i + 1 < argc) only = argv[++i];
        else { std::fprintf(stderr, "usage: ps_bench [--quick] [--no-peer] [--only SUBSTRING]\n"); return 2; }
    }
    const int reps = quick ? 3 : 5;
    auto want = [&](const std::string& name) { return only.empty() || name.find(only) != std::string::npos; };
    char host[256] = "";
    gethostname(host, sizeof host - 1);
    double load[3] = {0, 0, 0};
    if (FILE* f = std::fopen("/proc/loadavg", "r")) { if (std::fscanf(f, "%lf %lf %lf", &load[0], &load[1], &load[2]) != 3) load[0] = -1; std::fclose(f); }
    std::printf("ps_bench%s: medians of %d runs; load average at start %.2f (2 cores: above ~0.5 the figures are not clean)\n\n",
                quick ? " --quick" : "", reps, load[0]);
    std::printf("| measurement | median | min-max | peak RSS | note |\n|---|---|---|---|---|\n");

    const Stat bw = in_child([&] { return bandwidth_gbs(reps); });
    row("memory bandwidth (triad, 512 MB, one thread)", bw, "GB/s", "the DRAM bound below");
    for (int n : {256, 1024, 2048}) {
        const std::string name = "step(), N=" + std::to_string(n) + ", batch 1, one thread";
        if (!want(name)) continue;
        const int steps = n <= 256 ? 4000 : n <= 1024 ? 400 : 100;
        const Stat s = in_child([&] { return steps_per_s(n, quick ? steps / 4 : steps, reps); });
        const double bytes = 16.0 * double(n) * n;
        char note[256];
        std::snprintf(note, sizeof note, "%.1f GB/s = %.0f%% of the DRAM bound (16 B/connection; working set %.0f MB)",
                      s.med * bytes / 1e9, 100.0 * s.med * bytes / 1e9 / std::max(bw.med, 1e-9), 12.0 * n * n / 1e6);
        row(name.c_str(), s, "steps/s", note);
        if (with_peer) {
            const std::string script = std::string(PS_PEER_DIR) + "/torch_forward.py";
            const Stat p = peer(script, "--n " + std::to_string(n) + " --threads 1 --steps " + std::to_string(quick ? steps / 2 : steps * 2),
                                "steps_per_s", reps);
            char pn[128];
            std::snprintf(pn, sizeof pn, "ours / peer = %.2fx", p.ok ? s.med / p.med : 0.0);
            row(("  PyTorch peer torch_forward.py, N=" + std::to_string(n) + ", 1 thread").c_str(), p, "steps/s", p.ok ? pn : "");
        }
    }

    // Training: every registered task's default preset, plus the presets the issues name.
    struct Train { std::string task, preset; int threads; };
    std::vector<Train> rows;
    for (const auto& e : task_registry()) {
        auto t = e.make();
        rows.push_back({e.name, t->presets().front().name, 1});
        for (const auto& p : t->presets())
            if ((p.name == "paper" || p.name == "non-plastic") && p.name != t->presets().front().name)
                rows.push_back({e.name, p.name, 1});
        // Both cores for headless training (--threads 2: the kernels' rows split over two threads).
        if (e.name == "patterns" || e.name == "images") rows.push_back({e.name, "paper", 2});
    }
    for (const auto& r : rows) {
        const std::string name = "train " + r.task + "/" + r.preset + ", " + std::to_string(r.threads) +
                                 (r.threads == 1 ? " thread" : " threads");
        if (!want(name)) continue;
        const Stat s = in_child([&] { return episodes_per_s(r.task, r.preset, r.threads, quick ? 1.5 : 4.0, reps); });
        char note[160];
        std::snprintf(note, sizeof note, "%.4g s/episode", s.ok ? 1.0 / s.med : 0.0);
        row(name.c_str(), s, "episodes/s", note);
        if (!with_peer) continue;
        const int peer_eps = std::clamp(s.ok ? int((quick ? 6.0 : 15.0) * s.med / 5.0) : 10, 5, 400);
        const PeerSpec ps = peer_for(r.task, r.preset, peer_eps);
        if (ps.script.empty()) continue;
        Stat p = peer(ps.script, ps.args + " --threads " + std::to_string(r.threads), ps.key, reps);
        if (p.ok && ps.key == "ms_per_episode") { const double lo = p.lo; p.med = 1e3 / p.med; p.lo = 1e3 / p.hi; p.hi = 1e3 / lo; }
        char pn[128];
        std::snprintf(pn, sizeof pn, "ours / peer = %.2fx", p.ok ? s.med / p.med : 0.0);
        row(("  PyTorch peer " + fs::path(ps.script).filename().string() + ", " + std::to_string(r.threads) +
             (r.threads == 1 ? " thread" : " threads")).c_str(), p, "episodes/s", p.ok ? pn : "");
    }
    return 0;
}
