"""Strict validation of a submission against the gold of its split.

Every row is checked and all problems are collected (capped by ErrorList), so a participant
fixes their file in one go. Messages quote only what the participant sent and the public label
set: never a gold label, and nothing that depends on the partition of an id.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from scorers.coverage import shortfall
from scorers.errors import ErrorList
from scorers.gold import Gold
from scorers.readers import MISSING, read_table, shown
from scorers.spec import Spec
from scorers.values import ValueProblem, to_key, to_label, to_number, to_text

MISSING_EXAMPLES = 3


def _converter(spec: Spec):
    labels = frozenset(spec.labels) if spec.labels else None
    fields = spec.value_fields
    convert = _value_converter(spec, labels, fields)

    def checked(row: dict[str, Any]) -> Any:
        for f in fields:
            if row[f] is MISSING:
                raise ValueProblem("missing field", f"missing field {f!r}")
        return convert(row)

    return checked


def _value_converter(spec: Spec, labels: frozenset[str] | None, fields: tuple[str, ...]):
    if spec.value_type == "spans":
        return lambda row: tuple(to_text(row[f], f"{f} span") for f in fields)
    if spec.value_type == "label":
        return lambda row: to_label(row[fields[0]], labels, spec.labels)
    integer = spec.value_type == "integer"
    from_text = spec.format in ("csv", "tsv", "txt")
    return lambda row: to_number(row[fields[0]], integer, spec.range, from_text)


def pred_fields(spec: Spec) -> tuple[str, ...]:
    if spec.format == "txt":
        return spec.value_fields
    return (spec.id_field, *spec.value_fields)


def align_predictions(
    spec: Spec, gold: Gold, pred_path: str | Path
) -> tuple[list[Any] | None, ErrorList]:
    """Predicted values in gold order, or None with the errors of the file."""
    if spec.format == "json":
        # A quick read first; only a file with errors is read again to name their lines.
        aligned, errors = _align(spec, gold, pred_path, precise=False)
        if aligned is not None:
            return aligned, errors
    return _align(spec, gold, pred_path, precise=True)


def _align(
    spec: Spec, gold: Gold, pred_path: str | Path, precise: bool
) -> tuple[list[Any] | None, ErrorList]:
    errors = ErrorList()
    fields = pred_fields(spec)
    table = read_table(
        pred_path, spec.format, fields, spec.limits, errors, spec.separator, precise=precise
    )
    if table is None:
        return None, errors
    # Rows that could not be parsed have no id: calling ids "missing" then would mislead.
    unreadable_rows = bool(errors)
    convert = _converter(spec)
    aligned: list[Any] = [None] * len(gold)
    column = spec.value_fields[0] if len(spec.value_fields) == 1 else None
    if spec.format == "txt":
        if len(table) != len(gold) and not errors:
            errors.add(
                "line count",
                f"expected {len(gold)} lines, one value per test input in the order of the "
                f"input file; found {len(table)}",
            )
        for r, line in enumerate(table.lines):
            try:
                value = convert({f: table.cols[f][r] for f in fields})
            except ValueProblem as exc:
                errors.add(exc.kind, str(exc), line=line)
                continue
            if r < len(gold):
                aligned[r] = value
        return (None if errors else aligned), errors

    index = gold.index
    seen_on: list[int] = [0] * len(gold)
    for r, line in enumerate(table.lines):
        row = {f: table.cols[f][r] for f in fields}
        try:
            pid = to_key(row[spec.id_field], "id")
        except ValueProblem as exc:
            errors.add(exc.kind, str(exc), line=line, column=spec.id_field)
            continue
        g = index.get(pid)
        if g is None:
            errors.add(
                "unknown id",
                f"unknown id {shown(pid)}: not an id of this split",
                line=line,
                column=spec.id_field,
            )
            continue
        if seen_on[g]:
            errors.add(
                "duplicate id",
                f"duplicate id {shown(pid)} (first on line {seen_on[g]})",
                line=line,
                column=spec.id_field,
            )
            continue
        seen_on[g] = line
        try:
            aligned[g] = convert(row)
        except ValueProblem as exc:
            errors.add(exc.kind, str(exc), line=line, column=column)
    missing = [i for i, s in enumerate(seen_on) if not s]
    if missing and spec.min_coverage is not None:
        problem = shortfall(spec.min_coverage, len(gold) - len(missing), len(gold))
        if problem and not unreadable_rows:
            errors.add("coverage", problem, column=spec.id_field)
    elif missing and not unreadable_rows:
        examples = ", ".join(shown(gold.ids[i]) for i in missing[:MISSING_EXAMPLES])
        errors.add(
            "missing ids",
            f"{len(missing)} ids of this split have no prediction, e.g. {examples}",
            column=spec.id_field,
        )
    return (None if errors else aligned), errors
