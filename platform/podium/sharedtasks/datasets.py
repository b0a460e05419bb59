"""Checking and storing the files of a data split.

Organisers' files are checked when they are saved (admin or task file), so that a broken gold file
is refused with the line that is wrong instead of failing every participant's submission later.
"""

import hashlib
import json
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

import scorers
from podium.sharedtasks.models import Dataset, Subtask
from podium.sharedtasks.specs import PARTITION_FIELD, subtask_scorer_spec

MAX_REPORTED_ERRORS = 20


@dataclass(frozen=True)
class InputsSummary:
    ids: list[str]
    errors: list[str]


def read_inputs(subtask: Subtask, split: str, path: Path) -> InputsSummary:
    """Check a JSONL inputs file: one object per line, each with a unique id.

    Train inputs may carry the labels (training data is public); where they do, labels are checked
    against the subtask's label set like gold. Dev and test inputs must not carry the value field
    or a partition column: participants download them, so that would hand out the gold.
    """
    ids: list[str] = []
    seen: dict[str, int] = {}
    errors: list[str] = []
    labels = {str(label) for label in subtask.labels}
    check_labels = split == Dataset.Split.TRAIN and subtask.value_type == "label"
    answer = subtask.answer_fields
    forbidden = set() if split == Dataset.Split.TRAIN else {*answer, PARTITION_FIELD}
    with open(path, encoding="utf-8-sig") as handle:
        for number, line in enumerate(handle, start=1):
            if len(errors) >= MAX_REPORTED_ERRORS:
                errors.append("... more errors not shown")
                break
            if not line.strip():
                errors.append(f"line {number}: empty line")
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                errors.append(f"line {number}: not valid JSON ({exc.msg})")
                continue
            if not isinstance(row, dict):
                errors.append(f"line {number}: expected a JSON object")
                continue
            if subtask.id_field not in row:
                errors.append(f"line {number}: missing the id field {subtask.id_field!r}")
                continue
            row_id = str(row[subtask.id_field])
            if row_id in seen:
                errors.append(f"line {number}: id {row_id!r} already used on line {seen[row_id]}")
                continue
            seen[row_id] = number
            ids.append(row_id)
            if leaked := sorted(forbidden & row.keys()):
                errors.append(
                    f"line {number}: {split} inputs are public and must not hold "
                    f"{', '.join(repr(k) for k in leaked)} (that belongs in the gold file)"
                )
            if check_labels and answer[0] in row:
                label = str(row[answer[0]])
                if label not in labels:
                    errors.append(f"line {number}: label {label!r} is not one of {sorted(labels)}")
    if not ids and not errors:
        errors.append("the file holds no rows")
    return InputsSummary(ids=ids, errors=errors)


def read_gold_ids(subtask: Subtask, path: Path) -> list[str]:
    with open(path, encoding="utf-8-sig") as handle:
        return [str(json.loads(line)[subtask.id_field]) for line in handle if line.strip()]


def dataset_check_files(
    *, subtask: Subtask, split: str, inputs_path: Path, gold_path: Path | None
) -> list[str]:
    """All problems of a split's files, each naming the file and line; empty when they are fine."""
    try:
        inputs = read_inputs(subtask, split, inputs_path)
    except UnicodeDecodeError:
        return ["inputs: the file is not UTF-8 text"]
    errors = [f"inputs: {message}" for message in inputs.errors]
    if gold_path is None:
        if split != Dataset.Split.TRAIN:
            errors.append(f"gold: the {split} split needs a gold file to score submissions")
        return errors
    try:
        spec = subtask_scorer_spec(subtask, split=split)
        gold_errors = scorers.check_gold(spec, gold_path)
    except scorers.SpecError as exc:
        return [*errors, f"scorer: {exc}"]
    for error in gold_errors[:MAX_REPORTED_ERRORS]:
        where = f"line {error['line']}: " if error.get("line") else ""
        column = f"column {error['column']!r}: " if error.get("column") else ""
        errors.append(f"gold: {where}{column}{error['message']}")
    if errors:
        return errors
    gold_ids = read_gold_ids(subtask, gold_path)
    if subtask.file_format == Subtask.FileFormat.TXT and gold_ids != inputs.ids:
        # Positional submissions answer the n-th input with the n-th line: orders must agree.
        errors.append(
            "gold: for a positional (txt) format, gold rows must list the inputs' ids "
            "in the same order"
        )
    elif set(gold_ids) != set(inputs.ids):
        missing = len(set(inputs.ids) - set(gold_ids))
        extra = len(set(gold_ids) - set(inputs.ids))
        errors.append(
            f"gold: ids differ from the inputs ({missing} inputs without gold, "
            f"{extra} gold rows without input)"
        )
    return errors


def file_sha256(path_or_file) -> str:
    digest = hashlib.sha256()
    if isinstance(path_or_file, (str, Path)):
        with open(path_or_file, "rb") as handle:
            for chunk in iter(lambda: handle.read(1 << 20), b""):
                digest.update(chunk)
    else:
        path_or_file.seek(0)
        for chunk in path_or_file.chunks():
            digest.update(chunk)
        path_or_file.seek(0)
    return digest.hexdigest()


