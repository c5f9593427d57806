"""Bad arguments raise a Python exception of the right type with one line naming what was wrong
(the CLI's message where the CLI has the same mistake), and leave the object usable.

usage: test_errors.py WORK_DIR
"""
import os
import sys
import threading
import time
import warnings

import numpy as np

import plastiscope as ps

assert "torch" not in sys.modules, "importing plastiscope imported torch"
work = sys.argv[1]
os.makedirs(work, exist_ok=True)
checked = 0


def raises(kind, text, f):
    global checked
    try:
        f()
    except kind as e:
        msg = str(e)
        assert text in msg, f"expected '{text}' in the message, got: {msg}"
        assert "\n" not in msg, f"a message of more than one line: {msg!r}"
        checked += 1
        return
    except Exception as e:  # the wrong type
        raise AssertionError(f"expected {kind.__name__} ('{text}'), got {type(e).__name__}: {e}") from None
    raise AssertionError(f"expected {kind.__name__} ('{text}'), nothing was raised")


# Task: the CLI's messages
raises(ValueError, "unknown task 'nope' (tasks: ", lambda: ps.Task("nope"))
raises(ValueError, "unknown preset 'huge'", lambda: ps.Task("patterns", preset="huge"))
raises(ValueError, "unknown key 'eta0'", lambda: ps.Task("patterns", eta0=0.1))
raises(ValueError, "bad value for 'lr'", lambda: ps.Task("patterns", lr=5))
raises(ValueError, "bad value for 'rule': 'hebbian'", lambda: ps.Task("patterns", rule="hebbian"))
raises(TypeError, "setting 'lr' must be a number", lambda: ps.Task("patterns", lr=[1]))
raises(ValueError, "seed must be in 0..2^62", lambda: ps.Task("patterns", seed=-1))

t = ps.Task("patterns", preset="bits50", seed=2)
raises(RuntimeError, "call reset(seed) first", t.views)
raises(RuntimeError, "call reset(seed) first", t.step)
raises(ValueError, "episodes must be in 2..", lambda: t.eval(1))
raises(ValueError, "episodes must be >= 1", lambda: t.train(0))
raises(ValueError, "track expects [VIEW:]I,J", lambda: t.record(track=["3"]))
raises(ValueError, "is outside H (51 x 51)", lambda: t.record(track=["3,9999"]))
raises(ValueError, "no view 'Q'", lambda: t.record(track=["Q:1,1"]))
raises(ValueError, "views must be auto|full|tracked", lambda: t.record(views="some"))

# set(): all or nothing
before = t.settings()
raises(ValueError, "bad value for 'hidden'", lambda: t.set(lr=0.002, hidden=-3))
assert t.settings() == before, "a failed set() changed settings"
t.set(lr=0.002)
assert t.settings()["lr"] == 0.002

# a setting that rebuilds the network says so and starts over; a live one after training is a
# mark in the checkpoint's history (as `train --resume lr=...`)
t.train(4, progress=False)
with warnings.catch_warnings(record=True) as w:
    warnings.simplefilter("always")
    t.set(hidden=3)
assert len(w) == 1 and "hidden=3: rebuilds the network" in str(w[0].message), [str(x.message) for x in w]
assert t.episode == 0 and t.settings()["hidden"] == 3 and len(t.history()["loss"]) == 0
t.train(3, progress=False)
t.set(lr=0.0005)
t.train(2, progress=False)
marked = os.path.join(work, "marked.npz")
t.save(marked)
marks = bytes(np.load(marked)["history/marks"]).decode()
assert marks.replace(" ", "") == '[[3,"lr=0.0005"]]', marks
assert list(ps.Task.load(marked).history()["episode"]) == [1, 2, 3, 4, 5]

# one call at a time per object: a second thread is refused while train() works (GIL released)
busy = ps.Task("patterns", preset="quick", seed=1)
worker = threading.Thread(target=lambda: busy.train(400, progress=False))
worker.start()
deadline = time.time() + 30
while busy.episode == 0 and time.time() < deadline:
    time.sleep(0.001)
