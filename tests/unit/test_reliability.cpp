// Reliability (docs/reliability.md): a training run killed in the middle of a checkpoint save, or at random
// moments, resumes from its last good checkpoint and ends exactly where an uninterrupted run ends
// (same parameters bit for bit, the same metrics rows, none lost or repeated); the old checkpoint
// is never damaged by a save in progress; no temporary file is left behind after the resume.
// The runs happen in forked children (run_training as `plastiscope train` runs it); the parent
// watches the run folder with inotify and freezes the child (SIGSTOP) the moment a checkpoint
// temp file appears (or the checkpoint is renamed into place), checks that this is the moment
// wanted (the save still in progress), then SIGKILLs it.
#include <catch2/catch.hpp>

#include <signal.h>
#include <sys/inotify.h>
#include <sys/wait.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <thread>

#include "checkpoint.hpp"
#include "helpers.hpp"
#include "npz.hpp"
#include "task.hpp"
#include "train_loop.hpp"

using namespace ps;
namespace fs = std::filesystem;

namespace {

fs::path fresh_dir(const std::string& name) { return ps_test::fresh_dir("rel_" + name); }

// Small enough to train fast under sanitizers, big enough that a save is ~0.5 MB.
std::unique_ptr<Task> small_task() {
    auto t = make_task("patterns");
    REQUIRE(t);
    t->set_preset("quick");
    apply_overrides(t->fields(), {"pattern_size=120", "n_patterns=2", "prestime=3", "delay=1", "cycles=2"});
    return t;
}

TrainOptions options(const fs::path& dir, int64_t episodes, bool resume) {
    TrainOptions o;
    o.seed = 11;
    o.episodes = episodes;
    o.checkpoint_every = 4;
    o.out_dir = dir.string();
    o.resume = resume;
    return o;
}

// Trains the small task in this process to `episodes` (resuming from dir's checkpoint if asked).
TrainResult train_here(const fs::path& dir, int64_t episodes, bool resume) {
    auto t = small_task();
    return run_training(*t, options(dir, episodes, resume), nullptr);
}

// Runs the training in a child process; returns its pid.
pid_t spawn_training(const fs::path& dir, int64_t episodes, bool resume) {
    std::fflush(nullptr);
    const pid_t pid = ::fork();
    REQUIRE(pid >= 0);
    if (pid == 0) {
        int rc = 1;
        try {
            auto t = make_task("patterns");
            t->set_preset("quick");
            apply_overrides(t->fields(), {"pattern_size=120", "n_patterns=2", "prestime=3", "delay=1", "cycles=2"});
            rc = run_training(*t, options(dir, episodes, resume), nullptr).ok ? 0 : 1;
        } catch (...) {
            rc = 2;
        }
        ::_exit(rc);
    }
    return pid;
}

int wait_exit(pid_t pid) {
    int st = 0;
    while (::waitpid(pid, &st, 0) < 0 && errno == EINTR) {
    }
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}

struct Csv {
    std::vector<int64_t> episodes;
    std::vector<std::string> losses;   // as written (text compare = bit compare of the printed value)
};
Csv read_csv(const fs::path& p) {
    Csv c;
    std::ifstream in(p);
    std::string line;
    std::getline(in, line);   // header
    while (std::getline(in, line)) {
        const auto a = line.find(','), b = line.find(',', a + 1);
        REQUIRE(a != std::string::npos);
        REQUIRE(b != std::string::npos);
        c.episodes.push_back(std::stoll(line.substr(0, a)));
        c.losses.push_back(line.substr(a + 1, b - a - 1));
    }
    return c;
}

std::vector<std::string> temp_files(const fs::path& dir) {
    std::vector<std::string> r;
    for (const auto& e : fs::directory_iterator(dir)) {
        const std::string n = e.path().filename().string();
        if (n.find(".tmp") != std::string::npos) r.push_back(n);
    }
    return r;
}

// Parameters and optimiser state of the finished run in `dir`.
ArrayMap final_state(const fs::path& dir) {
    auto t = small_task();
    load_checkpoint((dir / "checkpoint.npz").string(), *t, true);
    ArrayMap a;
    t->save(a, true);
    return a;
}

void check_same_run(const fs::path& straight, const fs::path& other, int64_t episodes) {
    const Csv a = read_csv(straight / "metrics.csv"), b = read_csv(other / "metrics.csv");
    std::vector<int64_t> want;
    for (int64_t e = 1; e <= episodes; ++e) want.push_back(e);
    CHECK(a.episodes == want);
    CHECK(b.episodes == want);   // every episode once: none lost, none repeated
    CHECK(b.losses == a.losses);
    ps_test::check_same_arrays(final_state(straight), final_state(other));
    CHECK(load_checkpoint((other / "checkpoint.npz").string(), *small_task(), true) == episodes);
}

// The end of every kill test: the resumed run in `killed` equals the straight one, it left no
// temporary file behind, and both folders are removed.
void check_resumed_run(const fs::path& straight, const fs::path& killed, int64_t episodes) {
    check_same_run(straight, killed, episodes);
    CHECK(temp_files(killed).empty());
    fs::remove_all(straight);
    fs::remove_all(killed);
}

// Starts a run in `dir` and freezes it (SIGSTOP) at the nth inotify event of `mask` on a file
// whose name starts with `prefix`. `confirm` (called while it is frozen) says whether this is
// the moment wanted; if so the run is SIGKILLed, else it continues to the next such event.
// Returns the event count at the kill (0: the run ended first).
int kill_at_event(const fs::path& dir, int64_t episodes, uint32_t mask, const std::string& prefix, int nth,
                  const std::function<bool(const std::string&)>& confirm) {
    const int in = ::inotify_init1(IN_CLOEXEC);
    REQUIRE(in >= 0);
    REQUIRE(::inotify_add_watch(in, dir.c_str(), mask) >= 0);
    const pid_t pid = spawn_training(dir, episodes, false);
    int seen = 0, killed_at = 0;
    alignas(inotify_event) char buf[8192];
    while (killed_at == 0) {
        const ssize_t n = ::read(in, buf, sizeof buf);
        if (n <= 0) break;
        for (char* p = buf; p < buf + n && killed_at == 0;) {
            const auto* ev = reinterpret_cast<const inotify_event*>(p);
            p += sizeof(inotify_event) + ev->len;
            const std::string name = ev->len ? ev->name : "";
            if (name.rfind(prefix, 0) != 0 || ++seen < nth) continue;
            ::kill(pid, SIGSTOP);
            int st = 0;
            ::waitpid(pid, &st, WUNTRACED);
            if (WIFSTOPPED(st) && confirm(name)) {
                ::kill(pid, SIGKILL);
                killed_at = seen;
            } else {
                ::kill(pid, SIGCONT);
            }
        }
        if (seen >= 8) break;   // past the run's last save
    }
    ::close(in);
    if (killed_at == 0) ::kill(pid, SIGKILL);
    const int rc = wait_exit(pid);
    if (killed_at) CHECK(rc == 128 + SIGKILL);
    return killed_at;
}

}  // namespace

