// The maze agent's network: fused forward / BPTT kernels and the plain-loop reference (see
// maze_net.hpp for the maths).
#include "maze/maze_net.hpp"
#include <algorithm>
#include <cmath>
#include <cstring>
#include <stdexcept>

namespace ps::maze {

template <class S>
using ArrS = Eigen::Array<S, 1, Eigen::Dynamic>;

namespace {
bool neuromod(const NetConfig& c) { return c.plastic() && c.rule == TraceRule::Neuromod; }
}  // namespace

// ---------------------------------------------------------------- parameters

template <class S>
void Params<S>::shape_like(const NetConfig& c) {
    const int n = c.n;
    W.setZero(n, n);
    if (c.alpha == AlphaMode::Independent) A.setZero(n, n);
    else if (c.alpha == AlphaMode::Shared) A.setZero(1, 1);
    else A.resize(0, 0);
    if (c.plastic() && c.rule != TraceRule::Neuromod) eta.setZero(1, 1); else eta.resize(0, 0);
    Win.setZero(c.k, n);
    b.setZero(1, n);
    Wp.setZero(n, c.actions);
    bp.setZero(1, c.actions);
    Wv.setZero(n, 1);
    bv.setZero(1, 1);
    if (neuromod(c)) { Wm.setZero(n, 1); bm.setZero(1, 1); } else { Wm.resize(0, 0); bm.resize(0, 0); }
}

// ---------------------------------------------------------------- fast network

template <class S>
void MazeNet<S>::configure(const NetConfig& c) {
    if (c.n < 1 || c.k < 1 || c.actions < 1) throw std::invalid_argument("maze net: n, k and actions must be >= 1");
    if (neuromod(c) && !(c.clip > 0)) throw std::invalid_argument("maze net: the neuromodulated rule needs clip > 0");
    cfg_ = c;
    p.shape_like(c);
    B_ = T_ = t_ = 0;
}

template <class S>
void MazeNet<S>::init(Rng& rng) {
    p.shape_like(cfg_);
    const double sn = 1.0 / std::sqrt(double(cfg_.n)), sk = 1.0 / std::sqrt(double(cfg_.k));
    auto uni = [&](MatR<S>& m, double r) { for (Eigen::Index i = 0; i < m.size(); ++i) m.data()[i] = S(rng.uniform(-r, r)); };
    for (Eigen::Index i = 0; i < p.W.size(); ++i) p.W.data()[i] = S(cfg_.w_init * sn * rng.normal());
    for (Eigen::Index i = 0; i < p.A.size(); ++i) p.A.data()[i] = S(cfg_.a_init * rng.uniform());
    if (p.eta.size()) p.eta(0, 0) = S(cfg_.eta_init);
    uni(p.Win, sk); uni(p.b, sk);           // PyTorch's nn.Linear default
    uni(p.Wp, sn); uni(p.bp, sn);
    uni(p.Wv, sn); uni(p.bv, sn);
    uni(p.Wm, sn); uni(p.bm, sn);
}

template <class S>
void MazeNet<S>::begin(int batch, int max_steps) {
    if (batch < 1 || max_steps < 1) throw std::invalid_argument("maze net: batch and steps must be >= 1");
    B_ = batch;
    T_ = max_steps;
    t_ = 0;
    k_ = std::max(1, int(std::ceil(std::sqrt(double(T_)))));
    const Eigen::Index n = cfg_.n, TB = Eigen::Index(T_) * B_;
    X_.resize(TB + B_, n);
    X_.topRows(B_).setZero();
    U_.resize(TB, cfg_.k);
    Z_.resize(TB, cfg_.actions);
    V_.resize(TB, 1);
    if (neuromod(cfg_)) M_.resize(TB, 1); else M_.resize(0, 0);
    GZ_.setZero(TB, cfg_.actions);
    GV_.setZero(TB, 1);
    a_.resize(B_, n);
    C_.setZero(B_, n);
    D_.setZero(B_, n);
    if (cfg_.plastic()) {
        H_.assign(size_t(B_) * nn(), S(0));
        const size_t n_anchor = size_t((T_ + k_ - 1) / k_);
        anchors_.resize(n_anchor * size_t(B_) * nn());
    } else {
        H_.clear();
        anchors_.clear();
    }
    seg_t0_ = -1;
}

template <class S>
void MazeNet<S>::trace_coeffs(int t, int e, S* c, S* d) const {
    const int n = cfg_.n;
    const Eigen::Map<const ArrS<S>> y(X_.row(Eigen::Index(t) * B_ + e).data(), n);
    Eigen::Map<ArrS<S>> cv(c, n), dv(d, n);
    switch (cfg_.rule) {
        case TraceRule::Oja: {
            const S eta = p.eta(0, 0);
            cv = S(1) - eta * y.square();
            dv = eta * y;
            break;
        }
        case TraceRule::Hebb: {
            const S eta = p.eta(0, 0);
            cv.setConstant(S(1) - eta);
            dv = eta * y;
            break;
        }
        case TraceRule::Neuromod:
            cv.setConstant(S(1));
            dv = mod(t, e) * y;
            break;
    }
}

template <class S>
void MazeNet<S>::step(const MatR<S>& u) {
    if (t_ >= T_) throw std::logic_error("maze net: step past the reserved episode length");
    if (u.rows() != B_ || u.cols() != cfg_.k) throw std::invalid_argument("maze net: input must be (batch, k)");
    const int t = ++t_, n = cfg_.n;
    const Eigen::Index r0 = Eigen::Index(t - 1) * B_;
    U_.middleRows(r0, B_) = u;
    // a = u·Win + b + x(t-1)·W          (B,k)(k,n) + (1,n) + (B,n)(n,n)
    a_.noalias() = u * p.Win;
    a_.rowwise() += p.b.row(0);
    a_.noalias() += X_.middleRows(r0, B_) * p.W;
    if (cfg_.plastic()) {
        const S clip = S(cfg_.clip);
        const bool indep = cfg_.alpha == AlphaMode::Independent;
        const S alpha = indep ? S(0) : p.A(0, 0);
        for (int e = 0; e < B_; ++e) {
            S* H = H_.data() + size_t(e) * nn();
            if (t >= 2) {
                // Lazy update H(t) = clip(H(t-1)⊙c(t-1) + x(t-2)ᵀd(t-1)), fused with a += x(t-1)·(A⊙H(t)).
                const Eigen::Map<const ArrS<S>> cv(C_.row(e).data(), n), dv(D_.row(e).data(), n);
                const S* pre = X_.row(Eigen::Index(t - 2) * B_ + e).data();
                const S* q = X_.row(Eigen::Index(t - 1) * B_ + e).data();
                Eigen::Map<ArrS<S>> av(a_.row(e).data(), n);
                for (int i = 0; i < n; ++i) {
                    Eigen::Map<ArrS<S>> h(H + size_t(i) * n, n);
                    h = h * cv + pre[i] * dv;
                    if (clip > 0) h = h.max(-clip).min(clip);
                    if (indep) av += q[i] * (Eigen::Map<const ArrS<S>>(p.A.row(i).data(), n) * h);
                    else av += (q[i] * alpha) * h;
                }
            }
            if ((t - 1) % k_ == 0)
                std::memcpy(anchors_.data() + (size_t((t - 1) / k_) * B_ + e) * nn(), H, nn() * sizeof(S));
        }
    }
    auto x = X_.middleRows(r0 + B_, B_);
    x = a_.array().tanh().matrix();
    // heads: z = x·Wp + bp (B,actions); v = x·Wv + bv (B,1); M = tanh(x·Wm + bm) (B,1)
    auto z = Z_.middleRows(r0, B_);
    z.noalias() = x * p.Wp;
    z.rowwise() += p.bp.row(0);
    auto v = V_.middleRows(r0, B_);
    v.noalias() = x * p.Wv;
    v.array() += p.bv(0, 0);
    if (M_.size()) {
        auto m = M_.middleRows(r0, B_);
        m.noalias() = x * p.Wm;
        m = (m.array() + p.bm(0, 0)).tanh().matrix();
    }
    if (cfg_.plastic())
        for (int e = 0; e < B_; ++e) trace_coeffs(t, e, C_.row(e).data(), D_.row(e).data());
}

template <class S>
void MazeNet<S>::load_segment(int t) {
    const int n = cfg_.n, j = (t - 1) / k_, t0 = 1 + j * k_, t1 = std::min(t0 + k_, t_);
    seg_.resize(size_t(k_ + 1) * B_ * nn());
    const S clip = S(cfg_.clip);
    std::vector<S> c(static_cast<size_t>(n)), d(static_cast<size_t>(n));
    for (int e = 0; e < B_; ++e) {
        std::memcpy(seg_.data() + size_t(e) * nn(), anchors_.data() + (size_t(j) * B_ + e) * nn(), nn() * sizeof(S));
        for (int s = t0; s < t1; ++s) {   // H(s+1) = clip(H(s)⊙c(s) + x(s-1)ᵀ d(s))
            trace_coeffs(s, e, c.data(), d.data());
            const Eigen::Map<const ArrS<S>> cv(c.data(), n), dv(d.data(), n);
            const S* H0 = seg_.data() + (size_t(s - t0) * B_ + e) * nn();
            S* H1 = seg_.data() + (size_t(s + 1 - t0) * B_ + e) * nn();
            const S* pre = X_.row(Eigen::Index(s - 1) * B_ + e).data();
            for (int i = 0; i < n; ++i) {
                Eigen::Map<ArrS<S>> h1(H1 + size_t(i) * n, n);
                h1 = Eigen::Map<const ArrS<S>>(H0 + size_t(i) * n, n) * cv + pre[i] * dv;
                if (clip > 0) h1 = h1.max(-clip).min(clip);
            }
        }
    }
    seg_t0_ = t0;
}

template <class S>
void MazeNet<S>::backward(Params<S>& g) {
    const int T = t_, B = B_, n = cfg_.n;
    if (T < 1) throw std::logic_error("maze net: backward before any step");
    const Eigen::Index TB = Eigen::Index(T) * B;
    g.shape_like(cfg_);
    // Head contributions to g_x(t) for every step at once: (TB, actions)(actions, n) + (TB,1)(1,n).
    GX_.noalias() = GZ_.topRows(TB) * p.Wp.transpose();
    GX_.noalias() += GV_.topRows(TB) * p.Wv.transpose();
    GA_.resize(TB, n);
    MatR<S> grec = MatR<S>::Zero(B, n), grec_new(B, n);   // g_x(t) sent back from later steps
    ArrS<S> gc(n), gd(n), c(n), d(n);
    const bool plastic = cfg_.plastic(), indep = cfg_.alpha == AlphaMode::Independent;
    const S clip = S(cfg_.clip);
    S g_eta = 0, g_alpha = 0;
    if (plastic) { gH_.assign(size_t(B) * nn(), S(0)); seg_t0_ = -1; }
    auto segH = [&](int s, int e) { return seg_.data() + (size_t(s - seg_t0_) * B + e) * nn(); };

    for (int t = T; t >= 1; --t) {
        auto gx = GX_.middleRows(Eigen::Index(t - 1) * B, B);
        gx += grec;
        grec_new.setZero();
        if (plastic && (seg_t0_ < 0 || t < seg_t0_)) load_segment(t);
        // (1) the trace update of step t: H(t+1) = clip(H(t)⊙c(t) + x(t-1)ᵀd(t)); none at t = T.
        if (plastic && t < T && t >= 2) {   // at t = 1, H(1) = 0 and x(0) = 0: nothing flows
            for (int e = 0; e < B; ++e) {
                const S* Ht = segH(t, e);
                const S* Hn = segH(t + 1, e);
                S* gH = gH_.data() + size_t(e) * nn();
                trace_coeffs(t, e, c.data(), d.data());
                const S* pre = X_.row(Eigen::Index(t - 1) * B + e).data();
                gc.setZero();
                gd.setZero();
                for (int i = 0; i < n; ++i) {
                    Eigen::Map<ArrS<S>> G(gH + size_t(i) * n, n);
                    if (clip > 0) G = (Eigen::Map<const ArrS<S>>(Hn + size_t(i) * n, n).abs() < clip).select(G, S(0));
                    gc += G * Eigen::Map<const ArrS<S>>(Ht + size_t(i) * n, n);
                    gd += pre[i] * G;
                    grec_new(e, i) += (G * d).sum();
                    G *= c;   // now ∂L/∂H(t) through the update
                }
                // c, d -> x(t), eta, M(t)
                const Eigen::Map<const ArrS<S>> y(X_.row(Eigen::Index(t) * B + e).data(), n);
                Eigen::Map<ArrS<S>> gxe(gx.row(e).data(), n);
                switch (cfg_.rule) {
                    case TraceRule::Oja: {
                        const S eta = p.eta(0, 0);
                        gxe += gc * (S(-2) * eta) * y + eta * gd;
                        g_eta += (-gc * y.square() + gd * y).sum();
                        break;
                    }
                    case TraceRule::Hebb: {
                        const S eta = p.eta(0, 0);
                        gxe += eta * gd;
                        g_eta += (-gc + gd * y).sum();
                        break;
                    }
                    case TraceRule::Neuromod: {
                        const S M = mod(t, e);
                        gxe += M * gd;
                        const S g_pre = (gd * y).sum() * (S(1) - M * M);   // M = tanh(x·Wm + bm)
                        gxe += g_pre * Eigen::Map<const ArrS<S>>(p.Wm.data(), n);
                        Eigen::Map<ArrS<S>>(g.Wm.data(), n) += g_pre * y;
                        g.bm(0, 0) += g_pre;
                        break;
                    }
                }
            }
        }
        // (2) g_a = g_x ⊙ (1 - x²)
        auto ga = GA_.middleRows(Eigen::Index(t - 1) * B, B);
        ga = (gx.array() * (S(1) - X_.middleRows(Eigen::Index(t) * B, B).array().square())).matrix();
        // (3) g_x(t-1) += g_a·Wᵀ          (B,n)(n,n)
        grec_new.noalias() += ga * p.W.transpose();
        // (4) plastic term x(t-1)·(A⊙H(t)), t >= 2 (x(0) = 0)
        if (plastic && t >= 2) {
            const S alpha = indep ? S(0) : p.A(0, 0);
            for (int e = 0; e < B; ++e) {
                const S* Ht = segH(t, e);
                S* gH = gH_.data() + size_t(e) * nn();
                const S* q = X_.row(Eigen::Index(t - 1) * B + e).data();
                const Eigen::Map<const ArrS<S>> gae(ga.row(e).data(), n);
                for (int i = 0; i < n; ++i) {
                    const Eigen::Map<const ArrS<S>> h(Ht + size_t(i) * n, n);
                    Eigen::Map<ArrS<S>> G(gH + size_t(i) * n, n);
                    if (indep) {
                        const Eigen::Map<const ArrS<S>> Ar(p.A.row(i).data(), n);
                        Eigen::Map<ArrS<S>>(g.A.row(i).data(), n) += (q[i] * gae) * h;
                        G += (q[i] * gae) * Ar;
                        grec_new(e, i) += (Ar * h * gae).sum();
                    } else {
                        const S hg = (h * gae).sum();
                        g_alpha += q[i] * hg;
                        G += (q[i] * alpha) * gae;
                        grec_new(e, i) += alpha * hg;
                    }
                }
            }
        }
        grec.swap(grec_new);
    }
    // Batched parameter gradients over all steps: g_W = Σ_t x(t-1)ᵀ g_a(t)   (n,TB)(TB,n), etc.
    g.W.noalias() = X_.topRows(TB).transpose() * GA_;
    g.Win.noalias() = U_.topRows(TB).transpose() * GA_;
    g.b = GA_.colwise().sum();
    g.Wp.noalias() = X_.middleRows(B, TB).transpose() * GZ_.topRows(TB);
    g.bp = GZ_.topRows(TB).colwise().sum();
    g.Wv.noalias() = X_.middleRows(B, TB).transpose() * GV_.topRows(TB);
    g.bv(0, 0) = GV_.topRows(TB).sum();
    if (g.eta.size()) g.eta(0, 0) = g_eta;
    if (cfg_.alpha == AlphaMode::Shared) g.A(0, 0) = g_alpha;
}

template <class S>
size_t MazeNet<S>::episode_bytes() const {
    return sizeof(S) * size_t(X_.size() + U_.size() + Z_.size() + V_.size() + M_.size() + GZ_.size() + GV_.size() + GA_.size() +
                               GX_.size() + H_.size() + anchors_.size() + seg_.size() + gH_.size());
}

// ---------------------------------------------------------------- plain-loop reference

template <class S>
void ReferenceNet<S>::run(const std::vector<MatR<S>>& u, const std::vector<MatR<S>>& gz, const std::vector<MatR<S>>& gv,
                          std::vector<MatR<S>>& x, std::vector<MatR<S>>& z, std::vector<MatR<S>>& v, Params<S>& g) const {
    const int T = int(u.size()) - 1, B = int(u[1].rows()), n = cfg.n, K = cfg.k, nA = cfg.actions;
    const bool plastic = cfg.plastic(), nm = neuromod(cfg), indep = cfg.alpha == AlphaMode::Independent;
    auto Aij = [&](int i, int j) { return !plastic ? S(0) : indep ? p.A(i, j) : p.A(0, 0); };
    auto clipv = [&](S h) { return cfg.clip > 0 ? std::min(S(cfg.clip), std::max(S(-cfg.clip), h)) : h; };
    // H[t][e] for t = 1..T+1
    std::vector<std::vector<MatR<S>>> H(size_t(T) + 2, std::vector<MatR<S>>(size_t(B), MatR<S>::Zero(n, n)));
    std::vector<MatR<S>> M(size_t(T) + 1, MatR<S>::Zero(B, 1)), c(size_t(T) + 1, MatR<S>::Zero(B, n)), d = c;
    x.assign(size_t(T) + 1, MatR<S>::Zero(B, n));
    z.assign(size_t(T) + 1, MatR<S>::Zero(B, nA));
    v.assign(size_t(T) + 1, MatR<S>::Zero(B, 1));
    for (int t = 1; t <= T; ++t) {
        for (int e = 0; e < B; ++e) {
            for (int j = 0; j < n; ++j) {
                S a = p.b(0, j);
                for (int k = 0; k < K; ++k) a += u[size_t(t)](e, k) * p.Win(k, j);
                for (int i = 0; i < n; ++i) a += x[size_t(t - 1)](e, i) * (p.W(i, j) + Aij(i, j) * H[size_t(t)][size_t(e)](i, j));
                x[size_t(t)](e, j) = std::tanh(a);
            }
            for (int k = 0; k < nA; ++k) {
                S s = p.bp(0, k);
                for (int j = 0; j < n; ++j) s += x[size_t(t)](e, j) * p.Wp(j, k);
                z[size_t(t)](e, k) = s;
            }
            S s = p.bv(0, 0);
            for (int j = 0; j < n; ++j) s += x[size_t(t)](e, j) * p.Wv(j, 0);
            v[size_t(t)](e, 0) = s;
            if (nm) {
                S m = p.bm(0, 0);
                for (int j = 0; j < n; ++j) m += x[size_t(t)](e, j) * p.Wm(j, 0);
                M[size_t(t)](e, 0) = std::tanh(m);
            }
            if (!plastic) continue;
            for (int j = 0; j < n; ++j) {
                const S y = x[size_t(t)](e, j);
                if (cfg.rule == TraceRule::Oja) { c[size_t(t)](e, j) = 1 - p.eta(0, 0) * y * y; d[size_t(t)](e, j) = p.eta(0, 0) * y; }
                else if (cfg.rule == TraceRule::Hebb) { c[size_t(t)](e, j) = 1 - p.eta(0, 0); d[size_t(t)](e, j) = p.eta(0, 0) * y; }
                else { c[size_t(t)](e, j) = 1; d[size_t(t)](e, j) = M[size_t(t)](e, 0) * y; }
            }
            for (int i = 0; i < n; ++i)
                for (int j = 0; j < n; ++j)
                    H[size_t(t + 1)][size_t(e)](i, j) =
                        clipv(H[size_t(t)][size_t(e)](i, j) * c[size_t(t)](e, j) + x[size_t(t - 1)](e, i) * d[size_t(t)](e, j));
        }
    }
    // backward
    g.shape_like(cfg);
    std::vector<MatR<S>> gH(size_t(B), MatR<S>::Zero(n, n));   // ∂L/∂H(t+1)
    MatR<S> grec = MatR<S>::Zero(B, n);
    for (int t = T; t >= 1; --t) {
        MatR<S> gx = grec;
        grec.setZero();
        for (int e = 0; e < B; ++e)
            for (int j = 0; j < n; ++j) {
                for (int k = 0; k < nA; ++k) gx(e, j) += gz[size_t(t)](e, k) * p.Wp(j, k);
                gx(e, j) += gv[size_t(t)](e, 0) * p.Wv(j, 0);
            }
        for (int e = 0; e < B; ++e) {
            for (int k = 0; k < nA; ++k) {
                g.bp(0, k) += gz[size_t(t)](e, k);
                for (int j = 0; j < n; ++j) g.Wp(j, k) += x[size_t(t)](e, j) * gz[size_t(t)](e, k);
            }
            g.bv(0, 0) += gv[size_t(t)](e, 0);
            for (int j = 0; j < n; ++j) g.Wv(j, 0) += x[size_t(t)](e, j) * gv[size_t(t)](e, 0);
            if (!plastic) continue;
            // trace update of step t
            std::vector<S> gc(size_t(n), 0), gd(size_t(n), 0);
            for (int i = 0; i < n; ++i)
                for (int j = 0; j < n; ++j) {
                    const S hn = H[size_t(t + 1)][size_t(e)](i, j);
                    S G = gH[size_t(e)](i, j);
                    if (cfg.clip > 0 && !(std::abs(hn) < S(cfg.clip))) G = 0;
                    gc[size_t(j)] += G * H[size_t(t)][size_t(e)](i, j);
                    gd[size_t(j)] += G * x[size_t(t - 1)](e, i);
                    grec(e, i) += G * d[size_t(t)](e, j);
                    gH[size_t(e)](i, j) = G * c[size_t(t)](e, j);
                }
            S gM = 0;
            for (int j = 0; j < n; ++j) {
                const S y = x[size_t(t)](e, j);
                if (cfg.rule == TraceRule::Oja) {
                    gx(e, j) += gc[size_t(j)] * (-2 * p.eta(0, 0) * y) + gd[size_t(j)] * p.eta(0, 0);
                    g.eta(0, 0) += gc[size_t(j)] * (-y * y) + gd[size_t(j)] * y;
                } else if (cfg.rule == TraceRule::Hebb) {
                    gx(e, j) += gd[size_t(j)] * p.eta(0, 0);
                    g.eta(0, 0) += -gc[size_t(j)] + gd[size_t(j)] * y;
                } else {
                    gx(e, j) += gd[size_t(j)] * M[size_t(t)](e, 0);
                    gM += gd[size_t(j)] * y;
                }
            }
            if (nm) {
                const S gm = gM * (1 - M[size_t(t)](e, 0) * M[size_t(t)](e, 0));
                g.bm(0, 0) += gm;
                for (int j = 0; j < n; ++j) {
                    gx(e, j) += gm * p.Wm(j, 0);
                    g.Wm(j, 0) += gm * x[size_t(t)](e, j);
                }
            }
        }
        for (int e = 0; e < B; ++e)
            for (int j = 0; j < n; ++j) {
                const S y = x[size_t(t)](e, j);
                const S ga = gx(e, j) * (1 - y * y);
                g.b(0, j) += ga;
                for (int k = 0; k < K; ++k) g.Win(k, j) += u[size_t(t)](e, k) * ga;
                for (int i = 0; i < n; ++i) {
                    const S xi = x[size_t(t - 1)](e, i), h = H[size_t(t)][size_t(e)](i, j);
                    g.W(i, j) += xi * ga;
                    grec(e, i) += (p.W(i, j) + Aij(i, j) * h) * ga;
                    if (!plastic) continue;
                    if (indep) g.A(i, j) += xi * ga * h;
                    else g.A(0, 0) += xi * ga * h;
                    gH[size_t(e)](i, j) += xi * ga * Aij(i, j);
                }
            }
    }
}

template struct Params<float>;
template struct Params<double>;
template class MazeNet<float>;
template class MazeNet<double>;
template struct ReferenceNet<float>;
template struct ReferenceNet<double>;

}  // namespace ps::maze
