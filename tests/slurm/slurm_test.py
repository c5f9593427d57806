#!/usr/bin/python3
"""Sweeps run as separate `plastiscope train` processes give the numbers of a sweep in threads.

usage: slurm_test.py PLASTISCOPE MODE
  by-hand  no Slurm: `sweep --slurm --dry-run` writes the job, each array element is run by hand
           (SLURM_ARRAY_TASK_ID=i bash sweep.sbatch), `sweep --collect` summarises; per-seed loss
           and metric equal a local sweep's, with a grid of two settings; another plan in the
           same folder is refused.
  submit   a real Slurm (Debian's slurm-wlm and munge): a one-node cluster on localhost (munged,
           slurmctld, slurmd with a slurm.conf written into a temporary folder, stopped at the end)
           runs a 3-seed sweep; collected, it equals the local sweep; submitting again runs nothing.
  requeue  on that cluster, one element of a --requeue sweep gets the time-limit signal (USR1)
           after its first checkpoint and requeues itself (scontrol requeue): its log says it
           resumed from the checkpoint, and its metrics and final checkpoint equal an
           uninterrupted `plastiscope train` of the same seed.
Where a daemon does not start, the test prints why (its log's tail) and fails.
"""
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time

import numpy as np

PS = os.path.abspath(sys.argv[1])
MODE = sys.argv[2] if len(sys.argv) > 2 else ""
# A quick task with a frozen tail (the sweep's default protocol), so the freeze is checked too.
QUICK = ["--task", "bohp-completion", "--preset", "paper", "--episodes", "400", "--freeze-last", "100"]
# A slower run for the requeue: about 4 s on one core, a checkpoint every 100 of its 1500 episodes.
SLOW = ["--task", "patterns", "--preset", "quick", "--episodes", "1500", "--freeze-last", "0"]
SLOW_CKPT = "100"


def run(*args, ok=(0,), env=None, **kw):
    r = subprocess.run([str(a) for a in args], capture_output=True, text=True, env=env, **kw)
    if r.returncode not in ok:
        sys.exit(f"FAIL: {' '.join(map(str, args))} exited {r.returncode}\n{r.stdout[-2000:]}{r.stderr[-2000:]}")
    return r


def same_runs(a_path, b_path, what):
    """The per-seed loss and metric (and seeds, settings) of two losses.npz are identical."""
    a, b = np.load(a_path), np.load(b_path)
    for k in ("loss", "metric", "seeds", "setting"):
        if (k in a.files) != (k in b.files):
            sys.exit(f"FAIL: {what}: '{k}' in one losses.npz only")
        if k in a.files and not np.array_equal(a[k], b[k], equal_nan=a[k].dtype.kind == "f"):
            sys.exit(f"FAIL: {what}: '{k}' differs\n{a[k]}\n{b[k]}")
    if not np.isfinite(a["loss"]).all():
        sys.exit(f"FAIL: {what}: unfinished rows (NaN) in {a_path}")
    print(f"ok: {what}: loss {a['loss'].shape} and metric identical")


def expect_fail(pattern, *args):
    r = run(PS, *args, ok=range(1, 128))
    err = r.stderr.strip()
    if not re.search(pattern, err) or len(err.splitlines()) != 1:
        sys.exit(f"FAIL: {' '.join(args)}: expected one error line matching '{pattern}', got: {err}")
    print(f"ok: {err}")


