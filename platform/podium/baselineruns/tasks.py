"""Celery jobs for baselines: the `gpu` queue (CELERY_TASK_ROUTES sends podium.baselines.*)."""

from celery import shared_task

from podium.baselineruns.enqueue import RUN_JOB
from podium.baselineruns.services import baseline_execute


@shared_task(name=RUN_JOB, acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def run_baseline(run_id: int) -> None:
    baseline_execute(run_id=run_id)
