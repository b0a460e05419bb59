"""Start a child in its own process group, read its output with a cap, kill it at the deadline.

One thread, one select() loop: no reader threads that a hostile program could block forever by
holding a pipe open, and never more than ``cap`` bytes per stream in the worker's memory (a
program printing 1 GB costs the worker CPU to discard it, bounded by the timeout, not memory).
"""

from __future__ import annotations

import contextlib
import ctypes
import ctypes.util
import os
import selectors
import signal
import subprocess
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass

# After the program exits (or is killed) we keep draining its pipes this long: enough for the
# kernel to deliver buffered output, short enough that an escaped grandchild holding the pipe
# (possible only unsandboxed) cannot stall the worker.
DRAIN_GRACE_S = 1.0
# Where pidfd_open is missing (Linux < 5.3, or a seccomp profile that refuses it) we fall back to
# polling for the exit this often; with a pidfd the loop wakes the moment the child exits.
POLL_S = 0.05


@dataclass
class Captured:
    returncode: int
    stdout: bytes
    stderr: bytes
    stdout_truncated: bool
    stderr_truncated: bool
    timed_out: bool
    duration_s: float


class _Sink:
    def __init__(self, cap: int) -> None:
        self.cap = cap
        self.chunks: list[bytes] = []
        self.size = 0
        self.truncated = False

    def feed(self, data: bytes) -> None:
        room = self.cap - self.size
        if len(data) > room:
            self.truncated = True
            data = data[: max(room, 0)]
        if data:
            self.chunks.append(data)
            self.size += len(data)

    def value(self) -> bytes:
        return b"".join(self.chunks)


PR_SET_PDEATHSIG = 1
_libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)


def killed_with_parent() -> Callable[[], None]:
    """A preexec_fn: the child gets SIGKILL when the process that started it dies.

    A child in its own session outlives a SIGKILLed worker otherwise: a baseline's training
    process went on using the GPU until it next wrote to its closed stderr. (Under bwrap,
    --die-with-parent does this.) If the parent is already gone by the time the child asks,
    the child exits at once."""
    parent = os.getpid()

    def preexec() -> None:
        _libc.prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        if os.getppid() != parent:
            os._exit(1)

    return preexec


def _killpg(pgid: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):  # already gone
        os.killpg(pgid, signal.SIGKILL)


def _exited(pid: int) -> bool:
    # WNOWAIT: do not reap yet. The zombie keeps the pid (and so the process group id) from being
    # reused, so the final killpg() cannot hit an unrelated group.
    return os.waitid(os.P_PID, pid, os.WEXITED | os.WNOHANG | os.WNOWAIT) is not None


def _pidfd(pid: int) -> int | None:
    """A descriptor that becomes readable when ``pid`` exits, so the select() loop learns of the
    exit at once. Polling instead cost up to POLL_S per run: half of a small program's overhead."""
    try:
        return os.pidfd_open(pid)
    except (AttributeError, OSError):
        return None


def run_captured(
    argv: list[str],
    *,
    env: Mapping[str, str],
    cwd: str,
    timeout_s: float,
    output_cap: int,
    preexec_fn: Callable[[], None] | None,
    on_stderr: Callable[[bytes], None] | None = None,
) -> Captured:
    """Run `argv` to its end or its deadline; `on_stderr`, if given, sees every chunk of stderr as
    it arrives (before the cap), for callers that follow a long run's progress."""
    start = time.monotonic()
    deadline = start + timeout_s
    proc = subprocess.Popen(
        argv,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=dict(env),
        cwd=cwd,
        close_fds=True,
        # Its own session and process group, so one killpg() reaches everything it started
        # (that stayed in the group; under bwrap the pid namespace catches the rest).
        start_new_session=True,
        preexec_fn=preexec_fn,
    )
    pgid = proc.pid
    stdout, stderr = proc.stdout, proc.stderr
    if stdout is None or stderr is None:  # cannot happen: both were asked for as PIPE
        raise RuntimeError("subprocess.Popen gave no pipe for stdout or stderr")
    stdout_sink, stderr_sink = _Sink(output_cap), _Sink(output_cap)
    sinks = {stdout.fileno(): stdout_sink, stderr.fileno(): stderr_sink}
    selector = selectors.DefaultSelector()
    for fd in sinks:
        os.set_blocking(fd, False)
        selector.register(fd, selectors.EVENT_READ)
    pidfd = _pidfd(proc.pid)
    if pidfd is not None:
        selector.register(pidfd, selectors.EVENT_READ)
    timed_out = False
    ended_at: float | None = None
    try:
        while True:
            now = time.monotonic()
            if not timed_out and ended_at is None and now >= deadline:
                timed_out = True
                _killpg(pgid)
            if ended_at is None and _exited(proc.pid):
                ended_at = now
                if pidfd is not None:
                    selector.unregister(pidfd)
            pipes_open = any(fd in sinks for fd in selector.get_map())
            if ended_at is not None and (not pipes_open or now > ended_at + DRAIN_GRACE_S):
                break
            if ended_at is not None:
                wait = ended_at + DRAIN_GRACE_S - now
            elif timed_out:
                wait = POLL_S  # killed: the exit follows at once
            else:
                wait = deadline - now
            if pidfd is None:
                wait = min(wait, POLL_S)
            wait = max(0.0, wait)
            if not selector.get_map():
                time.sleep(wait)
                continue
            for key, _ in selector.select(timeout=wait):
                if key.fd == pidfd:
                    continue  # the exit: seen by _exited() at the top of the loop
                try:
                    data = os.read(key.fd, 65536)
                except BlockingIOError:
                    continue
                if data:
                    sinks[key.fd].feed(data)
                    if on_stderr is not None and sinks[key.fd] is stderr_sink:
                        on_stderr(data)
                else:
                    selector.unregister(key.fd)
    finally:
        # Normal exit or not: take down whatever is left in the group before reaping.
        _killpg(pgid)
        proc.wait()
        selector.close()
        if pidfd is not None:
            os.close(pidfd)
        stdout.close()
        stderr.close()
    return Captured(
        returncode=proc.returncode,
        stdout=stdout_sink.value(),
        stderr=stderr_sink.value(),
        stdout_truncated=stdout_sink.truncated,
        stderr_truncated=stderr_sink.truncated,
        timed_out=timed_out,
        duration_s=time.monotonic() - start,
    )
