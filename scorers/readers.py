"""Readers: a submission or gold file in one of the supported formats -> a :class:`Table`.

This is the thorough path: it keeps the line number of every row so that each problem can be
reported where it is. (scorers.fastpath handles large well-formed files without Python objects
per row and falls back here whenever anything looks off.)
"""

from __future__ import annotations

import csv
import json
import re
from bisect import bisect_right
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scorers.errors import ErrorList
from scorers.source import decode, read_bytes, split_lines
from scorers.spec import Limits

try:  # optional: about twice as fast as json on large files; json gives the error messages
    import orjson
except ImportError:  # pragma: no cover - the sandbox may lack it
    orjson = None

MISSING = object()


@dataclass
class Table:
    """Rows of a file: their line numbers and, per requested field, the raw values.

    JSON formats give decoded JSON values; text formats give stripped strings. A field absent
    from a row holds MISSING.
    """

    lines: list[int] = field(default_factory=list)
    cols: dict[str, list[Any]] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.lines)


def shown(value: Any, limit: int = 40) -> str:
    """A participant's value, quoted and shortened, for an error message."""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)[:limit]
    return repr(text if len(text) <= limit else text[:limit] + "...")


def _add_row(table: Table, line: int, obj: dict[str, Any], fields: tuple[str, ...]) -> None:
    table.lines.append(line)
    for f in fields:
        table.cols[f].append(obj.get(f, MISSING))


def _read_jsonl(lines: list[str], fields: tuple[str, ...], errors: ErrorList) -> Table:
    table = Table(cols={f: [] for f in fields})
    for i, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            obj = _loads(line)
        except ValueError as exc:
            errors.add("invalid JSON", json_problem(exc), line=i)
            continue
        except RecursionError:
            errors.add("invalid JSON", "invalid JSON: nested too deeply", line=i)
            continue
        if not isinstance(obj, dict):
            errors.add("not an object", 'expected a JSON object like {"id": ..., ...}', line=i)
            continue
        _add_row(table, i, obj, fields)
    return table


def _loads(text: str) -> Any:
    if orjson is not None:
        try:
            return orjson.loads(text)
        except orjson.JSONDecodeError:
            pass  # json decides: it accepts NaN (refused later, with a clearer message)
    return json.loads(text)


def _read_json_list_quick(text: str, fields: tuple[str, ...]) -> Table | None:
    """The whole list at once with orjson; row "lines" are record numbers, so callers use it
    only to learn that a file is valid and re-read it precisely when it is not."""
    if orjson is None:
        return None
    try:
        records = orjson.loads(text)
    except orjson.JSONDecodeError:
        return None
    if not isinstance(records, list) or not all(isinstance(r, dict) for r in records):
        return None
    return Table(
        lines=list(range(1, len(records) + 1)),
        cols={f: [r.get(f, MISSING) for r in records] for f in fields},
    )


# The json module's messages end in "at" and expect its own position suffix; these read whole.
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


