"""Forms of the participant pages; the refusals themselves come from the services."""

from __future__ import annotations

from django import forms

from podium.sharedtasks.models import SharedTask
from podium.submissions.uploads import MAX_DESCRIPTION, MAX_METHOD_NAME


class PhaseChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.name} (scored on {obj.get_split_display().lower()})"


class SubtaskChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return f"{obj.slug}: {obj.title}"


class SubmitForm(forms.Form):
    phase = PhaseChoice(queryset=None, empty_label=None)
    subtask = SubtaskChoice(queryset=None, to_field_name="slug", empty_label=None)
    # Empty files pass here so that the participant reads the service's own message.
    file = forms.FileField(allow_empty_file=True, label="Prediction file")
    method_name = forms.CharField(
        max_length=MAX_METHOD_NAME,
        required=False,
        help_text="Shown on the results page, e.g. 'TF-IDF + logistic regression'.",
    )
    description = forms.CharField(
        max_length=MAX_DESCRIPTION,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="For your team and the organisers.",
    )

    def __init__(self, *args, task: SharedTask, **kwargs):
        super().__init__(*args, **kwargs)
        # Only open phases are offered; a closed one posted anyway is an invalid choice.
        self.fields["phase"].queryset = task.phases.open()
        self.fields["subtask"].queryset = task.subtasks.all()


class RegisterForm(forms.Form):
    accept_terms = forms.BooleanField(
        label="My team accepts the rules and terms of this task.", required=True
    )
