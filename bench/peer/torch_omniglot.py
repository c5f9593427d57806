#!/usr/bin/python3
"""PyTorch peer of the omniglot task: the same network and episode, for a speed comparison.

Network (Miconi, Clune & Stanley 2018, section 4.3): 4 conv layers 3x3, stride 2, 64 channels,
tanh (31 -> 15 -> 7 -> 3 -> 1), then a plastic 64 -> N layer with Oja's rule:
    a(t) = x(t) (w + alpha * H(t)) + 1000 onehot(label(t))   (support steps; the query has no label)
    y(t) = softmax(a(t))
    H(t+1) = H(t) + eta * (x(t)^T - H(t) * y(t)) * y(t)     (column-wise decay)
Loss: cross-entropy of the query. Adam, batch of B episodes (all their images through the
convs at once, the plastic layer batched with bmm), autograd for the backward pass.

Data: the project's glyph set (assets/glyphs/glyphs.npz, background alphabets, random 90-degree
rotations as new classes), unpacked with numpy; --synthetic uses random images instead.

Prints one line per --report episodes, then  ms_per_episode=<mean over the timed episodes>
(the first --warmup episodes are not timed). Run with Debian's torch: /usr/bin/python3.

--check-grad DUMP.npz instead recomputes, in float64 with autograd, the loss and gradients of a
`plastiscope grad --task omniglot --out DUMP.npz` dump (same parameters, same episode) and prints
the largest relative difference per parameter: an independent check of the hand-written backward.
"""
import json
import os
import sys
import time

import numpy as np
import torch
import torch.nn.functional as F

from peer_runtime import add_plain_flags, peer_parser


def parse_args():
    # the runtime switches are left out: this peer keeps PyTorch's own runtime settings
    p = peer_parser(__doc__, threads=1, episodes=2000, runtime_flags=False)
    p.add_argument("--batch", type=int, default=1, help="episodes per Adam step")
    add_plain_flags(p, ways=5, channels=64, lr=1e-3)
    p.add_argument("--warmup", type=int, default=100, help="untimed episodes at the start")
    add_plain_flags(p, report=500)
    here = os.path.dirname(os.path.abspath(__file__))
    p.add_argument("--data", default=os.path.join(here, "..", "..", "assets", "glyphs", "glyphs.npz"))
    p.add_argument("--synthetic", action="store_true", help="random images instead of the glyph set")
    p.add_argument("--check-grad", metavar="DUMP", help="compare with a plastiscope grad dump and exit")
    return p.parse_args()


def load_glyphs(path):
    """Background-alphabet characters as a float32 array (chars, drawers, 31, 31), ink in [0, 1]."""
    z = np.load(path)
    meta = json.loads(bytes(z["meta"]).decode())
    side, drawers = meta["side"], meta["drawers"]
    packed = z["images"]
    px = np.empty((packed.shape[0], packed.shape[1] * 2), np.uint8)
    px[:, 0::2] = packed & 15
    px[:, 1::2] = packed >> 4
    img = px[:, : side * side].reshape(-1, drawers, side, side).astype(np.float32) / 15.0
    bg = z["alphabet_split"][z["char_alphabet"]] == 0
    return img[bg]


class Net(torch.nn.Module):
    def __init__(self, channels, ways):
        super().__init__()
        self.convs = torch.nn.ModuleList(
            [torch.nn.Conv2d(1 if i == 0 else channels, channels, 3, stride=2) for i in range(4)])
        self.w = torch.nn.Parameter(0.01 * torch.randn(channels, ways))
        self.alpha = torch.nn.Parameter(0.01 * torch.rand(channels, ways))
        self.eta = torch.nn.Parameter(0.01 * torch.ones(1))

    def features(self, images):           # (N, 1, 31, 31) -> (N, channels)
        x = images
        for c in self.convs:
            x = torch.tanh(c(x))
        return x.flatten(1)

    def forward(self, images, labels, ways, boost=1000.0):
        """images (B, T, 31, 31), labels (B, T): support labels then the query target."""
        B, T = labels.shape
        feat = self.features(images.reshape(B * T, 1, images.shape[2], images.shape[3])).reshape(B, T, -1)
        H = torch.zeros(B, feat.shape[2], ways)
        for t in range(T - 1):
            x = feat[:, t]
            a = torch.bmm(x.unsqueeze(1), self.w + self.alpha * H).squeeze(1) + boost * F.one_hot(labels[:, t], ways)
            y = F.softmax(a, dim=1)
            H = H + self.eta * (x.unsqueeze(2) - H * y.unsqueeze(1)) * y.unsqueeze(1)
        a = torch.bmm(feat[:, T - 1].unsqueeze(1), self.w + self.alpha * H).squeeze(1)
        return F.cross_entropy(a, labels[:, T - 1]), (a.argmax(1) == labels[:, T - 1]).float().mean()


