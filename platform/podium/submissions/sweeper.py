"""Re-send work that was lost: uploads the broker never got, and runs whose worker died."""

import logging
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from podium.sandbox.conf import job_dirs_sweep_with_settings
from podium.submissions.models import Submission
from podium.submissions.scoring import SCORER_FAILED

logger = logging.getLogger(__name__)

Status = Submission.Status
# A job handed to the broker this long ago and still not claimed was lost (a broker restart
# without persistence, a worker killed before it acknowledged); smaller would flood a busy queue
# with duplicates, which the claim would ignore but workers would still have to read.
RESEND_AFTER = timedelta(minutes=15)
# A run cannot outlive the sandbox's wall-clock limit; past it plus this margin, its worker died.
RUNNING_GRACE = timedelta(seconds=60)


def submissions_sweep(*, now=None) -> dict[str, int]:
    """Return dead runs to the queue, and send every queued submission the broker does not have.

    "Does not have": never handed over (the broker was down at upload), or handed over so long
    ago that the message must be lost.

    Returning a run to the queue is a conditional UPDATE on (status, started_at): if the run
    finishes at that very moment, one of the two updates finds nothing to change.
    """
    from podium.submissions.uploads import submission_enqueue

    now = now or timezone.now()
    job_dirs_sweep_with_settings()  # gold copies left on this host by dead runs
    running_deadline = now - timedelta(seconds=settings.PODIUM_SCORING_TIMEOUT) - RUNNING_GRACE
    revived = given_up = 0
    for pk, started_at, attempts in Submission.objects.filter(
        status=Status.RUNNING, started_at__lt=running_deadline
    ).values_list("pk", "started_at", "attempts"):
        same_run = Submission.objects.filter(pk=pk, status=Status.RUNNING, started_at=started_at)
        if attempts >= settings.PODIUM_SCORING_MAX_ATTEMPTS:
            # A file whose scoring kills its worker every time would otherwise loop forever.
            given_up += same_run.update(
                status=Status.FAILED,
                finished_at=now,
                error=SCORER_FAILED,
                log=f"Gave up after {attempts} runs that never finished (worker died each time).",
            )
            logger.error("submission %s: %s runs never finished; marked failed", pk, attempts)
            continue
        revived += same_run.update(status=Status.QUEUED, enqueued_at=None)
        logger.warning(
            "submission %s: its run started at %s never finished; queued again", pk, started_at
        )

    stale = list(
        Submission.objects.filter(status=Status.QUEUED)
        .filter(Q(enqueued_at__isnull=True) | Q(enqueued_at__lt=now - RESEND_AFTER))
        .values_list("pk", flat=True)
    )
    sent = sum(submission_enqueue(submission_id=pk) for pk in stale)
    return {"revived": revived, "given_up": given_up, "resent": sent}
