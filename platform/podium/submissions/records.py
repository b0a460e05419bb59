"""Per-item records of a scored submission: one file per partition in the gold storage.

The built-in scorer writes them into the sandbox's output directory (scorers.stats.records
documents the format); the scoring job stores them here, and the leaderboard's board job reads
them to compute intervals and clusters. They hold gold-derived values (the gold label of each
item), so they live in the gold storage, which has no URL: nothing serves them to anyone.
Never one database row per item.
"""

from __future__ import annotations

from pathlib import Path

from django.core.files.base import ContentFile
from django.dispatch import Signal

from podium.sandbox import OutputFileError, read_output_file
from podium.storage import gold_storage

PARTITIONS = ("all", "public", "private")
# 100,000 numeric items take about 1.6 MB; anything far larger is not a record we wrote.
MAX_RECORD_BYTES = 64 * 1024 * 1024

# Sent (after commit) when a submission's scores changed, so boards can be rebuilt. A signal
# because the leaderboards app depends on this one, not the other way round; its receiver only
# schedules a debounced rebuild job.
board_inputs_changed = Signal()  # kwargs: phase_id, subtask_id


def record_name(submission_id: int, partition: str) -> str:
    return f"board-records/{submission_id}/{partition}.npz"


def records_collect(output_dir: Path) -> dict[str, bytes]:
    """The record files the sandboxed scorer left, read defensively (no symlinks, size cap)."""
    found = {}
    for partition in PARTITIONS:
        try:
            found[partition] = read_output_file(
                output_dir, f"records-{partition}.npz", MAX_RECORD_BYTES
            )
        except OutputFileError:
            continue  # this partition has no record (or a bad one): no interval, not an error
    return found


def submission_records_store(*, submission_id: int, records: dict[str, bytes]) -> None:
    """Replace the submission's records: a rescore without records leaves none behind."""
    storage = gold_storage()
    for partition in PARTITIONS:
        name = record_name(submission_id, partition)
        if storage.exists(name):
            storage.delete(name)
        if partition in records:
            storage.save(name, ContentFile(records[partition]))


def submission_record(*, submission_id: int, partition: str) -> bytes | None:
    """The stored record of one partition, or None."""
    storage = gold_storage()
    name = record_name(submission_id, partition)
    if not storage.exists(name):
        return None
    with storage.open(name, "rb") as fh:
        return fh.read(MAX_RECORD_BYTES + 1)[:MAX_RECORD_BYTES]
