"""Who may see which leaderboard of a phase, and which stored partition a request maps to.

The rule the whole app rests on (DESIGN.md, invariant 4): before the organisers reveal a phase,
nobody but the task's organisers (and superusers) learns anything about its private partition.
Every reader of scores (pages, API, exports) goes through `leaderboard()`, which calls
`require_visible()` before it runs a single query on Score rows.
"""

from __future__ import annotations

from datetime import datetime

from django.utils import timezone

from podium.sharedtasks.models import Dataset, Phase, SharedTask
from podium.sharedtasks.selectors import format_when, is_organiser_of
from podium.submissions.models import Score

ALL = Score.Partition.ALL
PUBLIC = Score.Partition.PUBLIC
PRIVATE = Score.Partition.PRIVATE


class LeaderboardError(Exception):
    """Base class: the message is safe to show to whoever asked."""


class LeaderboardNotVisible(LeaderboardError):
    """The viewer may not see this leaderboard (yet). API: 403 (or 404 for a draft task)."""


class PartitionNotAvailable(LeaderboardError, ValueError):
    """The phase stores no scores under the requested partition. API: 400."""


def is_partitioned(phase: Phase) -> bool:
    """Whether the phase's scores are stored as public + private rather than `all`.

    Mirrors `podium.sharedtasks.specs.subtask_scorer_spec`: only test gold has a partition column,
    so test-split phases score public and private, every other phase scores `all`.
    """
    return phase.split == Dataset.Split.TEST


def stored_partition(phase: Phase, requested: str) -> str:
    """The partition whose scores answer a request for `requested` on `phase`.

    - A phase without partitions (dev, or any non-test split) answers every request, `private`
      included, with `all`: its data has nothing private, so there is nothing to hide.
    - A partitioned phase answers `public` and `private` as asked; `all` does not exist there
      (it would include the private rows) and raises `PartitionNotAvailable`.
    """
    if requested not in Score.Partition.values:
        raise PartitionNotAvailable(f"Unknown partition {requested!r}: use public or private.")
    if not is_partitioned(phase):
        return ALL
    if requested == ALL:
        raise PartitionNotAvailable("This phase ranks on a public and a private partition.")
    return requested


def selection_partition(phase: Phase) -> str:
    """The partition that picks each team's submission: never `private` (see selectors)."""
    return PUBLIC if is_partitioned(phase) else ALL


def private_revealed(phase: Phase, *, now: datetime | None = None) -> bool:
    """Revealed by an organiser (`revealed_at`), or by the clock for `private_at_end` phases.

    The clock rule holds even before the beat job `phases_reveal_due` records `revealed_at`, so
    the reveal happens at the phase end to the second, whatever the scheduler's delay.
    """
    if phase.revealed_at is not None:
        return True
    now = now or timezone.now()
    return phase.leaderboard_mode == Phase.LeaderboardMode.PRIVATE_AT_END and now >= phase.end


def _public_open(phase: Phase) -> bool:
    """The public board is open to non-organisers: a published task, and a `hidden` phase only
    once revealed."""
    if phase.task.visibility != SharedTask.Visibility.PUBLISHED:
        return False
    if phase.leaderboard_mode == Phase.LeaderboardMode.HIDDEN:
        return phase.revealed_at is not None
    return True


def public_visible(phase: Phase, *, viewer, now: datetime | None = None) -> bool:
    """Everyone, except: a draft task's boards and a `hidden` phase before its reveal are for
    organisers only. (`now` is accepted for symmetry; the public board has no clock rule.)"""
    return _public_open(phase) or is_organiser_of(viewer, phase.task)


def private_visible(phase: Phase, *, viewer, now: datetime | None = None) -> bool:
    """Organisers always; everyone else once revealed, and only where the public board is open
    to them too (so a draft task stays closed)."""
    if _public_open(phase) and private_revealed(phase, now=now):
        return True
    return is_organiser_of(viewer, phase.task)


def require_visible(phase: Phase, partition: str, *, viewer, now: datetime | None = None) -> None:
    """Raise `LeaderboardNotVisible` with a message saying when the board opens, or return.

    `partition` is the stored partition (`stored_partition()`), not the requested one.
    """
    if _public_open(phase) and (partition != PRIVATE or private_revealed(phase, now=now)):
        return
    # Only a closed board costs the organiser look-up.
    if is_organiser_of(viewer, phase.task):
        return
    if phase.task.visibility != SharedTask.Visibility.PUBLISHED:
        raise LeaderboardNotVisible("This task is not published.")
    if partition != PRIVATE or phase.leaderboard_mode == Phase.LeaderboardMode.HIDDEN:
        raise LeaderboardNotVisible("This leaderboard is hidden until the organisers reveal it.")
    if phase.leaderboard_mode == Phase.LeaderboardMode.PRIVATE_AT_END:
        raise LeaderboardNotVisible(
            f"The private leaderboard is revealed when the phase ends on {format_when(phase.end)}."
        )
    raise LeaderboardNotVisible(
        "The private leaderboard is not revealed yet: the organisers will publish it."
    )
