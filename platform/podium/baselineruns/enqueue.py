"""Handing baseline runs to the broker's `gpu` queue (CELERY_TASK_ROUTES sends podium.baselines.*).

Sent by name, so that the services which start runs do not import the job module that runs them.
Callers go through the module (`enqueue.baseline_enqueue(...)`), so tests replace it in one place.
"""

import logging

from podium.celery import app

logger = logging.getLogger(__name__)

RUN_JOB = "podium.baselines.run"
# Not under podium.baselines.*: the sweep runs on the CPU queue, next to the scoring sweeper.
SWEEP_JOB = "podium.baselineruns.sweep"


def baseline_enqueue(*, run_id: int) -> bool:
    """Send the run; if the broker is down it stays queued, and the sweeper sends it later."""
    try:
        app.send_task(RUN_JOB, args=[run_id], retry=True, retry_policy={"max_retries": 2})
    except Exception:
        logger.warning("broker unavailable; baseline run %s stays queued", run_id, exc_info=True)
        return False
    return True
