"""Columns of byte spans: the fast path's primitives, over the C scanner scorers._spans.

A column is (data, starts, ends): ``data`` a file's bytes (uint8, ending with a newline) and each
row's value the byte range [start, end). The scanning, joining and factorising happen in C, one
pass per column without a Python object per row (_spans.c); this module gives them numpy
arrays and types. Every function answers the result or None ("not sure"), never "invalid".

scorers._spans is built when Podium is installed (pyproject.toml's ext-modules). Where it is
missing, AVAILABLE is False and the fast path answers None for every file: the thorough path
gives the same results, only slower.
"""

from __future__ import annotations

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


def forbidden_or_ascii(data: np.ndarray, size: int, forbidden: bytes) -> int:
    """-1 when one of the first ``size`` bytes is in ``forbidden``, else 1 when one is not ASCII,
    else 0."""
    return _spans.scan_bytes(data, size, forbidden)


def jsonl_spans(
    padded: np.ndarray, pieces: list[bytes], kinds: str, limits: Limits
) -> list[Spans] | None:
    """Each value's span on every line, when every line is pieces[0], value 0, pieces[1], ...
    (see _spans.jsonl_spans; kinds: "s" string, "n" number per value). ``padded``: the file's
    bytes ending with a newline, then 8 more bytes, which the scanner reads a word at a time."""
    found = _spans.jsonl_spans(
        padded, len(padded) - 8, tuple(pieces), kinds, limits.max_rows, limits.max_line_bytes
    )
    if found is None:
        return None
    arrays = [int64s(a) for a in found]
    return [(padded, arrays[2 * i], arrays[2 * i + 1]) for i in range(len(kinds))]


def delimited_bounds(
    data: np.ndarray, sep: str | None, n_fields: int, limits: Limits
) -> np.ndarray | None:
    """(lines, n_fields + 1) bounds: field c of a line is [b[c] + 1, b[c + 1]); None unless
    every line has n_fields fields and no control character but a tab separator. ``sep`` None:
    one value per line."""
    found = _spans.delimited_spans(
        data,
        len(data),
        -1 if sep is None else ord(sep),
        n_fields,
        limits.max_rows,
        limits.max_line_bytes,
    )
    return None if found is None else int64s(found).reshape(-1, n_fields + 1)


def numbers(spans: Spans, json_grammar: bool) -> np.ndarray | None:
    """float64 values, correctly rounded as float() (and json) give them, or None unless every
    span is a finite number literal of its format (JSON's grammar, or float()'s)."""
    found = _spans.numbers(*spans, json_grammar)
    return None if found is None else np.frombuffer(found, dtype=np.float64)


def canonical_ints(spans: Spans) -> bool:
    """Whether every span is an integer literal whose text is str(int(it)): then comparing ids
    as bytes compares them as the thorough path's keys (JSON 7 and "7" are both the id "7")."""
    return bool(_spans.canonical_ints(*spans))


def join(gold_ids: Spans, pred_ids: Spans) -> np.ndarray | None:
    """For each prediction row, its gold row; None unless ids match one to one (no duplicate,
    no empty id)."""
    found = _spans.join(*gold_ids, *pred_ids)
    return None if found is None else int64s(found)


def distinct(spans: Spans) -> bool:
    """Whether no two spans hold the same bytes and none is empty."""
    return bool(_spans.distinct(*spans))


def factorize(spans: Spans) -> Factor | None:
    """Codes into the sorted distinct values; None beyond MAX_DISTINCT values. The scanner sorts
    the values' bytes: for UTF-8 that is the order of the decoded strings."""
    found = _spans.factorize(*spans, MAX_DISTINCT)
    if found is None:
        return None
    codes, values = found
    # The file was checked to be UTF-8, and a value lies between ASCII delimiters.
    return Factor(int64s(codes), [v.decode("utf-8") for v in values])
