"""Unpacking zips that others wrote (participants' results, organisers' programs and bundles).

Nothing in a zip header is trusted: member sizes are counted while copying, so a member that
inflates past its declared size, or a total past the limit, stops the extraction. Every refusal
names the rule it broke. No Django here.
"""

from __future__ import annotations

import os
import shutil
import stat
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath

MIB = 1024 * 1024


class UnpackError(ValueError):
    """The archive breaks one of the rules; the message names it (and the member)."""


@dataclass(frozen=True)
class UnpackLimits:
    max_total_bytes: int = 200 * MIB
    max_files: int = 2000
    # A ratio above this is a zip bomb, not text: JSONL and TSV compress about 5-20x.
    max_ratio: float = 200.0
    max_depth: int = 20


RESULTS_LIMITS = UnpackLimits()
ORGANISER_LIMITS = UnpackLimits(max_total_bytes=2048 * MIB, max_files=20000, max_ratio=1000.0)


def _member_path(info: zipfile.ZipInfo, limits: UnpackLimits) -> PurePosixPath | None:
    """The member's relative path, or None for a directory entry; refuses the unsafe ones."""
    name = info.filename
    if "\x00" in name:
        raise UnpackError(f"{name!r}: a member name holds a NUL byte")
    if "\\" in name:
        raise UnpackError(f"{name!r}: backslashes are not allowed in member names")
    path = PurePosixPath(name)
    if path.is_absolute() or (path.parts and ":" in path.parts[0]):
        raise UnpackError(f"{name!r}: absolute paths are not allowed")
    if ".." in path.parts:
        raise UnpackError(f"{name!r}: '..' is not allowed in member names (path traversal)")
    parts = [p for p in path.parts if p not in ("", ".")]
    if len(parts) > limits.max_depth:
        raise UnpackError(f"{name!r}: nested deeper than {limits.max_depth} folders")
    mode = info.external_attr >> 16
    if stat.S_ISLNK(mode):
        raise UnpackError(f"{name!r}: symbolic links are not allowed")
    if mode and stat.S_IFMT(mode) not in (0, stat.S_IFREG, stat.S_IFDIR):
        raise UnpackError(f"{name!r}: device files, FIFOs and sockets are not allowed")
    if info.flag_bits & 0x1:
        raise UnpackError(f"{name!r}: encrypted members are not supported")
    if info.is_dir() or stat.S_ISDIR(mode):
        return None
    if not parts:
        raise UnpackError(f"{name!r}: an empty member name")
    return PurePosixPath(*parts)


def check_members(archive: zipfile.ZipFile, limits: UnpackLimits) -> list[zipfile.ZipInfo]:
    """Every rule that can be checked from the central directory, before anything is written."""
    infos = archive.infolist()
    files = [info for info in infos if not info.is_dir()]
    if len(files) > limits.max_files:
        raise UnpackError(f"the zip holds {len(files)} files; at most {limits.max_files} allowed")
    total = 0
    seen: dict[str, str] = {}
    folders: dict[str, str] = {}  # every folder a file lies in (casefolded) -> that file's name
    for info in infos:
        path = _member_path(info, limits)
        if path is None:
            continue
        key = str(path).casefold()
        if key in seen:
            raise UnpackError(f"{info.filename!r}: the zip holds this name twice")
        seen[key] = info.filename
        for parent in path.parents:
            if str(parent) != ".":
                folders.setdefault(str(parent).casefold(), info.filename)
        total += info.file_size
        if total > limits.max_total_bytes:
            raise UnpackError(
                f"the zip unpacks to more than {limits.max_total_bytes // MIB} MB "
                "(total size limit)"
            )
        if info.file_size > MIB and info.file_size > limits.max_ratio * max(info.compress_size, 1):
            raise UnpackError(
                f"{info.filename!r}: compressed {info.file_size // max(info.compress_size, 1)}x; "
                f"more than {limits.max_ratio:.0f}x is refused as a zip bomb"
            )
    # "a" as a file and "a/b" beside it cannot both be unpacked (found once at scoring only).
    for key, folder_of in folders.items():
        if key in seen:
            raise UnpackError(
                f"{seen[key]!r}: a file of the same name as the folder of {folder_of!r}"
            )
    return infos


def safe_extract(source: str | os.PathLike, dest: Path, *, limits: UnpackLimits) -> list[str]:
    """Extract the zip at ``source`` into ``dest`` (created, must not exist); returns the
    relative names of the files written. Raises UnpackError; ``dest`` is then removed."""
    try:
        archive = zipfile.ZipFile(source)
    except zipfile.BadZipFile as exc:
        raise UnpackError(f"not a valid zip file ({exc})") from exc
    dest.mkdir(mode=0o755)
    written: list[str] = []
    try:
        with archive:
            infos = check_members(archive, limits)
            budget = limits.max_total_bytes
            for info in infos:
                path = _member_path(info, limits)
                if path is None:
                    (dest / PurePosixPath(info.filename)).mkdir(parents=True, exist_ok=True)
                    continue
                target = dest.joinpath(*path.parts)
                target.parent.mkdir(parents=True, exist_ok=True)
                budget -= _copy_member(archive, info, target, budget)
                written.append(str(path))
    except UnpackError:
        shutil.rmtree(dest, ignore_errors=True)
        raise
    except (zipfile.BadZipFile, NotImplementedError, EOFError, OSError) as exc:
        shutil.rmtree(dest, ignore_errors=True)
        raise UnpackError(f"the zip cannot be read ({exc})") from exc
    return written


def check_zip(source, *, limits: UnpackLimits) -> int:
    """Apply every rule of ``safe_extract`` to the zip at ``source`` (a path or a seekable
    binary file) without writing anything: each member is inflated in 64 KB blocks and thrown
    away, so a zip bomb costs CPU time up to the size limit, never memory or disk. Returns the
    number of files; raises UnpackError naming the rule (as extraction would)."""
    try:
        archive = zipfile.ZipFile(source)
    except zipfile.BadZipFile as exc:
        raise UnpackError(f"not a valid zip file ({exc})") from exc
    count = 0
    try:
        with archive:
            budget = limits.max_total_bytes
            for info in check_members(archive, limits):
                if _member_path(info, limits) is None:
                    continue
                budget -= _stream_member(archive, info, budget, None)
                count += 1
    except (zipfile.BadZipFile, NotImplementedError, EOFError, OSError) as exc:
        raise UnpackError(f"the zip cannot be read ({exc})") from exc
    return count


def _stream_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, budget: int, out) -> int:
    """Inflate one member into ``out`` (or nowhere), counting: the header's sizes are not
    trusted. zipfile checks the CRC at the end of the member."""
    size = 0
    with archive.open(info) as source:
        while chunk := source.read(1 << 16):
            size += len(chunk)
            if size > info.file_size:
                raise UnpackError(f"{info.filename!r}: inflates past its declared size")
            if size > budget:
                raise UnpackError("the zip unpacks past the total size limit")
            if out is not None:
                out.write(chunk)
    return size


def _copy_member(archive: zipfile.ZipFile, info: zipfile.ZipInfo, target: Path, budget: int) -> int:
    # O_EXCL: a second member of the same name (or one that collides with a folder) cannot
    # overwrite what is already there.
    fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_NOFOLLOW, 0o644)
    with os.fdopen(fd, "wb") as out:
        size = _stream_member(archive, info, budget, out)
    if info.external_attr >> 16 & 0o100:
        target.chmod(0o755)
    return size
