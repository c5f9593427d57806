"""Ctrl-C during Task.train: a SIGINT to a Python process training patterns/paper (N = 1001,
~0.1 s a step) raises KeyboardInterrupt at once (15 ms measured; the test allows 2 s on a loaded
machine), the step under way is not taken (the task's counters and parameters are those of the
last finished step: another step runs), and the task goes on training. On a terminal, train()
draws the CLI's progress bar.
"""
import os
import pty
import signal
import subprocess
import sys
import time

child = r"""
import sys, time
import plastiscope as ps
t = ps.Task("patterns", preset="paper", seed=1)
print("ready", flush=True)
try:
    t.train(100000)
except KeyboardInterrupt:
    print(f"\ninterrupted at {time.time():.3f} after {t.episode} episodes", flush=True)
    n = t.episode
    st = t.train_step()  # the task is still usable
    assert t.episode == n + 1 and st["loss"] == st["loss"], st
    print("usable", flush=True)
"""
p = subprocess.Popen([sys.executable, "-c", child], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                     env=dict(os.environ))
line = p.stdout.readline()
assert line.strip() == "ready", (line, p.stderr.read())
time.sleep(3.0)
sent = time.time()
p.send_signal(signal.SIGINT)
out, err = p.communicate(timeout=60)
assert p.returncode == 0, f"exit {p.returncode}: {err}"
assert "usable" in out, out + err
when = float(out.split("interrupted at ")[1].split()[0])
episodes = int(out.split(" after ")[1].split()[0])
latency = when - sent
assert latency < 2.0, f"KeyboardInterrupt came {latency:.2f} s after the signal"
assert episodes >= 1, f"no episode trained in 3 s: {out}"
print(f"ok interrupted {latency * 1000:.0f} ms after SIGINT, {episodes} episodes done, the task still trains")

# On a terminal, train() draws the CLI's progress bar; with progress=False nothing is printed.
bar = r"""
import plastiscope as ps
t = ps.Task("patterns", preset="bits50", seed=1)
t.train(30)
print("quiet:", end="")
t.train(5, progress=False)
print("end")
"""
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.executable, [sys.executable, "-c", bar])
chunks = []
while True:
    try:
        b = os.read(fd, 4096)
    except OSError:
        break
    if not b:
        break
    chunks.append(b)
os.waitpid(pid, 0)
screen = b"".join(chunks).decode()
assert "\r[" in screen and "30/30" in screen and "ep/s" in screen, repr(screen)
assert "quiet:end" in screen, repr(screen)
print("ok progress bar on a terminal:", [s for s in screen.split("\r") if "30/30" in s][-1].split("\n")[0].strip())
