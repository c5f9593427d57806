#!/usr/bin/python3
"""PyTorch peer of the live step: one timestep of an N-unit plastic network, no gradient.

The reference for Plastiscope's `step()` (bench/bench_engine.cpp, "step(), N=..."): batch 1,

    x'  = tanh( x (W + alpha * H) + u(t) ),      H <- (1 - eta) H + eta x^T x'

--mode inplace (default) is the peer at its fastest: preallocated buffers, three passes over the
N x N data per step (M = W + alpha * H; a BLAS gemv of M^T with x; H updated in place by addr_).
A one-row addmm would go through sgemm, 5-8x slower than the gemv with OpenBLAS 0.3.21.
--mode functional is the allocating expression a training loop would use; --mode official the
plain op sequence (w + alpha * hebb, mm, a bmm outer product).

Each of --repeats timed runs makes --steps steps after --warmup untimed ones; every run is
printed, then `steps_per_s=<best run>` (the line bench/bench_engine.cpp reads).
"""
import statistics
import sys
import time

import torch

from peer_runtime import add_plain_flags, peer_parser, start_peer


def parse_args():
    p = peer_parser(__doc__, threads=2)
    p.add_argument("--n", type=int, default=1024, help="number of units")
    p.add_argument("--steps", type=int, default=1000, help="timed steps per run")
    add_plain_flags(p, warmup=50, repeats=3, eta=0.01)
    p.add_argument("--mode", choices=["inplace", "functional", "official"], default="inplace")
    return p.parse_args()


def make_runner(a):
    n, eta = a.n, a.eta
    w = 0.01 * torch.randn(n, n)
    alpha = 0.01 * torch.randn(n, n)
    inputs = torch.randn(64, 1, n)   # cycled; their values do not change the cost

    def run(steps):
        """Makes `steps` steps from a zero state; returns the seconds taken and a checksum."""
        x = torch.zeros(1, n)
        hebb = torch.zeros(n, n)
        with torch.no_grad():
            start = time.perf_counter()
            if a.mode == "inplace":
                m = torch.empty(n, n)
                cur, nxt = torch.zeros(n), torch.empty(n)
                for t in range(steps):
                    torch.addcmul(w, alpha, hebb, out=m)
                    torch.addmv(inputs[t & 63, 0], m.t(), cur, out=nxt)
                    nxt.tanh_()
                    hebb.addr_(cur, nxt, beta=1.0 - eta, alpha=eta)
                    cur, nxt = nxt, cur
                x = cur.unsqueeze(0)
            elif a.mode == "functional":
                for t in range(steps):
                    x_new = torch.tanh(torch.addmm(inputs[t & 63], x, torch.addcmul(w, alpha, hebb)))
                    hebb = torch.addcmul(hebb * (1.0 - eta), (eta * x).t(), x_new)
                    x = x_new
            else:
                for t in range(steps):
                    x_new = torch.tanh(x.mm(w + alpha * hebb) + inputs[t & 63])
                    hebb = (1.0 - eta) * hebb + eta * torch.bmm(x.unsqueeze(2), x_new.unsqueeze(1))[0]
                    x = x_new
            seconds = time.perf_counter() - start
        return seconds, float(x.abs().sum())

    return run


def main():
    a = parse_args()
    runtime = start_peer(a)
    run = make_runner(a)
    print(f"# torch {torch.__version__} {runtime}", flush=True)
    run(a.warmup)
    rates = []
    for r in range(a.repeats):
        seconds, check = run(a.steps)
        rates.append(a.steps / seconds)
        print(f"# run={r} n={a.n} steps={a.steps} mode={a.mode} threads={torch.get_num_threads()} "
              f"wall_s={seconds:.4f} us_per_step={1e6 * seconds / a.steps:.1f} steps_per_s={rates[-1]:.2f} "
              f"check={check:.4f}", flush=True)
    print(f"# min={min(rates):.2f} median={statistics.median(rates):.2f} max={max(rates):.2f} steps/s")
    print(f"steps_per_s={max(rates):.3f}", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
