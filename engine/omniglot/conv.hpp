// Valid (unpadded) 2-D convolution with stride, forward and exact backward, for the Omniglot
// encoder (4 layers of 3x3, stride 2, 64 channels: 31 -> 15 -> 7 -> 3 -> 1).
//
// Layout. A batch of B feature maps with C channels of H x W pixels is one column-major matrix
// (C, B·H·W): column b·H·W + y·W + x holds the C channel values of pixel (y, x) of item b, so a
// pixel's channels are contiguous. Weights are (Cout, k·k·Cin) with column (ky·k + kx)·Cin + c
// (NOT PyTorch's c·k·k + ky·k + kx order: this one makes im2col copy whole channel vectors).
//
//   im2col:   cols((ky·k+kx)·Cin + c, b·P + oy·Wo + ox) = in(c, b·Hi·Wi + (s·oy+ky)·Wi + s·ox+kx)
//   forward:  out = W · cols + b 1ᵀ                          (Cout, B·P),  P = Ho·Wo
//   backward: g_W = g_out · colsᵀ ;  g_b = g_out 1 ;  g_cols = Wᵀ · g_out ;  g_in = col2im(g_cols)
//             (col2im scatter-adds each column entry back to the input pixel it was copied from)
//
// conv_forward_ref / conv_backward_ref are the plain-loop definitions the GEMM path is tested
// against.
#pragma once
#include <Eigen/Dense>
#include "tensor.hpp"

namespace ps::omni {

struct ConvShape {
    int cin = 1, cout = 1, k = 3, stride = 2, hin = 31, win = 31;
    int hout() const { return (hin - k) / stride + 1; }
    int wout() const { return (win - k) / stride + 1; }
    int patch() const { return k * k * cin; }
};

// in (cin, B·hin·win) -> cols (k·k·cin, B·hout·wout)
template <class S> void im2col(const MatC<S>& in, const ConvShape& sh, int B, MatC<S>& cols);
// g_cols (k·k·cin, B·hout·wout) -> g_in (cin, B·hin·win); g_in is overwritten.
template <class S> void col2im(const MatC<S>& g_cols, const ConvShape& sh, int B, MatC<S>& g_in);

// out (cout, B·P) = W (cout, patch) · cols + b (cout, 1)
template <class S> void conv_forward(const MatC<S>& W, const MatC<S>& b, const MatC<S>& cols, MatC<S>& out);
// Accumulates g_W (cout, patch) and g_b (cout, 1); writes g_cols (patch, B·P) unless it is null.
template <class S>
void conv_backward(const MatC<S>& W, const MatC<S>& cols, const MatC<S>& g_out, MatC<S>& g_W, MatC<S>& g_b,
                   MatC<S>* g_cols);

// Plain loops, straight from the definition out(o, b, y, x) = b_o + Σ_{c,ky,kx} W(o, (ky k+kx) cin + c)
// · in(c, b, s y + ky, s x + kx). conv_backward_ref accumulates g_W, g_b and overwrites g_in.
template <class S>
void conv_forward_ref(const MatC<S>& W, const MatC<S>& b, const MatC<S>& in, const ConvShape& sh, int B, MatC<S>& out);
template <class S>
void conv_backward_ref(const MatC<S>& W, const MatC<S>& in, const MatC<S>& g_out, const ConvShape& sh, int B,
                       MatC<S>& g_W, MatC<S>& g_b, MatC<S>& g_in);

}  // namespace ps::omni
