"""`podium check`: a prediction file against a subtask's published format and the input ids.

Checks what the server checks before scoring (ids unknown, duplicated or missing, labels outside
the set, values that are not numbers, out of range or not integers, line counts), with its
messages, as the server words them for the team (`line 3, column id: unknown id 'x9': ...`).
No gold is needed: the ids of a split are those of its public inputs.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from podium_client.checking.reading import ABSENT, Problems, quoted, read_rows

NUMBER = re.compile(r"[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?")
NON_FINITE = re.compile(r"[+-]?(nan|inf|infinity)", re.IGNORECASE)
MISSING_EXAMPLES = 3
# The server shows a team at most this many error lines, then "... and N more".
SHOWN_ERRORS = 20


class Bad(ValueError):
    def __init__(self, kind: str, message: str):
        super().__init__(message)
        self.kind = kind


@dataclass(frozen=True)
class Format:
    """A subtask's `format` as GET /api/v1/tasks/{slug}/ publishes it."""

    file_format: str
    id_field: str
    value_field: str
    value_type: str
    separator: str = ","
    labels: tuple[str, ...] | None = None
    range: tuple[float, float] | None = None

    @classmethod
    def from_api(cls, data: dict[str, Any]) -> Format:
        labels = data.get("labels") or None  # an empty set is an open one, as on the server
        bounds = data.get("range")
        complete = bounds is not None and None not in bounds
        return cls(
            file_format=data["file_format"],
            id_field=data["id_field"],
            value_field=data["value_field"],
            value_type=data["value_type"],
            separator=data.get("separator") or ",",
            labels=tuple(str(x) for x in labels) if labels else None,
            range=(float(bounds[0]), float(bounds[1])) if complete else None,
        )


def _key(value: Any, what: str) -> str:
    if value is ABSENT:
        raise Bad(f"missing {what}", f"missing {what}")
    if isinstance(value, str):
        return value
    if isinstance(value, int) and not isinstance(value, bool):
        return str(value)
    raise Bad(f"bad {what}", f"{what} must be a string or an integer, got {quoted(value)}")


def _label_list(labels: tuple[str, ...]) -> str:
    if len(labels) <= 12:
        return ", ".join(labels)
    return ", ".join(labels[:12]) + f", ... ({len(labels)} labels)"


def _number(value: Any, fmt: Format) -> float:
    from_text = fmt.file_format in ("csv", "tsv", "txt")
    if value is ABSENT:
        raise Bad("missing value", "missing value")
    if isinstance(value, str) and not from_text:
        raise Bad("not a number", f"expected a number, got the string {quoted(value)}")
    if isinstance(value, str):
        if NON_FINITE.fullmatch(value.strip()):
            raise Bad("not finite", f"expected a finite number, got {quoted(value)}")
        if not NUMBER.fullmatch(value):
            raise Bad("not a number", f"expected a number, got {quoted(value)}")
        number = float(value)
    elif isinstance(value, int | float) and not isinstance(value, bool):
        try:
            number = float(value)
        except OverflowError:
            number = math.inf
    else:
        raise Bad("not a number", f"expected a number, got {quoted(value)}")
    if not math.isfinite(number):
        raise Bad("not finite", f"expected a finite number, got {quoted(value)}")
    if fmt.value_type == "integer" and not number.is_integer():
        raise Bad("not an integer", f"expected an integer, got {quoted(value)}")
    low_high = fmt.range
    if low_high is not None and not low_high[0] <= number <= low_high[1]:
        raise Bad(
            "out of range",
            f"expected a value between {low_high[0]:g} and {low_high[1]:g}, got {quoted(value)}",
        )
    return number


def _value(value: Any, fmt: Format) -> None:
    if value is ABSENT:
        raise Bad("missing field", f"missing field {fmt.value_field!r}")
    if fmt.value_type != "label":
        _number(value, fmt)
        return
    label = _key(value, "label")
    if fmt.labels is not None and label not in fmt.labels:
        raise Bad(
            "unknown label", f"label {quoted(label)} is not one of: {_label_list(fmt.labels)}"
        )


def input_ids(path: Path, id_field: str) -> list[str]:
    """The ids of a downloaded inputs file (JSON lines), in file order."""
    ids = []
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                ids.append(_key(json.loads(line).get(id_field, ABSENT), "id"))
    return ids


def check_predictions(path: Path, fmt: Format, ids: list[str]) -> list[dict[str, Any]]:
    """The problems of the file ({"line", "column", "message"}), [] when the server takes it."""
    problems = Problems()
    fields = (fmt.value_field,) if fmt.file_format == "txt" else (fmt.id_field, fmt.value_field)
    rows = read_rows(path, fmt.file_format, fields, fmt.separator, problems)
    if rows is None:
        return problems.as_list()
    if fmt.file_format == "txt":
        _check_in_order(rows, fmt, len(ids), problems)
    else:
        _check_by_id(rows, fmt, ids, problems)
    return problems.as_list()


def _check_in_order(rows, fmt: Format, expected: int, problems: Problems) -> None:
    if len(rows) != expected and not problems:
        problems.add(
            "line count",
            f"expected {expected} lines, one value per test input in the order of the "
            f"input file; found {len(rows)}",
        )
    for line, value in zip(rows.lines, rows.values[fmt.value_field], strict=True):
        try:
            _value(value, fmt)
        except Bad as exc:
            problems.add(exc.kind, str(exc), line=line)


def _check_by_id(rows, fmt: Format, ids: list[str], problems: Problems) -> None:
    # Rows that could not be read have no id: calling ids "missing" then would mislead.
    unreadable = bool(problems)
    position = {key: i for i, key in enumerate(ids)}
    first_seen = [0] * len(ids)
    value_column = fmt.value_field
    for n, line in enumerate(rows.lines):
        try:
            key = _key(rows.values[fmt.id_field][n], "id")
        except Bad as exc:
            problems.add(exc.kind, str(exc), line=line, column=fmt.id_field)
            continue
        index = position.get(key)
        if index is None:
            message = f"unknown id {quoted(key)}: not an id of this split"
            problems.add("unknown id", message, line=line, column=fmt.id_field)
            continue
        if first_seen[index]:
            message = f"duplicate id {quoted(key)} (first on line {first_seen[index]})"
            problems.add("duplicate id", message, line=line, column=fmt.id_field)
            continue
        first_seen[index] = line
        try:
            _value(rows.values[value_column][n], fmt)
        except Bad as exc:
            problems.add(exc.kind, str(exc), line=line, column=value_column)
    missing = [i for i, seen in enumerate(first_seen) if not seen]
    if missing and not unreadable:
        examples = ", ".join(quoted(ids[i]) for i in missing[:MISSING_EXAMPLES])
        problems.add(
            "missing ids",
            f"{len(missing)} ids of this split have no prediction, e.g. {examples}",
            column=fmt.id_field,
        )


def as_lines(problems: list[dict[str, Any]]) -> list[str]:
    """The problems worded as the server words them for the team."""
    out = []
    for problem in problems[:SHOWN_ERRORS]:
        where = []
        if problem.get("line"):
            where.append(f"line {problem['line']}")
        if problem.get("column"):
            where.append(f"column {problem['column']}")
        prefix = ", ".join(where)
        out.append(f"{prefix}: {problem['message']}" if prefix else problem["message"])
    if len(problems) > SHOWN_ERRORS:
        out.append(f"... and {len(problems) - SHOWN_ERRORS} more")
    return out
