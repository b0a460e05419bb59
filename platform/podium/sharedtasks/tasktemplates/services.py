"""The catalogue of task templates and creating a draft task from one."""

import re
from dataclasses import dataclass
from pathlib import Path

import yaml
from django.conf import settings
from django.db import IntegrityError, transaction

from podium.sharedtasks.models import SharedTask
from podium.sharedtasks.taskfile.importer import TaskFileError, task_import

TEMPLATES_DIR = settings.BASE_DIR / "fixtures" / "templates"
SLUG = re.compile(r"^[a-z0-9][a-z0-9-]*$")


@dataclass(frozen=True)
class TaskTemplate:
    name: str  # the folder name, e.g. "semeval2024-task8"
    title: str  # the template task's title
    subtasks: tuple[str, ...]
    path: Path  # its task.yaml


class TemplateRefused(Exception):
    """The task cannot be created; the message is for the organiser."""


def template_list(*, root: Path = TEMPLATES_DIR) -> list[TaskTemplate]:
    """Every template folder holding a task.yaml, by name."""
    templates = []
    for path in sorted(root.glob("*/task.yaml")):
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
        templates.append(
            TaskTemplate(
                name=path.parent.name,
                title=str(raw.get("title", path.parent.name)),
                subtasks=tuple(str(s.get("slug")) for s in raw.get("subtasks", [])),
                path=path,
            )
        )
    return templates


def task_create_from_template(
    *, template: str, slug: str, title: str, by, root: Path = TEMPLATES_DIR
) -> SharedTask:
    """A new draft task with the template's subtasks, phases and sample data, organised by `by`.

    The slug must be new: a template never overwrites an existing task (somebody else's, or
    one with submissions). Everything is checked before anything is written.
    """
    chosen = {t.name: t for t in template_list(root=root)}.get(template)
    if chosen is None:
        raise TemplateRefused(f"There is no template named {template!r}.")
    title = title.strip()
    if not SLUG.match(slug) or len(slug) > 64:
        raise TemplateRefused(
            "The slug must be lower-case letters, digits and dashes, starting with a letter or "
            "digit (at most 64 characters)."
        )
    if not title:
        raise TemplateRefused("The task needs a title.")
    overrides = {"slug": slug, "title": title, "visibility": "draft", "organisers": []}
    taken = f"A task with the slug {slug!r} exists already; pick another."
    if not _slug_free(slug):
        raise TemplateRefused(taken)
    try:
        with transaction.atomic():
            # The row is inserted first, so that the import below can only fill in this new
            # task: a concurrent creation with the same slug fails here on the unique slug
            # instead of updating the other organiser's task.
            task = SharedTask.objects.create(slug=slug, title=title)
            task_import(path=chosen.path, overrides=overrides)
            task.organisers.add(by)
    except IntegrityError:
        raise TemplateRefused(taken) from None
    except TaskFileError as exc:
        raise TemplateRefused(f"The template {template!r} cannot be imported: {exc}") from exc
    task.refresh_from_db()
    return task


def _slug_free(slug: str) -> bool:
    """The early check, for a clear message; the INSERT below is what holds under races."""
    return not SharedTask.objects.filter(slug=slug).exists()
