"""Forms of the team pages; the rules themselves live in teams.services."""

from __future__ import annotations

from django import forms
from django.contrib.auth import get_user_model

from podium.teams.models import Team
from podium.teams.services import MAX_TEAM_NAME, TeamError, team_name_check


class TeamCreateForm(forms.Form):
    name = forms.CharField(label="Team name", max_length=MAX_TEAM_NAME)


class TeamRenameForm(forms.Form):
    name = forms.CharField(label="New name", max_length=MAX_TEAM_NAME)


class TeamAdminForm(forms.ModelForm):
    """The admin's team form: the same name rules as the participants' pages (teams.services)."""

    class Meta:
        model = Team
        fields = ["name", "slug"]

    def clean_name(self):
        try:
            return team_name_check(name=self.cleaned_data["name"], team=self.instance)
        except TeamError as refused:
            raise forms.ValidationError(refused.message, code=refused.code) from refused


class TeamJoinForm(forms.Form):
    code = forms.CharField(label="Invite code", max_length=32)


class HandoverForm(forms.Form):
    member = forms.ModelChoiceField(label="New captain", queryset=None, empty_label=None)

    def __init__(self, *args, team: Team, captain, **kwargs):
        super().__init__(*args, **kwargs)
        users = get_user_model().objects.filter(memberships__team=team).exclude(pk=captain.pk)
        self.fields["member"].queryset = users.order_by("username")
