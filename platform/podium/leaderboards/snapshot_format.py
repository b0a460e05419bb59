"""A board as stored in a `BoardSnapshot` (`board`, `head`) and its `BoardSnapshotPart`s, and
back.

The snapshot holds what does not depend on who looks or when: rows, scores, statistics, and
the parts the surfaces render from the rows when the board is built (the API's row JSON, the
page's table and chart), so that a read is a visibility check, one query and no per-row work.
What depends on the moment (the note, which says when the private board is revealed; whether
the snapshot is stale) is written at read time, and so is what depends on the viewer (the page
marks the viewer's own team in the rendered rows, see `podium.web.board_parts`).

`FORMAT` is the version of `board` and `head`; each part has its own version in its key
(`BoardSnapshotPart.key`, `<name>:<version>`). A snapshot of another format is not read (the
board is computed live until the sweep has rebuilt it), and a part of another version is
rendered at read time from `board` until then: an old snapshot is rebuilt, never misread.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import asdict, dataclass, replace
from datetime import datetime
from typing import Any

from podium.sharedtasks.models import Phase, Subtask

from .boards import BoardHead, Leaderboard, LeaderboardRow
from .notes import board_note

# 2: the `head` column next to `board`, and the parts.
FORMAT = 2


@dataclass(frozen=True)
class SnapshotPart:
    """Text rendered from a board's rows when its snapshot is built.

    `render` gets the board as built: it may use its rows, columns, statistics and slugs, never
    the read-time fields (`note`, `stale`, `generated_at`, `requested_partition`), which are
    blanked for it. `version` names what the text depends on (its template, its code), so a
    change of it makes the stored text of older snapshots unused.
    """

    name: str
    version: str
    render: Callable[[Leaderboard], str]

    @property
    def key(self) -> str:
        return f"{self.name}:{self.version}"


_PARTS: dict[str, SnapshotPart] = {}


def register_part(name: str, *, version: str, render: Callable[[Leaderboard], str]) -> None:
    """For the surfaces above this app (AppConfig.ready): the snapshots carry this part from
    their next build on. Registering a name again replaces it (a reloaded module)."""
    if not name.isidentifier():
        raise ValueError(f"A snapshot part's name is an identifier, not {name!r}.")
    _PARTS[name] = SnapshotPart(name=name, version=version, render=render)


def snapshot_part(name: str) -> SnapshotPart:
    try:
        return _PARTS[name]
    except KeyError:
        raise LookupError(f"No snapshot part {name!r} is registered.") from None


def part_keys() -> list[str]:
    """The keys of the parts every current snapshot has."""
    return sorted(part.key for part in _PARTS.values())


def _for_parts(board: Leaderboard) -> Leaderboard:
    return replace(board, note="", stale=False, requested_partition=board.partition)


def render_part(part: SnapshotPart, board: Leaderboard) -> str:
    return part.render(_for_parts(board))


def _pairs(group_values: dict[str, list[str]]) -> list[list]:
    # [[field, values], ...]: PostgreSQL's jsonb keeps no key order, and the group fields are
    # listed in the subtask's order (the CSV's columns, the page's breakdown).
    return [[field, values] for field, values in group_values.items()]


def board_to_snapshot(board: Leaderboard) -> dict[str, Any]:
    """The values of the snapshot row's `board` and `head` columns: the same description of
    the board in both, the rows in `board` only."""
    meta = {
        "format": FORMAT,
        "partition": board.partition,
        "selection": board.selection,
        "primary_metric": board.primary_metric,
        "direction": board.direction,
        "columns": list(board.columns),
        "group_values": _pairs(board.group_values),
        "stats": board.stats,
    }
    rows = [{**asdict(row), "submitted_at": row.submitted_at.isoformat()} for row in board.rows]
    return {
        "board": {**meta, "rows": rows},
        "head": {
            **meta,
            "row_count": len(board.rows),
            "has_baselines": any(r.is_baseline for r in board.rows),
        },
    }


def board_parts(board: Leaderboard) -> dict[str, str]:
    """{part key: text} of every registered part."""
    return {part.key: render_part(part, board) for part in _PARTS.values()}


def is_current(data: Mapping[str, Any] | None) -> bool:
    """Whether a stored `board` or `head` is of this format (else it is not read)."""
    return data is not None and data.get("format") == FORMAT


def _stale(built_at: datetime | None, changed_at: datetime | None) -> bool:
    return changed_at is not None and built_at is not None and changed_at > built_at


def _described(
    data: Mapping[str, Any],
    snapshot: Mapping[str, Any],
    *,
    phase: Phase,
    subtask: Subtask,
    partition: str,
    now: datetime,
    has_baselines: bool,
) -> dict[str, Any]:
    """The fields a Leaderboard and a BoardHead read alike from a stored board or head."""
    return {
        "task_slug": phase.task.slug,
        "phase_slug": phase.slug,
        "subtask_slug": subtask.slug,
        "partition": data["partition"],
        "requested_partition": partition,
        "selection": data["selection"],
        "primary_metric": data["primary_metric"],
        "direction": data["direction"],
        "columns": data["columns"],
        "group_values": dict(data["group_values"]),
        "note": board_note(phase, data["partition"], now=now, has_baselines=has_baselines),
        "generated_at": snapshot["built_at"],
        "stats": data["stats"],
        "stale": _stale(snapshot["built_at"], snapshot["changed_at"]),
    }


def board_from_snapshot(
    snapshot: Mapping[str, Any], *, phase: Phase, subtask: Subtask, partition: str, now: datetime
) -> Leaderboard:
    """`snapshot`: the values of a BoardSnapshot row (board, built_at, changed_at), the board
    of this FORMAT (`is_current`)."""
    data = snapshot["board"]
    rows = [
        LeaderboardRow(**{**row, "submitted_at": datetime.fromisoformat(row["submitted_at"])})
        for row in data["rows"]
    ]
    described = _described(
        data,
        snapshot,
        phase=phase,
        subtask=subtask,
        partition=partition,
        now=now,
        has_baselines=any(r.is_baseline for r in rows),
    )
    return Leaderboard(rows=rows, **described)


def head_from_snapshot(
    snapshot: Mapping[str, Any], *, phase: Phase, subtask: Subtask, partition: str, now: datetime
) -> BoardHead:
    """`snapshot`: the values of a BoardSnapshot row (head, built_at, changed_at), the head of
    this FORMAT (`is_current`)."""
    head = snapshot["head"]
    described = _described(
        head,
        snapshot,
        phase=phase,
        subtask=subtask,
        partition=partition,
        now=now,
        has_baselines=head["has_baselines"],
    )
    return BoardHead(row_count=head["row_count"], has_baselines=head["has_baselines"], **described)
