"""Writing programs, their versions, the subtasks they score and their reference data."""

from __future__ import annotations

import hashlib
import os
import shutil
import stat
import tempfile
import zipfile
from pathlib import Path

from django.core.files import File
from django.db import transaction

from podium.programs.models import (
    ProgramColumn,
    ProgramScoring,
    ProgramVersion,
    ReferenceData,
    ScoringProgram,
)
from podium.programs.results import Column, ProgramError, read_command
from podium.programs.unpack import ORGANISER_LIMITS, UnpackError, safe_extract
from podium.sharedtasks.models import Dataset, Subtask

# Fixed member timestamps: the same folder always packs to the same bytes, so importing the
# same task file or bundle twice does not make a new version.
_EPOCH = (1980, 1, 1, 0, 0, 0)


class ProgramConfigError(ValueError):
    """An organiser's program, columns or reference cannot be used; the message says why."""


def pack_folder(folder: Path, target: Path) -> Path:
    """Zip ``folder`` deterministically (sorted names, fixed dates); refuses symlinks."""
    with zipfile.ZipFile(target, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(folder.rglob("*")):
            relative = path.relative_to(folder).as_posix()
            if path.is_symlink():
                raise ProgramConfigError(f"{relative}: symbolic links are not allowed")
            if path.is_dir():
                continue
            info = zipfile.ZipInfo(relative, date_time=_EPOCH)
            mode = 0o755 if os.stat(path).st_mode & stat.S_IXUSR else 0o644
            info.external_attr = (stat.S_IFREG | mode) << 16
            info.compress_type = zipfile.ZIP_DEFLATED
            with open(path, "rb") as handle:
                archive.writestr(info, handle.read())
    return target


def _as_zip(source: Path, scratch: Path) -> Path:
    if source.is_dir():
        return pack_folder(source, scratch / "packed.zip")
    if not zipfile.is_zipfile(source):
        raise ProgramConfigError(f"{source.name}: not a zip file or a folder")
    return source


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def program_check(source: Path) -> str:
    """Unpack a program zip or folder into a scratch folder; return its command."""
    with tempfile.TemporaryDirectory(prefix="podium-program-") as scratch:
        archive = _as_zip(source, Path(scratch))
        try:
            safe_extract(archive, Path(scratch) / "program", limits=ORGANISER_LIMITS)
            return read_command(Path(scratch) / "program")
        except (UnpackError, ProgramError) as exc:
            raise ProgramConfigError(str(exc)) from exc


def program_version_add(
    *, program: ScoringProgram, source: Path, uploaded_by=None, dry_run: bool = False
) -> tuple[ProgramVersion | None, bool]:
    """Keep ``source`` (a zip or a folder) as the program's next version.

    Returns (version, created). The same content as the latest version is not stored again
    (an import run twice changes nothing). Older versions stay: their scores name them.
    """
    with tempfile.TemporaryDirectory(prefix="podium-program-") as scratch:
        archive = _as_zip(source, Path(scratch))
        command = program_check(archive)
        sha = _sha256(archive)
        latest = program.latest_version() if program.pk else None
        if latest is not None and latest.sha256 == sha:
            return latest, False
        if dry_run:
            return None, True
        with transaction.atomic():
            locked = ScoringProgram.objects.select_for_update().get(pk=program.pk)
            number = (locked.versions.order_by("-number").values_list("number", flat=True).first()
                      or 0) + 1  # fmt: skip
            version = ProgramVersion(
                program=program, number=number, sha256=sha, command=command,
                uploaded_by=uploaded_by,
            )  # fmt: skip
            with open(archive, "rb") as handle:
                version.archive.save("program.zip", File(handle), save=False)
            version.save()
        return version, True


def columns_check(columns: list[Column]) -> list[str]:
    """Problems of a column declaration, one line each; empty when it is fine."""
    errors = []
    if not columns:
        errors.append("columns: declare at least one leaderboard column")
    keys = [c.key for c in columns]
    for index, column in enumerate(columns):
        if not column.key.strip():
            errors.append(f"columns[{index}].key: must not be empty")
        if keys.count(column.key) > 1:
            errors.append(f"columns[{index}].key: {column.key!r} is declared twice")
        if column.direction not in ("higher", "lower"):
            errors.append(f"columns[{index}].direction: must be higher or lower")
        if column.primary and column.hidden:
            errors.append(f"columns[{index}]: the primary column cannot be hidden")
    primaries = [c for c in columns if c.primary]
    if columns and len(primaries) != 1:
        errors.append(f"columns: exactly one column must be primary ({len(primaries)} are)")
    return errors


def program_scoring_set(
    *, subtask: Subtask, program: ScoringProgram, columns: list[Column], results_filename: str = ""
) -> bool:
    """Make ``subtask`` scored by ``program`` with these columns; says whether anything changed.

    The subtask's primary metric, direction and metric list follow the columns, so rankings,
    exports and the API treat a program-scored subtask like any other.
    """
    errors = columns_check(columns)
    if "/" in results_filename or results_filename in (".", ".."):
        errors.append("results_filename: a plain file name, without folders")
    if program.task_id != subtask.task_id:
        errors.append("program: belongs to another task")
    if errors:
        raise ProgramConfigError("\n".join(errors))
    with transaction.atomic():
        scoring, created = ProgramScoring.objects.get_or_create(
            subtask=subtask, defaults={"program": program, "results_filename": results_filename}
        )
        changed = created
        if (scoring.program_id, scoring.results_filename) != (program.pk, results_filename):
            scoring.program, scoring.results_filename = program, results_filename
            scoring.save()
            changed = True
        current = [_column(c) for c in scoring.columns.order_by("position")]
        if current != columns:
            scoring.columns.all().delete()
            ProgramColumn.objects.bulk_create(
                ProgramColumn(scoring=scoring, position=i, **_fields(c))
                for i, c in enumerate(columns)
            )
            changed = True
        changed |= subtask_follow_columns(subtask=subtask, columns=columns)
    return changed


def subtask_follow_columns(*, subtask: Subtask, columns: list[Column]) -> bool:
    primary = next(c for c in columns if c.primary)
    values = {
        "primary_metric": primary.key,
        "direction": primary.direction,
        "metrics": [c.key for c in columns if not c.hidden],
    }
    changed = [name for name, value in values.items() if getattr(subtask, name) != value]
    for name in changed:
        setattr(subtask, name, values[name])
    if changed:
        subtask.save(update_fields=changed)
    return bool(changed)


def _fields(column: Column) -> dict:
    return {
        "key": column.key,
        "title": column.title,
        "direction": column.direction,
        "precision": column.precision,
        "primary": column.primary,
        "hidden": column.hidden,
    }


def _column(row: ProgramColumn) -> Column:
    return Column(
        key=row.key, title=row.title, direction=row.direction, precision=row.precision,
        primary=row.primary, hidden=row.hidden,
    )  # fmt: skip


def scoring_columns(scoring: ProgramScoring) -> list[Column]:
    return [_column(row) for row in scoring.columns.all()]


def reference_store(
    *, subtask: Subtask, split: str, partition: str, source: Path, dry_run: bool = False
) -> bool:
    """Store a reference folder or zip for (subtask, split, partition); unchanged content is
    not stored again. Says whether anything changed."""
    if split not in Dataset.Split.values:
        raise ProgramConfigError(f"split: {split!r} is not one of {Dataset.Split.values}")
    if partition not in ReferenceData.Partition.values:
        raise ProgramConfigError(f"partition: {partition!r} is not one of all, public, private")
    if partition != "all" and split != Dataset.Split.TEST:
        raise ProgramConfigError("partition: only the test split has public and private parts")
    if partition == "all" and split == Dataset.Split.TEST:
        # A test phase ranks on its public and private partitions: scores under "all" would
        # never reach its leaderboard.
        raise ProgramConfigError(
            "partition: the test split's reference is public or private (one reference alone: "
            "public, and the private ranking stays empty)"
        )
    with tempfile.TemporaryDirectory(prefix="podium-reference-") as scratch:
        archive = _as_zip(source, Path(scratch))
        try:
            safe_extract(archive, Path(scratch) / "check", limits=ORGANISER_LIMITS)
        except UnpackError as exc:
            raise ProgramConfigError(f"reference: {exc}") from exc
        sha = _sha256(archive)
        reference = ReferenceData.objects.filter(
            subtask=subtask, split=split, partition=partition
        ).first()
        if reference is not None and reference.sha256 == sha:
            return False
        if dry_run:
            return True
        reference = reference or ReferenceData(subtask=subtask, split=split, partition=partition)
        old_name = reference.archive.name if reference.pk else ""
        reference.sha256 = sha
        with open(archive, "rb") as handle:
            reference.archive.save("reference.zip", File(handle), save=False)
        reference.save()
        if old_name and old_name != reference.archive.name:
            storage = reference.archive.storage
            transaction.on_commit(lambda: storage.delete(old_name))
        return True


def references_for(subtask: Subtask, split: str) -> list[ReferenceData]:
    """The references one scoring runs against: public then private, or the single `all`.

    A split with a public or private part ignores an `all` reference: partitions are the rule.
    """
    references = {r.partition: r for r in subtask.references.filter(split=split)}
    parted = [references[p] for p in ("public", "private") if p in references]
    if parted:
        return parted
    return [references["all"]] if "all" in references else []


def stage_archive(field, dest: Path) -> None:
    """Copy a stored zip through the storage API (never a web-host path) and unpack it."""
    with tempfile.NamedTemporaryFile(suffix=".zip", dir=dest.parent) as copy:
        with field.open("rb") as source:
            shutil.copyfileobj(source, copy)
        copy.flush()
        safe_extract(copy.name, dest, limits=ORGANISER_LIMITS)
