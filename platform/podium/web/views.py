"""Plain pages of the upload flow: the form, the team's submissions, and data downloads."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse, StreamingHttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.csrf import csrf_exempt, csrf_protect
from django.views.decorators.http import require_GET, require_http_methods
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from podium.sharedtasks.selectors import download_refusal, visible_tasks
from podium.submissions.early_refusal import early_size_refusal
from podium.submissions.selectors import allowance, team_submissions
from podium.submissions.uploads import SubmissionRefused, submission_create
from podium.submissions.visible_scores import ScoreView

from .downloads import inputs_dataset, inputs_filename, inputs_stream
from .forms import SubmitForm


def _render_submit(
    request: HttpRequest, task, form: SubmitForm, *, status: int = 200, error: str = ""
):
    allowances = [allowance(request.user, phase) for phase in task.phases.open()]
    context = {"task": task, "form": form, "allowances": allowances, "error": error}
    return render(request, "web/submit.html", context, status=status)


# csrf_exempt outside, csrf_protect inside: the size check must run before the CSRF check, which
# parses (and spools to disk) the whole multipart body. See podium.submissions.early_refusal.
@csrf_exempt
@login_required
@require_http_methods(["GET", "POST"])
def submit(request: HttpRequest, slug: str) -> HttpResponse:
    if request.method == "POST":
        refused = early_size_refusal(request)
        if refused is not None:
            task = get_object_or_404(visible_tasks(request.user), slug=slug)
            # Not a bound form: reading the posted fields would parse the body after all.
            return _render_submit(
                request, task, SubmitForm(task=task), status=refused.status, error=refused.message
            )
    return _submit(request, slug)


@csrf_protect
def _submit(request: HttpRequest, slug: str) -> HttpResponse:
    task = get_object_or_404(visible_tasks(request.user), slug=slug)
    if request.method != "POST":
        return _render_submit(request, task, SubmitForm(task=task))
    form = SubmitForm(request.POST, request.FILES, task=task)
    if not form.is_valid():
        return _render_submit(request, task, form, status=400)
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
        return _render_submit(request, task, form, status=refused.status, error=refused.message)
    messages.success(request, f"Submission #{submission.pk} received; it is queued for scoring.")
    return redirect("web:submissions", slug=task.slug)


@login_required
@require_GET
def submissions(request: HttpRequest, slug: str) -> HttpResponse:
    task = get_object_or_404(visible_tasks(request.user), slug=slug)
    view = ScoreView(request.user)
    rows = [
        {"submission": s, "scores": view.scores(s), "note": view.note(s)}
        for s in team_submissions(request.user, task=task)
    ]
    allowances = [allowance(request.user, phase) for phase in task.phases.open()]
    context = {"task": task, "rows": rows, "allowances": allowances}
    return render(request, "web/submissions.html", context)


def _wants_json(request: HttpRequest) -> bool:
    return "HTTP_AUTHORIZATION" in request.META


def _refuse(request: HttpRequest, message: str, *, code: str, status: int) -> HttpResponse:
    """Scripts (token auth) get the API's JSON error; browsers a plain-text page."""
    if _wants_json(request):
        return JsonResponse({"detail": message, "code": code}, status=status)
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


@require_GET
def data_download(request: HttpRequest, slug: str, subtask: str, split: str) -> HttpResponse:
    """The public inputs of one split, for approved participants and organisers.

    A browser session or an API token (`Authorization: Token ...`) authenticates: the API lists
    these URLs so that scripts can fetch the data. Anonymous browsers are sent to the login page;
    a request with a bad token gets 401; a signed-in user who may not download gets 403.
    """
    user = request.user
    if not user.is_authenticated and _wants_json(request):
        try:
            found = TokenAuthentication().authenticate(request)
        except AuthenticationFailed as exc:
            return _refuse(request, str(exc.detail), code="not_authenticated", status=401)
        if found is None:
            return _refuse(
                request,
                "Authenticate with 'Authorization: Token <key>'.",
                code="not_authenticated",
                status=401,
            )
        user = found[0]
    if not user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    task = get_object_or_404(visible_tasks(user), slug=slug)
    subtask_obj = get_object_or_404(task.subtasks, slug=subtask)
    refusal = download_refusal(user, task, split)
    if refusal:
        return _refuse(request, refusal, code="permission_denied", status=403)
    dataset = inputs_dataset(subtask_obj, split)
    if dataset is None:
        return _refuse(
            request, f"Subtask {subtask!r} has no {split!r} data.", code="not_found", status=404
        )
    response = StreamingHttpResponse(
        inputs_stream(dataset, canary=task.canary), content_type="application/x-ndjson"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="{inputs_filename(subtask_obj, split)}"'
    )
    return response
