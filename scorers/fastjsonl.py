"""The fast path's JSONL reader: where each field's value lies on every line, from the bytes.

Lines must all have the first line's keys in its order, with string or number values and no
escapes (the caller refused backslashes); anything else answers None and the thorough path
reads the file. Split from scorers.fastpath, which holds the other formats and builds datasets.
"""

from __future__ import annotations

import json
import re

import numpy as np

from scorers.bytecols import (
    Spans,
    count,
    line_bounds,
    positions,
    rows_within,
    same_bytes,
    word_view,
)
from scorers.fastnum import numbers
from scorers.spec import Limits

NUMBER_CHARS = re.compile(rb"\s*:\s*([-+0-9.eE]+)")


def jsonl_columns(
    padded: np.ndarray, first: bytes, fields: tuple[str, ...], limits: Limits
) -> tuple[dict[str, Spans], set[str]] | None:
    """(a span per row for each field, the fields whose values are numbers, not strings)."""
    a = padded[:-8]
    lines = line_bounds(a, limits)
    if lines is None:
        return None
    starts, ends = lines
    pairs: list[tuple[str, object]] = []
    try:
        json.loads(first, object_pairs_hook=pairs.extend)
    except ValueError:
        return None
    keys = [k for k, _ in pairs]
    numeric = {k for k, v in pairs if isinstance(v, int | float) and not isinstance(v, bool)}
    if len(set(keys)) != len(keys) or not all(isinstance(v, str) or k in numeric for k, v in pairs):
        return None
    if not set(fields) <= set(keys):
        return None
    # A string value adds 2 quotes to its key's 2; a number adds none.
    quotes_per_key = [2 if k in numeric else 4 for k in keys]
    w = word_view(padded)
    spans = _jsonl_searched(a, w, first, keys, numeric, quotes_per_key, starts, ends)
    if spans is None:
        spans = _jsonl_quoted(a, w, first, keys, numeric, quotes_per_key, starts, ends)
    if spans is None:
        return None
    for key in numeric - set(fields):
        if numbers(spans[key], True) is None:
            return None  # a column nobody reads must still be valid JSON
    return {f: spans[f] for f in fields}, numeric & set(fields)


def _first_line_values(
    first: bytes, keys: list[str], numeric: set[str], quotes_per_key: list[int]
) -> list[tuple[int, int]] | None:
    """[start, end) of each value in the first line, in key order."""
    q = np.flatnonzero(np.frombuffer(first, dtype=np.uint8) == 34)
    if len(q) != sum(quotes_per_key):
        return None
    out, col = [], 0
    for key, n_quotes in zip(keys, quotes_per_key, strict=True):
        if key in numeric:
            found = NUMBER_CHARS.match(first, int(q[col + 1]) + 1)
            if found is None:
                return None
            out.append((found.start(1), found.end(1)))
        else:
            out.append((int(q[col + 2]) + 1, int(q[col + 3])))
        col += n_quotes
    return out


# Values up to this long are delimited by a search from their start (_jsonl_searched).
SEARCH_BYTES = 64
ZERO_HIGH, LOW7 = np.uint64(0x8080808080808080), np.uint64(0x7F7F7F7F7F7F7F7F)


