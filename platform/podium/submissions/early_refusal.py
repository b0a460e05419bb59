"""Refusing an oversized upload from its Content-Length, before the body is read.

Django streams a multipart body to a temporary file as soon as anything touches `request.POST` or
`request.FILES` (the CSRF check does, for a form post), so the service's own size check, which
runs on the parsed upload, comes after a 2 GB body has been written to disk. The views call
`early_size_refusal()` before anything parses the body: the web form is `csrf_exempt` on the
outside and runs the CSRF check itself after this test (the pattern Django's upload-handler docs
describe); the API view runs it in `initial()`, before authentication (session authentication
checks CSRF, which reads the body). Under WSGI a request without Content-Length has an empty body,
so the header is always there to check.

The phase is not known before parsing, so the bound is the largest limit of any phase plus slack
for the form's other fields; the service then applies the exact limit of the chosen phase.
"""

from __future__ import annotations

from django.db.models import Max
from django.http import HttpRequest

from podium.sharedtasks.models import Phase
from podium.submissions.uploads import SubmissionRefused

MB = 1024 * 1024
DEFAULT_LIMIT_MB = 100
SLACK_BYTES = 1 * MB


def largest_limit_mb() -> int:
    return Phase.objects.aggregate(largest=Max("max_file_mb"))["largest"] or DEFAULT_LIMIT_MB


def early_size_refusal(request: HttpRequest) -> SubmissionRefused | None:
    """A 413 refusal when the declared body is far over every phase's limit, else None."""
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None  # Django treats an unreadable length as an empty body
    largest = largest_limit_mb()
    if length <= largest * MB + SLACK_BYTES:
        return None
    return SubmissionRefused(
        f"The upload is {length / MB:.1f} MB; no phase of this site accepts files over "
        f"{largest} MB.",
        code="too_large",
    )
