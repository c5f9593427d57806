#!/usr/bin/python3
"""Checks a `plastiscope grad` dump of the patterns task with an independent numpy model.

Re-implements the plastic network's forward pass (docs/science.md §1) from the dumped inputs and
parameters in float64, checks that it gives the dumped loss, then compares the dumped analytic
gradient with central finite differences on up to 25 entries of every parameter.

    build/plastiscope grad --task patterns --preset bits50 --seed 3 --out g.npz
    /usr/bin/python3 tools/check_grad.py g.npz
"""
import sys
import numpy as np


def forward(d, p):
    u = d["inputs"]                      # (T, n), bias excluded
    target = d["target"][0]              # (S,)
    S = target.shape[0]
    W = p["W"]
    n = W.shape[0]
    A = p.get("A", np.zeros((1, 1)))     # (n, n) or (1, 1): broadcasts
    eta = p["eta"].reshape(-1)           # (1,) or (n,)
    bias = float(d["info/bias_value"])
    oja = bytes(d["info/rule"]).decode() == "oja"
    plastic = "A" in p
    x = np.zeros(n)
    H = np.zeros((n, n))
    for t in range(u.shape[0]):
        a = x @ (W + A * H) + u[t]
        a[n - 1] += bias
        y = np.tanh(a)
        if plastic:
            c = 1 - eta * y * y if oja else 1 - eta
            H = H * c + np.outer(x, eta * y)
        x = y
    return float(np.sum((x[:S] - target) ** 2))


def main(path):
    d = dict(np.load(path))
    p = {k[len("param/"):]: d[k].astype(np.float64) for k in d if k.startswith("param/")}
    grads = {k[len("grad/"):]: d[k] for k in d if k.startswith("grad/")}
    loss = forward(d, p)
    ref = float(d["loss"])
    assert abs(loss - ref) <= 1e-10 * max(1.0, abs(ref)), f"loss {loss} != dumped {ref}"
    rng = np.random.default_rng(0)
    h = 1e-6
    worst = 0.0
    for name, g in grads.items():
        flat = p[name].reshape(-1)
        idx = rng.choice(flat.size, size=min(25, flat.size), replace=False)
        num = []
        for i in idx:
            keep = flat[i]
            flat[i] = keep + h
            lp = forward(d, p)
            flat[i] = keep - h
            lm = forward(d, p)
            flat[i] = keep
            num.append((lp - lm) / (2 * h))
        num = np.array(num)
        ana = g.reshape(-1)[idx]
        # corrected relative error: entries far below the parameter's largest gradient are judged
        # against 1e-3 of it, where finite-difference rounding (~1e-16 * loss / h) dominates
        floor = max(1e-3 * np.abs(g).max(), 1e-8)
        err = np.abs(ana - num) / np.maximum(np.maximum(np.abs(ana), np.abs(num)), floor)
        assert np.any(ana != 0), f"grad/{name} is all zero"
        assert not np.array_equal(ana, num), f"grad/{name} is bit-identical to the numeric one"
        print(f"grad/{name}: {len(idx)} entries, max corrected relative error {err.max():.2e}")
        worst = max(worst, err.max())
    assert worst < 1e-5, f"gradient mismatch: {worst:.2e}"
    print(f"ok: loss {loss:.10g} matches; worst relative error {worst:.2e}")


if __name__ == "__main__":
    main(sys.argv[1])
