// The LSTM baseline of the DP paper's 50-bit pattern experiment (docs/science.md §3: "plastic
// against non-plastic and LSTM"): a one-layer LSTM with the gate layout of torch.nn.LSTM, stepped
// one timestep at a time, and exact hand-written BPTT.
//
// Row-vector convention (as plastic_net.hpp): u(t) is a row of K inputs, h(t) and c(t) rows of
// H cells; the gate pre-activations are one row of 4H in blocks [i | f | g | o]:
//
//   z(t) = u(t) · Wx + h(t-1) · Wh + b                     (1, 4H)
//   i = σ(z_i)   f = σ(z_f)   g = tanh(z_g)   o = σ(z_o)   (1, H) each
//   c(t) = f ⊙ c(t-1) + i ⊙ g
//   h(t) = o ⊙ tanh(c(t))
//   h(0) = c(0) = 0.
//
// Output: the first `out` cells of h(t) (the paper's arm reads the pattern straight from its
// first 50 cells; there is no readout layer).
//
// Clamping (the paper's arm does it so that the LSTM, like the plastic network, sees each input
// bit on the cell that must output it): for cell k < clamp, the input part of the cell input is
// fixed to 10·u_k(t) (Wx's g column k is 10 on row k and 0 elsewhere; Wh stays trained), the
// forget gate is shut (b_f = -1000: f = 0), the input and output gates lean open (b_i = b_o = 10)
// and b_g = 0. Those entries are fixed: reimpose_clamp() sets them after every optimiser step and
// zero_clamped() drops their gradients. With inputs of ±100 (the task's input scale), a shown bit
// saturates g at ±1, so the cell holds i·sign(u_k) and h_k has the bit's sign unless the output
// gate, which the trained input weights still reach, is shut; a hidden bit (u_k = 0) is the
// network's own answer.
// Backward, step t = T..1 (g_ = dL/d·; g_h(t) = the loss's gradient on h(t) + g_z(t+1)·Whᵀ):
//   g_c  = g_c(next) + g_h ⊙ o ⊙ (1 - tanh²c(t))
//   g_z_o = g_h ⊙ tanh c(t) ⊙ o(1-o)     g_z_i = g_c ⊙ g ⊙ i(1-i)
//   g_z_g = g_c ⊙ i ⊙ (1-g²)             g_z_f = g_c ⊙ c(t-1) ⊙ f(1-f)
//   g_c(next) = g_c ⊙ f
//   g_Wx += u(t)ᵀ g_z   g_Wh += h(t-1)ᵀ g_z   g_b += Σ_batch g_z
#pragma once
#include <string>
#include <vector>
#include <Eigen/Dense>
#include "rng.hpp"
#include "tensor.hpp"

namespace ps {

struct LstmConfig {
    int k = 50;           // input width
    int h = 2000;         // cells
    int out = 50;         // the output is h(t)'s first `out` cells
    int clamp = 0;        // cells 0..clamp-1 clamped to inputs 0..clamp-1 (0: none; <= min(k, h))
    double init = 0.0;    // weights ~ U(-init, init); 0: torch's default 1/sqrt(h)
};

// Trained parameters (and, with the same shapes, their gradients).
template <class S>
struct LstmParams : FixedParams<LstmParams, S> {
    MatR<S> Wx;   // (k, 4h)
    MatR<S> Wh;   // (h, 4h)
    MatR<S> b;    // (1, 4h)

    // list(): (name, matrix) of every parameter, in this order; all are trained.
    template <class Self, class F>
    static void each(Self& p, F&& f) { f("Wx", p.Wx); f("Wh", p.Wh); f("b", p.b); }
    static bool trained(const std::string&, const MatR<S>&) { return true; }
};

template <class S>
class LstmNet {
public:
    using Mat = MatR<S>;

    LstmNet() = default;
    explicit LstmNet(const LstmConfig& cfg) { configure(cfg); }
    // Sets the config and allocates parameters (zeros); init() draws them.
    void configure(const LstmConfig& cfg);
    void init(Rng& rng);
    const LstmConfig& config() const { return cfg_; }
    // Sets the clamped cells' fixed entries (after init, a load and every optimiser step).
    void reimpose_clamp();
    // Zeroes the gradients of the fixed entries, so an optimiser leaves them alone.
    void zero_clamped(LstmParams<S>& g) const;

    LstmParams<S> p;

    // ---- episode
    void begin(int batch, int max_steps);
    // One timestep: u is (batch, k); returns h(t) (batch, h). Records what backward needs.
    const Mat& step(const Mat& u);
    int t() const { return t_; }
    const Mat& h(int t) const { return hs_[size_t(t)]; }        // t = 0..t()
    const Mat& c(int t) const { return cs_[size_t(t)]; }

    // ---- backward
    // dL/dh(t) for t = 1..t(), zero after begin(); tasks add their loss gradients here.
    Mat& grad_h(int t) { return ghs_[size_t(t)]; }
    // BPTT through the recorded episode; writes the gradients (same shapes as p) into g.
    void backward(LstmParams<S>& g) const;

private:
    LstmConfig cfg_;
    int batch_ = 1, t_ = 0;
    std::vector<Mat> us_, hs_, cs_, gates_;   // gates_[t]: (batch, 4h) activated i, f, g, o
    std::vector<Mat> ghs_;
};

extern template class LstmNet<float>;
extern template class LstmNet<double>;

}  // namespace ps
