#!/usr/bin/python3
"""Soak test of the GUI: `plastiscope --monkey SECONDS` under Xvfb, with a seeded
random script of UI actions on top of the monkey's random clicks, drags, wheel and keys.

    tools/soak.py APP WORKDIR SECONDS [--seed S] [--max-growth PERCENT] [--max-frame-ms MS]
                  [--max-frame-cpu-ms MS] [--busy N]

The script (the app's --at FRAME ACTION hook, the same functions as the buttons and menus) visits
every task, switches presets, plays / pauses / steps / restarts, starts / pauses / stops training,
trains from scratch, moves live and next-episode sliders to random values within moderate
ranges, saves and reopens checkpoints and configs, takes screenshots, toggles help, focus and
zoom. Screenshots double as progress marks (the app prints a line for each one it writes).

Resident memory (VmRSS of the app) is sampled every 0.25 s into WORKDIR/rss.csv. The script first
opens every task (playing and training each), then writes shot-visited.png; from that moment on
what memory does is growth, not first use. Growth = peak RSS of the last quarter of the rest of
the run over the peak of everything before it (a random walk over tasks, presets and settings
revisits its heavy states; a leak makes every later peak higher than all earlier ones).

Frames: the app logs every frame (--frame-log WORKDIR/frames.csv: its time, phases and the
scripted actions it ran). The longest frame and the 99.9th percentile leave out start-up, frames
that wrote a screenshot (the user's own wait) and scripted waits; the longest must stay under
--max-frame-ms (default 250). The GUI thread's own CPU time in every such frame must stay under
--max-frame-cpu-ms (default 150): the work done in a frame, whatever else the machine runs (on a
busy machine a frame also waits for a core, for itself and for the X server). The slowest frames
are listed with what they ran, to find a cause.
--busy N runs N busy loops (processes spinning on a core each) beside the app for the whole run:
the soak on a machine whose cores are taken by other work.

Fails (exit 1) on a non-zero exit, any error output, no summary line, growth over --max-growth
(default 5 %) or a frame over --max-frame-ms.
Prints: soak: S s, A scripted actions run, RSS ..., growth G %, frames ..., PASS/FAIL.
"""
import argparse
import csv
import os
import random
import re
import subprocess
import sys
import threading
import time


def task_fields(app, task):
    """(key, type, lo, hi, apply) for the task's live and next-episode fields, from train --help."""
    out = subprocess.run([app, "train", "--task", task, "--help"], capture_output=True, text=True).stdout
    fields = []
    for line in out.split("\n"):
        m = re.match(r"\s+(\w+)\s+= (\S+)\s+\[([^\]]*)\] \((live|next episode|rebuilds)\)", line)
        if not m:
            continue
        key, cur, rng, apply = m.groups()
        if apply == "rebuilds":
            continue   # sizes and rules: a rebuild per click is the GUI tests' business
        spec = rng.split(" ")[0]
        if "|" in spec:
            fields.append((key, "choice", spec.split("|"), None, cur))
        elif ".." in spec:
            lo, hi = spec.split("..")
            # Integer fields print a large bound as e.g. 1e+08: whole-number bounds and value count.
            whole = lambda t: re.fullmatch(r"-?[\d.e+]+", t) and float(t).is_integer()
            is_int = re.fullmatch(r"-?\d+", lo) and whole(hi) and re.fullmatch(r"-?\d+", cur)
            fields.append((key, "int" if is_int else "float", float(lo), float(hi), cur))
    return fields


def task_presets(app):
    out = subprocess.run([app, "tasks"], capture_output=True, text=True).stdout
    presets, cur = {}, None
    for line in out.split("\n"):
        m = re.match(r"^(\S+)\s", line)
        if m and not line.startswith(" "):
            cur = m.group(1)
            presets[cur] = []
        m = re.match(r"^\s+--preset (\S+)", line)
        if m and cur:
            presets[cur].append(m.group(1))
    return presets


