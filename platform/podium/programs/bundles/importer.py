"""Creating (or updating) a Podium task from a bundle, all or nothing and idempotently."""

from __future__ import annotations

import hashlib
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction

from podium.programs.bundles.draft import BundleDraft, BundleError, slugify
from podium.programs.bundles.reader import open_bundle, read_bundle
from podium.programs.models import ScoringProgram
from podium.programs.services import (
    ProgramConfigError,
    pack_folder,
    program_check,
    program_scoring_set,
    program_version_add,
    reference_store,
)
from podium.sharedtasks.datasets import file_sha256
from podium.sharedtasks.files import data_file_store
from podium.sharedtasks.models import Phase, SharedTask, Subtask
from podium.sharedtasks.taskfile.importer import row_update_or_create


@dataclass
class BundleReport:
    task_slug: str
    version: str
    dry_run: bool
    changes: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    not_imported: list[str] = field(default_factory=list)


@dataclass
class _SubtaskPlan:
    slug: str
    title: str
    description: str
    program: Path
    program_key: str
    references: dict[tuple[str, str], Path] = field(default_factory=dict)  # (split, partition)
    time_limit_s: int | None = None
    # (split, kind) -> (the file to store, its download name)
    downloads: dict[tuple[str, str], tuple[Path, str]] = field(default_factory=dict)


class _DryRun(Exception):
    pass


def _partitions(folder: Path) -> dict[str, Path]:
    """A test reference with exactly a public/ and a private/ folder is split into the two
    partitions (Podium's convention, docs/bundles.md); anything else is the public partition
    alone (a test phase ranks on public and private, never on "all")."""
    children = {p.name: p for p in folder.iterdir()}
    if set(children) == {"public", "private"} and all(p.is_dir() for p in children.values()):
        return {"public": children["public"], "private": children["private"]}
    return {"public": folder}


def _tree_digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        digest.update(path.relative_to(folder).as_posix().encode() + b"\0")
        if path.is_file():
            digest.update(path.read_bytes())
    return digest.hexdigest()


def _same(a: Path, b: Path) -> bool:
    return a == b or _tree_digest(a) == _tree_digest(b)


def _zip_member_digests(path: Path, name: str) -> dict[str, str]:
    """sha256 -> "zip!member" of the non-empty files inside a zip (one level, streamed): a
    reference zipped into a starting kit is still the reference."""
    found: dict[str, str] = {}
    try:
        with zipfile.ZipFile(path) as archive:
            for info in archive.infolist():
                if info.is_dir() or not info.file_size:
                    continue
                digest = hashlib.sha256()
                with archive.open(info) as member:
                    for block in iter(lambda: member.read(1 << 16), b""):
                        digest.update(block)
                found.setdefault(digest.hexdigest(), f"{name}!{info.filename}")
    except (zipfile.BadZipFile, OSError, RuntimeError, NotImplementedError):
        pass  # not a zip we can read: compared as a file only
    return found


def _file_digests(path: Path) -> dict[str, str]:
    """sha256 -> relative name of every non-empty file under ``path`` (or of ``path``), and of
    the files inside any zip among them."""
    files = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
    found: dict[str, str] = {}
    for item in files:
        if item.stat().st_size:
            name = item.name if item == path else item.relative_to(path).as_posix()
            found.setdefault(file_sha256(item), name)
            if zipfile.is_zipfile(item):
                for digest, inner in _zip_member_digests(item, name).items():
                    found.setdefault(digest, inner)
    return found


def _content(path: Path) -> str:
    return _tree_digest(path) if path.is_dir() else file_sha256(path)


