"""The record of each run of an organiser's program on a submission (imported by models.py).

It says which program version made a submission's scores, and keeps what organisers need to
fix a failing program: exit status, capped stdout and stderr, extra keys, detailed results.
"""

from django.db import models

from podium.programs.models import ProgramVersion


class ProgramRun(models.Model):
    submission = models.ForeignKey(
        "submissions.Submission", on_delete=models.CASCADE, related_name="program_runs"
    )
    # PROTECT: a version stays as long as a score it made exists. Null: no version was there
    # to run (the organisers had not uploaded one yet).
    version = models.ForeignKey(
        ProgramVersion, null=True, on_delete=models.PROTECT, related_name="runs"
    )
    partition = models.CharField(max_length=8)
    returncode = models.IntegerField(null=True)
    ended_by = models.CharField(max_length=16, blank=True, help_text="timeout, cpu, killed...")
    duration_s = models.FloatField(default=0)
    stdout = models.TextField(blank=True)
    stderr = models.TextField(blank=True)
    error = models.TextField(blank=True, help_text="For organisers: why the run gave no scores.")
    organiser_fault = models.BooleanField(
        default=False,
        help_text="The program, not the team's upload, failed: not counted against the team.",
    )
    extra_scores = models.JSONField(
        default=dict, blank=True, help_text="Keys the program wrote beyond the declared columns."
    )
    detailed_html = models.TextField(blank=True, help_text="detailed_results.html, unsanitised.")
    per_item_note = models.TextField(
        blank=True,
        help_text="For organisers: what the optional per_item.csv gave (intervals, or why none).",
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["submission", "partition"]
        indexes = [
            # Quotas: does a failed submission have a run that was the organiser's fault?
            models.Index(fields=["submission", "organiser_fault"], name="program_run_fault_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.version} on #{self.submission_id} [{self.partition}]"
