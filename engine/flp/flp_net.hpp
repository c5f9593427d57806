// Feedback and local plasticity (Lindsey & Litwin-Kumar 2020, docs/science.md §4) and its gradient
// baselines (OML: inner SGD on the head; plain online SGD), with exact hand-written
// meta-gradients through the whole unrolled inner loop.
//
// Network (batch in rows, column j of W_i^T is neuron j):  X_{i+1} = phi_i(X_i W_iᵀ + 1 b_i),
// phi = ReLU except the last layer (linear: regression output or classification logits).
// Layers 0 .. F-1 are the "representation" (fixed within an episode, trained by the outer loop);
// layers F .. L-1 ("head", K = L - F layers) learn inside the episode:
//
//  FLP inner step on a minibatch (X_0 = inputs, Y = targets), head layer l:
//    forward             X_{l+1} = phi(X_l W_lᵀ + 1 b_l)
//    teaching signal     S = Y - Ŷ (regression)  or  S = Y = onehot (classification)
//    feedback            F_l = ReLU(S B_lᵀ + 1 c_l)                       (no weight transport)
//    post activity       X̃_l = beta_l F_l + (1 - beta_l) X_{l+1}          (clamp_output: X̃_last = Y)
//    Oja update          W_l <- W_l + P_l ⊙ (X̃_lᵀ X_l - diag(q_l) W_l),  q_l = colsum(X̃_l ⊙ X̃_l)
//  biases stay fixed. P_l: per synapse (n_out × n_in), per neuron (n_out × 1), per layer (1×1)
//  or one value shared by every head layer.
//  OML / SGD inner step: theta <- theta - lr * grad_theta loss(minibatch), theta = head W and b.
//
// Meta-loss: query loss after the last inner step (MSE, or mean cross-entropy). Its gradient
// runs backwards through every inner step, including through W_l's own updates (the decay term
// -diag(q)W, the dependence of X̃, q, S on W through the forward pass), and for OML through the
// inner gradient itself (a Hessian-vector product, computed reverse-over-forward below).
//
// Memory (per episode, T inner steps of m rows, R = T*m + Q rows in all, K head layers):
//   representation activations  O(R · Σ_{i<=F} n_i)   (forward once over all rows, batched)
//   head states W^t (and b^t)   O(T · Σ_head n_l n_{l-1})        with ckpt = 0 (every step kept)
//                               O((T/k + k) · Σ_head n_l n_{l-1}) with ckpt = k (segments recomputed)
//   per-step workspace          O(m · Σ_head n_l)  (each step's activations are recomputed from W^t
//                               in the backward pass instead of being stored).
// Cost: one forward, then in the backward one recomputed forward per step (two with ckpt > 0)
// plus the step's backward (about 3 forwards for FLP, 5 for OML's Hessian-vector product).
#pragma once
#include <cmath>
#include <stdexcept>
#include <string>
#include <vector>
#include <Eigen/Dense>
#include "tensor.hpp"
#include "rng.hpp"

namespace ps::flp {


enum class Rule { Flp, Sgd };                            // Sgd: OML (head only) or plain SGD (F = 0)
enum class PGrain { Synapse, Neuron, Layer, Shared };
enum class Loss { Mse, Xent };

struct NetConfig {
    std::vector<int> sizes;        // n_0 .. n_L
    int n_head = 2;                // K: the last K layers learn within the episode
    Rule rule = Rule::Flp;
    PGrain grain = PGrain::Synapse;
    Loss loss = Loss::Mse;
    bool clamp_output = false;     // FLP: X̃ of the output layer is the target itself (classification)
    bool learn_lr = true;          // Sgd: the inner rate is a meta-parameter
    int ckpt = 0;                  // 0: keep every head state; k > 0: every k-th, recompute the rest

