"""A scoring program's optional per-item values (``per_item.csv``), read as a board record.

Intervals need each item's contribution to a score, which only the program knows. A program
may write ``/app/output/per_item.csv``: a header ``id,<key>,...`` and one row per reference item
with, for each listed column key, the item's value whose mean over the items is that key's score
(1/0 correctness for accuracy, the absolute error for MAE, ...). docs/scoring-programs.md gives
the format. Everything here is optional: a missing, malformed, oversized or symlinked file, or
a column whose mean is not the reported score, gives no interval (for that key, or at all) and
a note for the organisers, never a failed submission. No Django here.

The values derive from the reference, so the record built from them goes to the gold storage
with the built-in scorers' records (podium.submissions.records), never to the team.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from podium import sandbox
from scorers.stats.records import build_mean_record, dump_record

PER_ITEM_CSV = "per_item.csv"
MAX_PER_ITEM_BYTES = 64 * 1024 * 1024
MAX_PER_ITEM_ROWS = 1_000_000
# The mean of a column must match the reported score this closely (absolute, or relative above
# 1): a mean that differs is not the program's score, so its resamples would not be either.
# Loose enough for float sums of a million items, tight enough that a score written rounded to
# four decimals does not pass.
TOLERANCE = 1e-6
MAX_NOTES = 20


@dataclass
class PerItem:
    """What the run's per_item.csv gave: a record (or None) and the notes for the organisers."""

    record: bytes | None = None
    keys: list[str] = field(default_factory=list)  # keys with per-item values in the record
    notes: list[str] = field(default_factory=list)

    @property
    def note(self) -> str:
        return "\n".join(self.notes)


class _Malformed(ValueError):
    pass


def _number(cell: str) -> float:
    # float() alone would also take "nan", "inf" and "1_000": per-item values are plain numbers.
    text = cell.strip()
    if not text or "_" in text:
        raise ValueError(cell)
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(cell)
    return value


def _parse(data: bytes, keys: list[str], notes: list[str]) -> tuple[list[str], dict]:
    """(ids, {key: values}) of the columns that are shown keys; raises _Malformed."""
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise _Malformed(f"not UTF-8 text ({exc.reason} at byte {exc.start})") from None
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        header = next(reader, None)
        if header is None:
            raise _Malformed("the file is empty")
        header = [name.strip() for name in header]
        if "id" not in header:
            raise _Malformed("the header has no 'id' column")
        if len(set(header)) != len(header):
            raise _Malformed("a column name appears twice in the header")
        for name in header:
            if name != "id" and name not in keys:
                notes.append(f"column {name[:100]!r} is not a shown leaderboard column: ignored")
        wanted = {name: i for i, name in enumerate(header) if name in keys}
        if not wanted:
            raise _Malformed("no column is a shown leaderboard column key")
        id_at = header.index("id")
        ids: list[str] = []
        columns: dict[str, list[float]] = {name: [] for name in wanted}
        for row in reader:
            line = reader.line_num
            if not row:
                continue
            if len(ids) >= MAX_PER_ITEM_ROWS:
                raise _Malformed(f"more than {MAX_PER_ITEM_ROWS:,} rows")
            if len(row) != len(header):
                raise _Malformed(f"line {line}: {len(row)} cells, the header has {len(header)}")
            item = row[id_at].strip()
            if not item:
                raise _Malformed(f"line {line}: empty id")
            ids.append(item)
            for name, i in wanted.items():
                try:
                    columns[name].append(_number(row[i]))
                except ValueError:
                    raise _Malformed(
                        f"line {line}, column {name!r}: {row[i][:40]!r} is not a finite number"
                    ) from None
    except csv.Error as exc:
        raise _Malformed(f"line {reader.line_num}: not valid CSV ({exc})") from None
    if not ids:
        raise _Malformed("the file has no rows")
    if len(set(ids)) != len(ids):
        raise _Malformed("an id appears on more than one row")
    return ids, {name: np.array(values) for name, values in columns.items()}


def per_item_read(output_dir: Path, values: dict[str, float], keys: list[str]) -> PerItem:
    """The per-item record of a run whose scores are ``values``, for the shown ``keys``."""
    result = PerItem()
    try:
        data = sandbox.read_output_file(output_dir, PER_ITEM_CSV, MAX_PER_ITEM_BYTES)
    except sandbox.OutputFileError as exc:
        if "missing" in str(exc):
            result.notes.append(f"no {PER_ITEM_CSV}: no intervals")
        else:
            result.notes.append(f"{PER_ITEM_CSV} ignored, so no intervals: {exc}")
        return result
    try:
        ids, columns = _parse(data, keys, result.notes)
    except _Malformed as exc:
        result.notes.append(f"{PER_ITEM_CSV} ignored, so no intervals: {exc}")
        return result
    kept = {}
    for key, column in columns.items():
        mean, score = float(column.mean()), values[key]
        if abs(mean - score) <= TOLERANCE * max(1.0, abs(score)):
            kept[key] = column
        else:
            result.notes.append(
                f"{PER_ITEM_CSV}: the mean of column {key!r} over {len(ids)} items is "
                f"{mean:.10g}, but the program reported {score:.10g}: no interval for {key!r} "
                "(only a score that is the mean of per-item values can have one, and it must be "
                "written unrounded)"
            )
    del result.notes[MAX_NOTES:]
    if kept:
        record = dump_record(build_mean_record(ids, kept))
        # The board reads records up to the same size (podium.submissions.records): a larger
        # one (a million rows of many keys) would be cut there, so it is refused here.
        if len(record) > MAX_PER_ITEM_BYTES:
            result.notes.append(
                f"{PER_ITEM_CSV}: the record of {len(kept)} keys over {len(ids)} items is larger "
                f"than {MAX_PER_ITEM_BYTES} bytes: no intervals (give fewer columns)"
            )
            return result
        result.record = record
        result.keys = list(kept)
        result.notes.append(
            f"{PER_ITEM_CSV}: per-item values of {', '.join(map(repr, kept))} over "
            f"{len(ids)} items kept for intervals"
        )
    return result
