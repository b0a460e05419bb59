"""A vectorised path for large, regular, label-valued files; any doubt falls back.

Python's json/csv modules create objects for every row, about a microsecond each, which alone
would take over a second on a million-row submission plus its gold. This module reads the
common shape of a large file (JSONL whose lines all have the same keys in the same order with
string values, or CSV/TSV without quoting) straight from the bytes with numpy.

It answers only "here is the aligned dataset" or "not sure": for anything irregular (escapes,
CRLF, numbers, a blank line, an unknown label, a duplicate id, a hash collision, a small file)
it returns None and the thorough path in readers/validate reads the file again and reports
every problem with its line. So it never decides that a file is invalid, and a test checks
that both paths give identical datasets.
"""

from __future__ import annotations

import json
import os
import re
from pathlib import Path

import numpy as np

from scorers.build import vocabulary
from scorers.bytecols import Spans, count, factorize, positions, same_bytes, word_view
from scorers.fastnum import canonical_int_text, canonical_ints, join_ids, number_dataset, numbers
from scorers.gold import PARTITIONS, gold_fields, gold_format
from scorers.source import BOM, ZIP_MAGIC
from scorers.spec import Limits, Spec
from scorers.validate import pred_fields
from scorers.view import Dataset, Factor

# Below this size the thorough path is fast enough; tests lower it to exercise this module.
MIN_BYTES = 4 << 20


def _load(path: str | Path, limits: Limits, forbidden: bytes) -> tuple[np.ndarray, bytes] | None:
    """(the file as uint8 ending with a newline then 8 zero bytes, its first line).

    None when the file is a zip, too large, not UTF-8, or holds a byte of ``forbidden``.
    """
    with open(path, "rb") as fh:
        size = os.fstat(fh.fileno()).st_size
        if size > limits.max_bytes or size == 0:
            return None
        # One buffer, read into once: numpy sees it without a copy, and bytearray's find and
        # isascii are memchr-fast (no second copy of the file as bytes).
        raw = bytearray(size + 9)
        if fh.readinto(memoryview(raw)[:size]) != size:
            return None
    if raw.startswith(ZIP_MAGIC) or raw.startswith(BOM):
        return None
    end = size if raw[size - 1] == 10 else size + 1
    raw[size] = 10
    if any(raw.find(c, 0, end) >= 0 for c in forbidden):
        return None
    if not raw.isascii():  # the padding is ASCII
        try:
            str(memoryview(raw)[:end], "utf-8")
        except UnicodeDecodeError:
            return None
    return np.frombuffer(raw, dtype=np.uint8)[: end + 8], bytes(raw[: raw.index(b"\n")])


def _lines(
    a: np.ndarray, limits: Limits, tab_ok: bool = False
) -> tuple[np.ndarray, np.ndarray] | None:
    """(starts, ends) of lines; None if a control character other than LF (or tab) occurs."""
    ctl = positions(a, np.less, 32)
    kinds = a[ctl]
    if tab_ok:
        ctl = ctl[kinds != 9]
        kinds = a[ctl]
    if not (kinds == 10).all() or len(ctl) > limits.max_rows + 1:
        return None
    nl = ctl
    starts = np.concatenate(([0], nl[:-1] + 1))
    if len(nl) == 0 or (nl - starts).max() > limits.max_line_bytes or (nl == starts).any():
        return None
    return starts, nl


def _rows_within(marks: np.ndarray, starts: np.ndarray, ends: np.ndarray, per_line: int):
    """marks (sorted positions) reshaped to per_line per line, or None if any line differs."""
    if per_line == 0:
        return np.zeros((len(starts), 0), dtype=np.int64) if len(marks) == 0 else None
    if len(marks) != len(starts) * per_line:
        return None
    rows = marks.reshape(len(starts), per_line)
    if (rows[:, 0] < starts).any() or (rows[:, -1] >= ends).any():
        return None
    return rows


NUMBER_CHARS = re.compile(rb"\s*:\s*([-+0-9.eE]+)")


def _jsonl(
    padded: np.ndarray, first: bytes, fields: tuple[str, ...], limits: Limits
) -> tuple[dict[str, Spans], set[str]] | None:
    """(a span per row for each field, the fields whose values are numbers, not strings)."""
    a = padded[:-8]
    lines = _lines(a, limits)
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
    q = _rows_within(positions(a, np.equal, 34), starts, ends, sum(quotes_per_key))
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


def _txt(padded: np.ndarray, limits: Limits) -> Spans | None:
    """One value per line (spaces, CR and blank lines were refused before: the thorough path
    strips values and reports blank lines)."""
    lines = _lines(padded[:-8], limits)
    if lines is None:
        return None
    return word_view(padded), lines[0], lines[1]


