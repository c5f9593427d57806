// The meta-training timeline: copies of a network's parameters taken as training goes on, so a
// viewer can show W, A and eta at any point of training and run an episode with them (watch the
// network learn to learn). Bounded: at most `max_count` copies and `max_bytes` in all; when full,
// every other copy goes and the interval between copies doubles, so the copies stay spread over
// the whole run (denser early, where most of the learning happens, only as far as the bound
// allows). Stored in checkpoints as timeline/iter (K) and timeline/<k>/param/NAME.
#pragma once
#include <cstdint>
#include <memory>
#include <vector>
#include "arrays.hpp"

namespace ps {

struct TimelineEntry {
    int64_t iter = 0;                           // optimisation steps done
    std::shared_ptr<const ArrayMap> params;     // Task::save(.., false) arrays ("param/...")
};

class ParamTimeline {
public:
    explicit ParamTimeline(size_t max_count = 64, size_t max_bytes = size_t(256) << 20)
        : max_count_(max_count < 2 ? 2 : max_count), max_bytes_(max_bytes) {}

    // Should a copy be taken after step `iter`?
    bool due(int64_t iter) const { return entries_.empty() || iter >= entries_.back().iter + every_; }
    void add(int64_t iter, std::shared_ptr<const ArrayMap> params);
    // Replaces the entries (from a checkpoint); the interval continues from their spacing.
    void assign(std::vector<TimelineEntry> e);
    const std::vector<TimelineEntry>& entries() const { return entries_; }
    int64_t every() const { return every_; }

    // Checkpoint arrays: at most `keep` entries, evenly thinned, always the first and the last.
    void save(ArrayMap& out, size_t keep) const;
    // Reads timeline/... arrays (none: empty). Throws std::runtime_error naming a bad array.
    static std::vector<TimelineEntry> load(const ArrayMap& in);

private:
    void thin();
    size_t max_count_, max_bytes_;
    std::vector<TimelineEntry> entries_;
    int64_t every_ = 1;
};

}  // namespace ps
