// The plot arrays of the Curves window, built from the trainer histories (the run so far, what
// the checkpoint recorded before it, the baseline) against episodes, so that a main run and a
// baseline with different batch sizes share one axis; smoothing; the marks of settings changed
// while training. Rebuilt at most four times a second, so drawing never walks 50 000 points.
#pragma once
#include <map>
#include <string>
#include <vector>
#include "gui/trainer_link.hpp"

namespace ps::gui {

struct CurveData {
    std::vector<double> x, loss, metric, s_loss, s_metric;   // x: episodes
    std::map<std::string, std::vector<double>> extra, s_extra;
};

class CurveModel {
public:
    // Rebuilds from the link's histories when they changed (throttled to 4 Hz unless forced).
    void update(const TrainerLink& link, double clock);
    void invalidate() { dirty_ = true; }
    const CurveData& main() const { return cur_; }
    const CurveData& baseline() const { return base_; }
    float smoothing = 0.9f;
    std::string extra_key = "eta";   // which StepStats::extra the third curve shows
    bool log_loss = true;

private:
    CurveData cur_, base_;
    size_t key_ = size_t(-1);
    double built_at_ = -1e9;
    float built_smoothing_ = -1;
    bool dirty_ = true;
};

}  // namespace ps::gui
