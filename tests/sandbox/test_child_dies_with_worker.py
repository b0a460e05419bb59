"""A child started with `killed_with_parent` dies with a SIGKILLed worker; without it, the child
(in its own session) lives on. The baseline runs' training process is started this way."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

WORKER = """
import sys
from podium.sandbox.process import killed_with_parent, run_captured
run_captured(
    ["/bin/sh", "-c", 'echo $$ > "$0"; exec sleep 60', sys.argv[1]],
    env={"PATH": "/usr/bin:/bin"},
    cwd="/",
    timeout_s=120,
    output_cap=1024,
    preexec_fn=killed_with_parent() if sys.argv[2] == "yes" else None,
)
"""


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"  # a zombie has ended; only its parent's wait is missing


def child_of_a_killed_worker(tmp_path: Path, guarded: bool) -> int:
    pidfile = tmp_path / f"child-{guarded}.pid"
    worker = subprocess.Popen(
        [sys.executable, "-c", WORKER, str(pidfile), "yes" if guarded else "no"]
    )
    deadline = time.monotonic() + 20
    while not (pidfile.exists() and pidfile.read_text().strip()):
        assert time.monotonic() < deadline, "the child never started"
        time.sleep(0.05)
    child = int(pidfile.read_text())
    worker.send_signal(signal.SIGKILL)
    worker.wait()
    return child


def test_the_child_dies_with_its_killed_worker(tmp_path):
    child = child_of_a_killed_worker(tmp_path, guarded=True)
    deadline = time.monotonic() + 10
    while alive(child):
        assert time.monotonic() < deadline, "the child outlived its worker"
        time.sleep(0.05)


def test_without_it_the_child_outlives_its_worker(tmp_path):
    """Negative control: what baseline runs did before."""
    child = child_of_a_killed_worker(tmp_path, guarded=False)
    try:
        time.sleep(0.5)
        assert alive(child)
    finally:
        if alive(child):
            os.kill(child, signal.SIGKILL)
