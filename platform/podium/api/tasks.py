"""GET /api/v1/tasks/ and /api/v1/tasks/{slug}/: what a script needs to build a valid submission.

Per subtask: the submission format, the scoring, the download URL of each split's public
inputs and of the subtask's download files (gold is never listed: there is no URL for it at all).
"""

from __future__ import annotations

from django.db.models import Prefetch
from django.urls import reverse
from drf_spectacular.utils import extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.response import Response

from podium.programs.formats import results_format
from podium.sharedtasks.models import DataFile, Dataset, SharedTask, Subtask
from podium.sharedtasks.selectors import split_available_from, visible_tasks

from .base import PodiumAPIView, not_found
from .errors import error_responses


class ResultsSerializer(serializers.Serializer):
    folder = serializers.CharField(help_text="Where the program reads the files: res/.")
    single_file_name = serializers.CharField(
        allow_null=True,
        help_text="The name a single uploaded file (not a zip) gets in res/; null: its own "
        "name, made safe.",
    )
    max_files = serializers.IntegerField(help_text="Files a zip may hold.")
    max_unpacked_mb = serializers.IntegerField(help_text="MB a zip may unpack to.")


def _fields(subtask: Subtask) -> bool:
    """Whether the subtask's built-in format fields mean anything (not for a program's)."""
    return results_format(subtask) is None


class FormatSerializer(serializers.Serializer):
    file_format = serializers.SerializerMethodField(
        help_text="jsonl, json, csv, tsv, txt; `results` for a subtask scored by the "
        "organisers' program (see `results`: the fields below are then null)."
    )
    separator = serializers.SerializerMethodField(help_text="CSV only; null otherwise.")
    id_field = serializers.SerializerMethodField()
    value_field = serializers.SerializerMethodField()
    value_type = serializers.SerializerMethodField()
    labels = serializers.SerializerMethodField(help_text="The label set, for label values.")
    range = serializers.SerializerMethodField(help_text="[min, max] for numeric values, if set.")
    description = serializers.SerializerMethodField(help_text="What to upload, in words.")
    results = serializers.SerializerMethodField(
        help_text="A program-scored subtask's results: a zip of files or a single file."
    )

    def get_file_format(self, subtask: Subtask) -> str:
        return subtask.file_format if _fields(subtask) else "results"

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_id_field(self, subtask: Subtask) -> str | None:
        return subtask.id_field if _fields(subtask) else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_value_field(self, subtask: Subtask) -> str | None:
        return subtask.value_field if _fields(subtask) else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_value_type(self, subtask: Subtask) -> str | None:
        return subtask.value_type if _fields(subtask) else None

    @extend_schema_field(serializers.CharField(allow_null=True))
    def get_separator(self, subtask: Subtask) -> str | None:
        if subtask.file_format != Subtask.FileFormat.CSV or not _fields(subtask):
            return None
        return subtask.separator or ","

    @extend_schema_field(serializers.ListField(child=serializers.CharField(), allow_null=True))
    def get_labels(self, subtask: Subtask) -> list[str] | None:
        if subtask.value_type != Subtask.ValueType.LABEL or not _fields(subtask):
            return None
        return [str(label) for label in subtask.labels]

    @extend_schema_field(serializers.ListField(child=serializers.FloatField(), allow_null=True))
    def get_range(self, subtask: Subtask) -> list[float | None] | None:
        if subtask.value_type == Subtask.ValueType.LABEL or not _fields(subtask):
            return None
        if subtask.value_min is None and subtask.value_max is None:
            return None
        return [subtask.value_min, subtask.value_max]

    def get_description(self, subtask: Subtask) -> str:
        found = results_format(subtask)
        if found is not None:
            return found.text
        fields = " and ".join([subtask.id_field, *subtask.submission_fields])
        if subtask.file_format == Subtask.FileFormat.TXT:
            return (
                f"{subtask.get_file_format_display()}: one {subtask.value_type} per line, in "
                "the inputs' order."
            )
        return f"{subtask.get_file_format_display()} with {fields} ({subtask.value_type})."

    @extend_schema_field(ResultsSerializer(allow_null=True))
    def get_results(self, subtask: Subtask) -> dict | None:
        found = results_format(subtask)
        if found is None:
            return None
        return {
            "folder": "res/",
            "single_file_name": found.single_file_name,
            "max_files": found.max_files,
            "max_unpacked_mb": found.max_unpacked_mb,
        }


class ColumnSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="The key the program writes in scores.json.")
    title = serializers.CharField()
    direction = serializers.ChoiceField(choices=["higher", "lower"])
    precision = serializers.IntegerField()
    primary = serializers.BooleanField()


class ScoringSerializer(serializers.Serializer):
    metrics = serializers.ListField(child=serializers.JSONField())
    primary = serializers.CharField(source="primary_metric")
    direction = serializers.CharField()
    columns = serializers.SerializerMethodField(
        help_text="A program-scored subtask's leaderboard columns (the shown ones, in order); "
        "null for a built-in scorer."
    )

    @extend_schema_field(ColumnSerializer(many=True, allow_null=True))
    def get_columns(self, subtask: Subtask) -> list[dict] | None:
        found = results_format(subtask)
        if found is None:
            return None
        return [
            {"key": c.key, "title": c.title or c.key, "direction": c.direction,
             "precision": c.precision, "primary": c.primary}
            for c in found.columns
        ]  # fmt: skip


