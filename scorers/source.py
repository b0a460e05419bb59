"""Getting text lines out of an uploaded file: size limits, zip, BOM, UTF-8, CRLF.

Everything here reports problems as error dicts rather than raising, because a submission
with a broken file must get a clean message, never a traceback.
"""

from __future__ import annotations

import io
import os
import zipfile
import zlib
from pathlib import Path

from scorers.errors import ErrorList
from scorers.spec import Limits

BOM = b"\xef\xbb\xbf"
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
# Junk that archiving tools add next to the one real file; ignoring it is friendlier than
# refusing a zip made with the Finder.
ZIP_JUNK_PREFIXES = ("__MACOSX/",)
ZIP_JUNK_NAMES = (".DS_Store",)


def _human(n: int) -> str:
    return f"{n / (1 << 20):.0f} MiB" if n >= 1 << 20 else f"{n} bytes"


def _unzip(data: bytes, limits: Limits, errors: ErrorList) -> bytes | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            members = [
                m
                for m in zf.infolist()
                if not m.is_dir()
                and not m.filename.startswith(ZIP_JUNK_PREFIXES)
                and os.path.basename(m.filename) not in ZIP_JUNK_NAMES
                and not os.path.basename(m.filename).startswith("._")
            ]
            if len(members) != 1:
                errors.add(
                    "zip", f"a zip must hold exactly one file; this one holds {len(members)}"
                )
                return None
            member = members[0]
            if member.flag_bits & 0x1:
                errors.add("zip", "the zip is encrypted")
                return None
            if member.file_size > limits.max_bytes:
                errors.add("size", f"the file in the zip is larger than {_human(limits.max_bytes)}")
                return None
            with zf.open(member) as fh:
                # The size in the header can lie; never inflate more than the limit.
                content = fh.read(limits.max_bytes + 1)
            if len(content) > limits.max_bytes:
                errors.add("size", f"the file in the zip is larger than {_human(limits.max_bytes)}")
                return None
            return content
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, NotImplementedError,
            RuntimeError, ValueError, OSError) as exc:  # fmt: skip
        errors.add("zip", f"the zip file cannot be read ({exc.__class__.__name__})")
        return None


def read_bytes(path: str | Path, limits: Limits, errors: ErrorList) -> bytes | None:
    """The file's bytes (unzipped when it is a zip), or None with errors added."""
    try:
        size = os.path.getsize(path)
        if size > limits.max_bytes:
            errors.add("size", f"the file is larger than {_human(limits.max_bytes)}")
            return None
        with open(path, "rb") as fh:
            data = fh.read(limits.max_bytes + 1)
    except OSError as exc:
        errors.add("io", f"the file cannot be read ({exc.strerror or exc.__class__.__name__})")
        return None
    if data.startswith(ZIP_MAGIC):
        return _unzip(data, limits, errors)
    return data


def decode(data: bytes, errors: ErrorList) -> str | None:
    """UTF-8 text without BOM, or None with an error naming the line of the first bad byte."""
    if data.startswith(BOM):
        data = data[len(BOM) :]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        errors.add("encoding", f"the file is not valid UTF-8 (byte {exc.start + 1})", line=line)
        return None
    if not text.strip():
        errors.add("empty", "the file is empty", line=1)
        return None
    return text


def split_lines(text: str, limits: Limits, errors: ErrorList) -> list[str] | None:
    """Lines without their LF or CRLF ending; None when a limit is exceeded.

    str.splitlines() is not used: it also splits on form feeds, U+2028 and other characters
    that may legitimately occur inside a JSON string or a text field.
    """
    lines = text.split("\n")
    while lines and not lines[-1].strip():
        lines.pop()
    if len(lines) > limits.max_rows + 1:  # + 1 for a header
        errors.add("rows", f"the file has more than {limits.max_rows} lines")
        return None
    for i, line in enumerate(lines):
        if len(line) > limits.max_line_bytes:
            errors.add(
                "line length",
                f"line is longer than {_human(limits.max_line_bytes)}",
                line=i + 1,
            )
            return None
        if line.endswith("\r"):
            lines[i] = line[:-1]
    return lines