def _skip_ws(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\r\n":
        pos += 1
    return pos


def _read_json_list(text: str, fields: tuple[str, ...], errors: ErrorList) -> Table:
    """A JSON array of objects, decoded element by element to know each one's line."""
    newlines = [m.start() for m in re.finditer("\n", text)]

    def line_of(pos: int) -> int:
        return bisect_right(newlines, pos - 1) + 1

    table = Table(cols={f: [] for f in fields})
    decoder = json.JSONDecoder()
    pos = _skip_ws(text, 0)
    if not text.startswith("[", pos):
        errors.add(
            "not a list", "expected a JSON list of objects: [{...}, {...}]", line=line_of(pos)
        )
        return table
    pos = _skip_ws(text, pos + 1)
    if text.startswith("]", pos):
        errors.add("empty", "the JSON list is empty", line=line_of(pos))
        return table
    while True:
        start = pos
        try:
            obj, pos = decoder.raw_decode(text, pos)
        except ValueError as exc:
            pos = getattr(exc, "pos", start)
            errors.add("invalid JSON", json_problem(exc, pos=False), line=line_of(pos))
            return table
        except RecursionError:
            errors.add("invalid JSON", "invalid JSON: nested too deeply", line=line_of(start))
            return table
        if isinstance(obj, dict):
            _add_row(table, line_of(start), obj, fields)
        else:
            errors.add("not an object", "expected a JSON object in the list", line=line_of(start))
        pos = _skip_ws(text, pos)
        if text.startswith(",", pos):
            pos = _skip_ws(text, pos + 1)
            continue
        if text.startswith("]", pos) and _skip_ws(text, pos + 1) == len(text):
            return table
        errors.add(
            "invalid JSON", "invalid JSON: expected ',' or the closing ']'", line=line_of(pos)
        )
        return table


def _read_csv(lines: list[str], fields: tuple[str, ...], sep: str, errors: ErrorList) -> Table:
    table = Table(cols={f: [] for f in fields})
    reader = csv.reader(lines, delimiter=sep, strict=True, skipinitialspace=True)
    try:
        header = [h.strip() for h in next(reader)]
    except (csv.Error, StopIteration) as exc:
        errors.add("header", f"cannot read the header line ({exc})", line=1)
        return table
    names = {h: i for i, h in enumerate(header)}
    if len(names) != len(header):
        errors.add("header", "the header names a column twice", line=1)
        return table
    missing = [f for f in fields if f not in names]
    if missing:
        has = ", ".join(repr(h) for h in header[:10])
        for f in missing:
            errors.add("header", f"missing column {f!r}; the header has {has}", line=1, column=f)
        return table
    positions = [names[f] for f in fields]
    line = 1
    while True:
        start = line + 1
        try:
            row = next(reader)
        except StopIteration:
            return table
        except csv.Error as exc:
            line = reader.line_num
            errors.add("csv", f"malformed line ({exc})", line=line)
            continue
        line = reader.line_num
        if not row or (len(row) == 1 and not row[0].strip()):
            continue
        if len(row) != len(header):
            errors.add(
                "field count",
                f"expected {len(header)} fields separated by {sep!r}, found {len(row)}",
                line=start,
            )
            continue
        table.lines.append(start)
        for f, p in zip(fields, positions, strict=True):
            table.cols[f].append(row[p].strip())


def _read_txt(lines: list[str], field_name: str, errors: ErrorList) -> Table:
    table = Table(cols={field_name: []})
    for i, line in enumerate(lines, 1):
        value = line.strip()
        if not value:
            errors.add("empty line", "empty line: expected one value per line", line=i)
            continue
        table.lines.append(i)
        table.cols[field_name].append(value)
    return table


def read_table(
    path: str | Path,
    fmt: str,
    fields: tuple[str, ...],
    limits: Limits,
    errors: ErrorList,
    separator: str = ",",
    precise: bool = True,
) -> Table | None:
    """Read ``fields`` of every row; None (errors added) when the file cannot be read at all.

    ``precise=False`` allows a quicker read of JSON lists whose row lines are record numbers.
    """
    data = read_bytes(path, limits, errors)
    if data is None:
        return None
    text = decode(data, errors)
    del data  # a large file is then held once, as text, not also as bytes
    if text is None:
        return None
    quick = _read_json_list_quick(text, fields) if fmt == "json" and not precise else None
    if quick is not None:
        table = quick
    elif fmt == "json":
        table = _read_json_list(text, fields, errors)
        if len(table) > limits.max_rows:
            errors.add("rows", f"the file has more than {limits.max_rows} records")
            return None
    else:
        lines = split_lines(text, limits, errors)
        if lines is None:
            return None
        if fmt == "jsonl":
            table = _read_jsonl(lines, fields, errors)
        elif fmt in ("csv", "tsv"):
            table = _read_csv(lines, fields, "\t" if fmt == "tsv" else separator, errors)
        else:
            table = _read_txt(lines, fields[0], errors)
    if not errors and len(table) == 0:
        errors.add("empty", "the file holds no rows", line=1)
    return table
