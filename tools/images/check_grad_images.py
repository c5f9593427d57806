#!/usr/bin/python3
"""Checks a `plastiscope grad` dump of the images task with an independent numpy model.

Re-implements the clamped plastic network (docs/science.md §1; DP 2018 images experiment) from the
dumped inputs and parameters in float64: a unit whose input is nonzero outputs that input, the
others tanh(x(t-1) (W + A*H(t))); the last unit is the bias, clamped to info/bias_value; plain
Hebb H(t+1) = (1-eta) H(t) + eta x(t-1)^T x(t) (or Oja). It checks that this gives the dumped
loss (sum of squared errors of the pixel units at the last step), then compares the dumped
analytic gradient with fourth-order central finite differences on up to K entries of every parameter.

    build/plastiscope grad --task images --preset quick --seed 3 --out g.npz prestime=4 cycles=2
    /usr/bin/python3 tools/images/check_grad_images.py g.npz [K]
Exit 0 when every checked entry agrees (corrected relative error < 1e-4), 1 otherwise.
"""
import sys
import numpy as np


def loss(d, p):
    u = d["inputs"]                      # (T, n): 0 = free unit; the bias column is the net's
    target = d["target"][0]              # (S,) pixel units
    S = target.shape[0]
    W = p["W"]
    n = W.shape[0]
    A = p.get("A", np.zeros((1, 1)))
    eta = p["eta"].reshape(-1)
    bias = float(d["info/bias_value"])
    oja = bytes(d["info/rule"]).decode() == "oja"
    x = np.zeros(n)
    H = np.zeros((n, n))
    for t in range(u.shape[0]):
        y = np.tanh(x @ (W + A * H))
        clamp = u[t] != 0
        y[clamp] = u[t][clamp]
        y[n - 1] = bias
        if oja:
            H = H + eta * y * (x[:, None] - H * y)
        else:
            H = (1 - eta) * H + eta * np.outer(x, y)
        x = y
    return float(np.sum((x[:S] - target) ** 2))


def main():
    d = dict(np.load(sys.argv[1]))
    k = int(sys.argv[2]) if len(sys.argv) > 2 else 12
    if bytes(d.get("info/input_mode", b"")).decode() != "clamp":
        print("not an images-task dump (info/input_mode != clamp)")
        return 2
    p = {key[6:]: d[key].astype(np.float64) for key in d if key.startswith("param/")}
    L = loss(d, p)
    ok = abs(L - float(d["loss"])) <= 1e-9 * max(1.0, abs(L))
    print(f"loss: numpy {L:.12g}, dump {float(d['loss']):.12g} -> {'OK' if ok else 'MISMATCH'}")
    rng = np.random.default_rng(0)
    worst = 0.0
    for name in sorted(k[5:] for k in d if k.startswith("grad/")):
        g = d["grad/" + name]
        flat = np.abs(g).reshape(-1)
        # The largest analytic entries and a few random ones.
        idx = list(np.argsort(flat)[-k // 2:]) + list(rng.integers(flat.size, size=k - k // 2))
        for i in sorted(set(int(j) for j in idx)):
            h = 1e-5 * max(1.0, abs(p[name].reshape(-1)[i]))
            # Fourth-order central differences: the Oja rule at a large eta is curved enough for
            # the two-point stencil's h^2 error to show at h = 1e-5.
            def at(off):
                q = {kk: v.copy() for kk, v in p.items()}
                q[name].reshape(-1)[i] += off
                return loss(d, q)
            num = (8 * (at(h) - at(-h)) - (at(2 * h) - at(-2 * h))) / (12 * h)
            ana = float(g.reshape(-1)[i])
            rel = abs(ana - num) / max(abs(ana), abs(num), 1e-8)
            if max(abs(ana), abs(num)) < 1e-7:
                rel = 0.0   # both zero (e.g. a connection from a unit that never moves)
            worst = max(worst, rel)
            if rel > 1e-4:
                print(f"  {name}[{i}]: analytic {ana:.9g} numeric {num:.9g} rel {rel:.3g}")
        print(f"{name}: {len(set(idx))} entries checked, worst relative error so far {worst:.3g}")
    nonzero = all(np.any(d["grad/" + n] != 0) for n in (k[5:] for k in d if k.startswith("grad/")))
    ok = ok and worst < 1e-4 and nonzero
    print("OK" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
