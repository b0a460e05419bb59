"""Server-side SVG chart of a leaderboard: the primary score of each ranked row as a bar, with its
95% bootstrap confidence interval as a whisker (where the board has intervals).

Built from the same `Leaderboard` object as the table, so it can show nothing the table does not;
the table stays the accessible equivalent (the SVG has a <title> and a <desc>).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from podium.leaderboards.boards import Leaderboard

LABEL_W, PLOT_W, VALUE_W, ROW_H, TOP, BOTTOM = 190, 420, 70, 24, 8, 28
MAX_ROWS = 30
MAX_LABEL = 26


@dataclass(frozen=True)
class Bar:
    label: str
    text: str
    y: float
    x: float
    width: float
    interval: tuple[float, float] | None
    baseline: bool
    mine: bool
    team_id: int | None  # None for a baseline


@dataclass(frozen=True)
class Chart:
    width: int
    height: int
    label_w: int
    plot_w: int
    zero_x: float
    bars: list[Bar]
    ticks: list[tuple[float, str]]
    title: str
    desc: str
    intervals: bool
    slug: str  # the subtask's, for the element ids


def nice_ticks(lo: float, hi: float, most: int = 6) -> list[float]:
    """Round tick values (1, 2, 2.5 or 5 times a power of ten) covering [lo, hi]."""
    if hi <= lo:
        hi = lo + 1
    raw = (hi - lo) / (most - 1)
    power = 10 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= raw)
    first = math.floor(lo / step + 1e-9) * step
    ticks = []
    k = 0
    while first + k * step <= hi + step * 1e-9 or len(ticks) < 2:
        ticks.append(round(first + k * step, 12))
        k += 1
    if ticks[-1] < hi:
        ticks.append(round(ticks[-1] + step, 12))
    return ticks


def _tick_label(value: float, ticks: list[float]) -> str:
    """As many decimals as the step needs: 0.2 -> "0.4", 0.25 -> "0.50", 2 -> "4"."""
    step = ticks[1] - ticks[0]
    decimals = next(d for d in range(10) if abs(round(step, d) - step) <= 1e-9 * step)
    return f"{value:.{decimals}f}"


def _scale(values: list[float]) -> list[float]:
    lo, hi = min([0.0, *values]), max([0.0, *values])
    if lo >= 0 and hi <= 1:
        hi = 1.0  # most metrics live in [0, 1]: keep the axis comparable across subtasks
    return nice_ticks(lo, hi)


def leaderboard_chart(board: Leaderboard, *, mine: int | None = None) -> Chart | None:
    """None when no row has a primary value (the empty state says why)."""
    rows = [r for r in board.rows if r.primary is not None][:MAX_ROWS]
    if not rows:
        return None
    intervals = {
        r.submission_id: (iv["low"], iv["high"])
        for r in rows
        if (iv := r.intervals.get(board.primary_metric))
    }
    ticks = _scale([r.primary for r in rows] + [v for pair in intervals.values() for v in pair])
    lo, hi = ticks[0], ticks[-1]

    def x(value: float) -> float:
        return LABEL_W + (value - lo) / (hi - lo) * PLOT_W

    bars = []
    for i, row in enumerate(rows):
        start, end = sorted((x(0.0), x(row.primary)))
        interval = intervals.get(row.submission_id)
        label = row.team if len(row.team) <= MAX_LABEL else row.team[: MAX_LABEL - 1] + "…"
        bars.append(
            Bar(
                label=label,
                text=f"{row.primary:.4f}",
                y=TOP + i * ROW_H,
                x=start,
                width=max(end - start, 1.0),
                interval=(x(interval[0]), x(interval[1])) if interval else None,
                baseline=row.is_baseline,
                mine=mine is not None and row.team_id == mine,
                team_id=row.team_id,
            )
        )
    direction = "lower is better" if board.direction == "lower" else "higher is better"
    metric = board.primary_metric.replace("_", " ")
    count = f"{len(bars)} ranked row" + ("" if len(bars) == 1 else "s")
    desc = f"{count}; bar length is {metric} ({direction})."
    if intervals:
        desc += " Whiskers show each row's 95% bootstrap confidence interval."
    return Chart(
        width=LABEL_W + PLOT_W + VALUE_W,
        height=TOP + len(bars) * ROW_H + BOTTOM,
        label_w=LABEL_W,
        plot_w=PLOT_W,
        zero_x=x(0.0),
        bars=bars,
        ticks=[(x(t), _tick_label(t, ticks)) for t in ticks],
        title=f"{board.subtask_slug}: {metric} per team ({direction})",
        desc=desc,
        intervals=bool(intervals),
        slug=board.subtask_slug,
    )
