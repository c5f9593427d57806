"""Runtime settings shared by the PyTorch peers (bench/peer/torch_*.py).

A fair speed comparison needs the peer at its best on this machine, so every peer script calls
setup_runtime() first: the thread count equal to ours, denormals flushed to zero (Plastiscope's
kernels never meet denormals in practice; PyTorch on a decaying trace does, and they cost 100x)
and glibc's malloc told to keep large blocks. Without the malloc setting glibc returns every
4 MB autograd buffer to the kernel after an episode and faults it in again on the next: about
30 % of the peer's time went there, and its timings varied twofold between runs.

Every peer also starts from the same argument parser (peer_parser) and the same start-up
(start_peer), so a flag the bench passes to all of them means the same thing in each.
"""
import argparse
import ctypes
import time

import numpy as np
import torch

M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3


def setup_runtime(threads, flush_denormal=True, malloc_tuning=True):
    """Applies the settings and returns one line describing them (and the BLAS in use)."""
    torch.set_num_threads(threads)
    if flush_denormal:
        torch.set_flush_denormal(True)
    malloc = "malloc=default"
    if malloc_tuning:
        libc = ctypes.CDLL("libc.so.6")
        # glibc caps the mmap threshold at 32 MB on 64-bit; try 1 GB first, then the cap.
        mmap_ok = libc.mallopt(M_MMAP_THRESHOLD, 1 << 30) or libc.mallopt(M_MMAP_THRESHOLD, 32 << 20)
        trim_ok = libc.mallopt(M_TRIM_THRESHOLD, 2 ** 31 - 1)
        malloc = f"malloc=tuned({mmap_ok},{trim_ok})"
    return f"{malloc} ftz={int(flush_denormal)} blas={loaded_blas()}"


def loaded_blas():
    """The BLAS libraries mapped into this process, as 'folder/file' (which BLAS the peer used)."""
    with open("/proc/self/maps") as maps:
        libs = sorted({line.split()[-1] for line in maps if "blas" in line and ".so" in line})
    return ",".join("/".join(lib.split("/")[-2:]) for lib in libs) or "none"


def add_runtime_flags(parser):
    """The two switches every peer accepts to turn the settings above off."""
    parser.add_argument("--no-malloc-tuning", action="store_true", help="leave glibc malloc at its defaults")
    parser.add_argument("--no-flush-denormal", action="store_true", help="keep IEEE denormals")


def peer_parser(doc, threads, episodes=None, episodes_help="training episodes", runtime_flags=True):
    """The parser every peer starts from: the first line of its docstring as the description,
    --threads and --seed, --episodes for the training peers (episodes= its default) and the runtime
    switches above unless the peer leaves the runtime at PyTorch's defaults."""
    p = argparse.ArgumentParser(description=doc.split("\n")[0])
    if episodes is not None:
        p.add_argument("--episodes", type=int, default=episodes, help=episodes_help)
    p.add_argument("--threads", type=int, default=threads, help="torch.set_num_threads")
    p.add_argument("--seed", type=int, default=0)
    if runtime_flags:
        add_runtime_flags(p)
    return p


def add_plain_flags(parser, **defaults):
    """One --name flag per keyword (underscores become dashes), typed by its default: the
    peers' model and episode sizes, which need no help text beyond their name."""
    for name, default in defaults.items():
        parser.add_argument("--" + name.replace("_", "-"), type=type(default), default=default)


def start_peer(a):
    """Applies the runtime settings the parsed flags ask for and seeds torch; returns the
    line describing the runtime."""
    runtime = setup_runtime(a.threads, not a.no_flush_denormal, not a.no_malloc_tuning)
    torch.manual_seed(a.seed)
    return runtime


def episode_steps(a):
    """(block, steps) of the Miconi et al. 2018 episode the patterns and images peers draw: each
    of a.nb_prescycles cycles shows the a.nb_patterns items a.prestime steps each, a.interpres_delay
    empty steps after each (block = the two), then the probe is shown a.prestime_test steps."""
    block = a.prestime + a.interpres_delay
    return block, a.nb_prescycles * a.nb_patterns * block + a.prestime_test


def present(a, items, probe, n, rng):
    """The episode's inputs (steps x 1 x n, float32): the items (rows of `items`, each item's
    units first) in a fresh random order every cycle, then the probe, and the last unit at 1 (the
    bias) throughout."""
    block, steps = episode_steps(a)
    width = items.shape[1]
    u = np.zeros((steps, 1, n), dtype=np.float32)
    for cycle in range(a.nb_prescycles):
        for slot, k in enumerate(rng.permutation(a.nb_patterns)):
            t0 = (cycle * a.nb_patterns + slot) * block
            u[t0 : t0 + a.prestime, 0, :width] = items[k]
    u[steps - a.prestime_test :, 0, :width] = probe
    u[:, 0, -1] = 1.0
    return u


def print_header(runtime, settings):
    """The two '#' lines a training peer starts with: torch's version and threads with the run's
    settings ("N=1001 lr=0.0003 ..."), then the runtime line of setup_runtime()."""
    print(f"# torch {torch.__version__} threads={torch.get_num_threads()} {settings}", flush=True)
    print(f"# {runtime}", flush=True)


def descend(opt, loss):
    """One optimiser step on loss (gradients cleared first, as every peer's loop does)."""
    opt.zero_grad(set_to_none=True)
    loss.backward()
    opt.step()


class WindowLog:
    """The training peers' progress lines: the means of each episode's figures (loss, and e.g. err)
    over every window of `every` episodes and over the last, partial one, then the totals line
    bench/bench_engine.cpp reads (episodes_per_s=...)."""

    def __init__(self, episodes, every):
        self.episodes, self.every = episodes, every
        self.sums, self.count, self.last = {}, 0, {}
        self.start = self.window_start = time.perf_counter()

    def add(self, ep, extra, **figures):
        """Adds episode ep's figures; at a window's end prints their means, then `extra()` (a string
        of figures of the moment, e.g. the current eta) and the window's timings."""
        for k, v in figures.items():
            self.sums[k] = self.sums.get(k, 0.0) + v
        self.count += 1
        if ep % self.every and ep != self.episodes:
            return
        now = time.perf_counter()
        self.last = {k: s / self.count for k, s in self.sums.items()}
        means = " ".join(f"mean_{k}={v:.4f}" for k, v in self.last.items())
        print(f"episode={ep} {means} {extra()} window_s={now - self.window_start:.2f} "
              f"s_per_episode={(now - self.window_start) / self.count:.3f} elapsed_s={now - self.start:.1f}", flush=True)
        self.sums, self.count, self.window_start = {}, 0, now

    def finish(self, extra=""):
        """The run's totals: wall time, then episodes_per_s and the last window's mean loss."""
        wall = time.perf_counter() - self.start
        print(f"# wall_s={wall:.2f} s_per_episode={wall / self.episodes:.4f}{extra}")
        print(f"episodes_per_s={self.episodes / wall:.5f} final_loss={self.last.get('loss', float('nan')):.5f}", flush=True)
