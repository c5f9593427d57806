"""What driving training from Python costs against the CLI, on one thread: `plastiscope train`,
a Python loop of Task.train_step(), and Task.train(), on the same task, seed and episodes.

Each run is a fresh process; the three are interleaved (CLI, step loop, train(), CLI, ...) so a
change in the machine's load hits all alike, and medians are reported. Two figures per run:

- wall: episodes per second of the training loop as the process itself times it (the CLI's
  "done ... episodes/s"; the module's loop under time.perf_counter);
- CPU: CPU seconds per episode of the whole process, with the fixed costs (start, import,
  building the network, the final checkpoint) removed by running it twice, with E and E/4
  episodes: (cpu(E) - cpu(E/4)) / (3E/4). On a machine shared with other work this is the
  steadier figure.

    PYTHONPATH=build/python /usr/bin/python3 bench/bench_python.py [--runs 5] [--binary build/plastiscope] [--only TASK]

Prints a Markdown table (bench/README.md keeps the latest).
"""
import argparse
import os
import re
import resource
import statistics
import subprocess
import sys
import tempfile
import time

CASES = [  # task, preset, episodes of the long run (a few seconds; a multiple of 4 batches)
    ("patterns", "paper", 24),
    ("maze", "plastic", 256),
    # ~6 us a step: what the module adds per step, where it would show most
    ("bohp-completion", "paper", 40000),
]


def child(mode, task, preset, episodes):
    """Runs in a fresh interpreter: trains and prints the loop's wall-clock rate."""
    import plastiscope as ps

    ps.set_threads(1)
    t = ps.Task(task, preset=preset, seed=0)
    t0 = time.perf_counter()
    if mode == "step":
        while t.episode < episodes:
            t.train_step()
    else:
        t.train(episodes, progress=False)
    print(f"rate {t.episode / (time.perf_counter() - t0):.6g} episodes {t.episode}")


def run(cmd):
    """(wall rate, episodes done, CPU seconds of the process)."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    r = subprocess.run(cmd, check=True, capture_output=True, text=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    m = re.search(r"([0-9]+) episodes in [0-9.]+ s \(([0-9.]+) episodes/s\)", r.stdout)  # the CLI's last line
    if m:
        return float(m.group(2)), int(m.group(1)), cpu
    m = re.search(r"rate ([0-9.e+-]+) episodes ([0-9]+)", r.stdout)
    if not m:
        raise RuntimeError(f"unexpected output of {cmd}: {r.stdout!r} {r.stderr!r}")
    return float(m.group(1)), int(m.group(2)), cpu


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--binary", default=os.path.join("build", "plastiscope"))
    ap.add_argument("--only", help="one task of the list (patterns, maze, bohp-completion)")
    a = ap.parse_args()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        for task, preset, episodes in CASES:
            if a.only and task != a.only:
                continue

            def cmd(kind, e):
                if kind == "cli":
                    return [a.binary, "train", "--task", task, "--preset", preset, "--episodes", str(e), "--seed", "0",
                            "--threads", "1", "--checkpoint-every", "0", "--out", os.path.join(tmp, "run")]
                return [sys.executable, __file__, "--child", kind, task, preset, str(e)]
            wall = {"cli": [], "step": [], "train": []}
            cpu = {k: [] for k in wall}
            for _ in range(a.runs):
                for kind in wall:
                    rate, done, c_long = run(cmd(kind, episodes))
                    _, done_short, c_short = run(cmd(kind, episodes // 4))
                    wall[kind].append(rate)
                    cpu[kind].append((c_long - c_short) / (done - done_short))
            rows.append((task, preset, episodes, wall, cpu))
            print(f"{task}/{preset}: wall " + ", ".join(f"{k} {statistics.median(v):.4g}" for k, v in wall.items()) +
                  "; cpu s/episode " + ", ".join(f"{k} {statistics.median(v):.4g}" for k, v in cpu.items()), flush=True)
    print(f"\none thread each, {a.runs} interleaved runs of each, medians (min-max); load average "
          f"{os.getloadavg()[0]:.2f} at the end\n")
    print("| task | measure | `plastiscope train` | Python loop of `train_step()` | `Task.train()` |")
    print("|---|---|---|---|---|")
    for task, preset, episodes, wall, cpu in rows:
        for name, d, better_high, fmt in (("episodes/s (wall)", wall, True, "{:.3g}"),
                                          ("CPU ms/episode", cpu, False, "{:.4g}")):
            scale = 1 if better_high else 1000
            med = {k: statistics.median(v) * scale for k, v in d.items()}

            def cell(k):
                lo, hi = min(d[k]) * scale, max(d[k]) * scale
                s = f"{fmt.format(med[k])} ({fmt.format(lo)}-{fmt.format(hi)})"
                if k != "cli":  # slower is negative for a rate, positive for a cost
                    s += f" {100 * (med[k] / med['cli'] - 1):+.1f} %"
                return s
            print(f"| {task}/{preset}, {episodes} ep. | {name} | {cell('cli')} | {cell('step')} | {cell('train')} |")


if __name__ == "__main__":
    if len(sys.argv) == 6 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5]))
    else:
        main()
