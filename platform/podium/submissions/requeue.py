"""A claimed submission whose sandbox is unavailable goes back to the queue.

Both scoring paths (the built-in scorers in scoring.py, organisers' programs in
program_scoring.py) end this way: no bubblewrap, or one that cannot start, is not the
participant's fault, so the submission is neither failed nor counted, and the error log tells the
operator what to fix. Kept in a module of its own so that both import it and neither imports the
other (scoring.py dispatches to program_scoring.py).
"""

from __future__ import annotations

import logging

from podium.submissions.models import Submission

logger = logging.getLogger(__name__)

Status = Submission.Status


def submission_requeue_without_sandbox(*, claim, reason: Exception) -> str:
    """running -> queued for this claim's attempt only (a newer one is left alone), loudly;
    returns the status the scoring job reports. `claim` is scoring.Claim."""
    submission = claim.submission
    logger.error("submission %s not scored: %s", submission.pk, reason)
    Submission.objects.filter(
        pk=submission.pk, status=Status.RUNNING, attempts=claim.attempt
    ).update(status=Status.QUEUED, log=f"Not scored: {reason}")
    return Status.QUEUED
