"""Files that cross the sandbox boundary: inputs made readable, outputs read defensively."""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from .base import Identity, OutputFileError


def prepare_output_dir(path: Path, identity: Identity | None) -> Path:
    """Create a fresh, empty output directory the sandboxed program may write to.

    It must not exist yet: reusing a directory could hand the program files (or symlinks) that
    an earlier run left, and ``mkdir`` failing on an existing path is the cheapest guarantee.
    """
    path.mkdir(mode=0o700)
    if identity is not None:
        os.chown(path, identity.uid, identity.gid)
    return path


def grant_read(path: Path, identity: Identity | None) -> None:
    """Let the sandbox uid read a worker-owned job file without making it world-readable:
    group = the sandbox gid, mode 0640. Only for copies in a job directory, never for masters
    (gold under GOLD_ROOT), which the caller must not pass here."""
    if identity is None:
        return
    st = os.lstat(path)
    if not stat.S_ISREG(st.st_mode):
        raise OutputFileError(f"job input is not a regular file: {path}")
    os.chown(path, -1, identity.gid)
    os.chmod(path, 0o640)


def read_output_file(directory: str | os.PathLike, name: str, max_bytes: int) -> bytes:
    """Read ``directory/name`` written by a sandboxed program, trusting nothing about it.

    The program controls the output directory, so the name may be a symlink (to /etc/passwd or
    to gold), a FIFO that blocks ``open`` forever, a device, or a huge sparse file.
    O_NOFOLLOW refuses a symlink as the last component; O_NONBLOCK keeps a FIFO from blocking;
    fstat on the opened fd (not a path, which could be swapped meanwhile) checks the rest.
    """
    if not name or "/" in name or name in (".", ".."):
        raise OutputFileError(f"invalid output file name: {name!r}")
    try:
        dir_fd = os.open(directory, os.O_RDONLY | os.O_DIRECTORY | os.O_NOFOLLOW | os.O_CLOEXEC)
    except OSError as exc:
        raise OutputFileError(f"output directory cannot be opened: {exc.strerror}") from exc
    try:
        flags = os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK | os.O_NOCTTY | os.O_CLOEXEC
        fd = os.open(name, flags, dir_fd=dir_fd)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            raise OutputFileError(f"output file {name} is a symlink") from exc
        if exc.errno == errno.ENOENT:
            raise OutputFileError(f"output file {name} is missing") from exc
        raise OutputFileError(f"output file {name} cannot be opened: {exc.strerror}") from exc
    finally:
        os.close(dir_fd)
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise OutputFileError(f"output file {name} is not a regular file")
        if st.st_size > max_bytes:
            raise OutputFileError(f"output file {name} is larger than {max_bytes} bytes")
        chunks: list[bytes] = []
        size = 0
        # Read at most max_bytes + 1 even if the size changes under us (a still-running writer).
        while size <= max_bytes:
            chunk = os.read(fd, min(65536, max_bytes + 1 - size))
            if not chunk:
                break
            chunks.append(chunk)
            size += len(chunk)
        if size > max_bytes:
            raise OutputFileError(f"output file {name} is larger than {max_bytes} bytes")
        return b"".join(chunks)
    finally:
        os.close(fd)
