"""Storing and serving the files participants download besides a split's inputs (`DataFile`):
a bundle's input data, public data and starting kit, or a task file's `files:`.

A file is served as stored. Who may fetch it, and from when, is decided exactly as for the
split's inputs (`teams.selectors.download_refusal`); no reference or gold file is ever stored
here.
"""

from __future__ import annotations

import re
from pathlib import Path

from django.core.files import File
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction

from podium.sharedtasks.datasets import file_sha256
from podium.sharedtasks.models import DataFile, Dataset, Subtask

_UNSAFE = re.compile(r"[^A-Za-z0-9._-]+")


def safe_filename(name: str, fallback: str) -> str:
    """A download name without folders, quotes or spaces (it goes into Content-Disposition)."""
    cleaned = _UNSAFE.sub("_", Path(name).name).strip("._")[:200]
    return cleaned or fallback


def data_file_store(
    *,
    subtask: Subtask,
    split: str,
    kind: str,
    path: Path,
    filename: str,
    dry_run: bool = False,
) -> bool:
    """Store the file at ``path`` as the subtask's ``kind`` download of ``split``; the same
    content under the same name is not stored again. Says whether anything changed."""
    if split not in Dataset.Split.values:
        raise ValueError(f"split: {split!r} is not one of {Dataset.Split.values}")
    if kind not in DataFile.Kind.values:
        raise ValueError(f"kind: {kind!r} is not one of {DataFile.Kind.values}")
    filename = safe_filename(filename, f"{kind}.zip")
    sha = file_sha256(path)
    row = DataFile.objects.filter(subtask=subtask, split=split, kind=kind).first()
    if row is not None and row.sha256 == sha and row.filename == filename:
        return False
    if dry_run:
        return True
    row = row or DataFile(subtask=subtask, split=split, kind=kind)
    old_name = row.file.name if row.pk else ""
    if row.sha256 != sha or not row.file:
        with open(path, "rb") as handle:
            row.file.save(filename, File(handle), save=False)
    row.filename, row.sha256, row.size = filename, sha, path.stat().st_size
    row.save()
    if old_name and old_name != row.file.name:
        storage = row.file.storage
        transaction.on_commit(lambda: storage.delete(old_name))
    return True


def data_file_describe(row: DataFile, upload: UploadedFile) -> None:
    """The admin's way in: a file sent from the form becomes the row's file, with its digest,
    size and (unless the organiser typed one) its download name."""
    row.sha256 = file_sha256(upload)
    row.size = upload.size or 0
    row.filename = safe_filename(row.filename or upload.name or "", f"{row.kind}.zip")