def _csv(
    padded: np.ndarray, first: bytes, fields: tuple[str, ...], sep: str, limits: Limits
) -> dict[str, Spans] | None:
    a = padded[:-8]
    sep_code = ord(sep)
    seps = positions(a, np.equal, sep_code)
    lines = _lines(a, limits, tab_ok=sep_code == 9)
    if lines is None:
        return None
    starts, ends = lines
    header = first.decode("utf-8").split(sep)
    if len(set(header)) != len(header) or not set(fields) <= set(header):
        return None
    s = _rows_within(seps, starts, ends, len(header) - 1)
    if s is None:
        return None
    bounds = np.concatenate((starts[:, None] - 1, s, ends[:, None]), axis=1)[1:]
    cols = {f: header.index(f) for f in fields}
    w = word_view(padded)
    return {f: (w, bounds[:, c] + 1, bounds[:, c + 1]) for f, c in cols.items()}


Columns = tuple[dict[str, Spans], set[str]]  # spans per field; the fields holding JSON numbers


def _columns(
    loaded: tuple[np.ndarray, bytes], fmt: str, fields: tuple[str, ...], sep: str, limits: Limits
) -> Columns | None:
    if fmt == "jsonl":
        return _jsonl(*loaded, fields, limits)
    if fmt == "txt":
        spans = _txt(loaded[0], limits)
        return None if spans is None else ({fields[-1]: spans}, set())
    cols = _csv(*loaded, fields, "\t" if fmt == "tsv" else sep, limits)
    return None if cols is None else (cols, set())


def _forbidden(fmt: str) -> bytes:
    # Escapes are left to the thorough path; in CSV, so are quoting and padding spaces; in TXT,
    # spaces (the thorough path strips values). CR needs no search of its own: _lines refuses
    # every control character but LF (and TSV's tab).
    return {"jsonl": b"\\", "txt": b" "}.get(fmt, b'\\" ')


def keys_ok(columns: Columns, fields: tuple[str, ...]) -> bool:
    """Ids, labels and group values given as JSON numbers must be canonical integers."""
    spans, numeric = columns
    return all(canonical_ints(spans[f]) for f in fields if f in numeric)


def factor_ok(columns: Columns, field: str, factor: Factor | None) -> bool:
    """keys_ok for a factorised column, on its few distinct values instead of every row."""
    if factor is None:
        return False
    return field not in columns[1] or all(canonical_int_text(v) for v in factor.values)


def try_dataset(spec: Spec, gold_path: str | Path, pred_path: str | Path) -> Dataset | None:
    if spec.format not in ("jsonl", "csv", "tsv", "txt"):
        return None
    if not (spec.kind == "number" or (spec.kind == "label" and spec.format != "txt")):
        return None
    g_fmt, g_sep = gold_format(spec, gold_path)
    try:
        if Path(pred_path).stat().st_size + Path(gold_path).stat().st_size < MIN_BYTES:
            return None
    except OSError:
        return None
    gold_data = _load(gold_path, Limits(), _forbidden(g_fmt))
    pred_data = _load(pred_path, spec.limits, _forbidden(spec.format))
    if gold_data is None or pred_data is None:
        return None
    gold = _columns(gold_data, g_fmt, gold_fields(spec), g_sep, Limits())
    pred = _columns(pred_data, spec.format, pred_fields(spec), spec.separator, spec.limits)
    if (
        gold is None
        or pred is None
        or min(len(c[1]) for c in (*gold[0].values(), *pred[0].values())) == 0
    ):
        return None
    if not keys_ok(gold, (spec.id_field,)) or not keys_ok(pred, (spec.id_field,)):
        return None
    maybe = {f: factorize(gold[0][f]) for f in spec.gold_columns}
    if not all(factor_ok(gold, f, factor) for f, factor in maybe.items()):
        return None
    factors = {f: factor for f, factor in maybe.items() if factor is not None}
    if spec.partition_field and not set(factors[spec.partition_field].values) <= set(PARTITIONS):
        return None
    if spec.kind == "number":
        return number_dataset(spec, gold, g_fmt == "jsonl", pred, factors)
    return _label_dataset(spec, gold, pred, factors)


def _label_dataset(
    spec: Spec, gold: Columns, pred: Columns, factors: dict[str, Factor]
) -> Dataset | None:
    g_field, p_field = spec.gold_value_fields[0], spec.value_fields[0]
    gold_labels, pred_labels = factorize(gold[0][g_field]), factorize(pred[0][p_field])
    if gold_labels is None or pred_labels is None:
        return None
    if not factor_ok(gold, g_field, gold_labels) or not factor_ok(pred, p_field, pred_labels):
        return None
    both_int = spec.id_field in gold[1] and spec.id_field in pred[1]
    gold_row = join_ids(gold[0][spec.id_field], pred[0][spec.id_field], both_int)
    if gold_row is None:
        return None
    allowed = set(spec.labels) if spec.labels else None
    if allowed is not None and not set(gold_labels.values) | set(pred_labels.values) <= allowed:
        return None
    labels = vocabulary(spec, gold_labels.values, pred_labels.values)
    g_map = np.array([labels.index(v) for v in gold_labels.values], dtype=np.int64)
    p_map = np.array([labels.index(v) for v in pred_labels.values], dtype=np.int64)
    y_pred = np.empty(len(gold_row), dtype=np.int64)
    y_pred[gold_row] = p_map[pred_labels.codes]
    return Dataset("label", g_map[gold_labels.codes], y_pred, labels, factors)
