"""Recorder: your own network's episode, step by step, in the recording format of
docs/recording-format.md, which `plastiscope view FILE.npz` opens in the lab.

Pure Python and numpy. PyTorch tensors are taken as they come (detached and copied to the CPU);
torch itself is never imported here, so the module loads without it.

    rec = Recorder(task="my-rnn", config={"n": 32, "eta": 0.1})
    for t in range(T):
        x, H = model.step(u[t])
        rec.add_step(x=x, inputs=u[t], views={"H": H, "W+A*H": W + A * H}, scalars={"eta": eta})
    rec.save("mine.npz")
"""

import json
import os
import tempfile
import zipfile

import numpy as np

_FORMAT = "plastiscope-recording-1"


def _numpy(value, what):
    """A numpy array from numpy, a number, a list or a PyTorch tensor (without importing torch)."""
    if hasattr(value, "detach") and hasattr(value, "cpu"):  # a torch.Tensor
        value = value.detach().cpu().numpy()
    try:
        a = np.asarray(value)
    except Exception as e:  # ragged lists and objects numpy cannot take
        raise TypeError(f"{what}: not an array of numbers ({e})") from None
    if a.dtype == bool:
        a = a.astype(np.float32)
    if not (np.issubdtype(a.dtype, np.floating) or np.issubdtype(a.dtype, np.integer)):
        raise TypeError(f"{what}: expected numbers, got an array of {a.dtype}")
    return a


def _text(s):
    return np.frombuffer(s.encode("utf-8"), np.uint8)


