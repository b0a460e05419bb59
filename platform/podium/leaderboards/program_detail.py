"""Who may read a program's detailed results (detailed_results.html), sanitised.

Organisers of the task always; the submitting team only where the program allows it
(`detailed_results_to_team`) and only for partitions whose scores it may see (a private
partition's details stay hidden until the reveal, like its scores).
"""

from __future__ import annotations

import nh3

from podium.leaderboards.visible_scores import visible_partitions
from podium.programs.models import ProgramScoring
from podium.sharedtasks.selectors import is_organiser_of
from podium.submissions.models import Submission


def detailed_results(submission: Submission, *, viewer) -> list[tuple[str, str]]:
    """[(partition, sanitised HTML)] the viewer may read; empty when none."""
    runs = [r for r in submission.program_runs.all() if r.detailed_html]
    if not runs:
        return []
    if not is_organiser_of(viewer, submission.phase.task):
        scoring = ProgramScoring.objects.filter(subtask_id=submission.subtask_id).first()
        if scoring is None or not scoring.program.detailed_results_to_team:
            return []
        shown = visible_partitions(submission.phase, viewer=viewer)
        runs = [r for r in runs if r.partition in shown]
    # The program wrote this HTML: nh3 keeps a safe subset (no scripts, styles or handlers).
    return [(run.partition, nh3.clean(run.detailed_html)) for run in runs]
