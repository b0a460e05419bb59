"""Handing "test this program" runs to the broker.

Sent by name, so that the admin and the trial service do not import the job module that runs
them. Callers go through the module (`enqueue.trial_enqueue(...)`), so tests replace it in one
place.
"""

import logging

from podium.celery import app

logger = logging.getLogger(__name__)

TRIAL_JOB = "podium.programs.tasks.run_trial"


def trial_enqueue(*, trial_id: int) -> bool:
    """Send the trial; False if the broker is down (the caller tells the organiser)."""
    try:
        app.send_task(TRIAL_JOB, args=[trial_id], retry=True, retry_policy={"max_retries": 2})
    except Exception:
        logger.warning("broker unavailable; program trial %s not sent", trial_id, exc_info=True)
        return False
    return True