def by_hand(tmp):
    grid = ["--grid", "lr=0.01,0.03"]
    local = os.path.join(tmp, "local")
    run(PS, "sweep", *QUICK, "--seeds", "2", *grid, "--threads", "2", "--curve", "metric", "--out", local, "--quiet")
    arr = os.path.join(tmp, "array")
    r = run(PS, "sweep", *QUICK, "--seeds", "2", *grid, "--slurm", "--dry-run", "--checkpoint-every", "150", "--out", arr)
    assert "--array=0-3" in r.stdout, r.stdout
    script = os.path.join(arr, "sweep.sbatch")
    run("bash", "-n", script)
    r = run(PS, "sweep", "--collect", arr, "--quiet", ok=(4,))   # submitted, nothing run yet
    with open(os.path.join(arr, "summary.txt")) as f:
        assert "0 of 4 runs done" in f.read()
    for i in range(4):
        run("bash", script, env=dict(os.environ, SLURM_ARRAY_TASK_ID=str(i), SLURM_ARRAY_JOB_ID="1"))
        if i == 1:   # half done: the collect says so and exits 4; submitting again runs the other half
            r = run(PS, "sweep", "--collect", arr, ok=(4,))
            assert "2 of 4 runs done" in r.stdout, r.stdout
            r = run(PS, "sweep", *QUICK, "--seeds", "2", *grid, "--slurm", "--dry-run", "--checkpoint-every", "150", "--out", arr)
            assert "--array=2-3" in r.stdout, r.stdout
    with open(os.path.join(arr, "setting-1", "seed-2", "config.json")) as f:
        assert re.search(r'"lr": *0.03\b', f.read())
    run(PS, "sweep", "--collect", arr, "--curve", "metric", "--quiet")
    same_runs(os.path.join(local, "losses.npz"), os.path.join(arr, "losses.npz"), "local sweep vs array elements run by hand")
    with open(os.path.join(arr, "summary.txt")) as f:
        s = f.read()
    assert "settings side by side" in s and "\nlr=0.01 " in s and "\nlr=0.03 " in s, s
    with open(os.path.join(arr, "curves.csv")) as f:
        assert f.readline().startswith("setting,episode,median")
    # the same command again: every element is done, nothing to submit (no sbatch needed)
    r = run(PS, "sweep", *QUICK, "--seeds", "2", *grid, "--slurm", "--checkpoint-every", "150", "--out", arr)
    assert "nothing to submit" in r.stdout, r.stdout
    expect_fail("holds another sweep", "sweep", *QUICK, "--seeds", "3", *grid, "--slurm", "--dry-run", "--out", arr)
    # (the other bad input, which needs no sweep folder: tests/slurm.cmake)


# ---- a one-node cluster on localhost

