// A recording played back as a live task: `plastiscope view FILE.npz` opens any file in the
// recording format (docs/recording-format.md; written by `plastiscope record`, by the Python
// module's Recorder, or by anyone with numpy) in the lab, with everything the lab offers a live
// episode — matrix views with zoom and hover, the activity raster, images, scalars, scrubbing,
// the tracker, screenshots and animations. It cannot be trained: it is what one network did.
#pragma once
#include <map>
#include <string>
#include <vector>
#include "task.hpp"

namespace ps {

// Reads and checks a recording: `x` present and 2-D with T+1 >= 2 rows, every per-step array
// with T steps, no NaN or Inf. Throws std::runtime_error("FILE: what is wrong, naming the array").
ArrayMap read_recording(const std::string& path);
void check_recording(const ArrayMap& rec, const std::string& path);

class RecordingTask final : public Task {
public:
    // `rec` must have passed check_recording.
    RecordingTask(ArrayMap rec, const std::string& path);

    std::vector<Field> fields() override { return {}; }
    void init(uint64_t) override {}
    StepStats train_step() override;
    double eval_episode(Rng&) override;
    void save(ArrayMap& out, bool) const override;
    void load(const ArrayMap& in, bool) override;
    void grad_dump(uint64_t, ArrayMap&) override;
    void describe(ArrayMap& out) override;
    void live_restart() override;
    bool live_step() override;
    void live_views(LiveViews& v) override;

    int steps() const { return T_; }
    const std::string& recorded_task() const { return task_; }

protected:
    void apply_preset(const std::string&) override {}
    void tensors(std::vector<TensorRef>&) const override {}

private:
    struct Stack {
        std::vector<float> data;   // (T, rows, cols)
        int rows = 0, cols = 0;
        float lo = 0, hi = 1;      // one colour range for the whole recording
        bool constant = false;     // the same at every step (a parameter): shown at t = 0 too
        MatR<float> now;           // the slice shown
    };
    void show(int t);              // fills the shown slices for step t (0: before the first step)

    ArrayMap rec_;
    std::string path_, task_;
    int T_ = 0, N_ = 0, t_ = 0;
    MatR<float> x_;                // (T+1, N)
    MatR<float> activity_, inputs_;
    std::map<std::string, Stack> views_, images_;
    std::map<std::string, std::vector<float>> scalars_;
    std::vector<std::pair<int, std::string>> marks_;
    std::vector<float> target_;
};

}  // namespace ps
