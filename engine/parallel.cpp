// Fork-join pool of the per-step kernels (see parallel.hpp).
#include "parallel.hpp"
#include <algorithm>
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define PS_PAUSE() _mm_pause()
#else
#define PS_PAUSE() ((void)0)
#endif

namespace ps {

namespace {
std::atomic<int> g_threads{1};
}

void set_kernel_threads(int k) { g_threads = std::clamp(k, 1, 64); }
int kernel_threads() { return g_threads; }

StepPool::StepPool(int threads) {
    for (int k = 1; k < std::max(threads, 1); ++k) workers_.emplace_back([this, k] { worker(k); });
}

StepPool::~StepPool() {
    stop_ = true;
    {
        std::lock_guard<std::mutex> lk(m_);
        gen_.fetch_add(1);
    }
    cv_.notify_all();
    for (auto& t : workers_) t.join();
}

void StepPool::run(const std::function<void(int)>& f) {
    if (workers_.empty()) { f(0); return; }
    job_ = &f;
    pending_.store(int(workers_.size()), std::memory_order_relaxed);
    if (sleepers_.load() > 0) {
        std::lock_guard<std::mutex> lk(m_);
        gen_.fetch_add(1);
        cv_.notify_all();
    } else {
        gen_.fetch_add(1);
        if (sleepers_.load() > 0) {   // a worker went to sleep between the two checks
            std::lock_guard<std::mutex> lk(m_);
            cv_.notify_all();
        }
    }
    f(0);
    // Spin briefly (the parts are the same size), then yield: when the cores are oversubscribed
    // the worker may be waiting for this very core.
    for (int spins = 0; pending_.load(std::memory_order_acquire) > 0; ++spins) {
        if (spins < 4000) PS_PAUSE();
        else std::this_thread::yield();
    }
    job_ = nullptr;
}

void StepPool::worker(int k) {
    unsigned long seen = 0;
    for (;;) {
        // Spin for a while (the next step usually follows within microseconds), then sleep.
        int spins = 0;
        unsigned long g;
        while ((g = gen_.load(std::memory_order_acquire)) == seen && spins < 20000) {
            if (spins < 4000) PS_PAUSE();
            else std::this_thread::yield();
            ++spins;
        }
        if (g == seen) {
            std::unique_lock<std::mutex> lk(m_);
            sleepers_.fetch_add(1);
            cv_.wait(lk, [&] { return gen_.load(std::memory_order_acquire) != seen; });
            sleepers_.fetch_sub(1);
            g = gen_.load(std::memory_order_acquire);
        }
        seen = g;
        if (stop_) return;
        (*job_)(k);
        pending_.fetch_sub(1, std::memory_order_release);
    }
}

}  // namespace ps
