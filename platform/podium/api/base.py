"""The API's base view: every error answers `{"detail": "<message>", "code": "<code>"}`."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404, JsonResponse
from django.urls import Resolver404, resolve
from django.views.decorators.csrf import csrf_exempt
from rest_framework import exceptions, status
from rest_framework.renderers import JSONRenderer
from rest_framework.response import Response
from rest_framework.views import APIView, exception_handler

from podium.api.errors import refusal_status
from podium.submissions.uploads import SubmissionRefused

from .throttling import rate_limit_headers


class ApiError(exceptions.APIException):
    """An error with its own status and code; the message is safe to show to the caller."""

    def __init__(self, detail: str, *, code: str, status_code: int = status.HTTP_400_BAD_REQUEST):
        super().__init__(detail=detail, code=code)
        self.status_code = status_code


def refused(exc: SubmissionRefused) -> ApiError:
    return ApiError(exc.message, code=exc.code, status_code=refusal_status(exc))


def not_found(message: str) -> ApiError:
    return ApiError(message, code="not_found", status_code=status.HTTP_404_NOT_FOUND)


def _flatten(detail: Any, prefix: str = "") -> list[tuple[str, str, str]]:
    """(field, message, code) triples of a ValidationError's nested detail."""
    if isinstance(detail, dict):
        return [
            item
            for key, value in detail.items()
            for item in _flatten(value, key if key != "non_field_errors" else prefix)
        ]
    if isinstance(detail, list):
        return [item for value in detail for item in _flatten(value, prefix)]
    return [(prefix, str(detail), getattr(detail, "code", "invalid") or "invalid")]


def api_exception_handler(exc: Exception, context: dict) -> Response | None:
    if isinstance(exc, SubmissionRefused):
        exc = refused(exc)
    elif isinstance(exc, Http404):
        exc = not_found(str(exc) or "Not found.")
    elif isinstance(exc, DjangoPermissionDenied):
        exc = ApiError(str(exc) or "Permission denied.", code="permission_denied", status_code=403)
    response = exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        errors = _flatten(exc.detail)
        message = "; ".join(f"{field}: {text}" if field else text for field, text, _ in errors)
        code = errors[0][2] if errors else "invalid"
        response.data = {"detail": message or "Invalid input.", "code": code}
    elif isinstance(exc, exceptions.APIException):
        codes = exc.get_codes()
        response.data = {
            "detail": str(exc.detail),
            "code": codes if isinstance(codes, str) else "error",
        }
    return response


class PodiumAPIView(APIView):
    """JSON only, and JSON errors even where a view also renders another format (CSV).

    Every answer says what is left of the caller's rate limits (podium.api.throttling).
    """

    renderer_classes = [JSONRenderer]
    throttles_checked: list = []

    def get_exception_handler(self):
        return api_exception_handler

    def check_throttles(self, request):
        # DRF's own loop, keeping the throttles so that finalize_response can report them.
        self.throttles_checked = self.get_throttles()
        waits = [t.wait() for t in self.throttles_checked if not t.allow_request(request, self)]
        if waits:
            self.throttled(request, max((w for w in waits if w is not None), default=None))

    def finalize_response(self, request, response, *args, **kwargs):
        if isinstance(response, Response) and response.status_code >= 400:
            request.accepted_renderer = JSONRenderer()
            request.accepted_media_type = JSONRenderer.media_type
        response = super().finalize_response(request, response, *args, **kwargs)
        for header, value in rate_limit_headers(self.throttles_checked).items():
            response[header] = value
        return response


@csrf_exempt  # it changes nothing; a POST to a wrong URL should hear "no such URL", not CSRF
def unknown_endpoint(request, unmatched: str = ""):
    """Any other URL under /api/v1/ answers the API's JSON 404, not the site's HTML page
    (e.g. /api/v1/submissions/-1/, which the `int` converter does not match)."""
    message = f"No API endpoint at {request.path}."
    if not request.path.endswith("/"):
        try:
            match = resolve(request.path + "/")
        except Resolver404:
            match = None
        if match is not None and match.func is not unknown_endpoint:
            message += f" Did you mean {request.path}/ ?"
    return JsonResponse({"detail": message, "code": "not_found"}, status=404)
