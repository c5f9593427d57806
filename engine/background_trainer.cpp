// The GUI's training thread (see background_trainer.hpp for the handoff rules).
#include "background_trainer.hpp"
#include "cancel.hpp"
#include <chrono>
#include <cmath>
#include <cstdio>
#include <exception>
#ifdef __linux__
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#endif

namespace ps {

namespace {
int64_t now_ns() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

}  // namespace

BackgroundTrainer::BackgroundTrainer(std::unique_ptr<Task> task, int64_t iter0) : task_(std::move(task)) {
    iter_.store(iter0);
    t0_ns_ = now_ns();
    publish_locked_swap();   // version 1: the parameters we start from
    timeline_.add(iter0, std::shared_ptr<const ArrayMap>(snap_, &snap_->params));
}

std::vector<TimelineEntry> BackgroundTrainer::timeline() const {
    std::lock_guard<std::mutex> lk(m_);
    return timeline_.entries();
}

void BackgroundTrainer::set_timeline(std::vector<TimelineEntry> e) {
    std::lock_guard<std::mutex> lk(m_);
    const TimelineEntry now = timeline_.entries().empty() ? TimelineEntry() : timeline_.entries().back();
    // The file's entries, then the parameters this trainer starts from if they are newer.
    if (now.params && (e.empty() || now.iter > e.back().iter)) e.push_back(now);
    timeline_.assign(std::move(e));
}

BackgroundTrainer::~BackgroundTrainer() { stop(); }

void BackgroundTrainer::start() {
    std::lock_guard<std::mutex> lk(m_);
    if (diverged_.load()) return;
    want_run_ = true;
    want_stop_ = false;   // a stop requested but not yet done is called off
    cancel_.store(false);
    if (!thread_alive_) {
        // An earlier thread has exited (it clears thread_alive_ as its last act under this lock):
        // joining it here is immediate.
        if (thread_.joinable()) thread_.join();
        thread_alive_ = true;
        thread_ = std::thread([this] { loop(); });
    }
    cv_.notify_all();
}

void BackgroundTrainer::pause() {
    std::lock_guard<std::mutex> lk(m_);
    want_run_ = false;
    want_publish_ = true;   // the GUI sees exactly where training stopped
    cv_.notify_all();
}

void BackgroundTrainer::request_stop() {
    std::lock_guard<std::mutex> lk(m_);
    want_run_ = false;
    if (!thread_alive_) return;
    want_stop_ = true;
    cancel_.store(true);
    cv_.notify_all();
}

void BackgroundTrainer::stop() {
    request_stop();
    if (thread_.joinable()) thread_.join();   // the thread clears thread_alive_ before it ends
    std::lock_guard<std::mutex> lk(m_);
    want_stop_ = false;
    want_run_ = false;
    cancel_.store(false);
}

bool BackgroundTrainer::thread_alive() const {
    std::lock_guard<std::mutex> lk(m_);
    return thread_alive_;
}

void BackgroundTrainer::set_fields(const std::vector<std::string>& kv) {
    post([kv](Task& t, int64_t) -> TrainerNote {
        try {
            apply_overrides(t.fields(), kv);
            t.apply_live_changes();
            return {};
        } catch (const std::exception& e) {
            return std::string("trainer rejected a setting: ") + e.what();
        }
    });
}

void BackgroundTrainer::request_publish() {
    {
        std::lock_guard<std::mutex> lk(m_);
        if (thread_alive_) {
            want_publish_ = true;
            cv_.notify_all();
            return;
        }
    }
    if (!diverged_.load()) publish_locked_swap();   // no thread: the task is ours to read
}

void BackgroundTrainer::post_on_thread(Action a) {
    std::lock_guard<std::mutex> lk(m_);
    pending_actions_.push_back(std::move(a));
    if (!thread_alive_) {
        // An earlier thread has exited (it clears thread_alive_ as its last act under this lock):
        // joining it here is immediate. The new one serves the action and then waits, not training.
        if (thread_.joinable()) thread_.join();
        thread_alive_ = true;
        thread_ = std::thread([this] { loop(); });
    }
    cv_.notify_all();
}

void BackgroundTrainer::post(Action a) {
    {
        std::lock_guard<std::mutex> lk(m_);
        if (thread_alive_) {
            pending_actions_.push_back(std::move(a));
            cv_.notify_all();
            return;
        }
    }
    // No trainer thread: nobody else touches the task, run it here.
    TrainerNote note = a(*task_, iter_.load());
    if (!note.text.empty()) {
        std::lock_guard<std::mutex> lk(m_);
        notes_.push_back(std::move(note));
    }
}

std::shared_ptr<const ParamSnapshot> BackgroundTrainer::snapshot() const {
    std::lock_guard<std::mutex> lk(m_);
    return snap_;
}

std::shared_ptr<const ParamSnapshot> BackgroundTrainer::snapshot_if_newer(uint64_t seen) const {
    std::lock_guard<std::mutex> lk(m_);
    if (snap_ && snap_->version > seen) return snap_;
    return nullptr;
}

void BackgroundTrainer::history_since(uint64_t& generation, size_t& count, std::vector<TrainPoint>& out) const {
    std::lock_guard<std::mutex> lk(m_);
    const auto& h = hist_.points();
    if (generation != hist_.generation() || count > h.size()) {
        out.assign(h.begin(), h.end());
        generation = hist_.generation();
    } else {
        out.insert(out.end(), h.begin() + std::ptrdiff_t(count), h.end());
    }
    count = h.size();
}

void BackgroundTrainer::set_history(std::vector<TrainPoint> past) {
    std::lock_guard<std::mutex> lk(m_);
    hist_.assign(std::move(past));
}

std::vector<TrainPoint> BackgroundTrainer::history() const {
    std::lock_guard<std::mutex> lk(m_);
    return hist_.points();
}

std::string BackgroundTrainer::message() const {
    std::lock_guard<std::mutex> lk(m_);
    return message_;
}

std::vector<TrainerNote> BackgroundTrainer::take_notes() {
    std::lock_guard<std::mutex> lk(m_);
    std::vector<TrainerNote> r;
    r.swap(notes_);
    return r;
}

void BackgroundTrainer::set_history_limit(size_t n) {
    std::lock_guard<std::mutex> lk(m_);
    hist_.set_limit(n);
}

// Task::save() runs without the lock (the task belongs to the calling thread); only the pointer
// swap is guarded, and the old snapshot is released after the lock is let go.
void BackgroundTrainer::publish_locked_swap() {
    auto s = std::make_shared<ParamSnapshot>();
    task_->save(s->params, false);
    s->iter = iter_.load();
    s->version = ++versions_;
    std::shared_ptr<const ParamSnapshot> old;
    {
        std::lock_guard<std::mutex> lk(m_);
        old = std::move(snap_);
        snap_ = std::move(s);
    }
}

void BackgroundTrainer::record(const StepStats& s, double seconds) {
    TrainPoint p;
    p.iter = iter_.load();
    p.loss = s.loss;
    p.metric = s.metric;
    p.extra = s.extra;
    p.seconds = seconds;
    std::lock_guard<std::mutex> lk(m_);
    hist_.add(std::move(p));
}

void BackgroundTrainer::loop() {
#ifdef __linux__
    // A niceness of 10 for this thread only: the GUI thread (and the GL rasteriser threads) come
    // first when the cores are busy, training takes what is left. Raising niceness needs no
    // privilege; failure is harmless.
    if (low_priority_) setpriority(PRIO_PROCESS, pid_t(syscall(SYS_gettid)), 10);
#endif
    t_cancel_flag = &cancel_;
    int64_t last_pub = now_ns();
    for (;;) {
        std::vector<Action> actions;
        bool pub = false, stop = false, run = false;
        {
            std::unique_lock<std::mutex> lk(m_);
            cv_.wait(lk, [&] {
                return want_stop_ || (want_run_ && !diverged_.load()) || !pending_actions_.empty() || want_publish_;
            });
            actions.swap(pending_actions_);
            pub = want_publish_;
            want_publish_ = false;
            stop = want_stop_;
            run = want_run_ && !diverged_.load() && !stop;
        }
        running_.store(run);
        for (auto& a : actions) {
            TrainerNote note = a(*task_, iter_.load());
            if (!note.text.empty()) {
                std::lock_guard<std::mutex> lk(m_);
                notes_.push_back(std::move(note));
            }
        }
        if ((pub || stop) && !diverged_.load()) {
            publish_locked_swap();
            last_pub = now_ns();
        }
        if (stop) {
            // Exit unless a start(), an action or a publish request came in meanwhile; deciding
            // and clearing thread_alive_ under one lock is what lets start() and post() trust it.
            std::lock_guard<std::mutex> lk(m_);
            if (want_stop_ && pending_actions_.empty() && !want_publish_) {
                running_.store(false);
                thread_alive_ = false;
                return;
            }
            continue;
        }
        if (!run) continue;

        StepStats s;
        try {
            s = task_->train_step();
        } catch (const Cancelled&) {
            continue;   // request_stop() during the step: it is not taken; the loop top exits
        } catch (const std::exception& e) {
            std::lock_guard<std::mutex> lk(m_);
            message_ = "Training stopped at step " + std::to_string(iter_.load() + 1) + ": " + e.what();
            want_run_ = false;
            running_.store(false);
            continue;
        }
        iter_.fetch_add(1);
        const std::string bad = task_->find_nonfinite();
        if (!std::isfinite(s.loss) || !bad.empty()) {
            const std::string msg = divergence_message(*task_, "step " + std::to_string(iter_.load()), s.loss, bad) +
                                    "; training is paused: train from scratch or restart from the last good parameters";
            diverged_.store(true);
            running_.store(false);
            std::lock_guard<std::mutex> lk(m_);
            message_ = msg;
            want_run_ = false;
            continue;   // the last finite snapshot stays published
        }
        const int64_t t = now_ns();
        record(s, double(t - t0_ns_) * 1e-9);
        if (timeline_.due(iter_.load())) {   // only this thread adds: reading it unlocked is safe
            auto copy = std::make_shared<ArrayMap>();
            task_->save(*copy, false);
            std::lock_guard<std::mutex> lk(m_);
            timeline_.add(iter_.load(), std::move(copy));
        }
        if (t - last_pub >= publish_interval_ms_.load() * 1000000) {
            publish_locked_swap();
            last_pub = t;
        }
    }
}

}  // namespace ps