TEST_CASE("a run killed mid-save keeps its last good checkpoint and resumes with nothing lost", "[reliability][kill]") {
    constexpr int64_t kEpisodes = 20;   // checkpoints at 4, 8, 12, 16, 20
    const fs::path straight = fresh_dir("straight"), killed = fresh_dir("killed");
    REQUIRE(train_here(straight, kEpisodes, false).ok);
    // Freeze the run when its 3rd checkpoint temp file appears; kill it if the temp file is
    // still there (the save is in progress: written partly, not yet renamed).
    std::string tmp_name;
    uintmax_t tmp_size = 0;
    const int saves = kill_at_event(killed, kEpisodes, IN_CREATE, "checkpoint.npz.tmp.", 3, [&](const std::string& name) {
        std::error_code ec;
        if (!fs::exists(killed / name, ec)) return false;
        tmp_name = name;
        tmp_size = fs::file_size(killed / name, ec);
        return true;
    });
    INFO("killed during save #" << saves << "; temp file " << tmp_name << " had " << tmp_size << " bytes");
    REQUIRE(saves >= 3);

    // The save in progress was at episode 4 * saves; the file in place is the one before, whole.
    const int64_t expected = 4 * (saves - 1);
    CHECK(fs::exists(killed / tmp_name));   // left by the killed run
    CHECK(load_checkpoint((killed / "checkpoint.npz").string(), *small_task(), true) == expected);
    // metrics.csv holds every row up to at least that checkpoint (it is written before it).
    const Csv mid = read_csv(killed / "metrics.csv");
    REQUIRE(mid.episodes.size() >= size_t(expected));
    for (size_t i = 0; i < mid.episodes.size(); ++i) CHECK(mid.episodes[i] == int64_t(i) + 1);

    // Resume: the run ends where the uninterrupted one ends; the stale temp file is gone.
    {
        const auto r = train_here(killed, kEpisodes, true);
        REQUIRE(r.ok);
        CHECK(r.episodes == kEpisodes);
    }
    check_resumed_run(straight, killed, kEpisodes);
}

