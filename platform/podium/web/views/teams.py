"""/teams/: the viewer's team; create, join (code or link), rename, leave, hand over, new code."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from podium.teams.forms import HandoverForm, TeamCreateForm, TeamJoinForm, TeamRenameForm
from podium.teams.models import Membership, Team
from podium.teams.selectors import membership_of, user_team
from podium.teams.services import (
    TeamError,
    team_create,
    team_handover,
    team_invite_rotate,
    team_join,
    team_leave,
    team_rename,
)


def _page(request: HttpRequest, *, status: int = 200, **forms) -> HttpResponse:
    team = user_team(request.user)
    context: dict = {"team": team}
    if team is None:
        context["create_form"] = forms.get("create_form") or TeamCreateForm()
        context["join_form"] = forms.get("join_form") or TeamJoinForm()
    else:
        membership = membership_of(team, request.user)
        captain = membership is not None and membership.role == Membership.Role.CAPTAIN
        context.update(
            membership=membership,
            captain=captain,
            invite_url=request.build_absolute_uri(
                reverse("web:team-join-link", args=[team.invite_code])
            ),
            handover_form=HandoverForm(team=team, captain=request.user) if captain else None,
            rename_form=(forms.get("rename_form") or TeamRenameForm()) if captain else None,
            alone=len(team.memberships.all()) == 1,
        )
    return render(request, "web/team.html", context, status=status)


@login_required
@require_GET
def team(request: HttpRequest) -> HttpResponse:
    return _page(request)


def _form_act(request: HttpRequest, form, *, key: str, field: str, action, success) -> HttpResponse:
    """A valid form runs action(cleaned_data); a TeamError goes on `field` and the page is shown
    again (400) with the form under `key`; else success(result) is flashed and we redirect to it.
    """
    if form.is_valid():
        try:
            result = action(form.cleaned_data)
        except TeamError as refused:
            form.add_error(field, refused.message)
        else:
            messages.success(request, success(result))
            return redirect("web:team")
    return _page(request, status=400, **{key: form})


@login_required
@require_POST
def team_create_view(request: HttpRequest) -> HttpResponse:
    return _form_act(
        request,
        TeamCreateForm(request.POST),
        key="create_form",
        field="name",
        action=lambda data: team_create(name=data["name"], captain=request.user),
        success=lambda created: f"Team {created.name} created. You are its captain.",
    )


@login_required
@require_POST
def team_join_view(request: HttpRequest) -> HttpResponse:
    return _form_act(
        request,
        TeamJoinForm(request.POST),
        key="join_form",
        field="code",
        action=lambda data: team_join(code=data["code"], user=request.user),
        success=lambda joined: f"You joined {joined.name}.",
    )


@login_required
@require_POST
def team_rename_view(request: HttpRequest) -> HttpResponse:
    team = user_team(request.user)
    membership = membership_of(team, request.user) if team is not None else None
    if membership is None or membership.role != Membership.Role.CAPTAIN:
        # Only the captain's page has the form, so the refusal is a message, as for the buttons.
        messages.error(request, "Only the team's captain may rename the team.")
        return redirect("web:team")
    return _form_act(
        request,
        TeamRenameForm(request.POST),
        key="rename_form",
        field="name",
        action=lambda data: team_rename(team=team, name=data["name"], by=request.user),
        success=lambda renamed: f"Your team is called {renamed.name} now.",
    )


@login_required
@require_http_methods(["GET", "POST"])
def team_join_link(request: HttpRequest, code: str) -> HttpResponse:
    """An invite link: GET asks to confirm (no state change on GET), POST joins."""
    if request.method == "POST":
        try:
            joined = team_join(code=code, user=request.user)
        except TeamError as refused:
            messages.error(request, refused.message)
            return redirect("web:team")
        messages.success(request, f"You joined {joined.name}.")
        return redirect("web:team")
    invited = Team.objects.filter(invite_code=code).first()
    context = {"invited": invited, "code": code, "current": user_team(request.user)}
    return render(request, "web/team_join.html", context, status=200 if invited else 404)


def _act(request: HttpRequest, action, success: str) -> HttpResponse:
    team = user_team(request.user)
    if team is None:
        messages.error(request, "You are not in a team.")
        return redirect("web:team")
    try:
        action(team)
    except TeamError as refused:
        messages.error(request, refused.message)
    else:
        messages.success(request, success)
    return redirect("web:team")


@login_required
@require_POST
def team_leave_view(request: HttpRequest) -> HttpResponse:
    return _act(request, lambda t: team_leave(team=t, user=request.user), "You left the team.")


@login_required
@require_POST
def team_rotate_view(request: HttpRequest) -> HttpResponse:
    return _act(
        request,
        lambda t: team_invite_rotate(team=t, by=request.user),
        "New invite code made; the old link and code no longer work.",
    )


@login_required
@require_POST
def team_handover_view(request: HttpRequest) -> HttpResponse:
    team = user_team(request.user)
    if team is None:
        return redirect("web:team")
    form = HandoverForm(request.POST, team=team, captain=request.user)
    if not form.is_valid():
        messages.error(request, "Choose a member of your team as the new captain.")
        return redirect("web:team")
    successor = form.cleaned_data["member"]
    return _act(
        request,
        lambda t: team_handover(team=t, by=request.user, to=successor),
        f"{successor.username} is the captain now.",
    )