class Cluster:
    def __init__(self, tmp):
        self.tmp = tmp
        self.procs = []
        self.env = dict(os.environ, SLURM_CONF=os.path.join(tmp, "slurm.conf"))

    def log_tails(self):
        out = ""
        for name in ("munged.log", "munged.out", "slurmctld.log", "slurmd.log", "slurmctld.out", "slurmd.out"):
            p = os.path.join(self.tmp, name)
            if os.path.exists(p):
                with open(p, errors="replace") as f:
                    out += f"--- {name} (last lines)\n" + "".join(f.readlines()[-15:])
        return out

    def fail(self, why):
        sys.exit(f"FAIL: {why}\n{self.log_tails()}")

    def wait_for(self, what, check, timeout, every=0.2):
        t0 = time.time()
        while time.time() - t0 < timeout:
            for p in self.procs:
                if p.poll() is not None:
                    self.fail(f"{p.args[0]} exited with {p.returncode} while waiting for {what}")
            if check():
                return
            time.sleep(every)
        self.fail(f"timed out after {timeout} s waiting for {what}")

    def start(self):
        t = self.tmp
        self.t0 = time.time()
        for d in ("munge", "state", "spool"):   # munge's socket folder must be open to all (0755)
            os.makedirs(os.path.join(t, d), mode=0o755 if d == "munge" else 0o700)
        key = os.path.join(t, "munge", "munge.key")
        with open(key, "wb") as f:   # a fresh key: nothing of the system's munge is touched
            f.write(os.urandom(1024))
        os.chmod(key, 0o400)
        sock = os.path.join(t, "munge", "munge.socket")
        munged = shutil.which("munged") or "/usr/sbin/munged"
        # in the foreground: this script owns it, stops it and reaps it
        self.procs.append(subprocess.Popen([munged, "--foreground", "--force", f"--socket={sock}", f"--key-file={key}",
                                            f"--pid-file={t}/munged.pid", f"--log-file={t}/munged.log", f"--seed-file={t}/munge/seed"],
                                           stdout=open(os.path.join(t, "munged.out"), "w"), stderr=subprocess.STDOUT))
        self.wait_for("munged's socket", lambda: os.path.exists(sock), 20, 0.1)
        ports = []
        for _ in range(2):
            s = socket.socket()
            s.bind(("127.0.0.1", 0))
            ports.append(s.getsockname()[1])
            s.close()
        with open(os.path.join(t, "slurm.conf"), "w") as f:
            f.write(f"""ClusterName=pstest
SlurmctldHost=localhost(127.0.0.1)
SlurmctldPort={ports[0]}
SlurmdPort={ports[1]}
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket={sock}
StateSaveLocation={t}/state
SlurmdSpoolDir={t}/spool
SlurmctldPidFile={t}/slurmctld.pid
SlurmdPidFile={t}/slurmd.pid
SlurmctldLogFile={t}/slurmctld.log
SlurmdLogFile={t}/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_CPU
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/none
MpiDefault=none
MailProg=/bin/true
SwitchType=switch/none
ReturnToService=2
KillWait=5
MinJobAge=600
NodeName=localhost NodeAddr=127.0.0.1 CPUs={len(os.sched_getaffinity(0))} State=UNKNOWN
PartitionName=ps Nodes=localhost Default=YES MaxTime=INFINITE State=UP
""")
        ctld = shutil.which("slurmctld") or "/usr/sbin/slurmctld"
        slurmd = shutil.which("slurmd") or "/usr/sbin/slurmd"
        self.procs.append(subprocess.Popen([ctld, "-D", "-i", "-f", self.env["SLURM_CONF"]], env=self.env,
                                           stdout=open(os.path.join(t, "slurmctld.out"), "w"), stderr=subprocess.STDOUT))
        self.wait_for("slurmctld to answer (scontrol ping)",
                      lambda: "UP" in subprocess.run(["scontrol", "ping"], env=self.env, capture_output=True, text=True).stdout, 30)
        self.procs.append(subprocess.Popen([slurmd, "-D", "-N", "localhost", "-f", self.env["SLURM_CONF"]], env=self.env,
                                           stdout=open(os.path.join(t, "slurmd.out"), "w"), stderr=subprocess.STDOUT))
        self.wait_for("the node to be idle (sinfo)", lambda: subprocess.run(
            ["sinfo", "-h", "-n", "localhost", "-o", "%t"], env=self.env, capture_output=True, text=True).stdout.strip() == "idle", 30)
        print(f"cluster up on ports {ports} ({len(os.sched_getaffinity(0))} CPUs) in {time.time() - self.t0:.1f} s")

    def stop(self):
        # jobs first (their processes outlive slurmd), then the daemons
        ctld_up = len(self.procs) > 1 and self.procs[1].poll() is None
        if ctld_up:
            subprocess.run(["scancel", "--partition=ps"], env=self.env, capture_output=True)
        t0 = time.time()
        while ctld_up and time.time() - t0 < 15 and subprocess.run(["squeue", "-h", "-p", "ps"], env=self.env, capture_output=True,
                                                                   text=True).stdout.strip():
            time.sleep(0.2)
        for p in reversed(self.procs):
            if p.poll() is None:
                p.terminate()
                try:
                    p.wait(10)
                except subprocess.TimeoutExpired:
                    p.kill()
                    p.wait()

    def queue_empty(self, job):
        r = subprocess.run(["squeue", "-h", "-j", job, "-o", "%i %T"], env=self.env, capture_output=True, text=True)
        return r.returncode == 0 and not r.stdout.strip()

    def wait_job(self, job, timeout):
        self.wait_for(f"job {job} to finish", lambda: self.queue_empty(job), timeout, 0.5)


