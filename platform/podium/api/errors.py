"""API errors: the HTTP status that answers each refusal of a service (the services carry
none), and the error shape every API error has, for the OpenAPI schema: `{"detail", "code"}`."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers, status

from podium.submissions.uploads import SubmissionRefused

ErrorSerializer = inline_serializer(
    name="Error",
    fields={
        "detail": serializers.CharField(help_text="A message for the person (safe to show)."),
        "code": serializers.CharField(
            help_text="Stable, for scripts: e.g. not_authenticated, phase_closed, limit_reached, "
            "too_large, unknown_subtask, idempotency_key_reused."
        ),
    },
)

MEANINGS = {
    400: "Invalid input; `detail` names the field and the problem",
    401: "Not authenticated, or the token is invalid",
    403: "Authenticated but not allowed (not registered, phase closed, not visible yet)",
    404: "Not found, or not yours to see",
    409: "Conflict",
    413: "The file is over the phase's size limit",
    416: "The Range starts past the end of the file",
    422: "The Idempotency-Key was already used for a different request",
    429: "A limit is reached: the submission limit (see `detail` for when it resets) or the "
    "request rate (see `Retry-After`)",
}


def error_responses(*statuses: int, **meanings: str) -> dict[int, OpenApiResponse]:
    """Schema responses for these error statuses; `e403="..."` replaces a default meaning."""
    return {
        code: OpenApiResponse(
            response=ErrorSerializer, description=meanings.get(f"e{code}", MEANINGS[code])
        )
        for code in statuses
    }


REFUSAL_STATUS = {
    "not_registered": status.HTTP_403_FORBIDDEN,
    "not_member": status.HTTP_403_FORBIDDEN,
    "submitted_with_other_team": status.HTTP_403_FORBIDDEN,
    "phase_closed": status.HTTP_403_FORBIDDEN,
    "too_large": status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
    "limit_reached": status.HTTP_429_TOO_MANY_REQUESTS,
}


def refusal_status(refused: SubmissionRefused) -> int:
    """The status of a refused submission: 400 unless its code says otherwise."""
    return REFUSAL_STATUS.get(refused.code, status.HTTP_400_BAD_REQUEST)
