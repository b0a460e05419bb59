"""Which HTTP status answers each refusal of a service (the services carry none)."""

from __future__ import annotations

from rest_framework import status

from podium.submissions.uploads import SubmissionRefused

REFUSAL_STATUS = {
    "not_registered": status.HTTP_403_FORBIDDEN,
    "not_member": status.HTTP_403_FORBIDDEN,
    "phase_closed": status.HTTP_403_FORBIDDEN,
    "too_large": status.HTTP_413_REQUEST_ENTITY_TOO_LARGE,
    "limit_reached": status.HTTP_429_TOO_MANY_REQUESTS,
}


def refusal_status(refused: SubmissionRefused) -> int:
    """The status of a refused submission: 400 unless its code says otherwise."""
    return REFUSAL_STATUS.get(refused.code, status.HTTP_400_BAD_REQUEST)
