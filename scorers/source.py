"""Getting text lines out of an uploaded file: size limits, zip, BOM, UTF-8, CRLF.

Everything here reports problems as error dicts rather than raising, because a submission
with a broken file must get a clean message, never a traceback.
"""

from __future__ import annotations

import io
import os
import zlib
from pathlib import Path
from typing import IO

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
    import zipfile  # only for zipped uploads: its import counts in every CLI run otherwise

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
                return _inflate(fh, limits, errors)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, zlib.error, EOFError, NotImplementedError,
            RuntimeError, ValueError, OSError) as exc:  # fmt: skip
        errors.add("zip", f"the zip file cannot be read ({exc.__class__.__name__})")
        return None


def _inflate(fh: IO[bytes], limits: Limits, errors: ErrorList) -> bytes | None:
    """The member's bytes, inflated piece by piece with every limit checked as they come.

    The sizes in a zip's header can lie, and a megabyte of deflated short lines inflates to a
    gigabyte: reading it whole first (then splitting it into lines) ran out of memory. Here a
    file over the size, row or line-length limit is refused as soon as the excess is seen.
    """
    # A piece no longer than a line may be: every line inside one piece is then short enough,
    # and only the line running across pieces needs counting.
    piece_size = max(1, min(1 << 20, limits.max_line_bytes))
    pieces: list[bytes] = []
    size = newlines = 0
    open_line = 0  # bytes of the line still open at the end of the pieces so far
    while piece := fh.read(piece_size):
        size += len(piece)
        if size > limits.max_bytes:
            errors.add("size", f"the file in the zip is larger than {_human(limits.max_bytes)}")
            return None
        found = piece.count(b"\n")
        newlines += found
        # + 2: a header line and a final newline are not rows.
        if newlines > limits.max_rows + 2:
            errors.add("rows", f"the file in the zip has more than {limits.max_rows} lines")
            return None
        line = None  # the number of a line found too long
        if found:
            if open_line + piece.index(b"\n") > limits.max_line_bytes:
                line = newlines - found + 1
            open_line = len(piece) - piece.rindex(b"\n") - 1
        else:
            open_line += len(piece)
        if line is None and open_line > limits.max_line_bytes:
            line = newlines + 1
        if line is not None:
            errors.add(
                "line length", f"line is longer than {_human(limits.max_line_bytes)}", line=line
            )
            return None
        pieces.append(piece)
    return b"".join(pieces)


def read_bytes(path: str | Path, limits: Limits, errors: ErrorList) -> bytes | None:
    """The file's bytes (unzipped when it is a zip), or None with errors added."""
    try:
        size = os.path.getsize(path)
        if size > limits.max_bytes:
            errors.add("size", f"the file is larger than {_human(limits.max_bytes)}")
            return None
        with open(path, "rb") as fh:
            # read(n) reserves n bytes first: the file's size, not the limit (a gigabyte).
            data = fh.read(size + 1)
    except OSError as exc:
        errors.add("io", f"the file cannot be read ({exc.strerror or exc.__class__.__name__})")
        return None
    if len(data) > limits.max_bytes:  # it grew meanwhile
        errors.add("size", f"the file is larger than {_human(limits.max_bytes)}")
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
    # Counted before splitting: a list of a hundred million one-character lines would not fit.
    end = len(text)
    while end and text[end - 1].isspace():
        end -= 1
    if text.count("\n", 0, end) > limits.max_rows:
        errors.add("rows", f"the file has more than {limits.max_rows} lines")
        return None
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
