"""Celery jobs of the programs app: adapters that pass ids to services."""

from celery import shared_task

from podium.programs.enqueue import TRIAL_JOB
from podium.programs.trial import trial_run


# acks_late + reject_on_worker_lost: a worker killed mid-trial leaves the message unacknowledged
# and the broker delivers it again, marked as redelivered; trial_run then reports the lost run to
# the organiser instead of leaving the page at "running".
@shared_task(
    bind=True, name=TRIAL_JOB, acks_late=True, reject_on_worker_lost=True, ignore_result=True
)
def run_trial(self, trial_id: int) -> None:
    redelivered = bool((self.request.delivery_info or {}).get("redelivered"))
    trial_run(trial_id=trial_id, redelivered=redelivered)
