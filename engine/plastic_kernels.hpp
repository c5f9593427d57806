// The two hot loops of PlasticNet, one sweep over a block of rows [i0, i1) of the (pre, post)
// matrices each, written as plain loops over the post index j that the compiler vectorises
// (`omp simd` with reductions: -fopenmp-simd, no OpenMP runtime). Everything a row needs is done
// while the row is in L1, so each N×N matrix is streamed once per step: the forward reads W, A, H
// and writes H (16 bytes per connection); the backward reads W, A, H, g_H, g_A and writes H, g_H,
// g_A (32 bytes per connection). Row blocks are independent except for the column accumulators
// (acc, gc, gd, g_alpha), which the caller gives each thread privately and sums afterwards.
//
// The maths is in plastic_net.cpp (forward: step(), backward: the comment above backward());
// ReferenceNet (plain loops over the stored H(t)) is the test oracle for both.
#pragma once

namespace ps::kernels {

// Forward, rows [i0, i1): the pending trace update H ← H⊙c + q_i d (when Update), then
// acc += p_i (W_i + A_i ⊙ H_i)   (Shared: W_i + alpha H_i).
//   H, W, A: (n, n) row-major;  c, d, q (= x(t-2)), p (= x(t-1)), acc: (n).
template <class S, bool Update, bool Shared>
void forward_rows(int i0, int i1, int n, S* __restrict H, const S* __restrict W, const S* __restrict A, S alpha,
                  const S* __restrict c, const S* __restrict d, const S* __restrict q, const S* __restrict p,
                  S* __restrict acc) {
    for (int i = i0; i < i1; ++i) {
        S* __restrict h = H + size_t(i) * n;
        const S* __restrict w = W + size_t(i) * n;
        const S* __restrict a = Shared ? nullptr : A + size_t(i) * n;
        const S qi = Update ? q[i] : S(0), pi = p[i];
        if (pi == S(0)) {   // nothing to accumulate: only the update
            if (Update) {
#pragma omp simd
                for (int j = 0; j < n; ++j) h[j] = h[j] * c[j] + qi * d[j];
            }
            continue;
        }
#pragma omp simd
        for (int j = 0; j < n; ++j) {
            S hj = h[j];
            if (Update) { hj = hj * c[j] + qi * d[j]; h[j] = hj; }
            acc[j] += pi * (Shared ? w[j] + alpha * hj : w[j] + a[j] * hj);
        }
    }
}

// What precedes H(s) in the backward sweep of step s (see PlasticNet::backward).
enum class Prev { None = 0, Recompute = 1, Anchor = 2, Zero = 3 };

// Backward of step s, rows [i0, i1). With g = g_a(s), M = W + A⊙H(s), p = x(s-1), q = x(s-2):
//   g_x(s-1)_i += M_i · g                                   (gxm1, when not null)
//   g_H_i ← g_H_i ⊙ c(s) [HaveNext] + p_i g ⊙ A_i;  g_A_i += p_i g ⊙ H_i   (Shared: g_alpha += p_i H_i·g)
// and, when the update s-1 exists (P != None), with H(s-1)_i = (H_i - q_i d)⊙(1/c) [Recompute],
// the anchor's row [Anchor], or 0 [Zero]:
//   gc += g_H_i ⊙ H(s-1)_i,  gd += q_i g_H_i,  g_x(s-2)_i += g_H_i · d  (gxm2, when not null),
//   H_i ← H(s-1)_i.
//   H, gH, gA, W, A, anchor: (n, n) row-major; g, c_s, inv_cm, d_m, pre, q, gc, gd: (n).
template <class S, bool Shared, bool HaveNext, Prev P>
void backward_rows(int i0, int i1, int n, S* __restrict H, S* __restrict gH, S* __restrict gA,
                   const S* __restrict W, const S* __restrict A, S alpha, const S* __restrict g,
                   const S* __restrict c_s, const S* __restrict inv_cm, const S* __restrict d_m,
                   const S* __restrict anchor, const S* __restrict pre, const S* __restrict q,
                   S* __restrict gxm1, S* __restrict gxm2, S* __restrict gc, S* __restrict gd, S& g_alpha) {
    S g_alpha_acc = 0;
    for (int i = i0; i < i1; ++i) {
        S* __restrict h = H + size_t(i) * n;
        S* __restrict gh = gH + size_t(i) * n;
        S* __restrict ga = Shared ? nullptr : gA + size_t(i) * n;
        const S* __restrict w = W + size_t(i) * n;
        const S* __restrict a = Shared ? nullptr : A + size_t(i) * n;
        const S* __restrict an = P == Prev::Anchor ? anchor + size_t(i) * n : nullptr;
        const S pi = pre[i];
        const S qi = (P != Prev::None && q) ? q[i] : S(0);
        const S pa = pi * alpha;
        S dw = 0, dm = 0, dd = 0;
#pragma omp simd reduction(+ : dw, dm, dd)
        for (int j = 0; j < n; ++j) {
            const S hj = h[j], gj = g[j];
            dw += w[j] * gj;
            S ghj = HaveNext ? gh[j] * c_s[j] : gh[j];
            if (Shared) {
                dm += hj * gj;
                ghj += pa * gj;
            } else {
                const S pg = pi * gj;
                dm += a[j] * hj * gj;
                ghj += pg * a[j];
                ga[j] += pg * hj;
            }
            if (P != Prev::None) {
                const S hp = P == Prev::Zero ? S(0) : P == Prev::Anchor ? an[j] : (hj - qi * d_m[j]) * inv_cm[j];
                gc[j] += ghj * hp;
                gd[j] += qi * ghj;
                dd += ghj * d_m[j];
                h[j] = hp;
            }
            gh[j] = ghj;
        }
        if (gxm1) gxm1[i] += Shared ? dw + alpha * dm : dw + dm;
        if (Shared) g_alpha_acc += pi * dm;
        if (P != Prev::None && gxm2) gxm2[i] += dd;
    }
    if (Shared) g_alpha += g_alpha_acc;
}

}  // namespace ps::kernels
