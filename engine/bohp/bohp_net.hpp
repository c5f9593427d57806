// The BOHP network (Miconi 2016, "Learning to learn with backpropagation of Hebbian plasticity"):
// one layer of M tanh units fed by K external inputs through connections that each carry a
// learned fixed weight w, a learned plasticity coefficient alpha and a Hebbian trace, followed by
// a readout (identity, or a learned linear layer + softmax). Its gradients are computed
// FORWARD in time, online, one timestep at a time, with memory independent of the episode length
// (OnlineNet); a BPTT implementation of the same network (bptt_episode) is the reference that
// the tests hold the online gradient to, beside central finite differences.
//
// Forward, at step t = 1..T (x(t) external, H(0) = 0 at the start of every episode):
//     a_j(t) = Σ_k [ w_kj + alpha_kj · H_kj(t-1) ] · x_k(t) + b_j          (K x M connections)
//     y_j(t) = tanh(a_j(t))
//     H_kj(t) = (1-γ) · H_kj(t-1) + γ · x_k(t) · y_j(t)                     (after y(t): the paper's form)
// Readout: out(t) = y(t) + c (identity + learned bias) or z(t) = y(t)·V + c, p(t) = softmax(z(t)).
// Episode loss = mean over the scored steps of L_t (squared error Σ_o (out_o - target_o)², or
// cross-entropy -log p_label).
//
// Online gradient (derivation beside OnlineNet::step in bohp_net.cpp). Unit j depends only on
// its own column of (w, alpha, b) and on its own traces, so the sensitivities are
//     S^w[l,j](t) = ∂y_j(t)/∂w_lj,  S^α[l,j](t) = ∂y_j(t)/∂alpha_lj,  S^b[j](t) = ∂y_j(t)/∂b_j
// and the running state that carries the recursion through the traces is
//     P^w_j[k,l](t) = ∂H_kj(t)/∂w_lj,  P^α_j[k,l](t) = ∂H_kj(t)/∂alpha_lj   (K x K per unit j)
//     P^b[k,j](t)   = ∂H_kj(t)/∂b_j                                          (K x M)
// so memory is O(K²·M) whatever T is. Loss gradients accumulate as g_θ += Σ_j ∂L_t/∂y_j(t) · S(t).
#pragma once
#include <cstdint>
#include <string>
#include <vector>
#include <Eigen/Dense>
#include "tensor.hpp"

namespace ps::bohp {


enum class Readout { Identity, LinearSoftmax };
enum class LossKind { SquaredError, CrossEntropy };

struct Shape {
    int K = 8;     // external inputs
    int M = 8;     // plastic tanh units
    int O = 8;     // outputs (= M for the identity readout)
    Readout readout = Readout::Identity;
    LossKind loss = LossKind::SquaredError;
};

// Learned parameters (also used as the container of their gradients and optimiser moments).
template <class S>
struct Params : FixedParams<Params, S> {
    MatR<S> w;       // K x M  fixed weights (pre = input k, post = unit j)
    MatR<S> alpha;   // K x M  plasticity coefficients
    MatR<S> b;       // 1 x M  bias of the plastic units
    MatR<S> v;       // M x O  readout weights (LinearSoftmax only; 0 x 0 otherwise)
    MatR<S> c;       // 1 x O  readout bias (both readouts)

    void zeros(const Shape& s) {
        w.setZero(s.K, s.M); alpha.setZero(s.K, s.M); b.setZero(1, s.M); c.setZero(1, s.O);
        if (s.readout == Readout::LinearSoftmax) v.setZero(s.M, s.O);
        else v.resize(0, 0);
    }
    // list(): (name, matrix) of every trained tensor, in this order, by its checkpoint name; the
    // readout weights only with a LinearSoftmax readout.
    template <class Self, class F>
    static void each(Self& p, F&& f) { f("w", p.w); f("alpha", p.alpha); f("b", p.b); f("out_w", p.v); f("out_b", p.c); }
    static bool trained(const std::string& name, const MatR<S>& m) { return m.size() || name != "out_w"; }
};

// One episode: inputs, targets and which steps count in the loss.
template <class S>
struct Episode {
    MatR<S> x;                        // T x K
    MatR<S> target;                   // T x O  (regression target, or one-hot label)
    std::vector<uint8_t> scored;     // T      (1: L_t is part of the loss)
    int T() const { return int(x.rows()); }
    int n_scored() const { int n = 0; for (auto s : scored) n += s; return n; }
    template <class T2> Episode<T2> cast() const {
        Episode<T2> e; e.x = x.template cast<T2>(); e.target = target.template cast<T2>(); e.scored = scored; return e;
    }
};

// Runs one episode one step at a time; with `grad` on, also carries the online (forward-in-time)
// gradient of the loss. Buffers are allocated by reset() and reused, so a step allocates nothing.
template <class S>
class OnlineNet {
public:
    void reset(const Shape& s, bool grad);   // H = 0, P = 0, accumulated gradients = 0, t = 0

    // Step t: reads x(t) (K values), computes y(t) and the readout, then S(t), P(t) and H(t).
    void step(const Params<S>& p, S gamma, const S* x);
    // Loss of the current step against target (O values), weighted by `weight` (1 / n_scored
    // for the episode mean); accumulates weight·∂L_t/∂θ into grads() when grad is on.
    // Returns the unweighted L_t.
    S score(const Params<S>& p, const S* target, S weight);
    // Whether the readout's argmax (CE) or every output sign (SE) matches the target.
    bool correct(const S* target) const;

    int t() const { return t_; }
    const MatR<S>& H() const { return H_; }        // K x M  H(t) (after the update of step t)
    const MatR<S>& y() const { return y_; }        // 1 x M
    const MatR<S>& out() const { return out_; }    // 1 x O  identity: y + c;  softmax: probabilities
    const MatR<S>& dy_dw() const { return Sw_; }   // K x M  S^w(t)
    const MatR<S>& dy_dalpha() const { return Sa_; }   // K x M  S^α(t)
    const MatR<S>& dy_db() const { return Sb_; }   // 1 x M  S^b(t)
    const Params<S>& grads() const { return g_; }
    // Bytes of state the online gradient carries (independent of T by construction).
    size_t state_bytes() const;

private:
    Shape s_;
    bool grad_ = false;
    int t_ = 0;
    MatR<S> H_, y_, z_, out_;
    MatR<S> Sw_, Sa_, Sb_;          // sensitivities of y(t)
    std::vector<MatR<S>> Pw_, Pa_;  // per unit j: K x K, [k,l] = ∂H_kj/∂θ_lj
    MatR<S> Pb_;                    // K x M
    MatR<S> xa_;                    // 1 x K scratch: alpha_kj x_k(t) for the unit being updated
    Params<S> g_;
};

// Whole episode with the online gradient. Returns the episode loss; grads (if non-null) get
// dLoss/dθ; n_correct (if non-null) counts the scored steps the readout gets right.
template <class S>
S online_episode(const Shape& s, const Params<S>& p, S gamma, const Episode<S>& ep, Params<S>* grads,
                 int* n_correct = nullptr, OnlineNet<S>* scratch = nullptr);

// The same network and loss by back-propagation through time (stores the episode's history).
template <class S>
S bptt_episode(const Shape& s, const Params<S>& p, S gamma, const Episode<S>& ep, Params<S>* grads);

}  // namespace ps::bohp
