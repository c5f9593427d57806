// The differentiable-plasticity recurrent network of docs/science.md §1 (Miconi, Clune & Stanley
// 2018): forward stepping one timestep at a time, and exact hand-written BPTT.
//
// Row-vector convention of the DP code: x(t) is a row of N activities; matrices are (pre, post).
//
//   a(t)   = x(t-1) · (W + A ⊙ H(t)) + input(t) [+ b]         pre-activation
//   x(t)   = tanh(a(t))          (clamp mode: x_j(t) = u_j(t) where u_j(t) != 0)
//   H(t+1) = H(t) ⊙ c(t) + x(t-1)ᵀ d(t)                         trace update, with per-post-neuron
//            plain Hebb: c = 1 - η,        d = η ⊙ x(t)           vectors c, d (row-broadcast)
//            Oja:        c = 1 - η ⊙ x(t)², d = η ⊙ x(t)
//   H(1) = 0, x(0) = 0.
//
// Both rules share the form H ← H⊙c + pᵀd, so one kernel and one backward serve both.
//
// Memory: the forward pass keeps only x(t) for every step (T·N floats) and a few "anchor"
// copies of H. The backward pass recomputes H(t) from H(t+1) in place, H(t) = (H(t+1) - pᵀd)/c,
// and re-anchors on a stored copy whenever the accumulated amplification of rounding errors,
// Π 1/min|c|, would exceed `recompute_max_amplification` (for η = 0.01 that is one anchor per
// ~450 steps; for η near 1 nearly every step is stored). MemoryMode::StoreAll stores every H(t)
// (N²·T floats) and exists to test the recompute path against.
//
// Fused kernels: forward reads W, A, H and writes H once per step (16 bytes per connection);
// the backward pass for step s does everything for that step in one sweep over the rows
// (reads W, A, H, g_H, g_A; writes H, g_H, g_A). g_W = Σ_s x(s-1)ᵀ g_a(s) is one GEMM at the end.
#pragma once
#include <cmath>
#include <functional>
#include <memory>
#include <string>
#include <utility>
#include <vector>
#include <Eigen/Dense>
#include "plasticity.hpp"
#include "rng.hpp"
#include "tensor.hpp"

namespace ps {

class StepPool;
// parallel.hpp's StepPool::run, declared here so the header need not include it.
void step_pool_run(StepPool& p, const std::function<void(int)>& f);

enum class Rule { Hebb = 0, Oja = 1 };
enum class EtaMode { Scalar = 0, PerNeuron = 1, Fixed = 2 };      // Fixed: a scalar, not trained
enum class InputMode { Add = 0, Clamp = 1, Linear = 2 };         // Linear: a += u·Win + b (u has K dims)
enum class MemoryMode { Recompute = 0, StoreAll = 1 };

struct NetConfig {
    int n = 101;                 // neurons (including the bias unit, if any)
    int k = 0;                   // input width in Linear mode (ignored otherwise: inputs are N wide)
    Rule rule = Rule::Hebb;
    AlphaMode alpha = AlphaMode::Independent;
    EtaMode eta = EtaMode::Scalar;
    InputMode input = InputMode::Add;
    bool learn_bias = false;     // a learned bias b (always on in Linear mode)
    bool bias_unit = false;      // neuron n-1 gets bias_value: added (Add) or clamped (Clamp)
    double bias_value = 1.0;
    double w_init = 0.01;        // W, A ~ init·N(0,1)
    double a_init = 0.01;
    double eta_init = 0.01;
    MemoryMode memory = MemoryMode::Recompute;
    double recompute_max_amplification = 100.0;
};

// Trained parameters (and, with the same shapes, their gradients).
template <class S>
struct NetParams : FixedParams<NetParams, S> {
    MatR<S> W;      // (n, n)  baseline weights, (pre, post)
    MatR<S> A;      // (n, n) independent, (1, 1) shared, (0, 0) none
    MatR<S> eta;    // (1, 1) scalar / fixed, (1, n) per post-synaptic neuron
    MatR<S> Win;    // (k, n) Linear mode, else (0, 0)
    MatR<S> b;      // (1, n) if learned, else (0, 0)

    void set_zero_like(const NetParams& o);
    // list(cfg): (name, matrix) of every trained parameter, in this order.
    template <class Self, class F>
    static void each(Self& p, F&& f) { f("W", p.W); f("A", p.A); f("eta", p.eta); f("Win", p.Win); f("b", p.b); }
    static bool trained(const std::string& name, const MatR<S>&, const NetConfig& cfg) {
        const bool plastic = cfg.alpha != AlphaMode::None, linear = cfg.input == InputMode::Linear;
        if (name == "A") return plastic;
        if (name == "eta") return plastic && cfg.eta != EtaMode::Fixed;
        if (name == "Win") return linear;
        if (name == "b") return linear || cfg.learn_bias;
        return true;
    }
};

template <class S>
class PlasticNet {
public:
    using Mat = MatR<S>;
    using Row = RowV<S>;