class Recorder:
    """Collects one episode step by step and writes it as a recording.

    Recorder(task="my-model", config=None, x0=None, seed=0)
        task    the name shown in the lab (meta/task)
        config  a flat dict of settings (meta/config), e.g. {"n": 32, "eta": 0.1}
        x0      the state before the first step (default: zeros), x[0] of the recording
        seed    the episode's seed, if it has one (meta/seed)

    add_step(x, inputs=None, views=None, images=None, scalars=None, track=None)
        x        (N,) the activity after this step (a batch of one may be (1, N))
        inputs   (K,) what this step received
        views    {"H": (R, C), ...}: matrices as shown after this step
        images   {"probe": (h, w), ...}
        scalars  {"loss": number, ...}; a scalar missing at some steps is NaN there
        track    {"H/2_5": number, ...}: single cells, for views too large to store whole
    Every step must give the same views with the same shapes (the first step fixes them).

    params(**arrays) stores parameters (param/NAME); target(a) what the network should produce;
    mark(step, label) a moment of the episode (the lab's timeline); info(rule=..., bias_value=...).
    save(path) writes the .npz (atomically) and returns the path.
    """

    def __init__(self, task="recording", config=None, x0=None, seed=0):
        if not isinstance(task, str) or not task:
            raise ValueError("Recorder: task must be a non-empty name")
        if config is not None and not isinstance(config, dict):
            raise TypeError("Recorder: config must be a dict of settings")
        self.task = task
        self.config = dict(config or {})
        self.seed = int(seed)
        self._x0 = None if x0 is None else _numpy(x0, "x0").astype(np.float32).reshape(-1)
        self._xs, self._inputs = [], []
        self._per_step = {}  # "view/H" -> list of arrays
        self._scalars = {}  # "scalars/loss" -> {step index: value}
        self._fixed = {}  # "param/W", "target", "info/..." -> array
        self._marks = []

    # ---- per step

    def add_step(self, x, inputs=None, views=None, images=None, scalars=None, track=None):
        t = len(self._xs)  # this step's index (step t + 1 of the episode)
        x = _numpy(x, "x").astype(np.float32)
        if x.ndim == 2 and x.shape[0] == 1:
            x = x[0]
        if x.ndim != 1:
            raise ValueError(f"add_step: x must be (N,) (the activity after the step), got shape {x.shape}")
        if self._xs and x.shape != self._xs[0].shape:
            raise ValueError(f"add_step: x has {x.shape[0]} neurons at step {t + 1}, {self._xs[0].shape[0]} before")
        if self._x0 is not None and self._x0.shape != x.shape:
            raise ValueError(f"add_step: x has {x.shape[0]} neurons but x0 has {self._x0.shape[0]}")
        if inputs is None and self._inputs:
            raise ValueError(f"add_step: inputs missing at step {t + 1} (given at the steps before)")
        if inputs is not None:
            u = _numpy(inputs, "inputs").astype(np.float32).reshape(-1)
            if t > 0 and not self._inputs:
                raise ValueError(f"add_step: inputs given at step {t + 1} but not at the steps before")
            if self._inputs and u.shape != self._inputs[0].shape:
                raise ValueError(f"add_step: inputs has {u.size} values at step {t + 1}, {self._inputs[0].size} before")
            self._inputs.append(u)
        groups = (("view/", views, 2), ("image/", images, 2), ("track/", track, 0))
        for prefix, d, dims in groups:
            for name, v in (d or {}).items():
                key = prefix + str(name)
                a = _numpy(v, key).astype(np.float32)
                if dims == 2:
                    a = np.squeeze(a) if a.ndim > 2 else a
                    if a.ndim != 2:
                        raise ValueError(f"add_step: {key} must be a matrix (rows, cols), got shape {a.shape}")
                elif a.size != 1:
                    raise ValueError(f"add_step: {key} must be one number, got shape {a.shape}")
                else:
                    a = a.reshape(())
                self._put(key, a, t)
        given = {p + str(n) for p, d, _ in groups for n in (d or {})}
        missing = sorted(k for k in self._per_step if k not in given and len(self._per_step[k]) != t + 1)
        if missing:
            raise ValueError(f"add_step: {missing[0]} missing at step {t + 1} (every step must give the same views)")
        for name, v in (scalars or {}).items():
            a = _numpy(v, "scalars/" + str(name))
            if a.size != 1:
                raise ValueError(f"add_step: scalars/{name} must be one number, got shape {a.shape}")
            self._scalars.setdefault("scalars/" + str(name), {})[t] = float(a.reshape(()))
        self._xs.append(x)

    def _put(self, key, a, t):
        steps = self._per_step.setdefault(key, [])
        if len(steps) != t:
            raise ValueError(f"add_step: {key} first given at step {t + 1}; every step must give the same views")
        if steps and a.shape != steps[0].shape:
            raise ValueError(f"add_step: {key} has shape {a.shape} at step {t + 1}, {steps[0].shape} before")
        if not np.all(np.isfinite(a)):
            raise ValueError(f"add_step: {key} holds NaN or an infinite value at step {t + 1}")
        steps.append(a.copy())

    # ---- fixed parts

    def params(self, **arrays):
        """Parameters, stored as param/NAME (e.g. params(W=W, A=A, eta=eta))."""
        for name, v in arrays.items():
            self._fixed["param/" + name] = self._finite(_numpy(v, "param/" + name).astype(np.float32), "param/" + name)

    def target(self, value):
        """What the network should produce (any shape)."""
        self._fixed["target"] = self._finite(_numpy(value, "target").astype(np.float32), "target")

    def info(self, rule=None, bias_value=None):
        """info/rule ('hebb', 'oja', or your rule's name) and info/bias_value."""
        if rule is not None:
            self._fixed["info/rule"] = _text(str(rule))
        if bias_value is not None:
            self._fixed["info/bias_value"] = np.asarray(float(bias_value), np.float64)

    def mark(self, step, label):
        """A moment of the episode at step (1..T), shown on the lab's timeline."""
        self._marks.append([int(step), str(label)])

    @staticmethod
    def _finite(a, what):
        if not np.all(np.isfinite(a)):
            raise ValueError(f"{what} holds NaN or an infinite value")
        return a

    @property
    def steps(self):
        return len(self._xs)

    # ---- output

    def arrays(self):
        """Every array of the recording, by its name in the file."""
        T = len(self._xs)
        if T == 0:
            raise ValueError("Recorder: no step recorded (call add_step at least once)")
        N = self._xs[0].shape[0]
        x0 = self._x0 if self._x0 is not None else np.zeros(N, np.float32)
        out = {"x": np.stack([x0] + self._xs).astype(np.float32)}
        if not np.all(np.isfinite(out["x"])):
            bad = int(np.argwhere(~np.isfinite(out["x"]))[0][0])
            raise ValueError(f"Recorder: x holds NaN or an infinite value at step {bad}")
        if self._inputs:
            out["inputs"] = np.stack(self._inputs)
            if not np.all(np.isfinite(out["inputs"])):
                raise ValueError("Recorder: inputs hold NaN or an infinite value")
        for key, steps in self._per_step.items():
            out[key] = np.stack(steps)
        for key, values in self._scalars.items():
            col = np.full(T, np.nan, np.float32)
            for t, v in values.items():
                col[t] = v
            out[key] = col
        out.update(self._fixed)
        out["meta/task"] = _text(self.task)
        out["meta/config"] = _text(json.dumps(self.config))
        out["meta/seed"] = np.array([self.seed], np.int64)
        out["meta/marks"] = _text(json.dumps(self._marks))
        out["meta/format"] = _text(_FORMAT)
        return out

    def save(self, path):
        """Writes the recording (.npz) atomically: a temp file beside it, then a rename."""
        path = os.fspath(path)
        if not path.endswith(".npz"):
            raise ValueError(f"Recorder.save: the file must end in .npz, got '{path}'")
        arrays = self.arrays()
        folder = os.path.dirname(os.path.abspath(path))
        if not os.path.isdir(folder):
            raise FileNotFoundError(f"Recorder.save: folder {folder} does not exist")
        fd, tmp = tempfile.mkstemp(prefix=os.path.basename(path) + ".", suffix=".tmp", dir=folder)
        try:
            with os.fdopen(fd, "wb") as f:
                with zipfile.ZipFile(f, "w", zipfile.ZIP_STORED, allowZip64=True) as z:
                    for name, a in arrays.items():
                        with z.open(name + ".npy", "w", force_zip64=True) as member:
                            np.lib.format.write_array(member, np.ascontiguousarray(a), allow_pickle=False)
                f.flush()
                os.fsync(f.fileno())
            os.replace(tmp, path)
        except BaseException:
            if os.path.exists(tmp):
                os.remove(tmp)
            raise
        return path

    def __repr__(self):
        n = self._xs[0].shape[0] if self._xs else 0
        return f"<plastiscope.Recorder {self.task}: {len(self._xs)} steps, {n} neurons, {len(self._per_step)} views>"

