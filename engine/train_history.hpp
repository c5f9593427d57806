// A training run's history: one point per optimisation step (loss, metric, what the task reports
// besides: eta, grad_norm, ...), bounded by merging neighbouring points 2:1 whenever it reaches
// its limit (a point then stands for the mean of several steps); and the marks of settings changed
// while training. The GUI's trainer and `plastiscope train` keep one each, and checkpoints carry
// it, so a trained network shows how it was trained:
//   history/episode (K) int64   episodes done at the end of each point
//   history/loss, history/metric (K) float64, history/steps (K) int64 (steps a point averages)
//   history/NAME (K) float64    every reported quantity (history/eta, ...), NaN where absent
//   history/marks               JSON text: [[episode, "label"], ...]
#pragma once
#include <cstdint>
#include <map>
#include <string>
#include <vector>
#include "arrays.hpp"

namespace ps {

// One entry of the curve: the mean over `steps` consecutive optimisation steps.
struct TrainPoint {
    int64_t iter = 0;       // optimisation steps done at the end of this point
    int steps = 1;          // how many steps this point averages
    double loss = 0, metric = 0;
    std::map<std::string, double> extra;   // StepStats::extra, averaged the same way
    double seconds = 0;     // wall-clock seconds since the run (or trainer) started
};

// A setting changed while training, at the episodes done then.
struct TrainMark {
    int64_t episode = 0;
    std::string label;      // "lr = 0.0001"
};

class TrainHistory {
public:
    explicit TrainHistory(size_t limit = 50000) : limit_(limit < 4 ? 4 : limit) {}
    void add(TrainPoint p);
    const std::vector<TrainPoint>& points() const { return points_; }
    uint64_t generation() const { return generation_; }   // changes when the points are rebuilt
    void set_limit(size_t n);
    // Replaces the points (a checkpoint's), compacting if there are more than the limit.
    void assign(std::vector<TrainPoint> p);
    // Forgets the points after `iter` (a resumed run starts again from its checkpoint).
    void truncate_after(int64_t iter);

private:
    void compact();
    std::vector<TrainPoint> points_;
    size_t limit_;
    int stride_ = 1;        // steps per point after compactions
    TrainPoint acc_;        // partial point being averaged (stride_ > 1)
    int acc_steps_ = 0;
    uint64_t generation_ = 0;
};

// Writes history/... arrays (episodes = iter * eps_per_step). Nothing when both are empty.
void save_history(ArrayMap& out, const std::vector<TrainPoint>& points, int eps_per_step,
                  const std::vector<TrainMark>& marks = {});
// Reads them back (absent: empty). Throws std::runtime_error naming a bad array.
std::vector<TrainPoint> load_history(const ArrayMap& in, int eps_per_step, std::vector<TrainMark>* marks = nullptr);

}  // namespace ps
