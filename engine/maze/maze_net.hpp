// The maze agent of DP 2018 / Backpropamine 2019 (docs/science.md §1 and §3): a recurrent tanh network
// with plastic recurrent connections, a linear policy head (softmax over 4 actions outside) and a
// linear value head, run on a batch of B independent episodes, with exact hand-written BPTT
// through the whole episode including the traces.
//
// Row-vector convention (matrices are (pre, post)); per episode e, step t = 1..T:
//
//   a(t)   = u(t)·Win + b + x(t-1)·(W + A ⊙ H(t))          pre-activation (A: matrix or scalar)
//   x(t)   = tanh(a(t))                                      x(0) = 0, H(1) = 0
//   z(t)   = x(t)·Wp + bp     (policy logits, B×4)          v(t) = x(t)·Wv + bv   (value)
//   H(t+1) = clip( H(t) ⊙ c(t) + x(t-1)ᵀ d(t) )              c, d: per post-synaptic neuron j
//       Oja:      c_j = 1 - η x_j(t)²,  d_j = η x_j(t)       (H_ij += η x_j (x_i(t-1) - H_ij x_j))
//       Hebb:     c_j = 1 - η,          d_j = η x_j(t)
//       Neuromod: c_j = 1,              d_j = M(t) x_j(t),   M(t) = tanh(x(t)·Wm + bm)
//                 (Backpropamine's "simple neuromodulation": a learned signal gates the trace)
//   clip(·) clamps to ±clip when clip > 0 (always on for Neuromod, whose rule has no decay).
//
// Backward (per step, from T down to 1; g_ = ∂L/∂·). With G = g_H(t+1) ⊙ [|H(t+1)| < clip]:
//   g_c_j = Σ_i G_ij H_ij(t),  g_d_j = Σ_i G_ij x_i(t-1),  g_x(t-1)_i += Σ_j G_ij d_j,
//   g_H(t) = G ⊙ c  (row broadcast);  then c, d → x(t), η, M(t) by the chain rule;
//   g_x(t) += g_z Wpᵀ + g_v Wvᵀ (+ g_M (1-M²) Wmᵀ) + (what step t+1 sent back);
//   g_a = g_x ⊙ (1 - x²);  P = x(t-1)ᵀ g_a:  g_A += P ⊙ H(t),  g_H(t) += P ⊙ A,
//   g_x(t-1) += g_a · (W + A ⊙ H(t))ᵀ;   g_W = Σ_t x(t-1)ᵀ g_a(t) (one GEMM at the end), same for Win, b.
//
// Speed: W, Win and the heads are batched matrix-matrix products over the B episodes; the
// per-episode plastic term and trace update are one fused sweep over the rows of H (the update
// H(t) ← H(t-1) is applied lazily at the start of step t, in the same pass as x(t-1)·(A⊙H(t))).
// The step loop allocates nothing. Backward needs H(t) at every step: the forward pass stores H
// at the start of every segment of k ≈ √T steps, and the backward pass recomputes each segment
// forward from its anchor (memory ~ 2√T · N² per episode, one extra cheap trace sweep).
#pragma once
#include <string>
#include <utility>
#include <vector>
#include <Eigen/Dense>
#include "tensor.hpp"
#include "maze/maze_env.hpp"
#include "plasticity.hpp"
#include "rng.hpp"

namespace ps::maze {


enum class TraceRule { Oja = 0, Hebb = 1, Neuromod = 2 };

struct NetConfig {
    int n = 200;                  // recurrent units
    int k = kObs;                 // input width
    int actions = kActions;
    AlphaMode alpha = AlphaMode::Independent;
    TraceRule rule = TraceRule::Oja;
    double clip = 0;              // |H| <= clip after each update (0 = off; Neuromod needs > 0)
    double w_init = 1.0;          // W ~ w_init · N(0,1) / √n
    double a_init = 0.01;         // A ~ a_init · U(0,1)   (docs/science.md: α ~ 0.01·U)
    double eta_init = 0.01;
    bool plastic() const { return alpha != AlphaMode::None; }
};

// Trained parameters (and, with the same shapes, their gradients).
template <class S>
struct Params : FixedParams<Params, S> {
    MatR<S> W;     // (n, n)
    MatR<S> A;     // (n, n) independent, (1, 1) shared, (0, 0) none
    MatR<S> eta;   // (1, 1) Oja / Hebb, (0, 0) none / neuromod
    MatR<S> Win;   // (k, n)
    MatR<S> b;     // (1, n)
    MatR<S> Wp;    // (n, actions)
    MatR<S> bp;    // (1, actions)
    MatR<S> Wv;    // (n, 1)
    MatR<S> bv;    // (1, 1)
    MatR<S> Wm;    // (n, 1) neuromod, else (0, 0)
    MatR<S> bm;    // (1, 1) neuromod, else (0, 0)

