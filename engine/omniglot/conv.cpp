// im2col + GEMM convolution and its plain-loop reference (see conv.hpp).
#include "conv.hpp"

namespace ps::omni {

template <class S>
void im2col(const MatC<S>& in, const ConvShape& sh, int B, MatC<S>& cols) {
    const int Ho = sh.hout(), Wo = sh.wout(), P = Ho * Wo, Pi = sh.hin * sh.win, C = sh.cin;
    cols.resize(sh.patch(), Eigen::Index(B) * P);
    for (int b = 0; b < B; ++b)
        for (int oy = 0; oy < Ho; ++oy)
            for (int ox = 0; ox < Wo; ++ox) {
                S* dst = cols.col(Eigen::Index(b) * P + oy * Wo + ox).data();
                for (int ky = 0; ky < sh.k; ++ky)
                    for (int kx = 0; kx < sh.k; ++kx) {
                        const S* src = in.col(Eigen::Index(b) * Pi + (sh.stride * oy + ky) * sh.win + sh.stride * ox + kx).data();
                        for (int c = 0; c < C; ++c) dst[c] = src[c];
                        dst += C;
                    }
            }
}

template <class S>
void col2im(const MatC<S>& g_cols, const ConvShape& sh, int B, MatC<S>& g_in) {
    const int Ho = sh.hout(), Wo = sh.wout(), P = Ho * Wo, Pi = sh.hin * sh.win, C = sh.cin;
    g_in.setZero(C, Eigen::Index(B) * Pi);
    for (int b = 0; b < B; ++b)
        for (int oy = 0; oy < Ho; ++oy)
            for (int ox = 0; ox < Wo; ++ox) {
                const S* src = g_cols.col(Eigen::Index(b) * P + oy * Wo + ox).data();
                for (int ky = 0; ky < sh.k; ++ky)
                    for (int kx = 0; kx < sh.k; ++kx) {
                        S* dst = g_in.col(Eigen::Index(b) * Pi + (sh.stride * oy + ky) * sh.win + sh.stride * ox + kx).data();
                        for (int c = 0; c < C; ++c) dst[c] += src[c];
                        src += C;
                    }
            }
}

template <class S>
void conv_forward(const MatC<S>& W, const MatC<S>& b, const MatC<S>& cols, MatC<S>& out) {
    out.noalias() = W * cols;          // (cout, patch) x (patch, B·P)
    out.colwise() += b.col(0);
}

template <class S>
void conv_backward(const MatC<S>& W, const MatC<S>& cols, const MatC<S>& g_out, MatC<S>& g_W, MatC<S>& g_b,
                   MatC<S>* g_cols) {
    g_W.noalias() += g_out * cols.transpose();      // (cout, B·P) x (B·P, patch)
    g_b.col(0).noalias() += g_out.rowwise().sum();
    if (g_cols) g_cols->noalias() = W.transpose() * g_out;   // (patch, cout) x (cout, B·P)
}

template <class S>
void conv_forward_ref(const MatC<S>& W, const MatC<S>& b, const MatC<S>& in, const ConvShape& sh, int B, MatC<S>& out) {
    const int Ho = sh.hout(), Wo = sh.wout(), Pi = sh.hin * sh.win;
    out.resize(sh.cout, Eigen::Index(B) * Ho * Wo);
    for (int bi = 0; bi < B; ++bi)
        for (int o = 0; o < sh.cout; ++o)
            for (int y = 0; y < Ho; ++y)
                for (int x = 0; x < Wo; ++x) {
                    S s = b(o, 0);
                    for (int c = 0; c < sh.cin; ++c)
                        for (int ky = 0; ky < sh.k; ++ky)
                            for (int kx = 0; kx < sh.k; ++kx)
                                s += W(o, (ky * sh.k + kx) * sh.cin + c) *
                                     in(c, Eigen::Index(bi) * Pi + (sh.stride * y + ky) * sh.win + sh.stride * x + kx);
                    out(o, Eigen::Index(bi) * Ho * Wo + y * Wo + x) = s;
                }
}

template <class S>
void conv_backward_ref(const MatC<S>& W, const MatC<S>& in, const MatC<S>& g_out, const ConvShape& sh, int B,
                       MatC<S>& g_W, MatC<S>& g_b, MatC<S>& g_in) {
    const int Ho = sh.hout(), Wo = sh.wout(), Pi = sh.hin * sh.win;
    g_in.setZero(sh.cin, Eigen::Index(B) * Pi);
    for (int bi = 0; bi < B; ++bi)
        for (int o = 0; o < sh.cout; ++o)
            for (int y = 0; y < Ho; ++y)
                for (int x = 0; x < Wo; ++x) {
                    const S g = g_out(o, Eigen::Index(bi) * Ho * Wo + y * Wo + x);
                    g_b(o, 0) += g;
                    for (int c = 0; c < sh.cin; ++c)
                        for (int ky = 0; ky < sh.k; ++ky)
                            for (int kx = 0; kx < sh.k; ++kx) {
                                const Eigen::Index p = Eigen::Index(bi) * Pi + (sh.stride * y + ky) * sh.win + sh.stride * x + kx;
                                g_W(o, (ky * sh.k + kx) * sh.cin + c) += g * in(c, p);
                                g_in(c, p) += g * W(o, (ky * sh.k + kx) * sh.cin + c);
                            }
                }
}

#define PS_OMNI_CONV_INST(S)                                                                                  \
    template void im2col<S>(const MatC<S>&, const ConvShape&, int, MatC<S>&);                                 \
    template void col2im<S>(const MatC<S>&, const ConvShape&, int, MatC<S>&);                                 \
    template void conv_forward<S>(const MatC<S>&, const MatC<S>&, const MatC<S>&, MatC<S>&);                  \
    template void conv_backward<S>(const MatC<S>&, const MatC<S>&, const MatC<S>&, MatC<S>&, MatC<S>&, MatC<S>*); \
    template void conv_forward_ref<S>(const MatC<S>&, const MatC<S>&, const MatC<S>&, const ConvShape&, int, MatC<S>&); \
    template void conv_backward_ref<S>(const MatC<S>&, const MatC<S>&, const MatC<S>&, const ConvShape&, int,   \
                                       MatC<S>&, MatC<S>&, MatC<S>&);
PS_OMNI_CONV_INST(float)
PS_OMNI_CONV_INST(double)

}  // namespace ps::omni
