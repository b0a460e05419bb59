"""Job directories: the private copies (gold, submission, spec) a scoring run reads.

A job directory holds a full copy of a split's gold, so it must be readable by the worker and
by the sandbox uid alone, and it must not outlive its job. Each one lives under one root per
host (``<tmp>/podium-jobs``), is named after the host and the process that made it, and is
0700, or 0710 with the sandbox's group when the worker runs as root and drops to that uid: the
sandbox can then traverse it to the group-readable copies (grant_read) and list nothing.

A baseline run's work directory (``make_baseline_dir``: copies of the training data and gold,
the trained model, the predictions) lives in the same root under its own prefix: it is made by
the worker for a child that runs as the worker, so it is plainly 0700.

A worker killed mid-job (SIGKILL, OOM, a lost machine) never reaches its ``finally``, so
``job_dirs_sweep`` removes what is left: directories of a process of this host that is gone, and
any directory older than a run can last. Workers call it when they start, for both kinds, and
the submission sweeper (job directories) and the baseline sweeper (baseline directories) on
every pass.
"""

from __future__ import annotations

import os
import shutil
import socket
import tempfile
import time
from pathlib import Path

from .base import Identity

PREFIX = "podium-job-"
BASELINE_PREFIX = "podium-baseline-"
ROOT_NAME = "podium-jobs"


def job_root(parent: str | os.PathLike | None = None) -> Path:
    """The folder all job directories of this host live in (made 0711: no listing)."""
    root = Path(parent) if parent is not None else Path(tempfile.gettempdir()) / ROOT_NAME
    root.mkdir(mode=0o711, parents=True, exist_ok=True)
    return root


def _host() -> str:
    return "".join(c if c.isalnum() else "_" for c in socket.gethostname())[:40] or "host"


def _owned_dir(prefix: str, parent: str | os.PathLike | None) -> Path:
    """A fresh 0700 directory (mkdtemp's mode) named after this host and process."""
    return Path(tempfile.mkdtemp(prefix=f"{prefix}{_host()}-{os.getpid()}-", dir=job_root(parent)))


def make_job_dir(parent: str | os.PathLike | None = None) -> Path:
    """A fresh job directory owned by the worker, private to it and (if any) the sandbox uid."""
    path = _owned_dir(PREFIX, parent)
    identity = Identity.default()
    if identity is None:
        path.chmod(0o700)  # the sandbox runs as the worker itself
    else:
        os.chown(path, -1, identity.gid)
        path.chmod(0o710)
    return path


def make_baseline_dir(parent: str | os.PathLike | None = None) -> Path:
    """A fresh work directory for one baseline run, private to the worker (and its child)."""
    return _owned_dir(BASELINE_PREFIX, parent)


def _owner_gone(name: str, prefix: str) -> bool:
    """Whether the directory's maker was a process of this host that no longer runs."""
    parts = name[len(prefix) :].rsplit("-", 2)  # host, pid, mkdtemp's random part
    if len(parts) != 3 or parts[0] != _host() or not parts[1].isdigit():
        return False
    pid = int(parts[1])
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    except PermissionError:
        return False  # alive, another user's
    return False


def job_dirs_sweep(
    *,
    max_age_s: float,
    parent: str | os.PathLike | None = None,
    now: float | None = None,
    prefix: str = PREFIX,
) -> list[Path]:
    """Remove the directories named ``prefix``... (job directories unless told otherwise) whose
    process is gone or that are older than ``max_age_s``."""
    root = job_root(parent)
    now = time.time() if now is None else now
    removed = []
    for entry in os.scandir(root):
        if not entry.name.startswith(prefix) or not entry.is_dir(follow_symlinks=False):
            continue
        try:
            old = now - entry.stat(follow_symlinks=False).st_mtime > max_age_s
        except FileNotFoundError:
            continue  # its job finished meanwhile
        if old or _owner_gone(entry.name, prefix):
            shutil.rmtree(entry.path, ignore_errors=True)
            removed.append(Path(entry.path))
    return removed
