"""The Celery application; workers run `celery -A podium worker -Q scoring,gpu`."""

import logging
import os

from celery import Celery
from celery.signals import worker_init, worker_ready

from podium.sandbox.conf import baseline_dirs_sweep_with_settings, job_dirs_sweep_with_settings

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "podium.settings")

app = Celery("podium")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

logger = logging.getLogger(__name__)
# Few quick retries while the broker blinks; longer outages are the sweepers' business.
RETRY_POLICY = {"max_retries": 2, "interval_start": 0.2, "interval_step": 0.5}


def send_job(name: str, *, args: list, waits: str, **options) -> bool:
    """Send the job `name`; False, logged with what now `waits`, when the broker refuses it.

    Jobs are sent by name so that the services which enqueue them need not import the job
    modules, which import those services in turn. Each app's `enqueue` module calls this.
    """
    try:
        app.send_task(name, args=args, retry=True, retry_policy=RETRY_POLICY, **options)
    except Exception:
        logger.warning("broker unavailable; %s", waits, exc_info=True)
        return False
    return True


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
