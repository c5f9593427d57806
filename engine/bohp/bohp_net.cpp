// The BOHP network's forward step, its online (forward-in-time) gradient, and the BPTT reference
// of the same network. Plain loops on purpose: the network is tiny (K <= 10, M <= 8), Eigen's
// expression machinery would cost more than the arithmetic, and the loops read like the maths.
#include "bohp/bohp_net.hpp"
#include <algorithm>
#include <cmath>

namespace ps::bohp {

template <class S>
void OnlineNet<S>::reset(const Shape& s, bool grad) {
    s_ = s;
    grad_ = grad;
    t_ = 0;
    H_.setZero(s.K, s.M);
    y_.setZero(1, s.M);
    z_.setZero(1, s.O);
    out_.setZero(1, s.O);
    if (grad) {
        Sw_.setZero(s.K, s.M); Sa_.setZero(s.K, s.M); Sb_.setZero(1, s.M);
        Pw_.resize(size_t(s.M)); Pa_.resize(size_t(s.M));
        for (int j = 0; j < s.M; ++j) { Pw_[size_t(j)].setZero(s.K, s.K); Pa_[size_t(j)].setZero(s.K, s.K); }
        Pb_.setZero(s.K, s.M);
        xa_.setZero(1, s.K);
        g_.zeros(s);
    }
}

template <class S>
size_t OnlineNet<S>::state_bytes() const {
    size_t n = size_t(H_.size() + y_.size() + z_.size() + out_.size() + Sw_.size() + Sa_.size() + Sb_.size() +
                      Pb_.size() + xa_.size());
    for (const auto& m : Pw_) n += size_t(m.size());
    for (const auto& m : Pa_) n += size_t(m.size());
    for (const auto& [name, m] : g_.list()) n += size_t(m->size());
    return n * sizeof(S);
}

// ---- forward step + online gradient
//
// For unit j, differentiate a_j(t) = Σ_k [w_kj + α_kj H_kj(t-1)] x_k(t) + b_j, holding x fixed
// (inputs are external: ∂x/∂θ = 0) but NOT H(t-1), which depends on θ through earlier y_j:
//     ∂a_j(t)/∂w_lj = x_l(t)              + Σ_k α_kj x_k(t) · P^w_j[k,l](t-1)
//     ∂a_j(t)/∂α_lj = H_lj(t-1) · x_l(t)  + Σ_k α_kj x_k(t) · P^α_j[k,l](t-1)
//     ∂a_j(t)/∂b_j  = 1                   + Σ_k α_kj x_k(t) · P^b[k,j](t-1)
// tanh is restored with y's own derivative, 1 - y_j(t)² (y is already tanh'd: NOT 1 - tanh(y)²):
//     S(t) = (1 - y_j(t)²) · ∂a_j(t)/∂θ
// Then the traces' sensitivities, by differentiating H_kj(t) = (1-γ) H_kj(t-1) + γ x_k(t) y_j(t):
//     P_j[k,l](t) = (1-γ) · P_j[k,l](t-1) + γ · x_k(t) · S[l,j](t)
// Unrolled, P(t-1) = Σ_{u<=t-1} γ (1-γ)^(t-1-u) x_k(u) S(u): the paper's decaying sum over earlier
// steps, whose exponent is t-1-u for a trace read at step t (the 2016 code was off by one here).
// Order matters: S(t) uses P(t-1) and H(t-1); P(t) and H(t) are updated after y(t).
template <class S>
void OnlineNet<S>::step(const Params<S>& p, S gamma, const S* x) {
    const int K = s_.K, M = s_.M;
    for (int j = 0; j < M; ++j) {
        S a = p.b(0, j);
        for (int k = 0; k < K; ++k) a += (p.w(k, j) + p.alpha(k, j) * H_(k, j)) * x[k];
        y_(0, j) = std::tanh(a);
    }
    if (grad_) {
        for (int j = 0; j < M; ++j) {
            const S dtanh = S(1) - y_(0, j) * y_(0, j);
            S* xa = xa_.data();
            for (int k = 0; k < K; ++k) xa[k] = p.alpha(k, j) * x[k];
            MatR<S>& Pw = Pw_[size_t(j)];
            MatR<S>& Pa = Pa_[size_t(j)];
            // S(t) from P(t-1)
            for (int l = 0; l < K; ++l) {
                S dw = x[l], da = H_(l, j) * x[l];
                for (int k = 0; k < K; ++k) { dw += xa[k] * Pw(k, l); da += xa[k] * Pa(k, l); }
                Sw_(l, j) = dtanh * dw;
                Sa_(l, j) = dtanh * da;
            }
            S db = 1;
            for (int k = 0; k < K; ++k) db += xa[k] * Pb_(k, j);
            Sb_(0, j) = dtanh * db;
            // P(t) from S(t)
            const S keep = S(1) - gamma;
            for (int k = 0; k < K; ++k) {
                const S gx = gamma * x[k];
                for (int l = 0; l < K; ++l) {
                    Pw(k, l) = keep * Pw(k, l) + gx * Sw_(l, j);
                    Pa(k, l) = keep * Pa(k, l) + gx * Sa_(l, j);
                }
                Pb_(k, j) = keep * Pb_(k, j) + gx * Sb_(0, j);
            }
        }
    }
    // H(t) after y(t)
    for (int k = 0; k < K; ++k)
        for (int j = 0; j < M; ++j) H_(k, j) = (S(1) - gamma) * H_(k, j) + gamma * x[k] * y_(0, j);
    // readout
    if (s_.readout == Readout::Identity) {
        out_ = y_ + p.c;
    } else {
        S zmax = -INFINITY;
        for (int o = 0; o < s_.O; ++o) {
            S z = p.c(0, o);
            for (int j = 0; j < M; ++j) z += y_(0, j) * p.v(j, o);
            z_(0, o) = z;
            zmax = std::max(zmax, z);
        }
        S sum = 0;
        for (int o = 0; o < s_.O; ++o) sum += (out_(0, o) = std::exp(z_(0, o) - zmax));
        for (int o = 0; o < s_.O; ++o) out_(0, o) /= sum;
    }
    ++t_;
}

// Loss at step t and its gradient. Through the readout (non-plastic, no memory):
//   SE:  L = Σ_o (y_o + c_o - tgt_o)²,   g_y = g_c = 2 (y + c - tgt)
//   CE:  L = -Σ_o tgt_o log p_o,    g_z = p - tgt (tgt one-hot),  g_V += yᵀ g_z,  g_c += g_z,
//        g_y = g_z Vᵀ
// then into the plastic layer with the current sensitivities: g_w[l,j] += g_y_j · S^w[l,j](t), etc.
template <class S>
S OnlineNet<S>::score(const Params<S>& p, const S* tgt, S weight) {
    const int K = s_.K, M = s_.M, O = s_.O;
    S L = 0;
    S gy[64];   // M <= 64 (checked by the tasks' shapes)
    if (s_.readout == Readout::Identity) {
        for (int j = 0; j < M; ++j) {
            const S e = out_(0, j) - tgt[j];
            L += e * e;
            gy[j] = weight * 2 * e;
            if (grad_) g_.c(0, j) += gy[j];
        }
    } else {
        S gz[64];
        for (int o = 0; o < O; ++o) {
            if (tgt[o] != 0) L -= tgt[o] * std::log(std::max(out_(0, o), S(1e-30)));
            gz[o] = weight * (out_(0, o) - tgt[o]);
        }
        for (int j = 0; j < M; ++j) {
            S s = 0;
            for (int o = 0; o < O; ++o) s += gz[o] * p.v(j, o);
            gy[j] = s;
        }
        if (grad_) {
            for (int j = 0; j < M; ++j)
                for (int o = 0; o < O; ++o) g_.v(j, o) += y_(0, j) * gz[o];
            for (int o = 0; o < O; ++o) g_.c(0, o) += gz[o];
        }
    }
    if (grad_) {
        for (int l = 0; l < K; ++l)
            for (int j = 0; j < M; ++j) {
                g_.w(l, j) += gy[j] * Sw_(l, j);
                g_.alpha(l, j) += gy[j] * Sa_(l, j);
            }
        for (int j = 0; j < M; ++j) g_.b(0, j) += gy[j] * Sb_(0, j);
    }
    return L;
}

template <class S>
bool OnlineNet<S>::correct(const S* tgt) const {
    if (s_.readout == Readout::Identity) {
        for (int j = 0; j < s_.M; ++j)
            if ((out_(0, j) >= 0) != (tgt[j] >= 0)) return false;
        return true;
    }
    int best = 0, label = 0;
    for (int o = 1; o < s_.O; ++o) {
        if (out_(0, o) > out_(0, best)) best = o;
        if (tgt[o] > tgt[label]) label = o;
    }
    return best == label;
}

template <class S>
S online_episode(const Shape& s, const Params<S>& p, S gamma, const Episode<S>& ep, Params<S>* grads,
                 int* n_correct, OnlineNet<S>* scratch) {
    OnlineNet<S> local;
    OnlineNet<S>& net = scratch ? *scratch : local;
    net.reset(s, grads != nullptr);
    const int n = ep.n_scored();
    const S weight = n ? S(1) / S(n) : S(0);
    S loss = 0;
    int ok = 0;
    for (int t = 0; t < ep.T(); ++t) {
        net.step(p, gamma, ep.x.row(t).data());
        if (ep.scored[size_t(t)]) {
            loss += weight * net.score(p, ep.target.row(t).data(), weight);
            ok += net.correct(ep.target.row(t).data());
        }
    }
    if (grads) *grads = net.grads();
    if (n_correct) *n_correct = ok;
    return loss;
}

// ---- BPTT reference. Forward stores H(t-1), y(t), readout; backward, with gH = ∂Loss/∂H(t):
//   g_y(t) = (readout gradient of L_t) + γ Σ_k x_k(t) gH_kj        (H(t) = ... + γ x_k y_j)
//   g_a = g_y ⊙ (1 - y²);  G = x(t)ᵀ g_a  (K x M)
//   g_w += G;  g_α += G ⊙ H(t-1);  g_b += g_a
//   gH ← (1-γ) gH + G ⊙ α                                          (now ∂Loss/∂H(t-1))
template <class S>
S bptt_episode(const Shape& s, const Params<S>& p, S gamma, const Episode<S>& ep, Params<S>* grads) {
    const int K = s.K, M = s.M, O = s.O, T = ep.T();
    const size_t nT = static_cast<size_t>(T);
    std::vector<MatR<S>> Hprev(nT), Y(nT), P(nT);
    MatR<S> H = MatR<S>::Zero(K, M);
    for (int t = 0; t < T; ++t) {
        Hprev[size_t(t)] = H;
        MatR<S> y(1, M);
        for (int j = 0; j < M; ++j) {
            S a = p.b(0, j);
            for (int k = 0; k < K; ++k) a += (p.w(k, j) + p.alpha(k, j) * H(k, j)) * ep.x(t, k);
            y(0, j) = std::tanh(a);
        }
        for (int k = 0; k < K; ++k)
            for (int j = 0; j < M; ++j) H(k, j) = (1 - gamma) * H(k, j) + gamma * ep.x(t, k) * y(0, j);
        Y[size_t(t)] = y;
        if (s.readout == Readout::LinearSoftmax) {
            MatR<S> z = y * p.v + p.c;
            z.array() -= z.maxCoeff();
            z = z.array().exp();
            P[size_t(t)] = z / z.sum();
        }
    }
    const int n = ep.n_scored();
    const S weight = n ? S(1) / S(n) : S(0);
    S loss = 0;
    Params<S> g;
    g.zeros(s);
    MatR<S> gH = MatR<S>::Zero(K, M);
    for (int t = T - 1; t >= 0; --t) {
        const MatR<S>& y = Y[size_t(t)];
        MatR<S> gy = MatR<S>::Zero(1, M);
        if (ep.scored[size_t(t)]) {
            if (s.readout == Readout::Identity) {
                for (int j = 0; j < M; ++j) {
                    const S e = y(0, j) + p.c(0, j) - ep.target(t, j);
                    loss += weight * e * e;
                    gy(0, j) = weight * 2 * e;
                    g.c(0, j) += gy(0, j);
                }
            } else {
                const MatR<S>& pr = P[size_t(t)];
                MatR<S> gz(1, O);
                for (int o = 0; o < O; ++o) {
                    if (ep.target(t, o) != 0) loss -= weight * ep.target(t, o) * std::log(pr(0, o));
                    gz(0, o) = weight * (pr(0, o) - ep.target(t, o));
                }
                g.v += y.transpose() * gz;
                g.c += gz;
                gy = gz * p.v.transpose();
            }
        }
        for (int j = 0; j < M; ++j)
            for (int k = 0; k < K; ++k) gy(0, j) += gamma * ep.x(t, k) * gH(k, j);
        for (int j = 0; j < M; ++j) {
            const S ga = gy(0, j) * (1 - y(0, j) * y(0, j));
            g.b(0, j) += ga;
            for (int k = 0; k < K; ++k) {
                const S G = ep.x(t, k) * ga;
                g.w(k, j) += G;
                g.alpha(k, j) += G * Hprev[size_t(t)](k, j);
                gH(k, j) = (1 - gamma) * gH(k, j) + G * p.alpha(k, j);
            }
        }
    }
    if (grads) *grads = g;
    return loss;
}

template class OnlineNet<float>;
template class OnlineNet<double>;
template float online_episode(const Shape&, const Params<float>&, float, const Episode<float>&, Params<float>*, int*,
                              OnlineNet<float>*);
template double online_episode(const Shape&, const Params<double>&, double, const Episode<double>&, Params<double>*,
                               int*, OnlineNet<double>*);
template float bptt_episode(const Shape&, const Params<float>&, float, const Episode<float>&, Params<float>*);
template double bptt_episode(const Shape&, const Params<double>&, double, const Episode<double>&, Params<double>*);

}  // namespace ps::bohp
