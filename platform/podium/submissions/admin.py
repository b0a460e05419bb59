from django.contrib import admin, messages
from django.http import FileResponse, Http404
from django.urls import path, reverse
from django.utils.html import format_html

from podium.admin_scoping import OwnRowsOnly, ScopedModelAdmin
from podium.submissions.models import Score, Submission
from podium.submissions.rescoring import submissions_rescore
from podium.submissions.selectors import submission_file_open


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
        "file_download",
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

    def get_urls(self):
        download = self.admin_site.admin_view(self.file_view)
        name = f"{self.opts.app_label}_{self.opts.model_name}_file"
        return [path("<int:pk>/file/", download, name=name), *super().get_urls()]

    @admin.display(description="file")
    def file_download(self, submission):
        # The storage has no URL (MEDIA_URL is served by nothing): files go through file_view,
        # which checks that the organiser organises the submission's task.
        if not submission.file:
            return self.get_empty_value_display()
        url = reverse(
            f"admin:{self.opts.app_label}_{self.opts.model_name}_file", args=[submission.pk]
        )
        return format_html(
            '<a href="{}">Download</a> ({} bytes, stored as <code>{}</code>)',
            url,
            submission.size,
            submission.file.name,
        )

    def file_view(self, request, pk: int):
        """The submission's file, for whoever may view the submission here (its task's organisers
        and superusers); any other submission is "not found", as in the change view."""
        submission = self.get_queryset(request).filter(pk=pk).first()
        if submission is None or not self.has_view_permission(request, submission):
            raise Http404("No such submission.")
        handle = submission_file_open(submission)
        if handle is None:
            raise Http404("The file of this submission is no longer stored.")
        name = submission.original_name or f"submission-{submission.pk}"
        return FileResponse(handle, as_attachment=True, filename=name)

    @admin.action(description="Score selected submissions again")
    def rescore(self, request, queryset):
        count = submissions_rescore(submissions=queryset)
        self.message_user(
            request, f"{count} submission(s) queued for scoring again.", messages.SUCCESS
        )


from podium.submissions import program_runs_admin  # noqa: E402, F401  (ProgramRun admin)
