from django.contrib import admin, messages
from django.utils.html import format_html, format_html_join

from podium.admin_scoping import OwnRowsOnly, ScopedModelAdmin
from podium.baselineruns.forms import BaselineRunForm
from podium.baselineruns.models import BaselineRun
from podium.baselineruns.services import BaselineRefused, baseline_start


@admin.register(BaselineRun)
class BaselineRunAdmin(ScopedModelAdmin):
    """Organisers start a baseline here; the run trains on a `gpu` worker and its predictions are
    submitted as baseline rows. The change page shows the live progress."""

    task_path = "subtask__task"
    form = BaselineRunForm
    list_display = ["id", "subtask", "method", "status", "progress_summary", "created_at"]
    list_filter = ["status", "method", ("subtask__task", OwnRowsOnly)]
    readonly_fields = [
        "status", "progress_summary", "dev_scores", "device", "submission_links",
        "created_by", "created_at", "started_at", "finished_at", "log",
    ]  # fmt: skip
    actions = ["run_again"]

    def get_fields(self, request, obj=None):
        if obj is None:
            return ["subtask", "method", "params", "seed"]
        return ["subtask", "method", "params", "seed", *self.readonly_fields]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return ["subtask", "method", "params", "seed", *self.readonly_fields]

    def has_change_permission(self, request, obj=None):
        # A run is started, then only watched; its settings do not change after the fact.
        return False if obj is not None else super().has_change_permission(request, obj)

    @admin.display(description="progress")
    def progress_summary(self, run):
        event = run.progress or {}
        if not event:
            return "-"
        parts = [str(event.get("stage", ""))]
        if "step" in event and "total_steps" in event:
            parts.append(f"step {event['step']}/{event['total_steps']}")
        for key in ("loss", "dev_metric"):
            if isinstance(event.get(key), (int, float)):
                parts.append(f"{key} {event[key]:.4g}")
        return " · ".join(p for p in parts if p)

    @admin.display(description="submissions")
    def submission_links(self, run):
        return format_html_join(
            ", ",
            '<a href="../../../submissions/submission/{}/change/">#{} ({}, {})</a>',
            ((s.pk, s.pk, s.phase.slug, s.status) for s in run.submissions.select_related("phase")),
        ) or format_html("{}", "none yet")

    def save_model(self, request, obj, form, change):
        # Creating a run goes through the service, which checks the data and enqueues the job.
        try:
            run = baseline_start(
                subtask=obj.subtask, method=obj.method, params=obj.params, seed=obj.seed,
                by=request.user,
            )  # fmt: skip
        except BaselineRefused as exc:
            self.message_user(request, str(exc), messages.ERROR)
            return
        obj.pk = run.pk
        obj.refresh_from_db()

    @admin.action(description="Run the selected baselines again")
    def run_again(self, request, queryset):
        started = 0
        for run in queryset.select_related("subtask"):
            try:
                baseline_start(
                    subtask=run.subtask, method=run.method, params=run.params, seed=run.seed,
                    by=request.user,
                )  # fmt: skip
                started += 1
            except BaselineRefused as exc:
                self.message_user(request, f"{run}: {exc}", messages.ERROR)
        self.message_user(request, f"{started} baseline run(s) queued.", messages.SUCCESS)
