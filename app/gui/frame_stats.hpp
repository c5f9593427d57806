// Frame times of the window loop: the longest frame (printed by batch runs: the app must not
// freeze), and for `--bench-frames` the median, p95, the split between stepping, widgets,
// rendering and the swap, and what the last frame drew (bench/README.md).
#pragma once
#include <cstdint>
#include <string>
#include <vector>

namespace ps::gui {

class FrameStats {
public:
    explicit FrameStats(int warmup) : warmup_(warmup) {}
    // One frame: its wall time and phases (ms). `measured` = count it for the longest frame
    // (not start-up, not a scripted wait).
    void add(int frame, double total_ms, double update_ms, double widgets_ms, double render_ms, double swap_ms,
             bool measured);
    void mark_warmup_cpu();   // call at the end of the last warm-up frame
    double longest_ms() const { return stall_ms_; }
    int longest_frame() const { return stall_frame_; }
    double percentile(double p) const;   // over the measured frames after warm-up
    // The benchmark's report (several lines).
    std::string bench_report(int width, int height, int64_t trainer_iterations) const;

private:
    int warmup_;
    std::vector<double> frame_ms_;
    double phase_ms_[4] = {0, 0, 0, 0};
    double cpu_at_warmup_ = 0;
    double stall_ms_ = 0;
    int stall_frame_ = -1;
};

double thread_cpu_ms();   // CPU time of the calling thread

}  // namespace ps::gui