def moderate_value(rng, f):
    """A value in range, but within a few times the default for counts (episode lengths stay sane)."""
    key, kind, lo, hi, cur = f
    if kind == "choice":
        return rng.choice(lo)
    c = float(cur)
    if kind == "int":
        top = min(hi, max(lo + 2, 2 * c if c > 0 else lo + 4))
        return str(int(rng.randint(int(lo), int(top))))
    if lo > 0 and hi / lo > 100:   # log-scale fields (learning rates)
        return "%.6g" % (lo * (hi / lo) ** rng.random())
    top = min(hi, max(2 * abs(c), lo + (hi - lo) * 0.1)) if c != 0 else lo + (hi - lo) * 0.1
    return "%.6g" % rng.uniform(lo, max(lo, top))


def make_script(app, work, seconds, seed):
    rng = random.Random(seed)
    tasks = subprocess.run([app, "--list-tasks"], capture_output=True, text=True, check=True).stdout.split()
    presets = task_presets(app)
    fields = {t: task_fields(app, t) for t in tasks}
    script, frame, current = [], 10, tasks[0]
    saved_ckpt, saved_cfg = {}, {}
    # First every task once, then a mark (the memory baseline starts when it is written: every
    # task has been opened by then, so what comes after is growth, not first use).
    for t in tasks:
        frame += 4
        script += ["--at", str(frame), "task=" + t, "--at", str(frame + 1), "play", "--at", str(frame + 2), "train"]
        frame += 2
    current = tasks[-1]
    frame += 4
    script += ["--at", str(frame), "screenshot=%s/shot-visited.png" % work]
    n_actions = n_shot = 0
    # Script frames up to 60 per second of soak (the app under Xvfb with a trainer running reaches
    # about 12): more than it gets through before its time limit, yet a command line that fits
    # ARG_MAX for a 10-minute soak (400 per second made 48000 actions, "Argument list too long").
    while frame < 60 * seconds + 2000:
        frame += rng.randint(2, 8)
        n_actions += 1
        if n_actions % 12 == 0:
            script += ["--at", str(frame), "screenshot=%s/shot-%d.png" % (work, n_shot % 5)]
            n_shot += 1
            continue
        u = rng.random()
        if u < 0.05:
            current = rng.choice(tasks)
            act = "task=" + current
        elif u < 0.09 and presets.get(current):
            act = "preset=" + rng.choice(presets[current])
        elif u < 0.35:
            act = rng.choice(["play", "pause", "step", "step", "restart", "new-episode"])
        elif u < 0.50:
            act = rng.choice(["train", "train", "pause-train", "stop-train", "from-scratch", "use-latest"])
        elif u < 0.75 and fields[current]:
            f = rng.choice(fields[current])
            act = "set=%s=%s" % (f[0], moderate_value(rng, f))
        elif u < 0.81:
            saved_ckpt[current] = "%s/soak-%s.npz" % (work, current)
            act = "save-checkpoint=" + saved_ckpt[current]
        elif u < 0.85 and current in saved_ckpt:
            act = "open-checkpoint=" + saved_ckpt[current]
        elif u < 0.89:
            saved_cfg[current] = "%s/soak-%s.json" % (work, current)
            act = "save-config=" + saved_cfg[current]
        elif u < 0.92 and current in saved_cfg:
            act = "open-config=" + saved_cfg[current]
        else:
            act = rng.choice(["help", "help", "copy-config", "focus=%d,%d" % (rng.randint(0, 8), rng.randint(0, 8)),
                              "zoom=%g" % rng.choice([0.5, 1, 2, 4])])
        script += ["--at", str(frame), act]
    return script


def rss_kb(pid):
    try:
        with open("/proc/%d/status" % pid) as f:
            for line in f:
                if line.startswith("VmRSS:"):
                    return int(line.split()[1])
    except OSError:
        return None
    return None


def start_busy(n):
    """n processes that each spin on a core until killed (nice 0, like the work of another user)."""
    return [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(n)]


