"""Server-side SVG chart of a leaderboard: the primary score of each ranked row as a bar, with the
spread of that score across the first group field (min to max) as a whisker.

Built from the same `Leaderboard` object as the table, so it can show nothing the table does not;
the table stays the accessible equivalent (the SVG has a <title> and a <desc>).
"""

from __future__ import annotations

from dataclasses import dataclass

from podium.leaderboards.selectors import Leaderboard

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
    spread: tuple[float, float] | None
    baseline: bool
    mine: bool


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
    spread_field: str


def _scale(values: list[float]) -> tuple[float, float]:
    lo, hi = min([0.0, *values]), max([0.0, *values])
    if lo >= 0 and hi <= 1:
        return 0.0, 1.0  # most metrics live in [0, 1]: keep the axis comparable across subtasks
    return lo, hi if hi > lo else lo + 1


def leaderboard_chart(board: Leaderboard, *, mine: int | None = None) -> Chart | None:
    """None when no row has a primary value (the empty state says why)."""
    rows = [r for r in board.rows if r.primary is not None][:MAX_ROWS]
    if not rows:
        return None
    spread_field = next(iter(board.group_values), "")
    spreads: dict[int, tuple[float, float]] = {}
    for row in rows:
        values = [
            v.get(board.primary_metric)
            for v in row.groups.get(spread_field, {}).values()
            if v.get(board.primary_metric) is not None
        ]
        if len(values) > 1:
            spreads[row.submission_id] = (min(values), max(values))
    lo, hi = _scale([r.primary for r in rows] + [v for pair in spreads.values() for v in pair])

    def x(value: float) -> float:
        return LABEL_W + (value - lo) / (hi - lo) * PLOT_W

    bars = []
    for i, row in enumerate(rows):
        start, end = sorted((x(0.0), x(row.primary)))
        spread = spreads.get(row.submission_id)
        label = row.team if len(row.team) <= MAX_LABEL else row.team[: MAX_LABEL - 1] + "…"
        bars.append(
            Bar(
                label=label,
                text=f"{row.primary:.4f}",
                y=TOP + i * ROW_H,
                x=start,
                width=max(end - start, 1.0),
                spread=(x(spread[0]), x(spread[1])) if spread else None,
                baseline=row.is_baseline,
                mine=mine is not None and row.team_id == mine,
            )
        )
    ticks = [(x(lo + (hi - lo) * k / 4), f"{lo + (hi - lo) * k / 4:.2f}") for k in range(5)]
    direction = "lower is better" if board.direction == "lower" else "higher is better"
    metric = board.primary_metric.replace("_", " ")
    desc = f"{len(bars)} ranked rows; bar length is {metric} ({direction})."
    if spreads:
        desc += f" Whiskers span the lowest to highest {metric} across {spread_field} groups."
    return Chart(
        width=LABEL_W + PLOT_W + VALUE_W,
        height=TOP + len(bars) * ROW_H + BOTTOM,
        label_w=LABEL_W,
        plot_w=PLOT_W,
        zero_x=x(0.0),
        bars=bars,
        ticks=ticks,
        title=f"{board.subtask_slug}: {metric} per team ({direction})",
        desc=desc,
        spread_field=spread_field if spreads else "",
    )
