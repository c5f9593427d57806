// One piece of work on a thread of its own, whose result the GUI thread picks up when it is
// ready (poll once per frame; never wait). The thread is owned here: destroying the job asks it
// to stop (the work sees `cancel`) and joins it, so no thread outlives what it works on.
#pragma once
#include <atomic>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <thread>

namespace ps::gui {

template <class T>
class Job {
public:
    using Work = std::function<T(const std::atomic<bool>& cancel)>;
    Job() = default;
    Job(const Job&) = delete;
    Job& operator=(const Job&) = delete;
    ~Job() { cancel_and_join(); }

    // Starts `work`; a job already running is cancelled and joined first.
    void start(Work work) {
        cancel_and_join();
        auto st = std::make_shared<State>();
        state_ = st;
        thread_ = std::thread([st, work = std::move(work)] {
            try {
                st->result = work(st->cancel);
            } catch (const std::exception& e) {
                st->error = e.what();
            }
            st->done.store(true);
        });
    }
    bool running() const { return state_ && !state_->done.load(); }
    // The result once the work is done (then the job is empty again); nullopt while it runs or
    // when it threw (error() says what).
    std::optional<T> take() {
        if (!state_ || !state_->done.load()) return std::nullopt;
        thread_.join();
        auto st = std::move(state_);
        error_ = st->error;
        if (!st->error.empty()) return std::nullopt;
        return std::move(st->result);
    }
    bool finished() const { return state_ && state_->done.load(); }
    const std::string& error() const { return error_; }
    // Leaves the job to end by itself: asks it to stop and hands its thread to the caller, who
    // joins it elsewhere (AsideThreads); the result, if any, is freed on that thread. The job is
    // empty again at once.
    std::thread abandon() {
        if (state_) state_->cancel.store(true);
        state_.reset();
        return std::move(thread_);
    }
    void cancel_and_join() {
        if (state_) state_->cancel.store(true);
        if (thread_.joinable()) thread_.join();
        state_.reset();
    }

private:
    struct State {
        std::atomic<bool> cancel{false}, done{false};
        T result{};
        std::string error;
    };
    std::shared_ptr<State> state_;
    std::thread thread_;
    std::string error_;
};

}  // namespace ps::gui
