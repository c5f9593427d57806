// Recording one live episode (see record.hpp).
#include "record.hpp"
#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <stdexcept>

namespace ps {

namespace {
// A (steps, rows, cols) float32 array filled one step at a time.
struct Stack {
    Array a;
    Stack(int64_t steps, int64_t rows, int64_t cols) {
        a.dtype = Array::Dtype::F32;
        a.shape = {steps, rows, cols};
        a.f32.assign(size_t(steps * rows * cols), 0.f);
    }
    void put(int64_t t, const float* data, size_t n) {
        const size_t per = size_t(a.shape[1] * a.shape[2]);
        std::memcpy(a.f32.data() + size_t(t) * per, data, std::min(n, per) * sizeof(float));
    }
};

}  // namespace

bool parse_cell(const std::string& text, RecordOptions::Cell& cell) {
    std::string rc = text;
    cell.view.clear();
    const auto colon = text.find(':');
    if (colon != std::string::npos) {
        cell.view = text.substr(0, colon);
        rc = text.substr(colon + 1);
    }
    const auto comma = rc.find(',');
    char* e1 = nullptr;
    char* e2 = nullptr;
    const long r = std::strtol(rc.c_str(), &e1, 10);
    const long k = comma == std::string::npos ? -1 : std::strtol(rc.c_str() + comma + 1, &e2, 10);
    if (comma == std::string::npos || e1 != rc.c_str() + comma || *e2 || r < 0 || k < 0 || r > 1000000 || k > 1000000)
        return false;
    cell.row = int(r);
    cell.col = int(k);
    return true;
}

ArrayMap record_episode(Task& task, uint64_t seed, const RecordOptions& opt) {
    ArrayMap out;
    task.live_reset(seed);
    LiveViews v;
    task.live_views(v);
    int T = v.T;
    if (opt.max_steps > 0) T = std::min(T, opt.max_steps);
    if (T <= 0) throw std::runtime_error("the task's live episode has no steps");
    bool full = opt.views == RecordOptions::Views::Full;
    if (opt.views == RecordOptions::Views::Auto) {
        full = true;
        for (const auto& m : v.matrices)
            if (m.m && (m.m->rows() > 512 || m.m->cols() > 512)) full = false;
    }
    for (const auto& c : opt.track) {
        const MatrixView* mv = nullptr;
        for (const auto& m : v.matrices)
            if (m.name == c.view) mv = &m;
        if (!mv || !mv->m) throw std::runtime_error("--track: the task has no view '" + c.view + "'");
        if (c.row < 0 || c.col < 0 || c.row >= mv->m->rows() || c.col >= mv->m->cols())
            throw std::runtime_error("--track: cell (" + std::to_string(c.row) + ", " + std::to_string(c.col) +
                                     ") is outside " + c.view + " (" + std::to_string(mv->m->rows()) + " x " +
                                     std::to_string(mv->m->cols()) + ")");
    }

    std::map<std::string, Stack> views, images;
    std::map<std::string, std::vector<float>> scalars, tracks;
    const int N = v.activity ? int(v.activity->cols()) : 0;
    for (int t = 1; t <= T; ++t) {
        task.live_step();
        task.live_views(v);
        if (full)
            for (const auto& m : v.matrices) {
                if (!m.m) continue;
                auto it = views.find(m.name);
                if (it == views.end()) it = views.emplace(m.name, Stack(T, m.m->rows(), m.m->cols())).first;
                it->second.put(t - 1, m.m->data(), size_t(m.m->size()));
            }
        for (const auto& c : opt.track)
            for (const auto& m : v.matrices)
                if (m.name == c.view && m.m) {
                    auto& s = tracks["track/" + c.view + "/" + std::to_string(c.row) + "_" + std::to_string(c.col)];
                    s.resize(size_t(T), 0.f);
                    s[size_t(t - 1)] = (*m.m)(c.row, c.col);
                }
        for (const auto& im : v.images) {
            auto it = images.find(im.name);
            if (it == images.end()) it = images.emplace(im.name, Stack(T, im.height, im.width)).first;
            it->second.put(t - 1, im.pixels.data(), im.pixels.size());
        }
        for (const auto& [k, x] : v.scalars) {
            auto& s = scalars[k];
            s.resize(size_t(T), std::numeric_limits<float>::quiet_NaN());
            s[size_t(t - 1)] = float(x);
        }
    }
    // x: the raster the task keeps (row t-1 = x after step t), with x[0] = 0 in front.
    if (v.activity && v.activity->rows() >= T) {
        MatR<float> x = MatR<float>::Zero(T + 1, N);
        x.bottomRows(T) = v.activity->topRows(T);
        out["x"] = to_array(x);
    }
    if (v.input && v.input->rows() >= T) out["inputs"] = to_array(MatR<float>(v.input->topRows(T)));
    if (!v.target.empty()) {
        MatR<float> tg(1, Eigen::Index(v.target.size()));
        for (size_t i = 0; i < v.target.size(); ++i) tg(0, Eigen::Index(i)) = v.target[i];
        out["target"] = to_array(tg);
    }
    for (auto& [k, s] : views) out["view/" + k] = std::move(s.a);
    for (auto& [k, s] : images) out["image/" + k] = std::move(s.a);
    for (auto& [k, s] : scalars) {
        Array a;
        a.dtype = Array::Dtype::F32;
        a.shape = {int64_t(s.size())};
        a.f32 = s;
        out["scalars/" + k] = std::move(a);
    }
    for (auto& [k, s] : tracks) {
        Array a;
        a.dtype = Array::Dtype::F32;
        a.shape = {int64_t(s.size())};
        a.f32 = s;
        out[k] = std::move(a);
    }
    ArrayMap params;
    task.save(params, false);
    for (auto& [k, a] : params)
        if (k.rfind("param/", 0) == 0) out[k] = std::move(a);
    ArrayMap info;
    task.describe(info);
    for (auto& [k, a] : info) out[k] = std::move(a);
    out["meta/task"] = text_array(task.name());
    out["meta/config"] = text_array(fields_to_json(task.fields(), task.preset()));
    out["meta/seed"] = i64_array({int64_t(seed)});
    out["meta/format"] = text_array("plastiscope-recording-1");
    out["meta/marks"] = marks_array(MarkList(v.marks.begin(), v.marks.end()));
    return out;
}

}  // namespace ps