class DownloadSerializer(serializers.Serializer):
    split = serializers.CharField()
    url = serializers.URLField()
    rows = serializers.IntegerField()
    available_from = serializers.DateTimeField(
        allow_null=True, help_text="Null: downloadable now (by approved participants)."
    )


class FileSerializer(serializers.Serializer):
    split = serializers.CharField(help_text="Released with this split's inputs.")
    kind = serializers.ChoiceField(choices=DataFile.Kind.values)
    filename = serializers.CharField()
    size = serializers.IntegerField(
        allow_null=True, help_text="Bytes; null until the file is released."
    )
    sha256 = serializers.CharField(
        allow_null=True,
        help_text="Null until the file is released: a digest would let anyone confirm a guess "
        "of its content before then.",
    )
    url = serializers.URLField()
    available_from = serializers.DateTimeField(
        allow_null=True, help_text="Null: downloadable now (by approved participants)."
    )


class SubtaskSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField()
    format = FormatSerializer(source="*")
    scoring = ScoringSerializer(source="*")
    downloads = serializers.SerializerMethodField()
    files = serializers.SerializerMethodField(
        help_text="Download files besides the inputs (a bundle's input data, public data and "
        "starting kit), fetched with the same rights as the inputs."
    )

    @extend_schema_field(DownloadSerializer(many=True))
    def get_downloads(self, subtask: Subtask) -> list[dict]:
        request = self.context["request"]
        task = self.context["task"]
        return [
            {
                "split": dataset.split,
                "url": request.build_absolute_uri(
                    reverse("web:data-download", args=[task.slug, subtask.slug, dataset.split])
                ),
                "rows": dataset.row_count,
                "available_from": split_available_from(task, dataset.split),
            }
            for dataset in subtask.datasets.all()
            if dataset.inputs
        ]

    @extend_schema_field(FileSerializer(many=True))
    def get_files(self, subtask: Subtask) -> list[dict]:
        request = self.context["request"]
        task = self.context["task"]
        files = []
        for row in subtask.data_files.all():
            available_from = split_available_from(task, row.split)
            released = available_from is None
            files.append(
                {
                    "split": row.split,
                    "kind": row.kind,
                    "filename": row.filename,
                    "size": row.size if released else None,
                    "sha256": row.sha256 if released else None,
                    "url": request.build_absolute_uri(
                        reverse(
                            "web:file-download",
                            args=[task.slug, subtask.slug, row.split, row.kind],
                        )
                    ),
                    "available_from": available_from,
                }
            )
        return files


class LimitsSerializer(serializers.Serializer):
    per_day = serializers.IntegerField(source="max_per_day", allow_null=True)
    total = serializers.IntegerField(source="max_total", allow_null=True)
    concurrent = serializers.IntegerField(source="max_concurrent", allow_null=True)
    max_file_mb = serializers.IntegerField()
    count_failed = serializers.BooleanField()
    failed_per_day = serializers.IntegerField(
        source="max_failed_per_day",
        allow_null=True,
        help_text="Failed submissions per team per UTC day before uploads are refused.",
    )


class PhaseSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    slug = serializers.CharField()
    name = serializers.CharField()
    kind = serializers.CharField()
    split = serializers.CharField()
    start = serializers.DateTimeField()
    end = serializers.DateTimeField()
    is_open = serializers.BooleanField()
    limits = LimitsSerializer(source="*")
    selection = serializers.CharField()
    leaderboard_mode = serializers.CharField()
    revealed_at = serializers.DateTimeField(allow_null=True)


class TaskSerializer(serializers.Serializer):
    slug = serializers.CharField()
    title = serializers.CharField()
    description = serializers.CharField()
    terms = serializers.CharField()
    visibility = serializers.CharField()
    registration_policy = serializers.CharField()
    subtasks = serializers.SerializerMethodField()
    phases = PhaseSerializer(many=True)

    @extend_schema_field(SubtaskSerializer(many=True))
    def get_subtasks(self, task: SharedTask) -> list[dict]:
        context = {**self.context, "task": task}
        return SubtaskSerializer(task.subtasks.all(), many=True, context=context).data


def _catalogue(viewer):
    return visible_tasks(viewer).prefetch_related(
        "phases",
        Prefetch(
            "subtasks",
            queryset=Subtask.objects.prefetch_related(
                # Only the inputs are listed; the gold column is not even loaded.
                Prefetch("datasets", queryset=Dataset.objects.defer("gold")),
                "data_files",
                "program_scoring__columns",
            ).select_related("program_scoring"),
        ),
    )


class TaskListView(PodiumAPIView):
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="tasks_list",
        summary="List the tasks you may see",
        description="Published tasks, and the drafts you organise.",
        responses={200: TaskSerializer(many=True)},
    )
    def get(self, request):
        tasks = _catalogue(request.user)
        return Response(TaskSerializer(tasks, many=True, context={"request": request}).data)


class TaskDetailView(PodiumAPIView):
    permission_classes = [AllowAny]

    @extend_schema(
        operation_id="tasks_retrieve",
        summary="One task with its subtasks and phases",
        responses={200: TaskSerializer, **error_responses(404)},
    )
    def get(self, request, slug: str):
        task = _catalogue(request.user).filter(slug=slug).first()
        if task is None:
            raise not_found(f"No task {slug!r}.")
        return Response(TaskSerializer(task, context={"request": request}).data)
