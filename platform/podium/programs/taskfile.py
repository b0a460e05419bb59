"""The `program:` block of a task file's subtask (docs/scoring-programs.md), as a task-file
extension (podium.sharedtasks.taskfile.extensions): checked, imported and exported here."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from podium.programs.models import ProgramScoring, ScoringProgram
from podium.programs.results import Column
from podium.programs.services import (
    ProgramConfigError,
    columns_check,
    program_check,
    program_scoring_set,
    program_version_add,
    reference_store,
)
from podium.sharedtasks.taskfile.schema import Slug, format_errors


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class ColumnSpec(_Strict):
    key: str = Field(min_length=1, max_length=100)
    title: str = ""
    direction: Literal["higher", "lower"] = "higher"
    precision: int = Field(default=4, ge=0, le=12)
    primary: bool = False
    hidden: bool = False


class PartitionFiles(_Strict):
    all: str | None = None
    public: str | None = None
    private: str | None = None


class ProgramSpec(_Strict):
    name: Slug
    path: str
    results_filename: str = ""
    timeout_s: int | None = Field(default=None, ge=1)
    memory_mb: int | None = Field(default=None, ge=64)
    output_mb: int | None = Field(default=None, ge=1)
    stderr_participant_safe: bool = False
    detailed_results_to_team: bool = False
    columns: list[ColumnSpec] = Field(min_length=1)
    reference: dict[Literal["train", "dev", "test"], PartitionFiles] = Field(default_factory=dict)

    def column_list(self) -> list[Column]:
        return [Column(**column.model_dump()) for column in self.columns]


def _parse(subtask_spec) -> tuple[ProgramSpec | None, list[str]]:
    try:
        return ProgramSpec.model_validate(subtask_spec.program), []
    except ValidationError as exc:
        return None, format_errors(exc)


def _references(spec: ProgramSpec):
    for split, files in spec.reference.items():
        for partition in ("all", "public", "private"):
            name = getattr(files, partition)
            if name is not None:
                yield split, partition, name


class ProgramExtension:
    key = "program"

    def check(self, subtask_spec, index: int, base_dir: Path) -> list[str]:
        if subtask_spec.program is None:
            return []
        prefix = f"subtasks[{index}].program"
        spec, errors = _parse(subtask_spec)
        if spec is None:
            return [f"{prefix}.{line}" for line in errors]
        errors = [f"{prefix}.{line}" for line in columns_check(spec.column_list())]
        source = base_dir / spec.path
        if not source.exists():
            errors.append(f"{prefix}.path: not found: {spec.path}")
        else:
            try:
                program_check(source)
            except ProgramConfigError as exc:
                errors.append(f"{prefix}.path: {exc}")
        for split, partition, name in _references(spec):
            if not (base_dir / name).exists():
                errors.append(f"{prefix}.reference.{split}.{partition}: not found: {name}")
            if partition != "all" and split != "test":
                errors.append(
                    f"{prefix}.reference.{split}.{partition}: only the test split has public "
                    "and private parts"
                )
        for split in ("train", "dev", "test"):
            files = getattr(subtask_spec.data, split)
            if files is not None and files.gold is not None:
                errors.append(
                    f"subtasks[{index}].data.{split}.gold: a program-scored subtask reads its "
                    "reference from program.reference"
                )
        return errors

    def subtask_values(self, subtask_spec, index: int) -> dict | None:
        if subtask_spec.program is None:
            return None
        spec, _ = _parse(subtask_spec)
        if spec is None or columns_check(spec.column_list()):
            return None
        primary = next(c for c in spec.columns if c.primary)
        return {
            "metrics": [c.key for c in spec.columns if not c.hidden],
            "primary_metric": primary.key,
            "direction": primary.direction,
            "group_fields": [],
        }

    def skip_data_check(self, subtask_spec) -> bool:
        return subtask_spec.program is not None

    def apply(self, subtask, subtask_spec, base_dir: Path, dry_run: bool) -> list[str]:
        if subtask_spec.program is None:
            return []
        spec, _ = _parse(subtask_spec)
        changes = []
        values = {
            "timeout_s": spec.timeout_s, "memory_mb": spec.memory_mb,
            "output_mb": spec.output_mb,
            "stderr_participant_safe": spec.stderr_participant_safe,
            "detailed_results_to_team": spec.detailed_results_to_team,
        }  # fmt: skip
        program, created = ScoringProgram.objects.get_or_create(
            task=subtask.task, name=spec.name, defaults=values
        )
        changed = [k for k, v in values.items() if getattr(program, k) != v]
        if changed:
            for name in changed:
                setattr(program, name, values[name])
            program.save(update_fields=changed)
        if created or changed:
            changes.append(f"program {program.name}: {'created' if created else 'updated'}")
        _, new = program_version_add(program=program, source=base_dir / spec.path, dry_run=dry_run)
        if new:
            changes.append(f"program {program.name}: new version stored")
        if program_scoring_set(
            subtask=subtask, program=program, columns=spec.column_list(),
            results_filename=spec.results_filename,
        ):  # fmt: skip
            changes.append(f"subtask {subtask.slug}: scored by program {program.name}")
        for split, partition, name in _references(spec):
            if reference_store(
                subtask=subtask, split=split, partition=partition, source=base_dir / name,
                dry_run=dry_run,
            ):  # fmt: skip
                changes.append(f"subtask {subtask.slug}: {split}/{partition} reference stored")
        return changes

    def export(self, subtask, out_dir: Path) -> dict:
        scoring = ProgramScoring.objects.filter(subtask=subtask).select_related("program").first()
        if scoring is None:
            return {}
        program = scoring.program
        version = program.latest_version()
        block: dict = {"name": program.name, "path": f"programs/{program.name}.zip"}
        if version is not None:
            _copy(version.archive, out_dir / block["path"])
        if scoring.results_filename:
            block["results_filename"] = scoring.results_filename
        for field in ("timeout_s", "memory_mb", "output_mb"):
            if getattr(program, field) is not None:
                block[field] = getattr(program, field)
        block["stderr_participant_safe"] = program.stderr_participant_safe
        block["detailed_results_to_team"] = program.detailed_results_to_team
        block["columns"] = [
            {"key": c.key, "title": c.title, "direction": c.direction,
             "precision": c.precision, "primary": c.primary, "hidden": c.hidden}
            for c in scoring.columns.all()
        ]  # fmt: skip
        reference: dict = {}
        for ref in subtask.references.all():
            name = f"references/{subtask.slug}/{ref.split}-{ref.partition}.zip"
            _copy(ref.archive, out_dir / name)
            reference.setdefault(ref.split, {})[ref.partition] = name
        block["reference"] = reference
        return {"program": block, "scorer": None}


def _copy(field, target: Path) -> None:
    target.parent.mkdir(parents=True, exist_ok=True)
    with field.storage.open(field.name, "rb") as source, open(target, "wb") as out:
        shutil.copyfileobj(source, out)
