// One live episode with its history, so that any earlier step can be shown again exactly as it
// was, a run can branch from the past, and a second network can follow the same episode.
//
// What is kept is small: the episode's seed, the parameters and live settings it began with
// (only once something changes them mid-episode), and every action that is not a plain step —
// a user event (the maze's arrow key, a painted probe pixel), a live setting, a parameter load —
// each with the step at which it happened. Showing step t replays the episode from its start
// (Task::live_restart) through those actions: a replayed step costs what it cost the first time,
// the state is the same to the bit on one thread (tasks are deterministic: the contract test
// checks it for every task), and the history costs a few bytes per action whatever N is.
//
// Timeline of one branch (t = steps taken; the state at t is after the actions recorded at t):
//
//   t = 0 ── step ── 1 ── step ── 2 ── [set eta=0.1] ── step ── 3 ── [key ←: a step] ── 4 ...
//                                  ^ Action{at = 2, steps = false}     ^ Action{at = 3, steps = true}
//
// An action taken while an earlier step is shown cuts the recorded future off: the new branch
// continues from there, and the caller gets the old history back to keep it running as a ghost.
// Tracked matrix cells and neurons are sampled at every step into per-episode series.
// Tasks whose steps are dear (large plastic networks: Task::live_save) also leave a copy of their
// live state every 16 steps (wider for states too large for the memory budget), and a seek
// replays from the nearest copy: at N = 1024 (~0.4 ms a step) any step of a 201-step episode
// shows within ~10 ms, for ~55 MB (bench/bench_history.cpp).
// Engine code: no GUI include; the lab (app/gui/live_session.*) and `plastiscope record` use it.
#pragma once
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>
#include "task.hpp"

namespace ps {

// Something done to the live network other than a plain step.
struct LiveAction {
    enum class Kind { Event, Setting, Params };
    Kind kind = Kind::Event;
    LiveEvent event;                          // Event
    std::string key, value;                   // Setting: a Live field and its new text
    std::shared_ptr<const ArrayMap> params;   // Params: Task::save(.., false) arrays to load
    int at = 0;                               // steps taken when it happened
    bool steps = false;                       // it advanced time by one step (the maze's key)
};

// The replayable record of one episode (on one branch).
struct LiveHistory {
    uint64_t seed = 0;                        // Task::live_reset's episode seed
    std::shared_ptr<const ArrayMap> base_params;   // set once a Params action needs restoring
    std::map<std::string, std::string> base_settings;   // Live fields at t = 0, once one changed
    std::vector<LiveAction> actions;          // in the order they were taken
    int frontier = 0;                         // furthest step reached on this branch
};

// A cell of a matrix view, or a neuron (matrix empty), to follow over the episode.
struct Tracked {
    std::string matrix;                       // MatrixView::name; "" = neuron `row` of x(t)
    int row = 0, col = 0;
    bool operator==(const Tracked& o) const { return matrix == o.matrix && row == o.row && col == o.col; }
};
// One tracked quantity over the episode: value[t] for t = 0..frontier (NaN where unknown).
struct TrackedSeries {
    Tracked what;
    std::string label;                        // "H[3,7]", "A*H[3,7]", "x5", ...
    std::vector<float> value;
};

class LiveRun {
public:
    explicit LiveRun(Task& task) : task_(task) {}

    // A new episode (Task::live_reset(seed)) or the same one again from t = 0 keeping its data
    // (Task::live_restart); the history starts empty. Throws what the task throws.
    void begin(uint64_t seed);
    void restart();

    int t() const { return t_; }              // the step shown
    int frontier() const { return hist_.frontier; }
    int length() const { return T_; }         // steps in the episode
    bool at_frontier() const { return t_ == hist_.frontier; }
    bool over() const { return t_ >= T_; }
    const LiveHistory& history() const { return hist_; }
    Task& task() { return task_; }

    // One step forward: along the recorded history while behind the frontier, else a new step.
    // Returns false (and does nothing) at the end of the episode.
    bool step();
    // Shows step t (0..frontier) by replay; the history is unchanged.
    void seek(int t);

