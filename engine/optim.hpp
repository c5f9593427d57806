// Adam with global gradient-norm clipping over a ParamList (every task's optimiser but BOHP's
// paper rule), the learning-rate decay of images and maze, and AdamRun, the optimiser and data
// stream state of a task with its checkpoint keys. The moments are keyed by parameter name so
// they can be saved in and restored from checkpoints (task_state.hpp's optim/ keys).
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>
#include "arrays.hpp"
#include "task_state.hpp"
#include "tensor.hpp"

namespace ps {

// A learning rate decaying geometrically with the episode count (images, maze):
// lr(e) = lr * (lr_end / lr)^min(1, e / decay_episodes), a straight line in log(lr) from episode 0,
// then lr_end. lr_end <= 0 or decay_episodes <= 0: the constant lr. A function of e alone, so a
// run resumed from a checkpoint (which stores e) continues it exactly.
inline double decayed_lr(double lr, double lr_end, int64_t decay_episodes, int64_t e) {
    if (lr_end <= 0 || decay_episodes <= 0) return lr;
    const double f = std::min(1.0, double(e) / double(decay_episodes));
    return lr * std::pow(lr_end / lr, f);
}

struct AdamConfig {
    double lr = 3e-4;
    double beta1 = 0.9, beta2 = 0.999, eps = 1e-8;
    double clip_norm = 0;      // 0 = off; else gradients are scaled so their global L2 norm <= clip_norm
};

// One Adam for every task. M is the parameter matrix type: MatR<S>, or MatC<S> for the Omniglot
// encoder's column-major tensors (the update is element-wise, so storage order does not matter).
template <class S, class M = MatR<S>>
class Adam {
public:
    using Mat = M;
    using List = ParamList<M>;
    AdamConfig cfg;
    int64_t steps = 0;

    void reset() { m_.clear(); v_.clear(); steps = 0; }

    // Global L2 norm of the gradients.
    template <class G>
    static double grad_norm(const ParamList<G>& grads) {
        double s = 0;
        for (auto& [n, g] : grads) s += double(g->squaredNorm());
        return std::sqrt(s);
    }

    // θ ← θ - lr · m̂ / (√v̂ + ε), with m, v the bias-corrected moment estimates, written as
    // θ ← θ - lr_t · m / (√v + ε_t), lr_t = lr √(1-β2^t) / (1-β1^t), ε_t = ε √(1-β2^t).
    // grads: the same names in the same order (M or const M). Returns the gradient norm
    // before clipping.
    template <class G>
    double step(const List& params, const ParamList<G>& grads) {
        double norm = grad_norm(grads);
        const S scale = (cfg.clip_norm > 0 && norm > cfg.clip_norm) ? S(cfg.clip_norm / norm) : S(1);
        ++steps;
        const double bc1 = 1 - std::pow(cfg.beta1, double(steps)), bc2 = 1 - std::pow(cfg.beta2, double(steps));
        const S lr_t = S(cfg.lr * std::sqrt(bc2) / bc1), b1 = S(cfg.beta1), b2 = S(cfg.beta2);
        const S eps = S(cfg.eps * std::sqrt(bc2));
        for (size_t k = 0; k < params.size(); ++k) {
            const std::string& name = params[k].first;
            Mat& p = *params[k].second;
            const Mat& g = *grads[k].second;
            Mat& m = m_[name];
            Mat& v = v_[name];
            if (m.rows() != p.rows() || m.cols() != p.cols()) { m.setZero(p.rows(), p.cols()); v.setZero(p.rows(), p.cols()); }
            m = b1 * m + (S(1) - b1) * scale * g;
            v = b2 * v + (S(1) - b2) * (scale * g).cwiseAbs2();
            p.array() -= lr_t * m.array() / (v.array().sqrt() + eps);
        }
        return norm;
    }

