"""What a leaderboard is, as every reader (page, API, exports) receives it."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

Groups = dict[str, dict[str, dict[str, float | None]]]


@dataclass(frozen=True)
class LeaderboardRow:
    """One team's (or one baseline method's) representative submission.

    `rank` is None when the primary value is undefined (null or missing): such rows come after
    every ranked row, so a missing score never ranks above a real one.
    """

    rank: int | None
    team_id: int | None
    team: str  # the team's name, or "Baseline: <method>"
    is_baseline: bool
    submission_id: int
    method_name: str
    submitted_at: datetime
    primary: float | None
    metrics: dict[str, float | None]  # secondary metrics, in `Leaderboard.columns[1:]` order
    groups: Groups = field(default_factory=dict)  # {field: {group: {metric: value}}}
    # From the board snapshot (empty on a board read live, before its first build):
    submissions: int | None = None  # scored submissions of the entrant on this board
    intervals: dict[str, dict[str, float]] = field(default_factory=dict)  # {metric: {low, high}}
    cluster: int | None = None  # 1 = top significance cluster
    rank_range: list[int] | None = None  # [best, worst]
    vs_baseline: dict | None = None  # {delta, low, high, p_value} on the primary metric
    vs_leader: dict | None = None


@dataclass(frozen=True)
class Leaderboard:
    """A ranking as the viewer may see it; exports are built from this object only."""

    task_slug: str
    phase_slug: str
    subtask_slug: str
    partition: str  # the stored partition shown: all, public or private
    requested_partition: str
    selection: str  # the phase rule: best, last or chosen
    primary_metric: str
    direction: str
    columns: list[str]  # metric names, primary first
    group_values: dict[str, list[str]]  # {field: [group values, sorted]} present in the rows
    rows: list[LeaderboardRow]
    note: str
    generated_at: datetime  # when the shown scores were read (the snapshot's build time)
    # The bootstrap's settings and coverage ({samples, confidence, alpha, with_records, ...}),
    # None while the board has no snapshot yet (read live, without statistics).
    stats: dict | None = None
    stale: bool = False  # a change is waiting for the next rebuild


@dataclass(frozen=True)
class BoardHead:
    """A board without its rows, for the readers that show rows rendered when the snapshot was
    built (`selectors.leaderboard_rendered`): the same fields as `Leaderboard` but `rows`, and
    how many rows there are and whether a baseline is among them."""

    task_slug: str
    phase_slug: str
    subtask_slug: str
    partition: str
    requested_partition: str
    selection: str
    primary_metric: str
    direction: str
    columns: list[str]
    group_values: dict[str, list[str]]
    note: str
    generated_at: datetime
    stats: dict | None
    stale: bool
    row_count: int
    has_baselines: bool


def board_head(board: Leaderboard) -> BoardHead:
    return BoardHead(
        task_slug=board.task_slug,
        phase_slug=board.phase_slug,
        subtask_slug=board.subtask_slug,
        partition=board.partition,
        requested_partition=board.requested_partition,
        selection=board.selection,
        primary_metric=board.primary_metric,
        direction=board.direction,
        columns=board.columns,
        group_values=board.group_values,
        note=board.note,
        generated_at=board.generated_at,
        stats=board.stats,
        stale=board.stale,
        row_count=len(board.rows),
        has_baselines=any(r.is_baseline for r in board.rows),
    )


@dataclass(frozen=True)
class RenderedBoard:
    """A board's head and one of its snapshot parts: text a surface rendered from the rows
    (see `snapshot_format.register_part`), the same for every viewer who may see the board."""

    head: BoardHead
    part: str
