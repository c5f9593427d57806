"""Every registered task through plastiscope.Task: built with its smallest preset, one training
step (finite loss and metric), a live episode stepped to its end with views that match the
recording of the same episode, and a checkpoint round trip (settings, parameters and the next
training step identical).

usage: test_tasks.py WORK_DIR
"""
import os
import sys
import time

import numpy as np

import plastiscope as ps

work = sys.argv[1]
os.makedirs(work, exist_ok=True)

# the fastest preset of each task (the default where it is quick already)
PRESET = {"flp-classify": "quick", "flp-sine": "quick", "maze": "quick", "images": "quick", "omniglot": "quick",
          "patterns": "bits50"}
MAX_LIVE_STEPS = 400  # enough for every task's episode or a good part of it

names = ps.tasks()
assert len(names) >= 9 and "patterns" in names, names
for name in names:
    t0 = time.time()
    t = ps.Task(name, preset=PRESET.get(name), seed=1)
    assert t.name == name and t.preset in t.presets, (t.name, t.preset)
    again = ps.Task(name, preset=t.preset, seed=1, **t.settings())  # settings() feeds Task(**settings)
    assert again.settings() == t.settings(), name
    st = t.train_step()
    assert np.isfinite(st["loss"]) and np.isfinite(st["metric"]), st
    assert t.episode == t.episodes_per_step

    # live: reset, step, views
    t.reset(5)
    v0 = t.views()
    assert "x" in v0 and v0["x"].shape[0] == 1 and not v0["x"].any(), f"{name}: x before the first step"
    steps = 0
    going = True
    while going and steps < MAX_LIVE_STEPS:
        going = t.step()
        steps += 1
    v = t.views()
    assert t.t == steps, (name, t.t, steps)
    assert v["x"].shape == (steps + 1, v0["x"].shape[1]), (name, v["x"].shape)
    assert np.all(np.isfinite(v["x"])), name
    matrices = [k for k, a in v.items() if isinstance(a, np.ndarray) and a.ndim == 2 and k not in ("x", "inputs")
                and not k.startswith("image/")]
    assert matrices, f"{name}: no matrix view"

    # the recording of the same episode holds the same activity and the views of its last step
    rec = t.record(5, steps=steps)
    assert rec["x"].shape == v["x"].shape, (name, rec["x"].shape)
    assert np.array_equal(rec["x"], v["x"]), f"{name}: recording and live stepping differ"
    for k in matrices:
        if "view/" + k in rec:
            assert np.array_equal(rec["view/" + k][-1], v[k]), f"{name}: view {k} at the last step"
    assert bytes(rec["meta/task"]).decode() == name

    # checkpoint round trip
    path = os.path.join(work, f"{name}.npz")
    t.save(path)
    back = ps.Task.load(path)
    assert back.name == name and back.preset == t.preset, name
    a, b = t.settings(), back.settings()
    assert a.keys() == b.keys(), name
    for k in a:  # floats kept in float32 state (flp's inner_lr) come back within float rounding
        same = np.isclose(a[k], b[k], rtol=1e-6) if isinstance(a[k], float) else a[k] == b[k]
        assert same, f"{name}: setting {k} = {a[k]} before saving, {b[k]} after loading"
    assert back.episode == t.episode
    a = np.load(path)
    params = [k for k in a.files if k.startswith("param/")]
    assert params, f"{name}: no parameters in the checkpoint"
    back.save(path + ".2.npz")
    b = np.load(path + ".2.npz")
    for k in params:
        assert np.array_equal(a[k], b[k]), f"{name}: {k} changed in a save/load/save round trip"
    s1, s2 = t.train_step(), back.train_step()
    assert s1 == s2, f"{name}: the step after loading differs: {s1} vs {s2}"
    print(f"ok {name:16s} preset {t.preset:10s} {t.num_params:8d} params, live {steps:4d} steps, "
          f"{len(matrices)} matrix views, {time.time() - t0:.1f} s")

# every shipped checkpoint opens, and a trained one is trained: patterns/quick's network completes
# patterns (the CLI's eval gives the same figure: tests/python/test_vs_cli.py)
import glob  # noqa: E402

shipped = sorted(glob.glob(os.path.join(ps.assets_dir, "checkpoints", "*.npz")))
assert len(shipped) >= 10, shipped
for path in shipped:
    t = ps.Task.load(path)
    assert os.path.basename(path).startswith(t.name + "-" + t.preset), (path, t.name, t.preset)
    assert t.episode > 0, path
t = ps.Task.load(os.path.join(ps.assets_dir, "checkpoints", "patterns-quick.npz"))
mean, (lo, hi) = t.eval(100, seed=3)
fresh, _ = ps.Task("patterns", preset="quick").eval(100, seed=3)
assert mean < 0.05 < fresh, (mean, fresh)
print(f"ok {len(shipped)} shipped checkpoints open; patterns-quick's wrong-sign fraction {mean:.4f} "
      f"(fresh parameters {fresh:.3f})")