def submit(c, out, *args):
    r = run(PS, "sweep", *args, "--slurm", "--out", out, env=c.env)
    m = re.search(r"submitted job (\d+)", r.stdout)
    if not m:
        c.fail(f"no job id in: {r.stdout}{r.stderr}")
    return m.group(1)


def case_submit(c, tmp):
    out = os.path.join(tmp, "sw")
    t0 = time.time()
    job = submit(c, out, *QUICK, "--seeds", "3", "--checkpoint-every", "100")
    seen = set()
    while True:   # collect while it runs: "k of 3 runs done" and exit 4 until all are done
        r = subprocess.run([PS, "sweep", "--collect", out, "--curve", "metric"], capture_output=True, text=True)
        m = re.search(r"(\d+) of 3 runs done", r.stdout)
        if not m or r.returncode not in (0, 4):
            c.fail(f"collect while running: exit {r.returncode}: {r.stdout}{r.stderr}")
        seen.add(int(m.group(1)))
        if r.returncode == 0:
            break
        if time.time() - t0 > 180:
            c.fail("the sweep did not finish in 180 s: " + subprocess.run(["squeue"], env=c.env, capture_output=True, text=True).stdout)
        time.sleep(0.3)
    c.wait_job(job, 60)
    print(f"ok: job {job} done in {time.time() - t0:.1f} s; collects saw {sorted(seen)} of 3 runs done")
    for i in range(3):
        if not os.path.exists(os.path.join(out, "logs", f"{job}_{i}.log")):
            c.fail(f"no log of element {i}")
    local = os.path.join(tmp, "local")
    run(PS, "sweep", *QUICK, "--seeds", "3", "--threads", "1", "--curve", "metric", "--out", local, "--quiet")
    same_runs(os.path.join(local, "losses.npz"), os.path.join(out, "losses.npz"), "local sweep vs Slurm sweep")
    print(f"the Slurm elements trained for {np.load(os.path.join(out, 'losses.npz'))['train_seconds'].sum():.2f} s in all (metrics.csv)")
    r = run(PS, "sweep", *QUICK, "--seeds", "3", "--checkpoint-every", "100", "--slurm", "--out", out, env=c.env)
    assert "nothing to submit" in r.stdout, r.stdout
    print("ok: submitting the finished sweep again submits nothing")


