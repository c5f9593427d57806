// A recording played back as a live task (see recording_task.hpp).
#include "recording_task.hpp"
#include <algorithm>
#include <cmath>
#include <cstring>
#include <filesystem>
#include <stdexcept>
#include "npz.hpp"

namespace ps {

namespace {
std::string shape_text(const Array& a) {
    std::string s = "(";
    for (size_t i = 0; i < a.shape.size(); ++i) s += (i ? ", " : "") + std::to_string(a.shape[i]);
    return s + (a.shape.size() == 1 ? ",)" : ")");
}

bool numeric(const Array& a) { return a.dtype == Array::Dtype::F32 || a.dtype == Array::Dtype::F64 || a.dtype == Array::Dtype::I64; }

std::vector<float> floats(const Array& a) {
    std::vector<float> v(size_t(a.size()));
    for (int64_t i = 0; i < a.size(); ++i) v[size_t(i)] = float(a.at(i));
    return v;
}

}  // namespace

void check_recording(const ArrayMap& rec, const std::string& path) {
    auto fail = [&](const std::string& what) { throw std::runtime_error(path + ": " + what); };
    auto it = rec.find("x");
    if (it == rec.end()) fail("not a recording: the array 'x' (T+1, N), the activity at every step, is missing");
    const Array& x = it->second;
    if (!numeric(x) || x.shape.size() != 2 || x.shape[0] < 2 || x.shape[1] < 1)
        fail("array 'x' must be (T+1, N) numbers with T >= 1, got " + shape_text(x));
    const int64_t T = x.shape[0] - 1;
    for (const auto& [name, a] : rec) {
        const bool per_step = name == "inputs" || name.rfind("view/", 0) == 0 || name.rfind("image/", 0) == 0 ||
                              name.rfind("scalars/", 0) == 0 || name.rfind("track/", 0) == 0;
        if (name != "x" && !per_step) continue;
        if (!numeric(a)) fail("array '" + name + "' is not numbers");
        if (per_step) {
            const size_t dims = name == "inputs" ? 2 : name.rfind("view/", 0) == 0 || name.rfind("image/", 0) == 0 ? 3 : 1;
            if (a.shape.size() != dims)
                fail("array '" + name + "' must have " + std::to_string(dims) + " dimensions (steps first), got " + shape_text(a));
            if (a.shape[0] != T)
                fail("array '" + name + "' has " + std::to_string(a.shape[0]) + " steps, but x has T + 1 = " +
                     std::to_string(T + 1) + " rows (T = " + std::to_string(T) + ")");
        }
        for (int64_t i = 0; i < a.size(); ++i) {
            const double v = a.at(i);
            // NaN is allowed in scalars (a number with no value at that step), nowhere else.
            if (!std::isfinite(v) && !(std::isnan(v) && name.rfind("scalars/", 0) == 0))
                fail("array '" + name + "' holds " + (std::isnan(v) ? "NaN" : "an infinite value") + " at index " +
                     std::to_string(i));
        }
    }
}

ArrayMap read_recording(const std::string& path) {
    ArrayMap rec;
    try {
        rec = npz_read(path);
    } catch (const std::exception& e) {
        const std::string m = e.what();
        throw std::runtime_error(m.rfind(path, 0) == 0 ? m : path + ": " + m);
    }
    check_recording(rec, path);
    return rec;
}

RecordingTask::RecordingTask(ArrayMap rec, const std::string& path)
    : Task(TaskInfo{"recording",
                    "A recording of one episode (" + std::filesystem::path(path).filename().string() +
                        "): what a network did, step by step. Scrub, follow synapses in the Tracker, take "
                        "screenshots and animations; it cannot be trained.",
                    "(recorded)", true, {{"recording", "one recorded episode"}}}),
      rec_(std::move(rec)),
      path_(path) {
    set_preset("recording");
    const Array& x = rec_.at("x");
    T_ = int(x.shape[0] - 1);
    N_ = int(x.shape[1]);
    x_.resize(T_ + 1, N_);
    for (int t = 0; t <= T_; ++t)
        for (int i = 0; i < N_; ++i) x_(t, i) = float(x.at(int64_t(t) * N_ + i));
    if (rec_.count("meta/task")) task_ = array_text(rec_.at("meta/task"));
    if (rec_.count("meta/marks"))
        for (const auto& [step, label] : array_marks(rec_.at("meta/marks"))) marks_.push_back({int(step), label});
    if (rec_.count("inputs")) {
        const Array& u = rec_.at("inputs");
        const int K = int(u.shape[1]);
        inputs_.resize(T_, K);
        for (int t = 0; t < T_; ++t)
            for (int k = 0; k < K; ++k) inputs_(t, k) = float(u.at(int64_t(t) * K + k));
    }
    if (rec_.count("target")) target_ = floats(rec_.at("target"));
    for (const auto& [name, a] : rec_) {
        if (name.rfind("view/", 0) == 0 || name.rfind("image/", 0) == 0) {
            Stack s;
            s.rows = int(a.shape[1]);
            s.cols = int(a.shape[2]);
            s.data = floats(a);
            float lo = 0, hi = 0;
            for (float f : s.data) {
                lo = std::min(lo, f);
                hi = std::max(hi, f);
            }
            s.lo = lo < 0 ? -std::max(-lo, hi) : 0.f;
            s.hi = hi > s.lo ? std::max(hi, -lo) : s.lo + 1;
            const size_t per = size_t(s.rows) * size_t(s.cols);
            s.constant = std::equal(s.data.begin(), s.data.begin() + std::ptrdiff_t(per), s.data.end() - std::ptrdiff_t(per));
            (name[0] == 'v' ? views_ : images_)[name.substr(name.find('/') + 1)] = std::move(s);
        } else if (name.rfind("scalars/", 0) == 0) {
            scalars_[name.substr(8)] = floats(a);
        } else if (name.rfind("track/", 0) == 0) {   // track/VIEW/I_J -> "VIEW[I,J]"
            std::string k = name.substr(6);
            const auto slash = k.rfind('/');
            if (slash != std::string::npos) {
                std::string ij = k.substr(slash + 1);
                for (auto& c : ij)
                    if (c == '_') c = ',';
                k = k.substr(0, slash) + "[" + ij + "]";
            }
            scalars_[k] = floats(a);
        }
    }
    activity_.setZero(T_, N_);
    show(0);
}

StepStats RecordingTask::train_step() { throw std::runtime_error("a recording cannot be trained: it is what one network did"); }
double RecordingTask::eval_episode(Rng&) { throw std::runtime_error("a recording cannot be evaluated"); }
void RecordingTask::save(ArrayMap& out, bool) const {
    for (const auto& [k, a] : rec_)
        if (k.rfind("param/", 0) == 0) out[k] = a;
}
void RecordingTask::load(const ArrayMap&, bool) {}
void RecordingTask::grad_dump(uint64_t, ArrayMap&) { throw std::runtime_error("a recording has no gradients"); }
void RecordingTask::describe(ArrayMap& out) {
    for (const auto& [k, a] : rec_)
        if (k.rfind("info/", 0) == 0) out[k] = a;
}

void RecordingTask::show(int t) {
    for (auto& [name, s] : views_) {
        s.now.resize(s.rows, s.cols);
        if (t == 0 && s.constant) std::memcpy(s.now.data(), s.data.data(), size_t(s.rows) * size_t(s.cols) * sizeof(float));
        else if (t == 0) s.now.setZero();   // before the first step: a trace starts empty
        else std::memcpy(s.now.data(), s.data.data() + size_t(t - 1) * size_t(s.rows) * size_t(s.cols),
                         size_t(s.rows) * size_t(s.cols) * sizeof(float));
    }
    for (auto& [name, s] : images_) {
        s.now.resize(s.rows, s.cols);
        if (t == 0) s.now.setZero();
        else std::memcpy(s.now.data(), s.data.data() + size_t(t - 1) * size_t(s.rows) * size_t(s.cols),
                         size_t(s.rows) * size_t(s.cols) * sizeof(float));
    }
}

void RecordingTask::live_restart() {
    t_ = 0;
    activity_.setZero(T_, N_);
    show(0);
}

bool RecordingTask::live_step() {
    if (t_ >= T_) return false;
    ++t_;
    activity_.row(t_ - 1) = x_.row(t_);
    show(t_);
    return t_ < T_;
}

void RecordingTask::live_views(LiveViews& v) {
    v.t = t_;
    v.T = T_;
    v.episode = live_episode();
    v.matrices.clear();
    for (auto& [name, s] : views_) v.matrices.push_back({name, &s.now, true, "recorded view " + name});
    v.activity = &activity_;
    v.input = inputs_.size() ? &inputs_ : nullptr;
    v.target = target_;
    v.images.clear();
    for (auto& [name, s] : images_) {
        ImageView iv;
        iv.name = name;
        iv.height = s.rows;
        iv.width = s.cols;
        iv.pixels.assign(s.now.data(), s.now.data() + s.now.size());
        iv.lo = s.lo;
        iv.hi = s.hi;
        v.images.push_back(std::move(iv));
    }
    v.scalars.clear();
    if (t_ > 0)
        for (const auto& [k, s] : scalars_)
            if (std::isfinite(s[size_t(t_ - 1)])) v.scalars[k] = s[size_t(t_ - 1)];
    v.marks = marks_;
    v.status = "recording" + (task_.empty() ? std::string() : " of " + task_) + ": step " + std::to_string(t_) +
               " of " + std::to_string(T_);
}

}  // namespace ps
