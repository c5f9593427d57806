#!/usr/bin/python3
"""Independent check of an FLP gradient dump (`plastiscope grad --task flp-sine|flp-classify ...`).

Re-implements the FLP / OML inner loop of docs/science.md §4 in numpy (float64) straight from the
equations, recomputes the query loss from the dumped inputs and parameters, and compares the
dumped exact gradients with central differences of this independent forward pass on a random
sample of elements of every parameter (fourth-order central differences). Exit code 0 if the
loss matches to 1e-9 (relative) and every sampled gradient element to 1e-5 (corrected relative
error |a - n| / max(|a|, |n|, 1e-4)), else 1.

usage: tools/flp_check_grad.py DUMP.npz [--samples N]
"""
import json
import sys

import numpy as np


def load(path):
    d = np.load(path)
    cfg = json.loads(bytes(d["meta/config"]).decode())
    params = {k[6:]: d[k].astype(np.float64) for k in d.files if k.startswith("param/")}
    grads = {k[5:]: d[k].astype(np.float64) for k in d.files if k.startswith("grad/")}
    ep = {k[6:]: d[k] for k in d.files if k.startswith("input/")}
    return cfg, params, grads, ep, float(d["loss"])


def relu(a):
    return np.maximum(a, 0.0)


def loss_fn(kind, yh, y):
    if kind == "mse":
        return float(np.mean((yh - y) ** 2))
    z = yh - yh.max(axis=1, keepdims=True)
    logp = z - np.log(np.exp(z).sum(axis=1, keepdims=True))
    return float(-(y * logp).sum(axis=1).mean())


def query_loss(cfg, p, ep):
    """The episode of docs/science.md §4: representation layers fixed, head layers learn in the inner loop."""
    learner = cfg["learner"]
    kind = "xent" if "ways" in cfg else "mse"
    L = cfg["rep_layers"] + cfg["head_layers"]
    n_head = L if learner == "sgd" else cfg["head_layers"]
    F = L - n_head
    W = [p["W%d" % (i + 1)] for i in range(L)]
    b = [p["b%d" % (i + 1)][None, :] if p["b%d" % (i + 1)].ndim == 1 else p["b%d" % (i + 1)] for i in range(L)]

    def rep(X):
        for i in range(F):
            X = relu(X @ W[i].T + b[i])
        return X

    def head(X, Ws, bs):
        xs = [X]
        for h in range(n_head):
            a = xs[-1] @ Ws[h].T + bs[h]
            xs.append(a if h == n_head - 1 else relu(a))
        return xs

    Ws = [W[F + h].copy() for h in range(n_head)]
    bs = [b[F + h].copy() for h in range(n_head)]
    H = rep(ep["X"])
    start = ep["start"]
    for t in range(len(start) - 1):
        Ht, Yt = H[start[t]:start[t + 1]], ep["Y"][start[t]:start[t + 1]]
        xs = head(Ht, Ws, bs)
        if learner == "flp":
            S = Yt - xs[-1] if kind == "mse" else Yt
            new = []
            for h in range(n_head):
                l = F + h + 1
                if kind == "xent" and h == n_head - 1:
                    xt = Yt                                      # clamped output: x~ = onehot
                else:
                    f = relu(S @ p["B%d" % l].T + p["c%d" % l].reshape(1, -1))
                    beta = float(p["beta%d" % l].reshape(-1)[0])
                    xt = beta * f + (1 - beta) * xs[h + 1]
                P = p["P"] if "P" in p else p["P%d" % l]
                P = P.reshape(-1, 1) if P.ndim == 1 else P      # per neuron: column
                D = xt.T @ xs[h] - (xt ** 2).sum(axis=0)[:, None] * Ws[h]
                new.append(Ws[h] + P * D)
            Ws = new
        else:
            # SGD on the head: backprop of the minibatch loss
            m, n = xs[-1].shape
            g = 2 * (xs[-1] - Yt) / (m * n) if kind == "mse" else \
                (np.exp(xs[-1] - xs[-1].max(1, keepdims=True)) / np.exp(xs[-1] - xs[-1].max(1, keepdims=True)).sum(1, keepdims=True) - Yt) / m
            lr = float(p["lr"].reshape(-1)[0]) if "lr" in p else cfg["inner_lr"]
            gW, gb = [None] * n_head, [None] * n_head
            for h in reversed(range(n_head)):
                if h < n_head - 1:
                    g = g * (xs[h + 1] > 0)
                gW[h], gb[h] = g.T @ xs[h], g.sum(axis=0, keepdims=True)
                g = g @ Ws[h]
            Ws = [Ws[h] - lr * gW[h] for h in range(n_head)]
            bs = [bs[h] - lr * gb[h] for h in range(n_head)]
    return loss_fn(kind, head(rep(ep["Xq"]), Ws, bs)[-1], ep["Yq"])


def main():
    if len(sys.argv) < 2:
        print(__doc__)
        return 2
    samples = int(sys.argv[sys.argv.index("--samples") + 1]) if "--samples" in sys.argv else 6
    cfg, p, g, ep, loss = load(sys.argv[1])
    for k in ("learner", "rep_layers", "head_layers"):
        if k not in cfg:
            print("flp_check_grad: %s is not an FLP dump (no '%s' in meta/config)" % (sys.argv[1], k))
            return 1
    cfg["learner"] = ["flp", "oml", "sgd"][int(cfg["learner"])] if str(cfg["learner"]).isdigit() else cfg["learner"]
    ok = True
    l0 = query_loss(cfg, p, ep)
    rel = abs(l0 - loss) / max(abs(loss), 1e-12)
    print("loss: dump %.12g, numpy %.12g, relative difference %.2e" % (loss, l0, rel))
    ok &= rel < 1e-9
    rng = np.random.default_rng(0)
    for name in sorted(g):
        worst = 0.0
        flat = p[name].reshape(-1)
        for idx in rng.choice(flat.size, size=min(samples, flat.size), replace=False):
            v = flat[idx]
            an = g[name].reshape(-1)[idx]
            # Step relative to the value (the loss is very curved in a tiny plasticity rate that
            # scales every inner update), tried at two sizes: ReLU masks make the unrolled loss
            # piecewise smooth, and a stencil that straddles a mask flip is wrong at that size only.
            err = float("inf")
            for h in (1e-5 * max(abs(v), 0.1), 1e-6 * max(abs(v), 0.1)):
                vals = []
                for d in (h, -h, 2 * h, -2 * h):
                    flat[idx] = v + d
                    vals.append(query_loss(cfg, p, ep))
                flat[idx] = v
                num = (8 * (vals[0] - vals[1]) - (vals[2] - vals[3])) / (12 * h)
                err = min(err, abs(an - num) / max(abs(an), abs(num), 1e-4))
            worst = max(worst, err)
        print("  %-8s max corrected relative error %.2e over %d elements" % (name, worst, min(samples, flat.size)))
        ok &= worst < 1e-5
    print("OK" if ok else "MISMATCH")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
