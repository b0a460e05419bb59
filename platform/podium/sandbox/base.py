"""Value types and errors shared by the sandbox modules (no Django, no I/O)."""

from __future__ import annotations

import os
import signal as _signal
from dataclasses import dataclass

MIB = 1024 * 1024

# The sandboxed program's user when the worker runs as root. 65534 is "nobody" on Debian; a
# dedicated, otherwise unused uid is better in production because RLIMIT_NPROC counts every
# process of that uid on the host (see docs/sandbox.md).
NOBODY = 65534


class SandboxError(RuntimeError):
    """The sandbox could not be set up for this run (a bad bind, an unreadable input...)."""


class SandboxUnavailable(SandboxError):
    """bubblewrap cannot run here and unsandboxed execution was not allowed."""


class OutputFileError(SandboxError):
    """An output file is missing, not a regular file, or too large."""


@dataclass(frozen=True)
class Limits:
    """Resource limits applied with setrlimit before exec (prlimit semantics: per process).

    ``processes`` counts tasks (threads too) of the sandbox uid, bubblewrap's own process
    included; see docs/sandbox.md.
    """

    cpu_s: int = 300
    memory_mb: int = 4096
    file_size_mb: int = 64
    processes: int = 64
    open_files: int = 256
    tmp_mb: int = 64
    # Per stream: stdout and stderr are each read up to this many bytes, the rest is discarded.
    output_bytes: int = 1 * MIB


@dataclass(frozen=True)
class Identity:
    """Who the sandboxed program runs as (real, effective and saved ids; no extra groups)."""

    uid: int = NOBODY
    gid: int = NOBODY

    @classmethod
    def default(cls) -> Identity | None:
        """Drop to nobody when we are root; otherwise keep the worker's own, already
        unprivileged, identity (``None`` means "do not change ids")."""
        return cls() if os.geteuid() == 0 else None


@dataclass(frozen=True)
class SandboxResult:
    # Exit status of the program; negative for a signal (like subprocess). Under bubblewrap a
    # program killed by signal N is reported by bwrap as 128+N, which we map back to -N: a program
    # that itself calls exit(137) is indistinguishable from one killed by SIGKILL.
    returncode: int
    stdout: bytes
    stderr: bytes
    stdout_truncated: bool
    stderr_truncated: bool
    timed_out: bool
    duration_s: float
    sandboxed: bool

    @property
    def signal(self) -> int | None:
        return -self.returncode if self.returncode < 0 else None

    @property
    def killed_by_limit(self) -> str | None:
        """Which limit ended the run, where the kernel tells us: "timeout", "cpu" (SIGXCPU),
        "file_size" (SIGXFSZ), "killed" (SIGKILL: most often the CPU hard limit one second after
        SIGXCPU, which the kernel does not deliver to the program because it is pid 1 of its
        namespace; else the OOM killer). Running out of address space is not a signal: the program
        sees ENOMEM / MemoryError and usually exits with an error."""
        if self.timed_out:
            return "timeout"
        # Keyed by int: `signal` is a plain number, and a Signals member hashes as its value.
        limits: dict[int, str] = {
            _signal.SIGXCPU: "cpu",
            _signal.SIGXFSZ: "file_size",
            _signal.SIGKILL: "killed",
        }
        return limits.get(self.signal or 0)

    @property
    def ok(self) -> bool:
        return self.returncode == 0 and not self.timed_out
