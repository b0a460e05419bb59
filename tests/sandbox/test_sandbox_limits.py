"""Limits hold: processes, memory, CPU, file size, wall clock, output size, no leftovers."""

import os
import signal
import subprocess
import sys
import uuid

import pytest

from podium.sandbox import Limits, prepare_output_dir, python_binds, run_sandboxed
from podium.sandbox.base import Identity

pytestmark = pytest.mark.usefixtures("sandbox")


def text(data: bytes) -> str:
    return data.decode("utf-8", "replace")


FORK_BOMB = """
import os, time
children = 0
for _ in range(200):  # bounded: if the limit failed we stop at 200, not at the host's
    try:
        pid = os.fork()
    except OSError as exc:
        print("fork refused after", children, exc.errno)
        break
    if pid == 0:
        time.sleep(30)
        os._exit(0)
    children += 1
else:
    print("forked", children)
"""


def test_fork_bomb_is_capped_by_the_process_limit(run_py):
    result = run_py(FORK_BOMB, limits=Limits(processes=12, cpu_s=30, memory_mb=1024))
    words = text(result.stdout).split()
    assert words[:3] == ["fork", "refused", "after"], text(result.stdout + result.stderr)
    # 12 tasks of the sandbox uid: bwrap, the program, and at most 10 children.
    assert int(words[3]) <= 10
    assert int(words[4]) == 11  # EAGAIN
    # The sleepers die with the namespace: the run returns at once, not after 30 s.
    assert result.duration_s < 20


def test_without_dropping_root_the_process_limit_would_not_hold(run_py):
    """Negative control for the test above: bwrap started by real root (its user namespace
    maps the program to uid 0 outside) is exempt from RLIMIT_NPROC, which is why the runner
    drops to an unprivileged uid before exec'ing bwrap."""
    if os.geteuid() != 0:
        pytest.skip("only meaningful when the worker is root")
    result = run_sandboxed(
        [sys.executable, "-c", FORK_BOMB],
        readonly_binds=python_binds(),
        limits=Limits(processes=12, cpu_s=30, memory_mb=1024),
        timeout_s=30,
        identity=None,
    )
    assert text(result.stdout).split()[:2] == ["forked", "200"], text(result.stdout)
    assert result.duration_s < 20  # the 200 sleepers died with the namespace


def test_memory_hog_is_stopped_by_the_address_space_limit(run_py):
    result = run_py(
        "x = bytearray(2 * 1024 ** 3)\nprint('ALLOCATED')",
        limits=Limits(memory_mb=256, cpu_s=30),
    )
    assert result.returncode != 0
    assert "ALLOCATED" not in text(result.stdout)
    assert "MemoryError" in text(result.stderr)


def test_cpu_burner_is_killed_by_the_cpu_limit(run_py):
    result = run_py("while True: pass", limits=Limits(cpu_s=1), timeout_s=30)
    # The program is pid 1 of its namespace, and the kernel drops SIGXCPU for a namespace's init
    # (no handler): the hard limit's SIGKILL one second later ends it. A child would see SIGXCPU.
    assert result.signal in (signal.SIGXCPU, signal.SIGKILL)
    assert result.killed_by_limit in ("cpu", "killed")
    assert not result.timed_out and result.duration_s < 20


def test_big_file_is_stopped_by_the_file_size_limit(run_py, tmp_path):
    out = prepare_output_dir(tmp_path / "out", Identity.default())
    result = run_py(
        "open('/output/big', 'wb').write(b'x' * (8 * 1024 * 1024))",
        limits=Limits(file_size_mb=1),
        output_dir=out,
    )
    # pid 1 gets no SIGXFSZ (see the CPU test), so the write fails with EFBIG instead.
    assert result.killed_by_limit == "file_size" or "File too large" in text(result.stderr)
    assert result.returncode != 0
    assert (out / "big").stat().st_size <= 1024 * 1024


def test_hanging_program_is_killed_at_the_timeout(run_py):
    result = run_py("import time; time.sleep(120)", timeout_s=1.5)
    assert result.timed_out and result.killed_by_limit == "timeout"
    assert not result.ok
    # Loose bounds: killed at the deadline, not at the end of the sleep.
    assert 1.4 <= result.duration_s < 15


def test_double_forked_sleeper_does_not_survive(run_py):
    marker = f"podium-sandbox-leftover-{uuid.uuid4().hex}"
    result = run_py(
        f"""
        import os, subprocess
        if os.fork() == 0:
            os.setsid()
            if os.fork() == 0:
                os.execv("/bin/sh", ["/bin/sh", "-c", "sleep 60; echo {marker}"])
            os._exit(0)
        os.wait()
        print("parent done")
        """
    )
    assert "parent done" in text(result.stdout), text(result.stderr)
    found = subprocess.run(["pgrep", "-f", marker], capture_output=True, text=True)
    assert found.stdout == "", f"leftover processes: {found.stdout}"


def test_hung_program_with_children_leaves_nothing_after_timeout(run_py):
    marker = f"podium-sandbox-hung-{uuid.uuid4().hex}"
    result = run_py(
        f"""
        import os, time
        for _ in range(3):
            if os.fork() == 0:
                os.setsid()
                os.execv("/bin/sh", ["/bin/sh", "-c", "sleep 60; echo {marker}"])
        time.sleep(60)
        """,
        timeout_s=1,
    )
    assert result.timed_out
    found = subprocess.run(["pgrep", "-f", marker], capture_output=True, text=True)
    assert found.stdout == "", f"leftover processes: {found.stdout}"


def test_huge_stdout_is_capped(run_py):
    result = run_py(
        """
        import sys
        chunk = "x" * 65536
        for _ in range(16 * 1024):  # 1 GiB
            sys.stdout.write(chunk)
        """,
        limits=Limits(output_bytes=64 * 1024, cpu_s=60),
        timeout_s=60,
    )
    assert len(result.stdout) == 64 * 1024
    assert result.stdout_truncated and not result.stderr_truncated


def test_stdout_and_stderr_are_kept_apart(run_py):
    result = run_py("import sys; print('out'); print('err', file=sys.stderr); sys.exit(3)")
    assert (result.returncode, result.stdout, result.stderr) == (3, b"out\n", b"err\n")
    assert result.signal is None and result.killed_by_limit is None


def test_worker_process_keeps_its_environment_and_ids():
    # The drop to nobody and the rlimits happen in the child only.
    assert os.getuid() == os.geteuid()
