"""A baseline run: an organiser's request to train a built-in baseline for one subtask."""

from django.conf import settings
from django.db import models


class BaselineRun(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        DONE = "done", "Done"
        FAILED = "failed", "Failed"

    subtask = models.ForeignKey(
        "sharedtasks.Subtask", on_delete=models.CASCADE, related_name="baseline_runs"
    )
    method = models.CharField(max_length=64)
    params = models.JSONField(
        default=dict, blank=True, help_text='Method parameters, e.g. {"epochs": 2, "lr": 3e-5}.'
    )
    seed = models.IntegerField(default=0)
    status = models.CharField(max_length=8, choices=Status.choices, default=Status.QUEUED)
    progress = models.JSONField(
        default=dict, blank=True, help_text="The last progress event (step, loss, dev metric)."
    )
    dev_scores = models.JSONField(default=dict, blank=True)
    device = models.CharField(max_length=100, blank=True)
    log = models.TextField(blank=True)
    submissions = models.ManyToManyField(
        "submissions.Submission", blank=True, related_name="baseline_runs"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(
        null=True, blank=True, help_text="Last sign of life of the run (its worker beats it)."
    )
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        indexes = [
            # baselineruns/sweeper.py: runs left queued, or running with a silent heartbeat.
            models.Index(fields=["status", "started_at"], name="baselinerun_sweep_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.method} on {self.subtask} ({self.status})"
