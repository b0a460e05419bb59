"""Reading a prediction file as the server's scorer reads it: the same rules, the same messages.

The server validates every upload with its `scorers` package, which needs the platform's own
dependencies; the client cannot import it on a participant's machine. So this module follows
the published format (the API's `format` of a subtask) itself, and tests/client compares its
messages with the scorer's on the same files: a message here is the message the server gives.
"""

from __future__ import annotations

import csv
import io
import json
import os
import re
import zipfile
import zlib
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

# The scorer's default limits (the platform sets no others): bytes, bytes per line, rows.
MAX_BYTES = 1 << 30
MAX_LINE_BYTES = 1 << 20
MAX_ROWS = 10_000_000
# The scorer lists a few errors of each kind and summarises the rest.
PER_KIND = 5
TOTAL = 50

ABSENT = object()
BOM = b"\xef\xbb\xbf"
ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")


@dataclass
class Problems:
    """Errors as the scorer keeps them: a few per kind, the rest counted, file order."""

    kept: list[dict[str, Any]] = field(default_factory=list)
    counts: Counter[str] = field(default_factory=Counter)

    def add(self, kind: str, message: str, line: int | None = None, column: str | None = None):
        self.counts[kind] += 1
        if self.counts[kind] <= PER_KIND:
            self.kept.append({"line": line, "column": column, "message": message})

    def __bool__(self) -> bool:
        return bool(self.counts)

    def as_list(self) -> list[dict[str, Any]]:
        summaries = [
            {
                "line": None,
                "column": None,
                "message": f"... and {n - PER_KIND} more errors like this: {kind}",
            }
            for kind, n in self.counts.items()
            if n > PER_KIND
        ]
        ordered = sorted(
            [*self.kept, *summaries], key=lambda e: (e["line"] is None, e["line"] or 0)
        )
        return ordered[:TOTAL]


@dataclass
class Rows:
    lines: list[int] = field(default_factory=list)
    values: dict[str, list[Any]] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.lines)


def quoted(value: Any, limit: int = 40) -> str:
    """A value from the file, shortened, as messages quote it."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)[:limit]
    return repr(text if len(text) <= limit else text[:limit] + "...")


def _size(n: int) -> str:
    return f"{n / (1 << 20):.0f} MiB" if n >= 1 << 20 else f"{n} bytes"


def _only_member(archive: zipfile.ZipFile) -> list[zipfile.ZipInfo]:
    """The archive's files, without what the Finder and friends add next to them."""
    out = []
    for info in archive.infolist():
        base = os.path.basename(info.filename)
        junk = info.filename.startswith("__MACOSX/") or base == ".DS_Store"
        if not info.is_dir() and not junk and not base.startswith("._"):
            out.append(info)
    return out


def _from_zip(data: bytes, problems: Problems) -> bytes | None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = _only_member(archive)
            if len(members) != 1:
                problems.add(
                    "zip", f"a zip must hold exactly one file; this one holds {len(members)}"
                )
                return None
            (member,) = members
            if member.flag_bits & 0x1:
                problems.add("zip", "the zip is encrypted")
                return None
            too_big = f"the file in the zip is larger than {_size(MAX_BYTES)}"
            if member.file_size > MAX_BYTES:
                problems.add("size", too_big)
                return None
            with archive.open(member) as handle:
                content = handle.read(MAX_BYTES + 1)
            if len(content) > MAX_BYTES:
                problems.add("size", too_big)
                return None
            return content
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        zlib.error,
        EOFError,
        NotImplementedError,
        RuntimeError,
        ValueError,
        OSError,
    ) as exc:
        problems.add("zip", f"the zip file cannot be read ({exc.__class__.__name__})")
        return None


