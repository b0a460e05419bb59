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
from pathlib import Path

import numpy as np

from scorers.build import vocabulary
from scorers.bytecols import Spans, factorize, flags, join, same_bytes, word_view
from scorers.gold import PARTITIONS, gold_fields, gold_format
from scorers.source import BOM, ZIP_MAGIC
from scorers.spec import Limits, Spec
from scorers.view import Dataset

# Below this size the thorough path is fast enough; tests lower it to exercise this module.
MIN_BYTES = 4 << 20


def _load(path: str | Path, limits: Limits, forbidden: bytes) -> tuple[np.ndarray, bytes] | None:
    """(the file as uint8 ending with a newline then 8 zero bytes, its first line).

    None when the file is a zip, too large, not UTF-8, or holds a byte of ``forbidden``.
    """
    with open(path, "rb") as fh:
        head = fh.read(4)
        size = os.fstat(fh.fileno()).st_size
        if head.startswith(ZIP_MAGIC) or size > limits.max_bytes or size == 0:
            return None
        buf = np.zeros(size + 9, dtype=np.uint8)
        buf[: len(head)] = np.frombuffer(head, dtype=np.uint8)
        if fh.readinto(memoryview(buf)[len(head) : size]) != size - len(head):
            return None
    if bytes(buf[:3]) == BOM:
        return None
    end = size if buf[size - 1] == 10 else size + 1
    buf[size] = 10
    raw = buf[:end].tobytes()  # bytes give memchr-fast searches and a strict UTF-8 check
    if any(raw.find(bytes([c])) >= 0 for c in forbidden):
        return None
    if not raw.isascii():
        try:
            raw.decode("utf-8")
        except UnicodeDecodeError:
            return None
    return buf[: end + 8], raw[: raw.index(b"\n")]


def _lines(
    a: np.ndarray, limits: Limits, tab_ok: bool = False
) -> tuple[np.ndarray, np.ndarray] | None:
    """(starts, ends) of lines; None if a control character other than LF (or tab) occurs."""
    ctl = np.flatnonzero(flags(a, np.less, 32))
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


def _jsonl(
    padded: np.ndarray, first: bytes, fields: tuple[str, ...], limits: Limits
) -> dict[str, Spans] | None:
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
    if len(set(keys)) != len(keys) or not all(isinstance(v, str) for _, v in pairs):
        return None
    if not set(fields) <= set(keys):
        return None
    q = _rows_within(np.flatnonzero(flags(a, np.equal, 34)), starts, ends, 4 * len(keys))
    if q is None:
        return None
    w = word_view(padded)
    # Fixed regions: everything between one value string and the next (the key, its quotes,
    # the colon and the separators), plus the line's prefix and suffix.
    begin = starts
    for k in range(len(keys) + 1):
        end = q[:, 4 * k + 2] + 1 if k < len(keys) else ends
        template = first[begin[0] : end[0]]
        if not same_bytes(w, begin, end, template):
            return None
        if k < len(keys):
            begin = q[:, 4 * k + 3]
    return {f: (w, q[:, 4 * keys.index(f) + 2] + 1, q[:, 4 * keys.index(f) + 3]) for f in fields}


def _csv(
    padded: np.ndarray, first: bytes, fields: tuple[str, ...], sep: str, limits: Limits
) -> dict[str, Spans] | None:
    a = padded[:-8]
    sep_code = ord(sep)
    seps = np.flatnonzero(flags(a, np.equal, sep_code))
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


def _columns(
    loaded: tuple[np.ndarray, bytes], fmt: str, fields: tuple[str, ...], sep: str, limits: Limits
):
    if fmt == "jsonl":
        return _jsonl(*loaded, fields, limits)
    return _csv(*loaded, fields, "\t" if fmt == "tsv" else sep, limits)


def _forbidden(fmt: str) -> bytes:
    # Escapes and CR are left to the thorough path; in CSV, so are quoting and padding spaces.
    return b"\\\r" if fmt == "jsonl" else b'\\\r" '


def try_dataset(spec: Spec, gold_path: str | Path, pred_path: str | Path) -> Dataset | None:
    if spec.kind != "label" or spec.format not in ("jsonl", "csv", "tsv"):
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
    g_fields = gold_fields(spec)
    gold = _columns(gold_data, g_fmt, g_fields, g_sep, Limits())
    pred = _columns(
        pred_data, spec.format, (spec.id_field, spec.value_fields[0]), spec.separator, spec.limits
    )
    if (
        gold is None
        or pred is None
        or min(len(gold[spec.id_field][1]), len(pred[spec.id_field][1])) == 0
    ):
        return None
    gold_row = join(gold[spec.id_field], pred[spec.id_field])
    if gold_row is None:
        return None
    factors = {f: factorize(gold[f]) for f in (spec.gold_value_fields[0], *spec.gold_columns)}
    pred_labels = factorize(pred[spec.value_fields[0]])
    if pred_labels is None or any(f is None for f in factors.values()):
        return None
    gold_labels = factors.pop(spec.gold_value_fields[0])
    allowed = set(spec.labels) if spec.labels else None
    if allowed is not None and not set(gold_labels.values) | set(pred_labels.values) <= allowed:
        return None
    if spec.partition_field and not set(factors[spec.partition_field].values) <= set(PARTITIONS):
        return None
    labels = vocabulary(spec, gold_labels.values, pred_labels.values)
    g_map = np.array([labels.index(v) for v in gold_labels.values], dtype=np.int64)
    p_map = np.array([labels.index(v) for v in pred_labels.values], dtype=np.int64)
    y_pred = np.empty(len(gold_row), dtype=np.int64)
    y_pred[gold_row] = p_map[pred_labels.codes]
    return Dataset("label", g_map[gold_labels.codes], y_pred, labels, factors)  # type: ignore[arg-type]
