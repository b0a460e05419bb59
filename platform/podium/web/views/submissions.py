"""/tasks/<slug>/submissions/: the team's submissions with live status, files and final marks.

Only the viewer's own teams' submissions are listed (`team_submissions`), also for organisers;
another team's submission is "not found" for the file and final-mark views.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from podium.leaderboards.visible_scores import ScoreView
from podium.sharedtasks.models import Phase
from podium.submissions.final import submission_mark_final
from podium.submissions.models import Submission
from podium.submissions.selectors import allowance, submission_file_open, team_submissions
from podium.submissions.uploads import SubmissionRefused

from .common import task_or_404

ACTIVE = set(Submission.ACTIVE_STATUSES)


def _table_context(request: HttpRequest, task) -> dict:
    view = ScoreView(request.user)
    now = timezone.now()
    rows = []
    for s in team_submissions(request.user, task=task):
        phase = s.phase
        choosable = (
            phase.selection == Phase.Selection.CHOSEN
            and phase.is_open(now)
            and s.status != Submission.Status.FAILED
        )
        rows.append(
            {"s": s, "scores": view.scores(s), "note": view.note(s), "choosable": choosable}
        )
    return {
        "task": task,
        "rows": rows,
        # The table polls only while a submission may still change.
        "live": any(row["s"].status in ACTIVE for row in rows),
    }


@login_required
@require_GET
def submissions(request: HttpRequest, slug: str) -> HttpResponse:
    task = task_or_404(request, slug)
    context = _table_context(request, task)
    context["allowances"] = [allowance(request.user, phase) for phase in task.phases.open()]
    return render(request, "web/submissions.html", context)


@login_required
@require_GET
def submissions_table(request: HttpRequest, slug: str) -> HttpResponse:
    """The htmx fragment the page polls; the same rows and permissions as the page."""
    task = task_or_404(request, slug)
    return render(request, "web/_submissions_table.html", _table_context(request, task))


def _own(request: HttpRequest, task, pk: int) -> Submission:
    found = team_submissions(request.user, task=task).filter(pk=pk).first()
    if found is None:
        raise Http404("No such submission of your team.")
    return found


@login_required
@require_GET
def submission_file(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    submission = _own(request, task_or_404(request, slug), pk)
    handle = submission_file_open(submission)
    if handle is None:
        raise Http404("The file of this submission is no longer stored.")
    name = submission.original_name or f"submission-{submission.pk}"
    return FileResponse(handle, as_attachment=True, filename=name)


@login_required
@require_POST
def submission_final(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    task = task_or_404(request, slug)
    submission = _own(request, task, pk)
    try:
        submission_mark_final(submission=submission, by=request.user)
    except SubmissionRefused as refused:
        messages.error(request, refused.message)
    else:
        messages.success(
            request,
            f"Submission #{submission.pk} is your final one for "
            f"{submission.subtask.slug} in {submission.phase.name}.",
        )
    return redirect("web:submissions", slug=task.slug)
