"""Accepting an upload: who may submit, limits under a row lock, storing the file, enqueuing."""

import hashlib
import logging
import uuid
import zipfile
from typing import cast

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone

from podium.programs.models import ProgramScoring
from podium.programs.unpack import RESULTS_LIMITS, UnpackError, check_zip
from podium.sharedtasks.models import Phase, Subtask
from podium.submissions import enqueue
from podium.submissions.models import Submission, TeamPhaseQuota
from podium.submissions.quotas import team_quota
from podium.teams.models import Team

logger = logging.getLogger(__name__)

MAX_METHOD_NAME = 100
MAX_DESCRIPTION = 2000


class SubmissionRefused(Exception):
    """An upload (or a choice of final submission) that cannot be accepted.

    The message is for the participant; the code says why, for programs. Which HTTP status a
    code answers is the API's business (`podium.api.errors`), not the service's.
    """

    def __init__(self, message: str, *, code: str = "refused"):
        super().__init__(message)
        self.message = message
        self.code = code


def submitting_team(*, user, phase: Phase) -> Team:
    """The user's team (one per person), if its registration for the phase's task is approved.

    A person's submissions to a phase belong to one team. Someone who submitted to `phase` with a
    team and then left it cannot submit to that phase again with another team: otherwise leaving
    and creating a team would give them a fresh quota and a second leaderboard row. Team changes
    themselves stay free (a person may move on, and may submit with the new team to the phases
    they have not submitted to yet); the task page states the rule.
    """
    team = Team.objects.approved_for(phase.task_id).filter(memberships__user=user).first()
    if team is None:
        raise SubmissionRefused(
            "You are not in a team with an approved registration for this task.",
            code="not_registered",
        )
    earlier = (
        Submission.objects.filter(user=user, phase=phase, is_baseline=False)
        .exclude(team=team)
        .select_related("team")
        .first()
    )
    if earlier is not None:
        # Not a baseline, so it has a team (the submission_team_unless_baseline constraint).
        earlier_team = cast(Team, earlier.team)
        raise SubmissionRefused(
            f"You already submitted to {phase.name} with the team {earlier_team.name}; a "
            "person's submissions to a phase count for one team only, so you cannot submit to "
            f"this phase with {team.name}.",
            code="submitted_with_other_team",
        )
    return team


def _check_results_zip(subtask: Subtask, upload: UploadedFile) -> None:
    """A program-scored subtask's results zip, under the rules scoring unpacks it with
    (docs/scoring-programs.md), so that a zip bomb, a path traversal, a symlink or too many
    files is refused now, before it is stored or counted, rather than failing at scoring.
    Streamed from the upload (memory or Django's temporary file): nothing is inflated whole.
    Scoring checks again (the stored file is what it unpacks)."""
    if not ProgramScoring.objects.filter(subtask=subtask).exists():
        return
    handle = upload.file
    if handle is None:
        return
    try:
        if not zipfile.is_zipfile(handle):
            return  # a single results file: placed in res/ as it is
        try:
            files = check_zip(handle, limits=RESULTS_LIMITS)
        except UnpackError as exc:
            raise SubmissionRefused(f"The results zip was refused: {exc}.", code="bad_zip") from exc
        if not files:
            raise SubmissionRefused("The results zip holds no files.", code="bad_zip")
    finally:
        upload.seek(0)


def _check_file(phase: Phase, upload: UploadedFile) -> str:
    """Refuse empty or oversized files before anything is stored; return the sha256."""
    limit = phase.max_file_mb * 1024 * 1024
    if upload.size is not None and upload.size > limit:
        raise SubmissionRefused(
            f"The file is {upload.size / 1048576:.1f} MB; this phase accepts at most "
            f"{phase.max_file_mb} MB.",
            code="too_large",
        )
    if not upload.size:
        raise SubmissionRefused("The file is empty.", code="empty_file")
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def submission_create(
    *,
    user,
    phase: Phase,
    subtask: Subtask,
    upload: UploadedFile,
    method_name: str = "",
    description: str = "",
    now=None,
) -> Submission:
    """Accept a prediction file for (phase, subtask), or raise SubmissionRefused.

    The file is stored first; then, in one transaction that locks the team's quota row, the limits
    are counted and the Submission row inserted, so concurrent uploads cannot overshoot a limit.
    If the limits refuse it, the stored file is deleted again. The scoring job is enqueued only once
    the row is committed.
    """
    now = now or timezone.now()
    if subtask.task_id != phase.task_id:
        raise SubmissionRefused(
            "This subtask does not belong to this phase's task.", code="bad_subtask"
        )
    if not phase.is_open(now):
        when = "has not started yet" if now < phase.start else "has ended"
        raise SubmissionRefused(f"The phase {phase.name!r} {when}.", code="phase_closed")
    if len(method_name) > MAX_METHOD_NAME or len(description) > MAX_DESCRIPTION:
        raise SubmissionRefused(
            f"The method name may have {MAX_METHOD_NAME} characters and the description "
            f"{MAX_DESCRIPTION}.",
            code="too_long",
        )
    team = submitting_team(user=user, phase=phase)
    submission = _stored(
        phase=phase, subtask=subtask, upload=upload, user=user, team=team,
        method_name=method_name, description=description,
    )  # fmt: skip

    def within_limits():
        TeamPhaseQuota.objects.get_or_create(team=team, phase=phase)
        TeamPhaseQuota.objects.select_for_update().get(team=team, phase=phase)
        refusal = team_quota(team=team, phase=phase, now=now).refusal()
        if refusal:
            raise SubmissionRefused(refusal, code="limit_reached")

    return _save_and_enqueue(submission, check=within_limits)


def _save_and_enqueue(submission: Submission, *, check=None) -> Submission:
    """Insert the row (after `check`, in the same transaction) and enqueue it once committed.

    If the insert fails or is refused, the stored file is deleted. Enqueueing is registered only
    after that, and robustly: a failure to enqueue must never reach the clean-up of a row that is
    already committed (the sweeper sends what the broker did not get).
    """
    try:
        with transaction.atomic():
            if check is not None:
                check()
            submission.save()
    except BaseException:
        # _stored() saved the file, so it has a name.
        submission.file.storage.delete(cast(str, submission.file.name))
        raise
    transaction.on_commit(
        lambda: enqueue.submission_enqueue(submission_id=submission.pk), robust=True
    )
    return submission


def _stored(*, phase, subtask, upload, user, team, method_name, description) -> Submission:
    """An unsaved Submission whose file is already checked, hashed and stored."""
    sha256 = _check_file(phase, upload)
    _check_results_zip(subtask, upload)
    submission = Submission(
        team=team,
        user=user,
        phase=phase,
        subtask=subtask,
        sha256=sha256,
        size=upload.size,
        original_name=(upload.name or "")[:255],
        method_name=method_name.strip(),
        description=description.strip(),
        is_baseline=team is None,
    )
    submission.file.save(f"{uuid.uuid4().hex}-{upload.name or 'upload'}", upload, save=False)
    return submission


def submission_store_baseline(
    *,
    user,
    phase: Phase,
    subtask: Subtask,
    upload: UploadedFile,
    method_name: str,
    description: str,
) -> Submission:
    """A baseline's predictions: no team and no limits, scored through the same pipeline.

    Only the baseline service calls this, for runs an organiser started.
    """
    submission = _stored(
        phase=phase, subtask=subtask, upload=upload, user=user, team=None,
        method_name=method_name, description=description,
    )  # fmt: skip
    return _save_and_enqueue(submission)
