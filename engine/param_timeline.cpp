// The meta-training timeline (see param_timeline.hpp).
#include "param_timeline.hpp"
#include <algorithm>
#include <stdexcept>
#include <string>

namespace ps {

namespace {
size_t bytes_of(const ArrayMap& m) {
    size_t b = 0;
    for (const auto& [k, a] : m) b += a.f32.size() * 4 + a.f64.size() * 8 + a.u8.size() + a.i64.size() * 8;
    return b;
}
}  // namespace

void ParamTimeline::add(int64_t iter, std::shared_ptr<const ArrayMap> params) {
    if (!params) return;
    entries_.push_back({iter, std::move(params)});
    thin();
}

void ParamTimeline::thin() {
    const size_t per = entries_.empty() ? 1 : std::max<size_t>(1, bytes_of(*entries_.front().params));
    const size_t cap = std::max<size_t>(2, std::min(max_count_, max_bytes_ / per));
    while (entries_.size() > cap) {
        std::vector<TimelineEntry> kept;
        for (size_t i = 0; i < entries_.size(); i += 2) kept.push_back(std::move(entries_[i]));
        if (entries_.size() % 2 == 0) kept.push_back(std::move(entries_.back()));   // the newest stays
        entries_.swap(kept);
        every_ *= 2;
    }
}

void ParamTimeline::assign(std::vector<TimelineEntry> e) {
    std::sort(e.begin(), e.end(), [](const TimelineEntry& a, const TimelineEntry& b) { return a.iter < b.iter; });
    entries_ = std::move(e);
    every_ = 1;
    if (entries_.size() >= 2) {
        const int64_t span = entries_.back().iter - entries_.front().iter;
        while (every_ * int64_t(entries_.size()) < span) every_ *= 2;
    }
    thin();
}

void ParamTimeline::save(ArrayMap& out, size_t keep) const {
    if (entries_.empty() || keep == 0) return;
    std::vector<size_t> idx;
    const size_t n = entries_.size();
    if (n <= keep) {
        for (size_t i = 0; i < n; ++i) idx.push_back(i);
    } else {
        for (size_t k = 0; k < keep; ++k) idx.push_back(k * (n - 1) / std::max<size_t>(1, keep - 1));
        idx.erase(std::unique(idx.begin(), idx.end()), idx.end());
    }
    std::vector<int64_t> iters;
    for (size_t k = 0; k < idx.size(); ++k) {
        const TimelineEntry& e = entries_[idx[k]];
        iters.push_back(e.iter);
        for (const auto& [name, a] : *e.params)
            if (name.rfind("param/", 0) == 0) out["timeline/" + std::to_string(k) + "/" + name] = a;
    }
    out["timeline/iter"] = i64_array(iters);
}

std::vector<TimelineEntry> ParamTimeline::load(const ArrayMap& in) {
    std::vector<TimelineEntry> out;
    auto it = in.find("timeline/iter");
    if (it == in.end()) return out;
    const Array& a = it->second;
    if (a.shape.size() != 1) throw std::runtime_error("array 'timeline/iter' must be 1-D");
    for (int64_t k = 0; k < a.size(); ++k) {
        const double v = a.at(k);
        if (!(v >= 0) || v > 9.2e18) throw std::runtime_error("array 'timeline/iter' holds a bad iteration");
        auto m = std::make_shared<ArrayMap>();
        const std::string prefix = "timeline/" + std::to_string(k) + "/";
        for (auto p = in.lower_bound(prefix); p != in.end() && p->first.rfind(prefix, 0) == 0; ++p)
            (*m)[p->first.substr(prefix.size())] = p->second;
        if (m->empty()) throw std::runtime_error("timeline entry " + std::to_string(k) + " has no parameters");
        out.push_back({int64_t(v), std::move(m)});
    }
    return out;
}

}  // namespace ps
