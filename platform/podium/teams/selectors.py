"""Reads of teams as the pages show them: the viewer's team, its members and registrations."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from podium.sharedtasks.models import SharedTask
from podium.sharedtasks.selectors import format_when, is_organiser_of, split_available_from
from podium.teams.models import Membership, Registration, Team


def user_team(user) -> Team | None:
    """The viewer's team (at most one: a constraint on Membership), members prefetched."""
    if user is None or not user.is_authenticated:
        return None
    return (
        Team.objects.of_user(user)
        .prefetch_related(
            Prefetch(
                "memberships",
                queryset=Membership.objects.select_related("user").order_by("role", "joined_at"),
            ),
            Prefetch(
                "registrations",
                queryset=Registration.objects.select_related("task").order_by("task__title"),
            ),
        )
        .first()
    )


def membership_of(team: Team, user) -> Membership | None:
    """Reads `team.memberships.all()`, so a prefetched team costs no query."""
    return next((m for m in team.memberships.all() if m.user_id == user.pk), None)


def task_registration(user, task) -> Registration | None:
    """The registration of the viewer's team for `task`, if any."""
    if user is None or not user.is_authenticated:
        return None
    return (
        Registration.objects.filter(team__memberships__user=user, task=task)
        .select_related("team")
        .first()
    )


def approved_teams(viewer, task: SharedTask) -> QuerySet[Team]:
    """The viewer's teams whose registration for `task` is approved."""
    if viewer is None or not viewer.is_authenticated:
        return Team.objects.none()
    return Team.objects.approved_for(task).filter(memberships__user=viewer).distinct()


def download_refusal(viewer, task: SharedTask, split: str) -> str | None:
    """Why the viewer may not download the split's inputs, or None when they may."""
    if is_organiser_of(viewer, task):
        return None
    if not approved_teams(viewer, task).exists():
        return (
            "Only members of a team with an approved registration for this task "
            "may download its data."
        )
    opens = split_available_from(task, split)
    if opens is not None:
        return f"The {split} inputs are released on {format_when(opens)}."
    return None