TEST_CASE("a run killed just after a checkpoint is in place has the metrics rows up to it", "[reliability][kill]") {
    constexpr int64_t kEpisodes = 12;
    const fs::path straight = fresh_dir("straight3"), killed = fresh_dir("killed3");
    REQUIRE(train_here(straight, kEpisodes, false).ok);
    // The moment the 2nd checkpoint (episode 8) is renamed into place.
    const int n = kill_at_event(killed, kEpisodes, IN_MOVED_TO, "checkpoint.npz", 2,
                                [](const std::string& name) { return name == "checkpoint.npz"; });
    REQUIRE(n == 2);
    CHECK(load_checkpoint((killed / "checkpoint.npz").string(), *small_task(), true) == 8);
    const Csv mid = read_csv(killed / "metrics.csv");
    CHECK(mid.episodes.size() >= 8);   // no row of the checkpointed episodes is missing
    REQUIRE(train_here(killed, kEpisodes, true).ok);
    check_resumed_run(straight, killed, kEpisodes);
}

TEST_CASE("a run killed at random moments and resumed each time equals an uninterrupted run", "[reliability][kill]") {
    constexpr int64_t kEpisodes = 16;
    const fs::path straight = fresh_dir("straight2"), killed = fresh_dir("killed2");
    REQUIRE(train_here(straight, kEpisodes, false).ok);
    // Time of one uninterrupted run, to spread the kills over one (this build may be slow).
    const auto t0 = std::chrono::steady_clock::now();
    REQUIRE(wait_exit(spawn_training(fresh_dir("timing"), kEpisodes, false)) == 0);
    const double run_ms = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count();
    fs::remove_all(fs::temp_directory_path() / ("ps_rel_timing_" + std::to_string(::getpid())));

    // Kill, resume, kill ... until four kills landed. A run may finish before its kill (the
    // machine's speed varies: the timing run above may have been slower); the killed series then
    // starts again from an empty folder, so every kill lands in a run with work left to do.
    Rng rng(2024);
    int kills = 0, attempts = 0;
    for (; kills < 4 && attempts < 24; ++attempts) {
        const bool resume = fs::exists(killed / "checkpoint.npz");
        const pid_t pid = spawn_training(killed, kEpisodes, resume);
        std::this_thread::sleep_for(std::chrono::duration<double, std::milli>(rng.uniform(0.05, 0.5) * run_ms));
        ::kill(pid, SIGKILL);
        const int rc = wait_exit(pid);
        if (rc == 128 + SIGKILL) {
            ++kills;
        } else {
            CHECK(rc == 0);   // it finished before the kill
            fs::remove_all(killed);
            fs::create_directories(killed);
            continue;
        }
        if (fs::exists(killed / "checkpoint.npz")) {   // whatever is in place loads
            CHECK_NOTHROW(load_checkpoint((killed / "checkpoint.npz").string(), *small_task(), true));
        }
    }
    INFO("kills " << kills << " in " << attempts << " attempts, run time " << run_ms << " ms");
    CHECK(kills >= 2);
    REQUIRE(train_here(killed, kEpisodes, fs::exists(killed / "checkpoint.npz")).ok);
    check_resumed_run(straight, killed, kEpisodes);
}
