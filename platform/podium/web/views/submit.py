"""/tasks/<slug>/submit/: the upload form. The refusals shown are the service's own messages."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_http_methods

from podium.api.errors import refusal_status
from podium.submissions.early_refusal import early_size_refusal
from podium.submissions.selectors import allowance
from podium.submissions.uploads import SubmissionRefused, submission_create
from podium.web.forms import SubmitForm

from .common import task_or_404

# The progress-bar script (static/web/upload.js) posts with this header and follows the JSON
# answer itself, so the "received" message is not used up by an XHR-followed redirect.
SCRIPT_HEADER = "X-Podium-Upload"


def _render(request: HttpRequest, task, form: SubmitForm, *, status: int = 200, error: str = ""):
    phases = list(task.phases.open())
    allowances = [allowance(request.user, phase) for phase in phases]
    context = {"task": task, "form": form, "allowances": allowances, "error": error}
    return render(request, "web/submit.html", context, status=status)


# csrf_exempt outside, csrf_protect inside: the size check must run before the CSRF check, which
# parses (and spools to disk) the whole multipart body. See podium.submissions.early_refusal.
@csrf_exempt
@login_required
@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest, slug: str) -> HttpResponse:
    if request.method == "POST":
        task = task_or_404(request, slug)
        refused = early_size_refusal(request, candidates=task.phases.all())
        if refused is not None:
            # Not a bound form: reading the posted fields would parse the body after all.
            return _render(
                request,
                task,
                SubmitForm(task=task),
                status=refusal_status(refused),
                error=refused.message,
            )
    return _submit(request, slug)


@csrf_protect
def _submit(request: HttpRequest, slug: str) -> HttpResponse:
    task = task_or_404(request, slug)
    if request.method != "POST":
        initial = {"subtask": request.GET.get("subtask")} if request.GET.get("subtask") else {}
        return _render(request, task, SubmitForm(task=task, initial=initial))
    form = SubmitForm(request.POST, request.FILES, task=task)
    if not form.is_valid():
        return _render(request, task, form, status=400)
    try:
        submission = submission_create(
            user=request.user,
            phase=form.cleaned_data["phase"],
            subtask=form.cleaned_data["subtask"],
            upload=form.cleaned_data["file"],
            method_name=form.cleaned_data["method_name"],
            description=form.cleaned_data["description"],
        )
    except SubmissionRefused as refused:
        return _render(request, task, form, status=refusal_status(refused), error=refused.message)
    messages.success(
        request, f"Submission #{submission.pk} received. The table below updates as it is scored."
    )
    target = reverse("web:submissions", args=[task.slug])
    if request.headers.get(SCRIPT_HEADER) == "1":
        return JsonResponse({"redirect": target, "submission": submission.pk})
    return redirect(target)
