// RMSprop-like (clipped step) and Adam updates for the BOHP parameters; rules in bohp_optim.hpp.
#include "bohp/bohp_optim.hpp"
#include <algorithm>
#include <cmath>
#include <stdexcept>
#include "task_state.hpp"

namespace ps::bohp {

void Optimizer::reset(const Shape& s) {
    m_.zeros(s);
    v_.zeros(s);
    steps_ = 0;
}

void Optimizer::apply(const OptConfig& cfg, Params<float>& p, const Params<float>& g) {
    ++steps_;
    const double bc1 = 1 - std::pow(cfg.beta1, double(steps_));
    const double bc2 = 1 - std::pow(cfg.beta2, double(steps_));
    auto update = [&](const std::string& name, MatR<float>& th, const MatR<float>& gr, MatR<float>& m, MatR<float>& v) {
        const bool penalised = name == "w" || name == "alpha" || name == "out_w";
        for (Eigen::Index i = 0; i < th.size(); ++i) {
            double x = th.data()[i];
            const double gi = gr.data()[i];
            double step;
            if (cfg.kind == OptConfig::Adam) {
                m.data()[i] = float(cfg.beta1 * m.data()[i] + (1 - cfg.beta1) * gi);
                v.data()[i] = float(cfg.beta2 * v.data()[i] + (1 - cfg.beta2) * gi * gi);
                step = cfg.lr * (m.data()[i] / bc1) / (std::sqrt(v.data()[i] / bc2) + cfg.eps);
            } else {
                v.data()[i] = float(steps_ == 1 ? gi * gi : cfg.rho * v.data()[i] + (1 - cfg.rho) * gi * gi);
                step = cfg.lr * gi / (std::sqrt(double(v.data()[i])) + cfg.eps);
            }
            x -= std::clamp(step, -cfg.clip, cfg.clip);
            if (penalised) {
                x *= 1 - cfg.l2;
                x = x > 0 ? std::max(x - cfg.l1, 0.0) : std::min(x + cfg.l1, 0.0);
            }
            th.data()[i] = float(x);
        }
    };
    update("w", p.w, g.w, m_.w, v_.w);
    update("alpha", p.alpha, g.alpha, m_.alpha, v_.alpha);
    update("b", p.b, g.b, m_.b, v_.b);
    if (p.v.size()) {
        update("out_w", p.v, g.v, m_.v, v_.v);
        update("out_b", p.c, g.c, m_.c, v_.c);
    }
    if (cfg.clip_alpha_nonneg) p.alpha = p.alpha.cwiseMax(0.f);
}

void Optimizer::save(ArrayMap& out) const {
    save_params(out, m_.list(), "optim/m/");
    save_params(out, v_.list(), "optim/v/");
    out["optim/steps"] = i64_array({steps_});
}

void Optimizer::load(const ArrayMap& in, const Shape& s) {
    Params<float> m, v;
    m.zeros(s);
    v.zeros(s);
    load_params(in, m.list(), "optim/m/");
    load_params(in, v.list(), "optim/v/");
    for (const auto& [n, a] : v.list())
        if ((a->array() < 0).any()) throw std::runtime_error("array 'optim/v/" + n + "' holds a negative value");
    const int64_t steps = count_from(in, "optim/steps");
    m_ = m;
    v_ = v;
    steps_ = steps;
}

void Optimizer::tensors(std::vector<TensorRef>& out) const {
    add_tensors(out, m_.list(), false, "optim/m/");
    add_tensors(out, v_.list(), false, "optim/v/");
}

}  // namespace ps::bohp
