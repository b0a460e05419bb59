from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.utils.html import format_html_join

from podium.admin_scoping import OwnRowsOnly, ScopedModelAdmin
from podium.leaderboards.services import RevealError, phase_hide, phase_reveal
from podium.permissions import ORGANISERS_GROUP, is_organiser
from podium.sharedtasks.forms import DatasetForm, SubtaskForm
from podium.sharedtasks.models import SPANS_AND_COVERAGE_FIELDS, Dataset, Phase, SharedTask, Subtask
from podium.sharedtasks.tasktemplates.admin import register_template_view
from podium.submissions.models import Submission
from podium.submissions.rescoring import submissions_rescore


class OrganiserInline:
    """Inlines live inside an already scoped parent: being an organiser is enough."""

    def has_view_permission(self, request, obj=None):
        return is_organiser(request.user)

    has_change_permission = has_add_permission = has_delete_permission = has_view_permission


class PhaseInline(OrganiserInline, admin.StackedInline):
    model = Phase
    extra = 0
    fieldsets = [
        (None, {"fields": [("name", "slug"), ("kind", "split"), ("start", "end")]}),
        (
            "Limits (per team)",
            {
                "fields": [
                    ("max_per_day", "max_total", "max_concurrent"),
                    ("max_file_mb", "count_failed"),
                ]
            },
        ),
        ("Leaderboard", {"fields": [("selection", "leaderboard_mode"), "revealed_at"]}),
    ]


class SubtaskInline(OrganiserInline, admin.TabularInline):
    model = Subtask
    fields = ["position", "slug", "title", "file_format", "primary_metric", "direction"]
    readonly_fields = fields
    extra = 0
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        # Subtasks have many settings; they are added on their own page.
        return False


@admin.register(SharedTask)
class SharedTaskAdmin(ScopedModelAdmin):
    task_path = ""
    list_display = ["title", "slug", "visibility", "registration_policy", "subtask_count"]
    list_filter = ["visibility"]
    search_fields = ["title", "slug"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["organisers"]
    inlines = [SubtaskInline, PhaseInline]
    fieldsets = [
        (None, {"fields": ["title", "slug", "visibility", "registration_policy", "organisers"]}),
        ("Texts", {"fields": ["description", "terms", "canary"]}),
    ]

    @admin.display(description="subtasks")
    def subtask_count(self, task):
        return task.subtasks.count()

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        # Co-organisers are chosen among organisers; a participant's name is none of their business.
        if db_field.name == "organisers" and not request.user.is_superuser:
            kwargs["queryset"] = get_user_model().objects.filter(groups__name=ORGANISERS_GROUP)
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Whoever creates or edits a task keeps organising it: no organiser locks themselves out.
        if not request.user.is_superuser:
            form.instance.organisers.add(request.user)


class DatasetInline(OrganiserInline, admin.StackedInline):
    model = Dataset
    form = DatasetForm
    extra = 0
    fields = ["split", "inputs", "gold", "row_count"]
    readonly_fields = ["row_count"]


@admin.register(Subtask)
class SubtaskAdmin(ScopedModelAdmin):
    form = SubtaskForm
    list_display = ["__str__", "title", "file_format", "primary_metric", "direction", "splits"]
    list_filter = [("task", OwnRowsOnly)]
    search_fields = ["title", "slug", "task__title"]
    inlines = [DatasetInline]
    fieldsets = [
        (None, {"fields": ["task", ("slug", "position"), "title", "description"]}),
        (
            "Submission format",
            {
                "fields": [
                    ("file_format", "separator"),
                    ("id_field", "value_field"),
                    "value_type",
                    "labels",
                    ("value_min", "value_max"),
                ]
            },
        ),
        ("Scoring", {"fields": ["metrics", ("primary_metric", "direction"), "group_fields"]}),
        ("Answer columns, spans and coverage", {"fields": SPANS_AND_COVERAGE_FIELDS}),
    ]

    @admin.display(description="data")
    def splits(self, subtask):
        return format_html_join(", ", "{}", ((d.split,) for d in subtask.datasets.all())) or "none"


@admin.register(Phase)
class PhaseAdmin(ScopedModelAdmin):
    """Phases are edited inline on their task; this list carries the phase-wide actions."""

    list_display = [
        "__str__",
        "name",
        "kind",
        "split",
        "start",
        "end",
        "leaderboard_mode",
        "revealed_at",
    ]
    list_filter = [("task", OwnRowsOnly), "kind"]
    fieldsets = PhaseInline.fieldsets
    actions = ["rescore", "reveal", "hide"]

    def get_fieldsets(self, request, obj=None):
        return [(None, {"fields": ["task"]}), *self.fieldsets]

    @admin.action(description="Score every submission of the selected phases again")
    def rescore(self, request, queryset):
        count = submissions_rescore(submissions=Submission.objects.filter(phase__in=queryset))
        self.message_user(
            request, f"{count} submission(s) queued for scoring again.", messages.SUCCESS
        )

    @admin.action(description="Reveal the private ranking of the selected phases")
    def reveal(self, request, queryset):
        for phase in queryset:
            phase_reveal(phase=phase, by=request.user)
        self.message_user(request, f"{queryset.count()} phase(s) revealed.", messages.SUCCESS)

    @admin.action(description="Hide the private ranking of the selected phases again")
    def hide(self, request, queryset):
        for phase in queryset:
            try:
                phase_hide(phase=phase, by=request.user)
            except RevealError as exc:
                self.message_user(request, f"{phase}: {exc}", messages.ERROR)


register_template_view(admin.site)
