"""Celery jobs of the API app (podium.api.tasks is the task catalogue view, hence this name;
ApiConfig.ready imports it so that workers know the job)."""

from celery import shared_task

from .idempotency import idempotency_keys_expire

EXPIRE_KEYS_JOB = "podium.api.expire_idempotency_keys"


@shared_task(name=EXPIRE_KEYS_JOB, ignore_result=True)
def expire_idempotency_keys() -> int:
    """Beat job (hourly): forget the Idempotency-Keys older than their lifetime."""
    return idempotency_keys_expire()
