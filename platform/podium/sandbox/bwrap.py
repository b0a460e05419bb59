"""The bubblewrap command line: what the sandboxed program can see and do."""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence

from .base import MIB, Limits

DEFAULT_BWRAP = "/usr/bin/bwrap"
OUTPUT_MOUNT = "/output"

# The environment the program sees. Nothing is inherited from the worker (which holds
# SECRET_KEY, DATABASE_URL, broker credentials). One BLAS/OpenMP thread: RLIMIT_NPROC counts
# threads, and numpy's OpenBLAS would otherwise start one per core and hit it.
BASE_ENV: dict[str, str] = {
    "PATH": "/usr/local/bin:/usr/bin:/bin",
    "LANG": "C.UTF-8",
    "LC_ALL": "C.UTF-8",
    "HOME": "/tmp",
    "TMPDIR": "/tmp",
    "PYTHONDONTWRITEBYTECODE": "1",
    "PYTHONUNBUFFERED": "1",
    "OPENBLAS_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MKL_NUM_THREADS": "1",
}

# Top-level system paths: bound read-only if they are real directories, recreated as the same
# symlink if they are symlinks (merged /usr on Debian 12: /bin -> usr/bin, /lib -> usr/lib).
SYSTEM_DIRS = ("/usr", "/bin", "/sbin", "/lib", "/lib32", "/lib64", "/libx32")
# Only what the dynamic loader and time functions need from /etc: no passwd, no hosts, no ssl.
SYSTEM_FILES = ("/etc/ld.so.cache", "/etc/ld.so.conf", "/etc/localtime")
SYSTEM_FILE_DIRS = ("/etc/ld.so.conf.d",)


def system_args() -> list[str]:
    args: list[str] = []
    for path in SYSTEM_DIRS:
        if os.path.islink(path):
            args += ["--symlink", os.readlink(path), path]
        elif os.path.isdir(path):
            args += ["--ro-bind", path, path]
    for path in (*SYSTEM_FILES, *SYSTEM_FILE_DIRS):
        if os.path.exists(path):
            args += ["--ro-bind", path, path]
    return args


def build_argv(
    argv: list[str],
    *,
    bwrap: str,
    readonly_binds: Mapping[str, str],
    output_dir: str | None,
    output_mount: str,
    limits: Limits,
    env: Mapping[str, str],
    cwd: str,
    empty_dirs: Sequence[str] = (),
) -> list[str]:
    """The full bwrap command. ``readonly_binds`` maps host source to sandbox path; the host
    source may be a staging path (see privileges.plan_staging). ``empty_dirs`` are made in the
    sandbox's own root (read-only like it once remounted), not bound from the host."""
    args = [
        bwrap,
        # user, ipc, pid, net, uts, cgroup: no network at all (only a down loopback), and a pid
        # namespace whose death (when bwrap dies) takes every descendant with it.
        "--unshare-all",
        # Also when the worker itself is killed: bwrap gets SIGKILL via PR_SET_PDEATHSIG.
        "--die-with-parent",
        # setsid() for the program: no TIOCSTI injection into a controlling terminal.
        "--new-session",
        # The program itself is pid 1 of its namespace and bwrap's direct child. Without this,
        # bwrap puts a reaper at pid 1, learns the exit status through an eventfd and exits
        # without reaping it: the orphaned reaper is left as a zombie of the host's init (seen
        # here), and a zombie still counts against RLIMIT_NPROC for the next run. When pid 1
        # exits the kernel SIGKILLs everything else in the namespace.
        "--as-pid-1",
        "--clearenv",
        *system_args(),
        "--proc",
        "/proc",
        "--dev",
        "/dev",
        # A size-capped private /tmp: tmpfs pages are not charged to RLIMIT_AS.
        "--size",
        str(limits.tmp_mb * MIB),
        "--tmpfs",
        "/tmp",
    ]
    for source, dest in readonly_binds.items():
        args += ["--ro-bind", source, dest]
    if output_dir is not None:
        args += ["--bind", output_dir, output_mount]
    for path in empty_dirs:
        args += ["--dir", path]
    # bwrap's root and /dev are tmpfs mounts without a size cap and are writable by the sandbox
    # uid (it owns them inside its user namespace): make both read-only once everything is
    # mounted, so /tmp and the output dir are the only writable places. This also makes
    # /dev/shm read-only (no POSIX semaphores; scorers do not need them).
    args += ["--remount-ro", "/dev", "--remount-ro", "/", "--chdir", cwd]
    for key, value in env.items():
        args += ["--setenv", key, value]
    return [*args, "--", *argv]
