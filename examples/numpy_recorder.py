"""A plastic RNN in a few lines of numpy, recorded step by step and opened in the lab.

The network is the differentiable-plasticity RNN of Miconi et al. (2018) with no training at
all: W = 0 and A = 1/N, so its weights are only its (scaled) Hebbian trace,

    x(t)   = tanh(x(t-1) · (W + A ⊙ H(t)) + input(t))
    H(t+1) = (1 - η) H(t) + η x(t-1)ᵀ x(t)

It is shown two random ±1 patterns, then half of the first one (the rest zeroed), and completes
it from what the trace stored, although the second pattern was the last it saw: a Hopfield-like
memory made of plasticity alone. The recording
holds x, the inputs, the views H and W+A*H, the patterns and the output as images, the error as
a scalar, marks for each phase, and the parameters.

    python3 examples/numpy_recorder.py [FILE.npz]     (default numpy_recording.npz)
    build/plastiscope view FILE.npz                   (the lab plays it back)

Needs numpy and the plastiscope package (PYTHONPATH=build/python after the set-up) for its
Recorder only; everything else is numpy.
"""
import sys

import numpy as np

import plastiscope

N, PATTERNS, SHOW, GAP, PROBE = 36, 2, 4, 2, 6  # neurons, patterns, steps shown, pause, probe steps
ETA, BOOST = 0.05, 3.0  # plasticity rate, input gain


def main(path):
    rng = np.random.default_rng(4)
    patterns = rng.choice([-1.0, 1.0], size=(PATTERNS, N))
    target = patterns[0]
    probe = target * (rng.permutation(N) < N // 2)  # half of the bits zeroed
    W, A = np.zeros((N, N)), np.full((N, N), 1.0 / N)

    rec = plastiscope.Recorder(task="numpy-hebbian-memory", config={"n": N, "eta": ETA, "input_boost": BOOST})
    rec.params(W=W, A=A, eta=np.array([[ETA]]))
    rec.target(target)
    rec.info(rule="hebb")

    # the episode's inputs: each pattern, a pause after it, then the probe
    inputs = []
    for k, p in enumerate(patterns):
        rec.mark(len(inputs) + 1, f"pattern {k + 1}")
        inputs += [BOOST * p] * SHOW + [np.zeros(N)] * GAP
    rec.mark(len(inputs) + 1, "probe")
    inputs += [BOOST * probe] * PROBE

    x, H = np.zeros(N), np.zeros((N, N))
    side = int(np.ceil(np.sqrt(N)))
    image = lambda v: np.pad(v, (0, side * side - N)).reshape(side, side)  # noqa: E731
    for t, u in enumerate(inputs, start=1):
        x_prev = x
        x = np.tanh(x_prev @ (W + A * H) + u)
        # the view of step t is the trace that produced x(t); the update makes H(t+1)
        rec.add_step(x=x, inputs=u, views={"H": H, "W+A*H": W + A * H},
                     images={"output x(t)": image(x), "target": image(target), "probe": image(probe)},
                     scalars={"wrong-sign fraction": np.mean(np.sign(x) != target)})
        H = (1 - ETA) * H + ETA * np.outer(x_prev, x)

    rec.save(path)
    hidden = probe == 0
    wrong = np.mean(np.sign(x[hidden]) != target[hidden])
    print(f"wrote {path}: {rec.steps} steps of {N} neurons; the probe hid {hidden.sum()} bits, "
          f"{wrong:.0%} of them wrong at the end")
    print(f"open it in the lab: build/plastiscope view {path}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "numpy_recording.npz")
