from django import forms

from baselines.registry import METHODS
from podium.baselineruns.models import BaselineRun


class BaselineRunForm(forms.ModelForm):
    method = forms.ChoiceField(
        choices=[(name, f"{name}: {m.description}") for name, m in METHODS.items()]
    )

    class Meta:
        model = BaselineRun
        fields = ["subtask", "method", "params", "seed"]
