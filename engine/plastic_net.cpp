// Forward and backward of the plastic recurrent network (see plastic_net.hpp for the maths).
// Each forward piece sits next to its backward; the plain-loop reference is at the end.
#include "plastic_net.hpp"
#include "cancel.hpp"
#include "parallel.hpp"
#include "plastic_kernels.hpp"
#include <algorithm>
#include <limits>
#include <stdexcept>

namespace ps {

// ---------------------------------------------------------------------------------------------
// Parameters

template <class S>
void NetParams<S>::set_zero_like(const NetParams& o) {
    W.setZero(o.W.rows(), o.W.cols());
    A.setZero(o.A.rows(), o.A.cols());
    eta.setZero(o.eta.rows(), o.eta.cols());
    Win.setZero(o.Win.rows(), o.Win.cols());
    b.setZero(o.b.rows(), o.b.cols());
}

template <class S>
void PlasticNet<S>::configure(const NetConfig& cfg) {
    if (cfg.n < 1) throw std::invalid_argument("network size n must be >= 1");
    if (cfg.input == InputMode::Linear && cfg.k < 1) throw std::invalid_argument("Linear input needs k >= 1");
    cfg_ = cfg;
    const int n = cfg.n;
    p.W.setZero(n, n);
    if (cfg.alpha == AlphaMode::Independent) p.A.setZero(n, n);
    else if (cfg.alpha == AlphaMode::Shared) p.A.setZero(1, 1);
    else p.A.resize(0, 0);
    if (cfg.eta == EtaMode::PerNeuron) p.eta.setConstant(1, n, S(cfg.eta_init));
    else p.eta.setConstant(1, 1, S(cfg.eta_init));
    if (cfg.input == InputMode::Linear) p.Win.setZero(cfg.k, n); else p.Win.resize(0, 0);
    if (cfg.input == InputMode::Linear || cfg.learn_bias) p.b.setZero(1, n); else p.b.resize(0, 0);
}

template <class S>
void PlasticNet<S>::init(Rng& rng) {
    for (Eigen::Index i = 0; i < p.W.rows(); ++i)
        for (Eigen::Index j = 0; j < p.W.cols(); ++j) p.W(i, j) = S(cfg_.w_init * rng.normal());
    for (Eigen::Index i = 0; i < p.A.rows(); ++i)
        for (Eigen::Index j = 0; j < p.A.cols(); ++j) p.A(i, j) = S(cfg_.a_init * rng.normal());
    p.eta.setConstant(S(cfg_.eta_init));
    if (p.Win.size()) {
        const double s = 1.0 / std::sqrt(double(cfg_.k));
        for (Eigen::Index i = 0; i < p.Win.rows(); ++i)
            for (Eigen::Index j = 0; j < p.Win.cols(); ++j) p.Win(i, j) = S(s * rng.normal());
    }
    if (p.b.size()) p.b.setZero();
}

// ---------------------------------------------------------------------------------------------
// Trace coefficients.  H(t+1) = H(t)⊙c + pᵀd with y = x(t) the post-synaptic activity:
//   Hebb: c_j = 1 - η_j,        d_j = η_j y_j
//   Oja:  c_j = 1 - η_j y_j²,   d_j = η_j y_j
// Backward (g = g_H(t+1), h = H(t), p = x(t-1)):
//   g_c_j = Σ_i g_ij h_ij,  g_d_j = Σ_i g_ij p_i,  g_p_i = Σ_j g_ij d_j,  g_H(t) += g ⊙ c
//   Hebb: g_η_j += -g_c_j + g_d_j y_j;          g_y_j += η_j g_d_j
//   Oja:  g_η_j += -g_c_j y_j² + g_d_j y_j;     g_y_j += -2 η_j y_j g_c_j + η_j g_d_j

template <class S>
void PlasticNet<S>::trace_coeffs(const Row& y, Row& c, Row& d) const {
    const int n = cfg_.n;
    c.resize(n); d.resize(n);
    const bool per = p.eta.cols() > 1;
    for (int j = 0; j < n; ++j) {
        const S e = per ? p.eta(0, j) : p.eta(0, 0);
        d[j] = e * y[j];
        c[j] = cfg_.rule == Rule::Oja ? S(1) - e * y[j] * y[j] : S(1) - e;
    }
}

template <class S>
double PlasticNet<S>::log_amplification(const Row& c) const {
    const double m = double(c.cwiseAbs().minCoeff());
    return m > 1e-30 ? -std::log(m) : std::numeric_limits<double>::infinity();
}

// ---------------------------------------------------------------------------------------------
// Row-parallel parts (parallel.hpp): K fixed per episode; K = 1 below N = 256, where a step is
// too short to share.

template <class S>
PlasticNet<S>::~PlasticNet() = default;

template <class S>
void PlasticNet<S>::setup_parts() {
    const int want = (kernel_threads() > 1 && cfg_.n >= 256 && plastic()) ? kernel_threads() : 1;
    if (want > 1 && (!pool_.p || pool_.p->size() != want)) pool_.p = std::make_shared<StepPool>(want);
    if (want == 1) pool_.p.reset();
    parts_ = want;
    part_acc_.resize(size_t(want));
    part_gc_.resize(size_t(want));
    part_gd_.resize(size_t(want));
    for (int k = 1; k < want; ++k) {
        part_acc_[size_t(k)].resize(cfg_.n);
        part_gc_[size_t(k)].resize(cfg_.n);
        part_gd_[size_t(k)].resize(cfg_.n);
    }
    part_alpha_.assign(size_t(want), S(0));
}

void step_pool_run(StepPool& p, const std::function<void(int)>& f) { p.run(f); }

namespace {
template <class S, bool Sh, bool Nx>
void backward_prev(kernels::Prev pv, int i0, int i1, int n, S* H, S* gH, S* gA, const S* W, const S* A, S alpha,
                   const S* g, const S* c_s, const S* inv_cm, const S* d_m, const S* anchor, const S* pre, const S* q,
                   S* gxm1, S* gxm2, S* gc, S* gd, S& g_alpha) {
    using kernels::Prev;
    using kernels::backward_rows;
    switch (pv) {
        case Prev::None: backward_rows<S, Sh, Nx, Prev::None>(i0, i1, n, H, gH, gA, W, A, alpha, g, c_s, inv_cm, d_m, anchor, pre, q, gxm1, gxm2, gc, gd, g_alpha); break;
        case Prev::Recompute: backward_rows<S, Sh, Nx, Prev::Recompute>(i0, i1, n, H, gH, gA, W, A, alpha, g, c_s, inv_cm, d_m, anchor, pre, q, gxm1, gxm2, gc, gd, g_alpha); break;
        case Prev::Anchor: backward_rows<S, Sh, Nx, Prev::Anchor>(i0, i1, n, H, gH, gA, W, A, alpha, g, c_s, inv_cm, d_m, anchor, pre, q, gxm1, gxm2, gc, gd, g_alpha); break;
        case Prev::Zero: backward_rows<S, Sh, Nx, Prev::Zero>(i0, i1, n, H, gH, gA, W, A, alpha, g, c_s, inv_cm, d_m, anchor, pre, q, gxm1, gxm2, gc, gd, g_alpha); break;
    }
}

template <class S>
void backward_dispatch(bool shared, bool next, kernels::Prev pv, int i0, int i1, int n, S* H, S* gH, S* gA, const S* W,
                       const S* A, S alpha, const S* g, const S* c_s, const S* inv_cm, const S* d_m, const S* anchor,
                       const S* pre, const S* q, S* gxm1, S* gxm2, S* gc, S* gd, S& g_alpha) {
    if (shared && next) backward_prev<S, true, true>(pv, i0, i1, n, H, gH, gA, W, A, alpha, g, c_s, inv_cm, d_m, anchor, pre, q, gxm1, gxm2, gc, gd, g_alpha);
    else if (shared) backward_prev<S, true, false>(pv, i0, i1, n, H, gH, gA, W, A, alpha, g, c_s, inv_cm, d_m, anchor, pre, q, gxm1, gxm2, gc, gd, g_alpha);
    else if (next) backward_prev<S, false, true>(pv, i0, i1, n, H, gH, gA, W, A, alpha, g, c_s, inv_cm, d_m, anchor, pre, q, gxm1, gxm2, gc, gd, g_alpha);
    else backward_prev<S, false, false>(pv, i0, i1, n, H, gH, gA, W, A, alpha, g, c_s, inv_cm, d_m, anchor, pre, q, gxm1, gxm2, gc, gd, g_alpha);
}
}  // namespace

// ---------------------------------------------------------------------------------------------
// Forward

template <class S>
void PlasticNet<S>::begin(int batch, int max_steps) {
    if (batch < 1) throw std::invalid_argument("batch must be >= 1");
    batch_ = batch;
    t_ = 0;
    const int n = cfg_.n, kin = input_width();
    const size_t cap = size_t(std::max(max_steps, 0)) + 1;
    // Keep allocated matrices across episodes: resize only what changed shape.
    xs_.resize(std::max(xs_.size(), cap));
    us_.resize(std::max(us_.size(), cap));
    gxs_.resize(std::max(gxs_.size(), cap));
    xs_[0].setZero(batch, n);
    us_[0].setZero(batch, kin);
    gxs_[0].setZero(batch, n);   // g_x(0) is never used: x(0) is constant
    if (plastic()) {
        H_.resize(size_t(batch));
        for (auto& h : H_) h.setZero(n, n);
    } else {
        H_.clear();
    }
    for (auto& list : anchors_)
        for (auto& a : list) anchor_pool_.push_back(std::move(a.second));
    anchors_.assign(size_t(batch), {});
    amp_.assign(size_t(batch), 0.0);
    a_.resize(batch, n);
    setup_parts();
}

template <class S>
const typename PlasticNet<S>::Mat& PlasticNet<S>::step(const Mat& u) {
    check_cancel();   // before anything changes: a cancelled step leaves the net as it was
    const int n = cfg_.n, B = batch_, kin = input_width();
    if (u.rows() != B || u.cols() != kin)
        throw std::invalid_argument("step: input has shape (" + std::to_string(u.rows()) + ", " +
                                    std::to_string(u.cols()) + "), expected (" + std::to_string(B) + ", " +
                                    std::to_string(kin) + ")");
    const int t = ++t_;
    if (size_t(t) >= xs_.size()) { xs_.resize(size_t(t) + 1); us_.resize(size_t(t) + 1); gxs_.resize(size_t(t) + 1); }
    us_[size_t(t)] = u;
    const Mat& P = xs_[size_t(t - 1)];        // x(t-1)  (B, n)
    Mat& a = a_;                              // a(t)    (B, n)

    if (!plastic()) {
        a.noalias() = P * p.W;                // (B,n)·(n,n)
    } else {
        // Fused sweep per episode: apply the pending update H(t) = H(t-1)⊙c + x(t-2)ᵀd (c, d from
        // y = x(t-1)), then accumulate a += x(t-1)_i (W_i + A_i ⊙ H_i) row by row.
        const bool update = t >= 2;
        const bool shared = cfg_.alpha == AlphaMode::Shared;
        const int K = parts();
        for (int e = 0; e < B; ++e) {
            Mat& H = H_[size_t(e)];
            if (update) {
                trace_coeffs(xs_[size_t(t - 1)].row(e), c_, d_);
                // Anchor H(t-1) if recomputing it from H(t) later would amplify rounding too much.
                const double f = log_amplification(c_);
                const bool store_all = cfg_.memory == MemoryMode::StoreAll;
                if (t - 1 > 1 && (store_all || amp_[size_t(e)] + f > std::log(cfg_.recompute_max_amplification))) {
                    Mat m;
                    if (!anchor_pool_.empty()) { m = std::move(anchor_pool_.back()); anchor_pool_.pop_back(); }
                    m = H;
                    anchors_[size_t(e)].emplace_back(t - 1, std::move(m));
                    amp_[size_t(e)] = 0;
                } else if (t - 1 > 1) {
                    amp_[size_t(e)] += f;
                }
            }
            // Fused sweep (plastic_kernels.hpp): the pending update H(t) = H(t-1)⊙c + x(t-2)ᵀd
            // (c, d from y = x(t-1)), then a += x(t-1)_i (W_i + A_i ⊙ H_i) row by row.
            const S* pe = P.row(e).data();
            const S* qe = update ? xs_[size_t(t - 2)].row(e).data() : nullptr;
            S* arow = a.row(e).data();
            std::fill(arow, arow + n, S(0));
            const S alpha = shared ? p.A(0, 0) : S(0);
            const S* A = shared ? nullptr : p.A.data();
            auto part = [&](int k) {
                const int i0 = int(int64_t(n) * k / K), i1 = int(int64_t(n) * (k + 1) / K);
                S* acc = k == 0 ? arow : part_acc_[size_t(k)].data();
                if (k > 0) std::fill(acc, acc + n, S(0));
                using namespace kernels;
                if (update && shared) forward_rows<S, true, true>(i0, i1, n, H.data(), p.W.data(), A, alpha, c_.data(), d_.data(), qe, pe, acc);
                else if (update) forward_rows<S, true, false>(i0, i1, n, H.data(), p.W.data(), A, alpha, c_.data(), d_.data(), qe, pe, acc);
                else if (shared) forward_rows<S, false, true>(i0, i1, n, H.data(), p.W.data(), A, alpha, nullptr, nullptr, nullptr, pe, acc);
                else forward_rows<S, false, false>(i0, i1, n, H.data(), p.W.data(), A, alpha, nullptr, nullptr, nullptr, pe, acc);
            };
            run_parts(part);
            for (int k = 1; k < K; ++k)
                for (int j = 0; j < n; ++j) arow[j] += part_acc_[size_t(k)][size_t(j)];
        }
    }

    // Inputs: add, clamp, or through input weights.
    if (cfg_.input == InputMode::Add) a += u;
    if (cfg_.input == InputMode::Linear) a.noalias() += u * p.Win;
    if (p.b.size()) a.rowwise() += p.b.row(0);
    if (cfg_.bias_unit && cfg_.input != InputMode::Clamp) a.col(n - 1).array() += S(cfg_.bias_value);

    Mat& X = xs_[size_t(t)];
    X = a.array().tanh().matrix();
    if (cfg_.input == InputMode::Clamp) {
        for (int e = 0; e < B; ++e)
            for (int j = 0; j < n; ++j)
                if (u(e, j) != S(0)) X(e, j) = u(e, j);
        if (cfg_.bias_unit) X.col(n - 1).setConstant(S(cfg_.bias_value));
    }
    gxs_[size_t(t)].setZero(B, n);
    return X;
}

template <class S>
void PlasticNet<S>::effective_weights(int e, Mat& out) const {
    if (!plastic()) { out = p.W; return; }
    if (cfg_.alpha == AlphaMode::Shared) out = p.W + p.A(0, 0) * H_[size_t(e)];
    else out = p.W + p.A.cwiseProduct(H_[size_t(e)]);
}

// ---------------------------------------------------------------------------------------------
// Backward.  Pass s (s = T..1) for one episode, with y = x(s), pre p = x(s-1), q = x(s-2):
//   g_a(s)   = g_x(s) ⊙ (1 - y²)                   (0 on clamped units)
//   product a(s) = p·M(s), M = W + A⊙H(s):
//     g_x(s-1) += g_a · M(s)ᵀ;  g_A += (pᵀ g_a) ⊙ H(s);  g_H(s) = g_H(s+1) ⊙ c(s) + (pᵀ g_a) ⊙ A
//     g_W += pᵀ g_a   (deferred: one GEMM over all steps at the end)
//   update s-1, H(s) = H(s-1)⊙c(s-1) + qᵀ d(s-1), processed in the same sweep because g_H(s) and
//   H(s-1) (recomputed from H(s), or an anchor) are both at hand:
//     g_c += g_H(s) ⊙ H(s-1) (column sums), g_d += q_i g_H(s)_i, g_x(s-2)_i += g_H(s)_i · d
//   then g_η and the post-side g_x(s-1) from g_c, g_d (see trace_coeffs).
// At the start of pass s, g_x(s) is complete: its last contribution (post side of update s)
// was added at the end of pass s+1.

template <class S>
void PlasticNet<S>::backward(NetParams<S>& g) {
    const int n = cfg_.n, B = batch_, T = t_;
    g.set_zero_like(p);
    if (T == 0) return;
    // g_a for every step and episode, stacked as (T·B, n) with the matching pre-activity rows, so
    // g_W = Pᵀ·Ga is one GEMM.
    Mat Ga(size_t(T) * B, n), Pre(size_t(T) * B, n);
    const bool clamp = cfg_.input == InputMode::Clamp;
    const bool shared = cfg_.alpha == AlphaMode::Shared;
    const bool per_eta = p.eta.cols() > 1;
    const bool train_eta = cfg_.eta != EtaMode::Fixed;
    Mat gH;
    Row ga(n), gc(n), gd(n), c_s(n), d_s(n), c_m(n), d_m(n), inv_cm(n);
    c_s.setOnes(); inv_cm.setOnes();
    S g_alpha = 0;

    auto grad_act = [&](int s, int e, Row& out) {
        const auto y = xs_[size_t(s)].row(e);
        out = gxs_[size_t(s)].row(e).array() * (S(1) - y.array().square());
        if (clamp) {
            const auto u = us_[size_t(s)].row(e);
            for (int j = 0; j < n; ++j) if (u[j] != S(0)) out[j] = 0;
            if (cfg_.bias_unit) out[n - 1] = 0;
        }
    };

    if (!plastic()) {
        for (int s = T; s >= 1; --s) {
            for (int e = 0; e < B; ++e) {
                grad_act(s, e, ga);
                Ga.row(size_t(s - 1) * B + e) = ga;
                Pre.row(size_t(s - 1) * B + e) = xs_[size_t(s - 1)].row(e);
            }
            auto GaS = Ga.middleRows(size_t(s - 1) * B, B);
            if (s >= 2) gxs_[size_t(s - 1)].noalias() += GaS * p.W.transpose();   // (B,n)·(n,n)
        }
    } else {
        for (int e = 0; e < B; ++e) {
            Mat& H = H_[size_t(e)];
            gH.setZero(n, n);
            auto& anchors = anchors_[size_t(e)];
            for (int s = T; s >= 1; --s) {
                check_cancel();   // g (the caller's gradients) is scratch until the optimiser step
                grad_act(s, e, ga);
                Ga.row(size_t(s - 1) * B + e) = ga;
                const auto pre = xs_[size_t(s - 1)].row(e);
                Pre.row(size_t(s - 1) * B + e) = pre;
                const bool have_next = s < T;                   // g_H(s+1) non-zero only if s < T
                if (have_next) trace_coeffs(xs_[size_t(s)].row(e), c_s, d_s);
                const bool upd = s >= 2;                        // update s-1 exists (H(s) = f(H(s-1)))
                const Mat* anchor = nullptr;
                if (upd) {
                    trace_coeffs(xs_[size_t(s - 1)].row(e), c_m, d_m);
                    if (!anchors.empty() && anchors.back().first == s - 1) anchor = &anchors.back().second;
                    gc.setZero(); gd.setZero();
                }
                const S* pp = pre.data();
                const S* qq = s >= 3 ? xs_[size_t(s - 2)].row(e).data() : nullptr;   // x(0) = 0
                S* gxm1 = s >= 2 ? gxs_[size_t(s - 1)].row(e).data() : nullptr;   // g_x(s-1)
                S* gxm2 = s >= 3 ? gxs_[size_t(s - 2)].row(e).data() : nullptr;
                const S alpha = shared ? p.A(0, 0) : S(0);
                using kernels::Prev;
                const Prev pv = !upd ? Prev::None : s - 1 == 1 ? Prev::Zero : anchor ? Prev::Anchor : Prev::Recompute;
                if (pv == Prev::Recompute) inv_cm = c_m.cwiseInverse();
                const int K = parts();
                auto part = [&](int k) {
                    const int i0 = int(int64_t(n) * k / K), i1 = int(int64_t(n) * (k + 1) / K);
                    S* pgc = k == 0 ? gc.data() : part_gc_[size_t(k)].data();
                    S* pgd = k == 0 ? gd.data() : part_gd_[size_t(k)].data();
                    if (k > 0 && upd) { std::fill(pgc, pgc + n, S(0)); std::fill(pgd, pgd + n, S(0)); }
                    S& pga = part_alpha_[size_t(k)];
                    pga = 0;
                    backward_dispatch(shared, have_next, pv, i0, i1, n, H.data(), gH.data(), shared ? nullptr : g.A.data(),
                                      p.W.data(), shared ? nullptr : p.A.data(), alpha, ga.data(), c_s.data(), inv_cm.data(),
                                      d_m.data(), anchor ? anchor->data() : nullptr, pp, qq, gxm1, gxm2, pgc, pgd, pga);
                };
                run_parts(part);
                for (int k = 0; k < K; ++k) g_alpha += part_alpha_[size_t(k)];
                if (upd)
                    for (int k = 1; k < K; ++k) { gc += part_gc_[size_t(k)]; gd += part_gd_[size_t(k)]; }
                if (upd) {
                    if (anchor) { anchor_pool_.push_back(std::move(anchors.back().second)); anchors.pop_back(); }
                    // post side of update s-1 (y = x(s-1)) and η.
                    const auto y = xs_[size_t(s - 1)].row(e);
                    S* gy = gxm1;
                    for (int j = 0; j < n; ++j) {
                        const S eta = per_eta ? p.eta(0, j) : p.eta(0, 0);
                        S geta, gyj;
                        if (cfg_.rule == Rule::Oja) {
                            geta = -gc[j] * y[j] * y[j] + gd[j] * y[j];
                            gyj = -S(2) * eta * y[j] * gc[j] + eta * gd[j];
                        } else {
                            geta = -gc[j] + gd[j] * y[j];
                            gyj = eta * gd[j];
                        }
                        gy[j] += gyj;
                        if (train_eta) { if (per_eta) g.eta(0, j) += geta; else g.eta(0, 0) += geta; }
                    }
                }
            }
        }
    }
    // Deferred parameter gradients: one GEMM each over all steps and episodes.
    g.W.noalias() = Pre.transpose() * Ga;                 // (n, T·B)·(T·B, n)
    if (shared) g.A(0, 0) = g_alpha;
    if (g.b.size()) g.b = Ga.colwise().sum();
    if (g.Win.size()) {
        Mat U(size_t(T) * B, cfg_.k);
        for (int s = 1; s <= T; ++s) U.middleRows(size_t(s - 1) * B, B) = us_[size_t(s)];
        g.Win.noalias() = U.transpose() * Ga;
    }
    if (cfg_.eta == EtaMode::Fixed) g.eta.setZero();
}

template <class S>
size_t PlasticNet<S>::ForwardState::bytes() const {
    size_t b = 0;
    for (const auto& m : H) b += size_t(m.size()) * sizeof(S);
    for (const auto& m : xs) b += size_t(m.size()) * sizeof(S);
    return b;
}

template <class S>
void PlasticNet<S>::save_state(ForwardState& s) const {
    s.t = t_;
    s.H = H_;
    s.xs.assign(xs_.begin(), xs_.begin() + std::ptrdiff_t(t_) + 1);
}

template <class S>
void PlasticNet<S>::load_state(const ForwardState& s) {
    if (s.H.size() != H_.size() || int(s.xs.size()) != s.t + 1 || s.xs.empty() || s.xs[0].rows() != batch_ ||
        s.xs[0].cols() != cfg_.n || size_t(s.t) >= xs_.size())
        throw std::invalid_argument("load_state: the state does not fit this network's episode");
    for (size_t e = 0; e < H_.size(); ++e) H_[e] = s.H[e];
    for (int t = 0; t <= s.t; ++t) xs_[size_t(t)] = s.xs[size_t(t)];
    t_ = s.t;
    // What backward would need (anchors, the amplification count) is not restored: start it over.
    for (auto& list : anchors_)
        for (auto& a : list) anchor_pool_.push_back(std::move(a.second));
    for (auto& list : anchors_) list.clear();
    std::fill(amp_.begin(), amp_.end(), 0.0);
}

template <class S>
size_t PlasticNet<S>::episode_bytes() const {
    size_t b = 0;
    for (auto& h : H_) b += size_t(h.size()) * sizeof(S);
    for (auto& l : anchors_) for (auto& a : l) b += size_t(a.second.size()) * sizeof(S);
    for (int t = 0; t <= t_; ++t) b += size_t(xs_[size_t(t)].size() + us_[size_t(t)].size() + gxs_[size_t(t)].size()) * sizeof(S);
    return b;
}

template <class S>
int PlasticNet<S>::anchors_stored() const {
    int c = 0;
    for (auto& l : anchors_) c += int(l.size());
    return c;
}

// ---------------------------------------------------------------------------------------------
// Plain-loop reference: stores H(t) for every t, computes everything with scalar loops.

template <class S>
std::vector<MatR<S>> ReferenceNet<S>::run(const std::vector<MatR<S>>& u, const std::vector<MatR<S>>& gx_ext,
                                          NetParams<S>& g) {
    const int n = cfg.n, T = int(u.size()) - 1, B = int(u[1].rows());
    const bool clamp = cfg.input == InputMode::Clamp, plastic = cfg.alpha != AlphaMode::None;
    auto Aij = [&](int i, int j) -> S {
        if (!plastic) return 0;
        return cfg.alpha == AlphaMode::Shared ? p.A(0, 0) : p.A(i, j);
    };
    auto eta = [&](int j) -> S { return p.eta.cols() > 1 ? p.eta(0, j) : p.eta(0, 0); };
    std::vector<MatR<S>> x(size_t(T) + 1, MatR<S>::Zero(B, n));
    std::vector<std::vector<MatR<S>>> H(size_t(B), std::vector<MatR<S>>(size_t(T) + 2, MatR<S>::Zero(n, n)));
    std::vector<std::vector<bool>> clamped(size_t(T) + 1, std::vector<bool>(size_t(B) * n, false));
    for (int t = 1; t <= T; ++t)
        for (int e = 0; e < B; ++e) {
            for (int j = 0; j < n; ++j) {
                S a = 0;
                for (int i = 0; i < n; ++i) a += x[size_t(t - 1)](e, i) * (p.W(i, j) + Aij(i, j) * H[size_t(e)][size_t(t)](i, j));
                if (cfg.input == InputMode::Add) a += u[size_t(t)](e, j);
                if (cfg.input == InputMode::Linear)
                    for (int k = 0; k < cfg.k; ++k) a += u[size_t(t)](e, k) * p.Win(k, j);
                if (p.b.size()) a += p.b(0, j);
                if (cfg.bias_unit && !clamp && j == n - 1) a += S(cfg.bias_value);
                S y = std::tanh(a);
                if (clamp && u[size_t(t)](e, j) != S(0)) { y = u[size_t(t)](e, j); clamped[size_t(t)][size_t(e * n + j)] = true; }
                if (clamp && cfg.bias_unit && j == n - 1) { y = S(cfg.bias_value); clamped[size_t(t)][size_t(e * n + j)] = true; }
                x[size_t(t)](e, j) = y;
            }
            if (!plastic) continue;
            for (int i = 0; i < n; ++i)
                for (int j = 0; j < n; ++j) {
                    const S y = x[size_t(t)](e, j), pi = x[size_t(t - 1)](e, i);
                    const S c = cfg.rule == Rule::Oja ? S(1) - eta(j) * y * y : S(1) - eta(j);
                    H[size_t(e)][size_t(t + 1)](i, j) = H[size_t(e)][size_t(t)](i, j) * c + pi * eta(j) * y;
                }
        }
    // Backward, storing everything.
    g.set_zero_like(p);
    std::vector<MatR<S>> gx = gx_ext;
    for (int e = 0; e < B; ++e) {
        MatR<S> gH = MatR<S>::Zero(n, n);   // g_H(t+1)
        for (int t = T; t >= 1; --t) {
            // through H(t+1) = H(t)⊙c + x(t-1)ᵀ η⊙x(t): contributions to x(t), x(t-1), η, H(t)
            MatR<S> gHt = MatR<S>::Zero(n, n);
            if (plastic)
                for (int i = 0; i < n; ++i)
                    for (int j = 0; j < n; ++j) {
                        const S y = x[size_t(t)](e, j), pi = x[size_t(t - 1)](e, i), h = H[size_t(e)][size_t(t)](i, j);
                        const S G = gH(i, j), et = eta(j);
                        S c, dc_deta, dc_dy;
                        if (cfg.rule == Rule::Oja) { c = S(1) - et * y * y; dc_deta = -y * y; dc_dy = -S(2) * et * y; }
                        else { c = S(1) - et; dc_deta = -1; dc_dy = 0; }
                        gHt(i, j) += G * c;
                        gx[size_t(t)](e, j) += G * (h * dc_dy + pi * et);
                        if (t >= 2) gx[size_t(t - 1)](e, i) += G * et * y;
                        const S ge = G * (h * dc_deta + pi * y);
                        if (cfg.eta != EtaMode::Fixed) { if (p.eta.cols() > 1) g.eta(0, j) += ge; else g.eta(0, 0) += ge; }
                    }
            // through x(t) = tanh(a(t))
            for (int j = 0; j < n; ++j) {
                const S y = x[size_t(t)](e, j);
                const S ga = clamped[size_t(t)][size_t(e * n + j)] ? S(0) : gx[size_t(t)](e, j) * (S(1) - y * y);
                for (int i = 0; i < n; ++i) {
                    const S pi = x[size_t(t - 1)](e, i), h = H[size_t(e)][size_t(t)](i, j);
                    g.W(i, j) += pi * ga;
                    if (plastic) {
                        if (cfg.alpha == AlphaMode::Shared) g.A(0, 0) += pi * ga * h;
                        else g.A(i, j) += pi * ga * h;
                        gHt(i, j) += pi * ga * Aij(i, j);
                    }
                    if (t >= 2) gx[size_t(t - 1)](e, i) += ga * (p.W(i, j) + Aij(i, j) * h);
                }
                if (cfg.input == InputMode::Linear)
                    for (int k = 0; k < cfg.k; ++k) g.Win(k, j) += u[size_t(t)](e, k) * ga;
                if (p.b.size()) g.b(0, j) += ga;
            }
            gH = gHt;
        }
    }
    return x;
}

template struct NetParams<float>;
template struct NetParams<double>;
template class PlasticNet<float>;
template class PlasticNet<double>;
template struct ReferenceNet<float>;
template struct ReferenceNet<double>;

}  // namespace ps
