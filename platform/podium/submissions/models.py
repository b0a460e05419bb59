"""Submissions, their scores, and the per-team quota row that upload transactions lock."""

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q


def submission_upload_to(submission: "Submission", filename: str) -> str:
    # The stored name never reuses the participant's file name as a path: only its suffix.
    suffix = (
        "".join(c for c in filename.rsplit(".", 1)[-1][:8] if c.isalnum())
        if "." in filename
        else "bin"
    )
    return f"submissions/{submission.phase_id}/{submission.subtask_id}/{submission.sha256}.{suffix}"


class SubmissionQuerySet(models.QuerySet):
    def scored(self):
        """Scored: the only submissions whose Score rows rank or may be chosen to count.

        A failed submission may still hold stray Score rows (from an earlier run before a
        rescore): readers of scores go through this, never through Score alone.
        """
        return self.filter(status=Submission.Status.SCORED)

    def active(self):
        """Queued or running: what pages poll for (the limit counts `holding_a_slot`)."""
        return self.filter(status__in=Submission.ACTIVE_STATUSES)

    def finished(self):
        """Scored or failed: what organisers may send to be scored again."""
        return self.filter(status__in=[Submission.Status.SCORED, Submission.Status.FAILED])

    def ranked(self):
        """What a leaderboard may show: scored submissions, and those queued or running again
        while they still hold the Score rows of their previous run (a rescore keeps them until
        the new run replaces them, so a team never drops off the board meanwhile)."""
        rescoring = Q(status__in=Submission.ACTIVE_STATUSES) & Exists(
            Score.objects.filter(submission=OuterRef("pk"))
        )
        return self.filter(Q(status=Submission.Status.SCORED) | rescoring)

    def running(self):
        return self.filter(status=Submission.Status.RUNNING)

    def queued(self):
        return self.filter(status=Submission.Status.QUEUED)

    def holding_a_slot(self):
        """Queued or running, and uploaded rather than queued again by a rescore: what the
        concurrent limit counts (a rescore never takes a team's slot)."""
        return self.active().filter(status_before_rescore="")


class Submission(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        SCORED = "scored", "Scored"
        FAILED = "failed", "Failed"

    ACTIVE_STATUSES = (Status.QUEUED, Status.RUNNING)

    team = models.ForeignKey(
        "teams.Team", null=True, blank=True, on_delete=models.CASCADE, related_name="submissions"
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="submissions"
    )
    phase = models.ForeignKey(
        "sharedtasks.Phase", on_delete=models.CASCADE, related_name="submissions"
    )
    subtask = models.ForeignKey(
        "sharedtasks.Subtask", on_delete=models.CASCADE, related_name="submissions"
    )
    file = models.FileField(upload_to=submission_upload_to, max_length=300)
    original_name = models.CharField(max_length=255, blank=True)
    sha256 = models.CharField(max_length=64)
    size = models.PositiveBigIntegerField(default=0)
    status = models.CharField(max_length=16, choices=Status.choices, default=Status.QUEUED)
    method_name = models.CharField(max_length=100, blank=True)
    description = models.TextField(blank=True, max_length=2000)
    is_baseline = models.BooleanField(default=False)
    is_final = models.BooleanField(
        default=False, help_text="Marked by the team as the one that counts."
    )
    error = models.TextField(
        blank=True, help_text="Shown to the team: never gold, never private ids."
    )
    log = models.TextField(blank=True, help_text="For organisers only.")
    attempts = models.PositiveSmallIntegerField(default=0)
    # status_before_rescore of a submission that failed through the organisers' scoring program:
    # that outcome was never the team's, so limits never count it, before or after a rescore.
    ORGANISERS_FAULT = "organisers_fault"
    status_before_rescore = models.CharField(
        max_length=16,
        choices=[*Status.choices, (ORGANISERS_FAULT, "Failed by the organisers' program")],
        blank=True,
        help_text="The outcome the team got before organisers first queued it again: limits "
        "count a rescored submission as this, never as queued, running or its new outcome.",
    )
    attempts_at_rescore = models.PositiveIntegerField(
        default=0,
        help_text="`attempts` when organisers last queued it again: the runs that may die before "
        "it is given up are counted from here, so rescores never use them up.",
    )
    enqueued_at = models.DateTimeField(
        null=True, blank=True, help_text="When the scoring job was last handed to the broker."
    )
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(
        null=True, blank=True, help_text="Last sign of life of the run (its worker beats it)."
    )
    finished_at = models.DateTimeField(null=True, blank=True)

    objects = SubmissionQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # Leaderboards: scored submissions of one phase and subtask.
            models.Index(fields=["phase", "subtask", "status"], name="submission_board_idx"),
            # Limits: a team's submissions in a phase by creation time.
            models.Index(fields=["team", "phase", "created_at"], name="submission_quota_idx"),
            # The sweeper: stale queued or running submissions.
            models.Index(fields=["status", "started_at"], name="submission_sweep_idx"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(team__isnull=False) | Q(is_baseline=True),
                name="submission_team_unless_baseline",
            ),
            models.UniqueConstraint(
                fields=["team", "phase", "subtask"],
                condition=Q(is_final=True),
                name="submission_one_final_per_team_phase_subtask",
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.subtask} by {self.team or 'baseline'} ({self.status})"


class Score(models.Model):
    class Partition(models.TextChoices):
        ALL = "all", "All (no partitions)"
        PUBLIC = "public", "Public"
        PRIVATE = "private", "Private"

    submission = models.ForeignKey(Submission, on_delete=models.CASCADE, related_name="scores")
    partition = models.CharField(max_length=8, choices=Partition.choices)
    metric = models.CharField(max_length=100)
    group_field = models.CharField(max_length=64, blank=True, help_text="Empty for overall.")
    group_value = models.CharField(max_length=200, blank=True)
    value = models.FloatField(null=True, help_text="Null where the metric is undefined.")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "partition", "metric", "group_field", "group_value"],
                name="score_unique_per_cell",
            ),
            models.CheckConstraint(
                condition=(Q(group_field="") & Q(group_value=""))
                | (~Q(group_field="") & ~Q(group_value="")),
                name="score_group_field_and_value_together",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.submission_id} {self.partition} {self.metric}={self.value}"


class TeamPhaseQuota(models.Model):
    """One row per team and phase; upload transactions lock it (SELECT ... FOR UPDATE).

    Counting submissions and inserting a new one under this lock means two uploads of the same team
    cannot both see "4 of 5 used" and both be accepted.
    """

    team = models.ForeignKey("teams.Team", on_delete=models.CASCADE, related_name="+")
    phase = models.ForeignKey("sharedtasks.Phase", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["team", "phase"], name="quota_one_per_team_phase"),
        ]

    def __str__(self) -> str:
        return f"quota of {self.team_id} in {self.phase_id}"


from podium.submissions.program_runs import ProgramRun  # noqa: E402, F401  (registers the model)
