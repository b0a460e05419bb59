"""Team rules: one team per person, joining by code, leaving, captain hand-over, registering."""

import pytest

from podium.sharedtasks.models import SharedTask
from podium.submissions.models import Submission
from podium.teams.models import Membership, Registration, Team
from podium.teams.services import (
    TeamError,
    registration_request,
    team_create,
    team_handover,
    team_invite_rotate,
    team_join,
    team_leave,
)

pytestmark = pytest.mark.django_db


def role(team, user) -> str:
    return Membership.objects.get(team=team, user=user).role


def test_the_creator_is_captain_and_names_are_unique_ignoring_case(make_user):
    ada, bo = make_user("ada"), make_user("bo")
    team = team_create(name="  Lexicon  ", captain=ada)
    assert team.name == "Lexicon" and team.slug == "lexicon" and role(team, ada) == "captain"
    with pytest.raises(TeamError, match="taken"):
        team_create(name="LEXICON", captain=bo)


def test_a_person_is_in_one_team_at_most(make_user):
    ada, bo = make_user("ada"), make_user("bo")
    team_create(name="One", captain=ada)
    other = team_create(name="Two", captain=bo)
    with pytest.raises(TeamError, match="already in the team 'One'"):
        team_create(name="Three", captain=ada)
    with pytest.raises(TeamError, match="leave it first"):
        team_join(code=other.invite_code, user=ada)


def test_joining_by_code_makes_a_member_and_a_new_code_stops_the_old_one(make_user):
    ada, bo, cy = make_user("ada"), make_user("bo"), make_user("cy")
    team = team_create(name="One", captain=ada)
    old = team.invite_code
    assert team_join(code=f" {old} ", user=bo) == team and role(team, bo) == "member"
    with pytest.raises(TeamError, match="already in the team"):
        team_join(code=old, user=bo)
    with pytest.raises(TeamError, match="Only the team's captain"):
        team_invite_rotate(team=team, by=bo)
    new = team_invite_rotate(team=team, by=ada)
    assert new != old
    with pytest.raises(TeamError, match="No team has this invite code"):
        team_join(code=old, user=cy)
    with pytest.raises(TeamError, match="No team has this invite code"):
        team_join(code="", user=cy)


def test_the_captain_hands_over_before_leaving(make_user):
    ada, bo = make_user("ada"), make_user("bo")
    team = team_create(name="One", captain=ada)
    team_join(code=team.invite_code, user=bo)
    with pytest.raises(TeamError, match="hand the captaincy"):
        team_leave(team=team, user=ada)
    with pytest.raises(TeamError, match="Only the team's captain"):
        team_handover(team=team, by=bo, to=ada)
    team_handover(team=team, by=ada, to=bo)
    assert role(team, ada) == "member" and role(team, bo) == "captain"
    assert Membership.objects.filter(team=team, role="captain").count() == 1
    assert team_leave(team=team, user=ada) is False
    assert list(team.memberships.values_list("user__username", flat=True)) == ["bo"]


def test_handover_needs_a_member_of_the_team(make_user):
    ada, stranger = make_user("ada"), make_user("zed")
    team = team_create(name="One", captain=ada)
    with pytest.raises(TeamError, match="must be a member"):
        team_handover(team=team, by=ada, to=stranger)
    with pytest.raises(TeamError, match="already the captain"):
        team_handover(team=team, by=ada, to=ada)


def test_the_last_member_leaving_deletes_an_unused_team(make_user):
    ada = make_user("ada")
    team = team_create(name="One", captain=ada)
    assert team_leave(team=team, user=ada) is True
    assert not Team.objects.exists()


def test_a_team_with_submissions_outlives_its_last_member(cast):
    """Its results stay on the leaderboards; the invite code changes, and whoever joins the
    captainless team first becomes its captain."""
    from tests.api.conftest import make_scored

    make_scored(cast, team=cast.beta, phase=cast.dev)
    old_code = cast.beta.invite_code
    assert team_leave(team=cast.beta, user=cast.outsider) is False
    cast.beta.refresh_from_db()
    assert cast.beta.invite_code != old_code and Submission.objects.filter(team=cast.beta).exists()
    team_join(code=cast.beta.invite_code, user=cast.stranger)
    assert role(cast.beta, cast.stranger) == "captain"


def test_leaving_a_team_you_are_not_in_is_refused(make_user):
    ada, bo = make_user("ada"), make_user("bo")
    team = team_create(name="One", captain=ada)
    with pytest.raises(TeamError, match="not in this team"):
        team_leave(team=team, user=bo)


def test_the_captain_registers_open_tasks_at_once_and_approval_tasks_pending(make_user):
    ada, bo = make_user("ada"), make_user("bo")
    team = team_create(name="One", captain=ada)
    team_join(code=team.invite_code, user=bo)
    open_task = SharedTask.objects.create(
        slug="open", title="Open", visibility="published", registration_policy="open"
    )
    strict = SharedTask.objects.create(slug="strict", title="Strict", visibility="published")
    draft = SharedTask.objects.create(slug="draft", title="Draft")
    with pytest.raises(TeamError, match="captain"):
        registration_request(team=team, task=open_task, by=bo)
    assert registration_request(team=team, task=open_task, by=ada).status == "approved"
    assert registration_request(team=team, task=strict, by=ada).status == "pending"
    assert registration_request(team=team, task=strict, by=ada).status == "pending"  # idempotent
    with pytest.raises(TeamError, match="not open"):
        registration_request(team=team, task=draft, by=ada)
    assert Registration.objects.filter(team=team).count() == 2
