"""/tasks/<slug>/submissions/<id>/detailed/: a scoring program's detailed results, sanitised.

"Not found" unless the viewer is in the submitting team or organises the task, and the team
sees it only where the organisers allow it (podium.leaderboards.program_detail).
"""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET

from podium.leaderboards.program_detail import detailed_results
from podium.submissions.selectors import visible_submissions

from .common import task_or_404


@login_required
@require_GET
def submission_detailed(request: HttpRequest, slug: str, pk: int) -> HttpResponse:
    task = task_or_404(request, slug)
    submission = visible_submissions(request.user).filter(phase__task=task, pk=pk).first()
    parts = detailed_results(submission, viewer=request.user) if submission else []
    if not parts:
        raise Http404("No detailed results to show.")
    # Sanitised by nh3 in detailed_results(): safe to render as HTML.
    sections = [(partition, mark_safe(html)) for partition, html in parts]
    context = {"task": task, "submission": submission, "sections": sections}
    return render(request, "web/detailed_results.html", context)
