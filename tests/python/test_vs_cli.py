"""The module drives the same engine as the CLI: on the same seed, `plastiscope train` and
Task.train_step give the same losses bit for bit (the checkpoint's float64 history), the same
parameters and optimiser state; `plastiscope grad` and Task.grad the same dump; a checkpoint
written by either opens in the other.

usage: test_vs_cli.py PLASTISCOPE_BINARY WORK_DIR
"""
import os
import subprocess
import sys

import numpy as np

import plastiscope as ps

binary, work = sys.argv[1], sys.argv[2]
os.makedirs(work, exist_ok=True)


def run(*args):
    subprocess.run([binary, *args], check=True, stdout=subprocess.DEVNULL)


def same(a, b, what):
    a, b = np.asarray(a), np.asarray(b)
    assert a.shape == b.shape, f"{what}: shapes {a.shape} vs {b.shape}"
    assert a.dtype == b.dtype, f"{what}: dtypes {a.dtype} vs {b.dtype}"
    assert np.array_equal(a, b), f"{what}: differs (max |diff| {np.max(np.abs(a.astype(float) - b.astype(float)))})"


def compare_training(task, preset, episodes, seed, settings=()):
    out = os.path.join(work, f"{task}-{preset}-s{seed}")
    run("train", "--task", task, "--preset", preset, "--episodes", str(episodes), "--seed", str(seed), "--out", out,
        "--quiet", *settings)
    kw = dict(s.split("=", 1) for s in settings)
    t = ps.Task(task, preset=preset, seed=seed, **kw)
    losses, metrics = [], []
    while t.episode < episodes:
        st = t.train_step()
        losses.append(st["loss"])
        metrics.append(st["metric"])
    ck = np.load(os.path.join(out, "checkpoint.npz"))
    # the checkpoint's history holds every step's loss as float64 (no merging below 4000 points)
    same(ck["history/loss"], np.array(losses), f"{task}: losses of the CLI and the module")
    same(ck["history/metric"], np.array(metrics), f"{task}: metrics")
    # metrics.csv prints the same numbers in full (17 significant digits: they read back exactly)
    csv = np.genfromtxt(os.path.join(out, "metrics.csv"), delimiter=",", names=True)
    same(np.atleast_1d(csv["loss"]), np.array(losses), f"{task}: metrics.csv")
    same(np.atleast_1d(csv["metric"]), np.array(metrics), f"{task}: metrics.csv metric")
    mine = os.path.join(work, f"{task}-module.npz")
    t.save(mine)
    m = np.load(mine)
    for k in ck.files:
        if k.startswith(("param/", "optim/", "state/", "meta/episode", "meta/config", "meta/task")):
            same(m[k], ck[k], f"{task}: {k} after {episodes} episodes")
    assert int(m["meta/episode"]) == int(ck["meta/episode"]) == t.episode
    # either file opens in the other: the CLI evaluates the module's checkpoint ...
    r = subprocess.run([binary, "eval", "--checkpoint", mine, "--episodes", "20"], check=True, capture_output=True, text=True)
    assert "95% CI" in r.stdout, r.stdout
    # ... and the module resumes the CLI's: one more step equals one more step of the original
    back = ps.Task.load(os.path.join(out, "checkpoint.npz"))
    assert back.episode == t.episode and back.settings() == t.settings()
    same(back.history()["loss"], np.array(losses), f"{task}: history of a loaded checkpoint")
    a, b = back.train_step(), t.train_step()
    assert a == b, f"{task}: a resumed step differs: {a} vs {b}"
    print(f"ok {task}/{preset}: {len(losses)} steps, losses and parameters identical (last loss {losses[-1]:.6g})")


compare_training("patterns", "quick", 20, 3)
compare_training("maze", "plastic", 12, 5)
compare_training("bohp-oneshot", "paper", 50, 2)

# grad: the same dump, array by array (meta/config included)
out = os.path.join(work, "grad-cli.npz")
run("grad", "--task", "patterns", "--preset", "bits50", "--seed", "4", "--out", out)
cli = np.load(out)
mod = ps.Task("patterns", preset="bits50", seed=4).grad(4)
assert sorted(cli.files) == sorted(mod), f"grad: arrays {sorted(cli.files)} vs {sorted(mod)}"
for k in cli.files:
    same(mod[k], cli[k], f"grad {k}")
print(f"ok grad: {len(cli.files)} arrays identical, loss {float(cli['loss']):.10g}")
