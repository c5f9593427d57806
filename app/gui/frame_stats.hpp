// Frame times of the window loop: the longest frame and the 99.9th percentile (printed by batch
// runs: the app must not freeze; tools/soak.py scores them), for `--bench-frames` the median,
// p95, the split between stepping, widgets, rendering and the swap, and what the last frame drew
// (bench/README.md); and, with --frame-log FILE, one CSV line per frame with its phases and the
// scripted actions it ran, to find what a long frame was doing.
#pragma once
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

namespace ps::gui {

class FrameStats {
public:
    explicit FrameStats(int warmup) : warmup_(warmup) {}
    ~FrameStats();
    FrameStats(const FrameStats&) = delete;
    FrameStats& operator=(const FrameStats&) = delete;
    // One frame: its wall time and phases (ms). `measured` = count it for the longest frame and
    // the percentile (not start-up, not a scripted wait, not a frame that wrote a screenshot).
    void add(int frame, double total_ms, double update_ms, double widgets_ms, double render_ms, double swap_ms,
             bool measured);
    // The frame log (--frame-log): "" or why the file cannot be written; then one CSV line per
    // frame (the fields of FrameRecord, in order).
    struct FrameRecord {
        int frame = 0;
        double t_s = 0;            // end of the frame, from the start of the loop
        double total_ms = 0;       // wall time of the whole frame
        double wait_ms = 0;        // events (and the idle wait for them)
        double script_ms = 0;      // scripted actions
        double prep_ms = 0;        // ImGui's new frame, keys
        double update_ms = 0, widgets_ms = 0, render_ms = 0, swap_ms = 0;
        double cpu_ms = 0;         // CPU time of the GUI thread in the frame: work, not waiting
        bool measured = false, building = false;
        std::string task;          // the task shown
        std::string actions;       // scripted actions run, ';'-separated; "(screenshot)"
    };
    std::string open_log(const std::string& path);
    void log(const FrameRecord& r);
    double measured_percentile(double p) const;   // over the measured frames (0 if none)
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
    std::vector<double> measured_ms_;
    std::FILE* log_ = nullptr;
};

double thread_cpu_ms();   // CPU time of the calling thread

}  // namespace ps::gui
