"""Handing baseline runs to the broker's `gpu` queue (CELERY_TASK_ROUTES sends podium.baselines.*).

Sent by name, so that the services which start runs do not import the job module that runs them.
Callers go through the module (`enqueue.baseline_enqueue(...)`), so tests replace it in one place.
"""

from podium.celery import send_job

RUN_JOB = "podium.baselines.run"
# Not under podium.baselines.*: the sweep runs on the CPU queue, next to the scoring sweeper.
SWEEP_JOB = "podium.baselineruns.sweep"


def baseline_enqueue(*, run_id: int) -> bool:
    """Send the run; if the broker is down it stays queued, and the sweeper sends it later."""
    return send_job(RUN_JOB, args=[run_id], waits=f"baseline run {run_id} stays queued")
