"""A vectorised path for large, regular, label-valued files; any doubt falls back.

Python's json/csv modules create objects for every row, about a microsecond each, which alone
would take over a second on a million-row submission plus its gold. This module reads the
common shape of a large file (JSONL whose lines all have the same keys in the same order with
string values, or CSV/TSV without quoting) straight from the bytes with numpy; the JSONL walk
is scorers.fastjsonl, byte helpers are scorers.bytecols.

It answers only "here is the aligned dataset" or "not sure": for anything irregular (escapes,
CRLF, numbers, a blank line, an unknown label, a duplicate id, a hash collision, a small file)
it returns None and the thorough path in readers/validate reads the file again and reports
every problem with its line. So it never decides that a file is invalid, and a test checks
that both paths give identical datasets.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from scorers.build import vocabulary
from scorers.bytecols import Spans, factorize, line_bounds, positions, rows_within, word_view
from scorers.fastjsonl import jsonl_columns
from scorers.fastnum import canonical_int_text, canonical_ints, join_ids, number_dataset
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


def _txt(padded: np.ndarray, limits: Limits) -> Spans | None:
    """One value per line (spaces, CR and blank lines were refused before: the thorough path
    strips values and reports blank lines)."""
    lines = line_bounds(padded[:-8], limits)
    if lines is None:
        return None
    return word_view(padded), lines[0], lines[1]


def _csv(
    padded: np.ndarray, first: bytes, fields: tuple[str, ...], sep: str, limits: Limits
) -> dict[str, Spans] | None:
    a = padded[:-8]
    sep_code = ord(sep)
    seps = positions(a, np.equal, sep_code)
    lines = line_bounds(a, limits, tab_ok=sep_code == 9)
    if lines is None:
        return None
    starts, ends = lines
    header = first.decode("utf-8").split(sep)
    if len(set(header)) != len(header) or not set(fields) <= set(header):
        return None
    s = rows_within(seps, starts, ends, len(header) - 1)
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
        return jsonl_columns(*loaded, fields, limits)
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
