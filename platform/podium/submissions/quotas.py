"""How many submissions a team has used and has left in a phase.

A rescored submission counts as the outcome the team had before organisers queued it again
(``status_before_rescore``): rescoring never takes a slot of the concurrent limit, never adds to
the daily or total count, and a failure of the new run is not the team's failure.
"""

from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import cast

from django.db.models import Count, Exists, OuterRef, Q
from django.utils import timezone

from podium.sharedtasks.models import Phase
from podium.submissions.models import ProgramRun, Submission


@dataclass(frozen=True)
class Quota:
    per_day: int | None
    used_today: int
    total: int | None
    used_total: int
    concurrent: int | None
    active: int
    resets_at: datetime  # the next UTC midnight, when the daily count starts again
    failed_per_day: int | None = None
    failed_today: int = 0

    @property
    def failed_left_today(self) -> int | None:
        """Failures the team may still have today before it is refused; None: no limit."""
        if self.failed_per_day is None:
            return None
        return max(0, self.failed_per_day - self.failed_today)

    @property
    def left_today(self) -> int | None:
        """Submissions the team may still make today: the tightest of the daily and total limits."""
        lefts = [
            limit - used
            for limit, used in ((self.per_day, self.used_today), (self.total, self.used_total))
            if limit is not None
        ]
        return max(0, min(lefts)) if lefts else None

    def refusal(self) -> str | None:
        """Why one more submission is refused now, or None when it is allowed."""
        if self.total is not None and self.used_total >= self.total:
            return f"Your team has used all {self.total} submissions allowed in this phase."
        if self.per_day is not None and self.used_today >= self.per_day:
            return (
                f"Your team has used its {self.per_day} submissions for today (UTC). "
                f"The count resets at {self.resets_at:%Y-%m-%d %H:%M} UTC."
            )
        if self.failed_per_day is not None and self.failed_today >= self.failed_per_day:
            return (
                f"{self.failed_today} of your team's submissions failed today (UTC), the most "
                f"this phase allows ({self.failed_per_day}). Check a file before uploading it "
                "with `python -m scorers score` (see the task's data page); uploads are "
                f"accepted again at {self.resets_at:%Y-%m-%d %H:%M} UTC."
            )
        if self.concurrent is not None and self.active >= self.concurrent:
            return (
                f"Your team already has {self.active} submission(s) queued or running, the most "
                f"this phase allows at once ({self.concurrent}). Submit again when one finishes."
            )
        return None


def counted_statuses(phase: Phase) -> list[str]:
    """Statuses that use up a limit: failed ones only if the phase says so."""
    statuses: list[str] = [*Submission.ACTIVE_STATUSES, Submission.Status.SCORED]
    if phase.count_failed:
        statuses.append(Submission.Status.FAILED)
    return statuses


def next_utc_midnight(now: datetime) -> datetime:
    today = now.astimezone(UTC).date()
    return datetime.combine(today + timedelta(days=1), time.min, tzinfo=UTC)


def team_quota(*, team, phase: Phase, now: datetime | None = None) -> Quota:
    """The team's usage in `phase` in one query (baselines have no team and never count)."""
    now = now or timezone.now()
    resets_at = next_utc_midnight(now)
    day_start = resets_at - timedelta(days=1)
    uploaded = Q(status_before_rescore="")
    # A failure of the organisers' scoring program is never held against the team (once
    # rescored, status_before_rescore says so: Submission.ORGANISERS_FAULT, never counted).
    # A Q: Q & Exists combines into a Q (the stubs' Q.__and__ takes only a Q, so mypy falls back
    # to Exists.__rand__ and its Combinable, which Count(filter=) does not accept).
    organisers_fault = cast(
        Q,
        uploaded
        & Q(status=Submission.Status.FAILED)
        & Exists(ProgramRun.objects.filter(submission=OuterRef("pk"), organiser_fault=True)),
    )
    statuses = counted_statuses(phase)
    counted = (
        (uploaded & Q(status__in=statuses)) | Q(status_before_rescore__in=statuses)
    ) & ~organisers_fault
    failed = (
        (uploaded & Q(status=Submission.Status.FAILED))
        | Q(status_before_rescore=Submission.Status.FAILED)
    ) & ~organisers_fault
    today = Q(created_at__gte=day_start)
    usage = Submission.objects.filter(team=team, phase=phase, is_baseline=False).aggregate(
        total=Count("id", filter=counted),
        today=Count("id", filter=counted & today),
        active=Count("id", filter=Q(pk__in=Submission.objects.holding_a_slot().values("pk"))),
        failed_today=Count("id", filter=failed & today),
    )
    return Quota(
        per_day=phase.max_per_day,
        used_today=usage["today"],
        total=phase.max_total,
        used_total=usage["total"],
        concurrent=phase.max_concurrent,
        active=usage["active"],
        resets_at=resets_at,
        failed_per_day=phase.max_failed_per_day,
        failed_today=usage["failed_today"],
    )