    PlasticNet() = default;
    explicit PlasticNet(const NetConfig& cfg) { configure(cfg); }
    ~PlasticNet();
    // Sets the config and allocates parameters (zeros); init() draws them.
    void configure(const NetConfig& cfg);
    void init(Rng& rng);     // W, A ~ init·N(0,1) drawn in (pre, post) order; eta = eta_init
    const NetConfig& config() const { return cfg_; }
    void set_bias_value(double v) { cfg_.bias_value = v; }   // a live setting: no rebuild
    int n() const { return cfg_.n; }
    int input_width() const { return cfg_.input == InputMode::Linear ? cfg_.k : cfg_.n; }
    bool plastic() const { return cfg_.alpha != AlphaMode::None; }

    NetParams<S> p;          // trained parameters (public: optimisers and tasks read/write them)

    // ---- episode
    // Starts `batch` independent episodes: x(0) = 0, H(1) = 0; `max_steps` reserves memory.
    void begin(int batch, int max_steps);
    // One timestep: u is (batch, input_width); returns x(t) (batch, n). Records what backward needs.
    const Mat& step(const Mat& u);
    int t() const { return t_; }
    int batch() const { return batch_; }
    const Mat& x(int t) const { return xs_[size_t(t)]; }     // (batch, n), t = 0..t()
    const Mat& u(int t) const { return us_[size_t(t)]; }     // (batch, input_width), t = 1..t()
    // H(t()) of episode e: the trace that produced x(t()). (n, n); empty for a non-plastic net.
    const Mat& trace(int e = 0) const { return H_[size_t(e)]; }
    // W + A⊙H(t()) of episode e into out (n, n).
    void effective_weights(int e, Mat& out) const;

    // ---- backward
    // Gradient of the loss with respect to x(t), t = 1..t(): (batch, n) each, zero-initialised
    // by begin(); tasks add their loss gradients here before calling backward().
    Mat& grad_x(int t) { return gxs_[size_t(t)]; }
    // BPTT through the whole recorded episode; writes gradients (same shapes as p) into g.
    // Destroys the recorded traces (H is recomputed backwards in place): call once per episode.
    void backward(NetParams<S>& g);

    // The forward state after step t(): every episode's trace and x(0..t). Restoring it into a
    // network begun with the same batch lets the episode go on exactly as it did (live
    // scrubbing); the backward pass then needs what the restore does not keep, so none may follow.
    struct ForwardState {
        int t = 0;
        std::vector<Mat> H, xs;
        size_t bytes() const;
    };
    void save_state(ForwardState& s) const;
    void load_state(const ForwardState& s);   // throws std::invalid_argument on a shape mismatch

    // Bytes of episode memory currently held (traces, anchors, histories), for the benchmarks.
    size_t episode_bytes() const;
    int anchors_stored() const;

private:
    void trace_coeffs(const Row& y, Row& c, Row& d) const;   // c, d of the update that uses post = y
    double log_amplification(const Row& c) const;

    NetConfig cfg_;
    int batch_ = 0, t_ = 0;
    std::vector<Mat> xs_, us_, gxs_;          // per step (batch, n) / (batch, input_width)
    std::vector<Mat> H_;                      // per episode (n, n)
    // Anchors: per episode, (t, H(t)) copies taken during the forward pass.
    std::vector<std::vector<std::pair<int, Mat>>> anchors_;
    std::vector<Mat> anchor_pool_;            // reused storage
    std::vector<double> amp_;                 // per episode: log amplification since last anchor
    Mat a_;                                   // (batch, n) pre-activations scratch
    Row c_, d_;                               // scratch
    // Row-parallel parts of the kernels (kernel_threads(), fixed per episode by begin()).
    void setup_parts();
    int parts() const { return parts_; }
    // f(k) for every part k; wrapped by reference, so the step loop allocates nothing.
    template <class F>
    void run_parts(F& f) {
        if (parts_ > 1 && pool_.p) step_pool_run(*pool_.p, std::function<void(int)>(std::ref(f)));
        else f(0);
    }
    int parts_ = 1;
    struct PoolHandle {                       // a copied network starts without threads of its own
        std::shared_ptr<StepPool> p;
        PoolHandle() = default;
        PoolHandle(const PoolHandle&) {}
        PoolHandle& operator=(const PoolHandle&) { p.reset(); return *this; }
        PoolHandle(PoolHandle&&) = default;
        PoolHandle& operator=(PoolHandle&&) = default;
    } pool_;
    std::vector<Row> part_acc_, part_gc_, part_gd_;
    std::vector<S> part_alpha_{S(0)};
};

// Plain-loop reference (stores every H(t), naive loops, no fusion): the optimised kernels are
// tested against it. Same conventions and the same results up to rounding.
template <class S>
struct ReferenceNet {
    NetConfig cfg;
    NetParams<S> p;
    // u[t] (batch, input_width) for t = 1..T (u[0] unused); gx_ext[t] (batch, n).
    // Returns x[t] for t = 0..T and fills g with the gradients.
    std::vector<MatR<S>> run(const std::vector<MatR<S>>& u, const std::vector<MatR<S>>& gx_ext, NetParams<S>& g);
};

}  // namespace ps
