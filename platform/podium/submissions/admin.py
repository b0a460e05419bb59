from django.contrib import admin, messages

from podium.admin_scoping import OwnRowsOnly, ScopedModelAdmin
from podium.submissions.models import Score, Submission
from podium.submissions.rescoring import submissions_rescore


class ScoreInline(admin.TabularInline):
    model = Score
    extra = 0
    can_delete = False
    fields = ["partition", "metric", "group_field", "group_value", "value"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return True


@admin.register(Submission)
class SubmissionAdmin(ScopedModelAdmin):
    task_path = "phase__task"
    list_display = [
        "id",
        "team",
        "subtask",
        "phase",
        "method_name",
        "status",
        "is_baseline",
        "created_at",
    ]
    list_filter = ["status", "is_baseline", ("phase__task", OwnRowsOnly), ("phase", OwnRowsOnly)]
    search_fields = ["team__name", "method_name", "sha256"]
    readonly_fields = [
        "team",
        "user",
        "phase",
        "subtask",
        "file",
        "original_name",
        "sha256",
        "size",
        "status",
        "is_baseline",
        "is_final",
        "attempts",
        "created_at",
        "enqueued_at",
        "started_at",
        "finished_at",
        "error",
        "log",
    ]
    fields = ["method_name", "description", *readonly_fields]
    inlines = [ScoreInline]
    actions = ["rescore"]

    def has_add_permission(self, request, obj=None):
        return False

    @admin.action(description="Score selected submissions again")
    def rescore(self, request, queryset):
        count = submissions_rescore(submissions=queryset)
        self.message_user(
            request, f"{count} submission(s) queued for scoring again.", messages.SUCCESS
        )


from podium.submissions import program_runs_admin  # noqa: E402, F401  (ProgramRun admin)
