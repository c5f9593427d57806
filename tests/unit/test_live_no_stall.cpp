// The live view must never hold the GUI thread: what a task does when the lab begins an episode
// or hands it the trainer's newest parameters is bounded, whatever the run's length or the
// settings. Each case reproduces a stall the 60 s GUI soak met (docs/reliability.md):
//   - FLP: loading parameters replayed the training data stream to the run's episode count
//     (half a second after 2 500 episodes, and growing with every episode trained);
//   - Omniglot: a changed evaluation set was read on the calling thread at the next episode
//     (0.4 s for a small real subset, many seconds for a folder of PNGs);
//   - Omniglot: the failure gallery ran 32 episodes whatever their size (3 232 drawings at
//     20-way 5-shot); and it encoded its ~190 drawings in one forward pass, whose buffers, new
//     after a rebuild or a change of ways, took 130-170 ms to allocate and first touch.
#include <catch2/catch.hpp>

#include <unistd.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <thread>

#include "background_trainer.hpp"
#include "fields.hpp"
#include "interactive.hpp"
#include "omniglot/dataset.hpp"
#include "task.hpp"
#include "task_state.hpp"

using namespace ps;
namespace fs = std::filesystem;

namespace {

double seconds_since(std::chrono::steady_clock::time_point a) {
    return std::chrono::duration<double>(std::chrono::steady_clock::now() - a).count();
}

// Marks the calling thread interactive for the scope (as the GUI thread is).
struct InteractiveScope {
    bool old = t_interactive;
    InteractiveScope() { t_interactive = true; }
    ~InteractiveScope() { t_interactive = old; }
};

struct EnvScope {
    std::string name, old;
    bool had;
    EnvScope(const std::string& n, const std::string& v) : name(n) {
        const char* o = std::getenv(n.c_str());
        had = o != nullptr;
        if (had) old = o;
        ::setenv(n.c_str(), v.c_str(), 1);
    }
    ~EnvScope() {
        if (had) ::setenv(name.c_str(), old.c_str(), 1);
        else ::unsetenv(name.c_str());
    }
};

}  // namespace

TEST_CASE("live view: loading a long FLP run's parameters does not replay its data stream", "[live][flp]") {
    for (const char* name : {"flp-sine", "flp-classify"}) {
        INFO(name);
        auto a = make_task(name);
        a->set_preset("quick");
        a->init(3);
        a->train_step();
        ArrayMap m;
        a->save(m, false);
        // As the trainer's snapshot of a run 50 000 episodes long: replaying the stream took ~10 s.
        m["state/episode"] = scalar_array(50000);
        auto live = make_task(name);
        live->set_preset("quick");
        live->init(1);
        const auto t0 = std::chrono::steady_clock::now();
        live->load(m, false);
        const double s = seconds_since(t0);
        CHECK(s < 0.5);
        ArrayMap back;
        live->save(back, false);
        CHECK(count_from(back, "state/episode") == 50000);   // the position is kept for training
    }
}

