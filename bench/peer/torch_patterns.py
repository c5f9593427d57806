#!/usr/bin/python3
"""PyTorch peer of the `patterns` task (paper preset): binary pattern memorisation, trained by autograd.

The speed reference for Plastiscope's hand-written BPTT on the same problem (docs/science.md,
"Binary pattern memorisation"). The network and the episode follow the DP 2018 paper and the
settings of its authors' experiment:

    x(t)      = tanh( x(t-1) (W + alpha * H(t)) + u(t) )        rows are activities; (pre, post)
    H(t+1)    = (1 - eta) H(t) + eta x(t-1)^T x(t)              plain Hebb, no clipping

N = 1000 pattern units + 1 bias unit. W and alpha per connection, one trained eta. An episode:
5 balanced +-1 patterns, 2 cycles in a fresh random order, each shown 6 steps then 4 empty steps,
then one of them with exactly half its bits zeroed for 6 steps (T = 106). Inputs, the bias
unit's 1 included, are multiplied by 20 and added. Loss: squared error summed over the pattern
units at the last step; batch 1, Adam 3e-4.

--ops chooses how the same function is computed: `fast` (default) keeps W, alpha and H transposed
([post, pre]) so the recurrent product is one BLAS gemv; `addmm` keeps the paper's layout;
`official` is the plain op sequence (w + alpha * hebb, mm, a bmm outer product). The weights are
always drawn in the paper's orientation, so all three give the same losses.

Output: one line every --print-every episodes, then `episodes_per_s=<float> final_loss=<float>`
(final_loss: mean training loss over the last window). bench/bench_engine.cpp reads that line.
"""
import sys

import numpy as np
import torch

from peer_runtime import (WindowLog, add_plain_flags, descend, episode_steps, peer_parser, present, print_header,
                          start_peer)


def parse_args():
    p = peer_parser(__doc__, threads=2, episodes=2000, episodes_help="training episodes (the paper's run: 2000)")
    p.add_argument("--lr", type=float, default=3e-4, help="Adam learning rate")
    add_plain_flags(p, print_every=100, pattern_size=1000, nb_patterns=5, nb_prescycles=2)
    p.add_argument("--prestime", type=int, default=6, help="steps each pattern is shown")
    p.add_argument("--prestime-test", type=int, default=6, help="steps the probe is shown")
    p.add_argument("--interpres-delay", type=int, default=4, help="empty steps after each presentation")
    p.add_argument("--proba-degrade", type=float, default=0.5, help="fraction of the probe's bits zeroed")
    add_plain_flags(p, input_boost=20.0, eta_init=0.01)
    p.add_argument("--clip", type=float, default=0.0, help="clamp H to [-clip, clip] after each update (0: off)")
    p.add_argument("--ops", choices=["fast", "addmm", "official"], default="fast",
                   help="how the step is computed (same function, same losses)")
    return p.parse_args()


class Episodes:
    """Draws the input sequence and the target of one episode (numpy float32)."""

    def __init__(self, args, rng):
        self.args, self.rng = args, rng
        self.bits = args.pattern_size
        self.n = self.bits + 1
        self.steps = episode_steps(args)[1]
        self.balanced = np.ones(self.bits, dtype=np.float32)
        self.balanced[: self.bits // 2] = -1.0

    def __call__(self):
        a, rng, bits = self.args, self.rng, self.bits
        patterns = np.stack([rng.permutation(self.balanced) for _ in range(a.nb_patterns)])
        target = patterns[rng.integers(a.nb_patterns)].copy()
        kept = np.ones(bits, dtype=np.float32)
        kept[: int(a.proba_degrade * bits)] = 0.0
        rng.shuffle(kept)
        u = present(a, patterns, target * kept, self.n, rng)
        u *= a.input_boost
        return torch.from_numpy(u), torch.from_numpy(target)


def forward(w, alpha, eta, u, bits, clip, ops):
    """One episode; returns the pattern units' activity at the last step."""
    n = w.shape[0]
    hebb = torch.zeros(n, n)
    if ops == "fast":   # transposed storage: x (W + alpha H) is (W + alpha H)^T x, a gemv
        x = torch.zeros(n)
        for t in range(u.shape[0]):
            x_new = torch.tanh(torch.addmv(u[t, 0], torch.addcmul(w, alpha, hebb), x))
            hebb = torch.addcmul(hebb * (1.0 - eta), x_new.unsqueeze(1), (eta * x).unsqueeze(0))
            if clip > 0:
                hebb = torch.clamp(hebb, -clip, clip)
            x = x_new
        return x[:bits]
    x = torch.zeros(1, n)
    for t in range(u.shape[0]):
        if ops == "addmm":
            x_new = torch.tanh(torch.addmm(u[t], x, torch.addcmul(w, alpha, hebb)))
            hebb = torch.addcmul(hebb * (1.0 - eta), (eta * x).t(), x_new)   # (n,1)*(1,n): outer product
        else:
            x_new = torch.tanh(x.mm(w + alpha * hebb) + u[t])
            hebb = (1.0 - eta) * hebb + eta * torch.bmm(x.unsqueeze(2), x_new.unsqueeze(1))[0]
        if clip > 0:
            hebb = torch.clamp(hebb, -clip, clip)
        x = x_new
    return x[0, :bits]


def main():
    a = parse_args()
    runtime = start_peer(a)
    episodes = Episodes(a, np.random.default_rng(a.seed))
    n, bits = episodes.n, episodes.bits

    w = 0.01 * torch.randn(n, n)
    alpha = 0.01 * torch.randn(n, n)
    if a.ops == "fast":
        w, alpha = w.t().contiguous(), alpha.t().contiguous()
    w.requires_grad_()
    alpha.requires_grad_()
    eta = torch.full((1,), a.eta_init).requires_grad_()
    opt = torch.optim.Adam([w, alpha, eta], lr=a.lr)

    print_header(runtime, f"N={n} steps/episode={episodes.steps} episodes={a.episodes} lr={a.lr} clip={a.clip} ops={a.ops} "
                          f"seed={a.seed}")
    log = WindowLog(a.episodes, a.print_every)
    for ep in range(1, a.episodes + 1):
        u, target = episodes()
        out = forward(w, alpha, eta, u, bits, a.clip, a.ops)
        loss = (out - target).pow(2).sum()
        descend(opt, loss)
        with torch.no_grad():
            err = (torch.sign(out) != target).float().mean().item()
        log.add(ep, lambda: f"eta={eta.item():.5f}", loss=loss.item(), err=err)
    log.finish(f" final_err={log.last['err']:.4f} eta={eta.item():.5f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