def _stored_sha256(field) -> str | None:
    if not field or not field.name or not field.storage.exists(field.name):
        return None
    with field.storage.open(field.name, "rb") as handle:
        digest = hashlib.sha256()
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def _replace_file(field, path: Path, name: str, *, dry_run: bool) -> bool:
    """Store `path` in `field` unless the stored file already has the same content."""
    if _stored_sha256(field) == file_sha256(path):
        return False
    if dry_run:
        return True
    old_name = field.name
    with open(path, "rb") as handle:
        field.save(name, File(handle), save=False)
    if old_name and old_name != field.name:
        storage = field.storage
        transaction.on_commit(lambda: storage.delete(old_name))
    return True


def dataset_store(
    *,
    subtask: Subtask,
    split: str,
    inputs_path: Path,
    gold_path: Path | None,
    dry_run: bool = False,
    dataset: Dataset | None = None,
) -> bool:
    """Create or update a split from checked files; says whether anything changed.

    Unchanged files are not stored again, so importing the same task file twice writes nothing.
    `dataset` is the row to update when the caller has it (the admin, which may also change its
    split); otherwise the subtask's row for `split`, or a new one.
    """
    if dataset is None:
        dataset = Dataset.objects.filter(subtask=subtask, split=split).first()
    if dataset is None:
        dataset = Dataset(subtask=subtask, split=split)
    dataset.subtask, dataset.split = subtask, split
    changed = _replace_file(dataset.inputs, inputs_path, f"{split}.jsonl", dry_run=dry_run)
    if gold_path is not None:
        changed |= _replace_file(dataset.gold, gold_path, f"{split}.gold.jsonl", dry_run=dry_run)
    # A zero count is recounted too: rows saved by the admin before it used this service kept 0.
    if (changed or dataset.pk is None or not dataset.row_count) and not dry_run:
        dataset.row_count = count_rows(inputs_path)
        dataset.save()
    return changed or dataset.pk is None


def count_rows(path: Path) -> int:
    with open(path, "rb") as handle:
        return sum(1 for line in handle if line.strip())


@contextmanager
def local_path(value: UploadedFile | None, field=None) -> Iterator[Path | None]:
    """A path on disk for an uploaded file, or for `field`'s stored file when nothing new was
    sent; None when there is neither. Small uploads live in memory and are spooled to a temp file.
    """
    if isinstance(value, UploadedFile):
        if hasattr(value, "temporary_file_path"):
            yield Path(value.temporary_file_path())
            return
        with tempfile.NamedTemporaryFile(suffix=".jsonl") as handle:
            for chunk in value.chunks():
                handle.write(chunk)
            handle.flush()
            value.seek(0)
            yield Path(handle.name)
        return
    if field and field.name:
        with (
            field.storage.open(field.name, "rb") as stored,
            tempfile.NamedTemporaryFile(suffix=".jsonl") as handle,
        ):
            # Through the storage API, so that a remote (object) storage works as well as disk.
            for chunk in iter(lambda: stored.read(1 << 20), b""):
                handle.write(chunk)
            handle.flush()
            yield Path(handle.name)
        return
    yield None


def dataset_check_uploads(
    *,
    subtask: Subtask,
    split: str,
    inputs: UploadedFile | None,
    gold: UploadedFile | None,
    dataset: Dataset | None = None,
    clear_gold: bool = False,
) -> list[str]:
    """dataset_check_files for files sent from a form; a file not sent is the stored one."""
    stored_inputs = dataset.inputs if dataset is not None else None
    stored_gold = dataset.gold if dataset is not None and not clear_gold else None
    with (
        local_path(inputs, stored_inputs) as inputs_path,
        local_path(gold, stored_gold) as gold_path,
    ):
        if inputs_path is None:
            return ["inputs: a split needs an inputs file"]
        return dataset_check_files(
            subtask=subtask, split=split, inputs_path=inputs_path, gold_path=gold_path
        )


@transaction.atomic
def dataset_store_uploads(
    *,
    subtask: Subtask,
    split: str,
    inputs: UploadedFile | None,
    gold: UploadedFile | None,
    dataset: Dataset | None = None,
    clear_gold: bool = False,
) -> Dataset:
    """The admin's way in: files sent from a form (checked with dataset_check_uploads first),
    stored through dataset_store like the task file's, so the row count is counted the same way.

    A file not sent keeps the stored one; `clear_gold` removes the gold (train splits only need
    inputs; a dev or test split without gold does not pass the check).
    """
    stored_inputs = dataset.inputs if dataset is not None else None
    stored_gold = dataset.gold if dataset is not None and not clear_gold else None
    with (
        local_path(inputs, stored_inputs) as inputs_path,
        local_path(gold, stored_gold) as gold_path,
    ):
        if clear_gold and dataset is not None and dataset.gold:
            old, storage = dataset.gold.name, dataset.gold.storage
            dataset.gold = ""
            transaction.on_commit(lambda: storage.delete(old))
        moved = dataset is not None and dataset.pk is not None and dataset.split != split
        dataset_store(
            subtask=subtask,
            split=split,
            inputs_path=inputs_path,
            gold_path=gold_path,
            dataset=dataset,
        )
    if dataset is None:
        return Dataset.objects.get(subtask=subtask, split=split)
    if moved or clear_gold:
        # dataset_store saves only when a file changed; a new split or a cleared gold is a change.
        dataset.save()
    return dataset
