"""GET /tasks/<slug>/data/<subtask>/<split>/: a split's public inputs, stamped with the canary;
GET /tasks/<slug>/files/<subtask>/<split>/<kind>/: a download file of that split, as stored."""

from __future__ import annotations

from django.contrib.auth.views import redirect_to_login
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404
from django.views.decorators.http import require_GET
from rest_framework.authentication import TokenAuthentication
from rest_framework.exceptions import AuthenticationFailed

from podium.sharedtasks.files import safe_filename
from podium.sharedtasks.models import DataFile
from podium.sharedtasks.selectors import visible_tasks
from podium.teams.selectors import download_refusal
from podium.web.downloads import (
    RangeNotSatisfiable,
    inputs_dataset,
    inputs_response,
    stored_file_response,
    unsatisfiable_headers,
)


def _wants_json(request: HttpRequest) -> bool:
    return "HTTP_AUTHORIZATION" in request.META


def _refuse(request: HttpRequest, message: str, *, code: str, status: int) -> HttpResponse:
    """Scripts (token auth) get the API's JSON error; browsers a plain-text page."""
    if _wants_json(request):
        return JsonResponse({"detail": message, "code": code}, status=status)
    return HttpResponse(message, status=status, content_type="text/plain; charset=utf-8")


def _viewer(request: HttpRequest):
    """The authenticated user, or the response that refuses the request.

    A browser session or an API token (`Authorization: Token ...`) authenticates: the API lists
    these URLs so that scripts can fetch the data. Anonymous browsers are sent to the login page;
    a request with a bad token gets 401; a signed-in user who may not download gets 403.
    A `Range` header is served (206 with Content-Range; 416 past the end): see web.downloads.
    """
    user = request.user
    if not user.is_authenticated and _wants_json(request):
        try:
            found = TokenAuthentication().authenticate(request)
        except AuthenticationFailed as exc:
            return None, _refuse(request, str(exc.detail), code="not_authenticated", status=401)
        if found is None:
            return None, _refuse(
                request,
                "Authenticate with 'Authorization: Token <key>'.",
                code="not_authenticated",
                status=401,
            )
        user = found[0]
    if not user.is_authenticated:
        return None, redirect_to_login(request.get_full_path())
    return user, None


def _allowed(request: HttpRequest, slug: str, subtask: str, split: str):
    """(task, subtask) of a split the viewer may download, or the refusal to answer: both views
    apply exactly the same rules (a 404 for a task the viewer cannot see)."""
    user, refused = _viewer(request)
    if refused is not None:
        return None, refused
    task = get_object_or_404(visible_tasks(user), slug=slug)
    subtask_obj = get_object_or_404(task.subtasks, slug=subtask)
    refusal = download_refusal(user, task, split)
    if refusal:
        return None, _refuse(request, refusal, code="permission_denied", status=403)
    return (task, subtask_obj), None


@require_GET
def data_download(request: HttpRequest, slug: str, subtask: str, split: str) -> HttpResponse:
    """The public inputs of one split, for approved participants and organisers; a signed-in
    user who may not download gets 403."""
    allowed, refused = _allowed(request, slug, subtask, split)
    if refused is not None:
        return refused
    task, subtask_obj = allowed
    dataset = inputs_dataset(subtask_obj, split)
    if dataset is None:
        return _refuse(
            request, f"Subtask {subtask!r} has no {split!r} data.", code="not_found", status=404
        )
    try:
        # Range requests are served (206), so an interrupted download resumes: web.downloads.
        return inputs_response(
            request, dataset=dataset, subtask=subtask_obj, split=split, canary=task.canary
        )
    except RangeNotSatisfiable as exc:
        return _unsatisfiable(request, exc)


def _unsatisfiable(request: HttpRequest, exc: RangeNotSatisfiable) -> HttpResponse:
    response = _refuse(request, str(exc), code="range_not_satisfiable", status=416)
    for header, value in unsatisfiable_headers(exc).items():
        response[header] = value
    return response


@require_GET
def file_download(
    request: HttpRequest, slug: str, subtask: str, split: str, kind: str
) -> HttpResponse:
    """A subtask's download file (input data, public data, starting kit) of one split, as
    stored: the same people as the split's inputs may fetch it, from the same time on."""
    allowed, refused = _allowed(request, slug, subtask, split)
    if refused is not None:
        return refused
    _, subtask_obj = allowed
    row = DataFile.objects.filter(subtask=subtask_obj, split=split, kind=kind).first()
    if row is None:
        return _refuse(
            request,
            f"Subtask {subtask!r} has no {kind!r} file for the {split!r} split.",
            code="not_found",
            status=404,
        )
    try:
        return stored_file_response(
            request,
            file=row.file,
            filename=safe_filename(row.filename, f"{kind}.zip"),  # a header: no quotes, ever
            etag=f'"{row.sha256}"',
            length=row.size,
        )
    except RangeNotSatisfiable as exc:
        return _unsatisfiable(request, exc)
