// Optimisers for the BOHP tasks: the paper's RMSprop-like rule with a clipped step, with L1 / L2
// penalties, and Adam as an option. One optimisation step per episode, from g = ∂Loss/∂θ:
//   rmsprop:  v ← g² at the first step, then v ← ρ v + (1-ρ) g² (ρ = 0.99);  Δ = lr · g / (√v + ε)
//   adam:     m ← β1 m + (1-β1) g; v ← β2 v + (1-β2) g²; Δ = lr · m̂ / (√v̂ + ε)  (bias-corrected)
//   θ ← θ - clip(Δ, -clip, +clip)     (element-wise; the step clip of the paper, used by both)
// Then the penalties, decoupled from the gradient statistics and not scaled by lr (as in the
// 2016 code: an L1 / L2 shrink per episode), on the weight tensors w, alpha, out_w (not biases):
//   θ ← θ·(1 - l2), then θ ← sign(θ)·max(|θ| - l1, 0)   (soft threshold: L1 never flips a sign)
// clip_alpha_nonneg then projects alpha onto alpha >= 0.
#pragma once
#include <cstdint>
#include <string>
#include "arrays.hpp"
#include "bohp/bohp_net.hpp"
#include "tensor.hpp"

namespace ps::bohp {

struct OptConfig {
    enum Kind { RmsProp = 0, Adam = 1 };
    int kind = RmsProp;
    double lr = 0.03;
    double clip = 0.1;      // max |Δθ| per element and step
    double l1 = 1e-3, l2 = 1e-4;
    double rho = 0.99;      // RMSprop's running average of g²
    double beta1 = 0.9, beta2 = 0.999;
    double eps = 1e-8;
    bool clip_alpha_nonneg = false;
};

class Optimizer {
public:
    void reset(const Shape& s);
    // One update of p from the loss gradient g (penalties are added here).
    void apply(const OptConfig& cfg, Params<float>& p, const Params<float>& g);
    int64_t steps() const { return steps_; }

    // "optim/m/NAME", "optim/v/NAME", "optim/steps" (task_state.hpp).
    void save(ArrayMap& out) const;
    void load(const ArrayMap& in, const Shape& s);   // throws std::runtime_error
    void tensors(std::vector<TensorRef>& out) const;

private:
    Params<float> m_, v_;
    int64_t steps_ = 0;
};

}  // namespace ps::bohp
