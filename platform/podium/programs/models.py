"""Organisers' scoring programs (versioned), the subtasks they score, and reference data.

This app sits between sharedtasks and submissions: it knows subtasks, never submissions (the
scoring job in submissions calls it and records each run there).
"""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q

from podium.sharedtasks.models import Dataset, SharedTask, Subtask
from podium.storage import gold_storage


class ScoringProgram(models.Model):
    """A program an organiser brings; it may score several subtasks of its task."""

    task = models.ForeignKey(SharedTask, on_delete=models.CASCADE, related_name="programs")
    name = models.SlugField(max_length=64)
    description = models.TextField(blank=True)
    timeout_s = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Wall-clock limit per run, at most the site's; empty: the site's limit.",
    )
    memory_mb = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Address-space limit, at most the site's; empty: the site's limit.",
    )
    output_mb = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="Largest file the program may write, at most 64 MB; empty: 64 MB.",
    )
    stderr_participant_safe = models.BooleanField(
        default=False,
        help_text="Quote the tail of the program's stderr to the team when it fails. Only if "
        "the program never prints reference data there.",
    )
    detailed_results_to_team = models.BooleanField(
        default=False,
        help_text="Show the program's detailed_results.html (sanitised) to the team.",
    )

    class Meta:
        ordering = ["task", "name"]
        constraints = [
            models.UniqueConstraint(fields=["task", "name"], name="program_unique_name_per_task")
        ]

    def __str__(self) -> str:
        return f"{self.task.slug}/{self.name}"

    def latest_version(self) -> "ProgramVersion | None":
        return self.versions.order_by("-number").first()


def program_upload_to(version: "ProgramVersion", filename: str) -> str:
    program = version.program
    name = f"v{version.number}-{version.sha256[:12]}.zip"
    return f"programs/{program.task.slug}/{program.name}/{name}"


class ProgramVersion(models.Model):
    """One upload of a program, kept for as long as a score made with it exists."""

    program = models.ForeignKey(ScoringProgram, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField()
    # Stored with the gold (no URL): programs often embed reference data or keys.
    archive = models.FileField(upload_to=program_upload_to, storage=gold_storage, max_length=300)
    sha256 = models.CharField(max_length=64)
    command = models.TextField(help_text="The 'command:' line of the program's metadata.")
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["program", "-number"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "number"], name="program_version_unique_number"
            )
        ]

    def __str__(self) -> str:
        return f"{self.program} v{self.number}"


class ProgramScoring(models.Model):
    """The option "scored by a program" of a subtask: which program, and how its output maps
    onto leaderboard columns."""

    subtask = models.OneToOneField(
        Subtask, on_delete=models.CASCADE, related_name="program_scoring"
    )
    program = models.ForeignKey(ScoringProgram, on_delete=models.PROTECT, related_name="scorings")
    results_filename = models.CharField(
        max_length=100,
        blank=True,
        help_text="Where a single uploaded file (not a zip) is put in res/; empty: the uploaded "
        "file's own name.",
    )

    def __str__(self) -> str:
        return f"{self.subtask} scored by {self.program.name}"

    def clean(self):
        # A program sees its own task's reference data only; another task's program is refused.
        if self.program_id and self.subtask_id and self.program.task_id != self.subtask.task_id:
            raise ValidationError({"program": "Choose a program of the subtask's own task."})


class ProgramColumn(models.Model):
    """A leaderboard column of a program-scored subtask: one key of scores.json / scores.txt."""

    class Direction(models.TextChoices):
        HIGHER = "higher", "Higher is better"
        LOWER = "lower", "Lower is better"

    scoring = models.ForeignKey(ProgramScoring, on_delete=models.CASCADE, related_name="columns")
    position = models.PositiveSmallIntegerField(default=0)
    key = models.CharField(max_length=100)
    title = models.CharField(max_length=200, blank=True)
    direction = models.CharField(max_length=8, choices=Direction.choices, default="higher")
    precision = models.PositiveSmallIntegerField(default=4)
    primary = models.BooleanField(default=False)
    hidden = models.BooleanField(default=False, help_text="Stored, shown to organisers only.")

    class Meta:
        ordering = ["scoring", "position", "key"]
        constraints = [
            models.UniqueConstraint(fields=["scoring", "key"], name="program_column_unique_key"),
            models.UniqueConstraint(
                fields=["scoring"], condition=Q(primary=True), name="program_column_one_primary"
            ),
            models.CheckConstraint(
                condition=Q(primary=False) | Q(hidden=False), name="program_column_primary_shown"
            ),
        ]

    def __str__(self) -> str:
        return self.key


def reference_upload_to(reference: "ReferenceData", filename: str) -> str:
    subtask = reference.subtask
    return (
        f"references/{subtask.task.slug}/{subtask.slug}/{reference.split}/"
        f"{reference.partition}-{reference.sha256[:12]}.zip"
    )


class ReferenceData(models.Model):
    """A program's reference folder (its gold) for one split and partition, stored as a zip.

    A test split has a public and a private reference (each run sees only its own); a dev
    split has one reference for all rows.
    """

    class Partition(models.TextChoices):
        ALL = "all", "All (no partitions)"
        PUBLIC = "public", "Public"
        PRIVATE = "private", "Private"

    subtask = models.ForeignKey(Subtask, on_delete=models.CASCADE, related_name="references")
    split = models.CharField(max_length=8, choices=Dataset.Split.choices)
    partition = models.CharField(max_length=8, choices=Partition.choices, default="all")
    archive = models.FileField(upload_to=reference_upload_to, storage=gold_storage, max_length=300)
    sha256 = models.CharField(max_length=64)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["subtask", "split", "partition"]
        constraints = [
            models.UniqueConstraint(
                fields=["subtask", "split", "partition"], name="reference_one_per_partition"
            )
        ]

    def __str__(self) -> str:
        return f"{self.subtask} [{self.split}/{self.partition}]"


def trial_upload_to(trial: "ProgramTrial", filename: str) -> str:
    # A random folder per trial: the organiser's file keeps its name (results_name uses it).
    import uuid

    return f"trials/{trial.program.task.slug}/{trial.program.name}/{uuid.uuid4().hex}/upload"


class ProgramTrial(models.Model):
    """One "test this program" run from the admin: the job runs it, this row holds the report.

    Never a submission: it counts nowhere and no team sees it. The uploaded file is kept with the
    gold (it may be a reference-like sample) only until the run has read it.
    """

    class Status(models.TextChoices):
        PENDING = "pending", "Waiting for a worker"
        RUNNING = "running", "Running"
        DONE = "done", "Finished"
        FAILED = "failed", "Could not run"

    program = models.ForeignKey(ScoringProgram, on_delete=models.CASCADE, related_name="trials")
    scoring = models.ForeignKey(ProgramScoring, on_delete=models.CASCADE, related_name="+")
    split = models.CharField(max_length=8, choices=Dataset.Split.choices)
    results = models.FileField(
        upload_to=trial_upload_to, storage=gold_storage, max_length=300, blank=True
    )
    original_name = models.CharField(max_length=255, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.PENDING)
    version = models.CharField(max_length=200, blank=True)  # "task/name vN", as run
    # Why nothing ran (no version, no reference, a refused zip, no sandbox, no broker).
    error = models.TextField(blank=True)
    # One entry per partition: partition, ok, values, extras, error, log (logs already capped).
    runs = models.JSONField(default=list, blank=True)
    duration_s = models.FloatField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"trial {self.pk} of {self.program}"

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)
