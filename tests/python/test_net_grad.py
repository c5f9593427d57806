"""PlasticNet.backward against central finite differences, in double precision, for every
combination of rule, alpha, eta and input mode, with a learned bias, a bias unit and both
memory modes: every trained parameter's gradient within a relative error of 1e-6 of the
numeric one; each analytic gradient non-zero and not bit-identical to the numeric one (so the
check cannot pass by comparing a thing with itself or with zeros).

The loss is L = sum_t sum_j c[t, j] x_j(t) over a batch of two episodes, so dL/dx(t) = c[t]
and any error in any step's backward shows.
"""
import itertools

import numpy as np

import plastiscope as ps

T, N, K, B = 9, 6, 4, 2
rng = np.random.default_rng(7)


def run(net, us):
    net.begin(B, T)
    xs = [net.step(u) for u in us]
    return np.stack(xs)  # (T, B, N)


def check(rule, alpha, eta, inp, memory):
    kw = dict(rule=rule, alpha=alpha, eta=eta, input=inp, memory=memory, dtype="float64", seed=3,
              w_init=0.4, a_init=0.4, eta_init=0.2)
    if inp == "linear":
        kw["k"] = K
    else:
        kw["learn_bias"] = True
        kw["bias_unit"] = True
        kw["bias_value"] = 0.7
    net = ps.PlasticNet(N, **kw)
    width = net.input_width
    us = rng.normal(size=(T, B, width))
    if inp == "clamp":  # clamp only the first two neurons, at half of the steps
        us[:, :, 2:] = 0
        us[1::2] = 0
    c = rng.normal(size=(T, B, N))
    params = net.params
    # a per-neuron eta or shared alpha starts uniform: spread it so that every entry matters
    if "eta" in params and params["eta"].size > 1:
        params["eta"][:] = rng.uniform(0.05, 0.4, size=params["eta"].shape)
    if "b" in params:
        params["b"][:] = rng.normal(scale=0.3, size=params["b"].shape)

    def loss():
        return float(np.sum(c * run(net, us)))

    loss()
    grads = net.backward(c)
    assert sorted(grads) == sorted(net.trained), (grads.keys(), net.trained)
    worst = 0.0
    for name in net.trained:
        p = params[name]
        g = grads[name]
        assert g.shape == p.shape, f"{name}: gradient shape {g.shape} vs {p.shape}"
        # up to 12 entries of each parameter, spread over the matrix
        idx = list(itertools.product(range(p.shape[0]), range(p.shape[1])))
        pick = [idx[i] for i in rng.choice(len(idx), size=min(12, len(idx)), replace=False)]
        num = np.zeros(len(pick))
        ana = np.array([g[i, j] for i, j in pick])
        for k, (i, j) in enumerate(pick):
            old = p[i, j]
            h = 1e-6 * max(1.0, abs(old))
            p[i, j] = old + h
            lp = loss()
            p[i, j] = old - h
            lm = loss()
            p[i, j] = old
            num[k] = (lp - lm) / (2 * h)
        err = np.max(np.abs(ana - num)) / max(1e-3, np.max(np.abs(num)))
        worst = max(worst, err)
        tag = f"rule={rule} alpha={alpha} eta={eta} input={inp} memory={memory}: {name}"
        assert err < 1e-6, f"{tag}: relative error {err:.3g} (analytic {ana[:3]}, numeric {num[:3]})"
        assert np.max(np.abs(ana)) > 1e-8, f"{tag}: the analytic gradient is zero"
        assert not np.array_equal(ana, num), f"{tag}: analytic and numeric gradients are bit-identical"
    return worst


worst, cases = 0.0, 0
for rule, alpha, eta, inp in itertools.product(["hebb", "oja"], ["independent", "shared", "none"],
                                               ["scalar", "per-neuron", "fixed"], ["add", "clamp", "linear"]):
    if alpha == "none" and eta != "scalar":
        continue  # eta is not used without plasticity
    for memory in (["recompute", "store-all"] if (eta, inp) == ("scalar", "add") else ["recompute"]):
        worst = max(worst, check(rule, alpha, eta, inp, memory))
        cases += 1
print(f"ok {cases} configurations, worst relative error {worst:.2e}")

# float32 (the engine's training precision): the same gradients within float rounding
f64 = ps.PlasticNet(N, dtype="float64", seed=1, w_init=0.4, a_init=0.4, eta_init=0.2)
f32 = ps.PlasticNet(N, dtype="float32", seed=1, w_init=0.4, a_init=0.4, eta_init=0.2)
for name in f64.params:
    f32.params[name][:] = f64.params[name]
us = rng.normal(size=(T, B, N))
c = rng.normal(size=(T, B, N))
x64, x32 = run(f64, us), run(f32, us.astype(np.float32))
assert x32.dtype == np.float32 and np.max(np.abs(x64 - x32)) < 1e-5
g64, g32 = f64.backward(c), f32.backward(c.astype(np.float32))
for name in g64:
    rel = np.max(np.abs(g64[name] - g32[name])) / np.max(np.abs(g64[name]))
    assert rel < 1e-4, f"float32 {name}: relative difference {rel:.3g} from float64"
print("ok float32 matches float64 within rounding")