def file_text(path: Path, problems: Problems) -> str | None:
    """The file's text (unzipped, without BOM), or None with the problem recorded."""
    try:
        if os.path.getsize(path) > MAX_BYTES:
            problems.add("size", f"the file is larger than {_size(MAX_BYTES)}")
            return None
        data = path.read_bytes()
    except OSError as exc:
        problems.add("io", f"the file cannot be read ({exc.strerror or exc.__class__.__name__})")
        return None
    if data.startswith(ZIP_MAGIC):
        data = _from_zip(data, problems)
        if data is None:
            return None
    if data.startswith(BOM):
        data = data[len(BOM) :]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        problems.add("encoding", f"the file is not valid UTF-8 (byte {exc.start + 1})", line=line)
        return None
    if not text.strip():
        problems.add("empty", "the file is empty", line=1)
        return None
    return text


def text_lines(text: str, problems: Problems) -> list[str] | None:
    """Lines split on LF only (a form feed inside a JSON string is no line break), CR dropped."""
    lines = text.split("\n")
    while lines and not lines[-1].strip():
        lines.pop()
    if len(lines) > MAX_ROWS + 1:
        problems.add("rows", f"the file has more than {MAX_ROWS} lines")
        return None
    for number, line in enumerate(lines, 1):
        if len(line) > MAX_LINE_BYTES:
            problems.add("line length", f"line is longer than {_size(MAX_LINE_BYTES)}", line=number)
            return None
    return [line[:-1] if line.endswith("\r") else line for line in lines]


def _record(rows: Rows, line: int, obj: dict, fields: tuple[str, ...]) -> None:
    rows.lines.append(line)
    for name in fields:
        rows.values[name].append(obj.get(name, ABSENT))


# The server's wording of the json module's errors (scorers/readers.py; the client cannot import
# the scorers package, and tests/client/test_check_matches_server.py holds the two together).
JSON_PROBLEMS = {
    "Unterminated string starting at": 'a string is never closed (a missing ")',
    "Expecting value": "a value is expected (a stray comma, or a missing value?)",
    "Expecting property name enclosed in double quotes": "a key in double quotes is expected",
    "Expecting ',' delimiter": "a ',' is expected between items",
    "Expecting ':' delimiter": "a ':' is expected after a key",
    "Extra data": "there is more after the JSON value (one object per line)",
    "Invalid control character at": "a string holds a raw control character (a tab or newline?)",
    "Invalid \\escape": "a string holds an invalid backslash escape",
    "Invalid \\uXXXX escape": "a string holds an invalid \\uXXXX escape",
}


def json_problem(exc: ValueError, *, pos: bool = True) -> str:
    """A whole sentence for a JSON decoding error, with the character where it was found."""
    msg = str(getattr(exc, "msg", "") or "the line is not valid JSON")
    problem = JSON_PROBLEMS.get(msg, msg.removesuffix(" at"))
    col = getattr(exc, "colno", None)
    where = f" at character {col}" if pos and col else ""
    return f"invalid JSON{where}: {problem}"


def json_lines(lines: list[str], fields: tuple[str, ...], problems: Problems) -> Rows:
    rows = Rows(values={name: [] for name in fields})
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            obj = json.loads(line)
        except ValueError as exc:
            problems.add("invalid JSON", json_problem(exc), line=number)
            continue
        except RecursionError:
            problems.add("invalid JSON", "invalid JSON: nested too deeply", line=number)
            continue
        if not isinstance(obj, dict):
            problems.add(
                "not an object", 'expected a JSON object like {"id": ..., ...}', line=number
            )
            continue
        _record(rows, number, obj, fields)
    return rows


