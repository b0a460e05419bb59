"""Celery jobs of the leaderboards app: adapters around services."""

from celery import shared_task

from .services import phases_reveal_due


@shared_task(name="leaderboards.reveal_due_phases")
def reveal_due_phases() -> int:
    """Beat job (e.g. every minute): record the reveal of private_at_end phases past their end."""
    return phases_reveal_due()