    // Takes an action now. Behind the frontier it branches first: the recorded future is cut
    // off and, when `ghost` is given, the history as it was is copied there. Returns "" or the
    // task's refusal (nothing is recorded then).
    std::string act(LiveAction a, LiveHistory* ghost = nullptr);

    // Runs this run's task along another history up to step t (a ghost or a twin follows the
    // main run's actions). The history becomes this run's own.
    void follow(const LiveHistory& h, int t);

    // ---- tracking: series over the episode, filled as steps are taken (past steps by replay)
    void track(const Tracked& c);             // replays the episode once to fill the past
    void untrack(const Tracked& c);
    void clear_tracked();
    const std::vector<Tracked>& tracked() const { return tracked_; }
    const std::vector<TrackedSeries>& series() const { return series_; }

    // A twin changes the parameters that an action (or the history's base) loads; returning
    // false ignores the load (a trained baseline keeps its own parameters).
    void set_params_filter(std::function<bool(ArrayMap&)> f) { params_filter_ = std::move(f); }

    // Replay work done so far (steps replayed by seek/track), for benchmarks and tests.
    int64_t replayed_steps() const { return replayed_; }
    // Memory the snapshots take, and how far apart they are (0: the task keeps none).
    size_t snapshot_bytes() const;
    int snapshot_every() const { return snap_every_; }
    // The budget for snapshots (bytes); they thin out to stay within it.
    void set_snapshot_budget(size_t bytes) { snap_budget_ = bytes; }

private:
    void replay_to(int t, bool sample);
    void forward_one(bool sample);
    void apply_actions_at(int t);             // the non-stepping actions recorded at step t
    bool apply(const LiveAction& a);          // true if it stepped
    void remember_base(const LiveAction& a);
    void restore_base();
    void sample(int t);
    void rebuild_series();
    int episode_length();

    Task& task_;
    LiveHistory hist_;
    int t_ = 0, T_ = 0;
    size_t next_ = 0;                         // first action not applied yet
    int64_t replayed_ = 0;
    bool have_data_ = false;                  // the task holds the episode of data_seed_
    uint64_t data_seed_ = 0;
    std::function<bool(ArrayMap&)> params_filter_;
    // Snapshots of the live state at steps that are multiples of snap_every_ (0: undecided).
    void maybe_snapshot();
    void drop_snapshots_after(int t);
    std::map<int, std::shared_ptr<const LiveState>> snaps_;
    int snap_every_ = 0;
    bool snap_unsupported_ = false;
    size_t snap_budget_ = size_t(192) << 20;
    std::vector<Tracked> tracked_;
    std::vector<TrackedSeries> series_;
    LiveViews scratch_;                       // views read for sampling
};

// ---- a second network on the same episode ("the twin")

// What the twin changes with respect to the main network.
struct TwinSpec {
    enum class Kind { None, NoPlasticity, Eta, AlphaScale, Config, Checkpoint };
    Kind kind = Kind::None;
    double value = 0;                         // Eta: the rate; AlphaScale: the factor
    std::vector<std::string> config;          // Config: key=value overrides (e.g. rule=oja)
    std::string checkpoint;                   // Checkpoint: a file of the same task (a baseline)
    std::string label() const;                // "no plasticity", "eta = 0.05", ...
};
// Parses "off", "no-plasticity", "eta=X", "alpha-scale=X", "rule=oja" (any key=value of the
// task), "baseline" (needs `baseline_checkpoint`), "checkpoint=FILE". Throws ConfigError.
TwinSpec parse_twin(const std::string& text);

// Applies a spec's parameter change to Task::save arrays: NoPlasticity zeroes the plasticity
// coefficients (param/A or param/alpha), Eta sets param/eta, AlphaScale scales the coefficients.
// Throws ConfigError when the task has no such parameter.
void edit_twin_params(const TwinSpec& spec, ArrayMap& params);

// A copy of `main` (same task, config and parameters, changed as `spec` says) ready to step.
// Throws std::runtime_error with a one-line reason.
std::unique_ptr<Task> make_twin_task(Task& main, const TwinSpec& spec);

// The difference a - b of two views of the same name and shape (twin or ghost comparison).
void view_difference(const MatR<float>& a, const MatR<float>& b, MatR<float>& out);

}  // namespace ps
