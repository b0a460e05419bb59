"""Create or update a shared task from a task file, idempotently."""

from dataclasses import dataclass, field
from pathlib import Path

import yaml
from django.contrib.auth import get_user_model
from django.db import transaction
from pydantic import ValidationError

from podium.sharedtasks.datasets import dataset_check_files, dataset_store
from podium.sharedtasks.files import data_file_store
from podium.sharedtasks.models import Phase, SharedTask, Subtask
from podium.sharedtasks.taskfile.extensions import EXTENSIONS
from podium.sharedtasks.taskfile.schema import PhaseSpec, SubtaskSpec, TaskSpec, format_errors


class TaskFileError(Exception):
    """The task file cannot be imported; `errors` holds one `key.path: message` line per problem."""

    def __init__(self, errors: list[str]):
        super().__init__("\n".join(errors))
        self.errors = errors


@dataclass
class ImportReport:
    task_slug: str
    dry_run: bool
    changes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


class _DryRun(Exception):
    """Raised inside the import transaction to roll a dry run back."""


def parse_task_file(path: Path, overrides: dict | None = None) -> TaskSpec:
    """The checked task file; `overrides` replaces top-level keys first (a template's slug)."""
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise TaskFileError([f"(file): cannot read {path}: {exc.strerror}"]) from exc
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}, column {mark.column + 1}: " if mark else ""
        problem = getattr(exc, "problem", None) or str(exc)
        raise TaskFileError([f"(file): {where}not valid YAML: {problem}"]) from exc
    if not isinstance(raw, dict):
        raise TaskFileError(["(file): expected a mapping of keys (slug, title, subtasks, ...)"])
    raw.update(overrides or {})
    try:
        return TaskSpec.model_validate(raw)
    except ValidationError as exc:
        raise TaskFileError(format_errors(exc)) from exc


def _data_paths(spec: TaskSpec, base_dir: Path) -> tuple[dict, list[str]]:
    """Resolve every data file against the task file's folder; report the missing ones."""
    paths: dict[tuple[int, str], tuple[Path, Path | None]] = {}
    errors = []
    for index, subtask in enumerate(spec.subtasks):
        for split in ("train", "dev", "test"):
            files = getattr(subtask.data, split)
            if files is None:
                continue
            resolved = []
            for role in ("inputs", "gold"):
                name = getattr(files, role)
                if name is None:
                    resolved.append(None)
                    continue
                path = (base_dir / name).resolve()
                if not path.is_file():
                    errors.append(f"subtasks[{index}].data.{split}.{role}: file not found: {name}")
                resolved.append(path)
            paths[(index, split)] = (resolved[0], resolved[1])
    return paths, errors


def _file_paths(spec: TaskSpec, base_dir: Path) -> tuple[dict, list[str]]:
    """(subtask index, split, kind) -> the download file's path; the missing ones reported."""
    paths: dict[tuple[int, str, str], Path] = {}
    errors = []
    for index, subtask in enumerate(spec.subtasks):
        for split in ("train", "dev", "test"):
            kinds = getattr(subtask.files, split)
            for kind, name in (kinds.model_dump() if kinds else {}).items():
                if name is None:
                    continue
                path = (base_dir / name).resolve()
                if not path.is_file():
                    errors.append(
                        f"subtasks[{index}].files.{split}.{kind}: file not found: {name}"
                        + (" (zip a folder first)" if path.is_dir() else "")
                    )
                paths[(index, split, kind)] = path
    return paths, errors


def _subtask_values(position: int, spec: SubtaskSpec) -> dict:
    scorer = spec.scorer
    values = {**_format_values(position, spec), **_extension_values(position, spec)}
    if scorer is None:  # scored by an organiser's program (an extension's values)
        return values
    return {
        **values,
        "metrics": scorer.metrics,
        "primary_metric": scorer.primary,
        "direction": scorer.direction,
        "group_fields": scorer.group_fields,
        **_answer_and_coverage_values(spec),
    }


def _answer_and_coverage_values(spec: SubtaskSpec) -> dict:
    fmt, spans = spec.format, spec.format.spans
    return {
        "gold_value_field": fmt.gold_value_field or "",
        "span_cause_field": spans.cause if spans else "",
        "span_effect_field": spans.effect if spans else "",
        "span_text_field": spans.text if spans else "",
        "min_coverage": spec.scorer.coverage.min if spec.scorer.coverage else None,
        "baseline_method": spec.baseline or "",
    }


def _format_values(position: int, spec: SubtaskSpec) -> dict:
    fmt = spec.format
    return {
        "title": spec.title,
        "description": spec.description,
        "position": position,
        "file_format": fmt.type,
        "separator": fmt.separator,
        "id_field": fmt.id_field,
        "value_field": fmt.value_field,
        "value_type": fmt.value_type,
        "labels": [str(label) for label in fmt.labels],
        "value_min": fmt.range[0] if fmt.range else None,
        "value_max": fmt.range[1] if fmt.range else None,
    }


def _extension_values(position: int, spec: SubtaskSpec) -> dict:
    values: dict = {}
    for extension in EXTENSIONS.values():
        values.update(extension.subtask_values(spec, position) or {})
    return values


def _phase_values(spec: PhaseSpec) -> dict:
    limits = spec.limits
    return {
        "name": spec.name,
        "kind": spec.kind,
        "split": spec.split,
        "start": spec.start,
        "end": spec.end,
        "selection": spec.selection,
        "leaderboard_mode": spec.leaderboard,
        "max_per_day": limits.per_day,
        "max_total": limits.total,
        "max_concurrent": limits.concurrent,
        "max_file_mb": limits.max_file_mb,
        "count_failed": limits.count_failed,
        "max_failed_per_day": limits.failed_per_day,
    }


