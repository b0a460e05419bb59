"""Reads of teams as the pages show them: the viewer's team, its members and registrations."""

from __future__ import annotations

from django.db.models import Prefetch

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
