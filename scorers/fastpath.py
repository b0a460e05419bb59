"""A fast path for large, regular files of labels or numbers; any doubt falls back.

Python's json/csv modules create objects for every row, about a microsecond each, which alone
would take over a second on a million-row submission plus its gold. This module reads the
common shape of a large file (JSONL whose lines all have the same keys in the same order, or
CSV/TSV without quoting, or TXT) straight from the bytes, with one pass of the C scanner per
column (scorers._spans, through scorers.bytecols); the JSONL layout is scorers.fastjsonl, the
numbers scorers.fastnum.

It answers only "here is the aligned dataset" or "not sure": for anything irregular (escapes,
CRLF, a number outside the grammar, a blank line, an unknown label, a duplicate id, a small
file) it returns None and the thorough path in readers/validate reads the file again and reports
every problem with its line. So it never decides that a file is invalid, and a test checks
that both paths give identical datasets.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from scorers import bytecols
from scorers.build import vocabulary
from scorers.bytecols import (
    Column,
    FileBytes,
    Spans,
    canonical_int_text,
    canonical_ints,
    delimited_bounds,
    factor_of,
    file_bytes,
    join,
    scan_bytes,
    spans_of,
)
from scorers.fastjsonl import jsonl_columns
from scorers.fastnum import number_dataset
from scorers.gold import PARTITIONS, gold_fields, gold_format
from scorers.source import BOM, ZIP_MAGIC
from scorers.spec import Limits, Spec
from scorers.validate import pred_fields
from scorers.view import Dataset, Factor

# Below this size the thorough path is fast enough; tests lower it to exercise this module.
MIN_BYTES = 4 << 20


def _load(path: str | Path, limits: Limits, forbidden: bytes) -> FileBytes | None:
    """The file's bytes, ending with a newline then 8 zero bytes, its first line and its number
    of lines. None when the file is a zip, too large, not UTF-8, or holds a byte of
    ``forbidden``."""
    try:
        with open(path, "rb") as fh:
            size = os.fstat(fh.fileno()).st_size
            if size > limits.max_bytes or size == 0:
                return None
            mapped = file_bytes(fh.fileno(), size)
    except OSError:  # not a file, unreadable, no memory to map it: the thorough path says which
        return None
    if mapped is None:
        return None
    raw = mapped[: size + 9]
    head = raw[:4].tobytes()
    if head.startswith(ZIP_MAGIC) or head.startswith(BOM):
        return None
    end = size if raw[size - 1] == 10 else size + 1
    if end > size:
        raw[size] = 10  # the missing final newline (zeros follow: file_bytes' padding)
    kind, lines = scan_bytes(raw, end, forbidden)
    if kind < 0:
        return None
    if kind > 0:
        try:
            str(raw.data[:end], "utf-8")
        except UnicodeDecodeError:
            return None
    first = raw[: _first_newline(raw, end)].tobytes()
    return FileBytes(raw[: end + 8], first, lines, ascii=kind == 0)


def _first_newline(raw: np.ndarray, end: int) -> int:
    """Where the first line ends (raw[end - 1] is a newline), searching a growing window."""
    window = 4096
    while True:
        found = np.flatnonzero(raw[: min(window, end)] == 10)
        if len(found):
            return int(found[0])
        window *= 16


def _fields(
    file: FileBytes, sep: str | None, n_fields: int, limits: Limits, header: bool
) -> list[Spans] | None:
    """Each field's spans, header line skipped; (spaces, quotes, CR and blank lines were left
    to the thorough path, which strips values, unquotes and reports blank lines)."""
    bounds = delimited_bounds(file, sep, n_fields, limits)
    if bounds is None:
        return None
    rows = bounds[1:] if header else bounds
    # Contiguous columns for the scanner: a copy of 8 bytes per row, once.
    edges = [np.ascontiguousarray(rows[:, c]) for c in range(n_fields + 1)]
    return [(file.padded, edges[c] + 1, edges[c + 1]) for c in range(n_fields)]


def _csv(
    file: FileBytes, fields: tuple[str, ...], sep: str, limits: Limits
) -> dict[str, Column] | None:
    # The scanner splits on one ASCII byte; the thorough path strips names (NBSP included).
    if not (sep == "\t" or (sep.isascii() and sep.isprintable())):
        return None
    header = file.first.decode("utf-8").split(sep)
    if any(name != name.strip() for name in header):
        return None
    if len(set(header)) != len(header) or not set(fields) <= set(header):
        return None
    if file.lines < 2:
        return None  # a header and no rows (JSONL and TXT lines are all rows)
    columns = _fields(file, sep, len(header), limits, header=True)
    if columns is None:
        return None
    return {f: Column(spans=columns[header.index(f)]) for f in fields}


# A column per field; the fields holding JSON numbers (JSONL only).
Columns = tuple[dict[str, Column], set[str]]


def _columns(
    file: FileBytes,
    fmt: str,
    fields: tuple[str, ...],
    sep: str,
    limits: Limits,
    roles: dict[str, str],
) -> Columns | None:
    if fmt == "jsonl":
        return jsonl_columns(file, fields, limits, roles)
    if fmt == "txt":
        lines = _fields(file, None, 1, limits, header=False)
        return None if lines is None else ({fields[-1]: Column(spans=lines[0])}, set())
    cols = _csv(file, fields, "\t" if fmt == "tsv" else sep, limits)
    return None if cols is None else (cols, set())


def _roles(spec: Spec, value_fields: tuple[str, ...]) -> dict[str, str]:
    """What the JSONL scan makes of each field (fastjsonl.jsonl_columns): ids stay spans, with
    their hashes for the join; numbers are read; everything else (labels, groups, the
    partition) is factorised."""
    roles = dict.fromkeys(spec.gold_columns, "f")
    roles.update(dict.fromkeys(value_fields, "n" if spec.kind == "number" else "f"))
    roles[spec.id_field] = "i"
    return roles


def _forbidden(fmt: str) -> bytes:
    # Escapes are left to the thorough path; in CSV, so are quoting and padding spaces; in TXT,
    # spaces (the thorough path strips values). CR needs no search of its own: the scanner refuses
    # every control character but LF (and TSV's tab).
    return {"jsonl": b"\\", "txt": b" "}.get(fmt, b'\\" ')


def keys_ok(columns: Columns, fields: tuple[str, ...]) -> bool:
    """Ids, labels and group values given as JSON numbers must be canonical integers."""
    cols, numeric = columns
    return all(canonical_ints(spans_of(cols[f])) for f in fields if f in numeric)


def factor_ok(columns: Columns, field: str, factor: Factor | None) -> bool:
    """keys_ok for a factorised column, on its few distinct values instead of every row."""
    if factor is None:
        return False
    return field not in columns[1] or all(canonical_int_text(v) for v in factor.values)


def try_dataset(spec: Spec, gold_path: str | Path, pred_path: str | Path) -> Dataset | None:
    if not bytecols.AVAILABLE or spec.format not in ("jsonl", "csv", "tsv", "txt"):
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
    gold_roles, pred_roles = _roles(spec, spec.gold_value_fields), _roles(spec, spec.value_fields)
    gold = _columns(gold_data, g_fmt, gold_fields(spec), g_sep, Limits(), gold_roles)
    pred = _columns(
        pred_data, spec.format, pred_fields(spec), spec.separator, spec.limits, pred_roles
    )
    if gold is None or pred is None:
        return None
    if not keys_ok(gold, (spec.id_field,)) or not keys_ok(pred, (spec.id_field,)):
        return None
    maybe = {f: factor_of(gold[0][f]) for f in spec.gold_columns}
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
    gold_labels, pred_labels = factor_of(gold[0][g_field]), factor_of(pred[0][p_field])
    if gold_labels is None or pred_labels is None:
        return None
    if not factor_ok(gold, g_field, gold_labels) or not factor_ok(pred, p_field, pred_labels):
        return None
    # Ids compare as bytes: numeric ids were checked to be canonical integers (keys_ok).
    gold_row = join(gold[0][spec.id_field], pred[0][spec.id_field])
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
