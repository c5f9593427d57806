"""A plastic RNN in PyTorch, written from the equations, trained for about a minute, recorded with
plastiscope.Recorder and opened in the lab.

The network and task are those of Miconi, Clune & Stanley (2018), binary pattern completion,
at the size of Plastiscope's `patterns --preset bits50`: two random ±1 patterns of 50 bits are
shown (3 steps each, one empty step after each), then one of them with half its bits zeroed;
after 3 steps of the probe the first 50 neurons must output the whole pattern. Only the
plasticity can do it: the patterns are new in every episode.

    x(t)   = tanh(x(t-1) · (W + A ⊙ H(t)) + input(t))          neuron 50 gets a bias of 20
    H(t+1) = (1 - η) H(t) + η x(t-1)ᵀ x(t)
    loss   = Σ_j (x_j(T) - target_j)²   over the 50 pattern bits;  W, A, η learned by Adam

    python3 examples/torch_plastic_rnn.py [--seconds 60] [--out torch_recording.npz]
    build/plastiscope view torch_recording.npz

Needs python3-torch (Debian) and the plastiscope package (PYTHONPATH=build/python after the
set-up). torch's tensors go to the Recorder as they are.
"""
import argparse
import time

import numpy as np
import torch

import plastiscope

BITS, PATTERNS, SHOW, DELAY, PROBE = 50, 2, 3, 1, 3
N = BITS + 1  # the pattern bits and a bias unit
BOOST, DEGRADE = 20.0, 0.5


def episode(gen, batch):
    """Inputs (T, batch, N), targets (batch, BITS) and probes (batch, BITS) of fresh episodes."""
    pats = torch.randint(0, 2, (batch, PATTERNS, BITS), generator=gen).float() * 2 - 1
    which = torch.randint(0, PATTERNS, (batch,), generator=gen)
    target = pats[torch.arange(batch), which]
    keep = (torch.rand(batch, BITS, generator=gen) >= DEGRADE).float()
    probe = target * keep
    steps = []
    for k in range(PATTERNS):
        steps += [pats[:, k]] * SHOW + [torch.zeros(batch, BITS)] * DELAY
    steps += [probe] * PROBE
    u = torch.zeros(len(steps), batch, N)
    u[:, :, :BITS] = BOOST * torch.stack(steps)
    u[:, :, BITS] = BOOST  # the bias unit
    return u, target, probe


class PlasticRNN(torch.nn.Module):
    def __init__(self, n):
        super().__init__()
        self.W = torch.nn.Parameter(0.01 * torch.randn(n, n))
        self.A = torch.nn.Parameter(0.01 * torch.randn(n, n))
        self.eta = torch.nn.Parameter(torch.tensor(0.01))

    def forward(self, u, rec=None):
        T, B, n = u.shape
        x = torch.zeros(B, n)
        H = torch.zeros(B, n, n)
        for t in range(T):
            x_prev = x
            weights = self.W + self.A * H  # (B, n, n): pre x post
            x = torch.tanh(torch.bmm(x_prev.unsqueeze(1), weights).squeeze(1) + u[t])
            if rec is not None:  # episode 0 of the batch, as the lab shows it: H(t) produced x(t)
                rec.add_step(x=x[0], inputs=u[t, 0], views={"H": H[0], "W+A*H": weights[0]},
                             images={"output x(t)": x[0, :BITS].reshape(5, 10)},
                             scalars={"eta": self.eta})
            H = (1 - self.eta) * H + self.eta * torch.bmm(x_prev.unsqueeze(2), x.unsqueeze(1))
        return x


def wrong_signs(x, target):
    return (torch.sign(x[:, :BITS]) != target).float().mean().item()


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--seconds", type=float, default=60, help="training time (default 60)")
    ap.add_argument("--out", default="torch_recording.npz", help="the recording to write")
    ap.add_argument("--seed", type=int, default=0)
    a = ap.parse_args()
    torch.manual_seed(a.seed)
    torch.set_num_threads(1)
    gen = torch.Generator().manual_seed(a.seed)
    net = PlasticRNN(N)
    opt = torch.optim.Adam(net.parameters(), lr=1e-3)

    test_u, test_target, _ = episode(torch.Generator().manual_seed(12345), 200)
    with torch.no_grad():
        before = wrong_signs(net(test_u), test_target)
    t0, step, batch = time.time(), 0, 16
    while time.time() - t0 < a.seconds:
        u, target, _ = episode(gen, batch)
        x = net(u)
        loss = ((x[:, :BITS] - target) ** 2).sum(1).mean()
        opt.zero_grad()
        loss.backward()
        opt.step()
        with torch.no_grad():
            net.eta.clamp_(0, 1)
        step += 1
        if step % 200 == 0:
            print(f"step {step} ({step * batch} episodes, {time.time() - t0:.0f} s): loss {loss.item():.3f}, "
                  f"wrong signs {wrong_signs(x, target):.3f}, eta {net.eta.item():.4f}", flush=True)
    with torch.no_grad():
        after = wrong_signs(net(test_u), test_target)
    print(f"trained {step} steps of {batch} episodes in {time.time() - t0:.0f} s: wrong-sign fraction on 200 "
          f"held-out episodes {before:.3f} -> {after:.3f}")

    # one episode, recorded step by step with its parameters
    u, target, probe = episode(torch.Generator().manual_seed(a.seed + 1), 1)
    rec = plastiscope.Recorder(task="torch-plastic-rnn", config={"bits": BITS, "patterns": PATTERNS, "lr": 1e-3},
                               seed=a.seed + 1)
    with torch.no_grad():
        x = net(u, rec)
    rec.params(W=net.W, A=net.A, eta=net.eta.reshape(1, 1))
    rec.target(target[0])
    rec.info(rule="hebb", bias_value=BOOST)
    for k in range(PATTERNS):
        rec.mark(k * (SHOW + DELAY) + 1, f"pattern {k + 1}")
    rec.mark(PATTERNS * (SHOW + DELAY) + 1, "probe")
    rec.save(a.out)
    print(f"wrote {a.out}: {rec.steps} steps, final wrong-sign fraction {wrong_signs(x, target):.2f}")
    print(f"open it in the lab: build/plastiscope view {a.out}")
    return before, after


if __name__ == "__main__":
    main()
