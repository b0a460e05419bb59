"""Admin forms that check organisers' configuration and data files when they are saved."""

import tempfile
from contextlib import contextmanager
from pathlib import Path

from django import forms
from django.core.files.uploadedfile import UploadedFile

import scorers
from podium.sharedtasks.datasets import dataset_check_files
from podium.sharedtasks.models import Dataset, Subtask
from podium.sharedtasks.specs import subtask_scorer_spec


class SubtaskForm(forms.ModelForm):
    class Meta:
        model = Subtask
        exclude = []  # noqa: DJ006 - every field is edited in the admin's fieldsets

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        candidate = Subtask(**{k: v for k, v in data.items() if k in _SUBTASK_FIELDS})
        if candidate.value_type == Subtask.ValueType.LABEL and not candidate.labels:
            self.add_error("labels", "A label set is needed when values are labels.")
        elif candidate.value_type != Subtask.ValueType.LABEL and candidate.labels:
            self.add_error("labels", "Only labelled subtasks have a label set; leave it empty.")
        if hasattr(self.instance, "program_scoring"):
            # Scored by an organiser's program: its declared columns set the metrics
            # (podium.programs), which no built-in scorer needs to know.
            return data
        if candidate.primary_metric not in candidate.metric_names:
            self.add_error(
                "primary_metric", f"Must be one of the metrics: {candidate.metric_names}"
            )
        if not self.errors:
            try:
                scorers.load_spec(subtask_scorer_spec(candidate, split="test"))
            except scorers.SpecError as exc:
                raise forms.ValidationError(
                    f"The scorer cannot use this configuration: {exc}"
                ) from exc
        return data


_SUBTASK_FIELDS = {f.name for f in Subtask._meta.concrete_fields} - {"id", "task"}


@contextmanager
def _local_path(value, field):
    """A path on disk for an uploaded file, or for the stored file when nothing new was sent."""
    if isinstance(value, UploadedFile):
        if hasattr(value, "temporary_file_path"):
            yield Path(value.temporary_file_path())
            return
        with tempfile.NamedTemporaryFile(suffix=".jsonl") as handle:
            for chunk in value.chunks():
                handle.write(chunk)
            handle.flush()
            value.seek(0)
            yield Path(handle.name)
        return
    if field and field.name:
        yield Path(field.storage.path(field.name))
        return
    yield None


class StoredFileInput(forms.ClearableFileInput):
    """Shows the stored file's name without a link: gold files have no URL, and inputs are
    downloaded through permission-checked views, never from the storage directly."""

    template_name = "sharedtasks/widgets/stored_file.html"

    def is_initial(self, value):
        return bool(value and getattr(value, "name", None))


class DatasetForm(forms.ModelForm):
    class Meta:
        model = Dataset
        fields = ["split", "inputs", "gold"]
        widgets = {"inputs": StoredFileInput, "gold": StoredFileInput}

    def clean(self):
        data = super().clean()
        if self.errors or not data.get("inputs"):
            return data
        subtask = self.instance.subtask
        with (
            _local_path(data.get("inputs"), self.instance.inputs) as inputs_path,
            _local_path(data.get("gold"), self.instance.gold) as gold_path,
        ):
            problems = dataset_check_files(
                subtask=subtask, split=data["split"], inputs_path=inputs_path, gold_path=gold_path
            )
        if problems:
            raise forms.ValidationError(problems)
        return data
