// The training thread behind the GUI. It owns its own Task object (never the one the GUI steps)
// and trains it with the task's analytic gradients while the GUI keeps drawing.
//
// Handoff rules (the house style for threads):
//  - one mutex, held only to copy: the trainer publishes an immutable parameter snapshot
//    (Task::save(..., false)) as a shared_ptr and appends its metrics to a history; readers copy
//    the pointer or the new history points and let go at once;
//  - requests from the GUI (live field changes, "publish now", actions such as saving a
//    checkpoint) go into a pending struct that the trainer applies between two steps;
//  - a non-finite loss or parameter pauses training with a message naming the step and
//    suggesting a lower learning rate; the last finite snapshot stays available.
// Engine-side code: no GUI include, nothing here draws.
#pragma once
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <vector>
#include "param_timeline.hpp"
#include "train_history.hpp"
#include "task.hpp"

namespace ps {

// Immutable once published: readers share it without locking.
struct ParamSnapshot {
    ArrayMap params;        // Task::save(params, /*with_optimizer=*/false)
    int64_t iter = 0;       // optimisation steps done when it was taken
    uint64_t version = 0;   // increases with every publication (first is 1)
};

// What an action tells the GUI: a line for the status bar, or an error to show as a popup.
struct TrainerNote {
    std::string text;   // "" = nothing to say
    bool error = false;
    TrainerNote() = default;
    TrainerNote(std::string t, bool e = false) : text(std::move(t)), error(e) {}
};

class BackgroundTrainer {
public:
    // Runs on the trainer thread between two steps (or on the caller's thread when no trainer
    // thread is alive). Gets the trainer's task and the step count; returns a note for the GUI.
    using Action = std::function<TrainerNote(Task& task, int64_t iter)>;

    // `task` is configured and initialised (or loaded) already; iter0 = steps done before
    // (from a checkpoint). Publishes the initial parameters as version 1.
    explicit BackgroundTrainer(std::unique_ptr<Task> task, int64_t iter0 = 0);
    ~BackgroundTrainer();   // stop() + join
    BackgroundTrainer(const BackgroundTrainer&) = delete;
    BackgroundTrainer& operator=(const BackgroundTrainer&) = delete;

    // ---- control (any thread)
    void start();   // starts the thread on first call; resumes if paused. No-op after divergence.
    void pause();   // the step under way finishes, then the thread waits (and publishes)
    // Ends the thread without waiting for it: a step under way is cancelled where the task allows
    // (PlasticNet checks between timesteps: engine/cancel.hpp) and not counted, the parameters
    // are published, then the thread exits. start() before it has exited keeps it running; posted
    // actions and publish requests are still served first.
    void request_stop();
    void stop();    // request_stop() and join; snapshot, history and message remain readable
    bool thread_alive() const;   // the thread exists and has not exited yet
    bool running() const { return running_.load(); }   // stepping right now (not paused/stopped)
    bool diverged() const { return diverged_.load(); }
    int64_t iterations() const { return iter_.load(); }

    // Run the training thread at a lower scheduling priority (Linux: nice 10) so that the GUI
    // stays smooth on a busy machine. Default on; takes effect when the thread starts.
    void set_low_priority(bool on) { low_priority_ = on; }

    // Minimum time between two parameter publications while running (0 = after every step).
    void set_publish_interval(double seconds) { publish_interval_ms_.store(int64_t(seconds * 1000)); }

    // ---- requests, applied by the trainer between two steps (any thread)
    // key=value settings of Live / Episode fields: apply_overrides on the trainer's task, then
    // Task::apply_live_changes(). A bad value becomes a note, never an exception here.
    void set_fields(const std::vector<std::string>& kv);
    void request_publish();   // publish the parameters after the current step
    void post(Action a);      // see Action
    // The same, but always on the trainer's thread (started idle if it is not running): for work
    // the caller must not wait for, such as writing a checkpoint of hundreds of MB from the GUI.
    void post_on_thread(Action a);

    // ---- results (any thread; the mutex is held only while copying)
    std::shared_ptr<const ParamSnapshot> snapshot() const;
    // The snapshot if its version is newer than `seen`, else nullptr.
    std::shared_ptr<const ParamSnapshot> snapshot_if_newer(uint64_t seen) const;
    // Incremental copy of the history. `generation` and `count` are the caller's cursor (start
    // both at 0): when the trainer has compacted its history since, `out` is cleared and refilled.
    void history_since(uint64_t& generation, size_t& count, std::vector<TrainPoint>& out) const;
    // Status line: "" while all is well, the divergence message after a NaN/Inf.
    std::string message() const;
    // Notes from actions and rejected settings since the last call.
    std::vector<TrainerNote> take_notes();

    // The meta-training timeline: parameter copies spread over the run (param_timeline.hpp),
    // oldest first; the first is the parameters training started from.
    std::vector<TimelineEntry> timeline() const;
    // Entries from before this trainer (a checkpoint's); call before start().
    void set_timeline(std::vector<TimelineEntry> e);

    // History length that triggers a 2:1 compaction (tests make it small).
    void set_history_limit(size_t n);
    // Points from before this trainer (a checkpoint's); call before start().
    void set_history(std::vector<TrainPoint> past);
    std::vector<TrainPoint> history() const;   // a copy of every point (any thread)

private:
    void loop();
    void publish_locked_swap();   // save() outside the lock, swap the pointer inside it
    void record(const StepStats& s, double seconds);

    std::unique_ptr<Task> task_;   // touched only by the trainer thread while it lives
    std::thread thread_;
    std::atomic<bool> running_{false}, diverged_{false};
    std::atomic<int64_t> iter_{0};
    std::atomic<int64_t> publish_interval_ms_{100};
    std::atomic<bool> low_priority_{true};
    std::atomic<bool> cancel_{false};   // the running step's cancel flag (t_cancel_flag)
    uint64_t versions_ = 0;        // trainer side (or constructor) only

    mutable std::mutex m_;         // guards everything below
    std::condition_variable cv_;
    bool thread_alive_ = false, want_run_ = false, want_stop_ = false, want_publish_ = false;
    std::vector<std::string> pending_kv_;
    std::vector<Action> pending_actions_;
    std::shared_ptr<const ParamSnapshot> snap_;
    std::string message_;
    std::vector<TrainerNote> notes_;
    ParamTimeline timeline_;       // written by the trainer thread (and set_timeline) under m_
    TrainHistory hist_;
    int64_t t0_ns_ = 0;
};

}  // namespace ps