raises(RuntimeError, "this Task is busy in another thread", busy.train_step)
worker.join()
assert busy.episode == 400, busy.episode

# files
raises(FileNotFoundError, "does not exist", lambda: ps.Task.load(os.path.join(work, "nothere.npz")))
bad = os.path.join(work, "corrupt.npz")
with open(bad, "wb") as f:
    f.write(b"PK this starts like a zip archive but is not one")
raises(ValueError, "corrupt.npz", lambda: ps.Task.load(bad))
raises(OSError, "no-such-folder", lambda: t.save(os.path.join(work, "no-such-folder", "x.npz")))
raises(ValueError, "corrupt.npz", lambda: ps.read_recording(bad))
ck = os.path.join(work, "ck.npz")
t.save(ck)
raises(ValueError, "the array 'x' (T+1, N), the activity at every step, is missing", lambda: ps.read_recording(ck))

# PlasticNet: settings parsed as the engine's, shapes checked
raises(ValueError, "bad value for 'rule': 'hebbian'", lambda: ps.PlasticNet(8, rule="hebbian"))
raises(ValueError, "bad value for 'alpha'", lambda: ps.PlasticNet(8, alpha="some"))
raises(ValueError, "bad value for 'n'", lambda: ps.PlasticNet(0))
raises(ValueError, "needs k >= 1", lambda: ps.PlasticNet(8, input="linear"))
raises(ValueError, "unknown key 'foo'", lambda: ps.PlasticNet(8, foo=1))
net = ps.PlasticNet(8)
raises(RuntimeError, "call begin(batch, steps) first", lambda: net.step(np.zeros(8)))
net.begin(2, 5)
raises(ValueError, "u must have shape (2, 8), got (8,)", lambda: net.step(np.zeros(8)))
raises(TypeError, "array of numbers", lambda: net.step("abc"))
raises(RuntimeError, "no step taken", lambda: net.backward(np.zeros((1, 2, 8))))
net.step(np.zeros((2, 8)))
raises(ValueError, "g_x must have shape (T, batch, n) = (1, 2, 8)", lambda: net.backward(np.zeros((2, 2, 8))))
raises(IndexError, "t must be in 0..1", lambda: net.x(2))
net.backward(np.ones((1, 2, 8)))
raises(RuntimeError, "call begin() for a new episode", lambda: net.backward(np.ones((1, 2, 8))))
raises(ValueError, "trace: the network is not plastic", lambda: (lambda m: (m.begin(), m.step(np.zeros(4)), m.trace()))(
    ps.PlasticNet(4, alpha="none")))
raises(ValueError, "threads must be in 1..64", lambda: ps.set_threads(0))

# Recorder
rec = ps.Recorder("mine")
raises(ValueError, "no step recorded", rec.arrays)
raises(ValueError, "x must be (N,)", lambda: rec.add_step(x=np.zeros((2, 3))))
rec.add_step(x=np.zeros(4), views={"H": np.zeros((4, 4))})
raises(ValueError, "x has 5 neurons at step 2, 4 before", lambda: rec.add_step(x=np.zeros(5), views={"H": np.zeros((4, 4))}))
raises(ValueError, "view/H missing at step 2", lambda: rec.add_step(x=np.zeros(4)))
raises(ValueError, "view/H has shape (3, 3) at step 2", lambda: rec.add_step(x=np.zeros(4), views={"H": np.zeros((3, 3))}))
raises(ValueError, "view/H holds NaN", lambda: rec.add_step(x=np.zeros(4), views={"H": np.full((4, 4), np.nan)}))
raises(TypeError, "expected numbers", lambda: rec.add_step(x=np.array(["a", "b", "c", "d"]), views={"H": np.zeros((4, 4))}))
raises(ValueError, "must end in .npz", lambda: rec.save(os.path.join(work, "mine.txt")))
assert rec.steps == 1, "a refused step was kept"
print(f"ok {checked} bad arguments refused with one-line messages")
