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