def _plan_downloads(draft: BundleDraft, plan: _SubtaskPlan, phases, position: int, work: Path):
    """The subtask's downloads: each phase's task's input data, public data and starting kit,
    released with that phase's split. The same content on a later split is stored once, on the
    earliest (it is public from then on anyway). A download holding a file of any reference
    is not imported: reference data is gold and never served."""
    gold = {}
    for task in draft.tasks.values():
        if task.reference is not None:
            gold.update(_file_digests(task.reference))
    seen: dict[str, set[str]] = {}
    for phase in phases:
        task = draft.tasks[phase.tasks[position]]
        for kind, (source, unpacked) in sorted(task.downloads.items()):
            where = f"{task.key}.{kind}"
            leaked = next((n for d, n in _file_digests(unpacked).items() if d in gold), None)
            if leaked is not None:
                draft.not_imported.append(
                    f"{where}: holds {leaked!r}, a file of the reference data; reference data "
                    "is gold and never served, so this download is not imported"
                )
                continue
            digest = _content(unpacked)
            if digest in seen.setdefault(kind, set()):
                continue
            if (phase.split, kind) in plan.downloads:
                draft.warnings.append(
                    f"{where}: differs from an earlier phase's on the {phase.split} split; the "
                    "earlier one is kept"
                )
                continue
            seen[kind].add(digest)
            if source.is_dir():
                packed = work / f"download-{len(list(work.glob('download-*')))}.zip"
                try:
                    pack_folder(source, packed)
                except ProgramConfigError as exc:
                    draft.warnings.append(f"{where}: not imported: {exc}")
                    continue
                plan.downloads[(phase.split, kind)] = (packed, f"{source.name}.zip")
            else:
                plan.downloads[(phase.split, kind)] = (source, source.name)


def _plan(draft: BundleDraft, errors: list[str], work: Path) -> list[_SubtaskPlan]:
    width = max((len(p.tasks) for p in draft.phases), default=0)
    plans: list[_SubtaskPlan] = []
    for position in range(width):
        phases = [p for p in draft.phases if len(p.tasks) > position]
        # The program of the last phase (the test phase) scores the subtask in every phase.
        last = draft.tasks[phases[-1].tasks[position]]
        if last.program is None:
            continue
        slug = slugify(last.name, f"task-{position + 1}")
        if any(p.slug == slug for p in plans):
            slug = f"{slug}-{position + 1}"[:64]
        plan = _SubtaskPlan(
            slug=slug, title=last.name, description=last.description, program=last.program,
            program_key=f"{last.key}.scoring_program",
        )  # fmt: skip
        for phase in phases:
            task = draft.tasks[phase.tasks[position]]
            if task.program is not None and not _same(task.program, last.program):
                draft.warnings.append(
                    f"{phase.key}: its task {task.name!r} has another scoring program than "
                    f"the last phase's; Podium scores a subtask with one program: "
                    f"{last.key}'s is used in every phase"
                )
            if phase.time_limit_s:
                plan.time_limit_s = max(plan.time_limit_s or 0, phase.time_limit_s)
            if task.reference is None:
                continue
            parts = (
                _partitions(task.reference) if phase.split == "test" else {"all": task.reference}
            )
            if phase.split == "test" and "private" not in parts:
                draft.warnings.append(
                    f"{phase.key}: its reference data has no public/ and private/ folders, so "
                    "all of it scores the public partition and the private ranking stays empty "
                    "(docs/bundles.md says how to hold out a private part)"
                )
            for partition, folder in parts.items():
                known = plan.references.get((phase.split, partition))
                if known is None:
                    plan.references[(phase.split, partition)] = folder
                elif not _same(known, folder):
                    draft.warnings.append(
                        f"{phase.key}: its reference data differs from an earlier phase on the "
                        f"{phase.split} split; the earlier one is kept"
                    )
        _plan_downloads(draft, plan, phases, position, work)
        try:
            program_check(plan.program)
        except ProgramConfigError as exc:
            errors.append(f"{plan.program_key}: {exc}")
        plans.append(plan)
    if not plans:
        errors.append("tasks: no task with a scoring program to import")
    return plans


def _leaderboard_mode(phase, partitioned: bool) -> str:
    if phase.hide_results:
        return Phase.LeaderboardMode.HIDDEN
    if phase.split == "test" and partitioned:
        return Phase.LeaderboardMode.PRIVATE_AT_END
    return Phase.LeaderboardMode.PUBLIC_LIVE