def sample(rng, data, ways, B):
    nchar, ndraw, side = data.shape[0], data.shape[1], data.shape[2]
    imgs = np.empty((B, ways + 1, side, side), np.float32)
    labels = np.empty((B, ways + 1), np.int64)
    for e in range(B):
        chars = rng.choice(nchar, ways, replace=False)
        rots = rng.integers(0, 4, ways)
        q = rng.integers(ways)
        order = rng.permutation(ways)
        d = [rng.choice(ndraw, 2 if k == q else 1, replace=False) for k in range(ways)]
        for t, k in enumerate(order):
            imgs[e, t] = np.rot90(data[chars[k], d[k][0]], rots[k])
            labels[e, t] = k
        imgs[e, ways] = np.rot90(data[chars[q], d[q][1]], rots[q])
        labels[e, ways] = q
    return torch.from_numpy(imgs), torch.from_numpy(labels)


def check_grad(path):
    """Loss and gradients of a plastiscope grad dump, recomputed with autograd in float64."""
    z = np.load(path)
    names = [n[len("param/"):] for n in z.files if n.startswith("param/")]
    w = z["param/w"]
    channels, ways = w.shape
    torch.set_default_dtype(torch.float64)
    net = Net(channels, ways)
    with torch.no_grad():
        for l, conv in enumerate(net.convs):
            W = z[f"param/conv{l + 1}/W"]          # (cout, 9*cin), column (ky*3+kx)*cin + c
            cin = W.shape[1] // 9
            conv.weight.copy_(torch.from_numpy(W.reshape(W.shape[0], 3, 3, cin).transpose(0, 3, 1, 2).copy()))
            conv.bias.copy_(torch.from_numpy(z[f"param/conv{l + 1}/b"].reshape(-1)))
        net.w.copy_(torch.from_numpy(w))
        net.alpha.copy_(torch.from_numpy(z["param/alpha"]))
        net.eta.copy_(torch.from_numpy(z["param/eta"].reshape(1)))
    imgs = torch.from_numpy(z["inputs"].astype(np.float64))
    side = int(round(imgs.shape[1] ** 0.5))
    labels = torch.from_numpy(z["labels"].astype(np.int64)).unsqueeze(0)
    loss, _ = net(imgs.reshape(1, -1, side, side), labels, ways, float(z["label_boost"]))
    loss.backward()
    grads = {f"conv{l + 1}/W": c.weight.grad.permute(0, 2, 3, 1).reshape(c.weight.shape[0], -1).numpy()
             for l, c in enumerate(net.convs)}
    grads.update({f"conv{l + 1}/b": c.bias.grad.numpy().reshape(-1, 1) for l, c in enumerate(net.convs)})
    grads.update({"w": net.w.grad.numpy(), "alpha": net.alpha.grad.numpy(), "eta": net.eta.grad.numpy().reshape(1, 1)})
    print(f"loss: plastiscope {float(z['loss']):.15g}  torch {float(loss):.15g}")
    worst = 0.0
    for n in names:
        a, b = z["grad/" + n].reshape(grads[n].shape), grads[n]
        rel = float(np.max(np.abs(a - b)) / max(np.max(np.abs(b)), 1e-300))
        worst = max(worst, rel)
        print(f"grad/{n:10s} max|g| {np.max(np.abs(b)):.3e}  max rel diff {rel:.2e}")
    print(f"max_rel_diff={worst:.3e}")
    return 0 if worst < 1e-8 and abs(float(z["loss"]) - float(loss)) < 1e-10 else 1


def main():
    a = parse_args()
    if a.check_grad:
        return check_grad(a.check_grad)
    torch.set_num_threads(a.threads)
    torch.manual_seed(a.seed)
    rng = np.random.default_rng(a.seed)
    data = rng.random((1000, 20, 31, 31), dtype=np.float32) if a.synthetic else load_glyphs(a.data)
    net = Net(a.channels, a.ways)
    opt = torch.optim.Adam(net.parameters(), lr=a.lr)
    print(f"# torch {torch.__version__} threads={torch.get_num_threads()} batch={a.batch} ways={a.ways} "
          f"params={sum(p.numel() for p in net.parameters())} data={'synthetic' if a.synthetic else a.data}", flush=True)
    done, timed_eps, timed_s = 0, 0, 0.0
    loss_sum = acc_sum = steps = 0
    while done < a.episodes:
        t0 = time.perf_counter()
        imgs, labels = sample(rng, data, a.ways, a.batch)
        loss, acc = net(imgs, labels, a.ways)
        opt.zero_grad()
        loss.backward()
        opt.step()
        dt = time.perf_counter() - t0
        if done >= a.warmup:
            timed_eps += a.batch
            timed_s += dt
        done += a.batch
        loss_sum += float(loss); acc_sum += float(acc); steps += 1
        if done % a.report < a.batch or done >= a.episodes:
            ms = 1e3 * timed_s / max(timed_eps, 1)
            print(f"episode {done} loss {loss_sum / steps:.4f} train_acc {acc_sum / steps:.3f} "
                  f"eta {float(net.eta):.4f} ms_per_episode {ms:.3f}", flush=True)
            loss_sum = acc_sum = steps = 0
    print(f"ms_per_episode={1e3 * timed_s / max(timed_eps, 1):.4f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
