// The live session: stepping, the episode's history, twin and ghost (see live_session.hpp).
#include "gui/live_session.hpp"
#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include "npz.hpp"

namespace ps::gui {

namespace {
const Speed kSpeeds[] = {{"1 step/s", 1, 0},        {"2 steps/s", 2, 0},       {"5 steps/s", 5, 0},
                         {"10 steps/s", 10, 0},     {"30 steps/s", 30, 0},     {"1 step/frame", 0, 1},
                         {"2 steps/frame", 0, 2},   {"5 steps/frame", 0, 5},   {"10 steps/frame", 0, 10},
                         {"20 steps/frame", 0, 20}, {"50 steps/frame", 0, 50}, {"100 steps/frame", 0, 100},
                         {"200 steps/frame", 0, 200}, {"500 steps/frame", 0, 500}};
constexpr int kNumSpeeds = int(sizeof kSpeeds / sizeof kSpeeds[0]);

double now_s() {
    return std::chrono::duration<double>(std::chrono::steady_clock::now().time_since_epoch()).count();
}
}  // namespace

const Speed& speed_at(int i) { return kSpeeds[std::clamp(i, 0, kNumSpeeds - 1)]; }
int num_speeds() { return kNumSpeeds; }

uint64_t episode_seed(uint64_t a, uint64_t b) {
    uint64_t z = a * 0x9E3779B97F4A7C15ull + b + 0x632BE59BD9B4E019ull;
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
    return z ^ (z >> 31);
}

void LiveSession::open(std::unique_ptr<Task> task, uint64_t seed, std::unique_ptr<LiveRun> begun) {
    drop(twin_);
    drop(ghost_);
    twin_spec_ = TwinSpec();
    if (run_ || task_) {   // the run reads the task: both go, in that order, on a thread of their own
        std::shared_ptr<LiveRun> run(std::move(run_));
        std::shared_ptr<Task> old(std::move(task_));
        aside_.run([run = std::move(run), old = std::move(old)]() mutable {
            run.reset();
            old.reset();
            release_freed_memory();
        });
    }
    task_ = std::move(task);
    seed_ = seed;
    playing_ = false;
    views_ = LiveViews();
    if (begun) {
        run_ = std::move(begun);
        episode_index_ = 1;
        views_changed_ = true;
        ok_ = true;
        guarded("new episode", [&] { refresh_views(); });
        return;
    }
    run_ = std::make_unique<LiveRun>(*task_);
    episode_index_ = 0;
    guarded("new episode", [&] {
        begin_episode(true);
        refresh_views();
    });
}

// ---------------------------------------------------------------- episodes and steps

void LiveSession::begin_episode(bool fresh) {
    ok_ = false;   // until the task has begun the episode without throwing
    const bool changed = prepare_ ? prepare_() : false;
    // The same episode cannot be replayed under other episode settings (its data was drawn with
    // the old ones: sizes, lengths, classes): Restart then begins a new one, and says so.
    if (changed && !fresh) {
        fresh = true;
        note_("next-episode settings applied: a new episode instead of a restart", false);
    }
    if (fresh) {
        ++episode_index_;
        run_->begin(episode_seed(seed_, episode_index_));
    } else {
        run_->restart();
    }
    drop(ghost_);
    if (twin_) {
        // The twin uses the parameters the main network now has (changed as its spec says).
        if (twin_spec_.kind != TwinSpec::Kind::Checkpoint) {
            ArrayMap am;
            task_->save(am, false);
            try {
                edit_twin_params(twin_spec_, am);
                twin_->task->load(am, false);
            } catch (const std::exception& e) {
                twin_->ok = false;
                twin_->error = e.what();
            }
        }
        follow_history(*twin_);
    }
    views_changed_ = true;
    ok_ = true;
}

bool LiveSession::advance() {
    // After an error the episode is begun again first: it throws again (and says why) while the
    // settings are still bad, and steps a consistent task once they are fixed.
    if (!ok_) {
        begin_episode(false);
        return true;
    }
    if (stop_at_ >= 0 && run_->t() >= stop_at_) {
        playing_ = false;
        stop_at_ = -1;
        return false;
    }
    if (run_->over()) {
        if (!loop && playing_) {
            playing_ = false;
            return false;
        }
        begin_episode(true);
    }
    run_->step();
    ++live_steps_;
    views_changed_ = true;
    sync_followers();
    return true;
}

void LiveSession::guarded(const char* what, const std::function<void()>& f) {
    try {
        f();
    } catch (const std::exception& e) {
        playing_ = false;
        ok_ = false;
        views_ = LiveViews();
        frame_changed_ = true;
        error_(std::string("The live network stopped (") + what + ")", e.what());
    }
}

void LiveSession::play_to(int t) {
    if (!task_) return;
    if (t <= run_->t() && run_->t() <= run_->frontier() && t >= 0) {   // already there or past it: show it
        seek(t);
        playing_ = false;
        return;
    }
    stop_at_ = t;
    playing_ = true;
    slow_acc_ = 0;
}

void LiveSession::play(bool on) {
    stop_at_ = -1;
    playing_ = on;
    slow_acc_ = 0;
    if (on && task_ && episode_done() && !loop)
        guarded("new episode", [&] {
            begin_episode(true);
            refresh_views();
        });
}

void LiveSession::step_once() {
    if (!task_) return;
    playing_ = false;
    guarded("step", [&] {
        advance();
        refresh_views();
    });
}

void LiveSession::restart() {
    if (!task_) return;
    guarded("restart", [&] {
        begin_episode(false);
        refresh_views();
    });
}

void LiveSession::new_episode() {
    if (!task_) return;
    guarded("new episode", [&] {
        begin_episode(true);
        refresh_views();
    });
}

void LiveSession::seek(int t) {
    if (!task_ || !ok_) return;
    guarded("scrub", [&] {
        run_->seek(t);
        views_changed_ = true;
        sync_followers();
        refresh_views();
    });
}

void LiveSession::update(double dt) {
    step_limited_ = false;
    if (playing_ && task_) {
        const Speed& sp = speed_at(speed);
        int steps = sp.per_frame;
        if (sp.per_second > 0) {
            slow_acc_ += dt * sp.per_second;
            steps = int(slow_acc_);
            slow_acc_ -= steps;
            if (steps > 3) steps = 3;   // after a stall, do not jump ahead
        }
        // Keep the frame responsive: big networks step fewer times per frame than asked.
        const double t0 = now_s();
        guarded("play", [&] {
            for (int i = 0; i < steps && playing_; ++i) {
                if (!advance()) break;
                if (i + 1 < steps && now_s() - t0 > 0.010) {
                    step_limited_ = true;
                    break;
                }
            }
        });
    }
    guarded("views", [&] { refresh_views(); });
}

void LiveSession::refresh_views() {
    if (!task_ || !ok_ || !views_changed_) return;
    views_changed_ = false;
    frame_changed_ = true;
    task_->live_views(views_);   // matrix textures sync when drawn
    for (Follower* f : {twin_.get(), ghost_.get()}) {
        if (!f || !f->ok) continue;
        try {
            f->task->live_views(f->views);
        } catch (const std::exception& e) {
            f->ok = false;
            f->error = e.what();
        }
    }
}

// ---------------------------------------------------------------- actions

std::string LiveSession::act(LiveAction a) {
    if (!task_) return "no task";
    if (!ok_) return "the live network stopped after an error: press Restart or New episode once the settings are fixed";
    const bool branching = run_->t() < run_->frontier();
    LiveHistory old;
    const int64_t steps_before = run_->t();
    const std::string r = run_->act(std::move(a), branching ? &old : nullptr);
    if (!r.empty()) return r;
    if (run_->t() > steps_before) ++live_steps_;
    views_changed_ = true;
    if (branching) {
        // The continuation that was cut off keeps running beside the new branch as the ghost.
        try {
            auto g = std::make_unique<Follower>();
            g->task = make_twin_task(*task_, TwinSpec());
            g->run = std::make_unique<LiveRun>(*g->task);
            g->label = "before the change";
            g->run->follow(old, std::min(run_->t(), old.frontier));
            ghost_history_ = std::move(old);
            drop(ghost_);
            ghost_ = std::move(g);
        } catch (const std::exception& e) {
            note_(std::string("no ghost of the old continuation: ") + e.what(), true);
            drop(ghost_);
        }
    }
    if (twin_) follow_history(*twin_);
    refresh_views();
    return "";
}

std::string LiveSession::set_live_setting(const std::string& key, const std::string& value) {
    LiveAction a;
    a.kind = LiveAction::Kind::Setting;
    a.key = key;
    a.value = value;
    return act(std::move(a));
}

std::string LiveSession::send_event(const LiveEvent& e) {
    LiveAction a;
    a.kind = LiveAction::Kind::Event;
    a.event = e;
    return act(std::move(a));
}

std::string LiveSession::load_params(std::shared_ptr<const ArrayMap> params) {
    LiveAction a;
    a.kind = LiveAction::Kind::Params;
    a.params = std::move(params);
    return act(std::move(a));
}

// ---------------------------------------------------------------- tracking

void LiveSession::track(const Tracked& c) {
    if (!task_ || !ok_) return;
    guarded("track", [&] {
        // A few at once stay readable: the oldest goes.
        while (run_->tracked().size() >= 6) run_->untrack(run_->tracked().front());
        run_->track(c);
        views_changed_ = true;
        refresh_views();
    });
}

void LiveSession::clear_tracked() {
    if (run_) run_->clear_tracked();
}

const std::vector<TrackedSeries>& LiveSession::series() const {
    static const std::vector<TrackedSeries> none;
    return run_ ? run_->series() : none;
}

std::string LiveSession::export_tracked_csv(const std::string& path) const {
    const auto& ss = series();
    if (ss.empty()) return "nothing is tracked: click a cell of a matrix first";
    std::string out = "t";
    size_t T = 0;
    for (const auto& s : ss) {
        out += "," + s.label;
        T = std::max(T, s.value.size());
    }
    out += "\n";
    char b[64];
    for (size_t t = 0; t < T; ++t) {
        out += std::to_string(t);
        for (const auto& s : ss) {
            const float v = t < s.value.size() ? s.value[t] : NAN;
            if (std::isfinite(v)) std::snprintf(b, sizeof b, ",%.9g", double(v));
            else std::snprintf(b, sizeof b, ",");
            out += b;
        }
        out += "\n";
    }
    try {
        write_file_atomic(path, out);
    } catch (const std::exception& e) {
        return e.what();
    }
    return "";
}

// ---------------------------------------------------------------- twin and ghost

void LiveSession::follow_history(Follower& f) {
    if (!f.ok) return;
    try {
        f.run->follow(run_->history(), run_->t());
    } catch (const std::exception& e) {
        f.ok = false;
        f.error = e.what();
        note_(f.label + " stopped: " + f.error, true);
    }
}

void LiveSession::step_follower(Follower& f, const LiveHistory& h) {
    if (!f.ok) return;
    try {
        const int target = std::min(run_->t(), h.frontier);
        LiveRun& r = *f.run;
        if (&f == twin_.get() && target > r.frontier() + 1) {
            follow_history(f);
        } else if (r.t() + 1 == target) {
            r.step();
        } else if (r.t() != target) {
            r.seek(target);
        }
    } catch (const std::exception& e) {
        f.ok = false;
        f.error = e.what();
        note_(f.label + " stopped: " + f.error, true);
    }
}

void LiveSession::sync_followers() {
    if (twin_) step_follower(*twin_, run_->history());
    if (ghost_) step_follower(*ghost_, ghost_history_);
}

std::string LiveSession::set_twin(const TwinSpec& spec) {
    if (spec.kind == TwinSpec::Kind::None) {
        drop(twin_);
        twin_spec_ = spec;
        return "";
    }
    if (!task_) return "no task";
    try {
        auto f = std::make_unique<Follower>();
        f->task = make_twin_task(*task_, spec);
        f->run = std::make_unique<LiveRun>(*f->task);
        f->label = "twin: " + spec.label();
        if (spec.kind == TwinSpec::Kind::Checkpoint)
            f->run->set_params_filter([](ArrayMap&) { return false; });   // a baseline keeps its own
        else if (spec.kind != TwinSpec::Kind::Config)
            f->run->set_params_filter([spec](ArrayMap& am) {
                edit_twin_params(spec, am);
                return true;
            });
        f->run->follow(run_->history(), run_->t());
        drop(twin_);
        twin_ = std::move(f);
        twin_spec_ = spec;
        views_changed_ = true;
        refresh_views();
    } catch (const std::exception& e) {
        return e.what();
    }
    return "";
}

}  // namespace ps::gui
