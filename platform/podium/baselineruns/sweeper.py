"""Re-send baseline runs that were lost: a worker that died mid-training, a message lost.

Runs every PODIUM_SWEEP_SECONDS from beat (on the CPU queue: the GPU workers may be busy for hours),
and once when a worker starts. It also removes the work directories that dead runs left on its
host (a GPU worker sweeps its own when it starts: podium/celery.py).
"""

import logging
from datetime import timedelta

from django.conf import settings
from django.db.models import Q
from django.utils import timezone

from podium.baselineruns import enqueue as baseline_jobs
from podium.baselineruns.models import BaselineRun
from podium.baselineruns.services import HEARTBEAT_LOST
from podium.broker import queue_empty
from podium.sandbox.conf import baseline_dirs_sweep_with_settings

logger = logging.getLogger(__name__)

Status = BaselineRun.Status
# A queued run not taken this long after it was queued, while the gpu queue holds nothing: its
# message is gone (a broker restart, the embedded broker's worker killed while holding it).
LOST_AFTER = timedelta(minutes=1)
REQUEUED = {"stage": "re-queued after a worker failure"}


def baselines_sweep(*, now=None) -> dict[str, int]:
    """Queue again the runs whose worker died (or fail those that died too often), and send
    again the queued runs whose message the broker lost."""
    now = now or timezone.now()
    baseline_dirs_sweep_with_settings()  # data copies left on this host by dead runs
    silent = now - HEARTBEAT_LOST
    dead = BaselineRun.objects.filter(status=Status.RUNNING).filter(
        Q(heartbeat_at__lt=silent) | Q(heartbeat_at__isnull=True, started_at__lt=silent)
    )
    limit = settings.PODIUM_BASELINE_MAX_ATTEMPTS
    given_up = dead.filter(attempts__gte=limit).update(
        status=Status.FAILED,
        finished_at=now,
        log=f"Gave up: the worker died during each of {limit} runs. Start the run again once "
        "the workers are healthy (a run that needs more memory than a worker has kills it).",
    )
    revived = []
    for pk, attempts in dead.values_list("pk", "attempts"):
        same_run = BaselineRun.objects.filter(pk=pk, status=Status.RUNNING, attempts=attempts)
        if same_run.update(status=Status.QUEUED, progress=REQUEUED):
            logger.warning("baseline run %s: its worker died during run %s; queued", pk, attempts)
            revived.append(pk)

    waiting = BaselineRun.objects.filter(
        status=Status.QUEUED, created_at__lt=now - LOST_AFTER
    ).exclude(pk__in=revived)
    lost = list(waiting.values_list("pk", flat=True))
    if lost and not queue_empty("gpu"):
        lost = []  # the gpu queue holds messages: these may only be waiting behind them
    sent = sum(baseline_jobs.baseline_enqueue(run_id=pk) for pk in [*revived, *lost])
    return {"revived": len(revived), "given_up": given_up, "resent": sent}
