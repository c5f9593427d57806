// Plot arrays from trainer histories (see curve_model.hpp).
#include "gui/curve_model.hpp"
#include <cmath>
#include "gui/plot.hpp"

namespace ps::gui {

namespace {
void build(const std::vector<TrainPoint>& a, const std::vector<TrainPoint>& b, int eps, CurveData& c) {
    const size_t n = a.size() + b.size();
    c.x.resize(n);
    c.loss.resize(n);
    c.metric.resize(n);
    c.extra.clear();
    for (size_t i = 0; i < n; ++i) {
        const TrainPoint& p = i < a.size() ? a[i] : b[i - a.size()];
        c.x[i] = double(p.iter) * eps;
        c.loss[i] = p.loss;
        c.metric[i] = p.metric;
        for (const auto& [k, v] : p.extra) {
            auto& e = c.extra[k];
            if (e.size() < i) e.resize(i, std::nan(""));
            e.push_back(v);
        }
    }
    for (auto& [k, e] : c.extra) e.resize(n, std::nan(""));
}
}  // namespace

void CurveModel::update(const TrainerLink& link, double clock) {
    const size_t key = link.history().size() * 1000003u +
                       link.baseline_history().size() * 7919u + size_t(link.generation()) * 31u;
    const bool changed = dirty_ || key != key_;
    if (changed && (dirty_ || clock - built_at_ > 0.25)) {
        static const std::vector<TrainPoint> none;
        build(none, link.history(), link.eps_per_step(), cur_);
        build(none, link.baseline_history(), link.baseline_eps_per_step(), base_);
        key_ = key;
        built_at_ = clock;
        dirty_ = false;
        built_smoothing_ = -1;
    }
    if (built_smoothing_ != smoothing) {
        for (CurveData* c : {&cur_, &base_}) {
            c->s_loss = smooth_ema(c->loss, smoothing);
            c->s_metric = smooth_ema(c->metric, smoothing);
            c->s_extra.clear();
            for (const auto& [k, e] : c->extra) c->s_extra[k] = smooth_ema(e, smoothing);
        }
        built_smoothing_ = smoothing;
    }
}

}  // namespace ps::gui