    int L() const { return int(sizes.size()) - 1; }
    int F() const { return L() - n_head; }               // first head layer
    int n_out() const { return sizes.back(); }
    bool has_feedback(int h) const { return !(clamp_output && h == n_head - 1); }
    void validate() const {
        if (sizes.size() < 2) throw std::invalid_argument("flp: need at least one layer");
        for (int n : sizes) if (n < 1) throw std::invalid_argument("flp: layer sizes must be >= 1");
        if (n_head < 1 || n_head > L()) throw std::invalid_argument("flp: n_head must be in 1..L");
        if (ckpt < 0) throw std::invalid_argument("flp: ckpt must be >= 0");
    }
};

// All parameters of one network. Every tensor is a Mat (biases 1 × n, scalars 1 × 1) so one
// visitor serves Adam, checkpoints, gradient dumps and the finite-difference test.
template <class S> struct Params : ParamLists<Params<S>, MatR<S>> {
    std::vector<MatR<S>> W, b;      // L each: W[i] (n_{i+1} × n_i), b[i] (1 × n_{i+1})
    std::vector<MatR<S>> B, c;      // K each: B[h] (n × n_out) (0×0 without feedback), c[h] (1 × n)
    std::vector<MatR<S>> beta;      // K each (1 × 1) (0×0 without feedback)
    std::vector<MatR<S>> P;         // K each (Synapse n×n_in, Neuron n×1, Layer 1×1), or 1 (Shared)
    MatR<S> lr;                     // (1 × 1) inner SGD rate

    const MatR<S>& Pof(const NetConfig& cfg, int h) const { return cfg.grain == PGrain::Shared ? P[0] : P[size_t(h)]; }
    MatR<S>& Pof(const NetConfig& cfg, int h) { return cfg.grain == PGrain::Shared ? P[0] : P[size_t(h)]; }

    // list(cfg): (name, matrix) of the meta-parameters of this rule (names use 1-based layer numbers).
    // Same shapes, all zero (a gradient accumulator).
    Params zeros_like() const {
        Params z = *this;
        auto zero = [](std::vector<MatR<S>>& v) { for (auto& m : v) m.setZero(); };
        zero(z.W); zero(z.b); zero(z.B); zero(z.c); zero(z.beta); zero(z.P); z.lr.setZero();
        return z;
    }
    // this += o, tensor by tensor (same shapes).
    void add(const Params& o) {
        auto av = [](std::vector<MatR<S>>& a, const std::vector<MatR<S>>& b) { for (size_t i = 0; i < a.size(); ++i) a[i] += b[i]; };
        av(W, o.W); av(b, o.b); av(B, o.B); av(c, o.c); av(beta, o.beta); av(P, o.P); lr += o.lr;
    }
    template <class T> Params<T> cast() const {
        Params<T> o;
        auto cv = [](const std::vector<MatR<S>>& v) { std::vector<MatR<T>> r; for (auto& m : v) r.push_back(m.template cast<T>()); return r; };
        o.W = cv(W); o.b = cv(b); o.B = cv(B); o.c = cv(c); o.beta = cv(beta); o.P = cv(P); o.lr = lr.template cast<T>();
        return o;
    }

private:
    friend struct ParamLists<Params, MatR<S>>;
    template <class Self>
    static ParamList<LikeConst<Self, MatR<S>>> list_of(Self& p, const NetConfig& cfg) {
        ParamList<LikeConst<Self, MatR<S>>> l;
        const int L = cfg.L(), Fh = cfg.F();
        for (int i = 0; i < L; ++i) l.emplace_back("W" + std::to_string(i + 1), &p.W[size_t(i)]);
        for (int i = 0; i < L; ++i) l.emplace_back("b" + std::to_string(i + 1), &p.b[size_t(i)]);
        if (cfg.rule == Rule::Flp) {
            for (int h = 0; h < cfg.n_head; ++h) {
                if (!cfg.has_feedback(h)) continue;
                const std::string n = std::to_string(Fh + h + 1);
                l.emplace_back("B" + n, &p.B[size_t(h)]);
                l.emplace_back("c" + n, &p.c[size_t(h)]);
                l.emplace_back("beta" + n, &p.beta[size_t(h)]);
            }
            if (cfg.grain == PGrain::Shared) l.emplace_back("P", &p.P[0]);
            else for (int h = 0; h < cfg.n_head; ++h) l.emplace_back("P" + std::to_string(Fh + h + 1), &p.P[size_t(h)]);
        } else if (cfg.learn_lr) {
            l.emplace_back("lr", &p.lr);
        }
        return l;
    }
};

struct InitOptions {
    double p_init = 0.0;           // initial plasticity rate (docs/science.md: 0)
    double beta_init = 0.5;        // initial feedback mix
    double lr_init = 0.03;         // initial inner SGD rate
    double feedback_gain = 1.0;    // B ~ feedback_gain * N(0, 2 / n_out) (He, as the authors' code)
};

// He-normal forward weights (std sqrt(2 / fan_in)), zero biases; feedback as InitOptions.
template <class S> Params<S> init_params(const NetConfig& cfg, const InitOptions& o, Rng& rng) {
    cfg.validate();
    Params<S> p;
    const int L = cfg.L(), Fh = cfg.F(), no = cfg.n_out();
    for (int i = 0; i < L; ++i) {
        const int ni = cfg.sizes[size_t(i)], nn = cfg.sizes[size_t(i + 1)];
        MatR<S> w(nn, ni);
        const double sd = std::sqrt(2.0 / ni);
        for (Eigen::Index k = 0; k < w.size(); ++k) w.data()[k] = S(sd * rng.normal());
        p.W.push_back(w);
        p.b.push_back(MatR<S>::Zero(1, nn));
    }
    for (int h = 0; h < cfg.n_head; ++h) {
        const int nn = cfg.sizes[size_t(Fh + h + 1)], ni = cfg.sizes[size_t(Fh + h)];
        if (cfg.has_feedback(h)) {
            MatR<S> B(nn, no);
            const double sd = o.feedback_gain * std::sqrt(2.0 / no);
            for (Eigen::Index k = 0; k < B.size(); ++k) B.data()[k] = S(sd * rng.normal());
            p.B.push_back(B);
            p.c.push_back(MatR<S>::Zero(1, nn));
            p.beta.push_back(MatR<S>::Constant(1, 1, S(o.beta_init)));
        } else {
            p.B.emplace_back(); p.c.emplace_back(); p.beta.emplace_back();
        }
        if (cfg.grain == PGrain::Synapse) p.P.push_back(MatR<S>::Constant(nn, ni, S(o.p_init)));
        else if (cfg.grain == PGrain::Neuron) p.P.push_back(MatR<S>::Constant(nn, 1, S(o.p_init)));
        else if (cfg.grain == PGrain::Layer || h == 0) p.P.push_back(MatR<S>::Constant(1, 1, S(o.p_init)));
    }
    p.lr = MatR<S>::Constant(1, 1, S(o.lr_init));
    return p;
}

// ---------------------------------------------------------------- data of one episode
template <class S> struct Episode {
    MatR<S> X, Y;                   // (R × n_0), (R × n_out): inner-loop rows in presentation order
    std::vector<int> start;        // T + 1 offsets: inner step t uses rows [start[t], start[t+1])
    MatR<S> Xq, Yq;                 // query (Q × n_0), (Q × n_out)
    int steps() const { return int(start.size()) - 1; }
    int rows(int t) const { return start[size_t(t + 1)] - start[size_t(t)]; }
    template <class T> Episode<T> cast() const {
        Episode<T> e; e.X = X.template cast<T>(); e.Y = Y.template cast<T>(); e.start = start;
        e.Xq = Xq.template cast<T>(); e.Yq = Yq.template cast<T>(); return e;
    }
};

// What changes inside an episode: the head's weights (and, for SGD, biases).
template <class S> struct HeadState { std::vector<MatR<S>> W, b; };   // K each, as Params::W/b

template <class S> HeadState<S> initial_state(const NetConfig& cfg, const Params<S>& p) {
    HeadState<S> s;
    for (int h = 0; h < cfg.n_head; ++h) { s.W.push_back(p.W[size_t(cfg.F() + h)]); s.b.push_back(p.b[size_t(cfg.F() + h)]); }
    return s;
}

// ---------------------------------------------------------------- small ops (forward next to backward)
template <class S> inline void relu_inplace(MatR<S>& a) { a = a.cwiseMax(S(0)); }
// d/dA of ReLU applied where the *output* is known: A > 0 <=> X > 0.
template <class S> inline void relu_backward_inplace(MatR<S>& g /*(m × n) g_X -> g_A*/, const MatR<S>& x /*(m × n)*/) {
    g = (x.array() > S(0)).select(g, S(0));
}

// out = P ⊙ D with P at its grain, D (n × n_in).
template <class S> void p_mul(PGrain g, const MatR<S>& P, const MatR<S>& D, MatR<S>& out) {
    switch (g) {
        case PGrain::Synapse: out = P.cwiseProduct(D); break;
        case PGrain::Neuron: out = D; out.array().colwise() *= P.col(0).array(); break;
        default: out = P(0, 0) * D; break;
    }
}
// backward of p_mul with respect to P: gP += reduce(G ⊙ D) to P's grain.
template <class S> void p_mul_backward_P(PGrain g, const MatR<S>& GD /*(n × n_in) = G ⊙ D*/, MatR<S>& gP) {
    switch (g) {
        case PGrain::Synapse: gP += GD; break;
        case PGrain::Neuron: gP += GD.rowwise().sum(); break;
        default: gP(0, 0) += GD.sum(); break;
    }
}

// Loss on a batch and dLoss/dŶ. MSE: mean over rows and outputs of (Ŷ - Y)²;
// Xent: mean over rows of -Σ Y log softmax(Ŷ).
template <class S> S loss_forward(Loss kind, const MatR<S>& Yh /*(m × n_out)*/, const MatR<S>& Y /*(m × n_out)*/,
                                  MatR<S>* dYh /*(m × n_out) or null*/) {
    const Eigen::Index m = Yh.rows(), n = Yh.cols();
    if (kind == Loss::Mse) {
        const MatR<S> e = Yh - Y;
        if (dYh) *dYh = (S(2) / S(m * n)) * e;
        return e.squaredNorm() / S(m * n);
    }
    S total = 0;
    if (dYh) dYh->resize(m, n);
    for (Eigen::Index r = 0; r < m; ++r) {
        const S mx = Yh.row(r).maxCoeff();
        const Eigen::Array<S, 1, Eigen::Dynamic> ex = (Yh.row(r).array() - mx).exp();
        const S z = ex.sum();
        total -= (Y.row(r).array() * (Yh.row(r).array() - mx - std::log(z))).sum();
        if (dYh) dYh->row(r) = (ex / z - Y.row(r).array()) / S(m);
    }
    return total / S(m);
}
// Tangent of dLoss/dŶ along Ŷ̇ (the loss's Hessian in Ŷ times Ŷ̇), for OML's Hessian-vector product.
// MSE: 2/(m n) Ŷ̇;  Xent per row: (p ⊙ v - p (p·v)) / m with p = softmax(Ŷ), v = Ŷ̇.
template <class S> void loss_hvp(Loss kind, const MatR<S>& Yh /*(m × n)*/, const MatR<S>& V /*(m × n)*/, MatR<S>& out) {
    const Eigen::Index m = Yh.rows(), n = Yh.cols();
    if (kind == Loss::Mse) { out = (S(2) / S(m * n)) * V; return; }
    out.resize(m, n);
    for (Eigen::Index r = 0; r < m; ++r) {
        const Eigen::Array<S, 1, Eigen::Dynamic> ex = (Yh.row(r).array() - Yh.row(r).maxCoeff()).exp();
        const Eigen::Array<S, 1, Eigen::Dynamic> p = ex / ex.sum();
        const S pv = (p * V.row(r).array()).sum();
        out.row(r) = (p * V.row(r).array() - p * pv) / S(m);
    }
}

// ---------------------------------------------------------------- representation (batched over all rows)
// X[0] = input rows (R × n_0) ... X[F] = representation (R × n_F).
template <class S> void rep_forward(const NetConfig& cfg, const Params<S>& p, const MatR<S>& X0, std::vector<MatR<S>>& X) {
    X.resize(size_t(cfg.F() + 1));
    X[0] = X0;
    for (int i = 0; i < cfg.F(); ++i) {
        X[size_t(i + 1)] = (X[size_t(i)] * p.W[size_t(i)].transpose()).rowwise() + p.b[size_t(i)].row(0);
        relu_inplace(X[size_t(i + 1)]);
    }
}
// gXF (R × n_F): dLoss/dX[F]. Accumulates g.W, g.b of the representation layers.
template <class S> void rep_backward(const NetConfig& cfg, const Params<S>& p, const std::vector<MatR<S>>& X, MatR<S> gX,
                                     Params<S>& g) {
    for (int i = cfg.F() - 1; i >= 0; --i) {
        relu_backward_inplace(gX, X[size_t(i + 1)]);                       // gX -> gA (R × n_{i+1})
        g.W[size_t(i)].noalias() += gX.transpose() * X[size_t(i)];       // (n_{i+1} × n_i)
        g.b[size_t(i)] += gX.colwise().sum();
        if (i > 0) gX = gX * p.W[size_t(i)];                             // (R × n_i)
    }
}

// ---------------------------------------------------------------- head forward (one minibatch)
// X[0] = H (m × n_F) ... X[K] = Ŷ (m × n_out). ReLU on all head layers but the last.
template <class S> void head_forward(const NetConfig& cfg, const HeadState<S>& st, const MatR<S>& H, std::vector<MatR<S>>& X) {
    const int K = cfg.n_head;
    X.resize(size_t(K + 1));
    X[0] = H;
    for (int h = 0; h < K; ++h) {
        X[size_t(h + 1)] = (X[size_t(h)] * st.W[size_t(h)].transpose()).rowwise() + st.b[size_t(h)].row(0);
        if (h < K - 1) relu_inplace(X[size_t(h + 1)]);
    }
}
// Plain backprop through the head: gY (m × n_out) -> gW, gb (K each), gH (m × n_F, optional).
// gA[h] (m × n_{h+1}) is kept: OML's Hessian-vector product reuses it.
template <class S> void head_backward(const NetConfig& cfg, const HeadState<S>& st, const std::vector<MatR<S>>& X,
                                      const MatR<S>& gY, std::vector<MatR<S>>& gA, std::vector<MatR<S>>* gW,
                                      std::vector<MatR<S>>* gb, MatR<S>* gH) {
    const int K = cfg.n_head;
    gA.resize(size_t(K));
    MatR<S> gX = gY;
    for (int h = K - 1; h >= 0; --h) {
        if (h < K - 1) relu_backward_inplace(gX, X[size_t(h + 1)]);
        gA[size_t(h)] = gX;
        if (gW) (*gW)[size_t(h)].noalias() += gX.transpose() * X[size_t(h)];
        if (gb) (*gb)[size_t(h)] += gX.colwise().sum();
        if (h > 0 || gH) gX = gX * st.W[size_t(h)];
    }
    if (gH) *gH = gX;
}

// ---------------------------------------------------------------- one inner step
// Everything one step computes; the backward pass rebuilds it from W^t (see the memory note).
template <class S> struct StepWork {
    std::vector<MatR<S>> X;         // head activations, X[0] = H (m × n_F) .. X[K] = Ŷ
    MatR<S> Sig;                    // teaching signal (m × n_out)
    std::vector<MatR<S>> Z, Xt;     // FLP: feedback pre-activation, X̃ (m × n_{h+1}) per head layer
    std::vector<MatR<S>> q;         // FLP: (1 × n_{h+1}) colsum(X̃²)
    std::vector<MatR<S>> D;         // FLP: Oja direction (n × n_in);  dW = P ⊙ D
    MatR<S> gY;                     // SGD: dLoss/dŶ (m × n_out)
    std::vector<MatR<S>> gA, gW, gb;// SGD: backprop of the inner loss
    S inner_loss = 0;              // loss on this minibatch before the update
};

// Applies one inner step to st (in place) on H (m × n_F), Y (m × n_out); fills w.
template <class S> void inner_step(const NetConfig& cfg, const Params<S>& p, HeadState<S>& st, const MatR<S>& H,
                                   const MatR<S>& Y, StepWork<S>& w) {
    const int K = cfg.n_head;
    head_forward(cfg, st, H, w.X);
    const MatR<S>& Yh = w.X[size_t(K)];
    if (cfg.rule == Rule::Flp) {
        w.inner_loss = loss_forward<S>(cfg.loss, Yh, Y, nullptr);
        w.Sig = cfg.loss == Loss::Mse ? MatR<S>(Y - Yh) : Y;                            // (m × n_out)
        w.Z.resize(size_t(K)); w.Xt.resize(size_t(K)); w.q.resize(size_t(K)); w.D.resize(size_t(K));
        MatR<S> dW;
        for (int h = 0; h < K; ++h) {
            if (cfg.has_feedback(h)) {
                w.Z[size_t(h)] = (w.Sig * p.B[size_t(h)].transpose()).rowwise() + p.c[size_t(h)].row(0);   // (m × n)
                const S be = p.beta[size_t(h)](0, 0);
                w.Xt[size_t(h)] = be * w.Z[size_t(h)].cwiseMax(S(0)) + (S(1) - be) * w.X[size_t(h + 1)];
            } else {
                w.Xt[size_t(h)] = Y;                                                           // clamped output
            }
            w.q[size_t(h)] = w.Xt[size_t(h)].array().square().colwise().sum();                 // (1 × n)
            w.D[size_t(h)].noalias() = w.Xt[size_t(h)].transpose() * w.X[size_t(h)];           // X̃ᵀ X_in
            w.D[size_t(h)].array() -= st.W[size_t(h)].array().colwise() * w.q[size_t(h)].row(0).transpose().array();
        }
        for (int h = 0; h < K; ++h) {                    // all D first: the update must use W^t everywhere
            p_mul(cfg.grain, p.Pof(cfg, h), w.D[size_t(h)], dW);
            st.W[size_t(h)] += dW;
        }
    } else {
        w.inner_loss = loss_forward<S>(cfg.loss, Yh, Y, &w.gY);
        w.gW.assign(size_t(K), MatR<S>()); w.gb.assign(size_t(K), MatR<S>());
        for (int h = 0; h < K; ++h) { w.gW[size_t(h)].setZero(st.W[size_t(h)].rows(), st.W[size_t(h)].cols()); w.gb[size_t(h)].setZero(1, st.b[size_t(h)].cols()); }
        head_backward<S>(cfg, st, w.X, w.gY, w.gA, &w.gW, &w.gb, nullptr);
        const S lr = p.lr(0, 0);
        for (int h = 0; h < K; ++h) { st.W[size_t(h)] -= lr * w.gW[size_t(h)]; st.b[size_t(h)] -= lr * w.gb[size_t(h)]; }
    }
}

// Backward of one FLP step. st: W^t (the state *before* the step); G (K, n × n_in): dL/dW^{t+1} on
// entry, dL/dW^t on exit. Accumulates g (b of the head, B, c, beta, P); returns gH (m × n_F).
template <class S> void flp_step_backward(const NetConfig& cfg, const Params<S>& p, const HeadState<S>& st,
                                          const StepWork<S>& w, std::vector<MatR<S>>& G, Params<S>& g, MatR<S>& gH) {
    const int K = cfg.n_head;
    std::vector<MatR<S>> gX(size_t(K + 1));                         // dL/dX[h] (m × n_h)
    for (int h = 0; h <= K; ++h) gX[size_t(h)].setZero(w.X[size_t(h)].rows(), w.X[size_t(h)].cols());
    MatR<S> gS = MatR<S>::Zero(w.Sig.rows(), w.Sig.cols());
    MatR<S> gD, tmp;
    for (int h = 0; h < K; ++h) {
        const MatR<S>& Xin = w.X[size_t(h)];
        const MatR<S>& Xt = w.Xt[size_t(h)];
        // W^{t+1} = W^t + P ⊙ D
        tmp = G[size_t(h)].cwiseProduct(w.D[size_t(h)]);
        p_mul_backward_P(cfg.grain, tmp, g.Pof(cfg, h));
        p_mul(cfg.grain, p.Pof(cfg, h), G[size_t(h)], gD);                                 // gD = P ⊙ G
        // D = X̃ᵀ X_in - diag(q) W^t
        G[size_t(h)].array() -= gD.array().colwise() * w.q[size_t(h)].row(0).transpose().array();   // through -diag(q)W
        gX[size_t(h)].noalias() += Xt * gD;                                                // (m × n_in)
        if (!cfg.has_feedback(h)) continue;                                                // X̃ = Y: constant
        const MatR<S> gq = -(gD.cwiseProduct(st.W[size_t(h)])).rowwise().sum().transpose(); // (1 × n)
        MatR<S> gXt = Xin * gD.transpose();                                                 // (m × n)
        gXt.array() += S(2) * Xt.array() * gq.replicate(Xt.rows(), 1).array();
        // X̃ = beta F + (1 - beta) X_{h+1},  F = ReLU(Z)
        const S be = p.beta[size_t(h)](0, 0);
        const MatR<S> Fm = w.Z[size_t(h)].cwiseMax(S(0));
        g.beta[size_t(h)](0, 0) += (gXt.array() * (Fm - w.X[size_t(h + 1)]).array()).sum();
        gX[size_t(h + 1)] += (S(1) - be) * gXt;
        MatR<S> gZ = be * gXt;
        relu_backward_inplace(gZ, Fm);
        // Z = S Bᵀ + 1 c
        g.B[size_t(h)].noalias() += gZ.transpose() * w.Sig;                                // (n × n_out)
        g.c[size_t(h)] += gZ.colwise().sum();
        gS.noalias() += gZ * p.B[size_t(h)];                                               // (m × n_out)
    }
    if (cfg.loss == Loss::Mse) gX[size_t(K)] -= gS;                                        // S = Y - Ŷ
    // the forward pass at step t (top-down so gX[h+1] is complete before it is used)
    for (int h = K - 1; h >= 0; --h) {
        MatR<S>& gA = gX[size_t(h + 1)];
        if (h < K - 1) relu_backward_inplace(gA, w.X[size_t(h + 1)]);
        G[size_t(h)].noalias() += gA.transpose() * w.X[size_t(h)];
        g.b[size_t(cfg.F() + h)] += gA.colwise().sum();
        gX[size_t(h)].noalias() += gA * st.W[size_t(h)];
    }
    gH = gX[0];
}

// Backward of one SGD step theta^{t+1} = theta^t - lr grad(theta^t, H). GW, Gb (K): dL/dtheta^{t+1} on
// entry, dL/dtheta^t on exit. Accumulates g.lr; returns gH (m × n_F).
// dL/dtheta^t = G - lr (d grad/d theta)ᵀ G = G - lr Hess·G ; dL/dH = -lr (d grad/dH)ᵀ G.
// Both come from phi = <G, grad(theta, H)> = d/dε loss(theta + ε G): a tangent forward pass along
// G, then reverse through it ("reverse over forward"). ReLU masks are piecewise constant.
template <class S> void sgd_step_backward(const NetConfig& cfg, const Params<S>& p, const HeadState<S>& st,
                                          const StepWork<S>& w, std::vector<MatR<S>>& GW, std::vector<MatR<S>>& Gb,
                                          Params<S>& g, MatR<S>& gH) {
    const int K = cfg.n_head;
    const S lr = p.lr(0, 0);
    if (cfg.learn_lr) {
        S d = 0;
        for (int h = 0; h < K; ++h) d += GW[size_t(h)].cwiseProduct(w.gW[size_t(h)]).sum() + Gb[size_t(h)].cwiseProduct(w.gb[size_t(h)]).sum();
        g.lr(0, 0) -= d;
    }
    // tangent forward: Ẋ[0] = 0, Ȧ = Ẋ Wᵀ + X V_Wᵀ + 1 V_b, Ẋ' = mask ⊙ Ȧ
    std::vector<MatR<S>> Xd(size_t(K + 1));
    Xd[0].setZero(w.X[0].rows(), w.X[0].cols());
    for (int h = 0; h < K; ++h) {
        Xd[size_t(h + 1)] = (Xd[size_t(h)] * st.W[size_t(h)].transpose() + w.X[size_t(h)] * GW[size_t(h)].transpose()).rowwise()
                            + Gb[size_t(h)].row(0);
        if (h < K - 1) relu_backward_inplace(Xd[size_t(h + 1)], w.X[size_t(h + 1)]);
    }
    // reverse: adjoint of the tangent graph is the plain backprop adjoint gA; pX is the primal adjoint
    MatR<S> pX;
    loss_hvp(cfg.loss, w.X[size_t(K)], Xd[size_t(K)], pX);
    for (int h = K - 1; h >= 0; --h) {
        if (h < K - 1) relu_backward_inplace(pX, w.X[size_t(h + 1)]);                   // pA
        const MatR<S>& tA = w.gA[size_t(h)];
        MatR<S> HW = tA.transpose() * Xd[size_t(h)];
        HW.noalias() += pX.transpose() * w.X[size_t(h)];
        const MatR<S> Hb = pX.colwise().sum();
        MatR<S> pPrev = tA * GW[size_t(h)];
        pPrev.noalias() += pX * st.W[size_t(h)];
        GW[size_t(h)] -= lr * HW;
        Gb[size_t(h)] -= lr * Hb;
        pX.swap(pPrev);
    }
    gH = -lr * pX;
}

// ---------------------------------------------------------------- the unrolled episode
template <class S> struct Unroll {
    std::vector<MatR<S>> rep;       // representation activations over [inner rows; query rows]
    std::vector<HeadState<S>> saved;   // state before step t for t = 0, k, 2k, ... (k = 1 when ckpt = 0)
    HeadState<S> final;            // state after the last step
    std::vector<MatR<S>> qX;        // head activations on the query
    MatR<S> qdY;                    // dLoss/dŶ on the query (Q × n_out)
    std::vector<S> inner_loss;     // per step, before its update
    S loss = 0;
};

template <class S> MatR<S> stack_rows(const MatR<S>& a, const MatR<S>& b) {
    MatR<S> r(a.rows() + b.rows(), a.cols());
    r.topRows(a.rows()) = a; r.bottomRows(b.rows()) = b;
    return r;
}

// Runs the inner loop and the query; returns the query loss. keep = false: inference only.
template <class S> S episode_forward(const NetConfig& cfg, const Params<S>& p, const Episode<S>& ep, Unroll<S>& u,
                                     bool keep = true) {
    const int T = ep.steps(), Fh = cfg.F(), K = cfg.n_head;
    const int every = cfg.ckpt > 0 ? cfg.ckpt : 1;
    rep_forward(cfg, p, stack_rows(ep.X, ep.Xq), u.rep);
    const MatR<S>& H = u.rep[size_t(Fh)];
    HeadState<S> st = initial_state(cfg, p);
    u.saved.clear(); u.inner_loss.assign(size_t(T), S(0));
    StepWork<S> w;
    for (int t = 0; t < T; ++t) {
        if (keep && t % every == 0) u.saved.push_back(st);
        inner_step<S>(cfg, p, st, H.middleRows(ep.start[size_t(t)], ep.rows(t)), ep.Y.middleRows(ep.start[size_t(t)], ep.rows(t)), w);
        u.inner_loss[size_t(t)] = w.inner_loss;
    }
    u.final = st;
    head_forward<S>(cfg, st, H.bottomRows(ep.Xq.rows()), u.qX);
    u.loss = loss_forward<S>(cfg.loss, u.qX[size_t(K)], ep.Yq, &u.qdY);
    if (!keep) u.rep.clear();
    return u.loss;
}

// Accumulates dLoss/dparams into g (same shapes as p, e.g. from zeros_like) after episode_forward.
template <class S> void episode_backward(const NetConfig& cfg, const Params<S>& p, const Episode<S>& ep, const Unroll<S>& u,
                                         Params<S>& g) {
    const int T = ep.steps(), Fh = cfg.F(), K = cfg.n_head;
    const int every = cfg.ckpt > 0 ? cfg.ckpt : 1;
    if (u.rep.empty()) throw std::logic_error("flp: episode_backward needs episode_forward(keep = true)");
    const MatR<S>& H = u.rep[size_t(Fh)];
    MatR<S> gHall = MatR<S>::Zero(H.rows(), H.cols());
    // query: plain backprop with the final state
    std::vector<MatR<S>> G(static_cast<size_t>(K)), Gb(static_cast<size_t>(K)), gA;
    for (int h = 0; h < K; ++h) { G[size_t(h)].setZero(u.final.W[size_t(h)].rows(), u.final.W[size_t(h)].cols()); Gb[size_t(h)].setZero(1, u.final.b[size_t(h)].cols()); }
    MatR<S> gH;
    head_backward<S>(cfg, u.final, u.qX, u.qdY, gA, &G, &Gb, &gH);
    gHall.bottomRows(ep.Xq.rows()) = gH;
    if (cfg.rule == Rule::Flp)                                         // biases are not updated: direct
        for (int h = 0; h < K; ++h) { g.b[size_t(Fh + h)] += Gb[size_t(h)]; Gb[size_t(h)].setZero(); }
    // inner steps, last to first, one checkpoint segment at a time
    std::vector<HeadState<S>> seg;
    StepWork<S> w;
    for (int s0 = ((T - 1) / every) * every; s0 >= 0 && T > 0; s0 -= every) {
        const int s1 = std::min(T, s0 + every);
        seg.assign(1, u.saved[size_t(s0 / every)]);
        for (int t = s0; t < s1 - 1; ++t) {                              // recompute states s0+1 .. s1-1
            HeadState<S> st = seg.back();
            inner_step<S>(cfg, p, st, H.middleRows(ep.start[size_t(t)], ep.rows(t)), ep.Y.middleRows(ep.start[size_t(t)], ep.rows(t)), w);
            seg.push_back(std::move(st));
        }
        for (int t = s1 - 1; t >= s0; --t) {
            const HeadState<S>& st0 = seg[size_t(t - s0)];
            HeadState<S> st = st0;                                       // rebuild step t's work from W^t
            const auto Ht = H.middleRows(ep.start[size_t(t)], ep.rows(t));
            inner_step<S>(cfg, p, st, Ht, ep.Y.middleRows(ep.start[size_t(t)], ep.rows(t)), w);
            if (cfg.rule == Rule::Flp) flp_step_backward<S>(cfg, p, st0, w, G, g, gH);
            else sgd_step_backward<S>(cfg, p, st0, w, G, Gb, g, gH);
            gHall.middleRows(ep.start[size_t(t)], ep.rows(t)) += gH;
        }
    }
    for (int h = 0; h < K; ++h) { g.W[size_t(Fh + h)] += G[size_t(h)]; g.b[size_t(Fh + h)] += Gb[size_t(h)]; }
    rep_backward(cfg, p, u.rep, gHall, g);
}

// Predictions of the network in a given head state on rows X (R × n_0) -> (R × n_out).
template <class S> MatR<S> predict(const NetConfig& cfg, const Params<S>& p, const HeadState<S>& st, const MatR<S>& X) {
    std::vector<MatR<S>> rep, hx;
    rep_forward(cfg, p, X, rep);
    head_forward(cfg, st, rep[size_t(cfg.F())], hx);
    return hx.back();
}

}  // namespace ps::flp
