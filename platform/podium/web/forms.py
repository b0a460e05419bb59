"""The plain upload form; the refusals themselves come from the submissions service."""

from __future__ import annotations

from django import forms

from podium.sharedtasks.models import SharedTask
from podium.submissions.uploads import MAX_DESCRIPTION, MAX_METHOD_NAME


class SubmitForm(forms.Form):
    phase = forms.ModelChoiceField(queryset=None, empty_label=None)
    subtask = forms.ModelChoiceField(queryset=None, to_field_name="slug", empty_label=None)
    # Empty files pass here so that the participant reads the service's own message.
    file = forms.FileField(allow_empty_file=True)
    method_name = forms.CharField(max_length=MAX_METHOD_NAME, required=False)
    description = forms.CharField(
        max_length=MAX_DESCRIPTION, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )

    def __init__(self, *args, task: SharedTask, **kwargs):
        super().__init__(*args, **kwargs)
        # Only open phases are offered; a closed one posted anyway is an invalid choice.
        self.fields["phase"].queryset = task.phases.open()
        self.fields["subtask"].queryset = task.subtasks.all()
