"""Celery jobs: adapters that pass ids to services."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from podium.submissions.enqueue import SCORE_JOB, SWEEP_JOB
from podium.submissions.scoring import submission_score
from podium.submissions.sweeper import submissions_sweep


# acks_late + reject_on_worker_lost: a worker killed mid-job leaves the message unacknowledged,
# so the broker delivers it again; the claim makes that second delivery harmless if the first
# one finished after all. A database that is briefly unreachable (too many clients, a restart)
# would otherwise fail the job before its claim and leave the submission to the sweeper's slow
# path; retrying is safe for the same reason.
@shared_task(
    name=SCORE_JOB,
    acks_late=True,
    reject_on_worker_lost=True,
    ignore_result=True,
    autoretry_for=(OperationalError, InterfaceError),
    retry_backoff=1,
    retry_backoff_max=60,
    retry_jitter=True,
    max_retries=8,
)
def score_submission(submission_id: int) -> None:
    submission_score(submission_id=submission_id)


@shared_task(name=SWEEP_JOB, ignore_result=True)
def sweep_submissions() -> None:
    submissions_sweep()