def case_requeue(c, tmp):
    out = os.path.join(tmp, "sw")
    t0 = time.time()
    job = submit(c, out, *SLOW, "--seeds", "1", "--checkpoint-every", SLOW_CKPT, "--requeue")
    ckpt = os.path.join(out, "seed-1", "checkpoint.npz")
    while not os.path.exists(ckpt):
        if time.time() - t0 > 120:
            c.fail("no first checkpoint within 120 s")
        time.sleep(0.02)
    # The signal Slurm sends a --requeue element before its time limit (--signal=B:USR1@...): the
    # element's script requeues itself with `scontrol requeue`, as a preempted element is.
    r = subprocess.run(["scancel", "--batch", "--signal=USR1", f"{job}_0"], env=c.env, capture_output=True, text=True)
    if r.returncode != 0:
        c.fail(f"scancel --batch --signal=USR1 {job}_0: {r.stdout}{r.stderr}")
    t_requeue = time.time()
    # Slurm holds a requeued job ~2 minutes (Reason=BeginTime) before it may start again; the
    # test makes it eligible at once when it is back in the queue
    def requeued_state():
        out = subprocess.run(["scontrol", "show", "job", f"{job}_0"], env=c.env, capture_output=True, text=True).stdout
        state, restarts = re.search(r"JobState=(\w+)", out), re.search(r"Restarts=(\d+)", out)
        return (state.group(1) if state else "GONE"), (int(restarts.group(1)) if restarts else 0)
    c.wait_for("the requeued element back in the queue", lambda: requeued_state()[1] >= 1 and requeued_state()[0] != "COMPLETING", 60, 0.25)
    if requeued_state()[0] == "PENDING":
        subprocess.run(["scontrol", "update", f"JobId={job}_0", "StartTime=now"], env=c.env, capture_output=True)
    c.wait_job(job, 120)
    print(f"ok: element requeued {t_requeue - t0:.1f} s after submission, done after {time.time() - t0:.1f} s")
    with open(os.path.join(out, "logs", f"{job}_0.log")) as f:
        log = f.read()
    m = re.search(r"resumed from checkpoint .* at episode (\d+)", log)
    if "time limit near: requeueing" not in log:
        c.fail(f"the element did not requeue itself on USR1; its log:\n{log[-3000:]}")
    if not m or not 0 < int(m.group(1)) < 1500:
        c.fail(f"the requeued element did not resume mid-run; its log:\n{log[-3000:]}")
    print(f"ok: the log says: {m.group(0)}")
    run(PS, "sweep", "--collect", out, "--quiet")
    print(f"the element trained for {np.load(os.path.join(out, 'losses.npz'))['train_seconds'].sum():.2f} s in its two pieces (metrics.csv)")
    straight = os.path.join(tmp, "straight")
    run(PS, "train", *SLOW, "--seed", "1", "--checkpoint-every", SLOW_CKPT, "--out", straight, "--quiet")
    a = np.genfromtxt(os.path.join(straight, "metrics.csv"), delimiter=",", names=True)
    b = np.genfromtxt(os.path.join(out, "seed-1", "metrics.csv"), delimiter=",", names=True)
    for k in ("episode", "loss", "metric", "eta", "grad_norm"):
        if not np.array_equal(a[k], b[k]):
            c.fail(f"metrics.csv column {k} differs between the requeued element and an uninterrupted run")
    ca, cb = np.load(os.path.join(straight, "checkpoint.npz")), np.load(ckpt)
    keys = [k for k in ca.files if k.startswith(("param/", "optim/", "state/"))]
    for k in keys:
        if not np.array_equal(ca[k], cb[k]):
            c.fail(f"checkpoint array {k} differs between the requeued element and an uninterrupted run")
    print(f"ok: requeued element = uninterrupted run ({len(a)} metrics rows, {len(keys)} checkpoint arrays)")


def main():
    if MODE not in ("by-hand", "submit", "requeue"):
        sys.exit(__doc__)
    tmp = tempfile.mkdtemp(prefix=f"ps-slurm-{MODE}-")
    os.chmod(tmp, 0o755)   # munged refuses key folders writable by others
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("FAIL: terminated (timeout?)"))
    c = None
    try:
        if MODE == "by-hand":
            by_hand(tmp)
        else:
            for tool in ("sbatch", "slurmctld", "slurmd", "munged"):
                if not (shutil.which(tool) or os.path.exists(f"/usr/sbin/{tool}")):
                    sys.exit(f"FAIL: {tool} not found: install slurm-wlm and munge (tools/deps.txt; tools/setup.sh does)")
            if os.geteuid() != 0:
                sys.exit("FAIL: the Slurm tests start slurmd and slurmctld as root (SlurmUser=root); run them as root")
            c = Cluster(tmp)
            c.start()
            (case_submit if MODE == "submit" else case_requeue)(c, tmp)
    finally:
        if c:
            c.stop()
        shutil.rmtree(tmp, ignore_errors=True)
    # the daemons are reaped by now and counted; the Slurm jobs' processes are not our children
    cpu = os.times()
    print(f"PASS ({MODE}; CPU of this script, the daemons and the runs outside Slurm: "
          f"{cpu.user + cpu.system + cpu.children_user + cpu.children_system:.1f} s)")


if __name__ == "__main__":
    main()
