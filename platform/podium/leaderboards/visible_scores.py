"""A submission's scores as a viewer may see them, grouped like the scorer's output.

The leaderboard visibility rules decide (DESIGN.md, invariant 4): the private partition only once
revealed, or for organisers; the public one (or `all`, for phases without partitions) unless the
phase's leaderboard is hidden from participants until the reveal.
"""

from __future__ import annotations

from podium.leaderboards.visibility import ALL, PRIVATE, PUBLIC, private_visible, public_visible
from podium.sharedtasks.models import Phase
from podium.submissions.models import Submission

Grouped = dict[str, dict]


def visible_partitions(phase: Phase, *, viewer) -> set[str]:
    shown: set[str] = set()
    if public_visible(phase, viewer=viewer):
        shown |= {ALL, PUBLIC}
    if private_visible(phase, viewer=viewer):
        shown.add(PRIVATE)
    return shown


def grouped_scores(submission: Submission, partitions: set[str]) -> Grouped:
    """`{partition: {"overall": {metric: value}, "groups": {field: {group: {metric: value}}}}}`.

    Uses `submission.scores.all()`, so a prefetched list costs no query.
    """
    grouped: Grouped = {}
    for score in submission.scores.all():
        if score.partition not in partitions:
            continue
        part = grouped.setdefault(score.partition, {"overall": {}, "groups": {}})
        if score.group_field:
            groups = part["groups"].setdefault(score.group_field, {})
            groups.setdefault(score.group_value, {})[score.metric] = score.value
        else:
            part["overall"][score.metric] = score.value
    return grouped


def scores_note(phase: Phase, partitions: set[str]) -> str:
    """Says what is held back, so that a missing partition is not mistaken for a failure."""
    if PUBLIC not in partitions:
        return "Scores are hidden until the organisers reveal this phase's leaderboard."
    if phase.split == "test" and PRIVATE not in partitions:
        return "Private-partition scores are shown once the private leaderboard is revealed."
    return ""


class ScoreView:
    """Per-request cache of the visibility of each phase (a list shows many submissions)."""

    def __init__(self, viewer):
        self.viewer = viewer
        self._partitions: dict[int, set[str]] = {}

    def partitions(self, phase: Phase) -> set[str]:
        if phase.pk not in self._partitions:
            self._partitions[phase.pk] = visible_partitions(phase, viewer=self.viewer)
        return self._partitions[phase.pk]

    def scores(self, submission: Submission) -> Grouped:
        return grouped_scores(submission, self.partitions(submission.phase))

    def note(self, submission: Submission) -> str:
        return scores_note(submission.phase, self.partitions(submission.phase))
