"""Writes for teams, memberships and registrations.

Rules the pages and the API share (each refusal is a `TeamError` whose message is for the user):

- A person belongs to at most one team (the demo tasks' terms say so, and it spares the upload
  form a "which team?" question). Creating or joining a team while in one is refused; a database
  constraint (one membership per user) settles two concurrent requests of the same person.
- Team names are unique ignoring case, and names that read as "baseline" (ignoring case,
  spacing, punctuation and look-alike letters, see teams.names) are reserved: leaderboards list
  the organisers' baselines among the teams, and a team must not pass for one.
- Anyone holding a team's invite code may join; members see the code, the captain rotates it.
- The captain renames the team, under the same name rules as at creation.
- A member may leave at any time. The captain must hand over first, unless alone: the last
  member leaving deletes a team that has no submissions, and keeps one that has (its results
  stay on the leaderboards) with a fresh invite code, so old links stop working.
- Hand-over moves the captaincy to another member in one transaction (one captain per team is a
  database constraint, so the old captain is demoted before the new one is promoted).
- The captain registers the team for a published task; open tasks approve at once.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.text import slugify

from podium.sharedtasks.models import SharedTask
from podium.teams.models import Membership, Registration, Team, new_invite_code
from podium.teams.names import reserved_word_in

MAX_TEAM_NAME = 100


class TeamError(Exception):
    """A team action that cannot be done; the message is for the person who tried."""

    def __init__(self, message: str, *, code: str = "invalid"):
        super().__init__(message)
        self.message = message
        self.code = code


def _refuse_if_in_a_team(user) -> None:
    current = Team.objects.of_user(user).first()
    if current is not None:
        raise TeamError(
            f"You are already in the team {current.name!r}; leave it first.", code="has_team"
        )


def _captain_membership(team: Team, user) -> Membership:
    membership = Membership.objects.filter(team=team, user=user).first()
    if membership is None or membership.role != Membership.Role.CAPTAIN:
        raise TeamError("Only the team's captain may do this.", code="not_captain")
    return membership


def team_name_check(*, name: str, team: Team | None = None) -> str:
    """The name as it will be stored (trimmed), or a TeamError saying why it cannot be used.

    `team` is the team being renamed (its own name is not "taken"). The admin's team form calls
    this too, so no path stores a name the participants' pages would refuse.
    """
    name = name.strip()
    if not name or len(name) > MAX_TEAM_NAME:
        raise TeamError(f"A team name has 1 to {MAX_TEAM_NAME} characters.", code="bad_name")
    if reserved := reserved_word_in(name):
        raise TeamError(
            f"Team names may not read as {reserved!r}: leaderboards mark the organisers' "
            f"{reserved}s, and a team must not look like one. Choose another name.",
            code="name_reserved",
        )
    taken = Team.objects.filter(name__iexact=name)
    if team is not None:
        taken = taken.exclude(pk=team.pk)
    if taken.exists():
        raise TeamError(f"The name {name!r} is taken; choose another.", code="name_taken")
    return name


def _join_as(team: Team, user, role: str) -> Membership:
    """Insert the membership; the one-team-per-user constraint decides a concurrent race."""
    try:
        with transaction.atomic():
            return Membership.objects.create(team=team, user=user, role=role)
    except IntegrityError as exc:
        if Membership.objects.filter(user=user).exists():
            raise TeamError("You are already in a team; leave it first.", code="has_team") from exc
        # The other constraint: someone else became the captain of a captainless team just now.
        raise TeamError(
            "The team changed while you joined; please try again.", code="retry"
        ) from exc


@transaction.atomic
def team_create(*, name: str, captain) -> Team:
    """A new team with `captain` as its first member."""
    name = team_name_check(name=name)
    _refuse_if_in_a_team(captain)
    base = slugify(name)[:90] or "team"
    slug, n = base, 1
    while Team.objects.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    try:
        with transaction.atomic():
            team = Team.objects.create(name=name, slug=slug)
    except IntegrityError as exc:  # a concurrent creation took the name between check and insert
        raise TeamError(f"The name {name!r} is taken; choose another.", code="name_taken") from exc
    # A refusal here propagates out of this transaction, so the new team is rolled back too.
    _join_as(team, captain, Membership.Role.CAPTAIN)
    return team


@transaction.atomic
def team_rename(*, team: Team, name: str, by) -> Team:
    """Rename the team (captain only). The slug stays, so links and API calls keep working."""
    _captain_membership(team, by)
    team.name = team_name_check(name=name, team=team)
    try:
        with transaction.atomic():
            team.save(update_fields=["name"])
    except IntegrityError as exc:
        raise TeamError(
            f"The name {team.name!r} is taken; choose another.", code="name_taken"
        ) from exc
    return team


def team_invite_rotate(*, team: Team, by) -> str:
    """A new invite code (old links and codes stop working); captain only."""
    _captain_membership(team, by)
    team.invite_code = new_invite_code()
    team.save(update_fields=["invite_code"])
    return team.invite_code


@transaction.atomic
def team_join(*, code: str, user) -> Team:
    """Join the team whose invite code is `code`."""
    team = Team.objects.filter(invite_code=code.strip()).first() if code.strip() else None
    if team is None:
        raise TeamError(
            "No team has this invite code; ask your captain for a new one.", code="bad_code"
        )
    if Membership.objects.filter(team=team, user=user).exists():
        raise TeamError(f"You are already in the team {team.name!r}.", code="already_member")
    _refuse_if_in_a_team(user)
    # A team its last member left has no captain: whoever joins it first takes the role.
    role = (
        Membership.Role.MEMBER
        if team.memberships.filter(role=Membership.Role.CAPTAIN).exists()
        else Membership.Role.CAPTAIN
    )
    _join_as(team, user, role)
    return team


@transaction.atomic
def team_leave(*, team: Team, user) -> bool:
    """Leave `team`; returns True when the team was deleted (last member, no submissions)."""
    memberships = list(Membership.objects.select_for_update().filter(team=team))
    mine = next((m for m in memberships if m.user_id == user.pk), None)
    if mine is None:
        raise TeamError("You are not in this team.", code="not_member")
    if mine.role == Membership.Role.CAPTAIN and len(memberships) > 1:
        raise TeamError(
            "You are the captain: hand the captaincy to another member before you leave.",
            code="captain_must_hand_over",
        )
    mine.delete()
    if len(memberships) > 1:
        return False
    if not team.submissions.exists():
        team.delete()
        return True
    team.invite_code = new_invite_code()
    team.save(update_fields=["invite_code"])
    return False


@transaction.atomic
def team_handover(*, team: Team, by, to) -> None:
    """Make member `to` the captain instead of `by`, in one transaction."""
    memberships = {m.user_id: m for m in Membership.objects.select_for_update().filter(team=team)}
    current = memberships.get(by.pk)
    if current is None or current.role != Membership.Role.CAPTAIN:
        raise TeamError("Only the team's captain may hand over the captaincy.", code="not_captain")
    successor = memberships.get(to.pk)
    if successor is None:
        raise TeamError("The new captain must be a member of the team.", code="not_member")
    if successor.pk == current.pk:
        raise TeamError("You are already the captain.", code="already_captain")
    # Demote first: the one-captain constraint is checked after each statement.
    Membership.objects.filter(pk=current.pk).update(role=Membership.Role.MEMBER)
    Membership.objects.filter(pk=successor.pk).update(role=Membership.Role.CAPTAIN)


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


def registration_request(*, team: Team, task: SharedTask, by) -> Registration:
    """The captain registers the team for a published task (repeating it changes nothing)."""
    _captain_membership(team, by)
    if task.visibility != SharedTask.Visibility.PUBLISHED:
        raise TeamError("This task is not open for registration.", code="not_published")
    return registration_create(team=team, task=task)


def registrations_decide(*, registrations, status: str, by) -> int:
    """Approve or reject registrations in bulk; returns how many changed.

    Only registrations not already in `status` are touched, so repeating an action is harmless.
    """
    if status not in (Registration.Status.APPROVED, Registration.Status.REJECTED):
        raise ValueError(f"cannot decide a registration as {status!r}")
    return registrations.exclude(status=status).update(
        status=status, decided_at=timezone.now(), decided_by=by
    )
