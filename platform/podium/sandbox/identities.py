"""One uid per concurrent sandbox run, so that one run's process limit is its own.

RLIMIT_NPROC is checked against every task of the *real uid*, host-wide. With one sandbox uid
for all runs, a program that forks up to its limit (a fork bomb, or a scorer with a big thread
pool) makes every other run that starts meanwhile fail: bwrap itself cannot fork ("Creating new
namespace failed: Resource temporarily unavailable"), so a hostile upload on one task could fail
other teams' submissions on every task scored by the same host. A root worker therefore claims a
uid from a pool for each run, for as long as the run lasts, with an exclusive `flock` on a lock
file per uid (so the worker processes of one host never share a uid at once, and a claim dies
with its process). The gid stays the shared sandbox gid (nobody's), which is what job copies are
made readable to (`files.grant_read`); each run's output directory is owned by its own uid.

The pool's uids must be unused on the host (no account, no files): PODIUM_SANDBOX_UIDS, a range
`FIRST-LAST`, default 1900000000-1900000063. A non-root worker has no uids to hand out and runs
its sandboxes as itself (`Identity.default()` is None), as before.

The lock files live in `$TMPDIR/podium-sandbox-uids/`. Workers that share a kernel but not a
/tmp (containers: docker/compose.yaml runs two worker replicas) must share that folder (the
compose file mounts one volume there) or be given disjoint PODIUM_SANDBOX_UIDS ranges.
"""

from __future__ import annotations

import fcntl
import os
import random
import stat
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .base import NOBODY, Identity

DEFAULT_UIDS = range(1_900_000_000, 1_900_000_064)
LOCK_DIR_NAME = "podium-sandbox-uids"


def uid_pool(value: str | None = None) -> range:
    """The configured range of sandbox uids (PODIUM_SANDBOX_UIDS, `FIRST-LAST`, inclusive)."""
    value = os.environ.get("PODIUM_SANDBOX_UIDS", "") if value is None else value
    if not value.strip():
        return DEFAULT_UIDS
    first, sep, last = value.partition("-")
    try:
        low, high = int(first), int(last)
    except ValueError:
        low = high = -1
    if not sep or low < 1000 or high < low or high >= 2**32 - 1:
        raise ValueError(
            f"PODIUM_SANDBOX_UIDS must be FIRST-LAST, unused uids from 1000 up "
            f"(e.g. 1900000000-1900000063), not {value!r}"
        )
    return range(low, high + 1)


def _lock_dir() -> Path:
    """Root's 0700 directory of lock files (one per uid), made once per host."""
    path = Path(tempfile.gettempdir()) / LOCK_DIR_NAME
    path.mkdir(mode=0o700, exist_ok=True)
    st = os.lstat(path)
    if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.geteuid():
        raise OSError(f"{path} must be a directory owned by uid {os.geteuid()}")
    if st.st_mode & 0o077:
        os.chmod(path, 0o700)  # a volume mounted here starts 0755
    return path


def _try_lock(path: Path) -> int | None:
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_CLOEXEC | os.O_NOFOLLOW, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        return None
    return fd


@contextmanager
def claimed_identity(sandboxed: bool = True) -> Iterator[Identity | None]:
    """The identity one sandbox run uses, held for the duration of the `with` block.

    None when not sandboxed or not root (the run keeps the worker's ids). Every uid of the pool
    in use (more concurrent runs on this host than uids) waits for one to come free.
    """
    if not sandboxed or Identity.default() is None:
        yield None
        return
    pool = uid_pool()
    folder = _lock_dir()
    # A random start spreads claims, so a crashed holder's uid is not the first one tried.
    start = random.randrange(len(pool))
    fd: int | None = None
    uid = pool[start]
    for offset in range(len(pool)):
        uid = pool[(start + offset) % len(pool)]
        fd = _try_lock(folder / str(uid))
        if fd is not None:
            break
    if fd is None:
        fd = os.open(folder / str(uid), os.O_RDWR | os.O_CREAT | os.O_CLOEXEC, 0o600)
        fcntl.flock(fd, fcntl.LOCK_EX)  # all taken: wait for this one
    try:
        yield Identity(uid=uid, gid=NOBODY)
    finally:
        os.close(fd)  # releases the lock
