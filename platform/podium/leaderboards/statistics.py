"""A live board plus the per-item records of its rows -> the same board with statistics.

The bootstrap itself is `scorers.stats.board` (no Django); this module only gathers what it
needs: each ranked row's record of the board's partition, the phase's settings, and how many
scored submissions each entrant has.
"""

from __future__ import annotations

from dataclasses import replace

from django.db.models import Count

from podium.programs.models import ProgramScoring
from podium.sharedtasks.models import Phase, Subtask
from podium.submissions.models import Submission
from podium.submissions.records import submission_record
from scorers.stats.board import BoardStats, Comparison, board_statistics
from scorers.stats.records import Record, RecordError, load_record

from .boards import Leaderboard, LeaderboardRow
from .models import BoardSettings

CONFIDENCE = 0.95
SEED = 0  # fixed: anyone can rerun a board's bootstrap and get the same intervals


def phase_board_settings(phase: Phase) -> BoardSettings:
    """The phase's settings row, or the defaults (unsaved) where it has none."""
    return BoardSettings.objects.filter(phase=phase).first() or BoardSettings(phase=phase)


def _record(submission_id: int, partition: str) -> Record | None:
    data = submission_record(submission_id=submission_id, partition=partition)
    if data is None:
        return None
    try:
        return load_record(data)
    except RecordError:
        return None


def _entrant(is_baseline: bool, team_id: int | None, method: str) -> tuple:
    return (True, None, method) if is_baseline else (False, team_id, "")


def submission_counts(phase: Phase, subtask: Subtask) -> dict[tuple, int]:
    """Scored submissions per entrant (team, or baseline method) on this board, in one query."""
    rows = (
        Submission.objects.scored()
        .filter(phase=phase, subtask=subtask)
        .values("is_baseline", "team_id", "method_name")
        .annotate(n=Count("id"))
    )
    counts: dict[tuple, int] = {}
    for r in rows:
        key = _entrant(r["is_baseline"], r["team_id"], r["method_name"])
        counts[key] = counts.get(key, 0) + r["n"]
    return counts


def _comparison(c: Comparison | None) -> dict | None:
    if c is None:
        return None
    return {"delta": c.delta, "low": c.low, "high": c.high, "p_value": c.p_value}


def board_with_statistics(board: Leaderboard, *, phase: Phase, subtask: Subtask) -> Leaderboard:
    """`board` (live, in rank order) with intervals, clusters, rank ranges and comparisons."""
    settings = phase_board_settings(phase)
    counts = submission_counts(phase, subtask)
    ranked = [i for i, row in enumerate(board.rows) if row.rank is not None]
    records = [_record(board.rows[i].submission_id, board.partition) for i in ranked]
    baselines = [j for j, i in enumerate(ranked) if board.rows[i].is_baseline and records[j]]
    result: BoardStats = board_statistics(
        records,
        keys=list(board.columns),
        primary=board.primary_metric,
        higher_is_better=board.direction != Subtask.Direction.LOWER,
        baseline=baselines[0] if baselines else None,
        samples=settings.resamples,
        seed=SEED,
        confidence=CONFIDENCE,
        alpha=settings.significance_level,
    )
    by_row = dict(zip(ranked, result.rows, strict=True))
    rows: list[LeaderboardRow] = []
    for i, row in enumerate(board.rows):
        stats = by_row.get(i)
        entrant = _entrant(row.is_baseline, row.team_id, row.method_name)
        extra: dict = {"submissions": counts.get(entrant)}
        if stats is not None:
            extra.update(
                intervals={k: {"low": lo, "high": hi} for k, (lo, hi) in stats.intervals.items()},
                cluster=stats.cluster,
                rank_range=list(stats.rank_range) if stats.rank_range else None,
                vs_baseline=_comparison(stats.vs_baseline),
                vs_leader=_comparison(stats.vs_leader),
            )
        rows.append(replace(row, **extra))
    meta = {
        "samples": result.samples,
        "seed": result.seed,
        "confidence": result.confidence,
        "alpha": result.alpha,
        "ranked_rows": len(ranked),
        "rows_with_intervals": sum(1 for r in result.rows if board.primary_metric in r.intervals),
        "clusters": max((r.cluster or 0 for r in result.rows), default=0),
        "baseline": board.rows[ranked[baselines[0]]].team if baselines else None,
        # Columns no row has an interval for, so that the page and the API can say so; and
        # whether an organiser's program scores the board (its per_item.csv is what gives
        # intervals there).
        "without_intervals": [
            key for key in board.columns if not any(key in r.intervals for r in result.rows)
        ],
        "scored_by_program": ProgramScoring.objects.filter(subtask=subtask).exists(),
    }
    return replace(board, rows=rows, stats=meta)
