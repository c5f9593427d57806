// The live network the lab shows: one Task stepped on the GUI thread through a LiveRun (so any
// earlier step of the episode can be shown again, exactly), the transport (play, speed, loop,
// scrubbing), the views of the step shown, and the comparison networks that follow the same
// episode: the twin (the same network changed: no plasticity, another eta, a trained baseline)
// and the ghost (the original continuation after a branch from the past). Nothing here draws.
#pragma once
#include <functional>
#include <memory>
#include <string>
#include "gui/aside.hpp"
#include "live_run.hpp"
#include "task.hpp"

namespace ps::gui {

// Speeds of the transport: steps per second (slow motion) then steps per frame.
struct Speed {
    const char* label;
    double per_second;   // > 0: slow motion
    int per_frame;
};
const Speed& speed_at(int i);
int num_speeds();

// A second network stepped beside the main one on the same episode.
struct Follower {
    std::unique_ptr<Task> task;
    std::unique_ptr<LiveRun> run;
    LiveViews views;
    std::string label;
    bool ok = true;          // false once it threw (it is shown no more; the message says why)
    std::string error;
};

class LiveSession {
public:
    using ErrorFn = std::function<void(const std::string& title, const std::string& text)>;
    using NoteFn = std::function<void(const std::string& text, bool error)>;
    // Called before each episode begins: apply staged next-episode settings, load the newest
    // trained parameters. Returns true if episode settings changed (a restart becomes a new episode).
    using PrepareFn = std::function<bool()>;

    LiveSession(ErrorFn error, NoteFn note) : error_(std::move(error)), note_(std::move(note)) {}

    // Takes a task that is configured and initialised (or loaded) and begins its first episode,
    // or takes `begun`: a run on that task whose first episode, episode_seed(seed, 1), was begun
    // already (on the builder's thread).
    void open(std::unique_ptr<Task> task, uint64_t seed, std::unique_ptr<LiveRun> begun = nullptr);
    bool has_task() const { return bool(task_); }
    Task& task() { return *task_; }
    const Task& task() const { return *task_; }
    void set_prepare(PrepareFn f) { prepare_ = std::move(f); }

    // ---- transport
    void play(bool on);
    bool playing() const { return playing_; }
    // Plays until step t of this episode, then pauses (a lesson's "play to the probe").
    void play_to(int t);
    void step_once();
    void restart();          // the same episode from t = 0
    void new_episode();
    void seek(int t);        // show step t of this episode (0..frontier)
    void update(double dt);  // steps as the speed says (GUI thread, once per frame)
    int speed = 5;           // index into the speeds (1 step per frame)
    bool loop = true;        // a finished episode is followed by a new one while playing
    bool step_limited() const { return step_limited_; }

    // ---- actions on the live network (recorded in the history; behind the frontier they
    // branch, and the old continuation becomes the ghost). Return "" or why not.
    std::string set_live_setting(const std::string& key, const std::string& value);
    std::string send_event(const LiveEvent& e);
    std::string load_params(std::shared_ptr<const ArrayMap> params);

    // ---- state
    bool ok() const { return ok_; }            // false after the task threw, until an episode begins
    bool episode_done() const { return run_ && run_->over(); }
    int t() const { return run_ ? run_->t() : 0; }
    int frontier() const { return run_ ? run_->frontier() : 0; }
    int length() const { return run_ ? run_->length() : 0; }
    uint64_t episode_index() const { return episode_index_; }
    int64_t live_steps() const { return live_steps_; }
    uint64_t seed() const { return seed_; }
    LiveRun* run() { return run_.get(); }

    // ---- views of the step shown
    const LiveViews& views() const { return views_; }
    void refresh_views();                      // after anything that moved the task's buffers
    void mark_changed() { views_changed_ = true; }
    // Whether the views changed since the last frame was drawn (textures re-upload then). Cleared
    // after drawing, so a change made before the update (a key, a scripted step) is still seen.
    bool frame_changed() const { return frame_changed_; }
    void frame_drawn() { frame_changed_ = false; }

    // ---- tracked synapses and neurons: series over the episode (LiveRun::series)
    void track(const Tracked& c);   // fills the past by one replay of the episode
    void clear_tracked();
    const std::vector<TrackedSeries>& series() const;
    // t, then one column per series; "" or the error.
    std::string export_tracked_csv(const std::string& path) const;

    // ---- comparison networks
    // The twin (spec kind None removes it). Returns "" or why it cannot be made.
    std::string set_twin(const TwinSpec& spec);
    const Follower* twin() const { return twin_ && twin_->ok ? twin_.get() : nullptr; }
    const TwinSpec& twin_spec() const { return twin_spec_; }
    const Follower* ghost() const { return ghost_ && ghost_->ok ? ghost_.get() : nullptr; }
    void dismiss_ghost() { drop(ghost_); }

    // Runs f; a throw stops playing, marks the task unusable until an episode begins cleanly and
    // shows the error (a bad combination of settings must not take the app down).
    void guarded(const char* what, const std::function<void()>& f);

private:
    bool advance();                            // one step (a new episode first if the last ended)
    void begin_episode(bool fresh);
    std::string act(LiveAction a);
    void sync_followers();                     // twin and ghost to the main run's step
    void follow_history(Follower& f);          // after the main history changed
    void step_follower(Follower& f, const LiveHistory& h);

    // Replaced networks (the task, its run and snapshots, twin and ghost: up to a few hundred MB)
    // are freed on threads of their own, not in the frame that replaced them.
    void drop(std::unique_ptr<Follower>& f) { aside_.free(std::move(f)); }

    AsideThreads aside_;   // declared first: joined after everything below is gone
    ErrorFn error_;
    NoteFn note_;
    PrepareFn prepare_;
    std::unique_ptr<Task> task_;
    std::unique_ptr<LiveRun> run_;
    uint64_t seed_ = 1;
    bool playing_ = false, ok_ = true, step_limited_ = false;
    double slow_acc_ = 0;
    int stop_at_ = -1;                         // play_to's step, -1 = none
    uint64_t episode_index_ = 0;
    int64_t live_steps_ = 0;
    LiveViews views_;
    bool views_changed_ = true, frame_changed_ = true;
    TwinSpec twin_spec_;
    std::unique_ptr<Follower> twin_, ghost_;
    LiveHistory ghost_history_;
};

// The seed of episode k of a lab session with seed s.
uint64_t episode_seed(uint64_t s, uint64_t k);

}  // namespace ps::gui
