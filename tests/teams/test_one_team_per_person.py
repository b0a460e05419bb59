"""One team per person is held by the database, so concurrent requests cannot break it."""

import threading

import pytest
from django.db import IntegrityError, close_old_connections, connection, transaction

from podium.teams import services
from podium.teams.models import Membership, Team
from podium.teams.services import TeamError, team_create, team_join


@pytest.mark.django_db
def test_the_database_refuses_a_second_membership_of_one_person(make_user):
    ada = make_user("ada")
    team_create(name="One", captain=ada)
    other = Team.objects.create(name="Two", slug="two")
    with pytest.raises(IntegrityError), transaction.atomic():
        Membership.objects.create(team=other, user=ada)
    assert Membership.objects.filter(user=ada).count() == 1


@pytest.mark.django_db
def test_the_admin_inline_says_so_instead_of_failing(client, django_user_model, make_user):
    ada = make_user("ada")
    team_create(name="One", captain=ada)
    other = Team.objects.create(name="Two", slug="two")
    client.force_login(django_user_model.objects.create_superuser("root", password="x"))
    response = client.post(
        f"/admin/teams/team/{other.pk}/change/",
        {
            "name": "Two",
            "slug": "two",
            "memberships-TOTAL_FORMS": 1,
            "memberships-INITIAL_FORMS": 0,
            "memberships-0-user": ada.pk,
            "memberships-0-role": "member",
            "memberships-0-team": other.pk,
        },
    )
    assert response.status_code == 200
    assert "already in a team" in response.content.decode()
    assert Membership.objects.filter(user=ada).count() == 1


def _race(actions) -> list:
    """Run each action in its own thread and connection; all pass the "already in a team?" check
    before any of them inserts, as two simultaneous requests could."""
    barrier = threading.Barrier(len(actions), timeout=20)
    real_check = services._refuse_if_in_a_team

    def check_then_wait(user):
        real_check(user)
        barrier.wait()

    outcomes: list = [None] * len(actions)

    def run(i, action):
        try:
            outcomes[i] = action()
        except Exception as exc:  # the outcome under test, whatever it is
            outcomes[i] = exc
        finally:
            close_old_connections()
            connection.close()

    services._refuse_if_in_a_team = check_then_wait
    try:
        threads = [threading.Thread(target=run, args=(i, a)) for i, a in enumerate(actions)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(30)
    finally:
        services._refuse_if_in_a_team = real_check
    return outcomes


@pytest.mark.services
@pytest.mark.django_db(transaction=True)
def test_concurrent_creates_and_joins_of_one_person_leave_one_membership(make_user):
    ada, bo = make_user("ada"), make_user("bo")
    open_team = team_create(name="Open", captain=bo)
    outcomes = _race(
        [
            lambda: team_create(name="First", captain=ada),
            lambda: team_create(name="Second", captain=ada),
            lambda: team_join(code=open_team.invite_code, user=ada),
        ]
    )
    won = [o for o in outcomes if isinstance(o, Team)]
    lost = [o for o in outcomes if isinstance(o, TeamError)]
    assert len(won) == 1 and len(lost) == 2, outcomes
    assert {o.code for o in lost} == {"has_team"}
    assert Membership.objects.filter(user=ada).count() == 1
    assert Membership.objects.get(user=ada).team == won[0]
    # A losing create leaves no captainless team behind.
    assert set(Team.objects.values_list("name", flat=True)) == {"Open", won[0].name}
