// Work the GUI thread hands off and does not wait for: freeing a replaced network and its episode
// history (hundreds of MB), joining a replaced trainer or an abandoned build, giving freed pages
// back to the system. Each piece runs on a thread of its own; finished threads are joined when new
// work comes in, the rest when the owner goes (the end of a session is the one wait).
#pragma once
#if defined(__GLIBC__)
#include <malloc.h>
#endif
#include <atomic>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

namespace ps::gui {

// glibc keeps freed heap pages (its mmap threshold rises after the first large free), so
// without this the app's resident memory ratchets up over a long session although nothing
// leaks. Trimming after a network is freed, and not by forcing every large allocation through
// mmap, leaves the training loops' allocations fast (a fixed 1 MB mmap threshold made Omniglot
// training spend a third of its time in page faults). It walks every arena: run it aside.
// Under AddressSanitizer the heap is ASan's, not glibc's: glibc's malloc_trim then walks an arena
// that was never set up and faults (seen in the ASan GUI tests), and there is nothing of glibc's
// to give back anyway.
#if defined(__SANITIZE_ADDRESS__)
#define PS_ASAN_HEAP 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define PS_ASAN_HEAP 1
#endif
#endif
inline void release_freed_memory() {
#if defined(__GLIBC__) && !defined(PS_ASAN_HEAP)
    malloc_trim(0);
#endif
}

class AsideThreads {
public:
    AsideThreads() = default;
    AsideThreads(const AsideThreads&) = delete;
    AsideThreads& operator=(const AsideThreads&) = delete;
    ~AsideThreads() { reap(true); }

    void run(std::function<void()> work) {
        reap(false);
        auto done = std::make_shared<std::atomic<bool>>(false);
        std::thread th([work = std::move(work), done]() mutable {
            work();
            work = nullptr;   // what it captured goes here too, not on the joining thread
            done->store(true);
        });
        threads_.push_back({std::move(th), std::move(done)});
    }
    // Frees `p` on a thread of its own (nothing if it is null), then trims the heap there.
    template <class T>
    void free(std::unique_ptr<T> p) {
        if (!p) return;
        std::shared_ptr<T> hold(std::move(p));
        run([hold = std::move(hold)]() mutable {   // the only owner: freed there
            hold.reset();
            release_freed_memory();
        });
    }
    // Joins the finished threads (all of them: waits).
    void reap(bool all) {
        for (size_t i = 0; i < threads_.size();) {
            if (all || threads_[i].done->load()) {
                threads_[i].th.join();
                threads_.erase(threads_.begin() + std::ptrdiff_t(i));
            } else {
                ++i;
            }
        }
    }
    size_t running() const { return threads_.size(); }

private:
    struct Entry {
        std::thread th;
        std::shared_ptr<std::atomic<bool>> done;
    };
    std::vector<Entry> threads_;
};

}  // namespace ps::gui
