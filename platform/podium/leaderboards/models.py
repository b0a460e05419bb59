"""Materialised boards: each leaderboard's ranked rows with their statistics, one row per phase,
subtask and partition, rebuilt by a background job; and each phase's statistics settings."""

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q


class BoardSettings(models.Model):
    """How a phase's boards are tested; a phase without a row uses the defaults."""

    phase = models.OneToOneField(
        "sharedtasks.Phase", on_delete=models.CASCADE, related_name="board_settings"
    )
    significance_level = models.FloatField(
        default=0.05,
        validators=[MinValueValidator(0.001), MaxValueValidator(0.2)],
        help_text="Rows are put in different clusters only when every paired test between "
        "them has a p-value below this level.",
    )
    resamples = models.PositiveIntegerField(
        default=1000,
        validators=[MinValueValidator(200), MaxValueValidator(10000)],
        help_text="Bootstrap resamples of the test items, shared by every row of a board.",
    )

    class Meta:
        verbose_name_plural = "board settings"
        constraints = [
            models.CheckConstraint(
                condition=Q(significance_level__gt=0) & Q(significance_level__lt=0.5),
                name="board_settings_level_between_0_and_half",
            ),
            models.CheckConstraint(
                condition=Q(resamples__gte=200), name="board_settings_enough_resamples"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.phase}: p < {self.significance_level}, {self.resamples} resamples"


class BoardSnapshot(models.Model):
    """The whole ranked board as the board job last built it, whoever may see it.

    Visibility is never baked in: readers check it before reading this row. `board` and `head`
    are replaced in one UPDATE, and the parts in the same transaction, so a reader (one query)
    gets the previous snapshot or the new one, never half of one.
    """

    phase = models.ForeignKey("sharedtasks.Phase", on_delete=models.CASCADE, related_name="+")
    subtask = models.ForeignKey("sharedtasks.Subtask", on_delete=models.CASCADE, related_name="+")
    partition = models.CharField(max_length=8)
    board = models.JSONField(null=True, blank=True, help_text="None until the first build.")
    # What the fast readers load instead of `board`, with one of the snapshot's parts (see
    # leaderboards.snapshot_format): the board without its rows.
    head = models.JSONField(null=True, blank=True, help_text="None until the first build.")
    built_at = models.DateTimeField(
        null=True, blank=True, help_text="The moment whose scores the snapshot shows."
    )
    build_seconds = models.FloatField(null=True, blank=True)
    changed_at = models.DateTimeField(
        null=True, blank=True, help_text="Last time a score, reveal or rescore changed the board."
    )
    # Debounce: set when a rebuild job is enqueued, cleared when it starts; changes meanwhile
    # ride on the job already waiting.
    queued = models.BooleanField(default=False)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["phase", "subtask", "partition"], name="board_snapshot_one_per_board"
            )
        ]

    def __str__(self) -> str:
        return f"board {self.phase_id}/{self.subtask_id}/{self.partition}"


class BoardSnapshotPart(models.Model):
    """Text a surface rendered from a snapshot's rows when it was built (the API's row JSON,
    the page's table): `snapshot_format.SnapshotPart`. A row of its own, so that a read loads
    the one part it shows and nothing of the others or of `board`."""

    snapshot = models.ForeignKey(BoardSnapshot, on_delete=models.CASCADE, related_name="parts")
    key = models.CharField(max_length=100, help_text="<part>:<version>")
    text = models.TextField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["snapshot", "key"], name="board_snapshot_part_once")
        ]

    def __str__(self) -> str:
        return f"{self.snapshot} {self.key}"
