"""Loading and checking the gold file of a split.

Gold errors go to organisers only, so they may quote gold values. The checks: the file parses,
every row has a unique id, a value of the right type (a label from the spec's set, a finite
number, an integer where required), a partition in {public, private} when the spec has a
partition field, and every group or metric column.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from scorers.errors import ErrorList, GoldError
from scorers.readers import read_table
from scorers.spec import Limits, Spec
from scorers.values import ValueProblem, to_key, to_label, to_number, to_text

PARTITIONS = ("public", "private")


@dataclass
class Gold:
    ids: list[str]
    lines: list[int]
    values: list[Any]  # str labels, float numbers or (cause, effect) tuples
    columns: dict[str, list[str]] = field(default_factory=dict)
    texts: list[str] | None = None
    _index: dict[str, int] | None = None

    def __len__(self) -> int:
        return len(self.ids)

    @property
    def index(self) -> dict[str, int]:
        if self._index is None:
            self._index = {k: i for i, k in enumerate(self.ids)}
        return self._index


def gold_format(spec: Spec, path: str | Path) -> tuple[str, str]:
    """(format, separator) of the gold file: the spec's gold_format, else from the extension."""
    fmt = spec.gold_format
    if fmt is None:
        suffix = Path(path).suffix.lower()
        fmt = {".csv": "csv", ".tsv": "tsv"}.get(suffix, "jsonl")
    separator = spec.separator if fmt == "csv" and spec.format == "csv" else ","
    return fmt, separator


def gold_fields(spec: Spec) -> tuple[str, ...]:
    fields = [spec.id_field, *spec.gold_value_fields, *spec.gold_columns]
    if spec.text_field:
        fields.append(spec.text_field)
    return tuple(dict.fromkeys(fields))


def _value(spec: Spec, row: dict[str, Any], labels: frozenset[str] | None, from_text: bool) -> Any:
    if spec.gold_kind == "spans":
        return tuple(to_text(row[f], f"{f} span") for f in spec.gold_value_fields)
    raw = row[spec.gold_value_fields[0]]
    if spec.gold_kind == "label":
        return to_label(raw, labels, spec.labels)
    return to_number(raw, spec.value_type == "integer", spec.range, from_text)


def read_gold(spec: Spec, path: str | Path) -> tuple[Gold | None, ErrorList]:
    errors = ErrorList(per_kind=10)
    fmt, separator = gold_format(spec, path)
    fields = gold_fields(spec)
    # The spec's limits are for submissions; gold files come from organisers, read with the
    # (generous) defaults.
    table = read_table(path, fmt, fields, Limits(), errors, separator)
    if table is None or errors:
        return None, errors
    labels = frozenset(spec.labels) if spec.labels else None
    gold = Gold(ids=[], lines=[], values=[], columns={c: [] for c in spec.gold_columns})
    if spec.text_field:
        gold.texts = []
    first_line: dict[str, int] = {}
    extra_columns = spec.gold_columns  # a property: computed once, not per row
    for r, line in enumerate(table.lines):
        row = {f: table.cols[f][r] for f in fields}
        try:
            gid = to_key(row[spec.id_field], "id")
            value = _value(spec, row, labels, fmt != "jsonl")
            extra = {c: to_key(row[c], f"{c!r} column") for c in extra_columns}
            text = to_text(row[spec.text_field], "text") if spec.text_field else None
        except ValueProblem as exc:
            errors.add(exc.kind, f"gold: {exc}", line=line)
            continue
        if gid in first_line:
            errors.add(
                "duplicate id", f"duplicate id {gid!r} (first on line {first_line[gid]})", line=line
            )
            continue
        if spec.partition_field and extra[spec.partition_field] not in PARTITIONS:
            errors.add(
                "partition",
                f"partition must be public or private, got {extra[spec.partition_field]!r}",
                line=line,
                column=spec.partition_field,
            )
            continue
        first_line[gid] = line
        gold.ids.append(gid)
        gold.lines.append(line)
        gold.values.append(value)
        for c in extra_columns:
            gold.columns[c].append(extra[c])
        if gold.texts is not None and text is not None:
            gold.texts.append(text)
    return (None if errors else gold), errors


def load_gold(spec: Spec, path: str | Path) -> Gold:
    gold, errors = read_gold(spec, path)
    if gold is None:
        raise GoldError(errors.as_list())
    return gold
