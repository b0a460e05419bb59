"""Columns of a file on the fast path, and their primitives over the C scanner scorers._spans.

Spans are (data, starts, ends): ``data`` a file's bytes (uint8, ending with a newline) and each
row's value the byte range [start, end); a Column holds a field's spans, or what the JSONL scan
already made of them (codes of a factor, numbers). The scanning, joining and factorising happen
in C (scorers/csrc/), one pass per column without a Python object per row; this module gives
them numpy arrays and types. Every function answers the result or None ("not sure"), never
"invalid".

scorers._spans is built when Podium is installed (setup.py's ext_modules). Where it is
missing, AVAILABLE is False and the fast path answers None for every file: the thorough path
gives the same results, only slower.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from functools import cache
from typing import NamedTuple

import numpy as np

from scorers.spec import Limits
from scorers.view import Factor

try:
    from scorers import _spans
except ImportError:  # pragma: no cover - an uninstalled checkout
    _spans = None  # type: ignore[assignment]

AVAILABLE = _spans is not None
MAX_DISTINCT = 256
Spans = tuple[np.ndarray, np.ndarray, np.ndarray]  # (data, starts, ends)


def int64s(buffer: bytearray) -> np.ndarray:
    return np.frombuffer(buffer, dtype=np.int64)


def file_bytes(fd: int, size: int) -> np.ndarray | None:
    """A file's first ``size`` bytes then at least 9 zero bytes, writable (mapped from the page
    cache where it can be: no zeroing and copying of fresh memory). None when the file holds
    fewer bytes."""
    mapping = _spans.map_file(fd, size)
    return None if mapping is None else np.frombuffer(mapping, dtype=np.uint8)


def scan_bytes(data: np.ndarray, size: int, forbidden: bytes) -> tuple[int, int]:
    """(-1 when one of the first ``size`` bytes is in ``forbidden``, else 1 when one is not
    ASCII, else 0; how many newlines they hold), in one pass."""
    return _spans.scan_bytes(data, size, forbidden)


class FileBytes(NamedTuple):
    """A file on the fast path: its bytes ending with a newline then 8 zero bytes (which the
    scanner reads a word at a time), its first line, how many lines it has, and whether all its
    bytes are ASCII."""

    padded: np.ndarray
    first: bytes
    lines: int
    ascii: bool


@cache
def unicode_spaces() -> bytes:
    """The non-ASCII characters str.strip() removes (all of them lie below U+3001), as sorted
    uint32 code points for the scanner."""
    codes = [c for c in range(0x80, 0x3001) if chr(c).isspace()]
    return np.array(codes, dtype=np.uint32).tobytes()


@dataclass
class Column:
    """One field of a file on the fast path: where its values lie (``spans``), or what the scan
    already made of them (``factor``, ``numbers``); see factor_of and numbers_of."""

    spans: Spans | None = None
    factor: Factor | None = None
    numbers: np.ndarray | None = None
    hashes: np.ndarray | None = None  # of an id column's values, from the JSONL scan


def scan_jsonl(
    file: FileBytes, pieces: list[bytes], kinds: str, actions: str, limits: Limits
) -> list[Column] | None:
    """Each value's column, when every line is pieces[0], value 0, pieces[1], ... (see
    _spans.jsonl_columns; kinds: "s" string, "n" number per value; actions: "s" spans, "f"
    factorised, "n" number, "c" checked number, "-" skipped, "i" an id: spans and hashes)."""
    padded = file.padded
    found = _spans.jsonl_columns(
        padded,
        len(padded) - 8,
        file.lines,
        tuple(pieces),
        kinds,
        actions,
        limits.max_rows,
        limits.max_line_bytes,
        MAX_DISTINCT,
    )
    if found is None:
        return None
    columns = []
    for action, item in zip(actions, found, strict=True):
        if action in "si":
            hashes = np.frombuffer(item[2], dtype=np.uint64) if action == "i" else None
            spans = (padded, int64s(item[0]), int64s(item[1]))
            columns.append(Column(spans=spans, hashes=hashes))
        elif action == "f":
            columns.append(Column(factor=_factor(*item)))
        elif action == "n":
            columns.append(Column(numbers=np.frombuffer(item, dtype=np.float64)))
        else:
            columns.append(Column())
    return columns


def delimited_bounds(
    file: FileBytes, sep: str | None, n_fields: int, limits: Limits
) -> np.ndarray | None:
    """(lines, n_fields + 1) bounds: field c of a line is [b[c] + 1, b[c + 1]); None unless
    every line has n_fields fields, no control character but a tab separator, and no field
    that starts or ends with a character str.strip() removes. ``sep`` None: one value per line;
    else a tab or printable ASCII."""
    found = _spans.delimited_spans(
        file.padded,
        len(file.padded) - 8,
        file.lines,
        -1 if sep is None else ord(sep),
        n_fields,
        limits.max_rows,
        limits.max_line_bytes,
        b"" if file.ascii else unicode_spaces(),
    )
    return None if found is None else int64s(found).reshape(-1, n_fields + 1)


def numbers(spans: Spans, json_grammar: bool) -> np.ndarray | None:
    """float64 values, correctly rounded as float() (and json) give them, or None unless every
    span is a finite number literal of its format (JSON's grammar, or float()'s)."""
    found = _spans.numbers(*spans, json_grammar)
    return None if found is None else np.frombuffer(found, dtype=np.float64)


def max_int_digits() -> int:
    """The most digits json reads in an integer (sys.get_int_max_str_digits; 0: no limit)."""
    return sys.get_int_max_str_digits() or sys.maxsize


def canonical_ints(spans: Spans) -> bool:
    """Whether every span is an integer literal whose text is str(int(it)), of no more digits
    than json reads: then comparing ids as bytes compares them as the thorough path's keys
    (JSON 7 and "7" are both the id "7")."""
    return bool(_spans.canonical_ints(*spans, max_int_digits()))


def canonical_int_text(value: str) -> bool:
    """canonical_ints for one decoded value (a factor's distinct values)."""
    return (
        value.isascii()
        and value.isdigit()
        and (value == "0" or not value.startswith("0"))
        and len(value) <= max_int_digits()
    )


def join(gold_ids: Column, pred_ids: Column) -> np.ndarray | None:
    """For each prediction row, its gold row; None unless ids match one to one (no duplicate,
    no empty id)."""
    found = _spans.join(*spans_of(gold_ids), gold_ids.hashes, *spans_of(pred_ids), pred_ids.hashes)
    return None if found is None else int64s(found)


def distinct(ids: Column) -> bool:
    """Whether no two ids hold the same bytes and none is empty."""
    return bool(_spans.distinct(*spans_of(ids), ids.hashes))


def factorize(spans: Spans) -> Factor | None:
    """Codes into the sorted distinct values; None beyond MAX_DISTINCT values. The scanner sorts
    the values' bytes: for UTF-8 that is the order of the decoded strings."""
    found = _spans.factorize(*spans, MAX_DISTINCT)
    return None if found is None else _factor(*found)


def _factor(codes: bytearray, values: list[bytes]) -> Factor:
    # The file was checked to be UTF-8, and a value lies between ASCII delimiters.
    return Factor(int64s(codes), [v.decode("utf-8") for v in values])


def factor_of(column: Column) -> Factor | None:
    """The column's factor: made during the scan, or now from its spans."""
    if column.factor is not None or column.spans is None:
        return column.factor
    return factorize(column.spans)


def spans_of(column: Column) -> Spans:
    """The spans of an id column (ids are always read as spans: fastpath._roles)."""
    if column.spans is None:
        raise ValueError("an id column must be read as spans")
    return column.spans


def numbers_of(column: Column, json_grammar: bool) -> np.ndarray | None:
    """The column's numbers: read during the scan, or now from its spans (see numbers)."""
    if column.numbers is not None or column.spans is None:
        return column.numbers
    return numbers(column.spans, json_grammar)
