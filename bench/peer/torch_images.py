#!/usr/bin/python3
"""PyTorch peer of the `images` task (paper preset): half-image completion, trained by autograd.

The speed reference for Plastiscope's hand-written BPTT on natural-image completion
(docs/science.md, "Natural image completion"). N = 1024 pixel units + 1 bias unit, every
connection plastic (W and alpha per connection, one trained eta), plain Hebb, tanh. Inputs clamp:
a unit whose input is non-zero at step t shows that input; every other unit computes

    x_j(t) = tanh( x(t-1) (W + alpha * H(t)) )_j,     H(t+1) = (1 - eta) H(t) + eta x(t-1)^T x(t)

The bias unit is clamped to 1 throughout. An episode: 3 images, 3 cycles in a fresh random
order, 20 steps each plus 2 empty steps, then one of the three with its top or bottom half
(even odds) zeroed for 3 steps (T = 201). Each image: grey levels minus their mean, divided by
their largest magnitude. Loss: squared error summed over the pixels at the last step; batch 1,
Adam 1e-4. W, alpha and H are kept transposed ([post, pre]) so the product is a BLAS gemv.

Data: with --data FILE, raw uint8 grey 32x32 images (N * 1024 bytes, row-major); otherwise a
seeded synthetic stand-in (make_synthetic: a gradient, 2-6 Gaussian blobs, 0-2 soft edges and a
little noise per image), which costs the same to train on.

Output: one line every --print-every episodes, then `episodes_per_s=<float> final_loss=<float>`.
"""
import sys
import time

import numpy as np
import torch

from peer_runtime import (WindowLog, add_plain_flags, descend, episode_steps, peer_parser, present, print_header,
                          start_peer)

SIDE = 32
PIXELS = SIDE * SIDE


def parse_args():
    p = peer_parser(__doc__, threads=2, episodes=300, episodes_help="training episodes (the paper's run: 100000)")
    add_plain_flags(p, print_every=50, lr=1e-4, nb_patterns=3, nb_prescycles=3, prestime=20, prestime_test=3,
                    interpres_delay=2, eta_init=0.01)
    p.add_argument("--data", default=None, help="raw uint8 file of 32x32 grey images (N * 1024 bytes)")
    p.add_argument("--pool", type=int, default=10000, help="number of synthetic images")
    p.add_argument("--clip", type=float, default=0.0, help="clamp H to [-clip, clip] after each update (0: off)")
    return p.parse_args()


def make_synthetic(count, rng):
    """count seeded 32x32 uint8 images with the kinds of structure photographs have."""
    yy, xx = np.mgrid[0:SIDE, 0:SIDE].astype(np.float32)
    out = np.empty((count, PIXELS), dtype=np.uint8)
    for i in range(count):
        img = rng.uniform(-0.5, 0.5) * (xx - 15.5) / 16 + rng.uniform(-0.5, 0.5) * (yy - 15.5) / 16
        for _ in range(rng.integers(2, 7)):                  # blobs
            cx, cy = rng.uniform(-4, 36, size=2)
            s = rng.uniform(2.0, 9.0)
            img += rng.uniform(-1, 1) * np.exp(-((xx - cx) ** 2 + (yy - cy) ** 2) / (2 * s * s))
        for _ in range(rng.integers(0, 3)):                  # soft straight edges
            theta = rng.uniform(0, np.pi)
            d = (xx - rng.uniform(4, 28)) * np.cos(theta) + (yy - rng.uniform(4, 28)) * np.sin(theta)
            img += rng.uniform(-0.8, 0.8) * np.tanh(d / rng.uniform(0.5, 3.0))
        img += rng.normal(0, 0.03, size=img.shape)
        lo, hi = img.min(), img.max()
        out[i] = np.round(255 * (img - lo) / (hi - lo + 1e-8)).astype(np.uint8).reshape(-1)
    return out


class Episodes:
    """Draws one episode: inputs, which units are clamped at each step, the target image."""

    def __init__(self, args, images, rng):
        self.args, self.images, self.rng = args, images, rng
        self.n = PIXELS + 1
        self.steps = episode_steps(args)[1]

    def __call__(self):
        a, rng = self.args, self.rng
        picks = rng.integers(self.images.shape[0], size=a.nb_patterns)
        imgs = self.images[picks].astype(np.float32)
        imgs -= imgs.mean(axis=1, keepdims=True)
        imgs /= 1e-8 + np.abs(imgs).max(axis=1, keepdims=True)
        target = imgs[rng.integers(a.nb_patterns)].copy()
        kept = np.ones(PIXELS, dtype=np.float32)
        kept[PIXELS // 2 :] = 0.0          # the top half shown ...
        if rng.random() < 0.5:
            kept = 1.0 - kept              # ... or the bottom half
        u = torch.from_numpy(present(a, imgs, target * kept, self.n, rng))
        return u, u != 0, torch.from_numpy(target)


def forward(w, alpha, eta, u, clamped, clip):
    """One episode (transposed storage); returns the pixel units' activity at the last step."""
    n = w.shape[0]
    x = torch.zeros(n)
    hebb = torch.zeros(n, n)
    for t in range(u.shape[0]):
        free = torch.tanh(torch.mv(torch.addcmul(w, alpha, hebb), x))
        x_new = torch.where(clamped[t, 0], u[t, 0], free)
        hebb = torch.addcmul(hebb * (1.0 - eta), x_new.unsqueeze(1), (eta * x).unsqueeze(0))
        if clip > 0:
            hebb = torch.clamp(hebb, -clip, clip)
        x = x_new
    return x[:PIXELS]


def load_images(a):
    if a.data:
        raw = np.fromfile(a.data, dtype=np.uint8)
        if raw.size == 0 or raw.size % PIXELS:
            sys.exit(f"torch_images.py: --data {a.data}: {raw.size} bytes, expected a multiple of {PIXELS}")
        images = raw.reshape(-1, PIXELS)
        return images, f"file {a.data} ({images.shape[0]} images)"
    t0 = time.perf_counter()
    images = make_synthetic(a.pool, np.random.default_rng(1000 + a.seed))
    return images, f"synthetic blobs/edges ({images.shape[0]} images, {time.perf_counter() - t0:.1f}s to make)"


def main():
    a = parse_args()
    runtime = start_peer(a)
    rng = np.random.default_rng(a.seed)
    images, source = load_images(a)
    episodes = Episodes(a, images, rng)
    n = episodes.n

    # Drawn in the paper's (pre, post) orientation, then stored transposed.
    w = (0.01 * torch.randn(n, n)).t().contiguous().requires_grad_()
    alpha = (0.01 * torch.randn(n, n)).t().contiguous().requires_grad_()
    eta = torch.full((1,), a.eta_init).requires_grad_()
    opt = torch.optim.Adam([w, alpha, eta], lr=a.lr)

    print_header(runtime, f"N={n} steps/episode={episodes.steps} episodes={a.episodes} lr={a.lr} data={source} seed={a.seed}")
    log = WindowLog(a.episodes, a.print_every)
    for ep in range(1, a.episodes + 1):
        u, clamped, target = episodes()
        out = forward(w, alpha, eta, u, clamped, a.clip)
        loss = (out - target).pow(2).sum()
        descend(opt, loss)
        log.add(ep, lambda: f"eta={eta.item():.5f}", loss=loss.item())
    log.finish()
    return 0


if __name__ == "__main__":
    sys.exit(main())
