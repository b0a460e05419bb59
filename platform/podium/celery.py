"""The Celery application; workers run `celery -A podium worker -Q scoring,gpu`."""

import os

from celery import Celery
from celery.signals import worker_init, worker_ready

from podium.sandbox.conf import baseline_dirs_sweep_with_settings, job_dirs_sweep_with_settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "podium.settings")

app = Celery("podium")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()


@worker_ready.connect
def sweep_at_worker_start(sender, **kwargs) -> None:
    """A worker that (re)starts asks for a sweep at once, so the runs of the worker it replaces
    are queued again without waiting for beat's next round."""
    app.send_task("podium.submissions.tasks.sweep_submissions")
    app.send_task("podium.baselineruns.sweep")


@worker_init.connect
def remove_leftover_job_dirs(**_) -> None:
    # A worker killed mid-job left its job directory (a copy of the gold) behind, or mid-training
    # its baseline run's work directory (copies of the data, the model, the predictions).
    job_dirs_sweep_with_settings()
    baseline_dirs_sweep_with_settings()
