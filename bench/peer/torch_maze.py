#!/usr/bin/python3
"""PyTorch peer: the DP 2018 maze agent (plastic recurrent network + A2C), for speed comparison.

Re-implemented from the equations of Miconi, Clune & Stanley (ICML 2018) and the
defaults of the maze experiment, the same agent as Plastiscope's `maze` task
(engine/tasks/maze.cpp, docs/maze.md):

  maze: size x size, border walls, pillars at (even, even), centre cleared;
        reward cell random (not the centre), +10 then teleport to a random free
        cell; -0.1 for a move into a wall; T = 250 steps; start in the centre.
  input (16): 3x3 walls, bias, t/T, previous reward, previous action one-hot
  a(t)   = u(t) Win + b + x(t-1) (W + A * H(t));  x(t) = tanh(a(t))
  H(t+1) = H(t) + eta * x(t) * (x(t-1)^T - H(t) * x(t))     (Oja, column-wise)
  policy = softmax(x Wp + bp), value = x Wv + bv
  A2C: R(t) = r(t) + gamma R(t+1) (gamma 0.9); loss per step
       -log pi(a) * (R - v).detach() + 0.03 (R - v)^2 + 0.1 sum pi^2,
       mean over the batch and the steps; Adam (lr 1e-4).

B episodes run as one batch (bmm over the per-episode traces); autograd does
BPTT through the whole episode including the traces.  The environment steps in
numpy, as in the authors' code.  Prints one line per --print-every episodes and
finally  episodes_per_s=<float> final_reward=<float>  (final_reward: mean reward
per episode over the last --print-every episodes).
"""
import sys
import time

import numpy as np
import torch

from peer_runtime import add_plain_flags, peer_parser, start_peer


def parse_args():
    p = peer_parser(__doc__, threads=1, episodes=400, episodes_help="training episodes (rounded up to whole batches)")
    p.add_argument("--batch", type=int, default=8, help="episodes per A2C update")
    add_plain_flags(p, print_every=80, lr=1e-4, hidden=200, size=9, steps=250)
    p.add_argument("--alpha", choices=["independent", "shared", "none"], default="independent")
    return p.parse_args()


class Mazes:
    """B independent mazes stepped in numpy."""

    def __init__(self, size, steps, batch, rng):
        self.n, self.T, self.B, self.rng = size, steps, batch, rng
        lab = np.zeros((size, size), dtype=np.int8)
        lab[0, :] = lab[-1, :] = lab[:, 0] = lab[:, -1] = 1
        lab[::2, ::2] = 1
        c = size // 2
        lab[c, c] = 0
        self.lab = lab
        self.free = [(r, q) for r in range(size) for q in range(size) if lab[r, q] == 0]

    def reset(self):
        c = self.n // 2
        self.pos = np.full((self.B, 2), c)
        self.rpos = np.zeros((self.B, 2), dtype=int)
        for e in range(self.B):
            while True:
                cell = self.free[self.rng.integers(len(self.free))]
                if cell != (c, c):
                    break
            self.rpos[e] = cell
        self.prev_a = np.full(self.B, -1)
        self.prev_r = np.zeros(self.B)

    def observe(self, t):
        obs = np.zeros((self.B, 16), dtype=np.float32)
        for e in range(self.B):
            r, q = self.pos[e]
            obs[e, :9] = self.lab[r - 1:r + 2, q - 1:q + 2].reshape(-1)
            if self.prev_a[e] >= 0:
                obs[e, 12 + self.prev_a[e]] = 1
        obs[:, 9] = 1
        obs[:, 10] = t / self.T
        obs[:, 11] = self.prev_r
        return obs

    def step(self, actions):
        dr, dq = np.array([-1, 0, 1, 0]), np.array([0, 1, 0, -1])
        rew = np.zeros(self.B)
        for e in range(self.B):
            a = actions[e]
            r, q = self.pos[e, 0] + dr[a], self.pos[e, 1] + dq[a]
            if self.lab[r, q]:
                rew[e] -= 0.1
            else:
                self.pos[e] = (r, q)
            if tuple(self.pos[e]) == tuple(self.rpos[e]):
                rew[e] += 10
                while True:
                    cell = self.free[self.rng.integers(len(self.free))]
                    if cell != tuple(self.rpos[e]):
                        break
                self.pos[e] = cell
        self.prev_a = np.asarray(actions)
        self.prev_r = rew
        return rew