TEST_CASE("live view: a new Omniglot evaluation set is loaded beside an interactive thread", "[live][omniglot]") {
    // A copy of the packed subsets under a new path: a cache key no other test has loaded.
    const fs::path dir = fs::temp_directory_path() / ("ps_live_omni_" + std::to_string(::getpid()));
    fs::remove_all(dir);
    fs::create_directories(dir);
    for (const char* part : {"images_background_small1.npz", "images_background_small2.npz"})
        fs::copy_file(fs::path(PS_ASSETS_DIR) / "omniglot" / part, dir / part);
    EnvScope env("PS_OMNIGLOT_DIR", dir.string());
    InteractiveScope gui;

    auto t = make_task("omniglot");
    t->set_preset("quick");
    apply_overrides(t->fields(), {"channels=8", "ways=3", "eval_ways=0"});
    t->init(1);
    LiveViews v;
    t->live_views(v);   // the first episode, on the glyphs
    const int64_t loads = omni::charset_loads_on_this_thread();

    apply_overrides(t->fields(), {"eval_data=omniglot-small2"});   // as a staged next-episode setting
    const auto t0 = std::chrono::steady_clock::now();
    t->live_reset(77);
    CHECK(seconds_since(t0) < 2.0);   // at most the short wait, not a load (generous for a loaded machine)
    CHECK(omni::charset_loads_on_this_thread() == loads);   // not read here
    t->live_views(v);
    // Until it is there the view says so; once it is, the next episode shows it, with no note.
    bool shown = false;
    for (int i = 0; i < 200 && !shown; ++i) {
        t->live_reset(78 + uint64_t(i));
        t->live_views(v);
        shown = v.status.find('[') == std::string::npos;
        if (!shown) {
            CHECK(v.status.find("loading") != std::string::npos);
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
    }
    CHECK(shown);
    CHECK(v.status.find("omniglot-small2") != std::string::npos);
    CHECK(omni::charset_loads_on_this_thread() == loads);
    fs::remove_all(dir);
}

TEST_CASE("live view: the Omniglot failure gallery's work is bounded per episode", "[live][omniglot]") {
    auto scanned = [](const std::vector<std::string>& kv) {
        auto t = make_task("omniglot");
        t->set_preset("quick");
        apply_overrides(t->fields(), {"channels=8"});
        apply_overrides(t->fields(), kv);
        t->init(1);
        LiveViews v;
        t->live_views(v);
        return int(v.scalars.at("gallery_episodes"));
    };
    CHECK(scanned({"ways=5", "eval_ways=0", "shots=1"}) == 32);   // 6 drawings an episode: 32 episodes
    CHECK(scanned({"ways=20", "eval_ways=0", "shots=5"}) == 1);   // 101 drawings: one episode
    CHECK(scanned({"ways=10", "eval_ways=4", "shots=3"}) == 14);  // the 4-way evaluation net: 13 drawings
}

TEST_CASE("live view: the Omniglot failure gallery encodes in small forward passes", "[live][omniglot]") {
    // The drawings of one forward pass size its buffers: about 48 (whole episodes), not all ~190.
    auto largest = [](const std::vector<std::string>& kv) {
        auto t = make_task("omniglot");
        t->set_preset("quick");
        apply_overrides(t->fields(), {"channels=8"});
        apply_overrides(t->fields(), kv);
        t->init(1);
        LiveViews v;
        t->live_views(v);
        CHECK(v.scalars.at("gallery_episodes") > 1);
        return int(v.scalars.at("gallery_forward_drawings"));
    };
    CHECK(largest({"ways=5", "eval_ways=0", "shots=1"}) == 48);    // 8 episodes of 6 drawings
    CHECK(largest({"ways=10", "eval_ways=0", "shots=1"}) == 44);   // 4 episodes of 11
    CHECK(largest({"ways=10", "eval_ways=0", "shots=5"}) == 51);   // one episode of 51 a pass
}

TEST_CASE("live view: work posted for a stopped trainer runs on the trainer's thread", "[live][trainer]") {
    // File > Save checkpoint after training stopped wrote hundreds of MB (with fsync) in a frame:
    // post() runs inline when no trainer thread is alive; post_on_thread never does.
    auto t = make_task("bohp-completion");
    t->init(1);
    BackgroundTrainer tr(std::move(t));
    std::atomic<bool> done{false};
    std::thread::id where;
    tr.post_on_thread([&](Task&, int64_t) {
        where = std::this_thread::get_id();
        done = true;
        return TrainerNote("served");
    });
    for (int i = 0; i < 1000 && !done; ++i) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    REQUIRE(done);
    CHECK(where != std::this_thread::get_id());
    CHECK(!tr.running());   // served, not training
    std::vector<TrainerNote> notes;
    for (int i = 0; i < 200 && notes.empty(); ++i) {
        notes = tr.take_notes();
        if (notes.empty()) std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    REQUIRE(notes.size() == 1);
    CHECK(notes[0].text == "served");
    CHECK(!notes[0].error);
    tr.stop();
}
