"""Ordering and ranking of leaderboard entries: pure functions, no database."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime
from typing import TypeVar

T = TypeVar("T")


def sort_key(
    value: float | None, submitted_at: datetime, submission_id: int, *, higher_is_better: bool
) -> tuple:
    """Best first; undefined (None) after every real value; ties: earlier submission first.

    The tie order is only for display (tied rows share a rank); submission time, then id, makes
    it stable from one read to the next and rewards whoever reached the score first.
    """
    if value is None:
        return (1, 0.0, submitted_at, submission_id)
    return (0, -value if higher_is_better else value, submitted_at, submission_id)


def competition_ranks(values: Sequence[float | None]) -> list[int | None]:
    """Standard competition ranking ("1224") of values already sorted best first.

    Equal values share a rank and the next distinct value skips as many places as were shared:
    1, 2, 2, 4. Equality is exact: the stored values are what the scorer computed, and rounding
    here would invent ties the scorer did not find. An undefined value (None) gets no rank.
    """
    ranks: list[int | None] = []
    previous: float | None = None
    for position, value in enumerate(values, start=1):
        if value is None:
            ranks.append(None)
        elif ranks and ranks[-1] is not None and value == previous:
            ranks.append(ranks[-1])
        else:
            ranks.append(position)
        previous = value
    return ranks


def ranked(
    entries: Sequence[T], value: Callable[[T], float | None], key: Callable[[T], tuple]
) -> list[tuple[int | None, T]]:
    """`entries` sorted by `key` and paired with their competition rank by `value`."""
    ordered = sorted(entries, key=key)
    return list(zip(competition_ranks([value(e) for e in ordered]), ordered, strict=True))
