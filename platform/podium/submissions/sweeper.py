"""Re-send work that was lost: uploads the broker never got, messages it lost, dead runs.

Runs every PODIUM_SWEEP_SECONDS from beat, and once when a worker starts (podium/celery.py).
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db.models import Exists, F, OuterRef, Q
from django.utils import timezone

from podium.broker import queue_empty
from podium.sandbox.conf import job_dirs_sweep_with_settings
from podium.submissions import enqueue
from podium.submissions.models import Submission
from podium.submissions.scoring import (
    HEARTBEAT_LOST,
    REQUEUED_AFTER_WORKER_FAILURE,
    submission_give_up,
)

logger = logging.getLogger(__name__)

Status = Submission.Status
# A job handed to the broker this long ago and still not claimed may have been lost; it is sent
# again at once if the broker shows it lost (below), and after RESEND_AFTER in any case. Sending
# every waiting job again each minute would flood a busy queue with duplicates, which the claim
# would ignore but workers would still have to read.
LOST_AFTER = timedelta(minutes=1)
RESEND_AFTER = timedelta(minutes=15)
# A run cannot outlive the sandbox's wall-clock limit; past it plus this margin, its worker died
# even if something still beats for it.
RUNNING_GRACE = timedelta(seconds=60)


def dead_runs(*, now) -> "Submission.objects":
    """Running submissions whose worker died: no heartbeat for HEARTBEAT_LOST, or older than the
    time limit allows."""
    silent = now - HEARTBEAT_LOST
    too_old = now - timedelta(seconds=settings.PODIUM_SCORING_TIMEOUT) - RUNNING_GRACE
    return Submission.objects.running().filter(
        Q(heartbeat_at__lt=silent)
        | Q(heartbeat_at__isnull=True, started_at__lt=silent)
        | Q(started_at__lt=too_old)
    )


def lost_messages(*, now, broker_empty: bool | None) -> list[int]:
    """Queued submissions whose message the broker no longer has (or never had).

    - never handed over (the broker was down at upload);
    - sent over LOST_AFTER ago, and the broker's scoring queue is empty: nothing holds it (a
      worker that took it would have claimed it at once);
    - sent over LOST_AFTER ago, and a job sent after it has already started: the queue is
      first-in first-out, so this one's message is gone;
    - sent over RESEND_AFTER ago, whatever the broker says.
    """
    waited = Q(enqueued_at__lt=now - LOST_AFTER)
    overtaken = Exists(
        Submission.objects.filter(
            enqueued_at__gt=OuterRef("enqueued_at"), started_at__gte=F("enqueued_at")
        )
    )
    lost = (
        Q(enqueued_at__isnull=True)
        | Q(enqueued_at__lt=now - RESEND_AFTER)
        | (waited & Q(overtaken=True))
    )
    if broker_empty:
        lost |= waited
    return list(
        Submission.objects.queued()
        .alias(overtaken=overtaken)
        .filter(lost)
        .values_list("pk", flat=True)
    )


def scoring_queue_empty() -> bool | None:
    return queue_empty(settings.CELERY_TASK_DEFAULT_QUEUE)


def submissions_sweep(*, now=None) -> dict[str, int]:
    """Return dead runs to the queue, and send every queued submission the broker does not have.

    Returning a run to the queue is a conditional UPDATE on (status, attempts): if the run
    finishes, or a redelivered job takes it over, at that very moment, one of the two updates
    finds nothing to change.
    """
    now = now or timezone.now()
    job_dirs_sweep_with_settings()  # gold copies left on this host by dead runs
    dead = dead_runs(now=now)
    given_up = submission_give_up(runs=dead, now=now)
    revived = 0
    for pk, attempts in dead.values_list("pk", "attempts"):
        revived += Submission.objects.filter(
            pk=pk, status=Status.RUNNING, attempts=attempts
        ).update(status=Status.QUEUED, enqueued_at=None, error=REQUEUED_AFTER_WORKER_FAILURE)
        logger.warning("submission %s: its worker died during run %s; queued again", pk, attempts)

    waiting = Submission.objects.queued().filter(enqueued_at__lt=now - LOST_AFTER).exists()
    stale = lost_messages(now=now, broker_empty=scoring_queue_empty() if waiting else None)
    sent = sum(enqueue.submission_enqueue(submission_id=pk) for pk in stale)
    return {"revived": revived, "given_up": given_up, "resent": sent}