def _apply(draft, plans, owner, publish: bool, report: BundleReport) -> None:
    visibility = {"visibility": SharedTask.Visibility.PUBLISHED} if publish else {}
    task, outcome = row_update_or_create(
        SharedTask,
        {"slug": report.task_slug},
        {
            "title": draft.title[:200],
            "description": draft.description,
            "terms": draft.terms,
            "registration_policy": "open" if draft.open_registration else "approval",
            **visibility,
        },
        create_only={} if publish else {"visibility": SharedTask.Visibility.DRAFT},
    )
    if outcome:
        report.changes.append(f"task {task.slug}: {outcome}")
    if owner is not None and not task.organisers.filter(pk=owner.pk).exists():
        task.organisers.add(owner)
        report.changes.append(f"organiser added: {owner.username}")
    dry = report.dry_run
    partitioned = False
    for position, plan in enumerate(plans):
        primary = next(c for c in draft.columns if c.primary)
        subtask, outcome = row_update_or_create(
            Subtask,
            {"task": task, "slug": plan.slug},
            {"title": plan.title[:200], "description": plan.description, "position": position},
            create_only={
                "file_format": "txt", "value_type": "number", "metrics": [primary.key],
                "primary_metric": primary.key, "direction": primary.direction,
            },
        )  # fmt: skip
        if outcome:
            report.changes.append(f"subtask {subtask.slug}: {outcome}")
        program, outcome = row_update_or_create(
            ScoringProgram,
            {"task": task, "name": plan.slug},
            {"timeout_s": plan.time_limit_s},
        )
        _, created = program_version_add(program=program, source=plan.program, dry_run=dry)
        if created:
            report.changes.append(f"program {program.name}: new version stored")
        if program_scoring_set(subtask=subtask, program=program, columns=draft.columns):
            report.changes.append(f"subtask {subtask.slug}: scored by program {program.name}")
        for (split, partition), folder in sorted(plan.references.items()):
            partitioned |= partition != "all"
            if reference_store(
                subtask=subtask, split=split, partition=partition, source=folder, dry_run=dry
            ):
                report.changes.append(f"subtask {subtask.slug}: {split}/{partition} reference")
        for (split, kind), (source, filename) in sorted(plan.downloads.items()):
            if data_file_store(
                subtask=subtask, split=split, kind=kind, path=source, filename=filename,
                dry_run=dry,
            ):  # fmt: skip
                report.changes.append(f"subtask {subtask.slug}: {split} {kind} ({filename})")
    for phase in draft.phases:
        values = {
            "name": phase.name[:200], "kind": phase.kind, "split": phase.split,
            "start": phase.start, "end": phase.end, "max_per_day": phase.per_day,
            "max_total": phase.total, "selection": phase.selection,
            "leaderboard_mode": _leaderboard_mode(phase, partitioned),
        }  # fmt: skip
        row, outcome = row_update_or_create(Phase, {"task": task, "slug": phase.slug}, values)
        if outcome:
            report.changes.append(f"phase {row.slug}: {outcome}")


def bundle_import(
    *, path: Path, dry_run: bool = False, owner: str | None = None, publish: bool = False
) -> BundleReport:
    """Import the bundle at ``path`` (a zip or a folder); raises BundleError listing every
    problem by key, and then nothing is changed. Importing it again changes nothing."""
    user = None
    if owner is not None:
        user = get_user_model().objects.filter(username=owner).first()
        if user is None:
            raise BundleError([f"--owner: no user named {owner!r}"])
    with tempfile.TemporaryDirectory(prefix="podium-bundle-") as scratch:
        work = Path(scratch)
        draft = read_bundle(open_bundle(path, work), work)
        errors: list[str] = []
        plans = _plan(draft, errors, work)
        if not any(c.primary for c in draft.columns):
            errors.append("leaderboards: no shown column to rank by")
        if errors:
            raise BundleError(errors)
        existing = SharedTask.objects.filter(slug=slugify(draft.title, "bundle")).first()
        foreign = existing is not None and user is not None and not user.is_superuser
        if foreign and not existing.organisers.filter(pk=user.pk).exists():
            raise BundleError([
                f"title: a task {existing.slug!r} already exists and {owner} does not "
                "organise it; rename the bundle's title"
            ])  # fmt: skip
        report = BundleReport(
            task_slug=slugify(draft.title, "bundle"), version=draft.version, dry_run=dry_run,
            warnings=draft.warnings, not_imported=draft.not_imported,
        )  # fmt: skip
        try:
            with transaction.atomic():
                _apply(draft, plans, user, publish, report)
                if dry_run:
                    raise _DryRun
        except _DryRun:
            pass
        except ProgramConfigError as exc:
            raise BundleError([f"(bundle): {line}" for line in str(exc).splitlines()]) from exc
    return report
