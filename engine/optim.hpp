// Adam with global gradient-norm clipping, over named parameter matrices. The moments are keyed
// by name so they can be saved in and restored from checkpoints.
#pragma once
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <map>
#include <string>
#include <utility>
#include <vector>
#include "arrays.hpp"
#include "plastic_net.hpp"

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

template <class S>
class Adam {
public:
    using Mat = MatR<S>;
    using List = std::vector<std::pair<std::string, Mat*>>;
    AdamConfig cfg;
    int64_t steps = 0;

    void reset() { m_.clear(); v_.clear(); steps = 0; }

    // Global L2 norm of the gradients.
    static double grad_norm(const List& grads) {
        double s = 0;
        for (auto& [n, g] : grads) s += double(g->squaredNorm());
        return std::sqrt(s);
    }

    // θ ← θ - lr · m̂ / (√v̂ + ε), with m, v the bias-corrected moment estimates. Returns the
    // gradient norm before clipping.
    double step(const List& params, const List& grads) {
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

    void save(ArrayMap& out, const std::string& prefix) const {
        for (auto& [n, m] : m_) out[prefix + "m/" + n] = to_array(m);
        for (auto& [n, v] : v_) out[prefix + "v/" + n] = to_array(v);
        out[prefix + "steps"] = i64_array({steps});
    }
    // Restores moments for the given parameters (shapes checked); throws std::runtime_error naming
    // the array. A checkpoint saved before the first step holds only `steps` = 0 (no moments yet):
    // it loads as a fresh optimiser. `steps` must be one integer in 0..2^53 (int64, or a float
    // holding a whole number, as older files may).
    void load(const ArrayMap& in, const std::string& prefix, const List& params) {
        auto it = in.find(prefix + "steps");
        if (it == in.end()) throw std::runtime_error("array '" + prefix + "steps' is missing");
        const Array& a = it->second;
        if (a.size() != 1 || a.shape.size() > 1) throw std::runtime_error("array '" + prefix + "steps' is not one number");
        int64_t n = 0;
        if (a.dtype == Array::Dtype::I64) {
            n = a.i64.at(0);
        } else if (a.dtype == Array::Dtype::F32 || a.dtype == Array::Dtype::F64) {
            const double d = a.at(0);
            if (!(d >= 0 && d <= 9007199254740992.0) || d != std::floor(d))
                throw std::runtime_error("array '" + prefix + "steps' is not a whole number of steps");
            n = int64_t(d);
        } else {
            throw std::runtime_error("array '" + prefix + "steps' is not an integer");
        }
        if (n < 0 || n > (int64_t(1) << 53))
            throw std::runtime_error("array '" + prefix + "steps' holds " + std::to_string(n) + ", outside 0..2^53");
        reset();
        for (auto& [name, p] : params) {
            const std::string mn = prefix + "m/" + name, vn = prefix + "v/" + name;
            if (n == 0 && !in.count(mn) && !in.count(vn)) continue;   // saved before the first step
            from_array(in, mn, m_[name], p->rows(), p->cols());
            from_array(in, vn, v_[name], p->rows(), p->cols());
            if ((v_[name].array() < S(0)).any()) {
                reset();
                throw std::runtime_error("array '" + vn + "' holds a negative second moment");
            }
        }
        steps = n;
    }
    bool finite() const {
        for (auto& [n, m] : m_) if (!m.allFinite()) return false;
        for (auto& [n, v] : v_) if (!v.allFinite()) return false;
        return true;
    }

private:
    std::map<std::string, Mat> m_, v_;
};

}  // namespace ps
