"""Handing "test this program" runs to the broker.

Sent by name, so that the admin and the trial service do not import the job module that runs
them. Callers go through the module (`enqueue.trial_enqueue(...)`), so tests replace it in one
place.
"""

from podium.celery import send_job

TRIAL_JOB = "podium.programs.tasks.run_trial"


def trial_enqueue(*, trial_id: int) -> bool:
    """Send the trial; False if the broker is down (the caller tells the organiser)."""
    return send_job(TRIAL_JOB, args=[trial_id], waits=f"program trial {trial_id} not sent")