    // prefix + "m/NAME", prefix + "v/NAME", prefix + "steps" (task_state.hpp: "optim/").
    void save(ArrayMap& out, const std::string& prefix) const {
        for (auto& [n, m] : m_) out[prefix + "m/" + n] = to_array(m);
        for (auto& [n, v] : v_) out[prefix + "v/" + n] = to_array(v);
        out[prefix + "steps"] = i64_array({steps});
    }
    // Restores the moments of the given parameters (shapes checked), all or nothing; throws
    // std::runtime_error naming the array. A checkpoint saved before the first step holds only
    // `steps` = 0 (no moments yet): it loads as a fresh optimiser.
    void load(const ArrayMap& in, const std::string& prefix, const List& params) {
        const int64_t n = count_from(in, prefix + "steps");
        std::map<std::string, Mat> mm, vv;
        for (auto& [name, p] : params) {
            const std::string mn = prefix + "m/" + name, vn = prefix + "v/" + name;
            if (n == 0 && !in.count(mn) && !in.count(vn)) continue;   // saved before the first step
            from_array(in, mn, mm[name], p->rows(), p->cols());
            from_array(in, vn, vv[name], p->rows(), p->cols());
            if ((vv[name].array() < S(0)).any()) throw std::runtime_error("array '" + vn + "' holds a negative second moment");
        }
        m_ = std::move(mm);
        v_ = std::move(vv);
        steps = n;
    }
    // The moments as TensorRefs named prefix + "m/NAME" (float optimisers).
    void tensors(std::vector<TensorRef>& out, const std::string& prefix) const {
        for (auto& [n, m] : m_) out.push_back({prefix + "m/" + n, m.data(), int64_t(m.size()), false});
        for (auto& [n, v] : v_) out.push_back({prefix + "v/" + n, v.data(), int64_t(v.size()), false});
    }

private:
    std::map<std::string, Mat> m_, v_;
};

// What a task trained with Adam on a seeded episode stream keeps beside its parameters, and the
// one way it goes into a checkpoint (task_state.hpp's keys): the optimiser (optim/...) and where
// the data stream stands (state/...). M is the parameter matrix type, as for Adam.
template <class S, class M = MatR<S>>
struct AdamRun {
    Adam<S, M> adam;
    RunState run;

    // A new run of seed: episode 0, no moments (adam.cfg is kept).
    void start(uint64_t seed) {
        run = RunState{seed, 0};
        adam.reset();
    }
    // param/NAME of every parameter, the run and, with_optimizer, the optimiser.
    void save(ArrayMap& out, const ParamList<const M>& params, bool with_optimizer) const {
        save_params(out, params);
        run.save(out);
        if (with_optimizer) adam.save(out, "optim/");
    }
    // Reads the parameters into `params` (the caller's copy, shaped as they must be) and returns
    // the run and the optimiser that go with them, or throws std::runtime_error naming a bad
    // array. *this does not change, so the caller commits the parameters and the returned state
    // together or nothing. Without with_optimizer the optimiser starts afresh. With
    // optimizer_optional a file that holds no optimiser array at all (a shipped checkpoint
    // stripped to stay small) starts afresh too; one with part of it is refused.
    AdamRun read(const ArrayMap& in, const ParamList<M>& params, bool with_optimizer,
                 bool optimizer_optional = false) const {
        load_params(in, params);
        AdamRun r;   // the moments are not copied: they are read or start afresh
        r.adam.cfg = adam.cfg;
        r.run = run;
        r.run.load(in);
        const auto first = in.lower_bound("optim/");
        const bool has_optimizer = first != in.end() && first->first.rfind("optim/", 0) == 0;
        if (with_optimizer && (has_optimizer || !optimizer_optional)) r.adam.load(in, "optim/", params);
        return r;
    }
    // The parameters' and the moments' tensors (Task::tensors).
    void tensors(std::vector<TensorRef>& out, const ParamList<const M>& params) const {
        add_tensors(out, params);
        adam.tensors(out, "optim/");
    }
};

}  // namespace ps
