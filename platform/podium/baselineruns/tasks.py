"""Celery jobs for baselines: runs on the `gpu` queue (CELERY_TASK_ROUTES sends podium.baselines.*),
the sweeper on the CPU queue."""

from celery import shared_task

from podium.baselineruns.enqueue import RUN_JOB, SWEEP_JOB
from podium.baselineruns.services import baseline_execute
from podium.baselineruns.sweeper import baselines_sweep


@shared_task(name=RUN_JOB, acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def run_baseline(run_id: int) -> None:
    baseline_execute(run_id=run_id)


@shared_task(name=SWEEP_JOB, ignore_result=True)
def sweep_baselines() -> None:
    baselines_sweep()
