"""Handing baseline runs to the broker's `gpu` queue (CELERY_TASK_ROUTES sends podium.baselines.*).

Sent by name, so that the services which start runs do not import the job module that runs them.
Callers go through the module (`enqueue.baseline_enqueue(...)`), so tests replace it in one place.
"""

from podium.celery import app

RUN_JOB = "podium.baselines.run"
SWEEP_JOB = "podium.baselines.sweep"


def baseline_enqueue(*, run_id: int) -> None:
    app.send_task(RUN_JOB, args=[run_id])
