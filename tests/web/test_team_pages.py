"""/teams/: create, join by code or link, leave, hand over, rotate; no state change on GET."""

import pytest

from podium.teams.models import Membership, Team

from .conftest import browser, html

pytestmark = pytest.mark.django_db


def test_anonymous_visitors_are_sent_to_log_in(cast):
    for url in ("/teams/", f"/teams/join/{cast.alpha.invite_code}/"):
        response = browser().get(url)
        assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_without_a_team_the_page_offers_create_and_join(cast):
    page = html(cast.stranger, "/teams/")
    assert "Create a team" in page and "Join a team" in page
    assert cast.alpha.invite_code not in page


def test_creating_a_team_makes_the_creator_captain(cast):
    client = browser(cast.stranger)
    response = client.post("/teams/create/", {"name": "Gamma"})
    assert response.status_code == 302
    page = client.get("/teams/").content.decode()
    assert "Team Gamma" in page and "badge captain" in page
    gamma = Team.objects.get(name="Gamma")
    assert gamma.invite_code in page and f"/teams/join/{gamma.invite_code}/" in page


def test_a_taken_name_is_refused_with_the_services_message(cast):
    response = browser(cast.stranger).post("/teams/create/", {"name": "alpha"})
    assert response.status_code == 400 and "is taken" in response.content.decode()


def test_members_see_their_team_but_never_another_teams_code(cast):
    page = html(cast.teammate, "/teams/")
    assert "<h1>Alpha</h1>" in page and cast.alpha.invite_code in page
    assert "Make a new code" not in page  # captain only
    assert cast.beta.invite_code not in page and "Beta" not in page


def test_joining_by_code(cast):
    client = browser(cast.stranger)
    bad = client.post("/teams/join/", {"code": "nope"})
    assert bad.status_code == 400 and "No team has this invite code" in bad.content.decode()
    client.post("/teams/join/", {"code": cast.alpha.invite_code})
    assert Membership.objects.get(team=cast.alpha, user=cast.stranger).role == "member"


def test_an_invite_link_asks_before_joining(cast):
    client = browser(cast.stranger)
    url = f"/teams/join/{cast.alpha.invite_code}/"
    page = client.get(url).content.decode()
    assert "Join Alpha" in page
    assert not Membership.objects.filter(user=cast.stranger).exists()  # GET changes nothing
    client.post(url)
    assert Membership.objects.filter(team=cast.alpha, user=cast.stranger).exists()
    assert "already in" in client.get(url).content.decode()
    assert client.get("/teams/join/stale-code/").status_code == 404


def test_someone_in_a_team_must_leave_before_following_a_link(cast):
    page = html(cast.outsider, f"/teams/join/{cast.alpha.invite_code}/")
    assert "leave your team" in page and "Join Alpha</button>" not in page


def test_rotating_the_code_is_for_the_captain(cast):
    old = cast.alpha.invite_code
    browser(cast.teammate).post("/teams/invite/rotate/")
    cast.alpha.refresh_from_db()
    assert cast.alpha.invite_code == old
    browser(cast.participant).post("/teams/invite/rotate/")
    cast.alpha.refresh_from_db()
    assert cast.alpha.invite_code != old


def test_the_captain_hands_over_then_leaves(cast):
    client = browser(cast.participant)
    page = client.get("/teams/").content.decode()
    assert "hand the captaincy to another member before you leave" in page
    client.post("/teams/leave/")
    assert Membership.objects.filter(team=cast.alpha, user=cast.participant).exists()
    client.post("/teams/handover/", {"member": cast.teammate.pk})
    assert Membership.objects.get(team=cast.alpha, user=cast.teammate).role == "captain"
    client.post("/teams/leave/")
    assert not Membership.objects.filter(user=cast.participant).exists()
    assert "Create a team" in client.get("/teams/").content.decode()


def test_handover_to_a_non_member_is_refused(cast):
    browser(cast.participant).post("/teams/handover/", {"member": cast.outsider.pk})
    assert Membership.objects.get(team=cast.alpha, user=cast.participant).role == "captain"


@pytest.mark.parametrize(
    "url", ["/teams/create/", "/teams/join/", "/teams/leave/", "/teams/handover/",
            "/teams/invite/rotate/"],
)  # fmt: skip
def test_team_actions_refuse_get(cast, url):
    assert browser(cast.participant).get(url).status_code == 405


def test_team_actions_need_the_csrf_token(cast):
    client = browser(cast.stranger, csrf=True)
    assert client.post("/teams/create/", {"name": "Gamma"}).status_code == 403
    assert not Team.objects.filter(name="Gamma").exists()


def test_the_captain_renames_the_team_but_not_to_a_baseline_name(cast):
    client = browser(cast.participant)
    assert "Rename the team" in client.get("/teams/").content.decode()
    refused = client.post("/teams/rename/", {"name": "Baseline: tfidf-lr"})
    assert refused.status_code == 400
    assert "may not read as &#x27;baseline&#x27;" in refused.content.decode()
    cast.alpha.refresh_from_db()
    assert cast.alpha.name == "Alpha"
    assert client.post("/teams/rename/", {"name": "Alpha NLP"}).status_code == 302
    cast.alpha.refresh_from_db()
    assert cast.alpha.name == "Alpha NLP"


def test_only_the_captain_may_rename(cast):
    client = browser(cast.teammate)
    assert "Rename the team" not in client.get("/teams/").content.decode()
    response = client.post("/teams/rename/", {"name": "Tim's team"}, follow=True)
    assert "Only the team&#x27;s captain may rename" in response.content.decode()
    cast.alpha.refresh_from_db()
    assert cast.alpha.name == "Alpha"


def test_a_baseline_name_is_refused_at_creation_on_the_page(cast):
    response = browser(cast.stranger).post("/teams/create/", {"name": "BASELINE majority"})
    assert response.status_code == 400 and "may not read as" in response.content.decode()
    assert not Team.objects.filter(name__icontains="baseline").exists()


def test_the_task_page_states_the_one_team_per_phase_rule(cast):
    page = html(cast.stranger, f"/tasks/{cast.task.slug}/")
    assert "after changing teams you cannot submit again to a phase" in page