def main():
    a = parse_args()
    rt = start_peer(a)
    rng = np.random.default_rng(a.seed)
    N, K, B, T = a.hidden, 16, a.batch, a.steps
    Win = ((torch.rand(K, N) * 2 - 1) / K ** 0.5).requires_grad_()
    b = ((torch.rand(N) * 2 - 1) / K ** 0.5).requires_grad_()
    W = (torch.randn(N, N) / N ** 0.5).requires_grad_()
    params = [Win, b, W]
    if a.alpha == "independent":
        A = (0.01 * torch.rand(N, N)).requires_grad_()
    elif a.alpha == "shared":
        A = (0.01 * torch.rand(1)).requires_grad_()
    else:
        A = None
    eta = torch.full((1,), 0.01).requires_grad_() if A is not None else None
    if A is not None:
        params += [A, eta]
    Wp = ((torch.rand(N, 4) * 2 - 1) / N ** 0.5).requires_grad_()
    bp = ((torch.rand(4) * 2 - 1) / N ** 0.5).requires_grad_()
    Wv = ((torch.rand(N, 1) * 2 - 1) / N ** 0.5).requires_grad_()
    bv = ((torch.rand(1) * 2 - 1) / N ** 0.5).requires_grad_()
    params += [Wp, bp, Wv, bv]
    opt = torch.optim.Adam(params, lr=a.lr)
    mazes = Mazes(a.size, T, B, rng)
    n_updates = (a.episodes + B - 1) // B
    print(f"# torch {torch.__version__} threads={torch.get_num_threads()} N={N} T={T} batch={B} size={a.size} "
          f"alpha={a.alpha} episodes={n_updates * B} lr={a.lr} seed={a.seed}", flush=True)
    print(f"# {rt}", flush=True)
    t_start = time.perf_counter()
    win_r, win_n, last_r = 0.0, 0, float("nan")
    for upd in range(1, n_updates + 1):
        mazes.reset()
        x = torch.zeros(B, N)
        H = torch.zeros(B, N, N) if A is not None else None
        logps, vals, p2s, rews = [], [], [], []
        for t in range(T):
            u = torch.from_numpy(mazes.observe(t))
            pre = torch.addmm(b, u, Win) + x @ W
            if A is not None:
                pre = pre + torch.bmm(x.unsqueeze(1), A * H).squeeze(1)
            y = torch.tanh(pre)
            if A is not None:
                # Oja: H_ij += eta y_j (x_i - H_ij y_j)
                H = H + eta * y.unsqueeze(1) * (x.unsqueeze(2) - H * y.unsqueeze(1))
            x = y
            logits = x @ Wp + bp
            v = (x @ Wv + bv).squeeze(1)
            pi = torch.softmax(logits, dim=1)
            act = torch.multinomial(pi.detach(), 1).squeeze(1)
            logps.append(torch.log_softmax(logits, dim=1).gather(1, act.unsqueeze(1)).squeeze(1))
            vals.append(v)
            p2s.append((pi * pi).sum(1))
            rews.append(mazes.step(act.numpy()))
        R = np.zeros(B)
        loss = 0.0
        for t in reversed(range(T)):
            R = rews[t] + 0.9 * R
            Rt = torch.from_numpy(R.astype(np.float32))
            adv = Rt - vals[t]
            loss = loss - (logps[t] * adv.detach()).sum() + 0.03 * adv.pow(2).sum() + 0.1 * p2s[t].sum()
        loss = loss / (B * T)
        opt.zero_grad(set_to_none=True)
        loss.backward()
        opt.step()
        if eta is not None:
            with torch.no_grad():
                eta.clamp_(0, 1)
        ep_reward = float(np.sum(rews)) / B
        win_r += ep_reward * B
        win_n += B
        if win_n >= a.print_every or upd == n_updates:
            last_r = win_r / win_n
            el = time.perf_counter() - t_start
            print(f"episode={upd * B} mean_reward={last_r:.3f} elapsed_s={el:.1f} episodes_per_s={upd * B / el:.3f}", flush=True)
            win_r, win_n = 0.0, 0
    wall = time.perf_counter() - t_start
    print(f"# wall_s={wall:.2f} s_per_episode={wall / (n_updates * B):.4f}")
    print(f"episodes_per_s={n_updates * B / wall:.5f} final_reward={last_r:.4f}", flush=True)


if __name__ == "__main__":
    sys.exit(main())