    void shape_like(const NetConfig& c);     // allocates every parameter of config c, zeroed
    // list(): (name, matrix) of every trained parameter, in this order (empty ones left out).
    template <class Self, class F>
    static void each(Self& p, F&& f) {
        f("W", p.W); f("A", p.A); f("eta", p.eta); f("Win", p.Win); f("b", p.b); f("Wp", p.Wp);
        f("bp", p.bp); f("Wv", p.Wv); f("bv", p.bv); f("Wm", p.Wm); f("bm", p.bm);
    }
    static bool trained(const std::string&, const MatR<S>& m) { return m.size() != 0; }
};

template <class S>
class MazeNet {
public:
    MazeNet() = default;
    explicit MazeNet(const NetConfig& c) { configure(c); }
    void configure(const NetConfig& c);      // throws std::invalid_argument for a bad config
    void init(Rng& rng);                     // draws every parameter (see NetConfig)
    const NetConfig& config() const { return cfg_; }
    int n() const { return cfg_.n; }

    Params<S> p;

    // ---- episode (forward)
    void begin(int batch, int max_steps);    // x(0) = 0, H(1) = 0; reserves memory for max_steps
    void step(const MatR<S>& u);              // u: (batch, k); computes x(t), z(t), v(t) [, M(t)]
    int t() const { return t_; }
    int batch() const { return B_; }
    auto x(int t) const { return X_.middleRows(Eigen::Index(t) * B_, B_); }          // (B, n), t = 0..t()
    auto logits(int t) const { return Z_.middleRows(Eigen::Index(t - 1) * B_, B_); } // (B, actions), t = 1..t()
    auto value(int t) const { return V_.middleRows(Eigen::Index(t - 1) * B_, B_); }  // (B, 1)
    S mod(int t, int e) const { return M_.size() ? M_(Eigen::Index(t - 1) * B_ + e, 0) : S(0); }
    // H(t()) of episode e, (n, n) row-major: the trace that produced x(t()). Plastic nets only.
    const S* trace(int e) const { return H_.data() + size_t(e) * nn(); }

    // ---- backward: the loss gradients on the heads, zeroed by begin(); then backward().
    auto grad_logits(int t) { return GZ_.middleRows(Eigen::Index(t - 1) * B_, B_); }  // (B, actions)
    auto grad_value(int t) { return GV_.middleRows(Eigen::Index(t - 1) * B_, B_); }   // (B, 1)
    // BPTT through the recorded episode; writes gradients (shapes of p) into g.
    void backward(Params<S>& g);

    size_t episode_bytes() const;

private:
    size_t nn() const { return size_t(cfg_.n) * size_t(cfg_.n); }
    // c(t), d(t) of episode e from x(t) (and M(t)).
    void trace_coeffs(int t, int e, S* c, S* d) const;
    // Recomputes the segment of H that contains step t into seg_ (H(t0) .. H(min(t0+k, T))).
    void load_segment(int t);

    NetConfig cfg_;
    int B_ = 0, T_ = 0, t_ = 0, k_ = 1;       // k_: steps per anchor segment
    MatR<S> X_;                 // ((T+1)·B, n)  x(t) blocks
    MatR<S> U_;                 // (T·B, k)      inputs
    MatR<S> Z_, V_, M_;         // (T·B, actions), (T·B, 1), (T·B, 1) neuromod
    MatR<S> GZ_, GV_;           // gradients on the heads
    MatR<S> a_;                 // (B, n) scratch
    MatR<S> C_, D_;             // (B, n) c, d of the last step (the pending lazy update)
    std::vector<S> H_;         // B · n · n current traces
    std::vector<S> anchors_;   // n_anchors · B · n · n: H(1 + j·k)
    // backward scratch
    std::vector<S> seg_, gH_;  // (k+1) · B · n · n recomputed segment; B · n · n  g_H
    int seg_t0_ = -1;
    MatR<S> GA_, GX_;           // (T·B, n) g_a for every step; head contributions to g_x
};

// Plain-loop reference: stores every H(t), no fusion, no batching tricks; the same maths written
// from the equations above. The fast net is tested against it.
template <class S>
struct ReferenceNet {
    NetConfig cfg;
    Params<S> p;
    // u[t] (B, k) for t = 1..T (u[0] unused); gz[t] (B, actions), gv[t] (B, 1).
    // Fills x[t] (t = 0..T), z[t], v[t] (t = 1..T) and the gradients g.
    void run(const std::vector<MatR<S>>& u, const std::vector<MatR<S>>& gz, const std::vector<MatR<S>>& gv,
             std::vector<MatR<S>>& x, std::vector<MatR<S>>& z, std::vector<MatR<S>>& v, Params<S>& g) const;
};

}  // namespace ps::maze
