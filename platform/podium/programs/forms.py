"""Admin forms: a new program version, a reference folder, a trial run."""

from __future__ import annotations

import tempfile
from contextlib import contextmanager
from pathlib import Path

from django import forms
from django.core.files.uploadedfile import UploadedFile

from podium.programs.models import ProgramScoring, ReferenceData, ScoringProgram
from podium.programs.services import ProgramConfigError, program_check, reference_store
from podium.sharedtasks.models import Dataset


@contextmanager
def uploaded_path(upload: UploadedFile, suffix: str = ".zip"):
    """A path on disk for an upload (Django keeps small ones in memory)."""
    if hasattr(upload, "temporary_file_path"):
        yield Path(upload.temporary_file_path())
        return
    with tempfile.NamedTemporaryFile(suffix=suffix) as handle:
        for chunk in upload.chunks():
            handle.write(chunk)
        handle.flush()
        upload.seek(0)
        yield Path(handle.name)


class ScoringProgramForm(forms.ModelForm):
    new_version = forms.FileField(
        required=False,
        help_text="A zip of the program with a 'metadata' file ('command: ...') at its root. "
        "Each upload is kept as a new version; rescoring uses the newest.",
    )

    class Meta:
        model = ScoringProgram
        fields = [
            "task", "name", "description", "timeout_s", "memory_mb", "output_mb",
            "stderr_participant_safe", "detailed_results_to_team",
        ]  # fmt: skip

    def clean_new_version(self):
        upload = self.cleaned_data.get("new_version")
        if upload:
            with uploaded_path(upload) as path:
                try:
                    program_check(path)
                except ProgramConfigError as exc:
                    raise forms.ValidationError(str(exc)) from exc
        return upload


class ReferenceDataForm(forms.ModelForm):
    upload = forms.FileField(
        required=False, help_text="A zip of the reference folder the program reads as ref/."
    )

    class Meta:
        model = ReferenceData
        fields = ["subtask", "split", "partition"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            # A stored reference keeps its place; another split or partition is a new one.
            # (Named here: the admin's form class has a Meta of its own, with `upload` in it.)
            for name in ("subtask", "split", "partition"):
                if name in self.fields:
                    self.fields[name].disabled = True

    def clean(self):
        data = super().clean()
        if not self.instance.pk and not data.get("upload"):
            self.add_error("upload", "Upload the reference folder as a zip.")
        return data

    def store(self) -> ReferenceData:
        data = self.cleaned_data
        if data.get("upload"):
            with uploaded_path(data["upload"]) as path:
                reference_store(
                    subtask=data["subtask"], split=data["split"], partition=data["partition"],
                    source=path,
                )  # fmt: skip
        return ReferenceData.objects.get(
            subtask=data["subtask"], split=data["split"], partition=data["partition"]
        )

    def _post_clean(self):
        super()._post_clean()
        data = getattr(self, "cleaned_data", {})
        upload = data.get("upload")
        if upload and "subtask" in data:
            with uploaded_path(upload) as path:
                try:
                    # dry_run: checks the zip and the split/partition rule, stores nothing.
                    reference_store(
                        subtask=data["subtask"], split=data["split"],
                        partition=data["partition"], source=path, dry_run=True,
                    )  # fmt: skip
                except ProgramConfigError as exc:
                    self.add_error("upload", str(exc))


class TrialForm(forms.Form):
    subtask = forms.ModelChoiceField(queryset=ProgramScoring.objects.none(), label="Subtask")
    split = forms.ChoiceField(choices=Dataset.Split.choices, initial="test")
    results = forms.FileField(help_text="A results zip or file, e.g. the bundle's sample one.")

    def __init__(self, *args, program: ScoringProgram, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["subtask"].queryset = ProgramScoring.objects.filter(
            program=program
        ).select_related("subtask")


class BundleUploadForm(forms.Form):
    bundle = forms.FileField(help_text="The competition bundle zip (competition.yaml at its top).")
    dry_run = forms.BooleanField(required=False, help_text="Check and report; change nothing.")
    publish = forms.BooleanField(required=False, help_text="Make a new task visible at once.")
