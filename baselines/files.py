"""Reading the platform's JSONL inputs and writing predictions in a subtask's submission format.

The writer must produce what ``python -m scorers score`` accepts: numbers as JSON numbers (a
quoted "0.5" is refused there), integers without a fraction, labels as strings, and for the
positional ``txt`` format one value per line in the order of the input rows.
"""

from __future__ import annotations

import csv
import json
import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from baselines.errors import BaselineError

Value = str | int | float | tuple[str, ...]  # a tuple: the (cause, effect) spans of a text


def read_jsonl(path: str | Path) -> list[dict[str, Any]]:
    """Every non-blank line as a JSON object; a bad line raises BaselineError naming it."""
    rows = []
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise BaselineError(f"cannot read {path}: {exc}") from None
    for n, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except ValueError as exc:
            raise BaselineError(f"{path}, line {n}: invalid JSON ({exc})") from None
        if not isinstance(row, dict):
            raise BaselineError(f"{path}, line {n}: expected a JSON object")
        rows.append(row)
    if not rows:
        raise BaselineError(f"{path} holds no rows")
    return rows


def column(rows: list[dict[str, Any]], name: str, path: str | Path) -> list[Any]:
    values = []
    for n, row in enumerate(rows, 1):
        if name not in row or row[name] is None:
            raise BaselineError(f"{path}, row {n}: missing field {name!r}")
        values.append(row[name])
    return values


def texts(
    rows: list[dict[str, Any]], fields: Sequence[str], path: str | Path
) -> list[tuple[str, ...]]:
    """One tuple of strings per row: (text,) or (sentence1, sentence2)."""
    cols = [column(rows, f, path) for f in fields]
    for f, col in zip(fields, cols, strict=True):
        for n, v in enumerate(col, 1):
            if not isinstance(v, str):
                raise BaselineError(f"{path}, row {n}: field {f!r} must be a string")
    return list(zip(*cols, strict=True))


def ids(rows: list[dict[str, Any]], id_field: str, path: str | Path) -> list[str | int]:
    values = column(rows, id_field, path)
    if len(set(map(str, values))) != len(values):
        raise BaselineError(f"{path}: ids in {id_field!r} are not unique")
    return values


def _cell(value: Value) -> Value:
    if isinstance(value, tuple):
        return value
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"prediction {value} is not finite")
        # Six decimals keep files small; no metric here needs more.
        return round(value, 6)
    return value


def write_predictions(
    path: str | Path,
    *,
    fmt: str,
    id_field: str,
    value_field: str | Sequence[str],
    row_ids: Sequence[str | int],
    values: Sequence[Value],
    separator: str = ",",
) -> Path:
    """Write one prediction per input row in ``fmt`` (jsonl, csv, tsv, json or txt).

    With several value fields (cause and effect), each value is a tuple with one cell per field.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fields = [value_field] if isinstance(value_field, str) else list(value_field)
    cells = [_cell(v) for v in values]
    rows = [
        [i, *(v if isinstance(v, tuple) else (v,))] for i, v in zip(row_ids, cells, strict=True)
    ]
    with open(path, "w", encoding="utf-8", newline="") as fh:
        if fmt == "jsonl":
            for row in rows:
                obj = dict(zip([id_field, *fields], row, strict=True))
                fh.write(json.dumps(obj, ensure_ascii=False) + "\n")
        elif fmt == "json":
            objs = [dict(zip([id_field, *fields], row, strict=True)) for row in rows]
            json.dump(objs, fh, ensure_ascii=False, indent=0)
            fh.write("\n")
        elif fmt in ("csv", "tsv"):
            writer = csv.writer(
                fh, delimiter="\t" if fmt == "tsv" else separator, lineterminator="\n"
            )
            writer.writerow([id_field, *fields])
            writer.writerows(rows)
        elif fmt == "txt":
            fh.writelines(f"{v}\n" for v in cells)
        else:
            raise BaselineError(f"cannot write the {fmt!r} format")
    return path


def write_gold(path: Path, rows: list[dict[str, Any]], fields: Sequence[str]) -> Path:
    """A JSONL gold file from labelled dev rows (for ``--dev`` files that carry their labels)."""
    with open(path, "w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps({f: row[f] for f in fields if f in row}, ensure_ascii=False) + "\n")
    return path
