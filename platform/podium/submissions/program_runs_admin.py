"""Organisers read each program run here: exit status, time, stdout, stderr, extra keys and
the sanitised detailed results. Registered from submissions/admin.py."""

import nh3
from django.contrib import admin
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from podium.admin_scoping import OwnRowsOnly, ScopedModelAdmin
from podium.submissions.program_runs import ProgramRun


@admin.register(ProgramRun)
class ProgramRunAdmin(ScopedModelAdmin):
    task_path = "submission__phase__task"
    list_display = ["submission", "partition", "version", "returncode", "ended_by",
                    "duration_s", "organiser_fault", "created_at"]  # fmt: skip
    list_filter = [("submission__phase__task", OwnRowsOnly), "organiser_fault", "partition"]
    fields = ["submission", "version", "partition", "returncode", "ended_by", "duration_s",
              "organiser_fault", "error", "per_item_note", "extra_scores", "stdout", "stderr",
              "detailed_results"]  # fmt: skip
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    @admin.display(description="detailed results (sanitised)")
    def detailed_results(self, run):
        if not run.detailed_html:
            return "none"
        # The program wrote this HTML: only nh3's safe subset is rendered, never its scripts.
        return format_html("<div>{}</div>", mark_safe(nh3.clean(run.detailed_html)))
