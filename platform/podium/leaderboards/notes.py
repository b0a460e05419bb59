"""The sentence above a leaderboard that says what is shown and why."""

from __future__ import annotations

from datetime import datetime

from podium.sharedtasks.models import Phase
from podium.sharedtasks.selectors import format_when

from .visibility import ALL, PRIVATE, private_revealed

# Keyed by str: `phase.selection` is the field's plain value.
_RULES: dict[str, str] = {
    Phase.Selection.BEST: "its best {by} submission",
    Phase.Selection.LAST: "its last scored submission",
    Phase.Selection.CHOSEN: "the submission it marked as final (else its last scored one)",
}


def _rule(phase: Phase, partition: str, has_baselines: bool) -> str:
    by = "public-partition" if partition == PRIVATE else "scoring"
    text = _RULES.get(phase.selection, _RULES[Phase.Selection.BEST]).format(by=by)
    if not has_baselines:
        return f"Each team is represented by {text}."
    return f"Each team is represented by {text}; baselines are marked rows ranked among the teams."


def _private_status(phase: Phase, now: datetime) -> str:
    if phase.revealed_at is not None:
        return f"The private ranking was revealed on {format_when(phase.revealed_at)}."
    if private_revealed(phase, now=now):
        return f"The private ranking was revealed when the phase ended on {format_when(phase.end)}."
    if phase.leaderboard_mode == Phase.LeaderboardMode.PRIVATE_AT_END:
        return f"The private ranking is revealed when the phase ends on {format_when(phase.end)}."
    return "The private ranking is revealed when the organisers publish it."


def board_note(phase: Phase, partition: str, *, now: datetime, has_baselines: bool = True) -> str:
    """What the board shows, which partition and why; never a private value or count.

    The note is the same for every viewer allowed to see the board, except that an organiser
    looking at a board participants cannot see yet is told so.
    """
    if partition == ALL:
        parts = [f"Scores on the whole {phase.get_split_display().lower()} set (no private part)."]
    elif partition == PRIVATE:
        parts = ["Private partition of the test set."]
        if not private_revealed(phase, now=now):
            parts.append("Visible to organisers only until it is revealed.")
        parts += [
            _private_status(phase, now),
            "Which submission represents a team was decided on the public partition only.",
        ]
    else:
        parts = ["Public partition of the test set.", _private_status(phase, now)]
    if phase.leaderboard_mode == Phase.LeaderboardMode.HIDDEN and phase.revealed_at is None:
        parts.append("Hidden from participants until the organisers reveal it.")
    parts.append(_rule(phase, partition, has_baselines))
    return " ".join(parts)
