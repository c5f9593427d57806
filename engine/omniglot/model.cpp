// Conv encoder + Oja-plastic output layer: forward and exact backward (see model.hpp).
#include "model.hpp"
#include <cmath>
#include <algorithm>
#include <limits>
#include <stdexcept>

namespace ps::omni {

template <class S>
void OmniNet<S>::build(const NetShape& s) {
    shape = s;
    conv.clear(); names.clear(); p.clear();
    int side = s.side, cin = 1;
    for (int l = 0; l < s.layers; ++l) {
        ConvShape c;
        c.cin = cin; c.cout = s.channels; c.k = 3; c.stride = 2; c.hin = side; c.win = side;
        if (side < c.k) throw std::invalid_argument("omniglot net: image side " + std::to_string(s.side) + " too small for " +
                                                      std::to_string(s.layers) + " stride-2 layers");
        conv.push_back(c);
        names.push_back("conv" + std::to_string(l + 1) + "/W");
        names.push_back("conv" + std::to_string(l + 1) + "/b");
        p.push_back(MatC<S>::Zero(c.cout, c.patch()));
        p.push_back(MatC<S>::Zero(c.cout, 1));
        side = c.hout();
        cin = s.channels;
    }
    if (side != 1)
        throw std::invalid_argument("omniglot net: " + std::to_string(s.layers) + " stride-2 3x3 layers take a " +
                                    std::to_string(s.side) + " px image to " + std::to_string(side) + " px, not 1 (use 31)");
    names.push_back("w"); p.push_back(MatC<S>::Zero(s.channels, s.ways));
    names.push_back("alpha"); p.push_back(MatC<S>::Zero(s.channels, s.ways));
    names.push_back("eta"); p.push_back(MatC<S>::Zero(1, 1));
}

template <class S>
void OmniNet<S>::init(Rng& rng, double alpha0, double eta0) {
    for (int l = 0; l < nconv(); ++l) {
        const double bound = 1.0 / std::sqrt(double(conv[size_t(l)].patch()));
        for (int k : {2 * l, 2 * l + 1}) {
            MatC<S>& m = p[size_t(k)];
            for (Eigen::Index j = 0; j < m.cols(); ++j)
                for (Eigen::Index i = 0; i < m.rows(); ++i) m(i, j) = S(rng.uniform(-bound, bound));
        }
    }
    MatC<S>& w = p[size_t(iw())];
    MatC<S>& a = p[size_t(ialpha())];
    for (Eigen::Index j = 0; j < w.cols(); ++j)
        for (Eigen::Index i = 0; i < w.rows(); ++i) w(i, j) = S(0.01 * rng.normal());
    for (Eigen::Index j = 0; j < a.cols(); ++j)
        for (Eigen::Index i = 0; i < a.rows(); ++i) a(i, j) = S(alpha0 * rng.uniform());
    p[size_t(ieta())](0, 0) = S(eta0);
}

template <class S>
int64_t OmniNet<S>::num_params() const {
    int64_t n = 0;
    for (const auto& m : p) n += m.size();
    return n;
}

template <class S>
std::vector<MatC<S>> OmniNet<S>::zeros_like() const {
    std::vector<MatC<S>> z;
    for (const auto& m : p) z.push_back(MatC<S>::Zero(m.rows(), m.cols()));
    return z;
}

template <class S>
void encode(const OmniNet<S>& net, const MatC<S>& images, int N, NetCache<S>& c) {
    const int L = net.nconv();
    c.cols.resize(size_t(L));
    c.act.resize(size_t(L));
    for (int l = 0; l < L; ++l) {
        const MatC<S>& in = l == 0 ? images : c.act[size_t(l - 1)];
        im2col(in, net.conv[size_t(l)], N, c.cols[size_t(l)]);
        conv_forward(net.W(l), net.b(l), c.cols[size_t(l)], c.act[size_t(l)]);
        c.act[size_t(l)] = c.act[size_t(l)].array().tanh().matrix();
    }
}

template <class S>
void encode_backward(const OmniNet<S>& net, const NetCache<S>& c, const MatC<S>& g_feat, std::vector<MatC<S>>& g) {
    const int L = net.nconv();
    const int N = int(g_feat.cols());
    MatC<S> g_act = g_feat, g_pre, g_cols;
    for (int l = L - 1; l >= 0; --l) {
        // x = tanh(a): g_a = g_x ⊙ (1 - x²)
        g_pre = g_act.array() * (S(1) - c.act[size_t(l)].array().square());
        conv_backward(net.W(l), c.cols[size_t(l)], g_pre, g[size_t(2 * l)], g[size_t(2 * l + 1)], l > 0 ? &g_cols : nullptr);
        if (l > 0) col2im(g_cols, net.conv[size_t(l)], N, g_act);
    }
}

template <class S>
void head_step(const OmniNet<S>& net, const S* x, int label, S boost, MatC<S>& H, S* y, S* logits) {
    const int C = net.shape.channels, K = net.shape.ways;
    const MatC<S>& w = net.w();
    const MatC<S>& al = net.alpha();
    const S eta = net.eta();
    // a = (w + α ⊙ H)ᵀ x (+ boost at the label), y = softmax(a)
    S amax = -std::numeric_limits<S>::infinity();
    std::vector<S> a(static_cast<size_t>(K));
    for (int j = 0; j < K; ++j) {
        S s = 0;
        for (int i = 0; i < C; ++i) s += (w(i, j) + al(i, j) * H(i, j)) * x[i];
        if (j == label) s += boost;
        a[size_t(j)] = s;
        amax = std::max(amax, s);
    }
    S z = 0;
    for (int j = 0; j < K; ++j) { y[j] = std::exp(a[size_t(j)] - amax); z += y[j]; }
    for (int j = 0; j < K; ++j) y[j] /= z;
    if (logits) for (int j = 0; j < K; ++j) logits[j] = a[size_t(j)];
    // Oja: H_ij ← H_ij (1 - η y_j²) + η x_i y_j
    for (int j = 0; j < K; ++j) {
        const S keep = S(1) - eta * y[j] * y[j], add = eta * y[j];
        for (int i = 0; i < C; ++i) H(i, j) = H(i, j) * keep + add * x[i];
    }
}

template <class S>
S forward(const OmniNet<S>& net, const EpisodeBatch<S>& eb, S boost, NetCache<S>& c) {
    const int C = net.shape.channels, K = net.shape.ways, B = eb.B, T = eb.T;
    encode(net, eb.images, B * T, c);
    const MatC<S>& feat = c.act.back();   // (C, B·T)
    c.H.assign(size_t(B) * size_t(T), MatC<S>());
    c.Y.resize(K, Eigen::Index(B) * T);
    c.Aq.resize(K, B);
    c.pred.assign(size_t(B), 0);
    c.loss = 0;
    c.correct = 0;
    std::vector<S> logits(static_cast<size_t>(K));
    for (int e = 0; e < B; ++e) {
        MatC<S> H = MatC<S>::Zero(C, K);
        for (int t = 0; t < T; ++t) {
            const int idx = e * T + t;
            c.H[size_t(idx)] = H;
            const bool query = t == T - 1;
            head_step(net, feat.col(idx).data(), query ? -1 : eb.labels[size_t(idx)], boost, H, c.Y.col(idx).data(),
                      logits.data());
            if (query) {
                // -log softmax(a)[target] = logsumexp(a) - a[target]
                const int tgt = eb.labels[size_t(idx)];
                S amax = logits[0];
                int arg = 0;
                for (int j = 1; j < K; ++j) if (logits[size_t(j)] > amax) { amax = logits[size_t(j)]; arg = j; }
                S z = 0;
                for (int j = 0; j < K; ++j) z += std::exp(logits[size_t(j)] - amax);
                c.loss += amax + std::log(z) - logits[size_t(tgt)];
                for (int j = 0; j < K; ++j) c.Aq(j, e) = logits[size_t(j)];
                c.pred[size_t(e)] = arg;
                c.correct += arg == tgt;
            }
        }
    }
    c.loss /= S(B);
    return c.loss;
}

template <class S>
void backward(const OmniNet<S>& net, const EpisodeBatch<S>& eb, S /*boost*/, const NetCache<S>& c,
              std::vector<MatC<S>>& g) {
    const int C = net.shape.channels, K = net.shape.ways, B = eb.B, T = eb.T;
    g = net.zeros_like();
    const MatC<S>& w = net.w();
    const MatC<S>& al = net.alpha();
    const S eta = net.eta();
    MatC<S>& g_w = g[size_t(net.iw())];
    MatC<S>& g_al = g[size_t(net.ialpha())];
    S g_eta = 0;
    const MatC<S>& feat = c.act.back();
    MatC<S> g_feat = MatC<S>::Zero(C, Eigen::Index(B) * T);
    MatC<S> gH(C, K), G(C, K), M(C, K);
    Eigen::Matrix<S, Eigen::Dynamic, 1> g_a(K), g_y(K), g_x(C);
    for (int e = 0; e < B; ++e) {
        gH.setZero();
        for (int t = T - 1; t >= 0; --t) {
            const int idx = e * T + t;
            const auto x = feat.col(idx);
            const auto y = c.Y.col(idx);
            const MatC<S>& Ht = c.H[size_t(idx)];
            g_x.setZero();
            if (t == T - 1) {
                // loss = -log y[target] / B: g_a = (y - onehot) / B
                g_a = y / S(B);
                g_a(eb.labels[size_t(idx)]) -= S(1) / S(B);
            } else {
                // through H(t+1) = H(t) ⊙ 1(1 - η y²)ᵀ + η x yᵀ
                g_eta += (gH.array() * ((x * y.transpose()).array() -
                                        Ht.array().rowwise() * y.array().square().transpose())).sum();
                g_x.noalias() += eta * (gH * y);
                g_y.noalias() = eta * (gH.transpose() * x);
                g_y.array() -= S(2) * eta * y.array() * (gH.array() * Ht.array()).colwise().sum().transpose();
                gH.array().rowwise() *= (S(1) - eta * y.array().square()).transpose();
                // through y = softmax(a): g_a = y ⊙ (g_y - yᵀ g_y)
                g_a = y.array() * (g_y.array() - y.dot(g_y));
            }
            // through a = (w + α ⊙ H(t))ᵀ x
            M = w + al.cwiseProduct(Ht);
            G.noalias() = x * g_a.transpose();
            g_w += G;
            g_al += G.cwiseProduct(Ht);
            gH += G.cwiseProduct(al);
            g_x.noalias() += M * g_a;
            g_feat.col(idx) = g_x;
        }
    }
    g[size_t(net.ieta())](0, 0) = g_eta;
    encode_backward(net, c, g_feat, g);
}

#define PS_OMNI_MODEL_INST(S)                                                                                   \
    template struct OmniNet<S>;                                                                                 \
    template void encode<S>(const OmniNet<S>&, const MatC<S>&, int, NetCache<S>&);                              \
    template void encode_backward<S>(const OmniNet<S>&, const NetCache<S>&, const MatC<S>&, std::vector<MatC<S>>&); \
    template void head_step<S>(const OmniNet<S>&, const S*, int, S, MatC<S>&, S*, S*);                          \
    template S forward<S>(const OmniNet<S>&, const EpisodeBatch<S>&, S, NetCache<S>&);                          \
    template void backward<S>(const OmniNet<S>&, const EpisodeBatch<S>&, S, const NetCache<S>&, std::vector<MatC<S>>&);
PS_OMNI_MODEL_INST(float)
PS_OMNI_MODEL_INST(double)

}  // namespace ps::omni
