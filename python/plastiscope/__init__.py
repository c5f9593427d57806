"""Plastiscope from Python: the C++ engine of the lab, not a re-implementation.

    import plastiscope as ps
    t = ps.Task("patterns", preset="quick", seed=0)
    t.train(300)                      # a progress bar; Ctrl-C stops
    t.reset(1)
    while t.step():
        pass
    H = t.views()["H"]                # the Hebbian trace after the episode

- tasks(), Task: every registered task (settings, training, evaluation, checkpoints, gradient
  dumps, live stepping and views, recordings), the same files and numbers as the CLI;
- PlasticNet: the plastic recurrent network with its exact BPTT, for your own training loop;
- Recorder: writes your own model's episode in the recording format that `plastiscope view`
  opens (numpy or PyTorch tensors);
- read_recording: reads a recording with the viewer's checks;
- assets_dir: the data sets and the trained checkpoints shipped with the lab
  (assets_dir + "/checkpoints/patterns-quick.npz" opens with Task.load).

The reference is docs/python.md.
"""

from ._plastiscope import (  # noqa: F401  (the compiled engine)
    PlasticNet,
    Task,
    assets_dir,
    read_recording,
    set_threads,
    task_summaries,
    tasks,
    threads,
)
from .recorder import Recorder  # noqa: F401

__all__ = ["assets_dir", "tasks", "task_summaries", "Task", "PlasticNet", "Recorder", "read_recording", "set_threads", "threads"]
