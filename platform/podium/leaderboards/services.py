"""Revealing and hiding a phase's leaderboards."""

from __future__ import annotations

import logging
from datetime import datetime

from django.core.exceptions import PermissionDenied
from django.db.models import F
from django.utils import timezone

from podium.sharedtasks.models import Phase
from podium.sharedtasks.selectors import format_when, is_organiser_of

from .snapshots import phase_boards_request_rebuild
from .visibility import LeaderboardError

log = logging.getLogger(__name__)


class RevealError(LeaderboardError):
    """The reveal state cannot change as asked; the message tells the organiser what to do."""


def _require_organiser(by, phase: Phase) -> None:
    if not is_organiser_of(by, phase.task):
        raise PermissionDenied("Only the organisers of this task may reveal or hide its rankings.")


def phase_reveal(*, phase: Phase, by, now: datetime | None = None) -> None:
    """Reveal the phase's rankings to everyone: the private board, and the public one of a
    `hidden` phase. Idempotent: a second call keeps the first reveal time.

    Raises `PermissionDenied` unless `by` organises the task (or is a superuser).
    """
    _require_organiser(by, phase)
    now = now or timezone.now()
    # Conditional UPDATE: two organisers clicking at once record one reveal time.
    if Phase.objects.filter(pk=phase.pk, revealed_at__isnull=True).update(revealed_at=now):
        log.info("phase %s revealed by %s", phase, by)
        phase_boards_request_rebuild(phase=phase)
    phase.refresh_from_db(fields=["revealed_at"])


def phase_hide(*, phase: Phase, by, now: datetime | None = None) -> None:
    """Undo a reveal made by mistake. Idempotent.

    A `private_at_end` phase whose end has passed is revealed by the clock, whatever
    `revealed_at` says, so hiding it would be a lie: `RevealError` asks the organiser to change
    the leaderboard mode (or the end) first.
    """
    _require_organiser(by, phase)
    now = now or timezone.now()
    if phase.leaderboard_mode == Phase.LeaderboardMode.PRIVATE_AT_END and now >= phase.end:
        raise RevealError(
            f"This phase revealed its private ranking when it ended on {format_when(phase.end)}. "
            "To hide it, first change its leaderboard mode to 'hidden' or 'public live'."
        )
    if Phase.objects.filter(pk=phase.pk, revealed_at__isnull=False).update(revealed_at=None):
        log.info("phase %s hidden again by %s", phase, by)
        phase_boards_request_rebuild(phase=phase)
    phase.refresh_from_db(fields=["revealed_at"])


def phases_reveal_due(now: datetime | None = None) -> int:
    """Record the reveal of every `private_at_end` phase whose end has passed; returns how many.

    For the periodic scheduler (beat). `revealed_at` is set to the phase end, not to the time the
    job ran: the selectors already show the private board from that moment on (they do not wait
    for this job), so the end is when it really became visible.
    """
    now = now or timezone.now()
    return Phase.objects.filter(
        leaderboard_mode=Phase.LeaderboardMode.PRIVATE_AT_END,
        revealed_at__isnull=True,
        end__lte=now,
    ).update(revealed_at=F("end"))
