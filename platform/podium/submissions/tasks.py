"""Celery jobs: adapters that pass ids to services."""

from celery import shared_task

from podium.submissions.scoring import submission_score
from podium.submissions.sweeper import submissions_sweep


# acks_late + reject_on_worker_lost: a worker killed mid-job leaves the message unacknowledged,
# so the broker delivers it again; the claim makes that second delivery harmless if the first
# one finished after all.
@shared_task(acks_late=True, reject_on_worker_lost=True, ignore_result=True)
def score_submission(submission_id: int) -> None:
    submission_score(submission_id=submission_id)


@shared_task(ignore_result=True)
def sweep_submissions() -> None:
    submissions_sweep()
