"""Writes for teams, memberships and registrations."""

from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from podium.teams.models import Membership, Registration, Team


@transaction.atomic
def team_create(*, name: str, captain) -> Team:
    """A new team with `captain` as its first member."""
    base = slugify(name)[:90] or "team"
    slug, n = base, 1
    while Team.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    team = Team.objects.create(name=name, slug=slug)
    Membership.objects.create(team=team, user=captain, role=Membership.Role.CAPTAIN)
    return team


def registration_create(*, team: Team, task) -> Registration:
    """Register a team for a task; tasks with open registration approve at once."""
    status = (
        Registration.Status.APPROVED
        if task.registration_policy == "open"
        else Registration.Status.PENDING
    )
    registration, _ = Registration.objects.get_or_create(
        team=team, task=task, defaults={"status": status}
    )
    return registration


def registrations_decide(*, registrations, status: str, by) -> int:
    """Approve or reject registrations in bulk; returns how many changed.

    Only registrations not already in `status` are touched, so repeating an action is harmless.
    """
    if status not in (Registration.Status.APPROVED, Registration.Status.REJECTED):
        raise ValueError(f"cannot decide a registration as {status!r}")
    return registrations.exclude(status=status).update(
        status=status, decided_at=timezone.now(), decided_by=by
    )
