// LstmNet: forward stepping and BPTT (the maths is in lstm_net.hpp). Each step's activated gates
// are kept (T·batch·4h values), so the backward pass recomputes nothing.
#include "lstm_net.hpp"
#include <cmath>

namespace ps {

namespace {
template <class S> S sigmoid(S x) { return S(1) / (S(1) + std::exp(-x)); }
}  // namespace

template <class S>
void LstmNet<S>::configure(const LstmConfig& cfg) {
    cfg_ = cfg;
    const int K = cfg.k, H = cfg.h;
    p.Wx = Mat::Zero(K, 4 * H);
    p.Wh = Mat::Zero(H, 4 * H);
    p.b = Mat::Zero(1, 4 * H);
}

template <class S>
void LstmNet<S>::init(Rng& rng) {
    const double r = cfg_.init > 0 ? cfg_.init : 1.0 / std::sqrt(double(cfg_.h));
    for (auto& [name, m] : p.list())
        for (Eigen::Index i = 0; i < m->size(); ++i) m->data()[i] = S((2.0 * rng.uniform() - 1.0) * r);
    reimpose_clamp();
}

template <class S>
void LstmNet<S>::reimpose_clamp() {
    const int H = cfg_.h;
    for (int k = 0; k < cfg_.clamp; ++k) {
        p.Wx.col(2 * H + k).setZero();
        p.Wx(k, 2 * H + k) = S(10);
        p.b(0, 0 * H + k) = S(10);      // input gate open
        p.b(0, 1 * H + k) = S(-1000);   // forget gate shut
        p.b(0, 2 * H + k) = S(0);
        p.b(0, 3 * H + k) = S(10);      // output gate open
    }
}

template <class S>
void LstmNet<S>::zero_clamped(LstmParams<S>& g) const {
    const int H = cfg_.h;
    for (int k = 0; k < cfg_.clamp; ++k) {
        g.Wx.col(2 * H + k).setZero();
        for (int gate = 0; gate < 4; ++gate) g.b(0, gate * H + k) = S(0);
    }
}

template <class S>
void LstmNet<S>::begin(int batch, int max_steps) {
    batch_ = batch;
    t_ = 0;
    for (auto* v : {&us_, &hs_, &cs_, &gates_, &ghs_}) {
        v->clear();
        v->reserve(size_t(max_steps) + 1);
    }
    us_.push_back(Mat::Zero(batch, cfg_.k));       // index 0 unused: u(t) is at t
    hs_.push_back(Mat::Zero(batch, cfg_.h));
    cs_.push_back(Mat::Zero(batch, cfg_.h));
    gates_.push_back(Mat());
    ghs_.push_back(Mat::Zero(batch, cfg_.h));
}

template <class S>
const typename LstmNet<S>::Mat& LstmNet<S>::step(const Mat& u) {
    const int H = cfg_.h, B = batch_;
    // z = u·Wx + h(t-1)·Wh + b   (B, 4H)
    Mat z = u * p.Wx;
    z.noalias() += hs_.back() * p.Wh;
    z.rowwise() += p.b.row(0);
    const Mat& cp = cs_.back();
    Mat c(B, H), h(B, H);
    for (int r = 0; r < B; ++r) {
        S* zr = z.row(r).data();
        for (int j = 0; j < H; ++j) {
            const S i = sigmoid(zr[j]), f = sigmoid(zr[H + j]), g = std::tanh(zr[2 * H + j]), o = sigmoid(zr[3 * H + j]);
            zr[j] = i; zr[H + j] = f; zr[2 * H + j] = g; zr[3 * H + j] = o;   // z now holds the gates
            const S cj = f * cp(r, j) + i * g;
            c(r, j) = cj;
            h(r, j) = o * std::tanh(cj);
        }
    }
    us_.push_back(u);
    gates_.push_back(std::move(z));
    cs_.push_back(std::move(c));
    hs_.push_back(std::move(h));
    ghs_.push_back(Mat::Zero(B, H));
    ++t_;
    return hs_.back();
}

template <class S>
void LstmNet<S>::backward(LstmParams<S>& g) const {
    const int H = cfg_.h, B = batch_, T = t_;
    // The per-step g_z rows are stacked, and g_Wx = Uᵀ·G_z, g_Wh = H(t-1)ᵀ·G_z are one GEMM each
    // at the end: Wh's gradient (h × 4h) is written once instead of once per step.
    Mat GZ(T * B, 4 * H), U(T * B, cfg_.k), HP(T * B, H);
    Mat gh_next = Mat::Zero(B, H), gc_next = Mat::Zero(B, H);
    for (int t = T; t >= 1; --t) {
        const Mat& G = gates_[size_t(t)];
        const Mat& c = cs_[size_t(t)];
        const Mat& cp = cs_[size_t(t - 1)];
        auto gz = GZ.middleRows((t - 1) * B, B);
        for (int r = 0; r < B; ++r) {
            for (int j = 0; j < H; ++j) {
                const S i = G(r, j), f = G(r, H + j), gg = G(r, 2 * H + j), o = G(r, 3 * H + j);
                const S tc = std::tanh(c(r, j));
                const S gh = ghs_[size_t(t)](r, j) + gh_next(r, j);
                const S gc = gc_next(r, j) + gh * o * (S(1) - tc * tc);
                gz(r, j) = gc * gg * i * (S(1) - i);
                gz(r, H + j) = gc * cp(r, j) * f * (S(1) - f);
                gz(r, 2 * H + j) = gc * i * (S(1) - gg * gg);
                gz(r, 3 * H + j) = gh * tc * o * (S(1) - o);
                gc_next(r, j) = gc * f;
            }
        }
        U.middleRows((t - 1) * B, B) = us_[size_t(t)];
        HP.middleRows((t - 1) * B, B) = hs_[size_t(t - 1)];
        if (t > 1) gh_next.noalias() = gz * p.Wh.transpose();
    }
    g.Wx.noalias() = U.transpose() * GZ;
    g.Wh.noalias() = HP.transpose() * GZ;
    g.b = GZ.colwise().sum();
}

template class LstmNet<float>;
template class LstmNet<double>;

}  // namespace ps
