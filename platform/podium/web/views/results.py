"""/tasks/<slug>/results/: one ranking per subtask of a phase, its chart, CSV, and the organisers'
Reveal/Hide buttons.

Every score shown comes from `leaderboards.selectors.leaderboard()` (the page: its
`leaderboard_rendered()`, the table and chart rendered with the board's snapshot), which refuses
(`LeaderboardNotVisible`) before reading a score when the viewer may not see the board; its
message is the empty state. The page defaults to the public partition while the private one is
unrevealed, and to the private one once it is revealed.
"""

from __future__ import annotations

from datetime import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from podium.leaderboards.exports import leaderboard_csv
from podium.leaderboards.latex import leaderboard_latex
from podium.leaderboards.selectors import leaderboard, leaderboard_rendered
from podium.leaderboards.services import RevealError, phase_hide, phase_reveal
from podium.leaderboards.visibility import (
    PRIVATE,
    PUBLIC,
    LeaderboardError,
    is_partitioned,
    private_revealed,
)
from podium.sharedtasks.models import Phase
from podium.sharedtasks.selectors import is_organiser_of
from podium.teams.selectors import user_team
from podium.web.board_parts import PART, board_html

from .common import task_or_404


def _default_phase(phases: list[Phase], now: datetime) -> Phase | None:
    """The open phase that started last; else the phase that ended last; else the first."""
    opened = [p for p in phases if p.is_open(now)]
    if opened:
        return max(opened, key=lambda p: p.start)
    started = [p for p in phases if p.start <= now]
    if started:
        return max(started, key=lambda p: p.end)
    return phases[0] if phases else None


def _partition(request: HttpRequest, phase: Phase, now: datetime) -> str:
    asked = request.GET.get("partition")
    if asked in (PUBLIC, PRIVATE):
        return asked
    return PRIVATE if is_partitioned(phase) and private_revealed(phase, now=now) else PUBLIC


def _heading(subtask) -> str:
    """ "A: human vs machine", not "a: A: human vs machine" when the title already names it."""
    title, slug = subtask.title.strip(), subtask.slug
    return title if not slug or title.lower().startswith(slug.lower()) else f"{slug}: {title}"


@require_GET
def results(request: HttpRequest, slug: str) -> HttpResponse:
    task = task_or_404(request, slug)
    now = timezone.now()
    phases = list(task.phases.all())  # each phase's `task` is the task above: no extra query
    chosen = request.GET.get("phase")
    phase = next((p for p in phases if p.slug == chosen), None) or _default_phase(phases, now)
    context: dict = {"task": task, "phases": phases, "phase": phase, "boards": []}
    if phase is None:
        return render(request, "web/results.html", context)
    partition = _partition(request, phase, now)
    team = user_team(request.user)
    organiser = is_organiser_of(request.user, task)
    boards, note = [], ""
    for subtask in task.subtasks.all():
        entry: dict = {"subtask": subtask, "heading": _heading(subtask)}
        try:
            rendered = leaderboard_rendered(
                phase=phase,
                subtask=subtask,
                partition=partition,
                viewer=request.user,
                now=now,
                part=PART,
            )
        except LeaderboardError as closed:
            entry["closed"] = str(closed)
        else:
            board = rendered.head
            # The note of a board with baselines also explains the baseline rows.
            if not note or board.has_baselines:
                note = board.note
            # The table and chart as rendered when the snapshot was built, with this viewer's
            # team marked: no template work per row on a read.
            entry.update(board=board, **board_html(rendered.part, mine=team and team.pk))
            args = [task.slug, phase.slug, subtask.slug]
            entry["csv"] = reverse("web:results-csv", args=args)
            entry["tex"] = reverse("web:results-tex", args=args)
        boards.append(entry)
    context.update(
        boards=boards,
        note=note,
        partition=partition,
        partitioned=is_partitioned(phase),
        revealed=private_revealed(phase, now=now),
        organiser=organiser,
        my_team_id=team and team.pk,
    )
    return render(request, "web/results.html", context)


def _export(request: HttpRequest, slug: str, phase: str, subtask: str, render_board, kind: str):
    task = task_or_404(request, slug)
    phase_obj = get_object_or_404(task.phases, slug=phase)
    subtask_obj = get_object_or_404(task.subtasks, slug=subtask)
    partition = _partition(request, phase_obj, timezone.now())
    try:
        board = leaderboard(
            phase=phase_obj, subtask=subtask_obj, partition=partition, viewer=request.user
        )
    except LeaderboardError as closed:
        return HttpResponse(str(closed), status=403, content_type="text/plain; charset=utf-8")
    content_type = {"csv": "text/csv", "tex": "application/x-tex"}[kind]
    response = HttpResponse(render_board(board), content_type=f"{content_type}; charset=utf-8")
    name = f"{task.slug}-{phase_obj.slug}-{subtask_obj.slug}-{board.partition}.{kind}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@require_GET
def results_csv(request: HttpRequest, slug: str, phase: str, subtask: str) -> HttpResponse:
    return _export(request, slug, phase, subtask, leaderboard_csv, "csv")


@require_GET
def results_tex(request: HttpRequest, slug: str, phase: str, subtask: str) -> HttpResponse:
    """The subtask's ranking as a booktabs LaTeX table, with intervals and clusters."""
    return _export(request, slug, phase, subtask, leaderboard_latex, "tex")


def _reveal_action(request: HttpRequest, slug: str, phase: str, action, done: str):
    task = task_or_404(request, slug)
    phase_obj = get_object_or_404(task.phases, slug=phase)
    try:
        action(phase=phase_obj, by=request.user)  # PermissionDenied (403) for non-organisers
    except RevealError as refused:
        messages.error(request, str(refused))
    else:
        messages.success(request, done.format(phase=phase_obj.name))
    return redirect(f"{reverse('web:results', args=[task.slug])}?phase={phase_obj.slug}")


@login_required
@require_POST
def results_reveal(request: HttpRequest, slug: str, phase: str) -> HttpResponse:
    return _reveal_action(
        request, slug, phase, phase_reveal, "The rankings of {phase} are revealed to everyone."
    )


@login_required
@require_POST
def results_hide(request: HttpRequest, slug: str, phase: str) -> HttpResponse:
    return _reveal_action(
        request, slug, phase, phase_hide, "The private ranking of {phase} is hidden again."
    )
