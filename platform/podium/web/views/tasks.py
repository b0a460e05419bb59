"""The task list, the task page, and registering the viewer's team for a task."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db.models import Count, Prefetch, Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_POST

from podium.programs.formats import results_format
from podium.sharedtasks.models import Dataset, SharedTask
from podium.sharedtasks.selectors import is_organiser_of, split_available_from, visible_tasks
from podium.teams.models import Registration
from podium.teams.selectors import membership_of, task_registration, user_team
from podium.teams.services import TeamError, registration_request
from podium.web.forms import RegisterForm
from podium.web.timeline import task_timeline

from .common import task_or_404


@require_GET
def task_list(request: HttpRequest) -> HttpResponse:
    tasks = (
        visible_tasks(request.user)
        .annotate(
            team_count=Count(
                "registrations",
                filter=Q(registrations__in=Registration.objects.approved()),
                distinct=True,
            )
        )
        .prefetch_related("phases")
        .order_by("title")
    )
    rows = [{"task": task, "timeline": task_timeline(task)} for task in tasks]
    return render(request, "web/task_list.html", {"rows": rows})


@dataclass(frozen=True)
class Download:
    split: str
    label: str
    url: str | None  # None: not for this viewer (yet); `why` says so
    why: str = ""
    opens: datetime | None = None
    rows: int | None = None  # a split's inputs
    size: int | None = None  # a download file (bytes)


def _download(task, split: str, known: dict, url: str, *, may_download, organiser) -> Download:
    opens = None if organiser else split_available_from(task, split)
    if not may_download:
        return Download(**known, url=None, why="for registered teams")
    if opens is not None:
        return Download(**known, url=None, why="released on", opens=opens)
    return Download(**known, url=url)


def _downloads(task: SharedTask, subtask, **rights) -> list:
    """Links for the splits' inputs and the download files the viewer may fetch; the download
    views check again on each GET."""
    found = []
    for dataset in subtask.datasets.all():
        known = {
            "split": dataset.split,
            "label": f"{dataset.get_split_display()} inputs",
            "rows": dataset.row_count,
        }
        url = reverse("web:data-download", args=[task.slug, subtask.slug, dataset.split])
        found.append(_download(task, dataset.split, known, url, **rights))
    for row in subtask.data_files.all():
        known = {
            "split": row.split,
            "label": f"{row.get_kind_display()} ({row.get_split_display().lower()}): "
            f"{row.filename}",
            "size": row.size,
        }
        url = reverse("web:file-download", args=[task.slug, subtask.slug, row.split, row.kind])
        found.append(_download(task, row.split, known, url, **rights))
    return found


def _upload_limits(task: SharedTask) -> str:
    """The phases' upload size limits in words: "100 MB", or per phase when they differ."""
    phases = list(task.phases.all())
    sizes = {p.max_file_mb for p in phases}
    if len(sizes) == 1:
        return f"{sizes.pop()} MB"
    return ", ".join(f"{p.max_file_mb} MB in {p.name}" for p in phases)


@require_GET
def task_detail(request: HttpRequest, slug: str) -> HttpResponse:
    task = task_or_404(request, slug)
    inputs = Dataset.objects.defer("gold").exclude(inputs="").order_by("split")
    subtasks = list(
        task.subtasks.select_related("program_scoring")
        .prefetch_related(
            Prefetch("datasets", queryset=inputs), "data_files", "program_scoring__columns"
        )
        .order_by("position", "slug")
    )
    organiser = is_organiser_of(request.user, task)
    registration = task_registration(request.user, task)
    team = user_team(request.user)
    approved = registration is not None and registration.status == Registration.Status.APPROVED
    download_rights = {"may_download": organiser or approved, "organiser": organiser}
    context = {
        "task": task,
        "timeline": task_timeline(task),
        "subtasks": [
            {
                "subtask": s,
                "downloads": _downloads(task, s, **download_rights),
                "results": results_format(s),
            }
            for s in subtasks
        ],
        "upload_limits": _upload_limits(task),
        "organiser": organiser,
        "registration": registration,
        "team": team,
        "membership": membership_of(team, request.user) if team else None,
        "register_form": RegisterForm(),
    }
    return render(request, "web/task_detail.html", context)


@login_required
@require_POST
def task_register(request: HttpRequest, slug: str) -> HttpResponse:
    task = task_or_404(request, slug)
    team = user_team(request.user)
    if team is None:
        messages.error(request, "Create or join a team first; then register it for the task.")
        return redirect("web:team")
    form = RegisterForm(request.POST)
    if task.terms and not form.is_valid():
        messages.error(request, "Your team must accept the rules and terms to register.")
        return redirect("web:task-detail", slug=task.slug)
    try:
        registration = registration_request(team=team, task=task, by=request.user)
    except TeamError as refused:
        messages.error(request, refused.message)
        return redirect("web:task-detail", slug=task.slug)
    if registration.status == Registration.Status.APPROVED:
        messages.success(request, f"{team.name} is registered for {task.title}.")
    elif registration.status == Registration.Status.PENDING:
        messages.success(request, "Registration sent: the organisers approve each team.")
    else:
        messages.error(request, "The organisers declined this team's registration.")
    return redirect("web:task-detail", slug=task.slug)
