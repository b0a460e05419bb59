"""Celery jobs: adapters that pass ids to services."""

from celery import shared_task
from django.db import InterfaceError, OperationalError

from podium.submissions.enqueue import SCORE_JOB, SWEEP_JOB
from podium.submissions.scoring import submission_score
from podium.submissions.sweeper import submissions_sweep


# acks_late + reject_on_worker_lost: a worker killed mid-job leaves the message unacknowledged,
# so the broker delivers it again, marked as redelivered; that delivery takes the dead run's
# attempt over (see scoring.submission_claim), and is harmless if the first run finished after
# all. A database that is briefly unreachable (too many clients, a restart) would otherwise fail
# the job before its claim and leave the submission to the sweeper; retrying is safe for the
# same reason.
@shared_task(
    bind=True,
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
def score_submission(self, submission_id: int) -> None:
    redelivered = bool((self.request.delivery_info or {}).get("redelivered"))
    submission_score(submission_id=submission_id, redelivered=redelivered)


@shared_task(name=SWEEP_JOB, ignore_result=True)
def sweep_submissions() -> None:
    submissions_sweep()
