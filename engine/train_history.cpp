// A training run's bounded history (see train_history.hpp).
#include "train_history.hpp"
#include <cmath>
#include <limits>
#include <stdexcept>

namespace ps {

namespace {
// Weighted mean of two points (a before b); the result ends where b ends.
TrainPoint merge(const TrainPoint& a, const TrainPoint& b) {
    TrainPoint r;
    const double wa = a.steps, wb = b.steps, w = wa + wb;
    r.iter = b.iter;
    r.steps = a.steps + b.steps;
    r.loss = (a.loss * wa + b.loss * wb) / w;
    r.metric = (a.metric * wa + b.metric * wb) / w;
    r.seconds = b.seconds;
    r.extra = a.extra;
    for (const auto& [k, v] : b.extra) {
        auto it = r.extra.find(k);
        if (it == r.extra.end()) r.extra[k] = v;
        else it->second = (it->second * wa + v * wb) / w;
    }
    return r;
}

}  // namespace

void TrainHistory::add(TrainPoint p) {
    if (stride_ > 1) {
        acc_ = acc_steps_ == 0 ? p : merge(acc_, p);
        acc_steps_ += p.steps;
        if (acc_steps_ < stride_) return;
        p = acc_;
        acc_steps_ = 0;
    }
    points_.push_back(std::move(p));
    if (points_.size() >= limit_) compact();
}

void TrainHistory::compact() {   // 2:1: memory stays bounded, the curve keeps its shape
    std::vector<TrainPoint> h;
    h.reserve(points_.size() / 2 + 1);
    for (size_t i = 0; i + 1 < points_.size(); i += 2) h.push_back(merge(points_[i], points_[i + 1]));
    if (points_.size() % 2) h.push_back(points_.back());
    points_.swap(h);
    stride_ *= 2;
    acc_steps_ = 0;
    ++generation_;
}

void TrainHistory::set_limit(size_t n) {
    limit_ = n < 4 ? 4 : n;
    while (points_.size() >= limit_) compact();
}

void TrainHistory::assign(std::vector<TrainPoint> p) {
    points_ = std::move(p);
    stride_ = 1;
    for (const auto& q : points_) stride_ = std::max(stride_, q.steps);
    acc_steps_ = 0;
    ++generation_;
    while (points_.size() >= limit_) compact();
}

void TrainHistory::truncate_after(int64_t iter) {
    size_t n = 0;
    while (n < points_.size() && points_[n].iter <= iter) ++n;
    if (n == points_.size()) return;
    points_.resize(n);
    acc_steps_ = 0;
    ++generation_;
}

void save_history(ArrayMap& out, const std::vector<TrainPoint>& points, int eps_per_step,
                  const std::vector<TrainMark>& marks) {
    if (points.empty() && marks.empty()) return;
    const int64_t eps = std::max(1, eps_per_step);
    std::vector<int64_t> ep, steps;
    std::vector<std::string> keys;
    for (const auto& p : points)
        for (const auto& [k, v] : p.extra)
            if (std::find(keys.begin(), keys.end(), k) == keys.end()) keys.push_back(k);
    auto f64 = [&](auto get) {
        Array a;
        a.dtype = Array::Dtype::F64;
        a.shape = {int64_t(points.size())};
        for (const auto& p : points) a.f64.push_back(get(p));
        return a;
    };
    for (const auto& p : points) {
        ep.push_back(p.iter * eps);
        steps.push_back(p.steps);
    }
    out["history/episode"] = i64_array(ep);
    out["history/steps"] = i64_array(steps);
    out["history/loss"] = f64([](const TrainPoint& p) { return p.loss; });
    out["history/metric"] = f64([](const TrainPoint& p) { return p.metric; });
    for (const auto& k : keys) {
        if (k == "episode" || k == "steps" || k == "loss" || k == "metric" || k == "marks") continue;
        out["history/" + k] = f64([&](const TrainPoint& p) {
            auto it = p.extra.find(k);
            return it == p.extra.end() ? std::numeric_limits<double>::quiet_NaN() : it->second;
        });
    }
    MarkList m;
    for (const auto& mk : marks) m.push_back({mk.episode, mk.label});
    out["history/marks"] = marks_array(m);
}

std::vector<TrainPoint> load_history(const ArrayMap& in, int eps_per_step, std::vector<TrainMark>* marks) {
    std::vector<TrainPoint> pts;
    auto it = in.find("history/episode");
    if (it == in.end()) return pts;
    const Array& ep = it->second;
    const int64_t K = ep.size();
    auto column = [&](const std::string& name) -> const Array* {
        auto c = in.find(name);
        if (c == in.end()) return nullptr;
        if (c->second.size() != K) throw std::runtime_error("array '" + name + "' has " + std::to_string(c->second.size()) +
                                                            " values, history/episode " + std::to_string(K));
        return &c->second;
    };
    const Array* loss = column("history/loss");
    const Array* metric = column("history/metric");
    const Array* steps = column("history/steps");
    if (!loss || !metric) throw std::runtime_error("history/episode without history/loss and history/metric");
    const int64_t eps = std::max(1, eps_per_step);
    int64_t last = -1;
    for (int64_t i = 0; i < K; ++i) {
        const double e = ep.at(i);
        if (!(e >= 0) || e > 9e15 || e < double(last)) throw std::runtime_error("array 'history/episode' is not a rising count");
        last = int64_t(e);
        TrainPoint p;
        p.iter = int64_t(e) / eps;
        p.loss = loss->at(i);
        p.metric = metric->at(i);
        p.steps = steps ? int(std::max(1.0, std::min(1e9, steps->at(i)))) : 1;
        pts.push_back(p);
    }
    for (auto c = in.lower_bound("history/"); c != in.end() && c->first.rfind("history/", 0) == 0; ++c) {
        const std::string k = c->first.substr(8);
        if (k == "episode" || k == "loss" || k == "metric" || k == "steps" || k == "marks") continue;
        const Array* a = column(c->first);
        for (int64_t i = 0; i < K; ++i)
            if (std::isfinite(a->at(i))) pts[size_t(i)].extra[k] = a->at(i);
    }
    if (marks) {
        marks->clear();
        auto m = in.find("history/marks");
        if (m != in.end()) {   // [[episode, "label"], ...] as written above
            for (auto& [e, label] : array_marks(m->second)) marks->push_back({e, label});
        }
    }
    return pts;
}

}  // namespace ps
