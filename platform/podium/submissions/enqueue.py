"""Handing scoring jobs to the broker.

Jobs are sent by name, so that the services which enqueue (uploads, rescoring, the sweeper) do not
import the Celery job module, which imports them in turn to run the jobs.

Callers go through the module (`enqueue.submission_enqueue(...)`), so that tests can replace the
broker in one place.
"""

import logging

from django.db import DatabaseError
from django.utils import timezone

from podium.celery import send_job
from podium.submissions.models import Submission

logger = logging.getLogger(__name__)

SCORE_JOB = "podium.submissions.tasks.score_submission"
SWEEP_JOB = "podium.submissions.tasks.sweep_submissions"


def submission_enqueue(*, submission_id: int) -> bool:
    """Send the scoring job; if the broker is down the submission stays queued for the sweeper."""
    if not send_job(
        SCORE_JOB,
        args=[submission_id],
        waits=f"submission {submission_id} stays queued for the sweeper",
    ):
        return False
    try:
        Submission.objects.filter(pk=submission_id).update(enqueued_at=timezone.now())
    except DatabaseError:
        # The job is on its way; without the mark the sweeper sends it once more, which the
        # claim makes harmless.
        logger.warning("submission %s: could not record the enqueue time", submission_id)
    return True
