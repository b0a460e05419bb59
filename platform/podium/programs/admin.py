"""Organisers' admin for scoring programs, their columns and reference data.

"Test this program" stores the file the organiser uploads and enqueues a job that runs the
newest version on it against every reference of a split; the trial's page shows "running", then
scores, logs and duration. No submission is created.
"""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html

from podium.admin_scoping import OwnRowsOnly, ScopedModelAdmin
from podium.permissions import is_organiser
from podium.programs import runtime
from podium.programs.bundles.draft import BundleError
from podium.programs.bundles.importer import bundle_import
from podium.programs.forms import (
    BundleUploadForm,
    ReferenceDataForm,
    ScoringProgramForm,
    TrialForm,
    uploaded_path,
)
from podium.programs.models import (
    ProgramColumn,
    ProgramScoring,
    ProgramTrial,
    ProgramVersion,
    ReferenceData,
    ScoringProgram,
)
from podium.programs.services import program_version_add, scoring_columns, subtask_follow_columns
from podium.programs.trial import trial_overdue, trial_start
from podium.sharedtasks.models import SharedTask


class ProgramVersionInline(admin.TabularInline):
    model = ProgramVersion
    extra = 0
    can_delete = False
    fields = ["number", "command", "sha256", "uploaded_by", "created_at"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_view_permission(self, request, obj=None):
        return is_organiser(request.user)


@admin.register(ScoringProgram)
class ScoringProgramAdmin(ScopedModelAdmin):
    form = ScoringProgramForm
    list_display = ["__str__", "latest", "test_link"]
    list_filter = [("task", OwnRowsOnly)]
    inlines = [ProgramVersionInline]
    readonly_fields = ["scoring_runtime"]
    fieldsets = [
        (None, {"fields": ["task", "name", "description", "new_version"]}),
        ("Limits (empty: the site's scoring limits)", {
            "fields": [("timeout_s", "memory_mb", "output_mb")]
        }),
        ("What the team sees", {
            "fields": ["stderr_participant_safe", "detailed_results_to_team"]
        }),
        ("Scoring runtime", {"fields": ["scoring_runtime"]}),
    ]  # fmt: skip

    @admin.display(description="newest version")
    def latest(self, program):
        version = program.latest_version()
        return f"v{version.number}" if version else "none uploaded"

    @admin.display(description="")
    def test_link(self, program):
        return format_html(
            '<a href="{}">Test this program</a>',
            reverse("admin:programs_scoringprogram_test", args=[program.pk]),
        )

    @admin.display(description="packages and interpreters")
    def scoring_runtime(self, program):
        found = ", ".join(name for name, where in runtime.interpreters().items() if where)
        return f"{runtime.describe()}; interpreters: {found}. No network, no pip at run time."

    def save_model(self, request, obj, form, change):
        super().save_model(request, obj, form, change)
        upload = form.cleaned_data.get("new_version")
        if upload:
            with uploaded_path(upload) as source:
                version, created = program_version_add(
                    program=obj, source=source, uploaded_by=request.user
                )
            text = f"version {version.number} stored" if created else "same as the newest version"
            self.message_user(request, f"{obj}: {text}.", messages.SUCCESS)

    def get_urls(self):
        test = self.admin_site.admin_view(self.test_view)
        trial = self.admin_site.admin_view(self.trial_view)
        bundle = self.admin_site.admin_view(self.import_bundle_view)
        return [
            path("<int:pk>/test/", test, name="programs_scoringprogram_test"),
            path("<int:pk>/test/<int:trial>/", trial, name="programs_scoringprogram_trial"),
            path("import-bundle/", bundle, name="programs_scoringprogram_import_bundle"),
            *super().get_urls(),
        ]

    def import_bundle_view(self, request):
        """The admin form of `manage.py import_bundle`: the organiser becomes the owner."""
        if not is_organiser(request.user):
            raise PermissionDenied
        form = BundleUploadForm(request.POST or None, request.FILES or None)
        report, errors = None, []
        if request.method == "POST" and form.is_valid():
            with uploaded_path(form.cleaned_data["bundle"]) as source:
                try:
                    report = bundle_import(
                        path=source, owner=request.user.username,
                        dry_run=form.cleaned_data["dry_run"],
                        publish=form.cleaned_data["publish"],
                    )  # fmt: skip
                except BundleError as exc:
                    errors = exc.errors
        context = {
            **self.admin_site.each_context(request),
            "title": "Import a Codabench or CodaLab bundle",
            "form": form,
            "report": report,
            "errors": errors,
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/programs/import_bundle.html", context)

    def _own_program(self, request, pk: int) -> ScoringProgram:
        """The program, if it belongs to a task the user organises (else 404, or 403 for
        a viewer without change rights): trials run and show its reference-backed output."""
        program = get_object_or_404(self.get_queryset(request), pk=pk)
        if not self.has_change_permission(request, program):
            raise PermissionDenied
        return program

    def test_view(self, request, pk: int):
        program = self._own_program(request, pk)
        form = TrialForm(request.POST or None, request.FILES or None, program=program)
        if request.method == "POST" and form.is_valid():
            # The run is a job: a program may take longer than the site's request timeout.
            trial = trial_start(
                scoring=form.cleaned_data["subtask"],
                split=form.cleaned_data["split"],
                upload=form.cleaned_data["results"],
                user=request.user,
            )
            return redirect("admin:programs_scoringprogram_trial", pk=program.pk, trial=trial.pk)
        context = {
            **self.admin_site.each_context(request),
            "title": f"Test {program}",
            "program": program,
            "form": form,
            "trials": program.trials.select_related("scoring__subtask")[:10],
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/programs/test_program.html", context)

    def trial_view(self, request, pk: int, trial: int):
        program = self._own_program(request, pk)
        report = get_object_or_404(
            ProgramTrial.objects.select_related("scoring__subtask"), pk=trial, program=program
        )
        context = {
            **self.admin_site.each_context(request),
            "title": f"Test {program}: trial {report.pk}",
            "program": program,
            "trial": report,
            "overdue": trial_overdue(report),
            "opts": self.model._meta,
        }
        return TemplateResponse(request, "admin/programs/trial.html", context)


class ColumnFormSet(forms.BaseInlineFormSet):
    def clean(self):
        super().clean()
        rows = [
            f.cleaned_data for f in self.forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]  # fmt: skip
        if not rows:
            raise forms.ValidationError("Declare at least one leaderboard column.")
        if sum(bool(r.get("primary")) for r in rows) != 1:
            raise forms.ValidationError("Exactly one column must be primary.")
        if any(r.get("primary") and r.get("hidden") for r in rows):
            raise forms.ValidationError("The primary column cannot be hidden.")


class ProgramColumnInline(admin.TabularInline):
    model = ProgramColumn
    formset = ColumnFormSet
    extra = 1
    fields = ["position", "key", "title", "direction", "precision", "primary", "hidden"]

    def has_view_permission(self, request, obj=None):
        return is_organiser(request.user)

    has_change_permission = has_add_permission = has_delete_permission = has_view_permission


@admin.register(ProgramScoring)
class ProgramScoringAdmin(ScopedModelAdmin):
    """A subtask's option "scored by a program", with its leaderboard columns."""

    task_path = "subtask__task"
    list_display = ["subtask", "program", "results_filename"]
    inlines = [ProgramColumnInline]

    def formfield_for_foreignkey(self, db_field, request, **kwargs):
        if db_field.name == "program" and not request.user.is_superuser:
            organised = SharedTask.objects.organised_by(request.user)
            kwargs["queryset"] = ScoringProgram.objects.filter(task__in=organised)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        # Rankings read the subtask's primary metric and direction: they follow the columns.
        scoring = form.instance
        subtask_follow_columns(subtask=scoring.subtask, columns=scoring_columns(scoring))


@admin.register(ReferenceData)
class ReferenceDataAdmin(ScopedModelAdmin):
    task_path = "subtask__task"
    form = ReferenceDataForm
    list_display = ["__str__", "sha_short", "updated_at"]
    list_filter = [("subtask__task", OwnRowsOnly), "split", "partition"]

    @admin.display(description="sha256")
    def sha_short(self, reference):
        return reference.sha256[:12]

    def save_model(self, request, obj, form, change):
        # The zip goes through the service (checks, unchanged content not stored again).
        stored = form.store()
        obj.pk, obj.sha256, obj.archive.name = stored.pk, stored.sha256, stored.archive.name
