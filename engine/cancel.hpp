// Cooperative cancellation of a long training step. A step of a large plastic network (N = 4096:
// 10-30 s) must not hold the GUI when the user stops training or rebuilds the network (no
// freeze over a second): the trainer thread sets its flag, and the network's step and backward
// loops check it between timesteps and throw Cancelled. The parameters are untouched (the
// optimiser runs after the backward pass), so the cancelled step is simply not taken.
#pragma once
#include <atomic>
#include <stdexcept>

namespace ps {

struct Cancelled : std::runtime_error {
    Cancelled() : std::runtime_error("training step cancelled") {}
};

// The calling thread's cancel flag; nullptr (every thread but a BackgroundTrainer's): never.
inline thread_local const std::atomic<bool>* t_cancel_flag = nullptr;

inline void check_cancel() {
    if (t_cancel_flag && t_cancel_flag->load(std::memory_order_relaxed)) throw Cancelled();
}

}  // namespace ps