def slow_frames(path, count=5):
    """(longest, p99.9, most GUI-thread CPU in a frame, the slowest measured frames as text) from
    the app's frame log."""
    try:
        with open(path) as f:
            rows = list(csv.DictReader(f))
    except OSError:
        return None, None, None, "no frame log"
    measured = [r for r in rows if r["measured"] == "1"]
    if not measured:
        return None, None, None, "no measured frame"
    cpu = max(float(r["cpu_ms"]) for r in measured)
    ms = sorted(float(r["total_ms"]) for r in measured)
    idx = 0.999 * (len(ms) - 1)
    i = int(idx)
    p999 = ms[i] if i + 1 >= len(ms) else ms[i] * (1 - (idx - i)) + ms[i + 1] * (idx - i)
    by_frame = {int(r["frame"]): r for r in rows}
    worst = sorted(measured, key=lambda r: -float(r["total_ms"]))[:count]
    worst += [r for r in sorted(measured, key=lambda r: -float(r["cpu_ms"]))[:2] if r not in worst]
    lines = []
    for r in worst:
        fr = int(r["frame"])
        # What ran just before: builds and trainer swaps finish a few frames after their action.
        before = [by_frame[k]["actions"] for k in range(fr - 3, fr) if k in by_frame and by_frame[k]["actions"]]
        phases = ", ".join("%s %.0f" % (k[:-3], float(r[k])) for k in
                           ("wait_ms", "script_ms", "prep_ms", "update_ms", "widgets_ms", "render_ms", "swap_ms"))
        lines.append("frame %d at %.1f s, %s: %.0f ms, GUI thread CPU %.0f ms (%s%s) actions [%s] after [%s]" % (
            fr, float(r["t_s"]), r["task"], float(r["total_ms"]), float(r["cpu_ms"]), phases,
            ", building" if r["building"] == "1" else "", r["actions"], " | ".join(before)))
    return ms[-1], p999, cpu, "\n".join(lines)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("app")
    ap.add_argument("work")
    ap.add_argument("seconds", type=float)
    ap.add_argument("--seed", type=int, default=9)
    ap.add_argument("--max-growth", type=float, default=5.0)
    ap.add_argument("--max-frame-ms", type=float, default=250.0)
    ap.add_argument("--max-frame-cpu-ms", type=float, default=150.0)
    ap.add_argument("--busy", type=int, default=0, help="busy loops beside the app")
    a = ap.parse_args()
    if a.busy < 0 or a.busy > 64:
        ap.error("--busy must be 0..64, got %d" % a.busy)
    os.makedirs(a.work, exist_ok=True)
    for f in os.listdir(a.work):
        if f.startswith(("soak-", "shot-", "rss", "frames")):
            os.remove(os.path.join(a.work, f))
    script = make_script(a.app, a.work, a.seconds, a.seed)
    env = dict(os.environ, XDG_CONFIG_HOME=os.path.join(a.work, "config"))
    env.setdefault("LP_NUM_THREADS", "0")   # llvmpipe rasterises on the GUI thread: one core
    pidfile = os.path.join(a.work, "pid")
    if os.path.exists(pidfile):
        os.remove(pidfile)
    # A private X server (tools/xvfb.sh: the server picks a free display itself, no race with the
    # GUI tests or another soak).
    xvfb = os.path.join(os.path.dirname(os.path.abspath(__file__)), "xvfb.sh")
    cmd = ["bash", xvfb, "sh", "-c", 'echo $$ > "$0"; exec "$@"', pidfile,
           a.app, "--monkey", str(a.seconds), "--frame-log", os.path.join(a.work, "frames.csv")] + script
    busy = start_busy(a.busy)
    t0 = time.time()
    with open(os.path.join(a.work, "out"), "w") as out, open(os.path.join(a.work, "err"), "w") as err:
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, env=env)
        samples, pid, t_visited = [], None, None
        visited_png = os.path.join(a.work, "shot-visited.png")
        while proc.poll() is None:
            if t_visited is None and os.path.exists(visited_png):
                t_visited = time.time() - t0
            if pid is None and os.path.exists(pidfile):
                try:
                    pid = int(open(pidfile).read().strip() or 0) or None
                except ValueError:
                    pid = None
            if pid:
                r = rss_kb(pid)
                if r:
                    samples.append((time.time() - t0, r))
            time.sleep(0.25)
        rc = proc.returncode
    wall = time.time() - t0
    for b in busy:
        b.kill()
        b.wait()
    with open(os.path.join(a.work, "rss.csv"), "w") as f:
        f.write("t_s,rss_kb\n" + "".join("%.2f,%d\n" % s for s in samples))
    out = open(os.path.join(a.work, "out")).read()
    err = open(os.path.join(a.work, "err")).read()
    shots = len(re.findall(r"^wrote .*shot-", out, re.M))
    summary = re.search(r"^plastiscope-gui:.*$", out, re.M)
    problems = []
    if rc != 0:
        problems.append("exit code %d" % rc)
    if err.strip():
        problems.append("error output: " + err.strip().split("\n")[0][:200])
    if not summary:
        problems.append("no summary line")
    growth = None
    if t_visited is None:
        problems.append("the script did not get through every task in %.0f s (no shot-visited.png)" % a.seconds)
    else:
        t_end = samples[-1][0] if samples else t_visited
        span = t_end - t_visited
        q_base = [r for t, r in samples if t_visited <= t < t_end - 0.25 * span]
        q_last = [r for t, r in samples if t >= t_end - 0.25 * span]
        if span >= 10 and q_base and q_last:
            growth = 100.0 * (max(q_last) - max(q_base)) / max(q_base)
            if growth > a.max_growth:
                problems.append("resident memory grew %.1f %% (limit %.1f %%)" % (growth, a.max_growth))
        else:
            problems.append("under 10 s left after every task was opened (%.0f s): no memory figure" % span)
    longest, p999, cpu, worst = slow_frames(os.path.join(a.work, "frames.csv"))
    if longest is None:
        problems.append("no frame figures (%s)" % worst)
    else:
        if longest > a.max_frame_ms:
            problems.append("a frame took %.0f ms (limit %.0f ms)" % (longest, a.max_frame_ms))
        if cpu > a.max_frame_cpu_ms:
            problems.append("a frame used %.0f ms of the GUI thread's CPU (limit %.0f ms)" % (cpu, a.max_frame_cpu_ms))
    # Progress: scripted actions up to the last screenshot mark the app wrote.
    steps = [(int(script[i + 1]), script[i + 2]) for i in range(0, len(script), 3)]
    marks = [f for f, act in steps if act.startswith("screenshot=")]
    actions_run = 0
    if shots and marks:
        last_mark_frame = marks[min(shots, len(marks)) - 1]
        actions_run = sum(1 for f, _ in steps if f <= last_mark_frame)
    rss = [r for _, r in samples]
    print("soak: %.0f s%s, %d scripted actions run (of %d generated), %d memory samples, RSS min %.0f / max %.0f MB, "
          "all tasks opened at %s s, growth %s (peak before the last quarter -> peak of the last quarter); "
          "frames: longest %s, 99.9th percentile %s, most GUI-thread CPU %s (screenshots excluded); %s; %s" % (
              wall, " beside %d busy loop(s)" % a.busy if a.busy else "", actions_run, len(steps), len(samples),
              min(rss) / 1024 if rss else 0, max(rss) / 1024 if rss else 0,
              "%.0f" % t_visited if t_visited is not None else "never",
              "%.2f %%" % growth if growth is not None else "n/a",
              "%.0f ms" % longest if longest is not None else "n/a", "%.0f ms" % p999 if p999 is not None else "n/a",
              "%.0f ms" % cpu if cpu is not None else "n/a",
              summary.group(0) if summary else "no summary", "FAIL: " + "; ".join(problems) if problems else "PASS"))
    if longest is not None:
        print("slowest frames:\n" + worst)
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
