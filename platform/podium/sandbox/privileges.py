"""What the child does between fork and exec: staging mounts, rlimits, dropping root.

Why all of this happens in one ``preexec_fn`` and not with Popen's ``user=``/``group=``:
subprocess changes ids *before* calling preexec_fn, and the staging mounts need root. The
preexec function only makes async-signal-tolerant system calls (no imports, no logging), which
is the documented way to keep preexec_fn safe enough in a forked child.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import resource
import stat
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .base import MIB, Identity, Limits

CLONE_NEWNS = 0x00020000
MS_NOSUID = 2
MS_NODEV = 4
MS_BIND = 4096
MS_REC = 16384
MS_PRIVATE = 1 << 18

# The host directory the child covers with a tmpfs of its own to hold its stage points. It stays
# empty on the host: a run creates and removes nothing on disk, which mattered here (a mkdtemp,
# two mkdirs and an rmtree on this ext4, mounted with `discard`, cost 5 to 10 ms per run).
STAGE_DIR_NAME = "podium-stage"

_libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6", use_errno=True)


@dataclass(frozen=True)
class StagedMount:
    """``source`` (a path the sandbox uid cannot reach, e.g. under /root, mode 0700) is bind
    mounted on ``stage`` (an empty file or directory the child makes in a tmpfs it mounts on the
    stage root) in a private mount namespace of the child only; bwrap, already running as the
    sandbox uid, then binds ``stage`` to the path the program sees. Nothing changes on the host."""

    source: str
    stage: str
    is_dir: bool


def stage_root() -> Path:
    """The (empty, 0711, root's) host directory the children mount their staging tmpfs on.

    Made once per host; refused if it is anything but a real directory of ours, since a child
    mounts onto whatever the path resolves to."""
    root = Path(tempfile.gettempdir()) / STAGE_DIR_NAME
    root.mkdir(mode=0o711, exist_ok=True)
    st = os.lstat(root)
    if not stat.S_ISDIR(st.st_mode) or st.st_uid != os.geteuid():
        raise OSError(f"{root} must be a directory owned by uid {os.geteuid()}")
    if st.st_mode & 0o7777 != 0o711:
        os.chmod(root, 0o711)
    return root


def reachable(path: str, identity: Identity) -> bool:
    """Whether ``identity`` can traverse every directory above ``path`` (mode bits only).

    bwrap 0.8 resolves every bind source with realpath() as the unprivileged sandbox uid, even
    for --ro-bind-fd, so a source below a 0700 directory (/root here) fails with EACCES.
    """
    for parent in Path(path).parents:
        st = os.stat(parent)
        if st.st_uid == identity.uid:
            bit = stat.S_IXUSR
        elif st.st_gid == identity.gid:
            bit = stat.S_IXGRP
        else:
            bit = stat.S_IXOTH
        if not st.st_mode & bit:
            return False
    return True


def readable(path: str, identity: Identity) -> bool:
    """Whether ``identity`` may read the file or list the directory itself (mode bits only)."""
    st = os.stat(path)
    want = stat.S_IRUSR | (stat.S_IXUSR if stat.S_ISDIR(st.st_mode) else 0)
    if st.st_uid == identity.uid:
        shift = 0
    elif st.st_gid == identity.gid:
        shift = 3
    else:
        shift = 6
    return st.st_mode & (want >> shift) == want >> shift


def plan_staging(
    sources: Sequence[str], identity: Identity | None, root: Path | None = None
) -> dict[str, StagedMount]:
    """Map each source the identity cannot reach to a stage path under the stage root (made by
    the child, see make_preexec; nothing is created here).

    Returns ``{source: StagedMount}``; sources the identity can reach are bound directly, so a
    production image with Python in /usr/local needs no mount namespace (and no CAP_SYS_ADMIN).
    """
    staged: dict[str, StagedMount] = {}
    if identity is None:
        return staged
    for source in sources:
        if source in staged or reachable(source, identity):
            continue
        root = root or stage_root()
        staged[source] = StagedMount(
            source=source, stage=str(root / str(len(staged))), is_dir=os.path.isdir(source)
        )
    return staged


def _check(rc: int, what: str) -> None:
    if rc != 0:
        err = ctypes.get_errno()
        raise OSError(err, f"{what}: {os.strerror(err)}")


def _rlimits(limits: Limits) -> list[tuple[int, int, int]]:
    return [
        # soft < hard: SIGXCPU first (reported as "cpu"), SIGKILL one second later if ignored.
        (resource.RLIMIT_CPU, limits.cpu_s, limits.cpu_s + 1),
        (resource.RLIMIT_AS, limits.memory_mb * MIB, limits.memory_mb * MIB),
        (resource.RLIMIT_FSIZE, limits.file_size_mb * MIB, limits.file_size_mb * MIB),
        (resource.RLIMIT_NPROC, limits.processes, limits.processes),
        (resource.RLIMIT_NOFILE, limits.open_files, limits.open_files),
        # No core files: they would be written into the output dir or fail on read-only mounts.
        (resource.RLIMIT_CORE, 0, 0),
    ]


def make_preexec(
    limits: Limits, identity: Identity | None, staged: Sequence[StagedMount]
) -> Callable[[], None]:
    """Build the function the forked child runs just before exec'ing bwrap (or the program)."""
    rlimits = _rlimits(limits)
    mounts = [(m.source.encode(), m.stage.encode(), m.is_dir) for m in staged]
    roots = {os.path.dirname(m.stage).encode() for m in staged}
    create = os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW | os.O_CLOEXEC

    def preexec() -> None:
        if mounts:
            # A private mount namespace for this child only: the staging binds never appear on
            # the host and vanish with the last process that uses them.
            _check(_libc.unshare(CLONE_NEWNS), "unshare(CLONE_NEWNS)")
            _check(_libc.mount(b"none", b"/", None, MS_REC | MS_PRIVATE, None), "mount private")
            for root in roots:
                # The stage points live in memory, in this namespace only: no host files to
                # create and remove per run.
                _check(
                    _libc.mount(b"tmpfs", root, b"tmpfs", MS_NOSUID | MS_NODEV, b"mode=0711"),
                    "mount stage tmpfs",
                )
            for source, stage, is_dir in mounts:
                if is_dir:
                    os.mkdir(stage, 0o755)
                else:
                    os.close(os.open(stage, create, 0o644))
                _check(_libc.mount(source, stage, None, MS_BIND | MS_REC, None), "bind stage")
        for which, soft, hard in rlimits:
            resource.setrlimit(which, (soft, hard))
        if identity is not None:
            # Order matters: groups and gid while we still have CAP_SETGID, uid last. A real uid
            # other than 0 is what makes the kernel enforce RLIMIT_NPROC at all.
            os.setgroups([])
            os.setresgid(identity.gid, identity.gid, identity.gid)
            os.setresuid(identity.uid, identity.uid, identity.uid)

    return preexec


def current_task_count(uid: int) -> int:
    """Tasks (threads included) that ``uid`` already runs: RLIMIT_NPROC counts them too, so a
    non-root worker must add them to the limit it gives its sandbox."""
    count = 0
    for entry in os.scandir("/proc"):
        if not entry.name.isdigit():
            continue
        try:
            if entry.stat().st_uid == uid:
                count += len(os.listdir(f"/proc/{entry.name}/task"))
        except OSError:
            continue  # exited while we looked
    return count
