// A small fork-join pool for the per-timestep kernels of the plastic network. One step of a
// large network (N = 1000: ~0.5 ms) is too short for a general task queue; here the calling
// thread runs part 0 itself, the workers spin briefly on a generation counter before sleeping, and
// the split is fixed (part k of K always gets the same rows), so a run with K threads gives the
// same bits every time.
//
// The thread count is a process-wide setting (`plastiscope train --threads K`); the GUI keeps 1.
#pragma once
#include <atomic>
#include <condition_variable>
#include <functional>
#include <mutex>
#include <thread>
#include <vector>

namespace ps {

// Threads the engine's kernels may use (>= 1). Takes effect for networks built or stepped after.
void set_kernel_threads(int k);
int kernel_threads();

class StepPool {
public:
    explicit StepPool(int threads);   // threads >= 1 (1: run() just calls f(0))
    ~StepPool();
    StepPool(const StepPool&) = delete;
    StepPool& operator=(const StepPool&) = delete;
    int size() const { return int(workers_.size()) + 1; }
    // Runs f(k) for k = 0..size()-1 (k = 0 on this thread); returns when every part is done.
    // Exceptions must not escape f.
    void run(const std::function<void(int)>& f);

private:
    void worker(int k);
    std::vector<std::thread> workers_;
    const std::function<void(int)>* job_ = nullptr;
    std::atomic<unsigned long> gen_{0};
    std::atomic<int> pending_{0};
    std::atomic<bool> stop_{false};
    std::mutex m_;
    std::condition_variable cv_;
    std::atomic<int> sleepers_{0};
};

}  // namespace ps
