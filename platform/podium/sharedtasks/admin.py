from django.contrib import admin
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import UploadedFile
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from podium.admin_scoping import OwnRowsOnly, ScopedModelAdmin
from podium.permissions import ORGANISERS_GROUP, is_organiser
from podium.sharedtasks.datasets import dataset_store_uploads
from podium.sharedtasks.forms import DataFileForm, DatasetForm, DatasetFormSet, SubtaskForm
from podium.sharedtasks.models import (
    SPANS_AND_COVERAGE_FIELDS,
    DataFile,
    Dataset,
    Phase,
    SharedTask,
    Subtask,
)
from podium.sharedtasks.tasktemplates.admin import register_template_view


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
                    ("max_file_mb", "count_failed", "max_failed_per_day"),
                ]
            },
        ),
        ("Leaderboard", {"fields": [("selection", "leaderboard_mode"), "revealed_at"]}),
    ]


class SubtaskInline(OrganiserInline, admin.TabularInline):
    model = Subtask
    fields = ["position", "slug", "title", "file_format", "primary_metric", "direction", "data"]
    readonly_fields = fields
    extra = 0
    show_change_link = True
    can_delete = False

    def has_add_permission(self, request, obj=None):
        # Subtasks have many settings (and their data files): "Add a subtask" on the task's page
        # opens the subtask form with the task chosen.
        return False

    @admin.display(description="data")
    def data(self, subtask):
        return subtask_data_summary(subtask)


def subtask_data_summary(subtask) -> str:
    """'train (10 rows), dev (10 rows)' or 'none', from the prefetched or queried datasets."""
    summary = format_html_join(
        ", ", "{} ({} rows)", ((d.split, d.row_count) for d in subtask.datasets.all())
    )
    return summary or "none"


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
    readonly_fields = ["add_subtask"]

    def get_fieldsets(self, request, obj=None):
        if obj is None:  # a subtask needs its task saved first
            return self.fieldsets
        return [*self.fieldsets, ("Subtasks", {"fields": ["add_subtask"]})]

    @admin.display(description="subtasks")
    def subtask_count(self, task):
        return task.subtasks.count()

    @admin.display(description="New subtask")
    def add_subtask(self, task):
        if task.pk is None:
            return "Save the task first."
        url = f"{reverse('admin:sharedtasks_subtask_add')}?task={task.pk}"
        return format_html(
            '<a class="addlink" href="{}">Add a subtask to this task</a> (with its data files)',
            url,
        )

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
    formset = DatasetFormSet
    extra = 0
    fields = ["split", "inputs", "gold", "row_count"]
    readonly_fields = ["row_count"]


class DataFileInline(OrganiserInline, admin.TabularInline):
    model = DataFile
    form = DataFileForm
    extra = 0
    verbose_name = "download file (starting kit, input data; served like the split's inputs)"
    fields = ["split", "kind", "file", "filename", "size", "sha256"]
    readonly_fields = ["size", "sha256"]


@admin.register(Subtask)
class SubtaskAdmin(ScopedModelAdmin):
    form = SubtaskForm
    list_display = ["__str__", "title", "file_format", "primary_metric", "direction", "splits"]
    list_filter = [("task", OwnRowsOnly)]
    search_fields = ["title", "slug", "task__title"]
    inlines = [DatasetInline, DataFileInline]
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

    def save_formset(self, request, form, formset, change):
        if formset.model is not Dataset:
            return super().save_formset(request, form, formset, change)
        # Through the task-file import's service, so that files are stored and rows counted the
        # same way (the ModelForm's own save left row_count at 0).
        # The admin's change message reads what formset.save() would have recorded.
        formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
        for deleted in formset.deleted_forms:
            if deleted.instance.pk:
                formset.deleted_objects.append(deleted.instance)
                deleted.instance.delete()
        for dataset_form in formset.forms:
            if dataset_form in formset.deleted_forms or not dataset_form.has_changed():
                continue
            data = dataset_form.cleaned_data
            existing = dataset_form.instance if dataset_form.instance.pk else None
            stored = dataset_store_uploads(
                subtask=form.instance,
                split=data["split"],
                inputs=data["inputs"] if isinstance(data["inputs"], UploadedFile) else None,
                gold=data.get("gold") if isinstance(data.get("gold"), UploadedFile) else None,
                dataset=existing,
                clear_gold=data.get("gold") is False,
            )
            if existing is None:
                formset.new_objects.append(stored)
            else:
                formset.changed_objects.append((stored, dataset_form.changed_data))
        return None

    @admin.display(description="data")
    def splits(self, subtask):
        return subtask_data_summary(subtask)


@admin.register(Phase)
class PhaseAdmin(ScopedModelAdmin):
    """Phases are edited inline on their task; this list carries the phase-wide actions, which
    `leaderboards/admin.py` adds (they call services of apps above this one)."""

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

    def get_fieldsets(self, request, obj=None):
        return [(None, {"fields": ["task"]}), *self.fieldsets]


register_template_view(admin.site)
