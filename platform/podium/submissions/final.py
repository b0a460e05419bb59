"""Marking the submission that counts, for phases whose selection rule is `chosen`."""

from __future__ import annotations

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from podium.sharedtasks.models import Phase
from podium.submissions.models import Submission
from podium.submissions.records import board_inputs_changed
from podium.submissions.uploads import SubmissionRefused
from podium.teams.models import Membership


@transaction.atomic
def submission_mark_final(*, submission: Submission, by, now: datetime | None = None) -> None:
    """Make `submission` its team's final one for its phase and subtask.

    Allowed for the team's members while the phase is open and its rule is `chosen`. The previous
    final submission is unmarked in the same transaction (the database holds one final per team,
    phase and subtask, so it is unmarked first). A failed submission cannot count.
    """
    submission = (
        Submission.objects.select_for_update().select_related("phase").get(pk=submission.pk)
    )
    phase = submission.phase
    member = Membership.objects.filter(team_id=submission.team_id, user=by).exists()
    if submission.team_id is None or not member:
        raise SubmissionRefused(
            "Only the team's members may choose its final submission.",
            code="not_member",
        )
    if phase.selection != Phase.Selection.CHOSEN:
        raise SubmissionRefused(
            f"In {phase.name!r} the {phase.get_selection_display().lower()} counts; "
            "there is nothing to choose.",
            code="not_chosen",
        )
    if not phase.is_open(now or timezone.now()):
        raise SubmissionRefused(
            f"The phase {phase.name!r} is closed: its final submissions are fixed.",
            code="phase_closed",
        )
    if submission.status == Submission.Status.FAILED:
        raise SubmissionRefused("A failed submission cannot be the final one.", code="not_scorable")
    Submission.objects.filter(
        team_id=submission.team_id, phase=phase, subtask_id=submission.subtask_id, is_final=True
    ).exclude(pk=submission.pk).update(is_final=False)
    if not submission.is_final:
        Submission.objects.filter(pk=submission.pk).update(is_final=True)
    # On a `chosen` phase the choice is what the board ranks.
    transaction.on_commit(
        lambda: board_inputs_changed.send(
            Submission, phase_id=submission.phase_id, subtask_id=submission.subtask_id
        )
    )
