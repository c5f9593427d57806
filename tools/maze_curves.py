#!/usr/bin/env python3
"""Reduces the maze comparison runs (tools/maze_results.sh) to the app's reward-curve file and
prints the numbers of docs/maze.md.

Reads RUNS/maze-{non-plastic,plastic}-s{seed}/metrics.csv (`plastiscope train`: one row per A2C
update of `batch` episodes; `metric` = the batch's mean reward per episode) and writes OUT, a CSV:

    # comment lines (source, window, command)
    agent,seed,episode,reward
    non-plastic,1,200,12.35

one row per agent, seed and window of WINDOW episodes: `episode` is the window's last episode,
`reward` the mean reward per episode over it. The window must be a multiple of the update size so
every window holds whole updates. Only the episodes every run has reached are kept (the same
budget for both agents). The app's maze Task view (app/gui/panel_maze.cpp) reads this file.

Also prints, per agent: each seed's mean reward per episode over the last 10 % of the kept
episodes, and the median and inter-quartile range over seeds (linear quantiles, as numpy's).

--episodes N keeps only the first N episodes of every run (e.g. the numbers at 20 000 episodes of
runs trained to 30 000). For the constant-lr runs (runs/maze200) a run's first N episodes are what
a run of N episodes gives; for runs with a learning-rate decay (lr_end, lr_decay_episodes: runs/maze200d)
they are not — they are an intermediate point of the longer run, whose lr had not yet decayed.

usage: maze_curves.py RUNS OUT [--window 200] [--seeds 1,2,3,4,5] [--episodes N]
Standard library only.
"""
import argparse
import csv
import math
import os
import sys

AGENTS = ("non-plastic", "plastic")


def quantile(xs, q):
    """Linear interpolation between order statistics (numpy's default)."""
    s = sorted(xs)
    if not s:
        raise ValueError("no values")
    h = (len(s) - 1) * q
    lo = math.floor(h)
    hi = min(lo + 1, len(s) - 1)
    return s[lo] + (h - lo) * (s[hi] - s[lo])


def read_metrics(path):
    """[(episode, metric)] in order; errors name the file and line."""
    rows = []
    with open(path, newline="") as f:
        r = csv.reader(f)
        header = next(r, None)
        if not header or "episode" not in header or "metric" not in header:
            raise SystemExit(f"{path}: no 'episode,...,metric' header")
        ie, im = header.index("episode"), header.index("metric")
        for n, row in enumerate(r, start=2):
            try:
                e, m = int(row[ie]), float(row[im])
            except (ValueError, IndexError):
                raise SystemExit(f"{path}:{n}: not an episode,metric row: {row}")
            if not math.isfinite(m):
                raise SystemExit(f"{path}:{n}: metric is not finite")
            if rows and e <= rows[-1][0]:
                raise SystemExit(f"{path}:{n}: episode {e} does not increase")
            rows.append((e, m))
    if len(rows) < 2:
        raise SystemExit(f"{path}: fewer than 2 rows")
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("runs")
    ap.add_argument("out")
    ap.add_argument("--window", type=int, default=200)
    ap.add_argument("--seeds", default="1,2,3,4,5")
    ap.add_argument("--episodes", type=int, default=0, help="keep at most the first N episodes")
    a = ap.parse_args()
    seeds = [int(s) for s in a.seeds.split(",")]
    data = {}
    for ag in AGENTS:
        for s in seeds:
            p = os.path.join(a.runs, f"maze-{ag}-s{s}", "metrics.csv")
            if not os.path.exists(p):
                raise SystemExit(f"missing {p}")
            data[ag, s] = read_metrics(p)
    batch = data[AGENTS[0], seeds[0]][0][0]
    for k, rows in data.items():
        if rows[0][0] != batch or any(rows[i + 1][0] - rows[i][0] != batch for i in range(len(rows) - 1)):
            raise SystemExit(f"{k}: rows are not every {batch} episodes")
    if a.window <= 0 or a.window % batch:
        raise SystemExit(f"--window must be a positive multiple of the update size ({batch} episodes)")
    total = min(rows[-1][0] for rows in data.values())
    if a.episodes < 0:
        raise SystemExit("--episodes must be >= 0 (0 = all the episodes every run has reached)")
    if a.episodes:
        if a.episodes > total:
            raise SystemExit(f"--episodes {a.episodes}: some run has only {total} episodes")
        total = a.episodes
    total -= total % a.window
    if total < a.window:
        raise SystemExit("the runs are shorter than one window")

    lines = [f"# maze reward per episode: mean over windows of {a.window} episodes, 200-unit agents, "
             f"seeds {a.seeds}, {total} episodes each",
             f"# made by tools/maze_curves.py {a.runs} {a.out} --window {a.window} --seeds {a.seeds}"
             + (f" --episodes {a.episodes}" if a.episodes else "") +
             " from each run's metrics.csv (tools/maze_results.sh, docs/maze.md)",
             "agent,seed,episode,reward"]
    for ag in AGENTS:
        for s in seeds:
            per = a.window // batch
            ms = [m for e, m in data[ag, s] if e <= total]
            for w in range(total // a.window):
                lines.append(f"{ag},{s},{(w + 1) * a.window},{sum(ms[w * per:(w + 1) * per]) / per:.4f}")
    tmp = a.out + ".tmp"
    with open(tmp, "w") as f:
        f.write("\n".join(lines) + "\n")
    os.replace(tmp, a.out)

    tail = total // 10
    print(f"{total} episodes per run; last 10 % = episodes {total - tail + 1}..{total}")
    summ, per_seed = {}, {}
    for ag in AGENTS:
        vals = []
        for s in seeds:
            ms = [m for e, m in data[ag, s] if total - tail < e <= total]
            vals.append(sum(ms) / len(ms))
        q25, med, q75 = quantile(vals, 0.25), quantile(vals, 0.5), quantile(vals, 0.75)
        summ[ag] = (q25, med, q75)
        per_seed[ag] = vals
        print(f"{ag:12s} per seed {', '.join(f'{v:.1f}' for v in vals)}; median {med:.1f}, IQR {q25:.1f} - {q75:.1f}")
    np_, p_ = summ["non-plastic"], summ["plastic"]
    print("bands apart (plastic q25 > non-plastic q75):", "yes" if p_[0] > np_[2] else "no",
          f"({p_[0]:.1f} vs {np_[2]:.1f})")
    ahead = sum(p > n for p, n in zip(per_seed["plastic"], per_seed["non-plastic"]))
    print(f"paired by seed: plastic ahead in {ahead} of {len(seeds)}; plastic range "
          f"{min(per_seed['plastic']):.1f}-{max(per_seed['plastic']):.1f}, non-plastic range "
          f"{min(per_seed['non-plastic']):.1f}-{max(per_seed['non-plastic']):.1f}")
    # the median curve in 10 windows, for the docs
    nw = 10
    w10 = total // nw
    for ag in AGENTS:
        meds = []
        for w in range(nw):
            vals = []
            for s in seeds:
                ms = [m for e, m in data[ag, s] if w * w10 < e <= (w + 1) * w10]
                vals.append(sum(ms) / len(ms))
            meds.append(quantile(vals, 0.5))
        print(f"{ag:12s} median per {w10}-episode window: {' '.join(f'{v:.1f}' for v in meds)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
