"""Scoring again after organisers fix gold or the scorer."""

from django.db import transaction
from django.db.models import Case, Exists, F, OuterRef, Q, Value, When

from podium.submissions import enqueue
from podium.submissions.models import Submission
from podium.submissions.program_runs import ProgramRun

Status = Submission.Status


def submissions_rescore(*, submissions) -> int:
    """Queue scored or failed submissions for scoring again; returns how many were queued.

    This is the one move of a status backwards, and only organisers make it. The old Score rows
    stay until the new run replaces them in one transaction, so no reader ever sees a
    half-written set; queued and running submissions are left alone (they are about to be scored).
    """
    ids = list(submissions.finished().values_list("pk", flat=True))
    organisers_fault = Exists(
        ProgramRun.objects.filter(submission=OuterRef("pk"), organiser_fault=True)
    )
    with transaction.atomic():
        count = (
            Submission.objects.filter(pk__in=ids)
            .finished()
            .update(
                status=Status.QUEUED,
                enqueued_at=None,
                error="",
                started_at=None,
                finished_at=None,
                # The team's own outcome, kept through later rescores: limits count that (quotas).
                # A failure of the organisers' program was never the team's outcome.
                status_before_rescore=Case(
                    When(
                        Q(status_before_rescore="", status=Status.FAILED) & organisers_fault,
                        then=Value(Submission.ORGANISERS_FAULT),
                    ),
                    When(status_before_rescore="", then=F("status")),
                    default=F("status_before_rescore"),
                ),
                attempts_at_rescore=F("attempts"),
            )
        )
        transaction.on_commit(lambda: [enqueue.submission_enqueue(submission_id=pk) for pk in ids])
    return count
