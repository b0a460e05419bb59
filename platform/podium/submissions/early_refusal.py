"""Refusing an oversized upload from its Content-Length, before the body is read.

Django streams a multipart body to a temporary file as soon as anything touches `request.POST` or
`request.FILES` (the CSRF check does, for a form post), so the service's own size check, which
runs on the parsed upload, comes after a 2 GB body has been written to disk. The views call
`early_size_refusal()` before anything parses the body: the web form is `csrf_exempt` on the
outside and runs the CSRF check itself after this test (the pattern Django's upload-handler docs
describe); the API view runs it in `initial()`, before authentication (session authentication
checks CSRF, which reads the body). Under WSGI a request without Content-Length has an empty body,
so the header is always there to check.

The chosen phase is a field of the body, so the bound is the largest limit among the phases the
upload can be for: the one named in the query string (`?phase=<id>`, which upload scripts and
the form send), else the open phases of the task whose page posts, else (the API without
`?phase=`) the open phases of the site. Closed phases never count: one organiser's generous
limit on an old phase must not let large bodies reach every other task's upload view. The
service then applies the exact limit of the phase in the body.
"""

from __future__ import annotations

from django.db.models import Max, QuerySet
from django.http import HttpRequest

from podium.sharedtasks.models import Phase
from podium.submissions.uploads import SubmissionRefused

MB = 1024 * 1024
DEFAULT_LIMIT_MB = 100
SLACK_BYTES = 1 * MB  # the form's other fields and the multipart framing


def target_phases(request: HttpRequest, candidates: QuerySet[Phase]) -> QuerySet[Phase]:
    """The open phases among `candidates` that the upload can be for (see the module doc)."""
    phases = candidates.open()
    named = request.GET.get("phase", "")
    if named.isdigit():
        return phases.filter(pk=int(named))
    return phases


def largest_limit_mb(phases: QuerySet[Phase]) -> int | None:
    """The largest file limit among `phases`; None when there is no such phase."""
    return phases.aggregate(largest=Max("max_file_mb"))["largest"]


def early_size_refusal(
    request: HttpRequest, *, candidates: QuerySet[Phase] | None = None
) -> SubmissionRefused | None:
    """A 413 refusal when the declared body is far over the target phases' limits, else None.

    `candidates`: the phases the posting page offers (a task's phases); all phases by default.
    With no open target phase at all, the default limit bounds the body and the service then
    refuses the upload with its own message (the phase is closed or unknown).
    """
    try:
        length = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        return None  # Django treats an unreadable length as an empty body
    phases = target_phases(request, Phase.objects.all() if candidates is None else candidates)
    largest = largest_limit_mb(phases) or DEFAULT_LIMIT_MB
    if length <= largest * MB + SLACK_BYTES:
        return None
    only = list(phases[:2])
    where = (
        f"the phase {only[0].name!r} accepts files of at most {largest} MB"
        if len(only) == 1
        else f"no open phase here accepts files over {largest} MB"
    )
    return SubmissionRefused(f"The upload is {length / MB:.1f} MB; {where}.", code="too_large")