def row_update_or_create(model, lookup: dict, values: dict, *, create_only: dict | None = None):
    """Like QuerySet.update_or_create, but says "created", "updated" or None (unchanged).

    `create_only`: values set when the row is created and left alone after (the bundle import
    uses it). Shared by the task-file and the bundle imports, which must report alike.
    """
    obj = model.objects.filter(**lookup).first()
    if obj is None:
        return model.objects.create(**lookup, **values, **(create_only or {})), "created"
    changed = [name for name, value in values.items() if getattr(obj, name) != value]
    for name in changed:
        setattr(obj, name, values[name])
    if changed:
        obj.save(update_fields=changed)
        return obj, "updated"
    return obj, None


def _check_data(spec: TaskSpec, paths: dict) -> list[str]:
    """Check every data file against its subtask's format before anything is written."""
    errors = []
    for (index, split), (inputs_path, gold_path) in paths.items():
        if any(e.skip_data_check(spec.subtasks[index]) for e in EXTENSIONS.values()):
            continue
        subtask = Subtask(
            slug=spec.subtasks[index].slug, **_subtask_values(index, spec.subtasks[index])
        )
        problems = dataset_check_files(
            subtask=subtask, split=split, inputs_path=inputs_path, gold_path=gold_path
        )
        errors += [f"subtasks[{index}].data.{split}.{problem}" for problem in problems]
    return errors


def task_import(
    *, path: Path, dry_run: bool = False, overrides: dict | None = None
) -> ImportReport:
    """Create or update the task described by the task file at `path`.

    Everything is checked before anything is written, and the writes happen in one transaction:
    a file with any error changes nothing. Importing the same file twice changes nothing the second
    time. Subtasks and phases present in the database but absent from the file are kept (they may
    hold submissions) and reported as warnings.
    """
    spec = parse_task_file(path, overrides)
    paths, errors = _data_paths(spec, path.parent)
    file_paths, file_errors = _file_paths(spec, path.parent)
    errors += file_errors
    users = {u.username: u for u in get_user_model().objects.filter(username__in=spec.organisers)}
    errors += [
        f"organisers[{i}]: no user named {name!r}"
        for i, name in enumerate(spec.organisers)
        if name not in users
    ]
    if errors:
        raise TaskFileError(errors)

    errors = _check_data(spec, paths)
    for index, subtask_spec in enumerate(spec.subtasks):
        for extension in EXTENSIONS.values():
            errors += extension.check(subtask_spec, index, path.parent)
    if errors:
        raise TaskFileError(errors)

    report = ImportReport(task_slug=spec.slug, dry_run=dry_run)
    try:
        with transaction.atomic():
            _apply_task(spec, paths, users, report, base_dir=path.parent, file_paths=file_paths)
            if dry_run:
                raise _DryRun
    except _DryRun:
        pass
    return report


def _apply_task(
    spec: TaskSpec,
    paths: dict,
    users: dict,
    report: ImportReport,
    *,
    base_dir: Path,
    file_paths: dict,
) -> None:
    values = {
        "title": spec.title,
        "description": spec.description,
        "terms": spec.terms,
        "visibility": spec.visibility,
        "registration_policy": spec.registration,
    }
    if spec.canary:
        values["canary"] = spec.canary
    task, outcome = row_update_or_create(SharedTask, {"slug": spec.slug}, values)
    if outcome:
        report.changes.append(f"task {spec.slug}: {outcome}")
    new_organisers = [u for u in users.values() if not task.organisers.filter(pk=u.pk).exists()]
    if new_organisers:
        task.organisers.add(*new_organisers)
        report.changes.append(f"organisers added: {', '.join(u.username for u in new_organisers)}")

    for index, subtask_spec in enumerate(spec.subtasks):
        lookup = {"task": task, "slug": subtask_spec.slug}
        subtask, outcome = row_update_or_create(
            Subtask, lookup, _subtask_values(index, subtask_spec)
        )
        if outcome:
            report.changes.append(f"subtask {subtask.slug}: {outcome}")
        for split in ("train", "dev", "test"):
            if (index, split) not in paths:
                continue
            inputs_path, gold_path = paths[(index, split)]
            if dataset_store(
                subtask=subtask,
                split=split,
                inputs_path=inputs_path,
                gold_path=gold_path,
                dry_run=report.dry_run,
            ):
                report.changes.append(f"subtask {subtask.slug}: {split} data stored")
        for (at, split, kind), file_path in sorted(file_paths.items()):
            if at == index and data_file_store(
                subtask=subtask,
                split=split,
                kind=kind,
                path=file_path,
                filename=file_path.name,
                dry_run=report.dry_run,
            ):
                report.changes.append(f"subtask {subtask.slug}: {split} {kind} ({file_path.name})")
        for extension in EXTENSIONS.values():
            report.changes += extension.apply(subtask, subtask_spec, base_dir, report.dry_run)
    for phase_spec in spec.phases:
        lookup = {"task": task, "slug": phase_spec.slug}
        phase, outcome = row_update_or_create(Phase, lookup, _phase_values(phase_spec))
        if outcome:
            report.changes.append(f"phase {phase.slug}: {outcome}")

    for slug in task.subtasks.exclude(slug__in=[s.slug for s in spec.subtasks]).values_list(
        "slug", flat=True
    ):
        report.warnings.append(f"subtask {slug} is in the database but not in the file; kept")
    for slug in task.phases.exclude(slug__in=[p.slug for p in spec.phases]).values_list(
        "slug", flat=True
    ):
        report.warnings.append(f"phase {slug} is in the database but not in the file; kept")