def _find_byte(w: np.ndarray, pos: np.ndarray, byte: int, ends: np.ndarray) -> np.ndarray | None:
    """For each row, the first position >= pos holding ``byte``, before the line's end; None if
    a row has none within SEARCH_BYTES. Eight bytes per gather: a byte equal to ``byte`` is a
    zero byte of word ^ pattern, found exactly (no false positives) by the classic bit trick."""
    pattern = np.uint64(byte * 0x0101010101010101)
    found = np.empty(len(pos), dtype=np.int64)
    todo: np.ndarray | None = None  # rows still searched (None: all)
    for k in range(SEARCH_BYTES // 8):
        at = (pos if todo is None else pos[todo]) + 8 * k
        if int(at.max()) >= len(w):  # near the end of the file; such rows find no byte there
            at = np.minimum(at, len(w) - 1)
        x = w[at]
        x ^= pattern
        zero = ~(((x & LOW7) + LOW7) | x | LOW7)  # the high bit of each zero byte
        hit = zero != 0
        # zero ^ (zero - 1) sets the bits up to the lowest flag, 8j + 8 of them for byte j.
        zero ^= zero - np.uint64(1)
        at -= 1
        at += np.bitwise_count(zero) >> np.uint8(3)
        if todo is None:
            if hit.all():
                found = at
                break
            if not hit.any():
                continue
            found[hit] = at[hit]
            todo = np.flatnonzero(~hit)
        else:
            found[todo[hit]] = at[hit]
            todo = todo[~hit]
        if len(todo) == 0:
            break
    else:
        return None
    return found if (found < ends).all() else None


def _jsonl_searched(
    a: np.ndarray,
    w: np.ndarray,
    first: bytes,
    keys: list[str],
    numeric: set[str],
    quotes_per_key: list[int],
    starts: np.ndarray,
    ends: np.ndarray,
) -> dict[str, Spans] | None:
    """Spans without locating every quote of the file (a pass that makes an array of 8 bytes
    per quote): from the line's start, each fixed region must equal the first line's, and each
    value but the last ends at the first byte that begins the next fixed region (its closing
    quote, or what follows a number), found by a short search; the last value ends where the
    line's fixed suffix begins. Values then hold no quote but the last, and counting the
    file's quotes rules that out. None when unsure (a value longer than SEARCH_BYTES: the
    caller locates the quotes instead)."""
    layout = _first_line_values(first, keys, numeric, quotes_per_key)
    if layout is None:
        return None
    spans: dict[str, Spans] = {}
    begin, fixed_from = starts, 0
    for i, (key, (start0, end0)) in enumerate(zip(keys, layout, strict=True)):
        template = first[fixed_from:start0]
        value_start = begin + len(template)
        if not same_bytes(w, begin, value_start, template):
            return None
        if i + 1 < len(keys):
            value_end = _find_byte(w, value_start, first[end0], ends)
            if value_end is None:
                return None
        else:
            value_end = ends - (len(first) - end0)
            if (value_end < value_start).any():
                return None
        spans[key] = (w, value_start, value_end)
        begin, fixed_from = value_end, end0
    if not same_bytes(w, begin, ends, first[fixed_from:]):
        return None
    if count(a, np.equal, 34) != len(starts) * sum(quotes_per_key):
        return None
    return spans


def _jsonl_quoted(
    a: np.ndarray,
    w: np.ndarray,
    first: bytes,
    keys: list[str],
    numeric: set[str],
    quotes_per_key: list[int],
    starts: np.ndarray,
    ends: np.ndarray,
) -> dict[str, Spans] | None:
    """Spans from the position of every quote of the file (long values, such as texts)."""
    q = rows_within(positions(a, np.equal, 34), starts, ends, sum(quotes_per_key))
    if q is None:
        return None
    # Fixed regions: everything between one value and the next (the key, its quotes, the colon
    # and the separators), plus the line's prefix and suffix; they must equal the first line's.
    # A string value lies between its quotes. A number starts a fixed distance after its key's
    # closing quote and ends a fixed distance before the next key's opening quote (or the end
    # of the line), the distances being the first line's.
    spans: dict[str, Spans] = {}
    begin, col = starts, 0
    for key, n_quotes in zip(keys, quotes_per_key, strict=True):
        if key in numeric:
            found = NUMBER_CHARS.match(first, int(q[0, col + 1]) + 1)
            if found is None:
                return None
            value_start = q[:, col + 1] + (found.start(1) - int(q[0, col + 1]))
            anchor = q[:, col + 2] if col + 2 < q.shape[1] else ends
            value_end = anchor - (int(anchor[0]) - found.end(1))
        else:
            value_start, value_end = q[:, col + 2] + 1, q[:, col + 3]
        if not same_bytes(w, begin, value_start, first[begin[0] : value_start[0]]):
            return None
        spans[key] = (w, value_start, value_end)
        begin, col = value_end, col + n_quotes
    if not same_bytes(w, begin, ends, first[begin[0] : ends[0]]):
        return None
    return spans
