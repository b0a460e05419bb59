"""Admin forms that check organisers' configuration and data files when they are saved."""

from django import forms
from django.core.files.uploadedfile import UploadedFile

import scorers
from podium.sharedtasks.admin_fields import ListField, MetricsField
from podium.sharedtasks.datasets import dataset_check_uploads
from podium.sharedtasks.files import data_file_describe, safe_filename
from podium.sharedtasks.models import DataFile, Dataset, Subtask
from podium.sharedtasks.specs import subtask_scorer_spec


class SubtaskForm(forms.ModelForm):
    """A subtask's settings; on save the whole scorer configuration goes through the scorers'
    own spec loader, and its message is shown on the field it concerns."""

    labels = ListField(
        lines=True,
        label="Labels",
        help_text="One label per line (or separated by commas), for labelled subtasks.",
    )
    group_fields = ListField(
        lines=False,
        label="Group fields",
        help_text="Gold columns to break scores down by, separated by commas, e.g. language, "
        "domain.",
    )
    metrics = MetricsField(label="Metrics")

    class Meta:
        model = Subtask
        exclude = []  # noqa: DJ006 - every field is edited in the admin's fieldsets
        help_texts = {
            "primary_metric": "The metric that ranks the leaderboard (its name, or "
            "its key when a line sets key=...)."
        }

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        candidate = Subtask(**{k: v for k, v in data.items() if k in _SUBTASK_FIELDS})
        if candidate.value_type == Subtask.ValueType.LABEL and not candidate.labels:
            self.add_error("labels", "A label set is needed when values are labels.")
        elif candidate.value_type != Subtask.ValueType.LABEL and candidate.labels:
            self.add_error("labels", "Only labelled subtasks have a label set; leave it empty.")
        if self.errors:
            return data
        if hasattr(self.instance, "program_scoring"):
            # Scored by an organiser's program: its declared columns set the metrics
            # (podium.programs), which no built-in scorer needs to know.
            return data
        try:
            scorers.load_spec(subtask_scorer_spec(candidate, split="test"))
        except scorers.SpecError as exc:
            self.add_error(_spec_error_field(str(exc)), f"The scorer cannot use this: {exc}")
        return data


# The first words of the scorers' SpecError messages, and the field each one is about.
_SPEC_ERROR_FIELDS = (
    (("metric", "unknown metric", "metrics"), "metrics"),
    (("primary",), "primary_metric"),
    (("labels",), "labels"),
    (("range",), "value_min"),
    (("separator",), "separator"),
    (("group_fields", "group field"), "group_fields"),
    (("format",), "file_format"),
    (("value_type",), "value_type"),
    (("id_field",), "id_field"),
    (("value_field",), "value_field"),
)


def _spec_error_field(message: str) -> str | None:
    for starts, field in _SPEC_ERROR_FIELDS:
        if message.startswith(starts):
            return field
    return None


_SUBTASK_FIELDS = {f.name for f in Subtask._meta.concrete_fields} - {"id", "task"}


class StoredFileInput(forms.ClearableFileInput):
    """Shows the stored file's name without a link: gold files have no URL, and inputs are
    downloaded through permission-checked views, never from the storage directly."""

    template_name = "sharedtasks/widgets/stored_file.html"

    def is_initial(self, value):
        return bool(value and getattr(value, "name", None))


class DatasetForm(forms.ModelForm):
    """One split in the subtask's admin page. The files are checked here (errors on the form) and
    stored by the admin through sharedtasks.datasets, the task-file import's own service."""

    class Meta:
        model = Dataset
        fields = ["split", "inputs", "gold"]
        widgets = {"inputs": StoredFileInput, "gold": StoredFileInput}

    def __init__(self, *args, subtask: Subtask, **kwargs):
        # The subtask comes from the formset: on "add" it is not saved yet (it has no pk), and
        # the dataset instance has no subtask until the admin saves both.
        super().__init__(*args, **kwargs)
        self.subtask = subtask

    def clean(self):
        data = super().clean()
        if self.errors or not self.has_changed() or not data.get("inputs"):
            return data
        try:
            scorers.load_spec(subtask_scorer_spec(self.subtask, split=data["split"]))
        except (scorers.SpecError, AttributeError, TypeError, ValueError):
            # The subtask's own form reports a configuration the scorer cannot use; checking
            # files against it would only repeat that error once per split.
            return data
        new = [data[f] if isinstance(data[f], UploadedFile) else None for f in ("inputs", "gold")]
        problems = dataset_check_uploads(
            subtask=self.subtask,
            split=data["split"],
            inputs=new[0],
            gold=new[1],
            dataset=self.instance if self.instance.pk else None,
            clear_gold=data.get("gold") is False,
        )
        if problems:
            raise forms.ValidationError(problems)
        return data


class DatasetFormSet(forms.BaseInlineFormSet):
    def get_form_kwargs(self, index):
        return {**super().get_form_kwargs(index), "subtask": self.instance}


class DataFileForm(forms.ModelForm):
    """A download file (a starting kit, input data): stored as uploaded, served like the split's
    inputs. Never upload gold or reference data here."""

    class Meta:
        model = DataFile
        fields = ["split", "kind", "file", "filename"]
        widgets = {"file": StoredFileInput}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["filename"].required = False
        self.fields["filename"].help_text = "Empty: the uploaded file's name."

    def clean_filename(self):
        # Whatever is typed: the name goes into Content-Disposition and into export_task's
        # folder, so no folders, quotes or "..".
        name = self.cleaned_data.get("filename") or ""
        return (
            safe_filename(name, f"{self.cleaned_data.get('kind') or 'download'}.zip")
            if name
            else ""
        )

    def save(self, commit=True):
        upload = self.cleaned_data.get("file")
        if isinstance(upload, UploadedFile):
            if "filename" not in self.changed_data:
                self.instance.filename = ""
            data_file_describe(self.instance, upload)
        elif not self.instance.filename:
            self.instance.filename = safe_filename(self.instance.file.name, "download")
        return super().save(commit)