def _blank_until(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\r\n":
        pos += 1
    return pos


def json_list(text: str, fields: tuple[str, ...], problems: Problems) -> Rows:
    """A JSON array of objects, read one element at a time to know the line of each."""
    breaks = [m.start() for m in re.finditer("\n", text)]

    def line_at(pos: int) -> int:
        return bisect_right(breaks, pos - 1) + 1

    rows = Rows(values={name: [] for name in fields})
    decoder = json.JSONDecoder()
    pos = _blank_until(text, 0)
    if not text.startswith("[", pos):
        problems.add("not a list", "expected a JSON list of objects: [{...}, {...}]", line_at(pos))
        return rows
    pos = _blank_until(text, pos + 1)
    if text.startswith("]", pos):
        problems.add("empty", "the JSON list is empty", line=line_at(pos))
        return rows
    while True:
        start = pos
        try:
            obj, pos = decoder.raw_decode(text, pos)
        except ValueError as exc:
            message = json_problem(exc, pos=False)
            problems.add("invalid JSON", message, line=line_at(getattr(exc, "pos", start)))
            return rows
        except RecursionError:
            problems.add("invalid JSON", "invalid JSON: nested too deeply", line=line_at(start))
            return rows
        if isinstance(obj, dict):
            _record(rows, line_at(start), obj, fields)
        else:
            problems.add("not an object", "expected a JSON object in the list", line_at(start))
        pos = _blank_until(text, pos)
        if text.startswith(",", pos):
            pos = _blank_until(text, pos + 1)
            continue
        if text.startswith("]", pos) and _blank_until(text, pos + 1) == len(text):
            return rows
        problems.add("invalid JSON", "invalid JSON: expected ',' or the closing ']'", line_at(pos))
        return rows


def delimited(lines: list[str], fields: tuple[str, ...], sep: str, problems: Problems) -> Rows:
    """CSV or TSV with a header naming the columns."""
    rows = Rows(values={name: [] for name in fields})
    reader = csv.reader(lines, delimiter=sep, strict=True, skipinitialspace=True)
    try:
        header = [name.strip() for name in next(reader)]
    except (csv.Error, StopIteration) as exc:
        problems.add("header", f"cannot read the header line ({exc})", line=1)
        return rows
    position = {name: i for i, name in enumerate(header)}
    if len(position) != len(header):
        problems.add("header", "the header names a column twice", line=1)
        return rows
    absent = [name for name in fields if name not in position]
    if absent:
        has = ", ".join(repr(name) for name in header[:10])
        for name in absent:
            problems.add("header", f"missing column {name!r}; the header has {has}", 1, name)
        return rows
    line = 1
    while True:
        first_line = line + 1
        try:
            cells = next(reader)
        except StopIteration:
            return rows
        except csv.Error as exc:
            line = reader.line_num
            problems.add("csv", f"malformed line ({exc})", line=line)
            continue
        line = reader.line_num
        if not cells or (len(cells) == 1 and not cells[0].strip()):
            continue
        if len(cells) != len(header):
            problems.add(
                "field count",
                f"expected {len(header)} fields separated by {sep!r}, found {len(cells)}",
                line=first_line,
            )
            continue
        rows.lines.append(first_line)
        for name in fields:
            rows.values[name].append(cells[position[name]].strip())


def plain_lines(lines: list[str], name: str, problems: Problems) -> Rows:
    rows = Rows(values={name: []})
    for number, line in enumerate(lines, 1):
        value = line.strip()
        if not value:
            problems.add("empty line", "empty line: expected one value per line", line=number)
            continue
        rows.lines.append(number)
        rows.values[name].append(value)
    return rows


def read_rows(
    path: Path, file_format: str, fields: tuple[str, ...], separator: str, problems: Problems
) -> Rows | None:
    """The fields of every row, or None when the file cannot be read at all."""
    text = file_text(path, problems)
    if text is None:
        return None
    if file_format == "json":
        rows = json_list(text, fields, problems)
        if len(rows) > MAX_ROWS:
            problems.add("rows", f"the file has more than {MAX_ROWS} records")
            return None
    else:
        lines = text_lines(text, problems)
        if lines is None:
            return None
        if file_format == "jsonl":
            rows = json_lines(lines, fields, problems)
        elif file_format in ("csv", "tsv"):
            rows = delimited(lines, fields, "\t" if file_format == "tsv" else separator, problems)
        else:
            rows = plain_lines(lines, fields[0], problems)
    if not problems and len(rows) == 0:
        problems.add("empty", "the file holds no rows", line=1)
    return rows
